/*
 * The memory hypercalls after decoding: one mmu_update request, one mmuext_op, one
 * update_va_mapping.  Trust: every ptr, val, mfn and address comes from the guest; each is
 * checked here or in pagetable.c before use, and the errno of each refusal is the one Xen
 * returns for it (the comments name Xen's function where the choice is not obvious).
 */
#include <public/xen.h>
#include <public/errno.h>
#include "mm/l1e.h"
#include "guest_access.h"
#include "trace.h"

/* --- mmu_update ------------------------------------------------------------------------------- */

/* Write one word into a frame that is not an in-use pagetable: Xen lets mmu_update act as a
 * plain store there, provided the frame may take the writable type. */
static int write_plain(struct page_info *pg, unsigned idx, uint64_t val)
{
    uint64_t *p;

    if (mm_get_page_type(pg, MM_TYPE_WRITABLE) != 0)
        return REFUSE(-XEN_EINVAL, "mmu_update of a frame that cannot be written");
    p = arch_map_frame(mm_page_mfn(pg));
    p[idx] = val;
    arch_unmap_frame(p);
    mm_put_page_type(pg);
    return 0;
}

/* Is pg a pagetable of type `lo`..`hi` in use (validated, with type references)? */
static inline bool in_use_table(const struct page_info *pg, unsigned lo, unsigned hi)
{
    return pg->type >= lo && pg->type <= hi && pg->type_count > 0 &&
           (pg->flags & PGF_VALIDATED);
}

static int normal_pt_update(struct mm_domain *d, uint64_t ptr, uint64_t val, bool preserve_ad)
{
    uint64_t mfn = ptr >> PAGE_SHIFT;
    struct page_info *pg = mm_get_page_from_mfn(mfn, d);
    unsigned idx = (unsigned)((ptr & (PAGE_SIZE - 1)) >> 3);
    int rc;

    if (pg == NULL)
        return REFUSE(-XEN_EINVAL, "mmu_update of a frame the domain does not own");
    if (in_use_table(pg, MM_TYPE_L1, MM_TYPE_L1))
        rc = mm_mod_l1_entry(d, _mfn(mfn), idx, val, preserve_ad);
    else if (in_use_table(pg, MM_TYPE_L2, MM_TYPE_L4))
        rc = mm_mod_entry(d, pg, idx, val, preserve_ad);
    else
        rc = write_plain(pg, idx, val);
    mm_put_page(pg);
    return rc;
}

int mm_mmu_update_one(struct mm_domain *d, struct mm_vcpu *v, uint64_t ptr, uint64_t val)
{
    struct page_info *pg;

    (void)v;
    switch (ptr & 7) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
        return normal_pt_update(d, ptr & ~7ULL, val, (ptr & 7) == MMU_PT_UPDATE_PRESERVE_AD);
    case MMU_MACHPHYS_UPDATE:
        pg = mm_get_page_from_mfn(ptr >> PAGE_SHIFT, d);
        if (pg == NULL)
            return REFUSE(-XEN_EINVAL, "M2P update of a frame the domain does not own");
        arch_m2p()[mfn_x(mm_page_mfn(pg))] = val;
        mm_put_page(pg);
        return 0;
    default:
        return REFUSE(-XEN_ENOSYS, "mmu_update command (NO_TRANSLATE: translated guests)");
    }
}

/* --- mmuext_op ------------------------------------------------------------------------------ */

static int pin_table(struct mm_domain *d, uint64_t mfn, unsigned type)
{
    struct page_info *pg = mm_get_page_from_mfn(mfn, d);
    int rc;

    if (pg == NULL)
        return -XEN_EINVAL;
    rc = mm_get_page_type(pg, type);
    if (rc != 0) {
        mm_put_page(pg);
        return rc;
    }
    if (pg->flags & PGF_PINNED) {
        mm_put_page_type(pg);
        mm_put_page(pg);
        return REFUSE(-XEN_EINVAL, "already pinned (pins do not nest)");
    }
    pg->flags |= PGF_PINNED;
    return 0;
}

