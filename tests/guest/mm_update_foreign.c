/*
 * Hypothesis: an L1 entry that maps a RAM frame we do not own is refused and leaves the
 * entry unchanged.  The frame is plain RAM (from 128 MiB up) outside our p2m.
 */
#include "mm.h"

/* The lowest frame from 128 MiB up that our p2m does not contain: RAM on the 512 MiB test
 * machine, and away from where hypervisors put themselves (low memory, the top). */
static bool foreign_mfn(mfn_t *out)
{
    for (uint64_t m = 0x8000; m < 0x1f000; m++) {
        bool ours = false;
        for (uint64_t p = 0; p < gmem.nr_pages && !ours; p++)
            ours = gmem.p2m[p] == m;
        if (!ours) {
            *out = mfn(m);
            return true;
        }
    }
    return false;
}

XTF_TEST(mm_update_foreign, "mm-update-foreign-frame",
         "mapping a machine frame the domain does not own is refused")
{
    struct page s;
    mfn_t other;

    if (!mm_need_pv(res) || !page_new(res, &s))
        return;
    if (!foreign_mfn(&other))
        return xtf_error(res, "no RAM frame outside our p2m found");
    pteval_t *l1e = pt_lookup((uint64_t)s.va, 1);
    pteval_t before = *l1e;
    long rc = mmu_update1(virt_to_maddr(l1e), pte_make(other, PTE_DATA), NULL);
    xtf_expect_rc(res, "map foreign frame rw", rc, -XEN_EBUSY);
    rc = mmu_update1(virt_to_maddr(l1e), pte_make(other, PTE_RDONLY), NULL);
    xtf_expect_rc(res, "map foreign frame ro", rc, -XEN_EBUSY);
    xtf_expect(res, *l1e == before, "refused update changed the entry");
}
