/*
 * Hypothesis (mm-diff-fuzz): pvx answers a seeded random stream of memory hypercalls exactly
 * as Xen 4.17 does, operation by operation, and whatever the stream did can be undone.
 * The stream is drawn in guest pfns (a pool of 16 frames only this test uses) and translated
 * through the p2m as it runs, so `seed=N ops=N` gives the same operations under both
 * hypervisors; every return code goes into a running hash printed every 100 operations,
 * which tests/suites/42-guest-mm-difffuzz.sh compares between pvx and Xen.
 * Trust boundary: the operations touch only the pool frames' entries, pins and M2P entries
 * (and a foreign frame, always refused), never a live pagetable, so the guest survives any
 * answer; the verdict is about survival and cleanup, the comparison is the suite's.
 * Operations: MMU_NORMAL_PT_UPDATE of slots 0/1/255/256/271/272/511 (values to a pool frame,
 * the frame itself, a foreign frame or 0, random flags incl. an address bit above any
 * machine's width), PIN_L1..L4/UNPIN, MMU_MACHPHYS_UPDATE, multicalls of 1-4 of them.  No
 * update_va_mapping (it only reaches live mappings).  PWT/PCD/PAT are a documented
 * difference for dom0 (docs/abi.md): generated, but counted apart and undone if accepted.
 * Options: seed= ops= verbose=1 dump=K (pool before op K) watch=F (when F took a type).
 */
#include "mm.h"
#include "kernel/boot.h"
#include "kernel/console.h"

#define POOL        16
#define NR_SLOTS    7
#define CHECKPOINT  100
#define NR_ERRNO    128

/* Where a generated entry points: a pool frame (0..POOL-1) or one of these. */
#define T_SELF      (POOL + 0)     /* the frame holding the entry: linear/recursive cases */
#define T_FOREIGN   (POOL + 1)     /* RAM the domain does not own */
#define T_NONE      (POOL + 2)     /* the whole entry is 0 */

#define PTE_PWT     0x008ULL
#define PTE_PCD     0x010ULL
#define PTE_G       0x100ULL
#define PTE_AVAIL   0xe00ULL
#define PTE_RSVD    (1ULL << 51)   /* above any machine's physical address width */
#define PTE_GKERNEL (1ULL << 52)   /* what Xen (and pvx) mark kernel L1 mappings with */
#define PTE_ADJUST  (PTE_US | PTE_G | PTE_GKERNEL)   /* what validation may add to an entry */
#define HOST_SLOTS  (HOST_SLOT_LAST - HOST_SLOT_FIRST + 1)

enum kind { K_UPDATE, K_PIN, K_UNPIN, K_MACHPHYS, K_MULTI, K_SWEEP, NR_KINDS };

/* One generated operation, in pool terms; translated to machine terms only when issued. */
struct fop {
    enum kind kind;
    unsigned frame;          /* pool index, or T_FOREIGN */
    unsigned slot;           /* K_UPDATE: entry index */
    unsigned target;         /* K_UPDATE: T_* or pool index; K_MACHPHYS: pool index (pfn) */
    pteval_t flags;          /* K_UPDATE */
    unsigned level;          /* K_PIN: 1..4 */
    bool cache;              /* K_UPDATE with PWT/PCD/PAT: a documented difference */
    pteval_t old;            /* K_UPDATE: the entry before the operation */
};

static const unsigned slots[NR_SLOTS] = { 0, 1, 255, 256, 271, 272, 511 };
static const unsigned pin_cmds[5] = {
    0, MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE
};

struct fuzz {
    uint64_t rng;
    struct page pool[POOL];
    mfn_t foreign;
    bool verbose;
    unsigned dump_at;              /* dump=K: print every pool entry before op K */
    uint32_t hash;
    unsigned errs[NR_ERRNO + 1];   /* [0] ok, [n] -n, [NR_ERRNO] anything else */
    unsigned cache_ops, cache_ok, cache_undo_failed;
    unsigned adjust_restored, adjust_restore_failed;
    bool was_l4[POOL];                         /* a PIN_L4 of it ever succeeded */
    unsigned pinned[POOL];                     /* level it is pinned at, 0 if not */
    pteval_t host_shadow[POOL][HOST_SLOTS];    /* what we last wrote to slots 256-271 */
    pteval_t snap[POOL][PT_ENTRIES];           /* the pool before an operation with a pin */
};

