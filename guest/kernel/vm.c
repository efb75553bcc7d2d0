/*
 * Address spaces (vm.h).  The user half of every pgd is built here and only through pvops:
 * tables come from the frame allocator, become tables with alloc_pte/pmd/pud and are
 * linked with set_pmd/pud/pgd; leaves are set with set_pte; reads go through read_entry so
 * a queued update is never read stale.  Multi-entry operations (fork, munmap, mprotect,
 * teardown) run in a lazy MMU section, so under the hypercall backend each costs a few
 * multicalls instead of one hypercall per entry.
 */
#include <public/errno.h>
#include <public/sched.h>
#include "kernel/console.h"
#include "kernel/pt.h"
#include "kernel/vm.h"

#define MAX_MMS 32
#define PTE_TABLE (PTE_P | PTE_RW | PTE_US | PTE_A)
#define SHARED_FIRST_SLOT 272    /* every pgd shares the boot pgd's slots 272-511 */

static struct mm mms[MAX_MMS];
static pteval_t *boot_pgd;
static uint64_t boot_cr3;
static struct mm *current_mm;

void vm_init(void)
{
    boot_cr3 = pvops->read_cr3();
    boot_pgd = pt_root();
}

struct mm *mm_current(void)
{
    return current_mm;
}

void mm_activate(struct mm *mm)
{
    if (mm)
        pvops->activate_mm(&mm->pv);
    else
        pvops->write_cr3(boot_cr3);
    current_mm = mm;
}

static pteval_t *table_of(pteval_t e)
{
    return pfn_to_virt(mfn_to_pfn(pte_mfn(e)));
}

static pteval_t user_flags(unsigned prot)
{
    pteval_t f = PTE_P | PTE_US | PTE_A | PTE_D;
    if (prot & VM_WRITE)
        f |= PTE_RW;
    if (!(prot & VM_EXEC))
        f |= PTE_NX;
    return f;
}

/* Make frame p a table at `level` (1-3) of mm and link it through entry e. */
static int link_table(struct mm *mm, pteval_t *e, unsigned level, pfn_t p)
{
    pteval_t v = pte_make(pfn_to_mfn(p), PTE_TABLE);
    switch (level) {
    case 1:
        pvops->alloc_pte(&mm->pv, p);
        return pvops->set_pmd(e, v);
    case 2:
        pvops->alloc_pmd(&mm->pv, p);
        return pvops->set_pud(e, v);
    default:
        pvops->alloc_pud(&mm->pv, p);
        return pvops->set_pgd(e, v);
    }
}

/* The L1 entry for va, allocating missing tables on the way when `alloc`. */
static pteval_t *walk(struct mm *mm, uint64_t va, bool alloc)
{
    pteval_t *t = mm->pv.pgd;

    for (unsigned l = 4; l > 1; l--) {
        pteval_t *e = &t[pt_index(va, l)];
        pteval_t v = pvops->read_entry(e);
        if (!(v & PTE_P)) {
            pfn_t p = alloc ? frame_alloc() : pfn(0);
            if (!p.v || link_table(mm, e, l - 1, p))
                return NULL;
            v = pvops->read_entry(e);
        }
        t = table_of(v);
    }
    return &t[pt_index(va, 1)];
}

pteval_t *vm_pte(struct mm *mm, uint64_t va)
{
    return walk(mm, va, false);
}

static struct mm *mm_alloc(void)
{
    for (unsigned i = 0; i < MAX_MMS; i++) {
        struct mm *mm = &mms[i];
        if (mm->in_use)
            continue;
        pfn_t p = frame_alloc();
        if (!p.v)
            return NULL;
        *mm = (struct mm){ .in_use = true };
        mm->pv.pgd = pfn_to_virt(p);
        for (unsigned s = SHARED_FIRST_SLOT; s < PT_ENTRIES; s++)
            mm->pv.pgd[s] = boot_pgd[s];      /* not pinned yet: plain stores */
        if (pvops->pgd_alloc(&mm->pv)) {
            frame_put(p);
            mm->in_use = false;
            return NULL;
        }
        return mm;
    }
    return NULL;
}

struct mm *mm_new_unpinned(void)
{
    return mm_alloc();
}

int mm_pin(struct mm *mm)
{
    return pvops->dup_mmap(&mm->pv);
}

