/*
 * Pagetable validation: the checks that make a guest-written pagetable safe to run on the
 * CPU, and the references each present entry holds while its table is validated.
 * Trust: every entry examined here was written by the guest.  Nothing is taken on faith:
 * flags, frame number, owner and type of the target are checked before any reference is
 * taken, and a table is either validated whole or left exactly as it was (lower tables
 * that passed before a sibling failed keep their adjusted entries, see docs/abi.md).
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
 * and a frame mapped writable can never become one.  The L1 rules live in mm/l1e.h, inline,
 * because the hot hypercalls apply them too.
 *
 * Linear (recursive) pagetables follow Xen's rule (get_l<N>_linear_pagetable): an entry of
 * level N >= 2 whose target is not a level N-1 table may instead point at a table of its own
 * level N if it is read-only, and the target is either the entry's own table (a self-map,
 * which holds no reference) or an already validated level-N table of the same domain, which
 * then holds a general and a type reference on it.  As after XSA-240, a table that contains
 * such entries may not itself be the target of one, and the other way round, so a chain of
 * linear references is at most one long and devalidation cannot recurse without bound.
 * Everything reached through a linear entry is read-only, because the entry itself is.
 */
#include <public/errno.h>
#include "mm/l1e.h"
#include "trace.h"

/* L2-L4 allow what L1 does but _PAGE_GLOBAL (mm/l1e.h). */
uint64_t mm_disallowed_flags(unsigned level)
{
    return level == 1 ? MM_L1_DISALLOWED : MM_L1_DISALLOWED | _PAGE_GLOBAL;
}

bool mm_is_guest_l4_slot(unsigned slot)
{
    return slot < HOST_L4_FIRST || slot > HOST_L4_LAST;
}

static bool slot_is_guest(unsigned level, unsigned idx)
{
    return level != 4 || mm_is_guest_l4_slot(idx);
}

static unsigned type_level(unsigned type)
{
    return type - MM_TYPE_L1 + 1;
}

/* Xen's get_l<N>_linear_pagetable: may `table` (level N) hold the read-only entry pte that
 * points at a table of level N?  On success a non-self target holds a general and a type
 * reference, and both frames' linear counts record the link. */
static bool get_linear_refs(struct page_info *table, uint64_t pte)
{
    struct page_info *target;

    if (pte & _PAGE_RW)
        return false;                /* "linear p.t. with write perms" (the XSA-182 shape) */
    if (pte_mfn(pte) == mfn_x(mm_page_mfn(table)))
        return true;
    target = mm_get_page_from_mfn(pte_mfn(pte), table->owner);
    if (target == NULL)
        return false;
    if (table->linear_count < 0 || target->linear_count > 0 || target->type != table->type ||
        !(target->flags & PGF_VALIDATED) || target->type_count == 0 ||
        target->type_count >= MM_COUNT_MAX || table->linear_count >= (int32_t)MM_COUNT_MAX ||
        target->linear_count <= -(int32_t)MM_COUNT_MAX) {
        mm_put_page(target);
        return false;
    }
    table->linear_count++;
    target->linear_count--;
    target->type_count++;
    return true;
}

/* References for a present entry of level 2-4: the next level's type on an owned frame, or
 * a linear entry.  Xen's get_page_from_l<N>e: bad flags, a frame not owned, a type conflict
 * that is no allowed linear entry: -EINVAL; a failure while validating the target keeps that
 * failure's errno. */
static int get_upper_refs(struct page_info *table, unsigned level, uint64_t pte)
{
    struct page_info *pg;
    int rc;

    if (pte & mm_disallowed_flags(level))
        return REFUSE(-XEN_EINVAL, "L2-L4 entry with a refused flag (PSE?)");
    pg = mm_get_page_from_mfn(pte_mfn(pte), table->owner);
    rc = pg != NULL ? mm_get_page_type(pg, MM_TYPE_L1 + level - 2)
                    : REFUSE(-XEN_EINVAL, "L2-L4 entry to a frame the domain does not own");
    if (rc != 0 && pg != NULL)
        mm_put_page(pg);
    if (rc == -XEN_EINVAL && get_linear_refs(table, pte))
        rc = 0;
    return rc;
}

static int get_entry_refs(struct page_info *table, unsigned level, uint64_t pte)
{
    return level == 1 ? mm_get_l1e_refs(table->owner, pte) : get_upper_refs(table, level, pte);
}

