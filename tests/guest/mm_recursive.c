/*
 * Hypotheses (the XSA-182 pattern):
 *  mm-recursive-l4-rw:  an L4 entry pointing back at the L4 itself with RW (a writable
 *                       linear pagetable, which would let the guest write its own tables)
 *                       is refused and leaves the slot empty.
 *  mm-recursive-l4-ro:  the same entry read-only is accepted (Xen's linear-pagetable rule,
 *                       which pvx follows exactly: docs/abi.md) and maps the L4 at the
 *                       self-referencing VA; clearing works.
 */
#include "mm.h"

#define SELF_VA (TEST_SLOT_VA | ((uint64_t)TEST_SLOT << 30) | ((uint64_t)TEST_SLOT << 21) | \
                 ((uint64_t)TEST_SLOT << 12))

XTF_TEST(mm_recursive_l4_rw, "mm-recursive-l4-rw",
         "a writable self-referencing L4 entry is refused")
{
    if (!mm_need_pv(res))
        return;
    pteval_t *e = &cur_l4()[TEST_SLOT];
    long rc = mmu_update1(virt_to_maddr(e), pte_make(cur_l4_mfn(), PTE_TABLE), NULL);
    xtf_expect_rc(res, "writable linear L4", rc, -XEN_EINVAL);
    xtf_expect(res, *e == 0, "refused update changed the slot");
    xtf_success(res);
}

XTF_TEST(mm_recursive_l4_ro, "mm-recursive-l4-ro",
         "a read-only self-referencing L4 entry is accepted and maps the L4 itself")
{
    if (!mm_need_pv(res))
        return;
    pteval_t *e = &cur_l4()[TEST_SLOT];
    pteval_t self = pte_make(cur_l4_mfn(), PTE_P | PTE_US | PTE_A);
    long rc = mmu_update1(virt_to_maddr(e), self, NULL);
    if (!xtf_expect_rc(res, "read-only linear L4", rc, 0))
        return;
    mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
    xtf_expect(res, pte_mfn(peek((void *)SELF_VA + TEST_SLOT * 8)).v == cur_l4_mfn().v,
               "self-referencing VA does not show the L4");
    xtf_expect_rc(res, "clear", mmu_update1(virt_to_maddr(e), 0, NULL), 0);
    mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
    xtf_success(res);
}
