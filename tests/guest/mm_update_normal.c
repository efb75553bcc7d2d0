/*
 * Hypothesis: MMU_NORMAL_PT_UPDATE on an L1 entry we own installs the new mapping: after a
 * flush, the VA reads and writes the new frame, `done` reports 1, and writing the old entry
 * back (through the pvops set_pte hook) restores the old view.
 */
#include "mm.h"

XTF_TEST(mm_update_normal, "mm-update-normal",
         "an mmu_update on our own L1 entry takes effect and counts as done")
{
    struct page a, s;
    unsigned done = 0;

    if (!mm_need_pv(res) || !page_new(res, &a) || !page_new(res, &s))
        return;
    poke(a.va, MAGIC_A);
    poke(s.va, MAGIC_B);
    uint64_t ptr = l1e_maddr(s.va);
    if (!ptr)
        return xtf_error(res, "no L1 entry for the scratch VA");

    long rc = mmu_update1(ptr | MMU_NORMAL_PT_UPDATE, pte_make(a.mfn, PTE_DATA), &done);
    if (!xtf_expect_rc(res, "mmu_update", rc, 0) || !xtf_expect_rc(res, "done", done, 1))
        return;
    xtf_expect_rc(res, "invlpg", mmuext1(MMUEXT_INVLPG_LOCAL, (uint64_t)s.va, 0), 0);
    xtf_expect(res, peek(s.va) == MAGIC_A, "scratch VA does not show the new frame");
    poke(s.va, MAGIC_A + 1);
    xtf_expect(res, peek(a.va) == MAGIC_A + 1, "write through the new mapping not seen");

    /* Restore through the pvops hooks, the way kernel code changes mappings. */
    rc = pvops->set_pte(pt_lookup((uint64_t)s.va, 1), pte_make(s.mfn, PTE_DATA));
    xtf_expect_rc(res, "restore with pvops set_pte", rc, 0);
    xtf_expect_rc(res, "pvops flush_tlb_one", pvops->flush_tlb_one((uint64_t)s.va), 0);
    xtf_expect(res, peek(s.va) == MAGIC_B, "old mapping not restored");
    xtf_success(res);
}
