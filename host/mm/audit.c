/*
 * The audit: recompute from scratch what the frame table should say and compare.  It checks
 * docs/design.md invariants 1-4 and 7 over every frame and every validated pagetable (which
 * includes every table reachable from a pin or a base pointer); invariant 5 (no unchecked
 * guest value) is a property of the code, checked by the sanitizers and the fuzzer that call
 * this after every operation.  Read-only: it only writes the audit scratch fields.
 */
#include "mm/page.h"

struct audit {
    char *why;
    size_t len;
};

static void put_str(char **p, char *end, const char *s)
{
    while (*s != '\0' && *p < end)
        *(*p)++ = *s++;
}

static void put_hex(char **p, char *end, uint64_t v)
{
    char digits[17];
    int n = 0;

    do {
        digits[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v != 0);
    put_str(p, end, "0x");
    while (n > 0 && *p < end)
        *(*p)++ = digits[--n];
}

/* Describe the first violation: "<what> (mfn 0x.., slot 0x..)".  Always returns -1. */
static int fail(struct audit *a, const char *what, uint64_t mfn, int64_t slot)
{
    char *p = a->why, *end;

    if (a->len == 0)
        return -1;
    end = a->why + a->len - 1;
    put_str(&p, end, what);
    put_str(&p, end, " (mfn ");
    put_hex(&p, end, mfn);
    if (slot >= 0) {
        put_str(&p, end, ", slot ");
        put_hex(&p, end, (uint64_t)slot);
    }
    put_str(&p, end, ")");
    *p = '\0';
    return -1;
}

static bool known_domain(struct mm_domain *const *doms, unsigned n, const struct mm_domain *d)
{
    unsigned i;

    for (i = 0; i < n; i++)
        if (doms[i] == d)
            return true;
    return false;
}

/* Does entry `idx` of the validated table `table` break a rule?  NULL if not. */
static const char *check_entry(const struct page_info *table, unsigned level, unsigned idx,
                               uint64_t pte)
{
    struct page_info *pg;

    if (level == 4 && !mm_is_guest_l4_slot(idx))
        return pte == arch_host_l4e(idx) ? NULL : "host L4 slot differs from the host's";
    if (!pte_present(pte))
        return NULL;
    if (pte & mm_disallowed_flags(level))
        return "entry has a refused flag (PSE, cache attribute or reserved bit)";
    if (!(pte & _PAGE_USER))
        return "present entry without _PAGE_USER";
    pg = mm_page(_mfn(pte_mfn(pte)));
    if (pg == NULL || !(pg->flags & PGF_ALLOCATED) || pg->owner != table->owner)
        return "entry maps a frame its domain does not own";
    if (level == 1) {
        if ((pte & _PAGE_RW) && (pg->type != MM_TYPE_WRITABLE || pg->type_count == 0))
            return "writable mapping of a frame without the writable type";
        return NULL;
    }
    if (pg->type == table->type) {
        if (pte & _PAGE_RW)
            return "writable linear pagetable entry";
        if (pg != table && (!(pg->flags & PGF_VALIDATED) || pg->type_count == 0))
            return "linear entry to a table that is not validated";
        return NULL;
    }
    if (pg->type != MM_TYPE_L1 + level - 2 || !(pg->flags & PGF_VALIDATED))
        return "entry points at a frame that is not a validated table of the next level";
    return NULL;
}

/* Count one use of `mfn` (general, and a type reference if `typed`). */
static void expect(uint64_t mfn, bool typed)
{
    struct page_info *pg = mm_page(_mfn(mfn));

    if (pg == NULL)
        return;
    pg->audit_count++;
    if (typed)
        pg->audit_type_count++;
}

/* Every entry of one validated table: the rules, and the references it holds. */
static int audit_table(struct audit *a, struct page_info *pg)
{
    unsigned level = pg->type - MM_TYPE_L1 + 1, i;
    mfn_t mfn = mm_page_mfn(pg);
    const uint64_t *pt = arch_map_frame(mfn);
    const char *bad = NULL;

    for (i = 0; i < 512 && bad == NULL; i++) {
        struct page_info *target;

        bad = check_entry(pg, level, i, pt[i]);
        if (bad != NULL || !pte_present(pt[i]) || (level == 4 && !mm_is_guest_l4_slot(i)))
            continue;
        target = mm_page(_mfn(pte_mfn(pt[i])));
        if (level > 1 && target == pg)
            continue;                                  /* self-map: no reference */
        if (level > 1 && target->type == pg->type) {
            pg->audit_linear_entries++;
            target->audit_linear_uses++;
        }
        expect(pte_mfn(pt[i]), level > 1 || (pt[i] & _PAGE_RW));
    }
    arch_unmap_frame(pt);
    return bad ? fail(a, bad, mfn_x(mfn), i - 1) : 0;
}

/* The first guest-kernel slot (272-510) of the L4 l4 that holds a present entry, or -1. */
static int64_t kernel_slot_used(mfn_t l4)
{
    const uint64_t *pt = arch_map_frame(l4);
    int64_t found = -1;

    for (unsigned i = USER_L4_KERNEL_FIRST; i <= USER_L4_KERNEL_LAST && found < 0; i++)
        if (pte_present(pt[i]))
            found = i;
    arch_unmap_frame(pt);
    return found;
}

static int audit_base(struct audit *a, const struct mm_domain *d, mfn_t l4, bool user)
{
    struct page_info *pg = mm_page(l4);
    int64_t slot;

    if (!mfn_valid_raw(l4))
        return 0;
    if (pg == NULL || pg->owner != d || pg->type != MM_TYPE_L4 || !(pg->flags & PGF_VALIDATED))
        return fail(a, "base pointer is not a validated L4 of its domain", mfn_x(l4), -1);
    expect(mfn_x(l4), true);
    if (!user || (slot = kernel_slot_used(l4)) < 0)
        return 0;
    return fail(a, "user L4 maps guest kernel space", mfn_x(l4), slot);
}

/* Per-frame state that needs no walk: ownership, flags, pins, the shared frame. */
static int audit_frame(struct audit *a, struct mm_domain *const *doms, unsigned n,
                       struct page_info *pg)
{
    uint64_t mfn = mfn_x(mm_page_mfn(pg));

    if (!(pg->flags & PGF_ALLOCATED)) {
        if (pg->owner != NULL)
            return fail(a, "unallocated frame has an owner", mfn, -1);
        if (!(pg->flags & PGF_HOST) && (pg->count != 0 || pg->type_count != 0))
            return fail(a, "free frame holds references", mfn, -1);
        return 0;
    }
    if (!known_domain(doms, n, pg->owner))
        return fail(a, "frame owned by an unknown domain", mfn, -1);
    if (pg->flags & PGF_HOST)
        return fail(a, "frame is both host-owned and a domain's", mfn, -1);
    if (pg->type_count > 0 && pg->type >= MM_TYPE_L1 && pg->type <= MM_TYPE_L4 &&
        !(pg->flags & PGF_VALIDATED))
        return fail(a, "in-use pagetable is not validated", mfn, -1);
    if ((pg->flags & PGF_PINNED) && (pg->type < MM_TYPE_L1 || pg->type > MM_TYPE_L4))
        return fail(a, "pinned frame is not a pagetable", mfn, -1);
    if ((pg->flags & PGF_SHARED) && pg->type != MM_TYPE_WRITABLE)
        return fail(a, "shared frame lost its writable type", mfn, -1);
    if ((pg->flags & PGF_USER_L4_OK) &&
        (pg->type != MM_TYPE_L4 || !(pg->flags & PGF_VALIDATED) || pg->type_count == 0))
        return fail(a, "user-L4 mark on a frame that is no L4 in use", mfn, -1);
    if ((pg->flags & PGF_USER_L4_OK) && kernel_slot_used(mm_page_mfn(pg)) >= 0)
        return fail(a, "user-L4 mark on an L4 that maps guest kernel space", mfn,
                    kernel_slot_used(mm_page_mfn(pg)));
    expect(mfn, false);                                /* the allocation */
    pg->audit_count += pg->ext_count;                  /* the host's typed references */
    pg->audit_type_count += pg->ext_count;
    if (pg->flags & PGF_PINNED)
        expect(mfn, true);
    if (pg->flags & PGF_SHARED)
        expect(mfn, true);
    return 0;
}

int mm_audit(struct mm_domain *const *doms, unsigned nr_doms, char *why, size_t why_len)
{
    struct audit a = { why, why_len };
    uint64_t i, owned[MM_MAX_DOMAINS] = { 0 };
    unsigned n, k;

    if (why_len > 0)
        why[0] = '\0';
    if (nr_doms == 0) {
        doms = mm_domains;
        nr_doms = mm_nr_domains;
    }
    for (i = 0; i < mm_frames; i++) {
        struct page_info *pg = mm_page(_mfn(i));

        pg->audit_count = pg->audit_type_count = 0;
        pg->audit_linear_entries = pg->audit_linear_uses = 0;
    }
    for (n = 0; n < nr_doms; n++) {
        const struct mm_domain *d = doms[n];

        for (k = 0; k < d->nr_vcpus; k++) {
            if (d->vcpu[k] == NULL)
                continue;
            if (audit_base(&a, d, d->vcpu[k]->guest_table, false) != 0 ||
                audit_base(&a, d, d->vcpu[k]->guest_table_user, true) != 0)
                return -1;
        }
    }
    for (i = 0; i < mm_frames; i++) {
        struct page_info *pg = mm_page(_mfn(i));

        if (audit_frame(&a, doms, nr_doms, pg) != 0)
            return -1;
        for (n = 0; n < nr_doms && n < MM_MAX_DOMAINS; n++)
            if ((pg->flags & PGF_ALLOCATED) && pg->owner == doms[n])
                owned[n]++;
        if ((pg->flags & PGF_ALLOCATED) && (pg->flags & PGF_VALIDATED) && pg->type_count > 0 &&
            pg->type >= MM_TYPE_L1 && pg->type <= MM_TYPE_L4 && audit_table(&a, pg) != 0)
            return -1;
    }
    for (n = 0; n < nr_doms && n < MM_MAX_DOMAINS; n++)
        if (owned[n] != doms[n]->tot_pages)
            return fail(&a, "tot_pages differs from the frames the domain owns", owned[n], -1);
    for (i = 0; i < mm_frames; i++) {
        struct page_info *pg = mm_page(_mfn(i));

        if (!(pg->flags & PGF_ALLOCATED))
            continue;
        if (pg->count != pg->audit_count)
            return fail(&a, "general reference count differs from the references found", i, -1);
        if (pg->type_count != pg->audit_type_count)
            return fail(&a, "type count differs from the type references found", i, -1);
        if (pg->audit_linear_entries != 0 && pg->audit_linear_uses != 0)
            return fail(&a, "table both holds linear entries and is a linear target", i, -1);
        if (pg->linear_count !=
            (int32_t)pg->audit_linear_entries - (int32_t)pg->audit_linear_uses)
            return fail(&a, "linear count differs from the linear entries found", i, -1);
    }
    return 0;
}
