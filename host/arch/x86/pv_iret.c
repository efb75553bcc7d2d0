/*
 * The iret hypercall: how a 64-bit PV guest kernel returns from a bounce, to itself or to
 * guest user mode (Xen's do_iret).  The guest pushes struct iret_context on its stack and
 * calls the hypercall page's iret stub; the hypercall rewrites the saved frame from it and
 * does not return to the stub.
 *
 * Trust: the context is guest memory, read a word at a time with fault fixups (guest_word.h);
 * a context that cannot be read, or a return to user mode without a user pagetable,
 * crashes the domain (the guest has nowhere left to go).  Whatever it names is forced to guest privilege (RPL 3), IOPL
 * and VM are dropped and IF set; a selector or rip the CPU then refuses gives the guest the
 * #GP the CPU raised, in the context the iret tried to enter (traps.c, vcpu.c).
 */
#include <public/errno.h>
#include <public/xen.h>
#include "arch/x86/guest_word.h"
#include "arch/x86/pv.h"
#include "domain.h"
#include "guest_access.h"
#include "hypercall.h"

/*
 * The context is read a word at a time (guest_word.h), straight into the frame where a word
 * goes there unchanged, and all of it before the mode changes (the user pagetable need not
 * map the kernel stack).  The frame is rewritten only once the context has been read whole.
 */
#define CTX(field) (at + offsetof(struct iret_context, field))

long do_iret(void)
{
    struct vcpu *v = current;
    struct cpu_regs *regs = v->arch->regs;
    uint64_t at = regs->rsp, rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;

    if (!guest_range_ok(at, sizeof(struct iret_context)))
        goto fault;
    guest_get_word(cs, CTX(cs), fault);
    if ((cs & 3) == 3 && !mfn_valid_raw(v->mm.guest_table_user))
        domain_crash(v->domain, "iret to user mode with no user pagetable");
    guest_get_word(flags, CTX(flags), fault);
    guest_get_word(rax, CTX(rax), fault);
    guest_get_word(rip, CTX(rip), fault);
    guest_get_word(rflags, CTX(rflags), fault);
    guest_get_word(rsp, CTX(rsp), fault);
    guest_get_word(ss, CTX(ss), fault);
    if (!(flags & VGCF_in_syscall)) {
        guest_get_word(r11, CTX(r11), fault);
        guest_get_word(rcx, CTX(rcx), fault);
        regs->entry_vector &= ~TRAP_syscall;
        regs->r11 = r11;
        regs->rcx = rcx;
    }
    regs->rip = rip;
    regs->cs = cs | 3;
    regs->rflags = (rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) | X86_EFLAGS_IF;
    regs->rsp = rsp;
    regs->ss = ss | 3;
    vcpu_info(v)->evtchn_upcall_mask = !(rflags & X86_EFLAGS_IF);
    if ((cs & 3) == 3 && v->arch->kernel_mode)
        arch_toggle_guest_mode(v);
    return (long)rax;     /* becomes the guest's rax */

fault:
    domain_crash(v->domain, "iret: the context on the guest stack cannot be read");
}
