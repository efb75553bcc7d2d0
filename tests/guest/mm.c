/*
 * Memory test helpers: frames from the guest's spare tail, raw single hypercalls, lookups.
 */
#include "mm.h"

bool mm_need_pv(struct xtf_result *res)
{
    if (boot_is_pv())
        return true;
    xtf_skip(res, "not paravirtualized (native boot has no hypervisor to ask)");
    return false;
}

bool page_new(struct xtf_result *res, struct page *p)
{
    p->pfn = frame_alloc();
    if (!p->pfn.v) {
        xtf_error(res, "out of spare frames");
        return false;
    }
    p->mfn = pfn_to_mfn(p->pfn);
    p->va = pfn_to_virt(p->pfn);
    return true;
}

long remap(const void *va, mfn_t m, pteval_t flags)
{
    return HYPERVISOR_update_va_mapping((uint64_t)va, pte_make(m, flags),
                                        UVMF_INVLPG | UVMF_LOCAL);
}

bool table_new(struct xtf_result *res, struct page *p)
{
    if (!page_new(res, p))
        return false;
    long rc = remap(p->va, p->mfn, PTE_RDONLY);
    if (rc) {
        xtf_error(res, "could not make a fresh frame read-only: %ld", rc);
        return false;
    }
    return true;
}

uint64_t l1e_maddr(const void *va)
{
    pteval_t *e = pt_lookup((uint64_t)va, 1);
    return e ? virt_to_maddr(e) : 0;
}

pteval_t *cur_l4(void)
{
    return pt_root();
}

mfn_t cur_l4_mfn(void)
{
    return mfn(pvops->read_cr3() >> PAGE_SHIFT);
}

long mmu_update1(uint64_t ptr, uint64_t val, unsigned *done)
{
    struct mmu_update req = { .ptr = ptr, .val = val };
    return HYPERVISOR_mmu_update(&req, 1, done, DOMID_SELF);
}

long mmuext1(unsigned cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op = { .cmd = cmd };
    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* The lowest frame from 128 MiB up that our p2m does not contain: RAM on the 512 MiB test
 * machine, and away from where hypervisors put themselves (low memory, the top). */
bool mm_foreign_mfn(mfn_t *out)
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
