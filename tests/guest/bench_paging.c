/*
 * Probes of the pagetable-update paths, each compared with what a native kernel does for
 * the same change.  Every iteration really changes the mappings: VA i of a 64-page area
 * maps frame (i + g) mod 65 in generation g, so no path can skip work on an unchanged entry,
 * and each probe ends by checking through the VAs that the last generation is what they
 * map, then puts the area back.
 *  bench-uvm:       one update_va_mapping(UVMF_INVLPG|UVMF_LOCAL) per operation;
 *                   natively a PTE store and invlpg.
 *  bench-uvm-multi: a multicall of 64 such update_va_mappings (figure per page);
 *                   natively 64 stores and 64 invlpgs.
 *  bench-mmu-64:    one mmu_update of 64 L1 entries, then one MMUEXT_TLB_FLUSH_LOCAL
 *                   (figure per page); natively 64 stores and a cr3 reload.
 */
#include "bench.h"
#include "mm.h"

#define AREA_PAGES  64
#define AREA_FRAMES (AREA_PAGES + 1)
#define FLUSH_ONE   (UVMF_INVLPG | UVMF_LOCAL)

/* The pages the probes remap.  Under PV the VAs are the frames' own boot-region mappings
 * (their L1s exist and are validated); natively a 4 KiB mapping is built in TEST_SLOT,
 * because the native boot region is mapped with 2 MiB pages. */
static struct area {
    bool ready;
    struct page f[AREA_FRAMES];
    uint64_t *va[AREA_PAGES];
    pteval_t *l1e[AREA_PAGES];        /* native: the entry itself, writable */
    uint64_t l1e_ma[AREA_PAGES];      /* PV: its machine address, for mmu_update */
    uint64_t last;                    /* the last iteration run, for the check */
    struct multicall_entry mc[AREA_PAGES];
    struct mmu_update req[AREA_PAGES];
} area;

static uint64_t tag(unsigned frame)
{
    return MAGIC_A + frame;
}

/* The frame VA i maps in generation g. */
static mfn_t frame_at(unsigned i, uint64_t g)
{
    return area.f[(i + g) % AREA_FRAMES].mfn;
}

static bool area_native(struct xtf_result *res)
{
    struct page l3, l2, l1;
    if (!page_new(res, &l3) || !page_new(res, &l2) || !page_new(res, &l1))
        return false;
    l3.va[0] = pte_make(l2.mfn, PTE_TABLE);
    l2.va[0] = pte_make(l1.mfn, PTE_TABLE);
    for (unsigned i = 0; i < AREA_PAGES; i++) {
        area.va[i] = (uint64_t *)(TEST_SLOT_VA + ((uint64_t)i << PAGE_SHIFT));
        area.l1e[i] = (pteval_t *)l1.va + i;
        *area.l1e[i] = pte_make(area.f[i].mfn, PTE_DATA);
    }
    cur_l4()[TEST_SLOT] = pte_make(l3.mfn, PTE_TABLE);
    pvops->flush_tlb_kernel();
    return true;
}

static bool area_pv(struct xtf_result *res)
{
    for (unsigned i = 0; i < AREA_PAGES; i++) {
        area.va[i] = area.f[i].va;
        area.l1e_ma[i] = l1e_maddr(area.va[i]);
        if (!area.l1e_ma[i]) {
            xtf_error(res, "no L1 entry for spare frame %u", i);
            return false;
        }
    }
    return true;
}

/* Allocate the area once (later probes in the same run reuse it), in generation 0. */
static bool area_get(struct xtf_result *res)
{
    if (area.ready)
        return true;
    for (unsigned j = 0; j < AREA_FRAMES; j++) {
        if (!page_new(res, &area.f[j]))
            return false;
        poke(area.f[j].va, tag(j));
    }
    if (!(boot_is_pv() ? area_pv(res) : area_native(res)))
        return false;
    area.ready = true;
    return true;
}

/* Every VA maps the frame of generation g (read through the mapping). */
static bool area_check(struct xtf_result *res, uint64_t g, const char *when)
{
    for (unsigned i = 0; i < AREA_PAGES; i++) {
        uint64_t want = tag((unsigned)((i + g) % AREA_FRAMES));
        if (peek(area.va[i]) != want) {
            xtf_failure(res, "%s: page %u reads %#lx, want %#lx", when, i, peek(area.va[i]),
                        want);
            return false;
        }
    }
    return true;
}

/* Back to generation 0, checked. */
static void area_reset(struct xtf_result *res)
{
    for (unsigned i = 0; i < AREA_PAGES; i++) {
        pteval_t e = pte_make(area.f[i].mfn, PTE_DATA);
        if (boot_is_pv()) {
            long rc = hypercall5(__HYPERVISOR_update_va_mapping, (uint64_t)area.va[i], e, FLUSH_ONE,
                                 0, 0);
            if (rc)
                return xtf_error(res, "restoring page %u: %ld", i, rc);
        } else {
            *area.l1e[i] = e;
        }
    }
    if (!boot_is_pv())
        pvops->flush_tlb_kernel();
    area_check(res, 0, "after restoring");
}

