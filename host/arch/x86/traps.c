/*
 * The C half of every entry into the host, once entry.S has saved the frame.
 *
 * From the guest (ring 3): an exception or interrupt (arch_trap; a hypercall is vcpu.c's
 * arch_syscall).  A guest fault goes through guest_fault(), which tries, in this order, "the
 * host handles it" (instruction emulation, a lazily mapped LDT page, a cleared CR0.TS),
 * "deliver it to the guest" (a bounce through its trap table) and "crash the domain" with
 * the reason.  Either way the entry then leaves through the one exit step (vcpu.c).
 * From the host (ring 0): a fault at an instruction listed in the exception table (the
 * guest-memory copy) resumes at its fixup; an iretq that refuses a frame bound for the guest
 * crashes the guest; a #DB (never the host's own) is dropped; anything else is a host bug:
 * dump and panic with exit code 0x1f.
 */
#include <public/xen.h>
#include "arch.h"
#include "arch/x86/pv.h"
#include "guest_access.h"
#include "domain.h"
#include "hypercall.h"
#include "hostlib/lib.h"
#include "printk.h"
#include "trace.h"

static const char *const trap_names[32] = {
    "divide error", "debug", "NMI", "int3", "overflow", "bounds", "invalid opcode",
    "device not available", "double fault", "coprocessor segment overrun", "invalid TSS",
    "segment not present", "stack fault", "general protection fault", "page fault",
    "reserved", "x87 floating point error", "alignment check", "machine check",
    "SIMD floating point error", "virtualisation exception", "control protection",
};

static const char *trap_name(unsigned vec)
{
    if (vec < 32 && trap_names[vec])
        return trap_names[vec];
    return vec < 32 ? "reserved exception" : "interrupt";
}

void arch_stop_machine(unsigned code)
{
    outl(0xf4, code);
    /* Not under QEMU's exit device: stop here. */
    for (;;)
        __asm__ volatile("cli; hlt");
}

void arch_dump_regs(const struct cpu_regs *r)
{
    printk("    rip %016lx  cs %04lx  rflags %016lx  vector %u  error %x\n",
           r->rip, r->cs, r->rflags, r->entry_vector, r->error_code);
    printk("    rsp %016lx  ss %04lx  cr2 %016lx  cr3 %016lx\n",
           r->rsp, r->ss, read_cr2(), read_cr3());
    if (r->pad == 1) {
        printk("    rax %016lx  rcx %016lx  rdx %016lx  rsi %016lx  rdi %016lx\n", r->rax,
               r->rcx, r->rdx, r->rsi, r->rdi);
    } else {
        printk("    rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", r->rax, r->rbx, r->rcx,
               r->rdx);
        printk("    rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", r->rsi, r->rdi, r->rbp,
               r->r8);
    }
    if (r->pad == 1) {
        /* A hypercall frame: the callee-saved registers stayed in the CPU (entry.S). */
        printk("    r8  %016lx  r9  %016lx  r10 %016lx  r11 %016lx\n", r->r8, r->r9, r->r10, r->r11);
        printk("    (rbx rbp r12-r15 are not saved at a hypercall)\n");
        return;
    }
    printk("    r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", r->r9, r->r10, r->r11, r->r12);
    printk("    r13 %016lx  r14 %016lx  r15 %016lx\n", r->r13, r->r14, r->r15);
}

void arch_panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("pvx: PANIC: %s\n", buf);
    arch_stop_machine(0x1f);
}

struct ex_entry {
    uint64_t insn, fixup;
};
extern const struct ex_entry __start_ex_table[], __stop_ex_table[];

static bool search_ex_table(struct cpu_regs *regs)
{
    for (const struct ex_entry *e = __start_ex_table; e < __stop_ex_table; e++) {
        if (e->insn == regs->rip) {
            regs->rip = e->fixup;
            return true;
        }
    }
    return false;
}

/*
 * iretq faults in ring 0 when the CPU refuses the frame it pops (a non-canonical rip, a bad
 * or null selector: #GP, #NP or #SS).  A frame bound for ring 3 is guest state, so that is
 * the guest's fault, not the host's: as in Xen 4.17, the guest gets that exception, with
 * the frame the iret tried to enter as the interrupted context, and a guest without a
 * handler for it is crashed.  The refused frame's rip..ss are intact at the faulting rsp,
 * the top of the host stack; the general registers saved below them were overwritten by
 * this fault's own frame, but hold the same values (iretq had restored them), so they are
 * copied back and the vCPU re-enters through the exit step, which delivers the bounce.
 * Does not return when the frame was the guest's.
 */
