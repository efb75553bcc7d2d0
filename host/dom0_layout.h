/*
 * Where the domain builder puts things, as Xen 4.17's dom0 builder does and public xen.h
 * promises: from VIRT_BASE, each 4 KiB aligned, the kernel image, the initial ramdisk (unless
 * the kernel's MOD_START_PFN note leaves it unmapped), the p2m list (unless its INIT_P2M note
 * places it elsewhere), start_info, the bootstrap pagetables, one stack page, then at least
 * 512 KiB of mapped padding up to a 4 MiB boundary; and which pseudo-physical frames hold
 * what.  Pure arithmetic on the kernel's notes and the domain size: portable, and compared
 * with Xen's own layouts by suite 33.
 */
#ifndef PVX_DOM0_LAYOUT_H
#define PVX_DOM0_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>
#include "elfnote.h"

/* Xen keeps room for a struct dom0_vga_console_info (40 bytes) after start_info. */
#define DOM0_VGA_INFO_SIZE 40

/*
 * Virtual addresses, [start, end) each; nr_pages is the domain's size in frames.
 *
 * Pseudo-physical frames, as Xen numbers them: [0, alloc_pages) back the region (Xen's
 * first allocation, the region's page count rounded up to a power of two), except that a
 * mapped initrd's frames are those the region maps at vinitrd_start; an unmapped initrd has
 * [initrd_pfn, initrd_pfn + initrd_pages) right after them; a p2m placed by INIT_P2M has
 * [first_p2m_pfn, first_p2m_pfn + nr_p2m_frames) next (its pagetables and its pages, in the
 * order a walk of its range meets them: L3, L2, L1, then each page); the rest follow.
 */
struct dom0_layout {
    uint64_t v_start, v_end, vkern_start, vkern_end;
    uint64_t vinitrd_start, vinitrd_end;         /* 0, 0 when no initrd is mapped */
    uint64_t vphysmap_start, vphysmap_end, vstartinfo_start, vstartinfo_end;
    uint64_t vpt_start, vpt_end, vstack_start, vstack_end;
    uint64_t nr_pages, nr_pt_pages;
    bool p2m_at_base;                            /* the p2m is at INIT_P2M, not in the region */
    uint64_t initrd_len, initrd_pfn, initrd_pages;
    uint64_t alloc_pages;
    uint64_t first_p2m_pfn, nr_p2m_frames;       /* start_info's fields */
};

/* Lay out a domain of `nr_pages` frames for the kernel `p` describes, with an initrd of
 * `initrd_len` bytes (0: none).  NULL, or why it cannot be done (region or p2m too large for
 * the domain, not canonical, over the host's range, overlapping each other). */
const char *dom0_layout_compute(const struct xen_parms *p, uint64_t nr_pages,
                                uint64_t initrd_len, struct dom0_layout *l);

/* Pages of level-`shift` tables needed to map [lo, hi) (shift 39: L3s, 30: L2s, 21: L1s). */
uint64_t dom0_layout_nr_tables(uint64_t lo, uint64_t hi, unsigned shift);

/*
 * A walk of a separately placed p2m's range [lo, hi), 4 KiB mappings only: at each page,
 * first a new L3, L2, L1 table where that page starts a new 512 GiB, 1 GiB, 2 MiB span (or
 * is the first page), then the page.  `fn` is called for each in that order with the table's
 * level (3, 2, 1) or 0 for a page, and the page's address; the walk counts the calls.
 */
typedef void dom0_p2m_walk_fn(void *ctx, unsigned level, uint64_t va);
uint64_t dom0_layout_walk_p2m(uint64_t lo, uint64_t hi, dom0_p2m_walk_fn *fn, void *ctx);

/* The guest frame (pfn) that holds virtual address va of the region. */
static inline uint64_t dom0_layout_pfn(const struct dom0_layout *l, uint64_t va)
{
    return (va - l->v_start) >> 12;
}

/* Print the layout in Xen's words ("VIRTUAL MEMORY ARRANGEMENT"), for side-by-side logs. */
void dom0_layout_print(const struct dom0_layout *l, const struct xen_parms *p);

#endif