struct mm *mm_new(void)
{
    struct mm *mm = mm_alloc();
    if (mm && pvops->dup_mmap(&mm->pv)) {
        mm_destroy(mm);
        return NULL;
    }
    return mm;
}

/*
 * The user part of mm's tree, depth first: leaf(mm, va, entry, arg) for every present L1
 * entry, and table(mm, table's frame, level, arg) for every table below the pgd after its
 * own entries (bottom up, so a table may be released there).  Either may be NULL.
 */
struct tree_visit {
    void (*leaf)(struct mm *mm, uint64_t va, pteval_t *e, void *arg);
    void (*table)(struct mm *mm, pfn_t table, unsigned level, void *arg);
    void *arg;
};

static inline __attribute__((always_inline)) void walk_user_tree(struct mm *mm,
                                                                 const struct tree_visit *v)
{
    for (unsigned i4 = 0; i4 < PGD_USER_SLOTS; i4++) {
        if (!(mm->pv.pgd[i4] & PTE_P))
            continue;
        pteval_t *l3 = table_of(mm->pv.pgd[i4]);
        for (unsigned i3 = 0; i3 < PT_ENTRIES; i3++) {
            if (!(l3[i3] & PTE_P))
                continue;
            pteval_t *l2 = table_of(l3[i3]);
            for (unsigned i2 = 0; i2 < PT_ENTRIES; i2++) {
                if (!(l2[i2] & PTE_P))
                    continue;
                pteval_t *l1 = table_of(l2[i2]);
                uint64_t base = ((uint64_t)i4 << 39) | ((uint64_t)i3 << 30) |
                                ((uint64_t)i2 << 21);
                if (v->leaf)
                    for (unsigned i1 = 0; i1 < PT_ENTRIES; i1++)
                        if (l1[i1] & PTE_P)
                            v->leaf(mm, base | ((uint64_t)i1 << 12), &l1[i1], v->arg);
                if (v->table)
                    v->table(mm, virt_to_pfn(l1), 1, v->arg);
            }
            if (v->table)
                v->table(mm, virt_to_pfn(l2), 2, v->arg);
        }
        if (v->table)
            v->table(mm, virt_to_pfn(l3), 3, v->arg);
    }
}

/* Visit every present user leaf of mm: fn(mm, va, entry pointer, arg). */
static void for_each_pte(struct mm *mm, void (*fn)(struct mm *, uint64_t, pteval_t *, void *),
                         void *arg)
{
    walk_user_tree(mm, &(struct tree_visit){ .leaf = fn, .arg = arg });
}

struct fork_state {
    struct mm *child;
    bool failed;
};

/* Fork: share the frame read-only in both; a writable one becomes copy-on-write. */
static void share_pte(struct mm *parent, uint64_t va, pteval_t *e, void *arg)
{
    struct fork_state *fs = arg;
    pteval_t v = *e;
    (void)parent;
    if (v & PTE_RW) {
        v = (v & ~PTE_RW) | PTE_COW;
        pvops->set_pte(e, v);
    }
    pteval_t *ce = fs->failed ? NULL : walk(fs->child, va, true);
    if (!ce) {
        fs->failed = true;              /* out of frames: mm_fork undoes the child */
        return;
    }
    frame_get(mfn_to_pfn(pte_mfn(v)));
    pvops->set_pte(ce, v);
}

struct mm *mm_fork(struct mm *parent)
{
    struct fork_state fs = { mm_alloc(), false };
    struct mm *child = fs.child;
    if (!child)
        return NULL;
    memcpy(child->areas, parent->areas, sizeof(child->areas));
    pvops->lazy_mmu_enter();
    for_each_pte(parent, share_pte, &fs);
    pvops->flush_tlb_user();
    bool failed = fs.failed || pvops->dup_mmap(&child->pv) != 0;
    pvops->lazy_mmu_leave();
    if (failed) {
        mm_destroy(child);
        return NULL;
    }
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    return child;
}

static void put_pte(struct mm *mm, uint64_t va, pteval_t *e, void *arg)
{
    (void)mm, (void)va, (void)arg;
    frame_put(mfn_to_pfn(pte_mfn(*e)));
}