static void check_guest_iret(struct cpu_regs *regs)
{
    const uint64_t *f = (const uint64_t *)(uintptr_t)regs->rsp;    /* rip cs rflags rsp ss */
    struct vcpu *v = current;
    struct cpu_regs *frame = arch_guest_frame(), saved = *regs;
    unsigned vec = regs->entry_vector;
    char why[160];

    if (regs->rip != (uint64_t)(uintptr_t)arch_iret_insn || !(f[1] & 3) ||
        (vec != TRAP_gp_fault && vec != TRAP_stack_error && vec != TRAP_no_segment))
        return;
    if (&frame->rip != f)
        arch_panic("a refused iretq to the guest that is not the guest's frame");
    if (v->arch->trap_ctxt[vec].address == 0) {
        snprintf(why, sizeof(why),
                 "cannot return to the guest: iretq to %04lx:%016lx ss %04lx rsp %016lx "
                 "rflags %lx refused (%s, error %x), no handler in the trap table", f[1], f[0],
                 f[4], f[3], f[2], trap_name(vec), regs->error_code);
        v->arch->regs = NULL;
        domain_crash(v->domain, why);
    }
    memcpy(frame, &saved, offsetof(struct cpu_regs, error_code));
    frame->error_code = 0;
    frame->entry_vector = 0;
    v->arch->regs = frame;
    pv_inject_exception(v, vec, true, saved.error_code);
    arch_enter_guest(frame);
}

void arch_host_trap(struct cpu_regs *regs)
{
    unsigned vec = regs->entry_vector;

    if ((vec == TRAP_page_fault || vec == TRAP_gp_fault || vec == TRAP_no_segment ||
         vec == TRAP_stack_error) && search_ex_table(regs))
        return;
    check_guest_iret(regs);
    if (vec == TRAP_nmi) {
        printk("pvx: NMI in the host at %016lx, ignored\n", regs->rip);
        return;
    }
    if (vec == TRAP_debug) {
        /*
         * The host sets no breakpoints and never single-steps, so a #DB in ring 0 is one a
         * guest left pending across its `syscall` (TF with a MOV SS/POP SS shadow, the
         * CVE-2018-8897 pattern): it arrives at the entry while %rsp is still the guest's,
         * hence its IST stack.  Drop it and carry on.
         */
        regs->rflags &= ~X86_EFLAGS_TF;
        printk_guest("pvx: debug exception in the host at %016lx, ignored\n", regs->rip);
        return;
    }
    if (vec >= 32) {
        arch_irq(vec);                  /* taken only while the host idles (arch_idle) */
        return;
    }
    printk("pvx: host %s at %016lx", trap_name(vec), regs->rip);
    if (vec == TRAP_page_fault)
        printk(" cr2 %016lx", read_cr2());
    printk("\n");
    arch_dump_regs(regs);
    arch_panic("exception %u in the host", vec);
}

/* The forced-emulation prefix: `ud2; .ascii "xen"` in front of cpuid. */
static const uint8_t xen_forced_cpuid[] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2 };

/*
 * "The host handles it": a fault the guest did not mean to take, resolved without the
 * guest seeing it (an emulated instruction, a lazily cleared CR0.TS).  True when resolved;
 * false leaves it to the guest.
 */
static __attribute__((noinline)) bool forced_cpuid(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[sizeof(xen_forced_cpuid)];

    if (copy_from_guest(insn, regs->rip, sizeof(insn)) != 0 ||
        memcmp(insn, xen_forced_cpuid, sizeof(insn)) != 0)
        return false;
    pv_emulate_cpuid(v, regs);
    regs->rip += sizeof(insn);
    return true;
}

static inline bool host_resolves(struct vcpu *v, struct cpu_regs *regs)
{
    switch (regs->entry_vector) {
    case TRAP_invalid_op:
        return forced_cpuid(v, regs);
    case TRAP_no_device:
        return !pv_fpu_fault(v);
    case TRAP_page_fault: {
        uint64_t cr2 = read_cr2();

        return pv_ldt_fault(v, regs, cr2) || pv_ptwr_fault(v, regs, cr2);
    }
    case TRAP_gp_fault:
        return pv_emulate_privileged(v, regs);
    case TRAP_debug:
        pv_debug_fault(v);
        return false;
    default:
        return false;
    }
}

