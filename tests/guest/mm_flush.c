/*
 * Hypotheses:
 *  mm-tlb-flush:  TLB_FLUSH_LOCAL, _MULTI (vCPU mask {0}) and _ALL succeed, and after an
 *                 mmu_update followed by each flush the VA shows the new frame.
 *  mm-invlpg:     INVLPG_LOCAL, _MULTI and _ALL do the same for one VA; a non-canonical
 *                 address (the XSA-279 pattern) is accepted as a no-op rather than
 *                 faulting inside the hypervisor.
 */
#include "mm.h"

/* Point scratch VA s at frame `to` without a flush, then flush with `cmd`/`arg`. */
static void switch_and_flush(struct xtf_result *res, const struct page *s, const struct page *to,
                             unsigned cmd, uint64_t arg1, uint64_t arg2, const char *what)
{
    long rc = mmu_update1(l1e_maddr(s->va) | MMU_NORMAL_PT_UPDATE,
                          pte_make(to->mfn, PTE_DATA), NULL);
    if (!xtf_expect_rc(res, "mmu_update", rc, 0))
        return;
    if (!xtf_expect_rc(res, what, mmuext1(cmd, arg1, arg2), 0))
        return;
    if (peek(s->va) != peek(to->va))
        xtf_failure(res, "%s: stale mapping after the flush", what);
}

XTF_TEST(mm_tlb_flush, "mm-tlb-flush",
         "the three TLB flush flavours succeed and make an update visible")
{
    struct page s, a, b;
    uint64_t mask = 1;

    if (!mm_need_pv(res) || !page_new(res, &s) || !page_new(res, &a) || !page_new(res, &b))
        return;
    poke(a.va, MAGIC_A);
    poke(b.va, MAGIC_B);
    switch_and_flush(res, &s, &a, MMUEXT_TLB_FLUSH_LOCAL, 0, 0, "TLB_FLUSH_LOCAL");
    switch_and_flush(res, &s, &b, MMUEXT_TLB_FLUSH_MULTI, 0, (uint64_t)&mask, "TLB_FLUSH_MULTI");
    switch_and_flush(res, &s, &a, MMUEXT_TLB_FLUSH_ALL, 0, 0, "TLB_FLUSH_ALL");
    remap(s.va, s.mfn, PTE_DATA);
    xtf_success(res);
}

XTF_TEST(mm_invlpg, "mm-invlpg",
         "the three INVLPG flavours succeed; a non-canonical address is harmless")
{
    struct page s, a, b;
    uint64_t mask = 1;

    if (!mm_need_pv(res) || !page_new(res, &s) || !page_new(res, &a) || !page_new(res, &b))
        return;
    poke(a.va, MAGIC_A);
    poke(b.va, MAGIC_B);
    switch_and_flush(res, &s, &a, MMUEXT_INVLPG_LOCAL, (uint64_t)s.va, 0, "INVLPG_LOCAL");
    switch_and_flush(res, &s, &b, MMUEXT_INVLPG_MULTI, (uint64_t)s.va, (uint64_t)&mask,
                     "INVLPG_MULTI");
    switch_and_flush(res, &s, &a, MMUEXT_INVLPG_ALL, (uint64_t)s.va, 0, "INVLPG_ALL");
    xtf_expect_rc(res, "INVLPG_LOCAL non-canonical",
                  mmuext1(MMUEXT_INVLPG_LOCAL, 0x8000000000000000ULL, 0), 0);
    xtf_expect_rc(res, "INVLPG_ALL non-canonical",
                  mmuext1(MMUEXT_INVLPG_ALL, 0x8000000000000000ULL, 0), 0);
    remap(s.va, s.mfn, PTE_DATA);
    xtf_success(res);
}
