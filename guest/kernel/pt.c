/*
 * One generic 4-level walker and the lookups built on it.  Tables are read (never written)
 * through the direct map, or the boot region before it exists; writes go through pvops.
 */
#include "kernel/pt.h"

pteval_t *pt_table_virt(pteval_t e)
{
    pfn_t p = mfn_to_pfn(pte_mfn(e));
    if (gmem.dmap && p.v < gmem.nr_pages)
        return pfn_to_virt(p);
    if (!pfn_in_region(p))
        return NULL;
    return boot_pfn_to_virt(p);
}

pteval_t *pt_root(void)
{
    return pt_table_virt(pvops->read_cr3());
}

pteval_t *pt_lookup(uint64_t va, unsigned level)
{
    pteval_t *t = pt_root();
    for (unsigned l = 4; t; l--) {
        pteval_t *e = &t[pt_index(va, l)];
        if (l == level)
            return e;
        if (!(*e & PTE_P) || (l < 4 && (*e & PTE_PSE)))
            return NULL;
        t = pt_table_virt(*e);
    }
    return NULL;
}

/* Sign-extend a 48-bit address. */
static uint64_t canonical(uint64_t va)
{
    return (va & (1ULL << 47)) ? (va | 0xffff000000000000ULL) : va;
}

static void walk_level(const pteval_t *t, unsigned level, uint64_t base, struct pt_visitor *v)
{
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        pteval_t e = t[i];
        uint64_t va = canonical(base + ((uint64_t)i << (PAGE_SHIFT + 9 * (level - 1))));
        if (level == 4 && i >= HOST_SLOT_FIRST && i <= HOST_SLOT_LAST)
            continue;
        if (!(e & PTE_P))
            continue;
        if (level == 1 || (level < 4 && (e & PTE_PSE))) {
            v->leaf(v, va, e, level);
            continue;
        }
        const pteval_t *next = pt_table_virt(e);
        if (!next) {
            v->unreachable(v, va, e, level);
            continue;
        }
        if (v->table)
            v->table(v, next, level - 1, e);
        walk_level(next, level - 1, va, v);
    }
}

void pt_walk(const pteval_t *l4, struct pt_visitor *v)
{
    if (v->table)
        v->table(v, l4, 4, 0);
    walk_level(l4, 4, 0, v);
}
