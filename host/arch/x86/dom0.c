/*
 * The x86 end of building dom0 (Xen keeps these in arch/x86/pv/dom0_build.c): the hypercall
 * page's bytes, the registers of the first entry, and the host's self-checks that can only
 * run on the real machine once the guest's pagetables are live (guest-memory refusals, and
 * the selftest= options that prove the host's own fault paths).
 */
#include <public/xen.h>
#include "arch.h"
#include "arch/x86/pv.h"
#include "dom0_build.h"
#include "domain.h"
#include "host.h"
#include "hostlib/lib.h"
#include "mm/arch.h"
#include "printk.h"

/*
 * 128 stubs of 32 bytes: `push %rcx; push %r11; mov $nr,%eax; syscall; pop %r11; pop %rcx;
 * ret` (the guest sees only rax change), and for iret, which does not return, `push %rcx;
 * push %r11; push %rax; mov $__HYPERVISOR_iret,%eax; syscall`.  The rest is int3.  Byte for
 * byte what Xen 4.17 writes (the guest hashes it to compare).
 */
void arch_write_hypercall_page(uint8_t *page)
{
    memset(page, 0xcc, PAGE_SIZE);
    for (unsigned nr = 0; nr < PAGE_SIZE / 32; nr++) {
        uint8_t *p = page + nr * 32;
        unsigned n = 0;

        p[n++] = 0x51;                          /* push %rcx */
        p[n++] = 0x41; p[n++] = 0x53;           /* push %r11 */
        if (nr == __HYPERVISOR_iret)
            p[n++] = 0x50;                      /* push %rax */
        p[n++] = 0xb8;                          /* mov $nr, %eax */
        memcpy(p + n, &nr, 4);
        n += 4;
        p[n++] = 0x0f; p[n++] = 0x05;           /* syscall */
        if (nr == __HYPERVISOR_iret)
            continue;
        p[n++] = 0x41; p[n++] = 0x5b;           /* pop %r11 */
        p[n++] = 0x59;                          /* pop %rcx */
        p[n++] = 0xc3;                          /* ret */
    }
}

/* Run the guest-memory self-check; a wrong answer there is a host bug. */
static void check_guest_access(const struct dom0_entry *e)
{
    /* Only the region is mapped; it may start at 0 (VIRT_BASE absent), then its end is free. */
    uint64_t unmapped = e->region_start > 0x1000 ? 0x1000 : e->region_end;
    unsigned total, bad = arch_guest_access_selfcheck(unmapped, e->start_info, e->pt_start,
                                                      &total);

    if (bad)
        arch_panic("guest memory access checks: %u of %u wrong", bad, total);
    printk("pvx: guest memory access checks: %u of %u as expected\n", total, total);
    bad = arch_guest_array_selfcheck(unmapped, e->start_info, e->pt_start, &total);
    if (bad)
        arch_panic("guest array access checks: %u of %u wrong", bad, total);
    printk("pvx: guest array access checks: %u of %u as expected\n", total, total);
}

/* selftest=...: prove the host's own fault paths on the real machine. */
static void run_selftests(const struct dom0_entry *e, struct cpu_regs *regs)
{
    if (host_opts.selftest_host_fault) {
        /* The host's own fault path: a read with no fixup must panic (0x1f). */
        uint64_t addr = 0x8, val;
        printk("pvx: selftest: the host reads unmapped address %#lx\n", addr);
        __asm__ volatile("movq (%1), %0" : "=r"(val) : "r"(addr) : "memory");
    }
    if (host_opts.selftest_exec_guest) {
        /* NX on the direct map: guest bytes there must never run in ring 0. */
        uint8_t *alias = arch_map_frame(e->stack_mfn);
        void (*fn)(void) = (void (*)(void))(uintptr_t)alias;
        alias[0] = 0xc3;    /* ret */
        printk("pvx: selftest: the host calls guest memory at %p\n", (void *)alias);
        fn();
        printk("pvx: selftest: the host ran guest memory\n");
    }
    if (host_opts.selftest_host_debug) {
        /* The host's #DB path: one single-stepped instruction must not panic. */
        printk("pvx: selftest: the host single-steps one instruction\n");
        __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq; nop" ::: "memory", "cc");
        printk("pvx: selftest: host single-step survived\n");
    }
    if (host_opts.selftest_bad_iret) {
        /* The refused-iretq path: a null ss is refused for a return to ring 3. */
        printk("pvx: selftest: entering the guest with a null ss\n");
        regs->ss = 0;
    }
}

void arch_dom0_start(struct vcpu *v, const struct dom0_entry *e)
{
    struct cpu_regs *regs = arch_guest_frame();

    v->arch->regs = regs;

    memset(regs, 0, sizeof(*regs));
    regs->rip = e->entry;
    regs->cs = FLAT_KERNEL_CS64;
    regs->ss = FLAT_KERNEL_SS64;
    regs->rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
    regs->rsp = e->stack_top;
    regs->rsi = e->start_info;

    check_guest_access(e);
    run_selftests(e, regs);
    printk("pvx: d%u: entering the guest at %016lx, rsp %016lx, start_info %016lx\n",
           v->domain->mm.domid, regs->rip, regs->rsp, regs->rsi);
    arch_enter_guest(regs);
}

void arch_domain_release(struct domain *d)
{
    write_cr3(arch_idle_l4_maddr());
    write_dr(7, 0);                         /* the guest's breakpoints go with it */
    for (unsigned i = 0; i < PVX_MAX_VCPUS; i++)
        if (d->vcpu[i] && d->vcpu[i]->arch)
            pv_descriptors_release(d->vcpu[i]);
}
