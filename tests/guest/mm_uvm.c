/*
 * Hypotheses:
 *  mm-uvm:          update_va_mapping rewrites the L1 entry of a VA; with UVMF_INVLPG,
 *                   UVMF_TLB_FLUSH (local or all) the new frame is visible at once.
 *  mm-uvm-refused:  update_va_mapping refuses to map a pagetable frame writable, to
 *                   change a VA that has no L1 table, and to touch the hypervisor's range
 *                   (L4 slots 256-271), leaving the old mapping in place.
 */
#include "mm.h"

XTF_TEST(mm_uvm, "mm-uvm",
         "update_va_mapping with each flush flag makes the new frame visible")
{
    struct page s, a, b;
    static const struct { uint64_t flags; const char *what; } cases[] = {
        { UVMF_INVLPG | UVMF_LOCAL, "INVLPG|LOCAL" },
        { UVMF_TLB_FLUSH | UVMF_LOCAL, "TLB_FLUSH|LOCAL" },
        { UVMF_INVLPG | UVMF_ALL, "INVLPG|ALL" },
        { UVMF_TLB_FLUSH | UVMF_ALL, "TLB_FLUSH|ALL" },
    };

    if (!mm_need_pv(res) || !page_new(res, &s) || !page_new(res, &a) || !page_new(res, &b))
        return;
    poke(a.va, MAGIC_A);
    poke(b.va, MAGIC_B);
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct page *to = (i & 1) ? &b : &a;
        long rc = HYPERVISOR_update_va_mapping((uint64_t)s.va, pte_make(to->mfn, PTE_DATA),
                                               cases[i].flags);
        if (!xtf_expect_rc(res, cases[i].what, rc, 0))
            break;
        if (peek(s.va) != peek(to->va))
            xtf_failure(res, "%s: new mapping not visible", cases[i].what);
    }
    xtf_expect_rc(res, "restore", remap(s.va, s.mfn, PTE_DATA), 0);
    xtf_expect(res, peek(s.va) == 0, "scratch page not back");
    xtf_success(res);
}

XTF_TEST(mm_uvm_refused, "mm-uvm-refused",
         "update_va_mapping refuses a writable pagetable mapping, a VA without an L1, a host VA")
{
    struct page s;

    if (!mm_need_pv(res) || !page_new(res, &s))
        return;
    poke(s.va, MAGIC_A);
    mfn_t l1 = pfn_to_mfn(virt_to_pfn(pt_lookup((uint64_t)s.va, 1)));
    long rc = HYPERVISOR_update_va_mapping((uint64_t)s.va, pte_make(l1, PTE_DATA),
                                           UVMF_INVLPG | UVMF_LOCAL);
    xtf_expect_rc(res, "writable map of an L1", rc, -XEN_EBUSY);
    xtf_expect(res, peek(s.va) == MAGIC_A, "old mapping gone after the refusal");
    rc = HYPERVISOR_update_va_mapping(TEST_SLOT_VA, pte_make(s.mfn, PTE_DATA),
                                      UVMF_INVLPG | UVMF_LOCAL);
    xtf_expect_rc(res, "VA without an L1", rc, -XEN_EINVAL);
    rc = HYPERVISOR_update_va_mapping(0xffff830000000000ULL, pte_make(s.mfn, PTE_DATA),
                                      UVMF_INVLPG | UVMF_LOCAL);
    xtf_expect_rc(res, "VA in the hypervisor's range", rc, -XEN_EINVAL);
    xtf_success(res);
}
