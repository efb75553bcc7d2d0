/*
 * Pagetable validation: the checks that make a guest-written pagetable safe to run on the
 * CPU, and the references each present entry holds while its table is validated.
 * Trust: every entry examined here was written by the guest.  Nothing is taken on faith:
 * flags, frame number, owner and type of the target are checked before any reference is
 * taken, and a table is either validated whole or left exactly as it was.
 *
 * Guided tour.  A table of level N (type L<N>) is validated when it first takes that type
 * (mm_get_page_type in frame.c):
 *   1. every present entry is checked and takes its references, in slot order; on the first
 *      refusal the references already taken are dropped again and the errno returned;
 *   2. only then are the entries adjusted as Xen does for a 64-bit PV guest (the guest
 *      kernel runs in ring 3, so kernel mappings get _PAGE_USER), and an L4 gets the host's
 *      slots 256-271.
 * An entry of level N >= 2 takes a general and a type reference of level N-1 on its target,
 * which validates the target in turn, so a whole tree is checked bottom-up on first use.
 * An L1 entry takes a general reference, plus the `writable` type when it has _PAGE_RW: a
 * frame that is a pagetable (or a descriptor table) can therefore never be mapped writable,
 * and a frame mapped writable can never become one.
 *
 * Linear (recursive) pagetables are refused: an entry whose target is a table of its own
 * level fails the type check with -XEN_EINVAL, as Xen does when booted with pv-linear-pt=0.
 */
#include <public/errno.h>
#include "mm/page.h"

/* Flags a guest may set (Xen's base_disallow_mask inverted); address bits are not flags. */
#define GUEST_FLAGS_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
                             _PAGE_DIRTY | _PAGE_AVAIL | _PAGE_AVAIL_HIGH | _PAGE_NX)
#define FLAG_BITS (~PTE_MFN_MASK)
/* L1 also allows _PAGE_GLOBAL; cache attributes (PWT, PCD, PAT) stay refused, as for a
 * domain without I/O memory. */
static uint64_t disallowed(unsigned level)
{
    uint64_t allowed = GUEST_FLAGS_ALLOWED | (level == 1 ? _PAGE_GLOBAL : 0);

    return FLAG_BITS & ~allowed;
}

bool mm_is_guest_l4_slot(unsigned slot)
{
    return slot < HOST_L4_FIRST || slot > HOST_L4_LAST;
}

static bool slot_is_guest(unsigned level, unsigned idx)
{
    return level != 4 || mm_is_guest_l4_slot(idx);
}

/*
 * References for a present L1 entry.  The errnos are Xen's get_page_from_l1e: bad flags
 * -EINVAL; a frame that is not RAM -EPERM (Xen's MMIO refusal; -EINVAL for the all-ones
 * address); a frame the domain does not own, or a pagetable asked for writable, -EBUSY.
 */
static int get_l1e_refs(const struct mm_domain *d, uint64_t pte)
{
    struct page_info *pg = mm_page(_mfn(pte_mfn(pte)));

    if (pte & disallowed(1))
        return -XEN_EINVAL;
    if (pg == NULL || !(pg->flags & PGF_RAM))
        return pte_mfn(pte) == PTE_MFN_ALL_ONES ? -XEN_EINVAL : -XEN_EPERM;
    if (!mm_get_page(pg, d))
        return -XEN_EBUSY;
    if ((pte & _PAGE_RW) && mm_get_page_type(pg, MM_TYPE_WRITABLE) != 0) {
        mm_put_page(pg);
        return -XEN_EBUSY;
    }
    return 0;
}

/* References for a present entry of level 2-4: the next level's type on an owned frame.
 * Xen's get_page_from_l<N>e: bad flags or a frame not owned -EINVAL; a type conflict
 * -EINVAL; a failure while validating the target keeps that failure's errno. */
static int get_upper_refs(const struct mm_domain *d, unsigned level, uint64_t pte)
{
    struct page_info *pg;
    int rc;

    if (pte & disallowed(level))
        return -XEN_EINVAL;
    pg = mm_get_page_from_mfn(pte_mfn(pte), d);
    if (pg == NULL)
        return -XEN_EINVAL;
    rc = mm_get_page_type(pg, MM_TYPE_L1 + level - 2);
    if (rc != 0)
        mm_put_page(pg);
    return rc;
}

static int get_entry_refs(const struct mm_domain *d, unsigned level, uint64_t pte)
{
    return level == 1 ? get_l1e_refs(d, pte) : get_upper_refs(d, level, pte);
}

/* Drop what get_entry_refs took for a present entry that is (or was) in a validated table. */
static void put_entry_refs(unsigned level, uint64_t pte)
{
    struct page_info *pg = mm_page(_mfn(pte_mfn(pte)));

    if (!pte_present(pte) || pg == NULL)
        return;
    if (level > 1 || (pte & _PAGE_RW))
        mm_put_page_type(pg);
    mm_put_page(pg);
}

