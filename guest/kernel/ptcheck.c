/*
 * The boot-time pagetable audit.  Walk every mapping reachable from the current L4 and
 * check it against what the platform promised: a VA in the boot region maps the frame the
 * p2m gives for (va - VIRT_BASE) >> 12, a VA in the direct map the frame for
 * (va - DMAP_BASE) >> 12; under PV the pagetable frames themselves are mapped read-only and
 * everything else writable; natively the low identity map maps va itself.  Once the frame
 * table exists, every table the walk reaches must also be marked a pagetable there.
 * Anything else counts as a mismatch and the first few are printed.
 */
#include "kernel/console.h"
#include "kernel/frames.h"
#include "kernel/pt.h"

#define MAX_TABLES 64
#define MAX_REPORTED 5

struct checker {
    struct pt_visitor v;         /* first: the walker hands us back this pointer */
    mfn_t tables[MAX_TABLES];
    unsigned nr_tables;
    uint64_t seen;               /* tables reached */
    bool overflow;
    struct pt_check_result *r;
};

static void mismatch(struct checker *c, uint64_t va, pteval_t e, const char *why)
{
    if (c->r->mismatches++ < MAX_REPORTED)
        printk("pagetable walk: va %#lx entry %#lx: %s\n", va, e, why);
}

static void note_table(struct pt_visitor *v, const pteval_t *t, unsigned level, pteval_t e)
{
    struct checker *c = (struct checker *)v;
    struct frame *f = frame_info(virt_to_pfn(t));
    (void)e;
    c->seen++;
    if (f) {
        if (f->pv.table_level != level)
            mismatch(c, (uint64_t)t, level, "table not marked at its level in the frame table");
        return;
    }
    if (c->nr_tables == MAX_TABLES) {
        c->overflow = true;
        return;
    }
    c->tables[c->nr_tables++] = pfn_to_mfn(virt_to_pfn(t));
}

static bool is_table(const struct checker *c, mfn_t m)
{
    struct frame *f = frame_info(mfn_to_pfn(m));
    if (f)
        return f->pv.table_level != 0;
    for (unsigned i = 0; i < c->nr_tables; i++)
        if (c->tables[i].v == m.v)
            return true;
    return false;
}


/* The frame `va` must map, or false if nothing may be mapped there. */
static bool expected_mfn(uint64_t va, mfn_t *out)
{
    /* Under PV the region is at most the frames we own; natively the boot map covers a
     * fixed range whatever the RAM. */
    uint64_t region = gmem.pv ? gmem.nr_pages << PAGE_SHIFT : gmem.region_end - VIRT_BASE;
    if (va >= VIRT_BASE && va - VIRT_BASE < region) {
        *out = pfn_to_mfn(virt_to_pfn((const void *)va));
        return true;
    }
    if (gmem.dmap && va >= DMAP_BASE && va - DMAP_BASE < (gmem.nr_pages << PAGE_SHIFT)) {
        *out = pfn_to_mfn(virt_to_pfn((const void *)va));
        return true;
    }
    if (!gmem.pv && va < region) {
        *out = mfn(va >> PAGE_SHIFT);
        return true;
    }
    return false;
}

static void check_leaf(struct pt_visitor *v, uint64_t va, pteval_t e, unsigned level)
{
    struct checker *c = (struct checker *)v;
    uint64_t size = 1ULL << (PAGE_SHIFT + 9 * (level - 1));
    mfn_t want;

    c->r->checked++;
    if (va >= VIRT_BASE && va + size > c->r->region_end)
        c->r->region_end = va + size;
    if (!expected_mfn(va, &want))
        return mismatch(c, va, e, "mapping outside the boot region and the direct map");
    if (pte_mfn(e).v != want.v)
        return mismatch(c, va, e, "frame differs from the p2m");
    if (gmem.pv && is_table(c, want) && (e & PTE_RW))
        return mismatch(c, va, e, "pagetable frame mapped writable");
    if ((!gmem.pv || !is_table(c, want)) && !(e & PTE_RW))
        return mismatch(c, va, e, "ordinary frame mapped read-only");
}

static void unreachable(struct pt_visitor *v, uint64_t va, pteval_t e, unsigned level)
{
    (void)level;
    mismatch((struct checker *)v, va, e, "table outside the boot region");
}

static void ignore_leaf(struct pt_visitor *v, uint64_t va, pteval_t e, unsigned level)
{
    (void)v, (void)va, (void)e, (void)level;
}

void pt_check(struct pt_check_result *r)
{
    static struct checker c;
    const pteval_t *root = pt_root();

    memset(&c, 0, sizeof(c));
    memset(r, 0, sizeof(*r));
    c.r = r;
    if (!root) {
        printk("pagetable walk: the root table is out of reach\n");
        r->mismatches = 1;
        return;
    }
    c.v = (struct pt_visitor){ note_table, ignore_leaf, ignore_leaf };
    pt_walk(root, &c.v);          /* pass 1: which frames are pagetables */
    c.v = (struct pt_visitor){ NULL, check_leaf, unreachable };
    pt_walk(root, &c.v);          /* pass 2: judge every mapping */
    r->tables = c.seen;
    if (c.overflow)
        mismatch(&c, 0, 0, "more pagetables than the checker tracks");
    printk("pagetable walk: %lu mappings checked, %lu mismatches (%lu tables, region to %#lx)\n",
           r->checked, r->mismatches, r->tables, r->region_end);
}
