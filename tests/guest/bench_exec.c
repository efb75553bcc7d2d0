/*
 * Probes of the PV execution model's paths, each beside what a native kernel does instead
 * (the user syscall round trip is bench-syscall, in bench_syscall.c):
 *  bench-trap:    int3 in guest kernel mode, bounced to a trap-table handler that returns
 *                 with the iret hypercall to the next instruction; natively int3 through an
 *                 interrupt gate and iretq.
 *  bench-mov-cr3: one `mov %cr3, %rax` in guest kernel mode, which faults in ring 3 and the
 *                 hypervisor emulates; natively the instruction itself.
 *  bench-ptwr:    one store of a new L1 entry into the guest's own read-only L1, which the
 *                 hypervisor decodes, validates and applies (writable pagetables); each store
 *                 swaps the page between two frames, so every one is a real change.
 *                 Natively a store into a writable L1 and invlpg.  The figure under PV is the
 *                 store alone: the guest still owes a flush of the VA (under PV, a hypercall)
 *                 before the change is sure to be seen.
 * Under PV the probes need the execution-model harness (pvexec.h): its trap table catches
 * what a platform that does not emulate the path would bounce, so a first run of each path
 * through kcall() turns that into a FAILURE instead of a crash.  Each operation checks what
 * it did (a handler entry counted, cr3's value, the entry read back) and each probe checks
 * the mapping through its VA at the end.
 */
#include "bench.h"
#include "pvexec.h"

#define PTWR_SLOT    302       /* an L4 slot the guest never uses (bench-syscall has 301) */
#define PTWR_VA      (0xffff000000000000ULL | ((uint64_t)PTWR_SLOT << 39))

extern char bench_pv_int3_entry[], bench_native_int3_entry[];
extern volatile uint64_t bench_traps;

/* --- bench-trap ------------------------------------------------------------------------------ */

static long op_trap(void *ctx, uint64_t i)
{
    uint64_t before = bench_traps;
    (void)ctx, (void)i;
    __asm__ volatile("int3" : : : "rcx", "r11", "memory");
    return bench_traps == before + 1 ? 0 : -1;
}

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* Natively: vector 3 of the IDT in use becomes an interrupt gate to the bench handler for
 * the probe, then is put back. */
static void trap_native(struct xtf_result *res)
{
    struct desc_ptr idtr;
    uint16_t cs;
    uint64_t a = (uint64_t)bench_native_int3_entry;

    __asm__ volatile("sidt %0" : "=m"(idtr));
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    if (idtr.limit < 4 * sizeof(struct idt_gate) - 1)
        return xtf_error(res, "the IDT has no entry for vector 3 (limit %#x)", idtr.limit);
    struct idt_gate *gate = (struct idt_gate *)idtr.base + 3, saved = *gate;
    *gate = (struct idt_gate){ (uint16_t)a, cs, 0, 0x8e, (uint16_t)(a >> 16),
                               (uint32_t)(a >> 32), 0 };
    bench_run(res, &(struct bench){ "trap", "op", 1, op_trap, NULL });
    *gate = saved;
}

/* Under PV: vector 3 of the harness's trap table points at the bench handler for the probe,
 * then the harness's table is set up again. */
static void trap_pv(struct xtf_result *res)
{
    struct pvx_record r;
    uint64_t ret = 0;
    struct trap_info ti[2] = {
        { .vector = 3, .flags = 3, .cs = FLAT_KERNEL_CS,
          .address = (unsigned long)bench_pv_int3_entry },
        { 0 },
    };

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    pvexec_resume_iret(false, 0, 0);
    if (!kcall(k_int3, 0, 0, &ret, &r))
        return xtf_failure(res, "int3 in kernel mode: the handler's iret did not resume");
    if (ret != 0x600d)
        return xtf_failure(res, "int3 in kernel mode: resumed, but computed %#lx", ret);
    if (!xtf_expect_rc(res, "set_trap_table(int3 -> the bench handler)",
                       HYPERVISOR_set_trap_table(ti), 0))
        return;
    bench_run(res, &(struct bench){ "trap", "op", 1, op_trap, NULL });
    xtf_expect_rc(res, "set_trap_table (the harness's again)", pvexec_trap_table_reset(), 0);
}

XTF_TEST_EXPLICIT(bench_trap, "bench-trap",
                  "an exception bounce and the iret back: int3 in guest kernel mode")
{
    if (boot_is_pv())
        trap_pv(res);
    else
        trap_native(res);
}

/* --- bench-mov-cr3 --------------------------------------------------------------------------- */

static long op_mov_cr3(void *ctx, uint64_t i)
{
    uint64_t v;
    (void)i;
    __asm__ volatile("mov %%cr3, %%rax" : "=a"(v));
    return v == *(const uint64_t *)ctx ? 0 : -1;
}

