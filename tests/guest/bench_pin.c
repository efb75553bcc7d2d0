/*
 * Probes of the longest single hypercall a guest can make: pinning a pagetable tree, which
 * the hypervisor validates entry by entry before the pin completes.  A guest with F free
 * frames can make one MMUEXT_PIN_L4_TABLE check about F x 512 entries.  One operation is one
 * pin (or unpin) of a tree the probe builds once, timed alone; between two timed calls the
 * tree is unpinned (or pinned again) outside the timing, so every call does the whole work.
 * Every leaf table has 512 present entries to one shared frame:
 *  - leaf L2s: every entry points at one L1, pinned beforehand, so each entry costs a
 *    general and a type reference on a table that already has its type;
 *  - leaf L1s: every entry maps one data frame writable (a general and a writable reference).
 * The probes (figures per leaf entry; docs/bench.md):
 *  bench-pin-l1, bench-pin-l2:  MMUEXT_PIN_L1_TABLE / _L2_TABLE of one leaf table, 512
 *      entries (rows of `make bench`).  One L1 is also what Xen validates without a check
 *      for preemption.
 *  bench-pin-l2-N (N = 16, 64, 256), bench-pin-l1-256:  MMUEXT_PIN_L4_TABLE of an L4 -> L3
 *      -> (L2 ->) N leaves (`make bench-pin`).
 *  bench-pin-l2-max:  the same with as many L2s as the free frames allow, less a reserve.
 *  bench-unpin-l2-256:  the unpin of the pin-l2-256 tree, which drops every reference again.
 *  bench-pin-latency:  how late a timer event that falls due during a long call reaches the
 *      guest (events unmasked), 16 due times spread over the call: the pin-l1-256 pin, and
 *      an mmuext_op of 32 pin + unpin pairs of the pin-l2-16 tree, alone and inside a
 *      multicall; prints "pin: latency-NAME late_min=A late_max=B runs=16 call=D" in TSC
 *      ticks (D: the call with events masked).
 * A hypervisor that preempts validation (Xen) stops a long call part-way and the guest
 * re-issues it from the hypercall page without noticing; the figure includes those restarts.
 * The restarted call's count (rsi) keeps MMU_UPDATE_PREEMPTED set on return, so each probe
 * prints how many of its calls were continued: "pin: NAME continued=K calls=M free=F".
 */
#include "bench.h"
#include "ev.h"

#define ENTRIES              512
#define MAX_FRAMES           8192
#define MAX_RESERVE          64       /* frames bench-pin-l2-max leaves to the guest */
#define MMU_UPDATE_PREEMPTED 0x80000000UL

static const unsigned pin_cmd[5] = {
    0, MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE
};

/* The tree: f[0] the shared frame, then the leaves, then each level above them in turn;
 * the last frame is the root.  Frames are kept by pfn (the array is large). */
static struct tree {
    unsigned leaf_level, root_level, n, nr_frames;
    bool pinned, shared_pinned;
    unsigned calls, continued;
    pfn_t f[MAX_FRAMES];
} tree;

static mfn_t mfn_of(unsigned k)
{
    return pfn_to_mfn(tree.f[k]);
}

static uint64_t *va_of(unsigned k)
{
    return pfn_to_virt(tree.f[k]);
}

static mfn_t root(void)
{
    return mfn_of(tree.nr_frames - 1);
}

/*
 * One mmuext_op request straight through the hypercall page (as hypercall5), noting whether
 * the count came back with MMU_UPDATE_PREEMPTED: a continuation rewrites the guest's rsi,
 * and Xen (a non-debug build) and pvx leave it so on return.
 */
static long mmuext_noting(unsigned cmd, mfn_t m)
{
    struct mmuext_op op = { .cmd = cmd };
    uint64_t a1 = (uint64_t)&op, a2 = 1, a3 = 0;
    register uint64_t r10 __asm__("r10") = DOMID_SELF;
    register uint64_t r8 __asm__("r8") = 0;
    long ret;

    op.arg1.mfn = m.v;
    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [stub] "r"(hypercall_page + __HYPERVISOR_mmuext_op * 32)
                     : "rcx", "r11", "memory");
    tree.calls++;
    tree.continued += (a2 & MMU_UPDATE_PREEMPTED) != 0;
    return ret;
}

static long op_pin(void *ctx, uint64_t i)
{
    long rc = mmuext_noting(pin_cmd[tree.root_level], root());

    (void)ctx, (void)i;
    tree.pinned = rc == 0;
    return rc;
}

