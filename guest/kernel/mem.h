/*
 * The guest's view of memory.  A pfn is a guest frame (index into the boot region, whose
 * VA is VIRT_BASE + pfn * 4 KiB); an mfn is a machine frame.  Under PV they differ and the
 * p2m list (from start_info.mfn_list) and the hypervisor's read-only M2P translate; natively
 * they are the same number.  Distinct struct types keep the two from mixing.
 */
#ifndef GUEST_MEM_H
#define GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/layout.h"

typedef struct { uint64_t v; } pfn_t;
typedef struct { uint64_t v; } mfn_t;

static inline pfn_t pfn(uint64_t v) { return (pfn_t){ v }; }
static inline mfn_t mfn(uint64_t v) { return (mfn_t){ v }; }

struct guest_mem {
    bool pv;                  /* translate through p2m / M2P */
    const uint64_t *p2m;      /* pfn -> mfn, nr_pages entries (PV) */
    uint64_t nr_pages;        /* guest frames owned (PV); frames mapped (native) */
    uint64_t region_end;      /* first VA past the mapped boot region */
};

extern struct guest_mem gmem;

static inline const uint64_t *m2p_table(void)
{
    return (const uint64_t *)M2P_VIRT_START;
}

static inline mfn_t pfn_to_mfn(pfn_t p)
{
    return gmem.pv ? mfn(gmem.p2m[p.v]) : mfn(p.v);
}

/* Reads the hypervisor's M2P under PV: requires an mfn the M2P covers. */
static inline pfn_t mfn_to_pfn(mfn_t m)
{
    return gmem.pv ? pfn(m2p_table()[m.v]) : pfn(m.v);
}

static inline void *pfn_to_virt(pfn_t p)
{
    return (void *)(VIRT_BASE + (p.v << PAGE_SHIFT));
}

static inline pfn_t virt_to_pfn(const void *va)
{
    return pfn(((uint64_t)va - VIRT_BASE) >> PAGE_SHIFT);
}

static inline uint64_t virt_to_maddr(const void *va)
{
    return (pfn_to_mfn(virt_to_pfn(va)).v << PAGE_SHIFT) | ((uint64_t)va & (PAGE_SIZE - 1));
}

static inline bool pfn_in_region(pfn_t p)
{
    return VIRT_BASE + (p.v << PAGE_SHIFT) < gmem.region_end;
}

#endif
