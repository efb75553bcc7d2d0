/*
 * Hypothesis: MMU_MACHPHYS_UPDATE sets the M2P entry of a frame we own, visible at once in
 * the read-only M2P the hypervisor maps at 0xffff800000000000; restoring it works the
 * same way.  For a frame we do not own it is refused.
 */
#include "mm.h"

XTF_TEST(mm_machphys, "mm-machphys",
         "MMU_MACHPHYS_UPDATE rewrites our frame's M2P entry, visibly")
{
    struct page a;

    if (!mm_need_pv(res) || !page_new(res, &a))
        return;
    const uint64_t *m2p = m2p_table();
    xtf_expect(res, m2p[a.mfn.v] == a.pfn.v, "M2P does not match the p2m before the test");
    uint64_t ptr = (a.mfn.v << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    long rc = mmu_update1(ptr, 0x12345, NULL);
    if (!xtf_expect_rc(res, "machphys update", rc, 0))
        return;
    xtf_expect(res, m2p[a.mfn.v] == 0x12345, "M2P entry not updated");
    xtf_expect_rc(res, "restore", mmu_update1(ptr, a.pfn.v, NULL), 0);
    xtf_expect(res, m2p[a.mfn.v] == a.pfn.v, "M2P entry not restored");

    mfn_t other;
    if (!mm_foreign_mfn(&other))
        return xtf_error(res, "no RAM frame outside our p2m found");
    uint64_t before = m2p[other.v];
    rc = mmu_update1((other.v << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, a.pfn.v, NULL);
    xtf_expect_rc(res, "machphys update of a foreign frame", rc, -XEN_EINVAL);
    xtf_expect(res, m2p[other.v] == before, "foreign frame's M2P entry changed");
    xtf_success(res);
}
