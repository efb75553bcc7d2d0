/*
 * A bump allocator over the spare tail of the boot region.
 */
#include "kernel/frames.h"
#include "guestlib/lib.h"

static uint64_t next_va, end_va;

void frames_init(uint64_t first, uint64_t end)
{
    next_va = (first + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    end_va = end & ~(uint64_t)(PAGE_SIZE - 1);
}

pfn_t frame_alloc(void)
{
    if (next_va >= end_va)
        return pfn(0);
    void *va = (void *)next_va;
    next_va += PAGE_SIZE;
    memset(va, 0, PAGE_SIZE);
    return virt_to_pfn(va);
}

uint64_t frames_left(void)
{
    return next_va < end_va ? (end_va - next_va) >> PAGE_SHIFT : 0;
}
