/*
 * Spare guest frames for the kernel and the in-guest tests: the unused tail of the boot
 * region (the builder's padding after its stack), handed out page by page, never freed.
 * Each frame comes mapped writable at pfn_to_virt() and zeroed.
 */
#ifndef GUEST_FRAMES_H
#define GUEST_FRAMES_H

#include "kernel/mem.h"

/* Set the spare range [first, end) of VAs (page aligned). */
void frames_init(uint64_t first_va, uint64_t end_va);

/* A zeroed, writable-mapped spare frame; pfn 0 (never spare) when none is left. */
pfn_t frame_alloc(void);

/* How many spare frames are left. */
uint64_t frames_left(void);

#endif
