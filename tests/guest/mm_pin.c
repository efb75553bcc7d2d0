/*
 * Hypotheses about pinning (one test each):
 *  mm-pin-l1..l4:       a zeroed frame mapped only read-only pins as an L<n> table and
 *                       unpins again; for an L4 the hypervisor fills in (some of) its own
 *                       slots 256-271 while validating it.
 *  mm-pin-writable:     a frame that is still mapped writable cannot be pinned.
 *  mm-pin-other-level:  a frame pinned as L1 cannot be pinned as L2 at the same time.
 *  mm-unpin-unpinned:   unpinning a frame that is not pinned is refused.
 */
#include "mm.h"

static const unsigned pin_cmd[5] = {
    0, MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE
};

/* How many of the hypervisor's L4 slots are present in `l4`.  (Xen fills some while
 * validating; the M2P slot 256 only when the L4 becomes a base pointer.) */
static unsigned host_slots_present(const uint64_t *l4)
{
    unsigned n = 0;
    for (unsigned i = HOST_SLOT_FIRST; i <= HOST_SLOT_LAST; i++)
        n += (l4[i] & PTE_P) != 0;
    return n;
}

/* Pin a fresh table at `level`, check, unpin. */
static void pin_level(struct xtf_result *res, unsigned level)
{
    struct page t;

    if (!mm_need_pv(res) || !table_new(res, &t))
        return;
    long rc = mmuext1(pin_cmd[level], t.mfn.v, 0);
    if (!xtf_expect_rc(res, "pin", rc, 0))
        return;
    if (level == 4)
        xtf_expect(res, host_slots_present(t.va) > 0,
                   "validated L4 has none of the hypervisor's slots 256-271");
    xtf_expect_rc(res, "unpin", mmuext1(MMUEXT_UNPIN_TABLE, t.mfn.v, 0), 0);
}

XTF_TEST(mm_pin_l1, "mm-pin-l1", "a fresh read-only frame pins and unpins as an L1")
{
    pin_level(res, 1);
    xtf_success(res);
}

XTF_TEST(mm_pin_l2, "mm-pin-l2", "a fresh read-only frame pins and unpins as an L2")
{
    pin_level(res, 2);
    xtf_success(res);
}

XTF_TEST(mm_pin_l3, "mm-pin-l3", "a fresh read-only frame pins and unpins as an L3")
{
    pin_level(res, 3);
    xtf_success(res);
}

XTF_TEST(mm_pin_l4, "mm-pin-l4",
         "a fresh read-only frame pins as an L4, gaining the hypervisor's slots")
{
    pin_level(res, 4);
    xtf_success(res);
}

XTF_TEST(mm_pin_writable, "mm-pin-writable",
         "a frame still mapped writable cannot be pinned as a pagetable")
{
    struct page t;

    if (!mm_need_pv(res) || !page_new(res, &t))
        return;
    xtf_expect_rc(res, "pin L1 of a writable-mapped frame",
                  mmuext1(MMUEXT_PIN_L1_TABLE, t.mfn.v, 0), -XEN_EINVAL);
    poke(t.va, MAGIC_A);
    xtf_expect(res, peek(t.va) == MAGIC_A, "frame no longer writable after the refusal");
    xtf_success(res);
}

XTF_TEST(mm_pin_other_level, "mm-pin-other-level",
         "a frame pinned as L1 cannot also be pinned as L2")
{
    struct page t;

    if (!mm_need_pv(res) || !table_new(res, &t))
        return;
    if (!xtf_expect_rc(res, "pin L1", mmuext1(MMUEXT_PIN_L1_TABLE, t.mfn.v, 0), 0))
        return;
    xtf_expect_rc(res, "pin L2 too", mmuext1(MMUEXT_PIN_L2_TABLE, t.mfn.v, 0), -XEN_EINVAL);
    xtf_expect_rc(res, "pin L1 twice", mmuext1(MMUEXT_PIN_L1_TABLE, t.mfn.v, 0), -XEN_EINVAL);
    xtf_expect_rc(res, "unpin", mmuext1(MMUEXT_UNPIN_TABLE, t.mfn.v, 0), 0);
    xtf_success(res);
}

XTF_TEST(mm_unpin_unpinned, "mm-unpin-unpinned",
         "unpinning a frame that is not pinned is refused")
{
    struct page t;

    if (!mm_need_pv(res) || !table_new(res, &t))
        return;
    xtf_expect_rc(res, "unpin", mmuext1(MMUEXT_UNPIN_TABLE, t.mfn.v, 0), -XEN_EINVAL);
    xtf_success(res);
}