static int unpin_table(struct mm_domain *d, uint64_t mfn)
{
    struct page_info *pg = mm_get_page_from_mfn(mfn, d);

    if (pg == NULL)
        return -XEN_EINVAL;
    if (!(pg->flags & PGF_PINNED)) {
        mm_put_page(pg);
        return REFUSE(-XEN_EINVAL, "unpin of a frame that is not pinned");
    }
    pg->flags &= (uint8_t)~PGF_PINNED;
    mm_put_page_type(pg);            /* the pin's references */
    mm_put_page(pg);
    mm_put_page(pg);                 /* the lookup's */
    return 0;
}

/* Xen's new_guest_cr3: the same base again only reloads cr3. */
static int new_baseptr(struct mm_domain *d, struct mm_vcpu *v, uint64_t mfn)
{
    mfn_t old = v->guest_table;
    int rc;

    if (mfn_valid_raw(old) && mfn_x(old) == mfn) {
        arch_load_cr3(old);
        return 0;
    }
    rc = mm_get_typed(d, _mfn(mfn), MM_TYPE_L4);
    if (rc != 0)
        return rc;
    v->guest_table = _mfn(mfn);
    arch_load_cr3(v->guest_table);
    if (mfn_valid_raw(old))
        mm_put_typed(old);
    return 0;
}

/* A user L4 must not map guest kernel space (docs/design.md invariant 7). */
static bool maps_guest_kernel(mfn_t l4)
{
    const uint64_t *pt = arch_map_frame(l4);
    bool found = false;
    unsigned i;

    for (i = USER_L4_KERNEL_FIRST; i <= USER_L4_KERNEL_LAST; i++)
        found = found || pte_present(pt[i]);
    arch_unmap_frame(pt);
    return found;
}

/* mfn 0 clears the user base pointer, as under Xen.  The kernel-space check reads the frame
 * before it is validated (validation rewrites entries), so a refusal leaves it untouched.
 * An L4 that passed it and has kept its type and its empty kernel slots since
 * (PGF_USER_L4_OK) is not scanned again: a process switch installs the same few again. */
static int new_user_baseptr(struct mm_domain *d, struct mm_vcpu *v, uint64_t mfn)
{
    mfn_t old = v->guest_table_user;
    struct page_info *pg;
    int rc;

    if (mfn_valid_raw(old) ? mfn_x(old) == mfn : mfn == 0)
        return 0;
    if (mfn != 0) {
        if (mm_frame_owner(_mfn(mfn)) != d)
            return REFUSE(-XEN_EINVAL, "user base pointer the domain does not own");
        pg = mm_page(_mfn(mfn));
        if (!(pg->flags & PGF_USER_L4_OK) && maps_guest_kernel(_mfn(mfn)))
            return REFUSE(-XEN_EINVAL, "user L4 maps guest kernel space");
        rc = mm_get_typed(d, _mfn(mfn), MM_TYPE_L4);
        if (rc != 0)
            return rc;
        pg->flags |= PGF_USER_L4_OK;
    }
    v->guest_table_user = mfn != 0 ? _mfn(mfn) : invalid_mfn();
    if (mfn_valid_raw(old))
        mm_put_typed(old);
    return 0;
}

/* Read a vCPU bitmap (Xen's vcpumask_to_pcpumask); one CPU, so only whether it can be read
 * matters. */
static int read_vcpumask(uint64_t gva)
{
    uint64_t word;

    return copy_from_guest(&word, gva, sizeof(word)) == 0 ? 0 : -XEN_EFAULT;
}