/* Generation of iteration i: the first iteration moves the area off generation 0. */
static uint64_t gen(uint64_t i)
{
    area.last = i;
    return i + 1;
}

static long op_uvm(void *ctx, uint64_t i)
{
    pteval_t e = pte_make(frame_at(0, gen(i)), PTE_DATA);
    (void)ctx;
    return hypercall5(__HYPERVISOR_update_va_mapping, (uint64_t)area.va[0], e, FLUSH_ONE, 0, 0);
}

static long op_uvm_native(void *ctx, uint64_t i)
{
    (void)ctx;
    *(volatile pteval_t *)area.l1e[0] = pte_make(frame_at(0, gen(i)), PTE_DATA);
    __asm__ volatile("invlpg (%0)" : : "r"(area.va[0]) : "memory");
    return 0;
}

static long op_uvm_multi(void *ctx, uint64_t i)
{
    uint64_t g = gen(i);
    (void)ctx;
    for (unsigned k = 0; k < AREA_PAGES; k++) {
        struct multicall_entry *m = &area.mc[k];
        m->op = __HYPERVISOR_update_va_mapping;
        m->args[0] = (uint64_t)area.va[k];
        m->args[1] = pte_make(frame_at(k, g), PTE_DATA);
        m->args[2] = FLUSH_ONE;
    }
    long rc = hypercall5(__HYPERVISOR_multicall, (uint64_t)area.mc, AREA_PAGES, 0, 0, 0);
    for (unsigned k = 0; k < AREA_PAGES && !rc; k++)
        rc = (long)area.mc[k].result;
    return rc;
}

static long op_uvm_multi_native(void *ctx, uint64_t i)
{
    uint64_t g = gen(i);
    (void)ctx;
    for (unsigned k = 0; k < AREA_PAGES; k++) {
        *(volatile pteval_t *)area.l1e[k] = pte_make(frame_at(k, g), PTE_DATA);
        __asm__ volatile("invlpg (%0)" : : "r"(area.va[k]) : "memory");
    }
    return 0;
}

static long op_mmu_64(void *ctx, uint64_t i)
{
    uint64_t g = gen(i);
    unsigned done = 0;
    (void)ctx;
    for (unsigned k = 0; k < AREA_PAGES; k++) {
        area.req[k].ptr = area.l1e_ma[k] | MMU_NORMAL_PT_UPDATE;
        area.req[k].val = pte_make(frame_at(k, g), PTE_DATA);
    }
    long rc = hypercall5(__HYPERVISOR_mmu_update, (uint64_t)area.req, AREA_PAGES, (uint64_t)&done,
                         DOMID_SELF, 0);
    if (!rc && done != AREA_PAGES)
        rc = -1000 - (long)done;
    return rc ? rc : mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
}

static long op_mmu_64_native(void *ctx, uint64_t i)
{
    uint64_t g = gen(i);
    (void)ctx;
    for (unsigned k = 0; k < AREA_PAGES; k++)
        *(volatile pteval_t *)area.l1e[k] = pte_make(frame_at(k, g), PTE_DATA);
    return pvops->flush_tlb_kernel();
}

/* Run one paging probe (PV op or native op, per platform) and check its effect. */
static void paging_probe(struct xtf_result *res, const char *name, const char *unit,
                         unsigned units, bench_op_t pv_op, bench_op_t native_op,
                         unsigned pages_changed)
{
    if (!area_get(res))
        return;
    area.last = 0;
    bench_run(res, &(struct bench){ name, unit, units, boot_is_pv() ? pv_op : native_op, NULL });
    for (unsigned i = 0; i < pages_changed; i++) {
        uint64_t want = tag((unsigned)((i + area.last + 1) % AREA_FRAMES));
        if (peek(area.va[i]) != want)
            xtf_failure(res, "after the run: page %u reads %#lx, want %#lx", i,
                        peek(area.va[i]), want);
    }
    area_reset(res);
}

XTF_TEST_EXPLICIT(bench_uvm, "bench-uvm",
                  "update_va_mapping of one page with INVLPG, per operation")
{
    paging_probe(res, "uvm", "op", 1, op_uvm, op_uvm_native, 1);
}

XTF_TEST_EXPLICIT(bench_uvm_multi, "bench-uvm-multi",
                  "a multicall of 64 update_va_mappings with INVLPG, per page")
{
    paging_probe(res, "uvm-multi", "page", AREA_PAGES, op_uvm_multi, op_uvm_multi_native,
                 AREA_PAGES);
}

XTF_TEST_EXPLICIT(bench_mmu_64, "bench-mmu-64",
                  "mmu_update of 64 L1 entries and one local TLB flush, per page")
{
    paging_probe(res, "mmu-64", "page", AREA_PAGES, op_mmu_64, op_mmu_64_native, AREA_PAGES);
}
