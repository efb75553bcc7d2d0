/*
 * The 64-bit PV execution model on x86 (Xen's arch/x86/pv/): bounces into the guest kernel,
 * its two modes, and the hypercalls that read or rewrite the vCPU's register frame or its
 * x86 state.  Every do_* here takes raw guest values and returns a Xen errno or a result.
 */
#ifndef PVX_X86_PV_H
#define PVX_X86_PV_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/x86.h"
#include "domain.h"
#include "trace.h"

/*
 * Kernel <-> user.  The guest's GS bases live in the CPU while it runs: GS_BASE is the
 * current mode's, KERNEL_GS_BASE the other mode's (the host never uses GS), so a mode change
 * is a swapgs, and the pagetable base follows the mode (Xen's toggle_guest_mode).  Inline:
 * it is on every bounce from user mode and every iret to it.
 */
static inline void arch_toggle_guest_mode(struct vcpu *v)
{
    bool kernel = !v->arch->kernel_mode;
    mfn_t want = kernel ? v->mm.guest_table : v->mm.guest_table_user;

    if (__builtin_expect(!mfn_valid_raw(want), 0))
        domain_crash(v->domain, "no pagetable for the guest mode the vCPU enters");
    __asm__ volatile("swapgs" ::: "memory");
    v->arch->kernel_mode = kernel;
    trace_mode_switch(!kernel);
    write_cr3(mfn_x(want) << PAGE_SHIFT);
}

/* Queue a bounce for the exit step (Xen's pv_inject_*): inline, they are on every
 * exception the guest takes; pv_inject_syscall is in pv_traps.c. */
/* Vectors whose hardware exception carries an error code. */
#define PV_TRAP_HAVE_EC ((1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) | \
                         (1u << 14) | (1u << 17) | (1u << 21) | (1u << 29) | (1u << 30))

static inline void pv_queue_trap(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
    const struct trap_info *ti = &v->arch->trap_ctxt[vector];
    struct trap_bounce *tb = &v->arch->bounce;

    tb->eip = ti->address;
    tb->error_code = error;
    tb->flags = TBF_EXCEPTION | (has_error ? TBF_EXCEPTION_ERRCODE : 0) |
                (TI_GET_IF(ti) ? TBF_INTERRUPT : 0);
}

/* A hardware exception for the guest's handler of `vector`.  For a page fault the caller has
 * recorded cr2; the error code's user bit is the guest's mode, not the CPU's ring. */
static inline void pv_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
    if (vector == TRAP_page_fault) {
        error &= ~4u;
        if (!v->arch->kernel_mode)
            error |= 4u;
        vcpu_info(v)->arch.cr2 = v->arch->cr2;
    }
    /* Only a vector whose hardware exception carries one pushes an error code (vector is
     * below 32: a hardware exception). */
    pv_queue_trap(v, vector, has_error & (PV_TRAP_HAVE_EC >> (vector & 31)), error);
    trace_exception_bounce(vector, v->arch->bounce.flags & TBF_EXCEPTION_ERRCODE, error,
                           v->arch->regs ? v->arch->regs->rip : 0, v->arch->cr2);
}

/* `int $n` the trap table allows: no error code, delivered after the instruction. */
static inline void pv_inject_sw_interrupt(struct vcpu *v, unsigned vector)
{
    pv_queue_trap(v, vector, false, 0);
}

void pv_inject_syscall(struct vcpu *v);
/* pv_inject_syscall, then pv_create_bounce_frame (below): the syscall entry's user path. */
void pv_user_syscall(struct vcpu *v, struct cpu_regs *regs);
/* Write the queued bounce frame onto the guest kernel stack and point regs at the handler
 * (Xen's create_bounce_frame).  Crashes the domain when it cannot be delivered. */
void pv_create_bounce_frame(struct vcpu *v, struct cpu_regs *regs);

long do_set_trap_table(uint64_t list);
long do_callback_op(int cmd, uint64_t arg);
long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall);
long do_stack_switch(uint64_t ss, uint64_t sp);

/* pv_emulate.c: cpuid as the guest sees it (after the forced-emulation prefix). */
void pv_emulate_cpuid(struct vcpu *v, struct cpu_regs *regs);

/* pv_descriptors.c: the guest's GDT and LDT. */
long do_set_gdt(uint64_t frame_list, unsigned entries);
long do_update_descriptor(uint64_t maddr, uint64_t desc);
/* A #PF on the host's LDT window: true when handled (mapped, or bounced as the guest's own
 * LDT fault). */
bool pv_ldt_fault(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2);
/* Unmap whatever of the guest's LDT is mapped (SET_LDT, a new base pointer). */
void pv_ldt_invalidate(struct arch_vcpu *a);
/* Give back the descriptor frames the CPU uses for v (domain teardown). */
void pv_descriptors_release(struct vcpu *v);

/* pv_emul_priv.c: a #GP(0) the host emulates (control/debug registers, MSRs, port I/O,
 * cli/sti, wbinvd), and a kernel store into its own read-only L1 table (writable
 * pagetables).  True when handled: the guest resumes after the instruction. */
bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs);
bool pv_ptwr_fault(struct vcpu *v, struct cpu_regs *regs, uint64_t addr);

/* pv_string_io.c: `outs`/`rep outs`, I/O privilege already checked; elements go out through
 * port_out.  Always handled (true); rip is left on the instruction when it must run again
 * (more elements, or the page fault it gave the guest). */
struct insn;
bool pv_emulate_outs(struct vcpu *v, struct cpu_regs *regs, const struct insn *in,
                     void (*port_out)(uint16_t port, unsigned size, uint32_t val));

/* pv_iret.c */
long do_iret(void);

/* pv_misc.c: segment bases, the FPU switch, debug registers, vm_assist, the virtual IOPL. */
long do_set_segment_base(unsigned which, uint64_t base);
long do_fpu_taskswitch(int set);
long do_set_debugreg(int reg, uint64_t value);
long do_get_debugreg(int reg);
void pv_debugreg_init(struct vcpu *v);      /* the values a fresh vCPU reads */
void pv_debug_fault(struct vcpu *v);        /* a #DB from the guest: take the CPU's DR6 */
long do_vm_assist(unsigned cmd, unsigned type);
long do_physdev_op(int cmd, uint64_t arg);
/* #NM from the guest: its virtual CR0.TS was set (fpu_taskswitch). */
bool pv_fpu_fault(struct vcpu *v);

#endif