static int clear_page(struct mm_domain *d, uint64_t mfn)
{
    struct page_info *pg = mm_get_page_from_mfn(mfn, d);
    uint64_t *p;
    unsigned i;

    if (pg == NULL)
        return -XEN_EINVAL;
    if (mm_get_page_type(pg, MM_TYPE_WRITABLE) != 0) {
        mm_put_page(pg);
        return -XEN_EINVAL;
    }
    p = arch_map_frame(mm_page_mfn(pg));
    for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
        p[i] = 0;
    arch_unmap_frame(p);
    mm_put_page_type(pg);
    mm_put_page(pg);
    return 0;
}

/* The source may have any type (a pagetable may be read); the destination must take the
 * writable type. */
static int copy_page(struct mm_domain *d, uint64_t dst_mfn, uint64_t src_mfn)
{
    struct page_info *src = mm_get_page_from_mfn(src_mfn, d), *dst;
    const uint64_t *s;
    uint64_t *t;
    unsigned i;

    if (src == NULL)
        return -XEN_EINVAL;
    dst = mm_get_page_from_mfn(dst_mfn, d);
    if (dst == NULL || mm_get_page_type(dst, MM_TYPE_WRITABLE) != 0) {
        if (dst != NULL)
            mm_put_page(dst);
        mm_put_page(src);
        return -XEN_EINVAL;
    }
    s = arch_map_frame(mm_page_mfn(src));
    t = arch_map_frame(mm_page_mfn(dst));
    for (i = 0; i < PAGE_SIZE / sizeof(*t); i++)
        t[i] = s[i];
    arch_unmap_frame(t);
    arch_unmap_frame(s);
    mm_put_page_type(dst);
    mm_put_page(dst);
    mm_put_page(src);
    return 0;
}

/* Xen checks page alignment, the address range and at most 8192 entries; the LDT frames
 * themselves are typed seg_desc when the CPU first uses them (arch_ldt_changed). */
static int set_ldt(struct mm_vcpu *v, uint64_t base, unsigned ents)
{
    uint64_t ptr = ents ? base : 0;

    if ((ptr & (PAGE_SIZE - 1)) != 0 || !va_is_guest(ptr) || ents > 8192)
        return REFUSE(-XEN_EINVAL, "bad SET_LDT arguments");
    v->ldt_base = ptr;
    v->ldt_ents = ents;
    arch_ldt_changed(v);
    return 0;
}

int mm_mmuext_op_one(struct mm_domain *d, struct mm_vcpu *v, const struct mmuext_op *op)
{
    uint64_t mask = (uint64_t)(uintptr_t)op->arg2.vcpumask.p;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return trace_pin(op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + 1,
                         pin_table(d, op->arg1.mfn, MM_TYPE_L1 + op->cmd - MMUEXT_PIN_L1_TABLE));
    case MMUEXT_UNPIN_TABLE:
        return trace_unpin(op->arg1.mfn, unpin_table(d, op->arg1.mfn));
    case MMUEXT_NEW_BASEPTR:
        return new_baseptr(d, v, op->arg1.mfn);
    case MMUEXT_NEW_USER_BASEPTR:
        return new_user_baseptr(d, v, op->arg1.mfn);
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_ALL:
        mm_flush_tlb();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
        /* A non-canonical address would fault in invlpg: ignored (after XSA-279). */
        if (va_is_canonical(op->arg1.linear_addr))
            arch_invlpg(op->arg1.linear_addr);
        return 0;
    case MMUEXT_INVLPG_ALL:
        if (va_is_guest(op->arg1.linear_addr))
            arch_invlpg(op->arg1.linear_addr);
        return 0;
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
        /* An unreadable bitmap is -EINVAL here (not -EFAULT as in update_va_mapping). */
        if (read_vcpumask(mask) != 0)
            return REFUSE(-XEN_EINVAL, "unreadable vCPU mask");
        if (op->cmd == MMUEXT_TLB_FLUSH_MULTI)
            mm_flush_tlb();
        else if (va_is_guest(op->arg1.linear_addr))
            arch_invlpg(op->arg1.linear_addr);
        return 0;
    case MMUEXT_FLUSH_CACHE:
        return -XEN_EACCES;          /* a domain without I/O memory may not wbinvd */
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        return -XEN_EINVAL;          /* Xen's answer to the same question, here */
    case MMUEXT_SET_LDT:
        return set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
    case MMUEXT_CLEAR_PAGE:
        return clear_page(d, op->arg1.mfn);
    case MMUEXT_COPY_PAGE:
        return copy_page(d, op->arg1.mfn, op->arg2.src_mfn);
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -XEN_EOPNOTSUPP;
    default:
        return -XEN_ENOSYS;
    }
}

