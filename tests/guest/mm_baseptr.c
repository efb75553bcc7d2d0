/*
 * Hypotheses:
 *  mm-new-baseptr:       a new pinned L4 that copies our guest slots and adds a marker
 *                        mapping in an unused slot can become the base pointer: after the
 *                        switch we keep running and the marker VA reads the marker page;
 *                        switching back and unpinning work.  (Goes through pvops write_cr3.)
 *  mm-new-user-baseptr:  a pinned L4 is accepted as the user base pointer, and 0 clears it.
 */
#include "mm.h"

/* Build a chain L3 -> L2 -> L1 -> data mapping TEST_SLOT_VA, tables read-only afterwards. */
static bool build_marker_chain(struct xtf_result *res, struct page *l3, struct page *data)
{
    struct page l2, l1;
    if (!page_new(res, l3) || !page_new(res, &l2) || !page_new(res, &l1) ||
        !page_new(res, data))
        return false;
    poke(data->va, MAGIC_B);
    l1.va[0] = pte_make(data->mfn, PTE_DATA);
    l2.va[0] = pte_make(l1.mfn, PTE_TABLE);
    l3->va[0] = pte_make(l2.mfn, PTE_TABLE);
    long rc = remap(l1.va, l1.mfn, PTE_RDONLY) | remap(l2.va, l2.mfn, PTE_RDONLY) |
              remap(l3->va, l3->mfn, PTE_RDONLY);
    if (rc)
        xtf_error(res, "could not make the marker tables read-only");
    return rc == 0;
}

XTF_TEST(mm_new_baseptr, "mm-new-baseptr",
         "switching to a new pinned L4 works and shows that L4's mappings")
{
    struct page l4, l3, data;

    if (!mm_need_pv(res) || !page_new(res, &l4) || !build_marker_chain(res, &l3, &data))
        return;
    const pteval_t *old = cur_l4();
    uint64_t old_cr3 = pvops->read_cr3();
    for (unsigned i = 0; i < PT_ENTRIES; i++)
        if (i < HOST_SLOT_FIRST || i > HOST_SLOT_LAST)
            l4.va[i] = old[i];
    l4.va[TEST_SLOT] = pte_make(l3.mfn, PTE_TABLE);
    if (remap(l4.va, l4.mfn, PTE_RDONLY))
        return xtf_error(res, "could not make the new L4 read-only");
    if (!xtf_expect_rc(res, "pin L4", mmuext1(MMUEXT_PIN_L4_TABLE, l4.mfn.v, 0), 0))
        return;
    if (xtf_expect_rc(res, "write_cr3(new)", pvops->write_cr3(l4.mfn.v << PAGE_SHIFT), 0)) {
        xtf_expect(res, peek((void *)TEST_SLOT_VA) == MAGIC_B, "marker not visible");
        xtf_expect_rc(res, "write_cr3(old)", pvops->write_cr3(old_cr3), 0);
    }
    xtf_expect_rc(res, "unpin", mmuext1(MMUEXT_UNPIN_TABLE, l4.mfn.v, 0), 0);
    xtf_success(res);
}

XTF_TEST(mm_new_user_baseptr, "mm-new-user-baseptr",
         "a pinned L4 is accepted as the user base pointer; 0 clears it")
{
    struct page u;

    if (!mm_need_pv(res) || !table_new(res, &u))
        return;
    if (!xtf_expect_rc(res, "pin", mmuext1(MMUEXT_PIN_L4_TABLE, u.mfn.v, 0), 0))
        return;
    xtf_expect_rc(res, "set user base", mmuext1(MMUEXT_NEW_USER_BASEPTR, u.mfn.v, 0), 0);
    xtf_expect_rc(res, "clear user base", mmuext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
    xtf_expect_rc(res, "unpin", mmuext1(MMUEXT_UNPIN_TABLE, u.mfn.v, 0), 0);
    xtf_success(res);
}