/* xorshift64*: small, fast, and the same on every platform. */
static uint64_t rnd(struct fuzz *f)
{
    f->rng ^= f->rng >> 12;
    f->rng ^= f->rng << 25;
    f->rng ^= f->rng >> 27;
    return f->rng * 0x2545f4914f6cdd1dULL;
}

static unsigned below(struct fuzz *f, unsigned n)
{
    return (unsigned)((rnd(f) >> 32) % n);
}

static bool chance(struct fuzz *f, unsigned num, unsigned den)
{
    return below(f, den) < num;
}

static void hash_word(struct fuzz *f, uint32_t w)
{
    for (unsigned i = 0; i < 4; i++) {
        f->hash ^= (w >> (8 * i)) & 0xff;
        f->hash *= 16777619u;
    }
}

static void hash_result(struct fuzz *f, unsigned idx, unsigned sub, enum kind k, long rc)
{
    hash_word(f, idx);
    hash_word(f, sub);
    hash_word(f, k);
    hash_word(f, (uint32_t)rc);
}

static void record(struct fuzz *f, unsigned idx, unsigned sub, enum kind k, long rc)
{
    hash_result(f, idx, sub, k, rc);
    if (rc == 0)
        f->errs[0]++;
    else if (rc < 0 && rc > -NR_ERRNO)
        f->errs[-rc]++;
    else
        f->errs[NR_ERRNO]++;
}

static const char *errno_name(unsigned e)
{
    switch (e) {
    case 0: return "ok";
    case XEN_EPERM: return "EPERM";
    case XEN_ESRCH: return "ESRCH";
    case XEN_ENOMEM: return "ENOMEM";
    case XEN_EACCES: return "EACCES";
    case XEN_EFAULT: return "EFAULT";
    case XEN_EBUSY: return "EBUSY";
    case XEN_EEXIST: return "EEXIST";
    case XEN_EINVAL: return "EINVAL";
    case XEN_ENOSYS: return "ENOSYS";
    case NR_ERRNO: return "other";
    default: return NULL;
    }
}

static void checkpoint(struct fuzz *f, unsigned done)
{
    char line[256];
    int n = snprintf(line, sizeof(line), "difffuzz: %u ops hash %08x", done, f->hash);
    for (unsigned e = 0; e <= NR_ERRNO && n < (int)sizeof(line); e++) {
        if (!f->errs[e])
            continue;
        const char *name = errno_name(e);
        if (name)
            n += snprintf(line + n, sizeof(line) - n, " %s %u", name, f->errs[e]);
        else
            n += snprintf(line + n, sizeof(line) - n, " E%u %u", e, f->errs[e]);
    }
    printk("%s\n", line);
}

/* ---- generation: pool terms only, never depends on a result ---- */

static unsigned gen_frame(struct fuzz *f)
{
    return chance(f, 1, 12) ? T_FOREIGN : below(f, POOL);
}

