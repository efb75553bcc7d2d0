/*
 * The iret hypercall: how a 64-bit PV guest kernel returns from a bounce, to itself or to
 * guest user mode (Xen's do_iret).  The guest pushes struct iret_context on its stack and
 * calls the hypercall page's iret stub; the hypercall rewrites the saved frame from it and
 * does not return to the stub.
 *
 * Trust: the context is guest memory, read with copy_from_guest; a context that cannot be
 * read, or a return to user mode without a user pagetable, crashes the domain (the guest
 * has nowhere left to go).  Whatever it names is forced to guest privilege (RPL 3), IOPL
 * and VM are dropped and IF set; a selector or rip the CPU then refuses gives the guest the
 * #GP the CPU raised, in the context the iret tried to enter (traps.c, vcpu.c).
 */
#include <public/errno.h>
#include <public/xen.h>
#include "arch/x86/pv.h"
#include "domain.h"
#include "guest_access.h"
#include "hypercall.h"

long do_iret(void)
{
    struct vcpu *v = current;
    struct cpu_regs *regs = v->arch->regs;
    struct iret_context ctx;

    if (copy_from_guest(&ctx, regs->rsp, sizeof(ctx)) != 0)
        domain_crash(v->domain, "iret: the context on the guest stack cannot be read");
    if ((ctx.cs & 3) == 3) {
        if (!mfn_valid_raw(v->mm.guest_table_user))
            domain_crash(v->domain, "iret to user mode with no user pagetable");
        if (v->arch->kernel_mode)
            arch_toggle_guest_mode(v);
    }
    regs->rip = ctx.rip;
    regs->cs = ctx.cs | 3;
    regs->rflags = (ctx.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    regs->rsp = ctx.rsp;
    regs->ss = ctx.ss | 3;
    if (!(ctx.flags & VGCF_in_syscall)) {
        regs->entry_vector &= ~TRAP_syscall;
        regs->r11 = ctx.r11;
        regs->rcx = ctx.rcx;
    }
    vcpu_info(v)->evtchn_upcall_mask = !(ctx.rflags & X86_EFLAGS_IF);
    return (long)ctx.rax;     /* becomes the guest's rax */
}
