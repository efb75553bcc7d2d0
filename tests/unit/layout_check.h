/*
 * What every layout dom0_layout_compute accepts must satisfy, checked from first principles
 * (public xen.h's promises and Xen's pagetable-count search) rather than with the code under
 * test: shared by dom0_layout-unit and elfnote-fuzz.
 */
#ifndef PVX_TESTS_LAYOUT_CHECK_H
#define PVX_TESTS_LAYOUT_CHECK_H

#include <stdint.h>
#include "dom0_layout.h"

/* NULL, or the first promise `l` (the layout of `nr_pages` frames for `p`) breaks. */
const char *layout_check(const struct xen_parms *p, uint64_t nr_pages,
                         const struct dom0_layout *l);

/* Pagetable pages that map [lo, hi): one L4, and one L3, L2 and L1 per 512 GiB, 1 GiB and
 * 2 MiB block the range touches.  hi > lo, no wrap. */
uint64_t layout_tables_needed(uint64_t lo, uint64_t hi);

#endif
