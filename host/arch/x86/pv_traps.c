/*
 * Bounces: how the host hands an exception, a software interrupt, a user-mode `syscall` or a
 * event to the guest kernel, as Xen 4.17 does for a 64-bit PV guest.  The guest
 * registers its handlers with set_trap_table (a virtual IDT), set_callbacks / callback_op
 * (syscall, failsafe, event) and stack_switch (the kernel stack a bounce from user mode
 * uses).  Whoever decides the guest must see something queues it in v->arch->bounce; the
 * exit step writes the frame with pv_create_bounce_frame().
 *
 * Trust: handler addresses and stack pointers are guest values.  Handlers must be canonical
 * when registered; the frame is written a word at a time with fault fixups (guest_word.h),
 * and a stack the frame cannot be written to (unmapped, read-only, in the host's range)
 * crashes the domain with the reason, as does a bounce with no handler.
 *
 * The frame, lowest address first (what the guest handler finds at its %rsp):
 *
 *     rcx  r11  [error code]  rip  cs  rflags  rsp  ss
 *
 * (Xen's failsafe callback, which also gets ds-gs, is entered only when a context switch
 * cannot reload a guest's data segments; pvx runs one vCPU and never reloads them, so the
 * callback is recorded and, as in a one-vCPU Xen dom0, never entered.)
 *
 * cs carries the vCPU's event mask before the bounce in bits 32-39 (saved_upcall_mask), and
 * its RPL says which mode was interrupted: 0 for guest kernel, 3 for guest user (the guest's
 * own iret tells the two apart by it).  rflags.IF is the inverse of that saved mask.
 */
#include <public/callback.h>
#include <public/errno.h>
#include <public/xen.h>
#include "arch/x86/guest_word.h"
#include "arch/x86/pv.h"
#include "domain.h"
#include "guest_access.h"
#include "hypercall.h"
#include "hostlib/lib.h"
#include "printk.h"
#include "refuse.h"
#include "trace.h"

/* --- queueing (pv_inject_exception and pv_inject_sw_interrupt are inline, pv.h) ------ */

/* `syscall` from guest user mode: the syscall callback, or #UD on the syscall instruction
 * when the guest registered none (Xen's switch_to_kernel). */
void pv_inject_syscall(struct vcpu *v)
{
    struct trap_bounce *tb = &v->arch->bounce;

    if (v->arch->syscall_callback == 0) {
        v->arch->regs->rip -= 2;
        pv_inject_exception(v, TRAP_invalid_op, false, 0);
        return;
    }
    tb->eip = v->arch->syscall_callback;
    tb->flags = TBF_EXCEPTION | TBF_SYSCALL;
    if (v->arch->vgc_flags & VGCF_syscall_disables_events)
        tb->flags |= TBF_INTERRUPT;
}

/* A `syscall` from guest user mode, from the syscall entry (entry.S): queued and written at
 * once, for the exit to go on from (arch_syscall does the same in two steps). */
void pv_user_syscall(struct vcpu *v, struct cpu_regs *regs)
{
    pv_inject_syscall(v);
    pv_create_bounce_frame(v, regs);
}

/* --- delivery ------------------------------------------------------------------------------ */

/* Why a bounce cannot be delivered, checked in this order, and the domain crashed with it. */
static __attribute__((noreturn, cold)) void bounce_crash(struct vcpu *v, uint64_t sp)
{
    const char *what = "the frame cannot be written to the kernel stack";
    char why[160];

    if (sp >= HOST_RANGE_START && sp < HOST_RANGE_END + 0x60)
        what = "the kernel stack is in the host's range";
    else if (v->arch->bounce.eip == 0)
        what = "the guest registered no handler";
    snprintf(why, sizeof(why), "cannot deliver a bounce to the guest kernel: %s (stack %016lx)",
             what, sp);
    v->arch->bounce.flags = 0;
    domain_crash(v->domain, why);
}

void pv_create_bounce_frame(struct vcpu *v, struct cpu_regs *regs)
{
    struct arch_vcpu *a = v->arch;
    struct vcpu_info *vi = vcpu_info(v);
    uint64_t sp = regs->rsp, cs = regs->cs & ~3ULL, frame, rflags;
    uint8_t saved_mask;

    if (!a->kernel_mode) {
        arch_toggle_guest_mode(v);
        sp = a->kernel_sp;
        cs = regs->cs;
    }                                   /* else tell the guest it interrupted its kernel */
    sp &= ~0xfULL;                      /* frames are 16-byte aligned */
    /*
     * The frame (at most 64 bytes below sp) is guest memory, and sp is not in or just above
     * the host's range: guest_range_ok() of the frame with that margin, which for a 16-byte
     * aligned sp comes to either test below.
     */
    if (a->bounce.eip == 0 ||
        (sp - 64 > (1ULL << 47) - 64 && sp < HOST_RANGE_END + 0x60))
        bounce_crash(v, sp);

    /* Written from the top (ss) down, a word at a time (guest_word.h). */
    saved_mask = vi->evtchn_upcall_mask;
    guest_put_word(sp - 8, regs->ss, fault);
    guest_put_word(sp - 16, regs->rsp, fault);
    guest_put_word(sp - 24, (regs->rflags & ~X86_EFLAGS_IF) | (saved_mask ? 0 : X86_EFLAGS_IF),
                   fault);
    guest_put_word(sp - 32, (cs & 0xffff) | ((uint64_t)saved_mask << 32), fault);
    guest_put_word(sp - 40, regs->rip, fault);
    frame = sp - 56;
    if (a->bounce.flags & TBF_EXCEPTION_ERRCODE) {
        guest_put_word(sp - 48, a->bounce.error_code, fault);
        frame = sp - 64;
    }
    guest_put_word(frame + 8, regs->r11, fault);
    guest_put_word(frame, regs->rcx, fault);
    if (a->bounce.flags & TBF_INTERRUPT)
        vi->evtchn_upcall_mask = 1;

    /* The guest's rcx and r11 are on its stack now: the exit may clobber them (sysretq). */
    regs->entry_vector |= TRAP_syscall;
    rflags = regs->rflags & ~(X86_EFLAGS_AC | X86_EFLAGS_VM | X86_EFLAGS_RF | X86_EFLAGS_NT |
                              X86_EFLAGS_TF);
    if (a->bounce.flags & TBF_SYSCALL)
        rflags &= ~X86_EFLAGS_DF;       /* Xen's switch_to_kernel; the frame keeps it */
    regs->rflags = rflags;
    regs->ss = FLAT_KERNEL_SS;
    regs->rsp = frame;
    regs->cs = FLAT_KERNEL_CS;
    regs->rip = a->bounce.eip;
    a->bounce.flags = 0;
    return;

fault:
    bounce_crash(v, sp);
}