/* One user table of an unpinned tree, after its entries: back to ordinary memory. */
static void release_table(struct mm *mm, pfn_t table, unsigned level, void *arg)
{
    (void)arg;
    if (level == 1)
        pvops->release_pte(&mm->pv, table);
    else if (level == 2)
        pvops->release_pmd(&mm->pv, table);
    else
        pvops->release_pud(&mm->pv, table);
    frame_put(table);
}

void mm_destroy(struct mm *mm)
{
    if (mm == current_mm) {
        printk("vm: BUG: destroying the active address space\n");
        console_flush();
        pvops->shutdown(SHUTDOWN_crash);
    }
    pvops->exit_mmap(&mm->pv);          /* unpinned: the tree is ordinary memory again */
    for_each_pte(mm, put_pte, NULL);
    walk_user_tree(mm, &(struct tree_visit){ .table = release_table });
    pfn_t pgd = virt_to_pfn(mm->pv.pgd);
    pvops->pgd_free(&mm->pv);
    frame_put(pgd);
    mm->in_use = false;
}

static struct vm_area *area_of(struct mm *mm, uint64_t va)
{
    for (unsigned i = 0; i < MAX_AREAS; i++)
        if (mm->areas[i].end && va >= mm->areas[i].start && va < mm->areas[i].end)
            return &mm->areas[i];
    return NULL;
}

static bool overlaps(struct mm *mm, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < MAX_AREAS; i++)
        if (mm->areas[i].end && start < mm->areas[i].end && end > mm->areas[i].start)
            return true;
    return false;
}

static bool range_ok(uint64_t start, uint64_t len)
{
    return len && !(start & (PAGE_SIZE - 1)) && !(len & (PAGE_SIZE - 1)) &&
           start < USER_TOP && len <= USER_TOP - start && start >= PAGE_SIZE;
}

int vm_map_area(struct mm *mm, uint64_t start, uint64_t len, unsigned prot)
{
    if (!range_ok(start, len) || overlaps(mm, start, start + len))
        return -XEN_EINVAL;
    for (unsigned i = 0; i < MAX_AREAS; i++) {
        if (mm->areas[i].end)
            continue;
        mm->areas[i] = (struct vm_area){ start, start + len, prot };
        return 0;
    }
    return -XEN_ENOMEM;
}

uint64_t vm_find_free(struct mm *mm, uint64_t hint, uint64_t len)
{
    for (uint64_t a = hint; a + len <= USER_TOP && a >= hint; a += 0x200000)
        if (!overlaps(mm, a, a + len))
            return a;
    return 0;
}

/* Clip every area against [start, end): the part inside goes, a hole splits the area. */
static int clip_areas(struct mm *mm, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < MAX_AREAS; i++) {
        struct vm_area *a = &mm->areas[i];
        if (!a->end || start >= a->end || end <= a->start)
            continue;
        if (start > a->start && end < a->end) {
            int rc = vm_map_area(mm, end, a->end - end, a->prot);   /* the tail */
            if (rc)
                return rc;
            a->end = start;
        } else if (start > a->start) {
            a->end = start;
        } else if (end < a->end) {
            a->start = end;
        } else {
            a->end = 0;
        }
    }
    return 0;
}

int vm_unmap(struct mm *mm, uint64_t start, uint64_t len)
{
    if (!range_ok(start, len))
        return -XEN_EINVAL;
    int rc = clip_areas(mm, start, start + len);
    if (rc)
        return rc;
    pvops->lazy_mmu_enter();
    for (uint64_t va = start; va < start + len; va += PAGE_SIZE) {
        pteval_t *e = walk(mm, va, false);
        if (!e || !(*e & PTE_P))
            continue;
        pfn_t p = mfn_to_pfn(pte_mfn(*e));
        pvops->pte_clear(e);
        frame_put(p);
    }
    pvops->flush_tlb_user();
    pvops->lazy_mmu_leave();
    return 0;
}

