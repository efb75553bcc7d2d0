/*
 * The guest's view of memory.  A pfn is a guest frame, an mfn a machine frame (pvops.h
 * defines both types).  Under PV they differ and the p2m list (from start_info.mfn_list)
 * and the hypervisor's read-only M2P translate; natively they are the same number.
 *
 * Two kernel mappings reach guest frames: the boot region (VIRT_BASE + pfn * 4 KiB, the
 * image and what the builder placed after it) and, once dmap_init() has run, the direct
 * map (DMAP_BASE + pfn * 4 KiB) of every frame the guest owns.  Every frame the allocator
 * hands out is reached through the direct map only.
 */
#ifndef GUEST_MEM_H
#define GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/layout.h"
#include "pvops.h"

struct guest_mem {
    bool pv;                  /* translate through p2m / M2P */
    bool dmap;                /* the direct map is built */
    const uint64_t *p2m;      /* pfn -> mfn, nr_pages entries (PV) */
    uint64_t nr_pages;        /* guest frames: owned (PV), RAM below 1 GiB (native) */
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

/* The direct-map VA of a frame.  Requires: dmap_init() has run. */
static inline void *pfn_to_virt(pfn_t p)
{
    return (void *)(DMAP_BASE + (p.v << PAGE_SHIFT));
}

/* The boot-region VA of a frame inside the boot region. */
static inline void *boot_pfn_to_virt(pfn_t p)
{
    return (void *)(VIRT_BASE + (p.v << PAGE_SHIFT));
}

/* The frame behind a boot-region (image) VA or a direct-map VA. */
static inline pfn_t virt_to_pfn(const void *va)
{
    uint64_t a = (uint64_t)va;
    return pfn(((a >= VIRT_BASE ? a - VIRT_BASE : a - DMAP_BASE)) >> PAGE_SHIFT);
}

static inline uint64_t virt_to_maddr(const void *va)
{
    return (pfn_to_mfn(virt_to_pfn(va)).v << PAGE_SHIFT) | ((uint64_t)va & (PAGE_SIZE - 1));
}

static inline bool pfn_in_region(pfn_t p)
{
    return VIRT_BASE + (p.v << PAGE_SHIFT) < gmem.region_end;
}

/* Build the direct map (kernel/dmap.c); false (and said why) when it could not be built. */
bool dmap_init(void);

#endif
