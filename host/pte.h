/*
 * x86-64 pagetable entry bits, for the portable mm core and the x86 code alike (and for
 * assembly: the constants carry their C suffix only in C).
 *
 *   63  62..52   51..12           11..9  8   7    6   5   4    3    2   1   0
 *   NX  avail    frame address    avail  G  PSE   D   A  PCD  PWT  U   RW  P
 */
#ifndef PVX_PTE_H
#define PVX_PTE_H

#ifdef __ASSEMBLER__
#define PTE_C(x) x
#else
#define PTE_C(x) x##ULL
#endif

#define _PAGE_PRESENT      PTE_C(0x001)
#define _PAGE_RW           PTE_C(0x002)
#define _PAGE_USER         PTE_C(0x004)
#define _PAGE_PWT          PTE_C(0x008)
#define _PAGE_PCD          PTE_C(0x010)
#define _PAGE_ACCESSED     PTE_C(0x020)
#define _PAGE_DIRTY        PTE_C(0x040)
#define _PAGE_PSE          PTE_C(0x080)   /* PAT in an L1 entry */
#define _PAGE_GLOBAL       PTE_C(0x100)
#define _PAGE_AVAIL        PTE_C(0xe00)
#define _PAGE_GUEST_KERNEL PTE_C(0x0010000000000000)   /* Xen marks guest-kernel L1 maps */
#define _PAGE_AVAIL_HIGH   PTE_C(0x7ff0000000000000)
#define _PAGE_NX           PTE_C(0x8000000000000000)
#define PTE_MFN_MASK       PTE_C(0x000ffffffffff000)
#define PTE_MFN_ALL_ONES   (PTE_MFN_MASK >> 12)   /* Xen's "INVALID_MFN?" frame address */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

static inline uint64_t pte_mfn(uint64_t pte) { return (pte & PTE_MFN_MASK) >> 12; }
static inline bool pte_present(uint64_t pte) { return (pte & _PAGE_PRESENT) != 0; }
#endif

#endif
