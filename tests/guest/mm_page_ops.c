/*
 * Hypotheses:
 *  mm-clear-page:  CLEAR_PAGE zeroes a frame of ours; on a pinned pagetable frame it is
 *                  refused and the table is untouched.
 *  mm-copy-page:   COPY_PAGE copies a frame of ours into another; into a pinned pagetable
 *                  frame it is refused.
 */
#include "mm.h"

static void fill(uint64_t *va, uint64_t seed)
{
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        va[i] = seed + i;
}

XTF_TEST(mm_clear_page, "mm-clear-page",
         "CLEAR_PAGE zeroes our frame and refuses a pagetable frame")
{
    struct page a, t;

    if (!mm_need_pv(res) || !page_new(res, &a) || !table_new(res, &t))
        return;
    fill(a.va, MAGIC_A);
    if (!xtf_expect_rc(res, "clear", mmuext1(MMUEXT_CLEAR_PAGE, a.mfn.v, 0), 0))
        return;
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        if (a.va[i])
            return xtf_failure(res, "word %u not cleared", i);
    if (!xtf_expect_rc(res, "pin L1", mmuext1(MMUEXT_PIN_L1_TABLE, t.mfn.v, 0), 0))
        return;
    xtf_expect_rc(res, "clear a pinned L1", mmuext1(MMUEXT_CLEAR_PAGE, t.mfn.v, 0),
                  -XEN_EINVAL);
    mmuext1(MMUEXT_UNPIN_TABLE, t.mfn.v, 0);
    xtf_success(res);
}

XTF_TEST(mm_copy_page, "mm-copy-page",
         "COPY_PAGE copies between our frames and refuses a pagetable destination")
{
    struct page a, b, t;

    if (!mm_need_pv(res) || !page_new(res, &a) || !page_new(res, &b) || !table_new(res, &t))
        return;
    fill(a.va, MAGIC_A);
    if (!xtf_expect_rc(res, "copy", mmuext1(MMUEXT_COPY_PAGE, b.mfn.v, a.mfn.v), 0))
        return;
    xtf_expect(res, memcmp(a.va, b.va, PAGE_SIZE) == 0, "destination differs from source");
    if (!xtf_expect_rc(res, "pin L1", mmuext1(MMUEXT_PIN_L1_TABLE, t.mfn.v, 0), 0))
        return;
    xtf_expect_rc(res, "copy into a pinned L1", mmuext1(MMUEXT_COPY_PAGE, t.mfn.v, a.mfn.v),
                  -XEN_EINVAL);
    xtf_expect(res, t.va[0] == 0, "pinned L1 was written");
    mmuext1(MMUEXT_UNPIN_TABLE, t.mfn.v, 0);
    xtf_success(res);
}
