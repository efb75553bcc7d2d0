/*
 * Guest frames.  Two allocators, one after the other:
 *  - the early one bumps through a range of boot-region VAs (the builder's padding under
 *    PV, the 4 MiB after the image natively) and feeds only the direct map's own tables;
 *  - the frame allocator proper (frames_init() on) keeps a free list over pfns, with one
 *    struct frame per guest frame (Linux's mem_map): a reference count for sharing (fork's
 *    copy-on-write) and the pvops backend state.  Its frames are reached through the
 *    direct map only, and come zeroed and writable.
 */
#ifndef GUEST_FRAMES_H
#define GUEST_FRAMES_H

#include "kernel/mem.h"

struct frame {
    struct pv_frame pv;      /* pagetable and pin state (pvops) */
    uint32_t refs;           /* 0: free */
    uint32_t next_free;      /* free list link (pfn), while free */
};

/* Early: the spare range [first_va, end_va) of boot-region VAs. */
void frames_early_init(uint64_t first_va, uint64_t end_va);
/* A zeroed frame writable at boot_pfn_to_virt(); pfn 0 when none is left. */
pfn_t frame_alloc_early(void);
uint64_t frames_early_left(void);
/* The frame the early allocator would hand out next. */
pfn_t frames_early_next(void);

/* Start the frame allocator over pfns [first, end): its frame table takes the first
 * frames, the rest are free.  Requires: the direct map covers [0, end). */
bool frames_init(pfn_t first, pfn_t end);

/* A zeroed frame, reference count 1; pfn 0 when none is left. */
pfn_t frame_alloc(void);
/* Drop one reference; the frame is free when the last one goes.  Requires: writable in
 * the direct map again (no longer a pagetable). */
void frame_put(pfn_t p);
void frame_get(pfn_t p);
uint32_t frame_refs(pfn_t p);
/* The direct map's part (kernel/dmap.c): where the free frames start, and marking the
 * boot tree's tables in the frame table. */
pfn_t dmap_first_free(void);
void dmap_mark_boot_tables(void);

/* Frames on the free list. */
uint64_t frames_free(void);
/* The frame table entry of p, or NULL before frames_init() or for a pfn outside it. */
struct frame *frame_info(pfn_t p);

#endif