static long op_unpin(void *ctx, uint64_t i)
{
    long rc = mmuext_noting(MMUEXT_UNPIN_TABLE, root());

    (void)ctx, (void)i;
    tree.pinned = rc != 0;
    return rc;
}

static long untimed_pin(void *ctx, uint64_t i)
{
    long rc = mmuext1(pin_cmd[tree.root_level], root().v, 0);

    (void)ctx, (void)i;
    tree.pinned = rc == 0;
    return rc;
}

static long untimed_unpin(void *ctx, uint64_t i)
{
    long rc = mmuext1(MMUEXT_UNPIN_TABLE, root().v, 0);

    (void)ctx, (void)i;
    tree.pinned = rc != 0;
    return rc;
}

/* Unpin what is pinned, map every frame writable again and give it back; ERROR on any
 * refusal (the frames are then leaked, not reused). */
static void tree_free(struct xtf_result *res)
{
    long rc = tree.pinned ? untimed_unpin(NULL, 0) : 0;

    if (rc == 0 && tree.shared_pinned)
        rc = mmuext1(MMUEXT_UNPIN_TABLE, mfn_of(0).v, 0);
    tree.shared_pinned = rc != 0;
    for (unsigned k = 0; k < tree.nr_frames && rc == 0; k++)
        rc = remap(va_of(k), mfn_of(k), PTE_DATA);
    if (rc)
        return xtf_error(res, "taking the tree apart: %ld", rc);
    for (unsigned k = 0; k < tree.nr_frames; k++)
        frame_put(tree.f[k]);
    tree.nr_frames = 0;
}

/* Append `n` fresh frames; false (ERROR) when the allocator or the array runs out. */
static bool frames_add(struct xtf_result *res, unsigned n)
{
    for (; n > 0; n--) {
        pfn_t p = tree.nr_frames < MAX_FRAMES ? frame_alloc() : pfn(0);
        if (!p.v) {
            xtf_error(res, "out of frames after %u", tree.nr_frames);
            return false;
        }
        tree.f[tree.nr_frames++] = p;
    }
    return true;
}

/* Allocate and fill the tree through the frames' writable direct map: the leaves' entries,
 * then each level above pointing at the one below, until one table (the root) is left. */
static bool tree_alloc(struct xtf_result *res)
{
    pteval_t to_shared;
    unsigned below = 1, below_n = tree.n;

    if (!frames_add(res, 1 + tree.n))
        return false;
    to_shared = pte_make(mfn_of(0), tree.leaf_level == 1 ? PTE_DATA : PTE_TABLE);
    for (unsigned i = 0; i < tree.n; i++)
        for (unsigned j = 0; j < ENTRIES; j++)
            va_of(1 + i)[j] = to_shared;
    for (unsigned level = tree.leaf_level + 1; level <= tree.root_level; level++) {
        unsigned up = tree.nr_frames, up_n = (below_n + ENTRIES - 1) / ENTRIES;
        if (level == 4 && up_n > 1)
            return xtf_error(res, "%u L3s do not fit one L4", below_n), false;
        if (!frames_add(res, up_n))
            return false;
        for (unsigned i = 0; i < below_n; i++)
            va_of(up + i / ENTRIES)[i % ENTRIES] = pte_make(mfn_of(below + i), PTE_TABLE);
        below = up;
        below_n = up_n;
    }
    if (below_n != 1)
        return xtf_error(res, "%u tables at the root level", below_n), false;
    return true;
}

/* Build the tree and write-protect every table (the shared frame too when it is an L1,
 * which is then pinned).  On failure ERROR and nothing is left allocated. */
static bool tree_build(struct xtf_result *res, unsigned leaf_level, unsigned root_level,
                       unsigned n)
{
    long rc = 0;

    tree = (struct tree){ .leaf_level = leaf_level, .root_level = root_level, .n = n };
    if (tree_alloc(res)) {
        for (unsigned k = leaf_level == 1; k < tree.nr_frames && rc == 0; k++)
            rc = remap(va_of(k), mfn_of(k), PTE_RDONLY);
        if (rc == 0 && leaf_level == 2)
            rc = mmuext1(MMUEXT_PIN_L1_TABLE, mfn_of(0).v, 0);
        tree.shared_pinned = rc == 0 && leaf_level == 2;
        if (rc == 0)
            return true;
        xtf_error(res, "building the tree: %ld", rc);
    }
    tree_free(res);
    return false;
}

