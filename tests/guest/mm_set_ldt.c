/*
 * Hypothesis: SET_LDT accepts a page-aligned LDT address with a sane entry count (and
 * 0/0 to remove the LDT), and refuses a misaligned address or more than 8192 entries.
 */
#include "mm.h"

XTF_TEST(mm_set_ldt, "mm-set-ldt",
         "SET_LDT takes aligned addresses and <= 8192 entries, refuses the rest")
{
    struct page l;

    if (!mm_need_pv(res) || !table_new(res, &l))
        return;
    xtf_expect_rc(res, "LDT of 1 entry", mmuext1(MMUEXT_SET_LDT, (uint64_t)l.va, 1), 0);
    xtf_expect_rc(res, "no LDT", mmuext1(MMUEXT_SET_LDT, 0, 0), 0);
    xtf_expect_rc(res, "misaligned", mmuext1(MMUEXT_SET_LDT, (uint64_t)l.va + 8, 1),
                  -XEN_EINVAL);
    xtf_expect_rc(res, "8193 entries", mmuext1(MMUEXT_SET_LDT, (uint64_t)l.va, 8193),
                  -XEN_EINVAL);
    xtf_success(res);
}
