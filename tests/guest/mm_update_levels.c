/*
 * Hypotheses about upper-level entries (one test each):
 *  mm-update-l4-new:      an L4 entry pointing at a fresh read-only frame validates it as
 *                         an L3 and is installed; clearing it again is accepted.
 *  mm-update-reserved:    an L4 entry with the PS bit (reserved at L4) is refused.
 *  mm-update-l2-pse:      an L2 entry with PSE (a 2 MiB superpage) is refused.
 *  mm-update-host-slot:   the hypervisor's L4 slots (256-271) cannot be written.
 * Every refused update must leave the entry as it was.
 */
#include "mm.h"

XTF_TEST(mm_update_l4_new, "mm-update-l4-new",
         "an L4 entry to a fresh read-only frame is validated and installed")
{
    struct page l3;

    if (!mm_need_pv(res) || !table_new(res, &l3))
        return;
    pteval_t *e = &cur_l4()[TEST_SLOT];
    long rc = mmu_update1(virt_to_maddr(e), pte_make(l3.mfn, PTE_TABLE), NULL);
    if (!xtf_expect_rc(res, "install", rc, 0))
        return;
    xtf_expect(res, (*e & PTE_P) && pte_mfn(*e).v == l3.mfn.v, "entry not installed");
    xtf_expect_rc(res, "clear", mmu_update1(virt_to_maddr(e), 0, NULL), 0);
    xtf_expect(res, *e == 0, "entry not cleared");
    xtf_success(res);
}

XTF_TEST(mm_update_reserved, "mm-update-reserved",
         "an L4 entry with a reserved bit (PS) is refused")
{
    struct page l3;

    if (!mm_need_pv(res) || !table_new(res, &l3))
        return;
    pteval_t *e = &cur_l4()[TEST_SLOT];
    long rc = mmu_update1(virt_to_maddr(e), pte_make(l3.mfn, PTE_TABLE | PTE_PSE), NULL);
    xtf_expect_rc(res, "L4 entry with PS", rc, -XEN_EINVAL);
    xtf_expect(res, *e == 0, "refused update changed the entry");
    xtf_success(res);
}

XTF_TEST(mm_update_l2_pse, "mm-update-l2-pse",
         "an L2 superpage (PSE) entry is refused")
{
    struct page a;

    if (!mm_need_pv(res) || !page_new(res, &a))
        return;
    pteval_t *l2e = pt_lookup(VIRT_BASE + (100ULL << 21), 2);   /* unused 2 MiB slot */
    if (!l2e || *l2e)
        return xtf_error(res, "expected an empty L2 slot at VIRT_BASE + 200 MiB");
    mfn_t big = mfn(a.mfn.v & ~511ULL);
    long rc = mmu_update1(virt_to_maddr(l2e), pte_make(big, PTE_DATA | PTE_PSE), NULL);
    xtf_expect_rc(res, "L2 with PSE", rc, -XEN_EINVAL);
    xtf_expect(res, *l2e == 0, "refused update changed the entry");
    xtf_success(res);
}

XTF_TEST(mm_update_host_slot, "mm-update-host-slot",
         "the hypervisor's L4 slots 256-271 cannot be written by the guest")
{
    if (!mm_need_pv(res))
        return;
    pteval_t *e = &cur_l4()[HOST_SLOT_FIRST];
    pteval_t before = *e;
    long rc = mmu_update1(virt_to_maddr(e), 0, NULL);
    xtf_expect_rc(res, "clear slot 256", rc, -XEN_EINVAL);
    xtf_expect(res, *e == before, "host slot changed");
    xtf_success(res);
}