XTF_TEST_EXPLICIT(bench_mov_cr3, "bench-mov-cr3",
                  "one mov from %cr3 in guest kernel mode (emulated under PV)")
{
    uint64_t want = pvops->read_cr3(), got = 0;
    struct pvx_record r;

    if (boot_is_pv()) {
        if (!pvexec_need(res, NEED_TRAPS))
            return;
        if (!kcall(k_mov_from_cr3, 0, 0, &got, &r))
            return xtf_failure(res, "mov from %%cr3 faulted (vector %#lx)", r.kind);
        if (got != want)
            return xtf_failure(res, "mov from %%cr3: expected %#lx got %#lx", want, got);
    }
    bench_run(res, &(struct bench){ "mov-cr3", "op", 1, op_mov_cr3, &want });
}

/* --- bench-ptwr ------------------------------------------------------------------------------ */

struct ptwr {
    volatile pteval_t *e;   /* the L1 entry of va: read-only under PV, writable natively */
    uint64_t *va;
    pteval_t val[2];        /* iteration i stores val[i & 1] */
    struct page f[2];       /* the two frames, tagged MAGIC_A and MAGIC_B */
};

/* 0 if the entry now holds v's frame, present (validation may add flags to it). */
static inline long ptwr_took(const struct ptwr *p, pteval_t v)
{
    return ((*p->e ^ v) & (PTE_ADDR | PTE_P)) ? -1 : 0;
}

static long op_ptwr_pv(void *ctx, uint64_t i)
{
    struct ptwr *p = ctx;
    pteval_t v = p->val[i & 1];

    *p->e = v;
    return ptwr_took(p, v);
}

static long op_ptwr_native(void *ctx, uint64_t i)
{
    struct ptwr *p = ctx;
    pteval_t v = p->val[i & 1];

    *p->e = v;
    __asm__ volatile("invlpg (%0)" : : "r"(p->va) : "memory");
    return ptwr_took(p, v);
}

/* Natively: a 4 KiB mapping of f[0] at PTWR_VA through tables of our own. */
static bool ptwr_native(struct xtf_result *res, struct ptwr *p)
{
    struct page l3, l2, l1;

    if (!page_new(res, &l3) || !page_new(res, &l2) || !page_new(res, &l1))
        return false;
    l3.va[0] = pte_make(l2.mfn, PTE_TABLE);
    l2.va[0] = pte_make(l1.mfn, PTE_TABLE);
    l1.va[0] = p->val[0];
    cur_l4()[PTWR_SLOT] = pte_make(l3.mfn, PTE_TABLE);
    pvops->flush_tlb_kernel();
    p->e = (volatile pteval_t *)l1.va;
    p->va = (uint64_t *)PTWR_VA;
    return true;
}

/* Under PV: f[0]'s own mapping in the boot region, whose L1 the guest has read-only; the
 * first store goes through kcall, so a platform that refuses it fails the probe. */
static bool ptwr_pv(struct xtf_result *res, struct ptwr *p)
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS))
        return false;
    p->va = p->f[0].va;
    p->e = pt_lookup((uint64_t)p->va, 1);
    if (!p->e) {
        xtf_error(res, "no L1 entry for a spare page");
        return false;
    }
    if (!xtf_expect_rc(res, "enable writable_pagetables",
                       HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables),
                       0))
        return false;
    if (!kcall(k_write, (uint64_t)p->e, p->val[0], NULL, &r)) {
        xtf_failure(res, "a store into the L1 faulted (vector %#lx, cr2 %#lx)", r.kind,
                    vcpu0()->arch.cr2);
        return false;
    }
    return true;
}

/* The VA maps the frame its entry names, and shows that frame's tag. */
static void ptwr_check(struct xtf_result *res, const struct ptwr *p, const char *when)
{
    unsigned k = pte_mfn(*p->e).v == p->f[1].mfn.v;

    pvops->flush_tlb_one((uint64_t)p->va);
    if (peek(p->va) != (k ? MAGIC_B : MAGIC_A))
        xtf_failure(res, "%s: the VA shows %#lx, not frame %u's tag", when, peek(p->va), k);
}

XTF_TEST_EXPLICIT(bench_ptwr, "bench-ptwr",
                  "one emulated store into the guest's own L1 (writable pagetables)")
{
    static struct ptwr p;

    if (!page_new(res, &p.f[0]) || !page_new(res, &p.f[1]))
        return;
    poke(p.f[0].va, MAGIC_A);
    poke(p.f[1].va, MAGIC_B);
    p.val[0] = pte_make(p.f[0].mfn, PTE_DATA);
    p.val[1] = pte_make(p.f[1].mfn, PTE_DATA);
    if (!(boot_is_pv() ? ptwr_pv(res, &p) : ptwr_native(res, &p)))
        return;
    bench_run(res, &(struct bench){ "ptwr", "op", 1,
                                    boot_is_pv() ? op_ptwr_pv : op_ptwr_native, &p });
    ptwr_check(res, &p, "after the probe");
    *p.e = p.val[0];
    ptwr_check(res, &p, "put back");
    if (!boot_is_pv()) {
        cur_l4()[PTWR_SLOT] = 0;
        pvops->flush_tlb_kernel();
    }
}