/* Whether `int $vector` from the vCPU's current mode reaches its trap-table handler: the
 * entry's DPL must admit the guest kernel (ring 1 as far as the guest knows) or, from user
 * mode, ring 3 (Xen's permit_softint). */
static bool softint_allowed(const struct vcpu *v, unsigned vector)
{
    unsigned dpl = TI_GET_DPL(&v->arch->trap_ctxt[vector]);

    return dpl >= (v->arch->kernel_mode ? 1u : 3u);
}

/*
 * "Deliver it to the guest": queue a bounce through the guest's trap table for the exit
 * step.  False when the guest has no handler for it, which ends the guest.
 */
static inline __attribute__((always_inline)) bool bounce_to_guest(struct vcpu *v,
                                                                struct cpu_regs *regs)
{
    unsigned vec = regs->entry_vector;

    if (vec == 0x80) {
        /* `int $0x80` comes through a DPL-3 gate and goes straight to the guest's entry
         * 0x80 whenever it has one, whatever its DPL (Xen 4.17's int80_direct_trap); with
         * none it becomes the #GP a DPL-0 gate would give. */
        if (v->arch->trap_ctxt[0x80].address != 0) {
            pv_inject_sw_interrupt(v, 0x80);
            return true;
        }
        regs->rip -= 2;
        regs->entry_vector = vec = TRAP_gp_fault;
        regs->error_code = (0x80 << 3) | 2;
    }
    if (vec == TRAP_gp_fault && (regs->error_code & 3) == 2) {
        /* An `int $n` the host's IDT refused (every other gate is DPL 0). */
        unsigned n = regs->error_code >> 3;

        if (softint_allowed(v, n)) {
            if (v->arch->trap_ctxt[n].address == 0)
                return false;
            regs->rip += 2;
            pv_inject_sw_interrupt(v, n);
            return true;
        }
    }
    if (vec >= 32 || v->arch->trap_ctxt[vec].address == 0)
        return false;
    if (vec == TRAP_page_fault)
        v->arch->cr2 = read_cr2();
    pv_inject_exception(v, vec, true, regs->error_code);
    return true;
}

/* A fault neither the host nor the guest handles: the domain is crashed with the reason. */
static __attribute__((noreturn, cold, noinline)) void fault_crash(struct vcpu *v,
                                                        const struct cpu_regs *regs)
{
    unsigned vec = regs->entry_vector;
    char why[192];
    size_t len = sizeof(why);

    if (vec == TRAP_page_fault)
        snprintf(why, len, "page fault at %016lx cr2 %016lx error %x (%s, %s, %s), "
                 "no handler in the trap table", regs->rip, read_cr2(), regs->error_code,
                 regs->error_code & 1 ? "protection" : "not present",
                 regs->error_code & 2 ? "write" : "read",
                 regs->error_code & 16 ? "fetch" : "data");
    else
        snprintf(why, len, "%s at %016lx error %x (vector %u), no handler in the trap table",
                 trap_name(vec), regs->rip, regs->error_code, vec);
    domain_crash(v->domain, why);
}

/* A guest fault: the host handles it, else the guest does, else the domain is crashed. */
static inline __attribute__((always_inline)) void guest_fault(struct vcpu *v, struct cpu_regs *regs)
{
    if (!host_resolves(v, regs) && !bounce_to_guest(v, regs))
        fault_crash(v, regs);
}

void arch_guest_trap(struct cpu_regs *regs)
{
    unsigned vec = regs->entry_vector;

    trace_trap_entry(vec, regs->error_code, regs->rip);
    if (vec == TRAP_nmi)
        return;
    if (vec >= 32 && vec != 0x80) {
        arch_irq(vec);                  /* the exit step delivers what it raised */
        return;
    }
    /*
     * A fault taken on an IST stack (#DB, double fault, machine check) moves to the guest
     * frame at the top of the host stack, which is free while the guest runs, and leaves
     * from there: a second #DB in the host while this one is handled (a data breakpoint
     * the guest set, hit by the host writing the bounce frame) would reuse the IST stack.
     */
    if (regs != arch_guest_frame()) {
        struct cpu_regs *frame = arch_guest_frame();

        *frame = *regs;
        current->arch->regs = frame;
        guest_fault(current, frame);
        arch_enter_guest(frame);
    }
    guest_fault(current, regs);
}