/* Time one pin (or, `unpin`, one unpin) of the tree at a time. */
static void pin_probe(struct xtf_result *res, const char *name, unsigned leaf_level,
                      unsigned root_level, unsigned n, bool unpin)
{
    uint64_t free = frames_free();

    if (!mm_need_pv(res) || !tree_build(res, leaf_level, root_level, n))
        return;
    if (unpin && untimed_pin(NULL, 0) != 0) {
        xtf_error(res, "first pin refused");
    } else {
        bench_run_single(res, &(struct bench){ name, "entry", n * ENTRIES,
                                               unpin ? op_unpin : op_pin, NULL },
                         unpin ? untimed_pin : untimed_unpin);
        printk("pin: %s continued=%u calls=%u free=%lu\n", name, tree.continued, tree.calls,
               free);
    }
    tree_free(res);
}

XTF_TEST_EXPLICIT(bench_pin_l1, "bench-pin-l1",
                  "one L1 pin: 512 writable entries to one frame, per entry")
{
    pin_probe(res, "pin-l1", 1, 1, 1, false);
}

XTF_TEST_EXPLICIT(bench_pin_l2, "bench-pin-l2",
                  "one L2 pin: 512 entries to one pinned L1, per entry")
{
    pin_probe(res, "pin-l2", 2, 2, 1, false);
}

XTF_TEST_EXPLICIT(bench_pin_l2_16, "bench-pin-l2-16",
                  "one L4 pin validating 16 L2s of 512 entries to a shared L1, per entry")
{
    pin_probe(res, "pin-l2-16", 2, 4, 16, false);
}

XTF_TEST_EXPLICIT(bench_pin_l2_64, "bench-pin-l2-64",
                  "one L4 pin validating 64 L2s of 512 entries to a shared L1, per entry")
{
    pin_probe(res, "pin-l2-64", 2, 4, 64, false);
}

XTF_TEST_EXPLICIT(bench_pin_l2_256, "bench-pin-l2-256",
                  "one L4 pin validating 256 L2s of 512 entries to a shared L1, per entry")
{
    pin_probe(res, "pin-l2-256", 2, 4, 256, false);
}

XTF_TEST_EXPLICIT(bench_pin_l1_256, "bench-pin-l1-256",
                  "one L4 pin validating 256 L1s of 512 writable entries to one frame, per entry")
{
    pin_probe(res, "pin-l1-256", 1, 4, 256, false);
}

XTF_TEST_EXPLICIT(bench_unpin_l2_256, "bench-unpin-l2-256",
                  "one L4 unpin of the pin-l2-256 tree, dropping every reference, per entry")
{
    pin_probe(res, "unpin-l2-256", 2, 4, 256, true);
}

/* As many L2s as the free frames allow once the shared L1, the L3s, the L4 and a reserve
 * for the guest are counted. */
XTF_TEST_EXPLICIT(bench_pin_l2_max, "bench-pin-l2-max",
                  "one L4 pin validating as many L2s as the free frames allow, per entry")
{
    uint64_t free = frames_free(), n = 0;

    if (free > MAX_RESERVE + 2)
        n = (free - MAX_RESERVE - 2) * ENTRIES / (ENTRIES + 1);
    if (n > MAX_FRAMES - MAX_FRAMES / ENTRIES - 2)
        n = MAX_FRAMES - MAX_FRAMES / ENTRIES - 2;
    if (n < 16)
        return xtf_error(res, "only %lu free frames", free);
    pin_probe(res, "pin-l2-max", 2, 4, (unsigned)n, false);
}

#define LATENCY_RUNS 16
#define PAIRS        32           /* pin + unpin pairs in one batch of the latency probe */

/* The batch of the latency probe: PAIRS x (pin, unpin) of the tree's root. */
static struct mmuext_op pairs[2 * PAIRS];
static struct multicall_entry pairs_mc;

static long op_pairs(void *ctx, uint64_t i)
{
    unsigned done = 0;
    long rc = hypercall5(__HYPERVISOR_mmuext_op, (uint64_t)pairs, 2 * PAIRS, (uint64_t)&done,
                         DOMID_SELF, 0);

    (void)ctx, (void)i;
    return rc ? rc : done == 2 * PAIRS ? 0 : -1000 - (long)done;
}

