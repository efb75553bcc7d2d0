/*
 * Hypotheses (writable pagetables: a guest kernel store into its own L1, mapped read-only):
 *
 * ex-ptwr-store: with VMASST_TYPE_writable_pagetables enabled, a kernel store of a new
 *   entry into the L1 that maps one of our pages is emulated: it takes effect (the page's
 *   VA then shows the new frame after an invlpg), the entry reads back with the new frame
 *   and the flags asked for (plus what validation adds), and execution goes on after the
 *   store.  Storing a read-only mapping of a pagetable frame (the L1 itself) is accepted,
 *   as mmu_update would accept it, and so is clearing the entry.
 *
 * ex-ptwr-refused: a store that mmu_update would refuse is not applied and is bounced as
 *   the page fault the guest caused (vector 14, error code P|W = 3, cr2 = the entry's
 *   address): a writable mapping of a pagetable frame (the L1 itself), a mapping of a frame
 *   the guest does not own.  A store into an L2 is not emulated at all: page fault too.
 *   After each, the entry and the mapping are as before.
 *
 * ex-ptwr-without-assist: Xen 4.17 emulates such stores whether or not the guest enabled
 *   VMASST_TYPE_writable_pagetables: with it disabled, the store still takes effect.
 */
#include "pvexec.h"

#define MARK_A 0x00000000aaaa5555ULL
#define MARK_B 0x00000000bbbb6666ULL

/* Store val into the pagetable entry at e from kernel mode; the fault if there was one. */
static bool kstore(pteval_t *e, pteval_t val, struct pvx_record *r)
{
    return kcall(k_write, (uint64_t)e, val, NULL, r);
}

static bool two_pages(struct xtf_result *res, struct page *a, struct page *b, pteval_t **e)
{
    if (!page_new(res, a) || !page_new(res, b))
        return false;
    poke(a->va, MARK_A);
    poke(b->va, MARK_B);
    *e = pt_lookup((uint64_t)a->va, 1);
    if (!*e) {
        xtf_error(res, "no L1 entry for a spare page");
        return false;
    }
    return true;
}

XTF_TEST(ex_ptwr_store, "ex-ptwr-store",
         "a kernel store into its own read-only L1 is emulated as a checked update")
{
    struct page a, b;
    struct pvx_record r;
    pteval_t *e;

    if (!pvexec_need(res, NEED_TRAPS) || !two_pages(res, &a, &b, &e))
        return;
    if (!xtf_expect_rc(res, "enable writable_pagetables",
                       HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables),
                       0))
        return;
    if (!kstore(e, pte_make(b.mfn, PTE_DATA), &r)) {
        xtf_failure(res, "the store faulted (vector %#lx, cr2 %#lx)", r.kind, vcpu0()->arch.cr2);
        return;
    }
    ex_eq(res, "entry frame after the store", pte_mfn(*e).v, b.mfn.v);
    ex_eq(res, "entry flags P|RW", *e & (PTE_P | PTE_RW), PTE_P | PTE_RW);
    pvops->flush_tlb_one((uint64_t)a.va);
    ex_eq(res, "the page's VA shows the new frame", peek(a.va), MARK_B);

    mfn_t l1 = pfn_to_mfn(virt_to_pfn(e));
    if (kstore(e, pte_make(l1, PTE_RDONLY), &r))
        ex_eq(res, "read-only mapping of the L1 itself", pte_mfn(*e).v, l1.v);
    else
        xtf_failure(res, "storing a read-only mapping of the L1 faulted (vector %#lx)", r.kind);
    if (kstore(e, 0, &r))
        ex_eq(res, "entry after clearing it", *e, 0);
    else
        xtf_failure(res, "clearing the entry faulted (vector %#lx)", r.kind);
    if (!kstore(e, pte_make(a.mfn, PTE_DATA), &r))
        xtf_failure(res, "restoring the entry faulted (vector %#lx)", r.kind);
    pvops->flush_tlb_one((uint64_t)a.va);
    ex_eq(res, "the page back", peek(a.va), MARK_A);
    xtf_success(res);
}