/* --- update_va_mapping ------------------------------------------------------------------------ */

/* One step of the walk below: the next table from `*table`'s entry for va at `level`. */
__attribute__((always_inline))
static inline bool walk_step(mfn_t *table, uint64_t va, unsigned level)
{
    const uint64_t *pt = arch_map_frame(*table);
    uint64_t e = pt[(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511];

    arch_unmap_frame(pt);
    if ((e & (_PAGE_PRESENT | _PAGE_PSE)) != _PAGE_PRESENT)
        return false;
    *table = _mfn(pte_mfn(e));
    return true;
}

/* The L1 table that maps `va` in v's kernel pagetable, walked through validated tables only
 * (each level holds the next one's type, so the walk reads no unchecked frame, and every
 * frame it meets is one the domain owns, inside the frame table); false if any level is
 * missing.  The steps are unrolled, each level's shift a constant.  Through a linear entry
 * the "L1" found is a table of another level: the caller checks its type. */
__attribute__((always_inline))
static inline bool l1_for_va(const struct mm_vcpu *v, uint64_t va, mfn_t *l1)
{
    mfn_t table = v->guest_table;

    if (!mfn_valid_raw(table) || !walk_step(&table, va, 4) || !walk_step(&table, va, 3) ||
        !walk_step(&table, va, 2))
        return false;
    *l1 = table;
    return true;
}

/* Xen's __do_update_va_mapping, after the XSA-279 fix: a failed update flushes nothing. */
long mm_update_va_mapping(struct mm_domain *d, struct mm_vcpu *v, uint64_t va, uint64_t val,
                          uint64_t flags)
{
    struct page_info *l1;
    uint64_t scope = flags & ~(uint64_t)UVMF_FLUSHTYPE_MASK;
    mfn_t l1_mfn;
    int rc;

    if (!va_is_guest(va) || !l1_for_va(v, va, &l1_mfn))
        return REFUSE(-XEN_EINVAL, "update_va_mapping: no L1 maps va");
    /* The update holds no reference of its own on the L1: the L2 entry the walk came through
     * holds one, and nothing an L1 update does can change an L2 entry.  The type test refuses
     * the table of another level a linear entry leads to. */
    l1 = mm_page(l1_mfn);
    if (l1 == NULL || !(l1->flags & PGF_ALLOCATED) || l1->owner != d ||
        !in_use_table(l1, MM_TYPE_L1, MM_TYPE_L1))
        return REFUSE(-XEN_EINVAL, "update_va_mapping: va is not mapped by an L1 table");
    rc = mm_mod_l1_entry(d, l1_mfn, (unsigned)((va >> PAGE_SHIFT) & 511), val, false);
    if (rc != 0)
        return rc;

    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        if (scope != UVMF_LOCAL && scope != UVMF_ALL && (rc = read_vcpumask(scope)) != 0)
            return rc;
        mm_flush_tlb();
        break;
    case UVMF_INVLPG:
        if (scope != UVMF_LOCAL && scope != UVMF_ALL && (rc = read_vcpumask(scope)) != 0)
            return rc;
        arch_invlpg(va);
        break;
    }
    return 0;
}

/* --- update_descriptor --------------------------------------------------------------------- */

/*
 * Write one descriptor into a frame the domain owns (Xen's do_update_descriptor): a frame in
 * use as a descriptor table takes the update in place; any other must be able to take the
 * writable type, so a pagetable cannot be written this way.
 */
