/*
 * Hypothesis: an L1 entry that would map one of our pagetable frames writable is refused
 * (the frame cannot take the writable type while it is a pagetable) and leaves the entry
 * unchanged; the same frame mapped read-only is accepted and shows the table's contents.
 */
#include "mm.h"

XTF_TEST(mm_update_pt_writable, "mm-update-pt-writable",
         "a writable mapping of a pagetable frame is refused, a read-only one accepted")
{
    struct page s;

    if (!mm_need_pv(res) || !page_new(res, &s))
        return;
    pteval_t *l1e = pt_lookup((uint64_t)s.va, 1);
    mfn_t l1 = pfn_to_mfn(virt_to_pfn(l1e));
    pteval_t before = *l1e;

    long rc = mmu_update1(virt_to_maddr(l1e), pte_make(l1, PTE_DATA), NULL);
    xtf_expect_rc(res, "writable map of an L1", rc, -XEN_EBUSY);
    xtf_expect(res, *l1e == before, "refused update changed the entry");

    rc = mmu_update1(virt_to_maddr(l1e), pte_make(l1, PTE_RDONLY), NULL);
    if (!xtf_expect_rc(res, "read-only map of an L1", rc, 0))
        return;
    mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)s.va, 0);
    const pteval_t *view = (const pteval_t *)s.va;
    unsigned idx = pt_index((uint64_t)s.va, 1);
    xtf_expect(res, pte_mfn(view[idx]).v == l1.v, "read-only view does not show the L1");
    xtf_expect_rc(res, "restore", remap(s.va, s.mfn, PTE_DATA), 0);
    xtf_success(res);
}
