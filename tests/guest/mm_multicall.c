/*
 * Hypotheses:
 *  mm-multicall:         a multicall runs every entry in order and writes each entry's own
 *                        result back, a failing entry does not stop the ones after it, and
 *                        the multicall itself returns 0.
 *  mm-multicall-nested:  a multicall entry inside a multicall is refused (-EINVAL) without
 *                        running the inner list; the entries around it still run.
 */
#include "mm.h"

#define UNTOUCHED 0x0badc0de0badc0deULL

static void mc_set(struct multicall_entry *e, unsigned op, uint64_t a0, uint64_t a1,
                   uint64_t a2, uint64_t a3)
{
    *e = (struct multicall_entry){ .op = op, .result = UNTOUCHED,
                                   .args = { a0, a1, a2, a3, 0, 0 } };
}

XTF_TEST(mm_multicall, "mm-multicall",
         "each multicall entry runs and gets its own result; a failure does not stop the rest")
{
    struct page s, a;
    struct multicall_entry mc[4];
    struct mmuext_op flush = { .cmd = MMUEXT_INVLPG_LOCAL };

    if (!mm_need_pv(res) || !page_new(res, &s) || !page_new(res, &a))
        return;
    poke(a.va, MAGIC_A);
    flush.arg1.linear_addr = (uint64_t)s.va;
    mfn_t l1 = pfn_to_mfn(virt_to_pfn(pt_lookup((uint64_t)s.va, 1)));
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);

    mc_set(&mc[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0);
    mc_set(&mc[1], __HYPERVISOR_update_va_mapping, (uint64_t)s.va, pte_make(l1, PTE_DATA),
           UVMF_INVLPG | UVMF_LOCAL, 0);                                   /* refused */
    mc_set(&mc[2], __HYPERVISOR_update_va_mapping, (uint64_t)s.va, pte_make(a.mfn, PTE_DATA),
           UVMF_NONE, 0);
    mc_set(&mc[3], __HYPERVISOR_mmuext_op, (uint64_t)&flush, 1, 0, DOMID_SELF);
    long rc = HYPERVISOR_multicall(mc, 4);
    xtf_expect_rc(res, "multicall", rc, 0);
    xtf_expect_rc(res, "entry 0 (xen_version)", (long)mc[0].result, version);
    xtf_expect_rc(res, "entry 1 (bad uvm)", (long)mc[1].result, -XEN_EBUSY);
    xtf_expect_rc(res, "entry 2 (uvm)", (long)mc[2].result, 0);
    xtf_expect_rc(res, "entry 3 (mmuext)", (long)mc[3].result, 0);
    xtf_expect(res, peek(s.va) == MAGIC_A, "effect of entries 2-3 not visible");
    remap(s.va, s.mfn, PTE_DATA);
    xtf_success(res);
}

XTF_TEST(mm_multicall_nested, "mm-multicall-nested",
         "a multicall inside a multicall is refused with -EINVAL, the others still run")
{
    struct multicall_entry inner[1], outer[3];

    if (!mm_need_pv(res))
        return;
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    mc_set(&inner[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0);
    mc_set(&outer[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0);
    mc_set(&outer[1], __HYPERVISOR_multicall, (uint64_t)inner, 1, 0, 0);
    mc_set(&outer[2], __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0);
    long rc = HYPERVISOR_multicall(outer, 3);
    xtf_expect_rc(res, "multicall", rc, 0);
    xtf_expect_rc(res, "entry 0", (long)outer[0].result, version);
    xtf_expect_rc(res, "nested entry", (long)outer[1].result, -XEN_EINVAL);
    xtf_expect_rc(res, "entry 2", (long)outer[2].result, version);
    xtf_expect(res, inner[0].result == UNTOUCHED, "the inner list ran");
    xtf_success(res);
}