int vm_protect(struct mm *mm, uint64_t start, uint64_t len, unsigned prot)
{
    if (!range_ok(start, len))
        return -XEN_EINVAL;
    for (uint64_t va = start; va < start + len; va += PAGE_SIZE)
        if (!area_of(mm, va))
            return -XEN_ENOMEM;           /* Linux: a hole in the range */
    int rc = clip_areas(mm, start, start + len);
    if (rc || (rc = vm_map_area(mm, start, len, prot)))
        return rc;
    /* Taking write away is done at once, a run of entries per L1; granting it is left to
     * the write fault (copy-on-write frames must not become writable here). */
    if (prot & VM_WRITE)
        return 0;
    pvops->lazy_mmu_enter();
    for (uint64_t va = start; va < start + len; ) {
        pteval_t *e = walk(mm, va, false);
        uint64_t next = (va | 0x1fffff) + 1;
        if (next > start + len)
            next = start + len;
        if (e)
            pvops->protect_ptes(e, (unsigned)((next - va) >> PAGE_SHIFT), PTE_RW, 0);
        va = next;
    }
    pvops->flush_tlb_user();
    pvops->lazy_mmu_leave();
    return 0;
}

/* A write to a copy-on-write frame: take it over if we are its last holder, else copy. */
static int break_cow(pteval_t *e, pteval_t v, unsigned prot)
{
    pfn_t old = mfn_to_pfn(pte_mfn(v));

    if (frame_refs(old) == 1)
        return pvops->set_pte(e, (v & ~PTE_COW) | PTE_RW);
    pfn_t n = frame_alloc();
    if (!n.v)
        return -XEN_ENOMEM;
    memcpy(pfn_to_virt(n), pfn_to_virt(old), PAGE_SIZE);
    int rc = pvops->set_pte(e, pte_make(pfn_to_mfn(n), user_flags(prot)));
    frame_put(old);
    return rc;
}

static int resolve(struct mm *mm, uint64_t va, bool write, struct vm_area *a)
{
    pteval_t *e = walk(mm, va, true);
    if (!e)
        return -XEN_ENOMEM;
    pteval_t v = pvops->read_entry(e);
    if (!(v & PTE_P)) {
        pfn_t p = frame_alloc();
        if (!p.v)
            return -XEN_ENOMEM;
        return pvops->set_pte(e, pte_make(pfn_to_mfn(p), user_flags(a->prot)));
    }
    if (!write || (v & PTE_RW))
        return 0;                         /* already resolved (a stale TLB entry) */
    int rc = (v & PTE_COW) ? break_cow(e, v, a->prot) : pvops->set_pte(e, v | PTE_RW);
    pvops->flush_tlb_one(va);
    return rc;
}

int vm_fault(struct mm *mm, uint64_t va, bool write)
{
    struct vm_area *a = area_of(mm, va);

    if (!a || !(a->prot & (VM_READ | VM_WRITE | VM_EXEC)) || (write && !(a->prot & VM_WRITE)))
        return -XEN_EFAULT;
    pvops->lazy_mmu_enter();
    int rc = resolve(mm, va & ~(uint64_t)(PAGE_SIZE - 1), write, a);
    pvops->lazy_mmu_leave();
    return rc;
}

int vm_insert(struct mm *mm, uint64_t va, pfn_t p, unsigned prot)
{
    pteval_t *e = walk(mm, va, true);
    if (!e)
        return -XEN_ENOMEM;
    return pvops->set_pte(e, pte_make(pfn_to_mfn(p), user_flags(prot)));
}

struct usage { uint64_t pages; };

static void count_pte(struct mm *mm, uint64_t va, pteval_t *e, void *arg)
{
    (void)mm, (void)va, (void)e;
    ((struct usage *)arg)->pages++;
}

void vm_usage(struct mm *mm, uint64_t *tables, uint64_t *pages)
{
    struct usage u = { 0 };
    uint64_t t = mm->pv.user_pgd ? 2 : 1;
    for (unsigned i4 = 0; i4 < PGD_USER_SLOTS; i4++) {
        if (!(mm->pv.pgd[i4] & PTE_P))
            continue;
        pteval_t *l3 = table_of(mm->pv.pgd[i4]);
        t++;
        for (unsigned i3 = 0; i3 < PT_ENTRIES; i3++) {
            if (!(l3[i3] & PTE_P))
                continue;
            pteval_t *l2 = table_of(l3[i3]);
            t++;
            for (unsigned i2 = 0; i2 < PT_ENTRIES; i2++)
                t += (l2[i2] & PTE_P) != 0;
        }
    }
    for_each_pte(mm, count_pte, &u);
    *tables = t;
    *pages = u.pages;
}
