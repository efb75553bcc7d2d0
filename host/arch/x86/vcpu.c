/*
 * The x86 half of a vCPU, and the one exit step every entry from the guest ends in.
 *
 * The exit step, the guided tour (lguest's run_guest, Xen's test_all_events, xv6's
 * usertrapret).  Whatever brought the vCPU into the host -- a hypercall, an exception, an
 * interrupt, or the first entry -- entry.S calls arch_exit_to_guest() with the saved frame
 * just before it restores the registers, and this is the only place that decides what the
 * guest runs next:
 *   1. a bounce queued by the entry (an exception for the guest's trap table, a syscall
 *      from guest user mode for its syscall callback) is written onto the guest kernel
 *      stack and the frame redirected to the handler;
 *   2. pending events, once there are any, are delivered the same way;
 *   3. the frame is made safe to return with: rflags as a guest may hold them (IF on, IOPL
 *      0), a canonical rip;
 *   4. cr3 becomes the vCPU's kernel or user L4, whichever mode the frame returns to.
 * Only then does entry.S restore the registers and leave, by sysretq when the frame allows
 * it (TRAP_syscall) or by iretq.
 */
#include "arch.h"
#include "arch/x86/pv.h"
#include "domain.h"
#include "hostlib/lib.h"
#include "printk.h"
#include "trace.h"

static struct arch_vcpu arch_vcpus[PVX_MAX_VCPUS];

void arch_vcpu_init(struct vcpu *v)
{
    struct arch_vcpu *a = &arch_vcpus[v->vcpu_id];

    memset(a, 0, sizeof(*a));
    a->kernel_mode = true;
    v->arch = a;
    pv_debugreg_init(v);
    for (unsigned i = 0; i < HOST_LDT_PAGES; i++)
        a->ldt_mapped[i] = invalid_mfn();
}

void arch_vcpu_dump(const struct vcpu *v)
{
    if (v->arch && v->arch->regs)
        arch_dump_regs(v->arch->regs);
}

/* The L4 for the vCPU's mode.  mm loads the kernel L4 itself on NEW_BASEPTR; this only
 * has to switch when the mode and the loaded table differ. */
static void load_guest_cr3(struct vcpu *v)
{
    mfn_t want = v->arch->kernel_mode ? v->mm.guest_table : v->mm.guest_table_user;

    if (!mfn_valid_raw(want))
        domain_crash(v->domain, "no pagetable for the guest mode the vCPU returns to");
    if (read_cr3() != mfn_x(want) << PAGE_SHIFT)
        write_cr3(mfn_x(want) << PAGE_SHIFT);
}

/*
 * Kernel <-> user.  The guest's GS bases live in the CPU while it runs: GS_BASE is the
 * current mode's, KERNEL_GS_BASE the other mode's (the host never uses GS), so a mode change
 * is a swapgs, and the pagetable base follows the mode.
 */
void arch_toggle_guest_mode(struct vcpu *v)
{
    __asm__ volatile("swapgs" ::: "memory");
    v->arch->kernel_mode = !v->arch->kernel_mode;
    trace_mode_switch(!v->arch->kernel_mode);
    load_guest_cr3(v);
}

void arch_exit_to_guest(struct cpu_regs *regs)
{
    struct vcpu *v = current;

    if (v->arch->bounce.flags)
        pv_create_bounce_frame(v, regs);
    /* Whatever a handler did to the frame, the guest resumes in ring 3 with IF on, IOPL 0. */
    regs->rflags = (regs->rflags & X86_EFLAGS_GUEST) | X86_EFLAGS_IF | X86_EFLAGS_MBS;
    /*
     * A syscall in the last two bytes below the canonical hole returns to 0x800000000000.
     * sysretq to it would fault in ring 0 on the guest's stack (CVE-2012-0217) and iretq
     * would fault in ring 0 too; the guest cannot run there, so it is crashed here.
     */
    if (!va_is_canonical(regs->rip)) {
        char why[96];

        if (v->arch->trap_ctxt[TRAP_gp_fault].address != 0) {
            /* Where Xen's iretq faults: the guest gets the #GP(0), with this frame. */
            pv_inject_exception(v, TRAP_gp_fault, true, 0);
            pv_create_bounce_frame(v, regs);
        } else {
            snprintf(why, sizeof(why), "%s return address %016lx is not canonical",
                     regs->entry_vector & TRAP_syscall ? "hypercall" : "guest", regs->rip);
            domain_crash(v->domain, why);
        }
    }
    load_guest_cr3(v);
}
