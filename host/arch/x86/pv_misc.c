/*
 * The small x86 hypercalls of the PV execution model, each as Xen 4.17 answers it:
 * set_segment_base (the FS and GS bases, which live in the CPU while the guest runs),
 * fpu_taskswitch (the guest's virtual CR0.TS and the #NM it causes), set/get_debugreg (kept
 * as the guest set them, checked as Xen checks them), vm_assist, and physdev_op's
 * set_iopl (the virtual IOPL the I/O-port emulation obeys).
 * Trust: every argument is a raw guest value; out-of-range ones get Xen's errno.
 */
#include <public/errno.h>
#include <public/physdev.h>
#include <public/xen.h>
#include "arch/x86/pv.h"
#include "domain.h"
#include "guest_access.h"
#include "refuse.h"

#define X86_CR0_TS (1ULL << 3)

static void set_ts(bool on)
{
    uint64_t cr0 = read_cr0();

    write_cr0(on ? cr0 | X86_CR0_TS : cr0 & ~X86_CR0_TS);
}

/*
 * Load %gs with `sel` from the guest's GDT or LDT; a selector the CPU refuses loads the
 * null selector instead (Xen: "errors ought to fail the hypercall, but Linux will BUG()").
 */
static void load_gs_or_null(uint16_t sel)
{
    __asm__ volatile("1: mov %w0, %%gs\n\t"
                     "jmp 3f\n"
                     "2: xor %k0, %k0\n\t"
                     "jmp 1b\n"
                     "3:\n\t"
                     ".pushsection .ex_table, \"a\"\n\t"
                     ".balign 8\n\t"
                     ".quad 1b, 2b\n\t"
                     ".popsection"
                     : "+r"(sel) :: "memory");
}

/* Hypercalls come from guest kernel mode, where GS_BASE is the kernel's and KERNEL_GS_BASE
 * holds the user's (pv.h, arch_toggle_guest_mode). */
long do_set_segment_base(unsigned which, uint64_t base)
{
    switch (which) {
    case SEGBASE_FS:
    case SEGBASE_GS_USER:
    case SEGBASE_GS_KERNEL:
        if (!va_is_canonical(base))
            return REFUSE(-XEN_EINVAL, "segment base not canonical");
        wrmsr(which == SEGBASE_FS ? MSR_FS_BASE :
              which == SEGBASE_GS_USER ? MSR_KERNEL_GS_BASE : MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL: {
        uint16_t sel = (uint16_t)base;

        if (sel > 3)
            sel |= 3;                   /* guest privilege */
        __asm__ volatile("swapgs" ::: "memory");
        load_gs_or_null(sel);
        __asm__ volatile("swapgs" ::: "memory");
        return 0;
    }
    default:
        return REFUSE(-XEN_EINVAL, "unknown segment base");
    }
}

long do_fpu_taskswitch(int set)
{
    current->arch->ts = set != 0;
    set_ts(set != 0);
    return 0;
}

/* #NM: the guest's own CR0.TS was set, so it sees the fault once; the real TS is cleared
 * either way (pvx runs one vCPU: there is no other FPU state to switch in). */
bool pv_fpu_fault(struct vcpu *v)
{
    set_ts(false);
    if (!v->arch->ts)
        return false;
    v->arch->ts = false;
    return true;
}

/* --- debug registers ------------------------------------------------------------------------ */

#define DR6_DEFAULT_ONES 0xffff0ff0ULL    /* reserved bits that read as one */
#define DR6_ZEROS        (1ULL << 12)
#define DR7_DEFAULT_ONES 0x400ULL
#define DR7_ZEROS        ((1ULL << 11) | (1ULL << 12) | (1ULL << 14) | (1ULL << 15))
#define DR7_GD           (1ULL << 13)
#define DR7_ACTIVE       0xffULL           /* L0-3, G0-3 */
#define DR7_RW_IO        2                 /* R/W field value of an I/O breakpoint */

/*
 * The guest's debug registers are the CPU's while it runs (the host uses none): kept as the
 * guest set them, loaded at once, handed back by get_debugreg.  -XEN_EPERM for a value the
 * guest may not use, -XEN_EINVAL for reserved bits, -XEN_ENODEV for a register that does not
 * exist.
 */
long do_set_debugreg(int reg, uint64_t value)
{
    uint64_t *dr = current->arch->debugreg;

    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!va_is_guest(value) || !va_is_guest(value + 7))
            return REFUSE(-XEN_EPERM, "breakpoint address outside guest space");
        dr[reg] = value;
        write_dr((unsigned)reg, value);
        return 0;
    case 4: case 6:                         /* DR4 aliases DR6 without CR4.DE */
        if (value != (uint32_t)value)
            return REFUSE(-XEN_EINVAL, "DR6 upper half is reserved");
        dr[6] = (value | DR6_DEFAULT_ONES) & ~DR6_ZEROS;
        write_dr(6, dr[6]);
        return 0;
    case 5: case 7:                         /* DR5 aliases DR7 */
        if (value != (uint32_t)value)
            return REFUSE(-XEN_EINVAL, "DR7 upper half is reserved");
        value = (value | DR7_DEFAULT_ONES) & ~DR7_ZEROS;
        if (value & DR7_GD)
            return REFUSE(-XEN_EPERM, "DR7.GD is the hypervisor's");
        if (value & DR7_ACTIVE)
            for (unsigned i = 16; i < 32; i += 4)
                if (((value >> i) & 3) == DR7_RW_IO)
                    return REFUSE(-XEN_EPERM, "I/O breakpoints need CR4.DE");
        dr[7] = value;
        write_dr(7, value);
        return 0;
    default:
        return REFUSE(-XEN_ENODEV, "no such debug register");
    }
}