/* --- the hypercalls that register handlers ------------------------------------------------ */

/* A list of trap_info entries ending with one whose address is 0; NULL clears the table.
 * The list has no length, so a long one is preempted like a batch (Xen checks after every
 * entry) and continued from the next entry. */
long do_set_trap_table(uint64_t list)
{
    struct arch_vcpu *a = current->arch;

    if (list == 0) {
        memset(a->trap_ctxt, 0, sizeof(a->trap_ctxt));
        return 0;
    }
    for (unsigned i = 0;; i++, list += sizeof(struct trap_info)) {
        struct trap_info ti;

        if (hypercall_preempt_due(i)) {
            const uint64_t args[6] = { list };

            return hypercall_continue(__HYPERVISOR_set_trap_table, args);
        }
        if (copy_from_guest(&ti, list, sizeof(ti)) != 0)
            return -XEN_EFAULT;
        if (ti.address == 0)
            return 0;
        if (!va_is_canonical(ti.address))
            return REFUSE(-XEN_EINVAL, "trap handler address not canonical");
        if ((ti.cs & 3) == 0)
            ti.cs |= 3;                 /* guest code runs in ring 3 */
        a->trap_ctxt[ti.vector] = ti;
    }
}

static long register_callback(const struct callback_register *reg)
{
    struct arch_vcpu *a = current->arch;
    uint32_t mask_bit;

    if (!va_is_canonical(reg->address))
        return REFUSE(-XEN_EINVAL, "callback address not canonical");
    switch (reg->type) {
    case CALLBACKTYPE_event:
        a->event_callback = reg->address;
        return 0;
    case CALLBACKTYPE_failsafe:
        a->failsafe_callback = reg->address;
        mask_bit = VGCF_failsafe_disables_events;
        break;
    case CALLBACKTYPE_syscall:
        a->syscall_callback = reg->address;
        mask_bit = VGCF_syscall_disables_events;
        break;
    case CALLBACKTYPE_nmi:
        /* No NMI ever reaches a pvx guest; the handler is recorded as Xen would. */
        a->trap_ctxt[TRAP_nmi] = (struct trap_info){
            .vector = TRAP_nmi, .flags = 4, .cs = FLAT_KERNEL_CS, .address = reg->address,
        };
        return 0;
    default:
        /* syscall32 and sysenter are for 32-bit code, which pvx does not run. */
        return -XEN_ENOSYS;
    }
    if (reg->flags & CALLBACKF_mask_events)
        a->vgc_flags |= mask_bit;
    else
        a->vgc_flags &= ~mask_bit;
    return 0;
}

long do_callback_op(int cmd, uint64_t arg)
{
    switch (cmd) {
    case CALLBACKOP_register: {
        struct callback_register reg;

        if (copy_from_guest(&reg, arg, sizeof(reg)) != 0)
            return -XEN_EFAULT;
        return register_callback(&reg);
    }
    case CALLBACKOP_unregister: {
        struct callback_unregister unreg;

        if (copy_from_guest(&unreg, arg, sizeof(unreg)) != 0)
            return -XEN_EFAULT;
        switch (unreg.type) {
        case CALLBACKTYPE_nmi:
            memset(&current->arch->trap_ctxt[TRAP_nmi], 0, sizeof(struct trap_info));
            return 0;
        case CALLBACKTYPE_event:
        case CALLBACKTYPE_failsafe:
        case CALLBACKTYPE_syscall:
        case CALLBACKTYPE_syscall32:
        case CALLBACKTYPE_sysenter:
            return REFUSE(-XEN_EINVAL, "this callback cannot be unregistered");
        default:
            return -XEN_ENOSYS;
        }
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* The old interface: three registrations whose results Xen ignores. */
long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall)
{
    const struct callback_register regs[3] = {
        { .type = CALLBACKTYPE_event, .address = event },
        { .type = CALLBACKTYPE_failsafe, .address = failsafe },
        { .type = CALLBACKTYPE_syscall, .address = syscall },
    };

    for (unsigned i = 0; i < 3; i++)
        (void)register_callback(&regs[i]);
    return 0;
}

/* The kernel stack for bounces from user mode.  A 64-bit bounce always lands on
 * FLAT_KERNEL_SS, so ss is only recorded (with guest RPL), as Xen records it. */
long do_stack_switch(uint64_t ss, uint64_t sp)
{
    current->arch->kernel_ss = (ss & 3) ? ss : (ss | 3);
    current->arch->kernel_sp = sp;
    return 0;
}
