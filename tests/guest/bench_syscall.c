/*
 * bench-syscall: a user syscall round trip, natively and under PV.
 * Natively (ring 0 kernel) it is sysretq to a one-instruction user page and `syscall` back
 * (bench_user.S): the hardware floor.  For the duration of the probe the guest installs a
 * GDT with user segments, points STAR/LSTAR/FMASK at its entry, and maps the user page in an
 * L4 slot of its own; all of it is put back afterwards.
 * Under PV it is the same round trip the paravirtualized way (bench_exec_entry.S): the iret
 * hypercall with VGCF_in_syscall to the harness's user snippet u_syscall (pvexec.h: its user
 * L4, stack and kernel stack), whose `syscall` the hypervisor bounces to the syscall
 * callback -- guest kernel -> hypervisor -> guest user -> hypervisor -> guest kernel, two
 * switches of address space.  The harness's syscall callback points at the bench entry for
 * the probe and is put back afterwards.
 */
#include "bench.h"
#include "pvexec.h"

#define SYSCALL_SLOT   301     /* an L4 slot the guest never uses (TEST_SLOT is 300) */
#define SYSCALL_VA     (0xffff000000000000ULL | ((uint64_t)SYSCALL_SLOT << 39))
#define MSR_EFER       0xc0000080
#define MSR_STAR       0xc0000081
#define MSR_LSTAR      0xc0000082
#define MSR_FMASK      0xc0000084
#define EFER_SCE       1
#define FMASK_BITS     0x47700  /* TF, DF, IF, IOPL, NT, AC cleared on entry */

void bench_user_roundtrip(uint64_t user_rip, uint64_t user_rsp);
uint64_t bench_pv_user_roundtrip(uint64_t user_rip, uint64_t user_rsp);
extern char bench_syscall_entry[], bench_pv_syscall_entry[];

/* Ring 0 code and data as the native boot has them, then user data (0x18) and 64-bit user
 * code (0x20), in the order sysretq wants: STAR[63:48] + 8 and + 16. */
static const uint64_t gdt[] = {
    0, 0x00af9a000000ffff, 0x00cf92000000ffff, 0x00cff2000000ffff, 0x00affa000000ffff,
};

struct gdt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static long op_syscall(void *ctx, uint64_t i)
{
    (void)ctx, (void)i;
    bench_user_roundtrip(SYSCALL_VA, SYSCALL_VA + PAGE_SIZE);
    return 0;
}

/* Map one user page holding `syscall` at SYSCALL_VA (tables from spare frames). */
static bool map_user_page(struct xtf_result *res)
{
    struct page l3, l2, l1, code;
    if (!page_new(res, &l3) || !page_new(res, &l2) || !page_new(res, &l1) ||
        !page_new(res, &code))
        return false;
    ((uint8_t *)code.va)[0] = 0x0f;
    ((uint8_t *)code.va)[1] = 0x05;
    l3.va[0] = pte_make(l2.mfn, PTE_TABLE);
    l2.va[0] = pte_make(l1.mfn, PTE_TABLE);
    l1.va[0] = pte_make(code.mfn, PTE_DATA);
    cur_l4()[SYSCALL_SLOT] = pte_make(l3.mfn, PTE_TABLE);
    pvops->flush_tlb_kernel();
    return true;
}

/* The user snippet's rax comes back: it is the rip it was entered at. */
static long op_syscall_pv(void *ctx, uint64_t i)
{
    uint64_t rip = *(const uint64_t *)ctx;
    (void)i;
    return bench_pv_user_roundtrip(rip, USER_STACK_TOP) == rip ? 0 : -1;
}

static long callback_syscall(const void *entry)
{
    struct callback_register reg = { .type = CALLBACKTYPE_syscall,
                                     .flags = CALLBACKF_mask_events,
                                     .address = (unsigned long)entry };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &reg);
}

/* Under PV: one round trip through the harness first (a platform without guest user mode
 * fails there, not in the loop), then the probe with the bench callback. */
static void syscall_pv(struct xtf_result *res)
{
    struct pvx_record r;
    uint64_t rip = user_va(u_syscall);

    if (!pvexec_need(res, NEED_USER))
        return;
    uint8_t mask = vcpu0()->evtchn_upcall_mask;
    ucall(u_syscall, 0x5c, 0, &r);
    if (!ex_kind(res, "syscall from user mode", &r, PVX_KIND_SYSCALL) ||
        !ex_eq(res, "rax at the syscall callback", r.gpr[R_AX], 0x5c))
        return;
    if (!xtf_expect_rc(res, "callback_op(syscall -> the bench entry)",
                       callback_syscall(bench_pv_syscall_entry), 0))
        return;
    bench_run(res, &(struct bench){ "syscall", "op", 1, op_syscall_pv, &rip });
    vcpu0()->evtchn_upcall_mask = mask;
    xtf_expect_rc(res, "callbacks (the harness's again)", pvexec_callbacks_reset(), 0);
}

static void syscall_native(struct xtf_result *res)
{
    if (!map_user_page(res))
        return;
    struct gdt_ptr old, new = { sizeof(gdt) - 1, (uint64_t)gdt };
    uint64_t efer = rdmsr(MSR_EFER), star = rdmsr(MSR_STAR), lstar = rdmsr(MSR_LSTAR),
             fmask = rdmsr(MSR_FMASK);
    __asm__ volatile("sgdt %0" : "=m"(old));
    __asm__ volatile("lgdt %0" : : "m"(new));
    wrmsr(MSR_STAR, 0x0010000800000000ULL);
    wrmsr(MSR_LSTAR, (uint64_t)bench_syscall_entry);
    wrmsr(MSR_FMASK, FMASK_BITS);
    wrmsr(MSR_EFER, efer | EFER_SCE);

    bench_run(res, &(struct bench){ "syscall", "op", 1, op_syscall, NULL });

    wrmsr(MSR_EFER, efer);
    wrmsr(MSR_FMASK, fmask);
    wrmsr(MSR_LSTAR, lstar);
    wrmsr(MSR_STAR, star);
    __asm__ volatile("lgdt %0" : : "m"(old));
    cur_l4()[SYSCALL_SLOT] = 0;
    pvops->flush_tlb_kernel();
}

XTF_TEST_EXPLICIT(bench_syscall, "bench-syscall", "a user syscall round trip")
{
    if (boot_is_pv())
        syscall_pv(res);
    else
        syscall_native(res);
}
