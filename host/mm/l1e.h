/*
 * Private to host/mm/: the rules for one L1 entry (Xen's get_page_from_l1e,
 * put_page_from_l1e, adjust_guest_l1e, mod_l1_entry), inline because both pagetable
 * validation (pagetable.c) and the hot hypercalls (update_va_mapping and mmu_update in
 * ops.c) apply them, and the hypercalls change L1 entries far more often than anything else.
 * Trust: `pte` is a guest-written value; nothing in it is believed before these checks.
 */
#ifndef PVX_MM_L1E_H
#define PVX_MM_L1E_H

#include <public/errno.h>
#include "mm/page.h"
#include "trace.h"

/* Flags a guest may set (Xen's base_disallow_mask inverted); address bits are not flags.
 * L1 also allows _PAGE_GLOBAL; cache attributes (PWT, PCD, PAT) stay refused, as for a
 * domain without I/O memory. */
#define MM_GUEST_FLAGS_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
                                _PAGE_DIRTY | _PAGE_AVAIL | _PAGE_AVAIL_HIGH | _PAGE_NX)
#define MM_L1_DISALLOWED (~PTE_MFN_MASK & ~(MM_GUEST_FLAGS_ALLOWED | _PAGE_GLOBAL))

/*
 * References for a present L1 entry.  The errnos are Xen's get_page_from_l1e: bad flags
 * -EINVAL; a frame that is not RAM -EPERM (Xen's MMIO refusal; -EINVAL for the all-ones
 * address); a frame the domain does not own, or a pagetable asked for writable, -EBUSY.
 */
static inline int mm_get_l1e_refs(const struct mm_domain *d, uint64_t pte)
{
    struct page_info *pg = mm_page(_mfn(pte_mfn(pte)));

    if (pte & MM_L1_DISALLOWED)
        return REFUSE(-XEN_EINVAL, "L1 entry with a refused flag");
    if (pg == NULL || !(pg->flags & PGF_RAM))
        return REFUSE(pte_mfn(pte) == PTE_MFN_ALL_ONES ? -XEN_EINVAL : -XEN_EPERM,
                      "L1 entry maps no RAM");
    if (!mm_get_page(pg, d))
        return REFUSE(-XEN_EBUSY, "L1 entry maps a frame the domain does not own");
    if ((pte & _PAGE_RW) && mm_get_page_type(pg, MM_TYPE_WRITABLE) != 0) {
        mm_put_page(pg);
        return REFUSE(-XEN_EBUSY, "writable L1 entry to a pagetable or descriptor frame");
    }
    return 0;
}

/* Drop what mm_get_l1e_refs took for an L1 entry (nothing if it is not present). */
static inline void mm_put_l1e_refs(uint64_t pte)
{
    struct page_info *pg = mm_page(_mfn(pte_mfn(pte)));

    if (!pte_present(pte) || pg == NULL)
        return;
    if (pte & _PAGE_RW)
        mm_put_page_type(pg);
    mm_put_page(pg);
}

/* Xen's adjust_guest_l1e for a 64-bit PV guest, whose kernel runs in ring 3: a kernel
 * mapping gets _PAGE_USER and the guest-kernel mark, a user mapping _PAGE_GLOBAL. */
static inline uint64_t mm_adjust_l1e(uint64_t pte)
{
    if (!(pte & _PAGE_USER))
        pte |= _PAGE_USER | _PAGE_GUEST_KERNEL;
    if (!(pte & _PAGE_GUEST_KERNEL))
        pte |= _PAGE_GLOBAL | _PAGE_USER;
    return pte;
}

/*
 * Replace entry idx (< 512) of `table`, a validated L1 table of d's (the caller checked its
 * type), with the guest value gpte (Xen's mod_l1_entry): check and reference the new entry,
 * write it, then drop the old entry's references.  A refusal leaves the table untouched.
 * An L1 has no host slots and no linear entries, and changing one flushes nothing here: the
 * caller flushes what the guest asked for.  The general mm_mod_entry hands level 1 here.
 * Always inline: in the hypercalls the call itself would cost a fifth of the work.
 */
__attribute__((always_inline))
static inline int mm_mod_l1_entry(struct mm_domain *d, mfn_t table, unsigned idx,
                                  uint64_t gpte, bool preserve_ad)
{
    uint64_t *pt = arch_map_frame(table), old = pt[idx];
    int rc;

    if (preserve_ad)
        gpte |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
    if (pte_present(gpte)) {
        rc = mm_get_l1e_refs(d, gpte);
        if (rc != 0) {
            arch_unmap_frame(pt);
            return trace_update(table, 1, idx, rc);
        }
        gpte = mm_adjust_l1e(gpte);
    }
    pt[idx] = gpte;
    arch_unmap_frame(pt);
    mm_put_l1e_refs(old);
    return trace_update(table, 1, idx, 0);
}

#endif
