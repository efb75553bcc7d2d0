/*
 * Hypothesis: a batch of mmu_update requests stops at the first refused one: the call
 * returns that request's error, `done` counts only the requests before it, and those took
 * effect while the ones after it did not.
 */
#include "mm.h"

XTF_TEST(mm_update_batch, "mm-update-batch",
         "a failing request in a batch stops it; done counts what was applied")
{
    struct page a, s1, s2;
    unsigned done = 99;

    if (!mm_need_pv(res) || !page_new(res, &a) || !page_new(res, &s1) || !page_new(res, &s2))
        return;
    poke(a.va, MAGIC_A);
    poke(s2.va, MAGIC_B);
    mfn_t l1 = pfn_to_mfn(virt_to_pfn(pt_lookup((uint64_t)s1.va, 1)));
    struct mmu_update req[3] = {
        { l1e_maddr(s1.va) | MMU_NORMAL_PT_UPDATE, pte_make(a.mfn, PTE_DATA) },
        { l1e_maddr(s1.va) | MMU_NORMAL_PT_UPDATE, pte_make(l1, PTE_DATA) }, /* refused */
        { l1e_maddr(s2.va) | MMU_NORMAL_PT_UPDATE, pte_make(a.mfn, PTE_DATA) },
    };
    long rc = HYPERVISOR_mmu_update(req, 3, &done, DOMID_SELF);
    xtf_expect_rc(res, "batch", rc, -XEN_EBUSY);
    xtf_expect_rc(res, "done", done, 1);
    mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
    xtf_expect(res, peek(s1.va) == MAGIC_A, "first request not applied");
    xtf_expect(res, peek(s2.va) == MAGIC_B, "request after the refused one was applied");
    remap(s1.va, s1.mfn, PTE_DATA);
    remap(s2.va, s2.mfn, PTE_DATA);
    xtf_success(res);
}
