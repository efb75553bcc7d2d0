/*
 * The fake machine's inline hooks of host/mm/arch.h (the x86 host's are in
 * host/arch/x86/include/): they hand on to fake_arch.c, which counts every mapping and keeps
 * the TLB model.  On the include path of the unit and fuzz builds of host code only.
 */
#ifndef PVX_FAKE_MM_ARCH_INLINE_H
#define PVX_FAKE_MM_ARCH_INLINE_H

#include "mm/types.h"

void *fake_map_frame(mfn_t mfn);
void fake_unmap_frame(const void *p);
void fake_invlpg(uint64_t va);

static inline void *arch_map_frame(mfn_t mfn) { return fake_map_frame(mfn); }
static inline void arch_unmap_frame(const void *p) { fake_unmap_frame(p); }
static inline void arch_invlpg(uint64_t va) { fake_invlpg(va); }

#endif
