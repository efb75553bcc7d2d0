/*
 * The x86 half of a vCPU, and the one exit step every entry from the guest ends in.
 *
 * The exit step, the guided tour (lguest's run_guest, Xen's test_all_events, xv6's
 * usertrapret).  Whatever brought the vCPU into the host -- a hypercall, an exception, an
 * interrupt, or the first entry -- the exit step runs on the saved frame just before the
 * registers are restored, and it alone decides what the guest runs next.  This function is
 * the whole of it; entry.S runs its common case itself (EXIT_CHECKS: a queued bounce
 * written, then no event to take and a canonical rip) and calls arch_exit_to_guest() for
 * anything else, so the two must decide alike:
 *   1. a bounce queued by the entry (an exception for the guest's trap table, a syscall
 *      from guest user mode for its syscall callback) is written onto the guest kernel
 *      stack and the frame redirected to the handler;
 *   2. an event the guest would take now (pending and not masked) enters its event
 *      callback the same way, on top of any bounce just written;
 *   3. the frame is made safe to return with: rflags as a guest may hold them (IF on, IOPL
 *      0), a canonical rip.
 * cr3 needs no step of its own: it changes only with the mode (arch_toggle_guest_mode,
 * pv.h) or the base pointer (mm's NEW_BASEPTR), and both load it at once.
 * Only then does entry.S restore the registers and leave, by sysretq when the frame allows
 * it (TRAP_syscall) or by iretq.
 */
#include "arch.h"
#include "arch/x86/pv.h"
#include "domain.h"
#include "guest_access.h"
#include "hostlib/lib.h"
#include "hypercall.h"
#include "printk.h"
#include "trace.h"

static struct arch_vcpu arch_vcpus[PVX_MAX_VCPUS];

/* What entry.S's hypercall path reads without C's help. */
_Static_assert(offsetof(struct vcpu, arch) == VCPU_ARCH, "entry.S offsets");
_Static_assert(offsetof(struct vcpu, vinfo) == VCPU_VINFO, "entry.S offsets");
_Static_assert(offsetof(struct arch_vcpu, kernel_mode) == ARCH_VCPU_KERNEL_MODE &&
               sizeof(((struct arch_vcpu *)0)->kernel_mode) == 1, "entry.S offsets");
_Static_assert(offsetof(struct arch_vcpu, bounce) + offsetof(struct trap_bounce, flags) ==
               ARCH_VCPU_BOUNCE_FLAGS && sizeof(((struct trap_bounce *)0)->flags) == 1,
               "entry.S offsets");
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_pending) == 0 &&
               offsetof(struct vcpu_info, evtchn_upcall_mask) == 1, "entry.S offsets");

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

/* As Xen's show_guest_stack: the words at the guest's rsp, read as the guest itself could
 * (copy_from_guest), up to the first that cannot be. */
static void dump_guest_stack(const struct cpu_regs *regs)
{
    uint64_t w[4];

    for (unsigned line = 0; line < 4; line++) {
        uint64_t at = regs->rsp + line * sizeof(w);

        if (copy_from_guest(w, at, sizeof(w)) != 0)
            return;
        printk("    stack %016lx: %016lx %016lx %016lx %016lx\n", at, w[0], w[1], w[2], w[3]);
    }
}

void arch_vcpu_dump(const struct vcpu *v)
{
    if (v->arch && v->arch->regs) {
        arch_dump_regs(v->arch->regs);
        dump_guest_stack(v->arch->regs);
    }
}

/* Rewind the frame to the hypercall instruction (`syscall`, 2 bytes) with the arguments
 * given, so that the vCPU issues the call again when it next runs. */
long arch_hypercall_continue(unsigned long nr, const uint64_t args[6])
{
    struct cpu_regs *regs = current->arch->regs;

    regs->rip -= 2;
    regs->rdi = args[0];
    regs->rsi = args[1];
    regs->rdx = args[2];
    regs->r10 = args[3];
    regs->r8 = args[4];
    regs->r9 = args[5];
    return (long)nr;                    /* the caller's result becomes rax: the number */
}

/* A frame bound for a non-canonical rip: the #GP the CPU would raise for the guest's
 * handler, as Xen's iretq gives it; without a handler the guest is crashed. */
static void noncanonical_return(struct vcpu *v, struct cpu_regs *regs)
{
    char why[96];

    if (v->arch->trap_ctxt[TRAP_gp_fault].address != 0) {
        pv_inject_exception(v, TRAP_gp_fault, true, 0);
        pv_create_bounce_frame(v, regs);
        return;
    }
    snprintf(why, sizeof(why), "%s return address %016lx is not canonical",
             regs->entry_vector & TRAP_syscall ? "hypercall" : "guest", regs->rip);
    domain_crash(v->domain, why);
}

/*
 * The exit step.  Returns whether the frame may leave by sysretq: only one whose rcx and r11
 * are dead (TRAP_syscall), bound for the flat 64-bit selectors, at a canonical rip (checked
 * here: sysret to a non-canonical rip faults in ring 0 with the guest's %rsp on Intel,
 * CVE-2012-0217); anything else leaves by iretq.
 */
static inline bool exit_step(struct vcpu *v, struct cpu_regs *regs)
{
    if (__builtin_expect(v->arch->bounce.flags != 0, 0))
        pv_create_bounce_frame(v, regs);
    if (__builtin_expect(evtchn_upcall_wanted(v), 0)) {
        /* An event the guest will take now: its event callback, events masked on entry
         * (Xen's test_guest_events), on top of any bounce just written. */
        v->arch->bounce.eip = v->arch->event_callback;
        v->arch->bounce.flags = TBF_EXCEPTION | TBF_INTERRUPT;
        pv_create_bounce_frame(v, regs);
    }
    /* Whatever a handler did to the frame, the guest resumes in ring 3 with IF on, IOPL 0. */
    regs->rflags = (regs->rflags & X86_EFLAGS_GUEST) | X86_EFLAGS_IF | X86_EFLAGS_MBS;
    if (__builtin_expect(!va_is_canonical(regs->rip), 0))
        noncanonical_return(v, regs);
    return (regs->entry_vector & TRAP_syscall) && regs->cs == FLAT_RING3_CS64 &&
           regs->ss == FLAT_RING3_SS64;
}

bool arch_exit_to_guest(struct cpu_regs *regs)
{
    return exit_step(current, regs);
}

/*
 * A syscall from the guest: a hypercall from guest kernel mode; from guest user mode, the
 * guest kernel's syscall callback (a bounce, never a hypercall: user code cannot reach the
 * hypervisor).  From 32-bit code there is no such ABI: the guest is crashed.
 */
bool arch_syscall(struct cpu_regs *regs)
{
    struct vcpu *v = current;

    if (__builtin_expect(v->arch->kernel_mode && regs->entry_vector == TRAP_syscall, 1)) {
        /* The arguments are read where the entry saved them (struct cpu_regs, rdi..r9). */
        regs->rax = (uint64_t)hypercall_dispatch(regs->rax, regs->args, false);
    } else if (regs->entry_vector == TRAP_compat_syscall) {
        domain_crash(v->domain, "syscall from 32-bit code: no such hypercall ABI");
    } else {
        trace_user_syscall(regs->rip);
        pv_inject_syscall(v);
    }
    return exit_step(v, regs);
}