int mm_update_descriptor(struct mm_domain *d, uint64_t maddr, uint64_t desc)
{
    struct page_info *pg;
    unsigned type;
    uint64_t *p;

    if ((maddr & 7) != 0 || !arch_check_descriptor(&desc))
        return REFUSE(-XEN_EINVAL, "misaligned or forbidden descriptor");
    pg = mm_get_page_from_mfn(maddr >> PAGE_SHIFT, d);
    if (pg == NULL)
        return REFUSE(-XEN_EINVAL, "descriptor in a frame the domain does not own");
    type = pg->type == MM_TYPE_SEG_DESC && pg->type_count > 0 ? MM_TYPE_SEG_DESC
                                                             : MM_TYPE_WRITABLE;
    if (mm_get_page_type(pg, type) != 0) {
        mm_put_page(pg);
        return REFUSE(-XEN_EINVAL, "descriptor in a frame that cannot be written");
    }
    p = arch_map_frame(mm_page_mfn(pg));
    p[(maddr & (PAGE_SIZE - 1)) / 8] = desc;
    arch_unmap_frame(p);
    mm_put_page_type(pg);
    mm_put_page(pg);
    return 0;
}

int mm_guest_l1e(const struct mm_vcpu *v, uint64_t va, uint64_t *pte)
{
    const uint64_t *pt;
    mfn_t l1;

    if (!va_is_guest(va) || !l1_for_va(v, va, &l1))
        return -XEN_EINVAL;
    pt = arch_map_frame(l1);
    *pte = pt[(va >> 12) & 511];
    arch_unmap_frame(pt);
    return 0;
}

/* --- teardown ---------------------------------------------------------------------------------- */

/*
 * Release everything d holds, top down: base pointers, then pins (devalidating every table
 * they kept alive, which drops the references their entries held), then the shared frame's
 * permanent type, then the allocation reference of every frame, which frees it.  No
 * reference cycle can survive this: a linear entry is at most one link deep (pagetable.c),
 * so devalidating the pinned tables drops every one, and all counts reach zero; a frame
 * that still has references afterwards is a bug the caller's audit reports.
 */
void mm_domain_teardown(struct mm_domain *d)
{
    uint64_t i;
    unsigned n;

    for (n = 0; n < d->nr_vcpus; n++) {
        struct mm_vcpu *v = d->vcpu[n];

        if (v == NULL)
            continue;
        if (mfn_valid_raw(v->guest_table))
            mm_put_typed(v->guest_table);
        if (mfn_valid_raw(v->guest_table_user))
            mm_put_typed(v->guest_table_user);
        v->guest_table = v->guest_table_user = invalid_mfn();
    }
    for (i = 0; i < mm_frames; i++) {
        struct page_info *pg = mm_page(_mfn(i));

        if (pg->owner == d && (pg->flags & PGF_PINNED)) {
            pg->flags &= (uint8_t)~PGF_PINNED;
            mm_put_typed(_mfn(i));
        }
    }
    for (i = 0; i < mm_frames; i++) {
        struct page_info *pg = mm_page(_mfn(i));

        if (pg->owner == d && (pg->flags & PGF_SHARED)) {
            pg->flags &= (uint8_t)~PGF_SHARED;
            mm_put_typed(_mfn(i));
        }
    }
    for (i = 0; i < mm_frames; i++) {
        struct page_info *pg = mm_page(_mfn(i));

        if (pg->owner != d || !(pg->flags & PGF_ALLOCATED))
            continue;
        if (pg->count != 1 || pg->type_count != 0)
            printk("mm: d%u teardown: mfn %#llx still has %u refs, %u type refs\n",
                   d->domid, (unsigned long long)i, pg->count - 1, pg->type_count);
        pg->flags &= (uint8_t)~PGF_ALLOCATED;
        mm_put_page(pg);
    }
    mm_flush_tlb();
}