/* Drop what get_entry_refs took for a present entry of `table` (validated, or being
 * validated or devalidated).  A target of the table's own level is a linear entry. */
static void put_entry_refs(struct page_info *table, unsigned level, uint64_t pte)
{
    struct page_info *pg = mm_page(_mfn(pte_mfn(pte)));

    if (level == 1) {
        mm_put_l1e_refs(pte);
        return;
    }
    if (!pte_present(pte) || pg == NULL)
        return;
    if (pg == table)
        return;                      /* a self-map holds nothing */
    if (pg->type == table->type) {
        pg->linear_count++;
        table->linear_count--;
    }
    mm_put_page_type(pg);
    mm_put_page(pg);
}

/* Xen's adjust_guest_l<N>e for every level. */
static uint64_t adjust_entry(unsigned level, uint64_t pte)
{
    if (!pte_present(pte))
        return pte;
    return level == 1 ? mm_adjust_l1e(pte) : pte | _PAGE_USER;
}

unsigned long mm_tables_walked;

/*
 * Validation and devalidation look at every entry, but only the present ones in guest
 * slots take (or drop) references and need adjusting; a process's tables are mostly
 * empty, so an empty entry costs only its test.
 */
static bool holds_refs(unsigned level, unsigned idx, uint64_t pte)
{
    return pte_present(pte) && slot_is_guest(level, idx);
}

int mm_validate_table(struct page_info *pg, unsigned type)
{
    unsigned level = type_level(type), i, checked = 0;
    mfn_t mfn = mm_page_mfn(pg);
    uint64_t *pt = arch_map_frame(mfn);
    int rc = 0;

    mm_tables_walked++;
    for (i = 0; i < 512; i++) {
        if (!holds_refs(level, i, pt[i]))
            continue;
        checked++;                   /* for the trace (host/trace.h): dead without it */
        rc = get_entry_refs(pg, level, pt[i]);
        if (rc != 0)
            break;
    }
    if (rc != 0) {
        /* Refused: drop what the entries before it took, and leave the table as it was. */
        while (i-- > 0)
            if (holds_refs(level, i, pt[i]))
                put_entry_refs(pg, level, pt[i]);
        arch_unmap_frame(pt);
        return trace_validate(mfn, level, checked, rc);
    }
    for (i = 0; i < 512; i++) {
        uint64_t pte = pt[i];

        if (holds_refs(level, i, pte))
            pt[i] = adjust_entry(level, pte);
    }
    if (level == 4)
        for (i = HOST_L4_FIRST; i <= HOST_L4_LAST; i++)
            pt[i] = arch_host_l4e(i);
    arch_unmap_frame(pt);
    return trace_validate(mfn, level, checked, 0);
}

void mm_devalidate_table(struct page_info *pg, unsigned type)
{
    unsigned level = type_level(type), i;
    uint64_t *pt = arch_map_frame(mm_page_mfn(pg));

    mm_tables_walked++;
    for (i = 0; i < 512; i++)
        if (holds_refs(level, i, pt[i]))
            put_entry_refs(pg, level, pt[i]);
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

    if (level == 1)
        return mm_mod_l1_entry(d, table, idx, gpte, preserve_ad);
    if (!slot_is_guest(level, idx))
        return trace_update(table, level, idx,
                            REFUSE(-XEN_EINVAL, "L4 update in the host's slots 256-271"));
    if (level == 4 && is_user_l4_kernel_slot(idx) && pte_present(gpte)) {
        if (is_user_l4(d, table))
            return trace_update(table, level, idx,
                                REFUSE(-XEN_EINVAL, "user L4 may not map guest kernel space"));
        pg->flags &= (uint8_t)~PGF_USER_L4_OK;      /* it will map guest kernel space */
    }
    pt = arch_map_frame(table);
    old = pt[idx];
    if (preserve_ad)
        gpte |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
    if (pte_present(gpte)) {
        rc = get_entry_refs(pg, level, gpte);
        if (rc != 0) {
            arch_unmap_frame(pt);
            return trace_update(table, level, idx, rc);
        }
        gpte = adjust_entry(level, gpte);
    }
    pt[idx] = gpte;
    arch_unmap_frame(pt);
    put_entry_refs(pg, level, old);
    if (level >= 2 && pte_present(old))
        mm_flush_tlb();
    return trace_update(table, level, idx, 0);
}
