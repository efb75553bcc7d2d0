/*
 * Hypotheses:
 *  mm-update-foreign-frame:  an L1 entry that maps a RAM frame we do not own (plain RAM
 *                            from 128 MiB up, outside our p2m) is refused, read-write or
 *                            read-only, and leaves the entry unchanged.
 *  mm-update-foreign-domid:  mmu_update naming a domain that does not exist is refused.
 */
#include "mm.h"

XTF_TEST(mm_update_foreign, "mm-update-foreign-frame",
         "mapping a machine frame the domain does not own is refused")
{
    struct page s;
    mfn_t other;

    if (!mm_need_pv(res) || !page_new(res, &s))
        return;
    if (!mm_foreign_mfn(&other))
        return xtf_error(res, "no RAM frame outside our p2m found");
    pteval_t *l1e = pt_lookup((uint64_t)s.va, 1);
    pteval_t before = *l1e;
    long rc = mmu_update1(virt_to_maddr(l1e), pte_make(other, PTE_DATA), NULL);
    xtf_expect_rc(res, "map foreign frame rw", rc, -XEN_EBUSY);
    rc = mmu_update1(virt_to_maddr(l1e), pte_make(other, PTE_RDONLY), NULL);
    xtf_expect_rc(res, "map foreign frame ro", rc, -XEN_EBUSY);
    xtf_expect(res, *l1e == before, "refused update changed the entry");
    xtf_success(res);
}

XTF_TEST(mm_update_foreign_domid, "mm-update-foreign-domid",
         "mmu_update on behalf of a domain that does not exist is refused")
{
    struct page a, s;

    if (!mm_need_pv(res) || !page_new(res, &a) || !page_new(res, &s))
        return;
    pteval_t *l1e = pt_lookup((uint64_t)s.va, 1);
    pteval_t before = *l1e;
    struct mmu_update req = { virt_to_maddr(l1e) | MMU_NORMAL_PT_UPDATE,
                              pte_make(a.mfn, PTE_DATA) };
    long rc = HYPERVISOR_mmu_update(&req, 1, NULL, 7 /* no such domain */);
    xtf_expect_rc(res, "domid 7", rc, -XEN_ESRCH);
    xtf_expect(res, *l1e == before, "refused update changed the entry");
    xtf_success(res);
}
