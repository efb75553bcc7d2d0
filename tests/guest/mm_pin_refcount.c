/*
 * Hypotheses about validation and reference counting:
 *  mm-pin-bad-child:  pinning an L2 whose entry points at a frame that is still mapped
 *                     writable (so cannot become an L1) is refused, and the refusal leaves
 *                     nothing behind: the child can still be written, then (made read-only)
 *                     pinned as an L1 itself, and the L2 pinned once its entry is gone.
 *  mm-unpin-in-use:   an L4 in use as the base pointer may be unpinned (the base pointer
 *                     keeps it alive and its frame cannot be mapped writable); after
 *                     switching away its type is gone and the frame can be mapped writable.
 */
#include "mm.h"

XTF_TEST(mm_pin_bad_child, "mm-pin-bad-child",
         "a pin whose validation fails in a child is refused and leaves no trace")
{
    struct page l2, child;

    if (!mm_need_pv(res) || !page_new(res, &l2) || !page_new(res, &child))
        return;
    l2.va[0] = pte_make(child.mfn, PTE_TABLE);
    if (remap(l2.va, l2.mfn, PTE_RDONLY))
        return xtf_error(res, "could not make the L2 read-only");
    xtf_expect_rc(res, "pin L2 over a writable child",
                  mmuext1(MMUEXT_PIN_L2_TABLE, l2.mfn.v, 0), -XEN_EINVAL);
    poke(child.va, MAGIC_A);
    xtf_expect(res, peek(child.va) == MAGIC_A, "child not writable after the refusal");
    poke(child.va, 0);
    if (remap(child.va, child.mfn, PTE_RDONLY))
        return xtf_error(res, "could not make the child read-only");
    xtf_expect_rc(res, "pin the child as L1", mmuext1(MMUEXT_PIN_L1_TABLE, child.mfn.v, 0), 0);
    xtf_expect_rc(res, "pin the L2 now", mmuext1(MMUEXT_PIN_L2_TABLE, l2.mfn.v, 0), 0);
    xtf_expect_rc(res, "unpin L2", mmuext1(MMUEXT_UNPIN_TABLE, l2.mfn.v, 0), 0);
    xtf_expect_rc(res, "unpin L1", mmuext1(MMUEXT_UNPIN_TABLE, child.mfn.v, 0), 0);
    xtf_success(res);
}

XTF_TEST(mm_unpin_in_use, "mm-unpin-in-use",
         "an unpinned L4 stays a pagetable while it is the base pointer, not after")
{
    struct page l4;

    if (!mm_need_pv(res) || !page_new(res, &l4))
        return;
    const pteval_t *old = cur_l4();
    uint64_t old_cr3 = pvops->read_cr3();
    for (unsigned i = 0; i < PT_ENTRIES; i++)
        if (i < HOST_SLOT_FIRST || i > HOST_SLOT_LAST)
            l4.va[i] = old[i];
    if (remap(l4.va, l4.mfn, PTE_RDONLY))
        return xtf_error(res, "could not make the new L4 read-only");
    if (!xtf_expect_rc(res, "pin", mmuext1(MMUEXT_PIN_L4_TABLE, l4.mfn.v, 0), 0))
        return;
    if (!xtf_expect_rc(res, "switch", pvops->write_cr3(l4.mfn.v << PAGE_SHIFT), 0))
        return;
    xtf_expect_rc(res, "unpin while in use", mmuext1(MMUEXT_UNPIN_TABLE, l4.mfn.v, 0), 0);
    xtf_expect_rc(res, "writable map while in use", remap(l4.va, l4.mfn, PTE_DATA),
                  -XEN_EBUSY);
    xtf_expect_rc(res, "switch back", pvops->write_cr3(old_cr3), 0);
    xtf_expect_rc(res, "writable map after", remap(l4.va, l4.mfn, PTE_DATA), 0);
    xtf_success(res);
}