/* The same batch as the one entry of a multicall. */
static long op_pairs_multicall(void *ctx, uint64_t i)
{
    long rc;

    (void)ctx, (void)i;
    pairs_mc = (struct multicall_entry){ .op = __HYPERVISOR_mmuext_op,
                                         .args = { (uint64_t)pairs, 2 * PAIRS, 0, DOMID_SELF } };
    rc = hypercall5(__HYPERVISOR_multicall, (uint64_t)&pairs_mc, 1, 0, 0, 0);
    return rc ? rc : (long)pairs_mc.result;
}

static long no_op(void *ctx, uint64_t i)
{
    (void)ctx, (void)i;
    return 0;
}

/* One call of op with events unmasked and the one-shot timer due at system time `due`, then
 * `after`: how many TSC ticks after `due` the upcall came; FAILURE unless exactly one came,
 * during the call. */
static bool late_by(struct xtf_result *res, bench_op_t op, bench_op_t after, uint64_t due,
                    uint64_t *late)
{
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = due };
    uint64_t before = pvx_events, t0, t1;
    long rc = ev_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);

    if (!xtf_expect_rc(res, "set_singleshot_timer", rc, 0))
        return false;
    vcpu0()->evtchn_upcall_mask = 0;
    t0 = ev_rdtsc();
    rc = op(NULL, 0);
    t1 = ev_rdtsc();
    vcpu0()->evtchn_upcall_mask = 1;
    if (!xtf_expect_rc(res, "the call, events unmasked", rc, 0) ||
        !xtf_expect(res, pvx_events - before == 1, "not exactly one upcall during the call") ||
        !xtf_expect(res, pvx_ev_tsc > t0 && pvx_ev_tsc < t1, "the upcall came outside the call"))
        return false;
    *late = pvx_ev_tsc - ev_ns_to_tsc(due);
    return xtf_expect_rc(res, "after the call", after(NULL, 0), 0);
}

/* Time one call of op with events masked, then make it with the timer due at
 * LATENCY_RUNS points spread over that time; print the least and the most late. */
static void latency(struct xtf_result *res, evtchn_port_t port, const char *name, bench_op_t op,
                    bench_op_t after)
{
    uint64_t late, lo = UINT64_MAX, hi = 0, s0 = ev_now(), t0 = ev_rdtsc(), took, ticks;
    long rc = op(NULL, 0);
    unsigned k;

    ticks = ev_rdtsc() - t0;
    took = ev_now() - s0;
    if (!xtf_expect_rc(res, name, rc, 0) || !xtf_expect_rc(res, "after it", after(NULL, 0), 0))
        return;
    for (k = 0; k < LATENCY_RUNS; k++) {
        if (!late_by(res, op, after, ev_now() + took * (k + 1) / (LATENCY_RUNS + 1), &late))
            return;
        ev_pending_clear(port);
        vcpu0()->evtchn_pending_sel = 0;
        lo = late < lo ? late : lo;
        hi = late > hi ? late : hi;
    }
    printk("pin: latency-%s late_min=%lu late_max=%lu runs=%u call=%lu\n", name, lo, hi,
           LATENCY_RUNS, ticks);
}

/* The tree of bench-pin-l1-256 (Xen validates each of its L1s without a preemption check)
 * pinned by one call; then the tree of bench-pin-l2-16 pinned and unpinned PAIRS times by
 * one mmuext_op, alone and as the one entry of a multicall. */
XTF_TEST_EXPLICIT(bench_pin_latency, "bench-pin-latency",
                  "how late a timer due during long pin calls reaches the guest")
{
    evtchn_port_t port;

    if (!mm_need_pv(res) || !ev_begin(res, NEED_TRAPS))
        return;
    if (!xtf_expect_rc(res, "bind VIRQ_TIMER", ev_bind_virq(VIRQ_TIMER, 0, &port), 0))
        return ev_end(res);
    if (tree_build(res, 1, 4, 256)) {
        latency(res, port, "pin-l1-256", op_pin, untimed_unpin);
        tree_free(res);
    }
    if (tree_build(res, 2, 4, 16)) {
        for (unsigned i = 0; i < 2 * PAIRS; i++)
            pairs[i] = (struct mmuext_op){
                .cmd = i % 2 ? MMUEXT_UNPIN_TABLE : MMUEXT_PIN_L4_TABLE, .arg1.mfn = root().v };
        latency(res, port, "mmuext-pairs", op_pairs, no_op);
        latency(res, port, "multicall-pairs", op_pairs_multicall, no_op);
        tree_free(res);
    }
    ev_end(res);
    xtf_success(res);
}
