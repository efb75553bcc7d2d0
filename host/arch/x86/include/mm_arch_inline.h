/*
 * The x86 host's inline hooks of host/mm/arch.h, on the paging hot paths.  Every machine
 * frame the frame table covers is mapped at HOST_DIRECTMAP for good (host/arch/x86/mm.c), so
 * mapping a frame is arithmetic.  Portable mm code includes this through mm/arch.h: it holds
 * nothing but these hooks.
 */
#ifndef PVX_X86_MM_ARCH_INLINE_H
#define PVX_X86_MM_ARCH_INLINE_H

#include "layout.h"
#include "mm/types.h"
#include "trace.h"

extern uint64_t arch_directmap_frames;          /* frames the direct map covers */
void arch_map_frame_outside(mfn_t mfn) __attribute__((noreturn));

/* A frame outside the direct map is a host bug (mm passes only frames it owns a page_info
 * for): the host stops rather than touch whatever lies beyond. */
static inline void *arch_map_frame(mfn_t mfn)
{
    if (__builtin_expect(mfn_x(mfn) >= arch_directmap_frames, 0))
        arch_map_frame_outside(mfn);
    return (void *)(uintptr_t)(HOST_DIRECTMAP + (mfn_x(mfn) << PAGE_SHIFT));
}

static inline void arch_unmap_frame(const void *p) { (void)p; }   /* the map is permanent */

static inline void arch_invlpg(uint64_t va)
{
    trace_flush_one(va);
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#endif