static void gen_update(struct fuzz *f, struct fop *op, bool allow_cache)
{
    op->kind = K_UPDATE;
    op->frame = below(f, POOL);
    op->slot = slots[below(f, NR_SLOTS)];
    unsigned t = below(f, 100);
    op->target = t < 20 ? T_NONE : t < 85 ? below(f, POOL) : t < 93 ? T_SELF : T_FOREIGN;
    pteval_t fl = 0;
    fl |= chance(f, 85, 100) ? PTE_P : 0;
    fl |= chance(f, 1, 2) ? PTE_RW : 0;
    fl |= chance(f, 1, 2) ? PTE_US : 0;
    fl |= chance(f, 1, 2) ? PTE_A : 0;
    fl |= chance(f, 1, 2) ? PTE_D : 0;
    fl |= chance(f, 1, 6) ? PTE_G : 0;
    fl |= chance(f, 1, 6) ? PTE_NX : 0;
    fl |= chance(f, 1, 10) ? PTE_AVAIL : 0;
    fl |= chance(f, 1, 32) ? PTE_RSVD : 0;
    op->cache = false;
    /* PWT/PCD/PAT(=PSE at L1): Xen lets dom0 set them in L1 entries, pvx never (docs/abi.md).
     * Whether a frame is an L1 depends on history, so these stay out of the hash. */
    if (allow_cache && chance(f, 1, 25)) {
        static const pteval_t cache_bits[3] = { PTE_PWT, PTE_PCD, PTE_PSE };
        fl |= cache_bits[below(f, 3)];
        op->cache = true;
    }
    op->flags = fl;
}

static void gen_simple(struct fuzz *f, struct fop *op, bool allow_cache)
{
    unsigned k = below(f, 100);
    *op = (struct fop){ .kind = K_UPDATE };
    if (k < 55) {
        gen_update(f, op, allow_cache);
    } else if (k < 78) {
        op->kind = K_PIN;
        op->frame = gen_frame(f);
        op->level = 1 + below(f, 4);
    } else if (k < 92) {
        op->kind = K_UNPIN;
        op->frame = gen_frame(f);
    } else {
        op->kind = K_MACHPHYS;
        op->frame = gen_frame(f);
        op->target = below(f, POOL);
    }
}

/* ---- translation to machine terms, at run time ---- */

static mfn_t frame_mfn(const struct fuzz *f, unsigned frame)
{
    return frame == T_FOREIGN ? f->foreign : f->pool[frame].mfn;
}

static uint64_t entry_maddr(const struct fuzz *f, const struct fop *op)
{
    return (f->pool[op->frame].mfn.v << PAGE_SHIFT) + op->slot * sizeof(pteval_t);
}

static pteval_t entry_val(const struct fuzz *f, const struct fop *op)
{
    switch (op->target) {
    case T_NONE:    return 0;
    case T_SELF:    return pte_make(f->pool[op->frame].mfn, op->flags);
    case T_FOREIGN: return pte_make(f->foreign, op->flags);
    default:        return pte_make(f->pool[op->target].mfn, op->flags);
    }
}

static void describe(const struct fop *op, char *buf, size_t size)
{
    char fr[12], tg[12];
    if (op->frame == T_FOREIGN)
        snprintf(fr, sizeof(fr), "foreign");
    else
        snprintf(fr, sizeof(fr), "f%u", op->frame);
    switch (op->kind) {
    case K_UPDATE:
        if (op->target == T_NONE)
            snprintf(tg, sizeof(tg), "0");
        else if (op->target == T_SELF)
            snprintf(tg, sizeof(tg), "self");
        else if (op->target == T_FOREIGN)
            snprintf(tg, sizeof(tg), "foreign");
        else
            snprintf(tg, sizeof(tg), "f%u", op->target);
        snprintf(buf, size, "update %s[%u] = %s flags %#lx", fr, op->slot, tg,
                 op->target == T_NONE ? 0 : op->flags);
        break;
    case K_PIN:
        snprintf(buf, size, "pin L%u %s", op->level, fr);
        break;
    case K_UNPIN:
        snprintf(buf, size, "unpin %s", fr);
        break;
    case K_MACHPHYS:
        snprintf(buf, size, "machphys %s = pfn of f%u", fr, op->target);
        break;
    default:
        snprintf(buf, size, "?");
    }
}

/* The hypercall one simple operation becomes, as a multicall entry (also issued alone). */
struct issued {
    struct mmu_update req;
    struct mmuext_op ext;
    struct multicall_entry mc;
};

