/*
 * The host's place in every address space, for C, assembly and the linker script alike.
 * The hole itself is ABI (public arch-x86_64.h: HYPERVISOR_VIRT_START..END, L4 slots
 * 256-271, the read-only M2P at its start); where the host puts its own image and direct map
 * inside it is pvx's choice, made here once.
 *
 *   0xffff800000000000  slot 256  read-only M2P (guest-readable)
 *   0xffff828000000000  slot 261  the per-vCPU window: the GDT the CPU uses (guest frames in
 *                                 pages 0-13, the host's descriptors in page 14), then the
 *                                 guest's LDT as it is mapped on first use, then the local
 *                                 APIC's registers (host only)
 *   0xffff830000000000  slot 262  direct map of all machine memory (host only); the host
 *                                 image runs inside it, at HOST_DIRECTMAP + its load address
 *   0xffff880000000000  slot 272  first guest kernel slot
 */
#ifndef PVX_LAYOUT_H
#define PVX_LAYOUT_H

#if defined(__ASSEMBLER__) && !defined(__ASSEMBLY__)
#define __ASSEMBLY__ 1      /* the public headers' spelling of "no C here" */
#endif
#include <public/arch-x86_64.h>

#define HOST_RANGE_START     __HYPERVISOR_VIRT_START
#define HOST_RANGE_END       __HYPERVISOR_VIRT_END
#define HOST_L4_FIRST        256     /* l4 slot of HOST_RANGE_START */
#define HOST_L4_LAST         271     /* l4 slot of HOST_RANGE_END - 1 */
#define HOST_M2P_VIRT        __MACH2PHYS_VIRT_START
#define HOST_M2P_SLOT        256
#define HOST_PERVCPU_VIRT    0xffff828000000000
#define HOST_PERVCPU_SLOT    261
#define HOST_GDT_VIRT        HOST_PERVCPU_VIRT
#define HOST_GDT_PAGES       16            /* 14 guest pages, the host's page 14, one spare */
#define HOST_LDT_VIRT        (HOST_PERVCPU_VIRT + HOST_GDT_PAGES * 0x1000)
#define HOST_LDT_PAGES       16            /* 8192 descriptors */
#define HOST_APIC_PAGE       (HOST_GDT_PAGES + HOST_LDT_PAGES)   /* the local APIC's registers */
#define HOST_DIRECTMAP       0xffff830000000000
#define HOST_DIRECTMAP_SLOT  262
#define HOST_LOAD_PHYS       0x100000   /* the multiboot loader puts the image at 1 MiB */

/* Guest kernel space in a user L4 (slots 272-510; 511 may hold the guest's vsyscall page). */
#define USER_L4_KERNEL_FIRST 272
#define USER_L4_KERNEL_LAST  510

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

_Static_assert(((HOST_RANGE_START >> 39) & 511) == HOST_L4_FIRST, "host range start slot");
_Static_assert((((HOST_RANGE_END - 1) >> 39) & 511) == HOST_L4_LAST, "host range end slot");
_Static_assert(((HOST_DIRECTMAP >> 39) & 511) == HOST_DIRECTMAP_SLOT, "direct map slot");
_Static_assert(((HOST_PERVCPU_VIRT >> 39) & 511) == HOST_PERVCPU_SLOT, "per-vCPU slot");
_Static_assert(HOST_M2P_VIRT == HOST_RANGE_START, "the M2P opens the host range");

/* Canonical: bits 63..47 all equal. */
static inline bool va_is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* Xen's __addr_ok for a 64-bit PV guest: canonical and outside the host's range. */
static inline bool va_is_guest(uint64_t va)
{
    return va < (1ULL << 47) || va >= HOST_RANGE_END;
}
#endif

#endif
