/*
 * Where the domain builder puts things, as Xen 4.17's dom0 builder does and public xen.h
 * promises: from VIRT_BASE, each 4 KiB aligned, the kernel image, the p2m list, start_info,
 * the bootstrap pagetables, one stack page, then at least 512 KiB of mapped padding up to a
 * 4 MiB boundary.  Pure arithmetic on the kernel's notes and the domain size: portable,
 * unit-tested in userspace against Xen's own layouts.
 */
#ifndef PVX_DOM0_LAYOUT_H
#define PVX_DOM0_LAYOUT_H

#include <stdint.h>
#include "elfnote.h"

/* Xen keeps room for a struct dom0_vga_console_info (40 bytes) after start_info. */
#define DOM0_VGA_INFO_SIZE 40

/* Virtual addresses, [start, end) each; nr_pages is the domain's size in frames. */
struct dom0_layout {
    uint64_t v_start, v_end, vkern_start, vkern_end;
    uint64_t vphysmap_start, vphysmap_end, vstartinfo_start, vstartinfo_end;
    uint64_t vpt_start, vpt_end, vstack_start, vstack_end;
    uint64_t nr_pages, nr_pt_pages;
};

/* Lay out a domain of `nr_pages` frames for the kernel `p` describes.  NULL, or why it
 * cannot be done (region too large for the domain, not canonical, over the host's range). */
const char *dom0_layout_compute(const struct xen_parms *p, uint64_t nr_pages,
                                struct dom0_layout *l);

/* Pages of level-`shift` tables needed to map [lo, hi) (shift 39: L3s, 30: L2s, 21: L1s). */
uint64_t dom0_layout_nr_tables(uint64_t lo, uint64_t hi, unsigned shift);

/* The guest frame (pfn) that holds virtual address va of the region. */
static inline uint64_t dom0_layout_pfn(const struct dom0_layout *l, uint64_t va)
{
    return (va - l->v_start) >> 12;
}

/* Print the layout in Xen's words ("VIRTUAL MEMORY ARRANGEMENT"), for side-by-side logs. */
void dom0_layout_print(const struct dom0_layout *l, const struct xen_parms *p);

#endif