/* The store must fault as the guest's own write to a read-only page, changing nothing. */
static void expect_refused(struct xtf_result *res, const char *what, pteval_t *e, pteval_t val,
                           const struct page *a)
{
    struct pvx_record r;
    struct xframe f;
    pteval_t before = *e;
    char buf[96];

    if (kstore(e, val, &r)) {
        xtf_failure(res, "%s: the store was accepted (entry now %#lx)", what, *e);
        return;
    }
    if (!ex_kind(res, what, &r, 14))
        return;
    xframe_decode(&r, true, false, &f);
    snprintf(buf, sizeof(buf), "%s: error code", what);
    ex_eq(res, buf, f.ec, PFEC_P | PFEC_W);
    snprintf(buf, sizeof(buf), "%s: cr2", what);
    ex_eq(res, buf, vcpu0()->arch.cr2, (uint64_t)e);
    snprintf(buf, sizeof(buf), "%s: rip", what);
    ex_eq(res, buf, f.rip, (uint64_t)k_write_at);
    snprintf(buf, sizeof(buf), "%s: entry afterwards", what);
    ex_eq(res, buf, *e, before);
    pvops->flush_tlb_one((uint64_t)a->va);
    snprintf(buf, sizeof(buf), "%s: mapping afterwards", what);
    ex_eq(res, buf, peek(a->va), MARK_A);
}

XTF_TEST(ex_ptwr_refused, "ex-ptwr-refused",
         "a store mmu_update would refuse is bounced as the guest's page fault, unapplied")
{
    struct page a, b;
    pteval_t *e;
    mfn_t foreign;

    if (!pvexec_need(res, NEED_TRAPS) || !two_pages(res, &a, &b, &e))
        return;
    if (!mm_foreign_mfn(&foreign)) {
        xtf_error(res, "no foreign frame found");
        return;
    }
    if (!xtf_expect_rc(res, "enable writable_pagetables",
                       HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables),
                       0))
        return;
    mfn_t l1 = pfn_to_mfn(virt_to_pfn(e));
    expect_refused(res, "writable mapping of the L1 itself", e, pte_make(l1, PTE_DATA), &a);
    expect_refused(res, "mapping of a frame not ours", e, pte_make(foreign, PTE_RDONLY), &a);
    pteval_t *e2 = pt_lookup((uint64_t)a.va, 2);
    if (e2)
        expect_refused(res, "store into an L2 (same value)", e2, *e2, &a);
    else
        xtf_error(res, "no L2 entry for a spare page");
    xtf_success(res);
}

XTF_TEST(ex_ptwr_without_assist, "ex-ptwr-without-assist",
         "Xen 4.17 emulates L1 stores even with VMASST_TYPE_writable_pagetables disabled")
{
    struct page a, b;
    struct pvx_record r;
    pteval_t *e;

    if (!pvexec_need(res, NEED_TRAPS) || !two_pages(res, &a, &b, &e))
        return;
    if (!xtf_expect_rc(res, "disable writable_pagetables",
                       HYPERVISOR_vm_assist(VMASST_CMD_disable,
                                            VMASST_TYPE_writable_pagetables), 0))
        return;
    if (kstore(e, pte_make(b.mfn, PTE_DATA), &r)) {
        pvops->flush_tlb_one((uint64_t)a.va);
        ex_eq(res, "the page's VA shows the new frame", peek(a.va), MARK_B);
        if (!kstore(e, pte_make(a.mfn, PTE_DATA), &r))
            xtf_failure(res, "restoring the entry faulted (vector %#lx)", r.kind);
        pvops->flush_tlb_one((uint64_t)a.va);
    } else {
        xtf_failure(res, "the store faulted (vector %#lx)", r.kind);
    }
    xtf_expect_rc(res, "enable writable_pagetables again",
                  HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    xtf_success(res);
}