static void prepare(const struct fuzz *f, struct fop *op, struct issued *is)
{
    memset(is, 0, sizeof(*is));
    if (op->kind == K_UPDATE)
        op->old = peek(&f->pool[op->frame].va[op->slot]);
    switch (op->kind) {
    case K_UPDATE:
        is->req.ptr = entry_maddr(f, op) | MMU_NORMAL_PT_UPDATE;
        is->req.val = entry_val(f, op);
        break;
    case K_MACHPHYS:
        is->req.ptr = (frame_mfn(f, op->frame).v << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
        is->req.val = f->pool[op->target].pfn.v;
        break;
    case K_PIN:
        is->ext.cmd = pin_cmds[op->level];
        is->ext.arg1.mfn = frame_mfn(f, op->frame).v;
        break;
    case K_UNPIN:
        is->ext.cmd = MMUEXT_UNPIN_TABLE;
        is->ext.arg1.mfn = frame_mfn(f, op->frame).v;
        break;
    default:
        break;
    }
    if (op->kind == K_UPDATE || op->kind == K_MACHPHYS)
        is->mc = (struct multicall_entry){ .op = __HYPERVISOR_mmu_update, .result = 1,
            .args = { (uint64_t)&is->req, 1, 0, DOMID_SELF, 0, 0 } };
    else
        is->mc = (struct multicall_entry){ .op = __HYPERVISOR_mmuext_op, .result = 1,
            .args = { (uint64_t)&is->ext, 1, 0, DOMID_SELF, 0, 0 } };
}

static long issue(struct issued *is)
{
    if (is->mc.op == __HYPERVISOR_mmu_update)
        return HYPERVISOR_mmu_update(&is->req, 1, NULL, DOMID_SELF);
    return HYPERVISOR_mmuext_op(&is->ext, 1, NULL, DOMID_SELF);
}

static void verbose_line(const struct fuzz *f, unsigned idx, int sub, const struct fop *op,
                         long rc)
{
    char what[96];
    if (!f->verbose)
        return;
    describe(op, what, sizeof(what));
    if (sub < 0)
        printk("difffuzz: op %u: %s -> %ld\n", idx, what, rc);
    else
        printk("difffuzz: op %u.%d: %s -> %ld\n", idx, sub, what, rc);
}

/* A cache-attribute update: counted, not hashed; if accepted, the old entry is put back so
 * that both hypervisors go on from the same state. */
static void run_cache_op(struct fuzz *f, unsigned idx, struct fop *op)
{
    struct issued is;
    pteval_t old = f->pool[op->frame].va[op->slot];
    prepare(f, op, &is);
    long rc = issue(&is);
    f->cache_ops++;
    if (f->verbose) {
        char what[96];
        describe(op, what, sizeof(what));
        printk("difffuzz: op %u: %s -> %ld (cache bits: not hashed)\n", idx, what, rc);
    }
    if (rc)
        return;
    f->cache_ok++;
    if (mmu_update1(is.req.ptr, old, NULL))
        f->cache_undo_failed++;
}

static void snapshot(struct fuzz *f)
{
    for (unsigned i = 0; i < POOL; i++)
        memcpy(f->snap[i], f->pool[i].va, PAGE_SIZE);
}

/*
 * After a refused pin Xen may leave the entries it checked before the failing one adjusted
 * (_PAGE_USER, Global, its kernel mark: docs/abi.md, "a refused pin"), pvx leaves them as
 * they were.  Such an entry reads back differently and is judged differently later (Global
 * is refused above L1), so the difference would spread into every later answer.  Put back
 * every entry that changed only in those bits: not hashed, counted.
 */
static void undo_adjustments(struct fuzz *f)
{
    for (unsigned i = 0; i < POOL; i++)
        for (unsigned s = 0; s < PT_ENTRIES; s++) {
            pteval_t old = f->snap[i][s], now = peek(&f->pool[i].va[s]);
            if (now == old || !(old & PTE_P) || ((now ^ old) & ~PTE_ADJUST))
                continue;
            uint64_t ma = (f->pool[i].mfn.v << PAGE_SHIFT) + s * sizeof(pteval_t);
            if (mmu_update1(ma, old, NULL) == 0)
                f->adjust_restored++;
            else
                f->adjust_restore_failed++;
        }
}

/*
 * A validated L4 gets the hypervisor's own entries in slots 256-271, and they stay in the
 * frame when it loses the type: Xen's and pvx's differ (the host layouts do), and would be
 * judged if the frame became a lower-level table later.  So after anything that may have
 * untyped an L4, write back what we last wrote there, on every frame that was ever an L4;
 * a frame still typed L4 refuses the batch at its first request, on both.  Hashed: these
 * are real requests with deterministic answers.
 */
static void sweep_host_slots(struct fuzz *f, unsigned idx)
{
    struct mmu_update req[HOST_SLOTS];

    for (unsigned i = 0; i < POOL; i++) {
        if (!f->was_l4[i])
            continue;
        for (unsigned s = 0; s < HOST_SLOTS; s++) {
            req[s].ptr = (f->pool[i].mfn.v << PAGE_SHIFT) +
                         (HOST_SLOT_FIRST + s) * sizeof(pteval_t);
            req[s].val = f->host_shadow[i][s];
        }
        unsigned done = 0;
        long rc = HYPERVISOR_mmu_update(req, HOST_SLOTS, &done, DOMID_SELF);
        record(f, idx, 100 + i, K_SWEEP, rc);
        hash_result(f, idx, 200 + i, K_SWEEP, done);
        if (f->verbose)
            printk("difffuzz: op %u: sweep f%u slots 256-271 -> %ld done %u\n", idx, i, rc,
                   done);
    }
}

static int pool_index(const struct fuzz *f, mfn_t m)
{
    for (unsigned i = 0; i < POOL; i++)
        if (f->pool[i].mfn.v == m.v)
            return (int)i;
    return -1;
}

/* Bookkeeping after an operation: which frames were L4, what we wrote to host slots, and
 * whether an L4 may have lost its type (an unpin, or a replaced read-only entry that may
 * have been a linear reference to one). */
static void note_result(struct fuzz *f, const struct fop *op, long rc, bool *sweep)
{
    if (rc != 0)
        return;
    if (op->kind == K_PIN && op->level == 4 && op->frame < POOL)
        f->was_l4[op->frame] = true;
    if (op->kind == K_PIN && op->frame < POOL)
        f->pinned[op->frame] = op->level;
    if (op->kind == K_UNPIN && op->frame < POOL) {
        *sweep |= f->pinned[op->frame] == 4;
        f->pinned[op->frame] = 0;
    }
    if (op->kind == K_UPDATE && op->slot >= HOST_SLOT_FIRST && op->slot <= HOST_SLOT_LAST)
        f->host_shadow[op->frame][op->slot - HOST_SLOT_FIRST] =
            peek(&f->pool[op->frame].va[op->slot]);
    if (op->kind == K_UPDATE && (op->old & PTE_P) && !(op->old & PTE_RW)) {
        int t = pool_index(f, pte_mfn(op->old));
        if (t >= 0 && f->was_l4[t])
            *sweep = true;
    }
}

static void run_op(struct fuzz *f, unsigned idx)
{
    struct fop op;
    struct issued is[4];
    bool sweep = false, pin_refused = false;

    if (chance(f, 15, 100)) {
        unsigned n = 1 + below(f, 4);
        struct fop ops[4];
        struct multicall_entry mc[4];
        bool has_pin = false;
        for (unsigned i = 0; i < n; i++) {
            gen_simple(f, &ops[i], false);
            prepare(f, &ops[i], &is[i]);
            mc[i] = is[i].mc;
            has_pin |= ops[i].kind == K_PIN;
        }
        if (has_pin)
            snapshot(f);
        long rc = HYPERVISOR_multicall(mc, n);
        record(f, idx, 0, K_MULTI, rc);
        if (f->verbose)
            printk("difffuzz: op %u: multicall of %u -> %ld\n", idx, n, rc);
        for (unsigned i = 0; i < n; i++) {
            long r = (long)mc[i].result;
            record(f, idx, i + 1, ops[i].kind, r);
            verbose_line(f, idx, (int)i + 1, &ops[i], r);
            note_result(f, &ops[i], r, &sweep);
            pin_refused |= ops[i].kind == K_PIN && r != 0;
        }
    } else {
        gen_simple(f, &op, true);
        if (op.cache) {
            run_cache_op(f, idx, &op);
            return;
        }
        prepare(f, &op, &is[0]);
        if (op.kind == K_PIN)
            snapshot(f);
        long rc = issue(&is[0]);
        record(f, idx, 0, op.kind, rc);
        verbose_line(f, idx, -1, &op, rc);
        note_result(f, &op, rc, &sweep);
        pin_refused = op.kind == K_PIN && rc != 0;
    }
    if (pin_refused)
        undo_adjustments(f);
    if (sweep)
        sweep_host_slots(f, idx);
}

/* ---- cleanup: every pin, entry and M2P change undone; each frame writable again ---- */

static void cleanup(struct fuzz *f, struct xtf_result *res)
{
    unsigned unpinned = 0, cleared = 0;

    for (unsigned i = 0; i < POOL; i++) {
        long rc = mmu_update1((f->pool[i].mfn.v << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
                              f->pool[i].pfn.v, NULL);
        if (rc || m2p_table()[f->pool[i].mfn.v] != f->pool[i].pfn.v)
            return xtf_failure(res, "cleanup: M2P of f%u not restored (rc %ld)", i, rc);
    }
    for (unsigned i = 0; i < POOL; i++) {
        long rc = mmuext1(MMUEXT_UNPIN_TABLE, f->pool[i].mfn.v, 0);
        if (rc == 0)
            unpinned++;
        else if (rc != -XEN_EINVAL)
            return xtf_failure(res, "cleanup: unpin f%u: %ld", i, rc);
    }
    /* Clearing an entry may untype the frame it pointed at, which frees that frame's own
     * hypervisor slots for clearing in the next pass. */
    for (unsigned pass = 0; pass < 8; pass++) {
        unsigned left = 0, progress = 0;
        for (unsigned i = 0; i < POOL; i++)
            for (unsigned s = 0; s < PT_ENTRIES; s++) {
                if (!peek(&f->pool[i].va[s]))
                    continue;
                uint64_t ma = (f->pool[i].mfn.v << PAGE_SHIFT) + s * sizeof(pteval_t);
                if (mmu_update1(ma, 0, NULL) == 0 && !peek(&f->pool[i].va[s])) {
                    progress++;
                    cleared++;
                } else {
                    left++;
                }
            }
        if (!left)
            break;
        if (!progress) {
            for (unsigned i = 0; i < POOL; i++)
                for (unsigned s = 0; s < PT_ENTRIES; s++)
                    if (peek(&f->pool[i].va[s]))
                        return xtf_failure(res, "cleanup: f%u[%u] = %#lx cannot be cleared",
                                           i, s, peek(&f->pool[i].va[s]));
        }
    }
    for (unsigned i = 0; i < POOL; i++) {
        long rc = remap(f->pool[i].va, f->pool[i].mfn, PTE_DATA);
        if (rc)
            return xtf_failure(res, "cleanup: f%u cannot be mapped writable (%ld): "
                               "a type reference was left behind", i, rc);
        poke(f->pool[i].va, MAGIC_A);
        if (peek(f->pool[i].va) != MAGIC_A)
            return xtf_failure(res, "cleanup: f%u not writable through its mapping", i);
        poke(f->pool[i].va, 0);
    }
    printk("difffuzz: cleanup: %u unpinned, %u entries cleared, %u frames writable again\n",
           unpinned, cleared, POOL);
}

/* Every non-zero pool entry, with its target in pool terms: what a divergence started from. */
static void dump_pool(const struct fuzz *f, unsigned idx)
{
    printk("difffuzz: pool before op %u:\n", idx);
    for (unsigned i = 0; i < POOL; i++)
        if (f->pinned[i])
            printk("difffuzz:   f%u pinned L%u\n", i, f->pinned[i]);
    for (unsigned i = 0; i < POOL; i++)
        for (unsigned s = 0; s < PT_ENTRIES; s++) {
            pteval_t e = peek(&f->pool[i].va[s]);
            if (!e)
                continue;
            mfn_t m = pte_mfn(e);
            int t = pool_index(f, m);
            if (t >= 0)
                printk("difffuzz:   f%u[%u] = f%d flags %#lx\n", i, s, t, (uint64_t)(e & ~PTE_ADDR));
            else
                printk("difffuzz:   f%u[%u] = mfn %#lx%s flags %#lx\n", i, s, m.v,
                       m.v == f->foreign.v ? " (foreign)" : "", (uint64_t)(e & ~PTE_ADDR));
        }
}

static uint64_t arg_u64(const char *key, uint64_t dflt)
{
    char buf[24];
    if (!cmdline_get(boot.cmdline, key, buf, sizeof(buf)))
        return dflt;
    return strtoull(buf, NULL, 0);
}

static struct fuzz fz;

XTF_TEST_EXPLICIT(mm_diff_fuzz, "mm-diff-fuzz",
                  "a seeded stream of memory hypercalls gets pvx's and Xen's same answers "
                  "(hash per 100 ops) and can be undone")
{
    struct fuzz *f = &fz;

    if (!mm_need_pv(res))
        return;
    memset(f, 0, sizeof(*f));
    uint64_t seed = arg_u64("seed", 1);
    unsigned ops = (unsigned)arg_u64("ops", 3000);
    f->verbose = arg_u64("verbose", 0) != 0;
    f->dump_at = (unsigned)arg_u64("dump", ~0u);
    f->rng = seed ? seed : 1;            /* xorshift must not start at 0 */
    f->hash = 2166136261u;
    for (unsigned i = 0; i < POOL; i++)
        if (!table_new(res, &f->pool[i]))
            return;
    if (!mm_foreign_mfn(&f->foreign))
        return xtf_error(res, "no RAM frame outside our p2m found");
    printk("difffuzz: seed %lu ops %u pool f0-f%u = pfn %#lx-%#lx\n", seed, ops, POOL - 1,
           f->pool[0].pfn.v, f->pool[POOL - 1].pfn.v);

    /* watch=K: after every op, write 0 to fK[5] (a slot no op uses, so it stays 0 and the
     * write changes nothing) and report when the answer changes: when did fK take a type? */
    unsigned watch = (unsigned)arg_u64("watch", ~0u);
    long watched = 0;
    for (unsigned i = 0; i < ops; i++) {
        if (i == f->dump_at)
            dump_pool(f, i);
        run_op(f, i);
        if (watch < POOL) {
            long rc = mmu_update1((f->pool[watch].mfn.v << PAGE_SHIFT) + 5 * sizeof(pteval_t),
                                  0, NULL);
            if (rc != watched)
                printk("difffuzz: watch f%u: after op %u a write to it gives %ld\n", watch,
                       i, rc);
            watched = rc;
        }
        if ((i + 1) % CHECKPOINT == 0 || i + 1 == ops)
            checkpoint(f, i + 1);
    }
    printk("difffuzz: done: %u ops; not hashed: %u cache-attribute updates, %u accepted, "
           "%u undo failed; %u entries adjusted by refused pins put back, %u failed\n", ops,
           f->cache_ops, f->cache_ok, f->cache_undo_failed, f->adjust_restored,
           f->adjust_restore_failed);
    if (f->cache_undo_failed || f->adjust_restore_failed)
        xtf_failure(res, "%u accepted cache-attribute updates, %u adjusted entries could not "
                    "be undone", f->cache_undo_failed, f->adjust_restore_failed);
    cleanup(f, res);
    xtf_success(res);
}