/* A #DB from the guest: what the CPU reports in DR6 goes to the guest's DR6 (the status
 * bits it set, the reserved ones as they are), and the CPU's is reset for the next one. */
void pv_debug_fault(struct vcpu *v)
{
    uint64_t hw = read_dr6(), *dr6 = &v->arch->debugreg[6];

    *dr6 |= hw & ~DR6_DEFAULT_ONES;
    *dr6 &= hw | DR6_DEFAULT_ONES;
    write_dr(6, DR6_DEFAULT_ONES);
}

void pv_debugreg_init(struct vcpu *v)
{
    v->arch->debugreg[6] = DR6_DEFAULT_ONES;
    v->arch->debugreg[7] = DR7_DEFAULT_ONES;
}

long do_get_debugreg(int reg)
{
    const uint64_t *dr = current->arch->debugreg;

    switch (reg) {
    case 0: case 1: case 2: case 3:
        return (long)dr[reg];
    case 4: case 6:
        return (long)dr[6];
    case 5: case 7:
        return (long)dr[7];
    default:
        return -XEN_ENODEV;
    }
}

/* --- vm_assist, physdev_op ------------------------------------------------------------------ */

/* The assists Xen 4.17 knows for a 64-bit PV guest. */
#define VM_ASSIST_VALID ((1ULL << VMASST_TYPE_4gb_segments) |          \
                         (1ULL << VMASST_TYPE_4gb_segments_notify) |   \
                         (1ULL << VMASST_TYPE_writable_pagetables) |   \
                         (1ULL << VMASST_TYPE_pae_extended_cr3) |      \
                         (1ULL << VMASST_TYPE_architectural_iopl) |    \
                         (1ULL << VMASST_TYPE_runstate_update_flag) |  \
                         (1ULL << VMASST_TYPE_m2p_strict))

long do_vm_assist(unsigned cmd, unsigned type)
{
    struct domain *d = current->domain;

    if (type >= 64 || !(VM_ASSIST_VALID & (1ULL << type)))
        return REFUSE(-XEN_EINVAL, "unknown vm_assist type");
    switch (cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1ULL << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1ULL << type);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long do_physdev_op(int cmd, uint64_t arg)
{
    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl iopl;

        if (copy_from_guest(&iopl, arg, sizeof(iopl)) != 0)
            return -XEN_EFAULT;
        if (iopl.iopl > 3)
            return REFUSE(-XEN_EINVAL, "IOPL above 3");
        current->arch->iopl = iopl.iopl;
        return 0;
    }
    default:
        /* A pvx dom0 has no physical devices, interrupts or I/O APIC to manage. */
        return -XEN_ENOSYS;
    }
}
