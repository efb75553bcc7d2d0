/*
 * x86_64 4-level pagetables as the guest sees them.  Entry layout (all levels):
 *
 *   63  62..52  51........12  11..9  8  7   6  5  4   3   2  1  0
 *   NX  avail   frame number  avail  G  PS  D  A  PCD PWT U  RW P
 *
 * Tables are reached through the direct map (pfn_to_virt) once it exists, and through the
 * boot region before that (which covers everything the builder made).
 */
#ifndef GUEST_PT_H
#define GUEST_PT_H

#include <stdbool.h>
#include "kernel/mem.h"
#include "pvops.h"

#define HOST_SLOT_FIRST 256       /* L4 slots 256-271 belong to the hypervisor */
#define HOST_SLOT_LAST  271


/* Index of `va` in a table of `level` (1..4). */
static inline unsigned pt_index(uint64_t va, unsigned level)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/* The virtual address of the table an entry points to, or NULL if we cannot reach it. */
pteval_t *pt_table_virt(pteval_t e);

/* The entry for `va` at `level` (4 = L4), walking from the current cr3; NULL when an upper
 * level is not present (or is a superpage) or a table is out of reach. */
pteval_t *pt_lookup(uint64_t va, unsigned level);

/* The L4 in use (VA). */
pteval_t *pt_root(void);

/* A visitor for pt_walk: called for each table (before its entries) and for each leaf. */
struct pt_visitor {
    void (*table)(struct pt_visitor *v, const pteval_t *table, unsigned level, pteval_t e);
    void (*leaf)(struct pt_visitor *v, uint64_t va, pteval_t e, unsigned level);
    void (*unreachable)(struct pt_visitor *v, uint64_t va, pteval_t e, unsigned level);
};

/* Visit every present mapping reachable from the root `l4`, skipping the host's slots. */
void pt_walk(const pteval_t *l4, struct pt_visitor *v);

/* Check every mapping against the p2m (kernel/ptcheck.c); prints the verdict line. */
struct pt_check_result {
    uint64_t checked, mismatches, tables;
    uint64_t region_end;          /* first VA past the last mapping at VIRT_BASE */
};
void pt_check(struct pt_check_result *r);

#endif