/* Xen's adjust_guest_l<N>e for a 64-bit PV guest, whose kernel runs in ring 3. */
static uint64_t adjust_entry(unsigned level, uint64_t pte)
{
    if (!pte_present(pte))
        return pte;
    if (level > 1)
        return pte | _PAGE_USER;
    if (!(pte & _PAGE_USER))
        pte |= _PAGE_USER | _PAGE_GUEST_KERNEL;
    if (!(pte & _PAGE_GUEST_KERNEL))
        pte |= _PAGE_GLOBAL | _PAGE_USER;
    return pte;
}

static unsigned type_level(unsigned type)
{
    return type - MM_TYPE_L1 + 1;
}

int mm_validate_table(struct page_info *pg, unsigned type)
{
    unsigned level = type_level(type), i;
    mfn_t mfn = mm_page_mfn(pg);
    uint64_t *pt = arch_map_frame(mfn);
    int rc = 0;

    for (i = 0; i < 512; i++) {
        if (!slot_is_guest(level, i) || !pte_present(pt[i]))
            continue;
        rc = get_entry_refs(pg->owner, level, pt[i]);
        if (rc != 0)
            break;
    }
    if (rc != 0) {
        while (i-- > 0)
            if (slot_is_guest(level, i))
                put_entry_refs(level, pt[i]);
        arch_unmap_frame(pt);
        return rc;
    }
    for (i = 0; i < 512; i++) {
        if (slot_is_guest(level, i))
            pt[i] = adjust_entry(level, pt[i]);
        else
            pt[i] = arch_host_l4e(i);
    }
    arch_unmap_frame(pt);
    return 0;
}

void mm_devalidate_table(struct page_info *pg, unsigned type)
{
    unsigned level = type_level(type), i;
    uint64_t *pt = arch_map_frame(mm_page_mfn(pg));

    for (i = 0; i < 512; i++)
        if (slot_is_guest(level, i))
            put_entry_refs(level, pt[i]);
    arch_unmap_frame(pt);
}

/* Is `table` the user L4 of one of d's vCPUs?  Its guest-kernel slots must stay empty. */
static bool is_user_l4(const struct mm_domain *d, mfn_t table)
{
    unsigned i;

    for (i = 0; i < d->nr_vcpus; i++)
        if (d->vcpu[i] != NULL && mfn_eq(d->vcpu[i]->guest_table_user, table))
            return true;
    return false;
}

static bool is_user_l4_kernel_slot(unsigned idx)
{
    return idx >= USER_L4_KERNEL_FIRST && idx <= USER_L4_KERNEL_LAST;
}

/*
 * mmu_update on a validated table (Xen's mod_l<N>_entry): check and reference the new entry,
 * write it, then drop the old entry's references.  A refusal leaves the table untouched.
 * Replacing a present entry of level >= 2 flushes the TLB before returning, so that no
 * translation through the old subtree survives it (the XSA-286 pattern).
 */
int mm_mod_entry(struct mm_domain *d, struct page_info *pg, unsigned idx, uint64_t gpte,
                 bool preserve_ad)
{
    unsigned level = type_level(pg->type);
    mfn_t table = mm_page_mfn(pg);
    uint64_t *pt, old;
    int rc;

    if (!slot_is_guest(level, idx))
        return -XEN_EINVAL;          /* "L4 update in Xen-private area" */
    if (level == 4 && is_user_l4_kernel_slot(idx) && pte_present(gpte) && is_user_l4(d, table))
        return -XEN_EINVAL;
    pt = arch_map_frame(table);
    old = pt[idx];
    if (preserve_ad)
        gpte |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
    if (pte_present(gpte)) {
        rc = get_entry_refs(d, level, gpte);
        if (rc != 0) {
            arch_unmap_frame(pt);
            return rc;
        }
        gpte = adjust_entry(level, gpte);
    }
    pt[idx] = gpte;
    arch_unmap_frame(pt);
    put_entry_refs(level, old);
    if (level >= 2 && pte_present(old))
        mm_flush_tlb();
    return 0;
}

const char *mm_check_entry(const struct mm_domain *d, unsigned level, mfn_t table,
                           unsigned idx, uint64_t pte)
{
    struct page_info *pg;

    (void)table;
    if (!slot_is_guest(level, idx))
        return pte == arch_host_l4e(idx) ? NULL : "host L4 slot differs from the host's";
    if (!pte_present(pte))
        return NULL;
    if (pte & disallowed(level))
        return "entry has a refused flag (PSE, cache attribute or reserved bit)";
    if (!(pte & _PAGE_USER))
        return "present entry without _PAGE_USER";
    pg = mm_page(_mfn(pte_mfn(pte)));
    if (pg == NULL || !(pg->flags & PGF_ALLOCATED) || pg->owner != d)
        return "entry maps a frame its domain does not own";
    if (level == 1) {
        if ((pte & _PAGE_RW) && (pg->type != MM_TYPE_WRITABLE || pg->type_count == 0))
            return "writable mapping of a frame without the writable type";
        return NULL;
    }
    if (pg->type != MM_TYPE_L1 + level - 2 || !(pg->flags & PGF_VALIDATED))
        return "entry points at a frame that is not a validated table of the next level";
    return NULL;
}
