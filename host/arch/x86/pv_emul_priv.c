/*
 * Privileged instructions and writable pagetables: the two places where the host runs an
 * instruction on the guest's behalf (Xen's emul-priv-op.c and ro-page-fault.c).
 *
 *   #GP(0) in the guest        the instruction is decoded (insn.c); what a 64-bit PV kernel
 *                              may do is emulated as Xen 4.17 emulates it (control and debug
 *                              registers, the MSRs Xen shows a PV guest, port I/O (outs:
 *                              pv_string_io.c) and cli/sti under the virtual IOPL,
 *                              wbinvd); anything else stays a #GP.
 *   #PF, kernel write to a     the store is decoded, the new entry validated exactly as an
 *   read-only L1 table         mmu_update of that entry would be, applied, and the guest
 *                              resumes after the store; a store mmu_update would refuse
 *                              stays the guest's page fault.
 *
 * Trust: the instruction bytes and every operand are guest memory or guest registers; the
 * bytes are read with copy_from_guest (at most 15), the decoder reads only those, and every
 * value written to the machine goes through the same checks as the hypercall would.
 */
#include <public/errno.h>
#include <public/xen.h>
#include "arch/x86/insn.h"
#include "arch/x86/pv.h"
#include "domain.h"
#include "guest_access.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "printk.h"

#define X86_CR0_TS        (1ULL << 3)
#define X86_CR4_HIDDEN    ((1ULL << 4) | (1ULL << 7) | (1ULL << 13) | (1ULL << 14) | \
                           (1ULL << 16) | (1ULL << 17) | (1ULL << 20) | (1ULL << 21) | \
                           (1ULL << 22))   /* PSE PGE VMXE SMXE FSGSBASE PCIDE SMEP SMAP PKE */
#define EFER_LME          (1ULL << 8)
#define EFER_LMA          (1ULL << 10)
#define MSR_TSC           0x10
#define MSR_PAT           0x277
#define XEN_PAT           0x0000050100070406ULL   /* the PAT Xen shows its PV guests */

#define PFEC_PRESENT 1u
#define PFEC_WRITE   2u
#define PFEC_RSVD    8u
#define PFEC_FETCH   16u

/* --- the guest's registers in encoding order ----------------------------------------------- */

/* Where each register lives in the frame, in encoding order. */
static const uint8_t gpr_offset[16] = {
    offsetof(struct cpu_regs, rax), offsetof(struct cpu_regs, rcx),
    offsetof(struct cpu_regs, rdx), offsetof(struct cpu_regs, rbx),
    offsetof(struct cpu_regs, rsp), offsetof(struct cpu_regs, rbp),
    offsetof(struct cpu_regs, rsi), offsetof(struct cpu_regs, rdi),
    offsetof(struct cpu_regs, r8), offsetof(struct cpu_regs, r9),
    offsetof(struct cpu_regs, r10), offsetof(struct cpu_regs, r11),
    offsetof(struct cpu_regs, r12), offsetof(struct cpu_regs, r13),
    offsetof(struct cpu_regs, r14), offsetof(struct cpu_regs, r15),
};

static uint64_t *gpr(struct cpu_regs *r, unsigned n)
{
    return (uint64_t *)((uint8_t *)r + gpr_offset[n & 15]);
}

/* Read the instruction at rip (as much of 15 bytes as is mapped) and decode it. */
static bool fetch(const struct cpu_regs *regs, struct insn *in)
{
    uint8_t buf[INSN_MAX_LEN];
    size_t n = 0;

    if (copy_from_guest(buf, regs->rip, sizeof(buf)) == 0)
        n = sizeof(buf);
    else
        while (n < sizeof(buf) && copy_from_guest(&buf[n], regs->rip + n, 1) == 0)
            n++;
    return n > 0 && insn_decode(buf, n, in) == 0;
}

/* --- privileged instructions ---------------------------------------------------------------- */

static uint64_t guest_cr0(const struct vcpu *v)
{
    return (read_cr0() & ~X86_CR0_TS) | (v->arch->ts ? X86_CR0_TS : 0);
}

static bool read_cr(struct vcpu *v, unsigned cr, uint64_t *val)
{
    switch (cr) {
    case 0: *val = guest_cr0(v); return true;
    case 2: *val = v->arch->cr2; return true;
    case 3: *val = mfn_x(v->mm.guest_table) << PAGE_SHIFT; return true;
    case 4: *val = read_cr4() & ~X86_CR4_HIDDEN; return true;
    default: return false;
    }
}

static bool write_cr(struct vcpu *v, unsigned cr, uint64_t val)
{
    switch (cr) {
    case 0:
        if ((val ^ guest_cr0(v)) & ~X86_CR0_TS)
            return false;                   /* only TS is the guest's */
        do_fpu_taskswitch((val & X86_CR0_TS) != 0);
        return true;
    case 2:
        v->arch->cr2 = val;
        vcpu_info(v)->arch.cr2 = val;
        return true;
    case 3: {
        struct mmuext_op op = { .cmd = MMUEXT_NEW_BASEPTR };

        op.arg1.mfn = val >> PAGE_SHIFT;
        return mm_mmuext_op_one(&v->domain->mm, &v->mm, &op) == 0;
    }
    case 4:
        return true;                        /* accepted, and nothing the guest sees changes */
    default:
        return false;
    }
}

static bool read_msr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    (void)v;
    switch (msr) {
    case MSR_EFER:
        *val = EFER_SCE | EFER_LME | EFER_LMA | (rdmsr(MSR_EFER) & EFER_NXE);
        return true;
    case MSR_PAT:
        *val = XEN_PAT;
        return true;
    case MSR_TSC:
        *val = rdtsc();
        return true;
    case MSR_FS_BASE:
    case MSR_GS_BASE:                       /* the kernel's, in kernel mode */
    case MSR_KERNEL_GS_BASE:                /* the user's */
        *val = rdmsr(msr);
        return true;
    default:
        return false;
    }
}

static bool write_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    (void)v;
    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_KERNEL_GS_BASE:
        if (!va_is_canonical(val))
            return false;
        wrmsr(msr, val);
        return true;
    default:
        return false;
    }
}

/* Port I/O is the guest's at virtual IOPL >= 1 in kernel mode, 3 in user mode (Xen's
 * iopl_ok: the kernel counts as ring 1). */
static bool io_allowed(const struct vcpu *v)
{
    return v->arch->iopl >= (v->arch->kernel_mode ? 1u : 3u);
}

/* Ports the host keeps: the PICs, the PIT and its gate (0x61), its serial console, PCI
 * config.  The RTC/CMOS (0x70/0x71) is the host's too, but emulated below.  An access of
 * `size` bytes touches every port in [port, port + size). */
static bool port_is_hosts(uint16_t port, unsigned size)
{
    for (unsigned p = port; p < (unsigned)port + size; p++)
        if ((p >= 0x20 && p <= 0x21) || (p >= 0xa0 && p <= 0xa1) || (p >= 0x40 && p <= 0x43) ||
            p == 0x61 || (p >= 0x70 && p <= 0x71) || (p >= 0x3f8 && p <= 0x3ff) ||
            (p >= 0xcf8 && p <= 0xcff))
            return true;
    return false;
}

/*
 * The CMOS RTC for the guest, as Xen gives dom0 its clock: the index port is latched per
 * domain, a data read returns that CMOS register, a data write reaches it except the
 * status registers A-D (the rate, interrupt enables and flags stay the host's).
 */
#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
static uint8_t cmos_index;

static bool cmos_emulated(uint16_t port, bool write, uint32_t *v)
{
    if (port == CMOS_INDEX) {
        if (write)
            cmos_index = *v & 0x7f;
        else
            *v = 0xff;
        return true;
    }
    if (port != CMOS_DATA)
        return false;
    __asm__ volatile("outb %b0,%1" :: "a"(cmos_index), "Nd"((uint16_t)CMOS_INDEX));
    if (!write) {
        uint8_t b;
        __asm__ volatile("inb %1,%0" : "=a"(b) : "Nd"((uint16_t)CMOS_DATA));
        *v = b;
    } else if (cmos_index < 0x0a || cmos_index > 0x0d) {
        __asm__ volatile("outb %b0,%1" :: "a"(*v), "Nd"((uint16_t)CMOS_DATA));
    }
    return true;
}

/* One access of `size` bytes; a port the guest may not touch reads all ones and drops
 * writes, as Xen does for a port outside a domain's I/O ranges. */
static uint32_t port_in(uint16_t port, unsigned size)
{
    uint32_t v = 0xffffffffu;

    if (size == 1 && cmos_emulated(port, false, &v))
        return v;
    if (!port_is_hosts(port, size)) {
        switch (size) {
        case 1: { uint8_t b; __asm__ volatile("inb %1,%0" : "=a"(b) : "Nd"(port)); v = b; break; }
        case 2: { uint16_t w; __asm__ volatile("inw %1,%0" : "=a"(w) : "Nd"(port)); v = w; break; }
        default: __asm__ volatile("inl %1,%0" : "=a"(v) : "Nd"(port)); break;
        }
    }
    return v;
}

static void port_out(uint16_t port, unsigned size, uint32_t v)
{
    if ((size == 1 && cmos_emulated(port, true, &v)) || port_is_hosts(port, size))
        return;
    switch (size) {
    case 1: __asm__ volatile("outb %b0,%1" :: "a"(v), "Nd"(port)); break;
    case 2: __asm__ volatile("outw %w0,%1" :: "a"(v), "Nd"(port)); break;
    default: __asm__ volatile("outl %0,%1" :: "a"(v), "Nd"(port)); break;
    }
}

/* Put an in's result in rax as the CPU would: 8 and 16 bits merge, 32 bits zero-extend. */
static void set_acc(struct cpu_regs *regs, unsigned size, uint32_t v)
{
    if (size == 4)
        regs->rax = v;
    else if (size == 2)
        regs->rax = (regs->rax & ~0xffffULL) | (v & 0xffff);
    else
        regs->rax = (regs->rax & ~0xffULL) | (v & 0xff);
}

/* Emulate one decoded privileged instruction; false: not emulated, the guest gets the #GP. */
static bool emulate_one(struct vcpu *v, struct cpu_regs *regs, const struct insn *in)
{
    bool kernel = v->arch->kernel_mode;
    uint64_t val;
    long rc;

    switch (in->kind) {
    case INSN_IN_IMM: case INSN_IN_DX: case INSN_OUT_IMM: case INSN_OUT_DX: {
        uint16_t port = in->kind == INSN_IN_IMM || in->kind == INSN_OUT_IMM ?
                        (uint16_t)in->imm : (uint16_t)regs->rdx;

        if (!io_allowed(v))
            return false;
        if (in->kind == INSN_IN_IMM || in->kind == INSN_IN_DX)
            set_acc(regs, in->opsz, port_in(port, in->opsz));
        else
            port_out(port, in->opsz, (uint32_t)regs->rax);
        return true;
    }
    case INSN_OUTS:
        return io_allowed(v) && pv_emulate_outs(v, regs, in, port_out);
    case INSN_CLI:
    case INSN_STI:
        return io_allowed(v);               /* skipped: the event mask is not touched */
    default:
        break;
    }
    if (!kernel)
        return false;                       /* the rest is for the guest kernel only */
    switch (in->kind) {
    case INSN_MOV_FROM_CR:
        if (!read_cr(v, in->reg, &val))
            return false;
        *gpr(regs, in->rm) = val;
        return true;
    case INSN_MOV_TO_CR:
        return write_cr(v, in->reg, *gpr(regs, in->rm));
    case INSN_MOV_FROM_DR:
        rc = do_get_debugreg(in->reg);
        if (rc < 0 && rc >= -4095)
            return false;
        *gpr(regs, in->rm) = (uint64_t)rc;
        return true;
    case INSN_MOV_TO_DR:
        return do_set_debugreg(in->reg, *gpr(regs, in->rm)) == 0;
    case INSN_RDMSR:
        if (!read_msr(v, (uint32_t)regs->rcx, &val))
            return false;
        regs->rax = (uint32_t)val;
        regs->rdx = val >> 32;
        return true;
    case INSN_WRMSR:
        return write_msr(v, (uint32_t)regs->rcx,
                         ((regs->rdx & 0xffffffffULL) << 32) | (regs->rax & 0xffffffffULL));
    case INSN_CLTS:
        do_fpu_taskswitch(0);
        return true;
    case INSN_WBINVD:
    case INSN_INVD:
        return true;                        /* TCG has no caches to write back */
    default:
        return false;
    }
}

bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs)
{
    struct insn in;

    if (regs->error_code != 0 || !fetch(regs, &in) || in.lock || !emulate_one(v, regs, &in))
        return false;
    regs->rip += in.len;
    return true;
}

/* --- writable pagetables ----------------------------------------------------------------------- */

/* The flags of a logical result (and, or): CF OF clear, ZF SF PF from the value. */
static uint64_t logic_flags(uint64_t rflags, uint64_t res, unsigned size)
{
    uint64_t bits = size * 8, sign = 1ULL << (bits - 1);
    uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
    unsigned ones = (unsigned)__builtin_popcountll(res & 0xff);

    rflags &= ~(0x1ULL | 0x4ULL | 0x40ULL | 0x80ULL | 0x800ULL);    /* CF PF ZF SF OF */
    if ((res & mask) == 0)
        rflags |= 0x40;
    if (res & sign)
        rflags |= 0x80;
    if (!(ones & 1))
        rflags |= 0x4;
    return rflags;
}

/*
 * Work out the entry a decoded store leaves in the 8-byte entry `old` (the store covers
 * `size` bytes at byte offset `off` in it), and what the instruction returns in registers.
 * False for an instruction the emulation does not take.
 */
static bool store_result(struct cpu_regs *regs, const struct insn *in, const uint64_t g[16],
                         uint64_t old, unsigned off, uint64_t *new_entry)
{
    unsigned size = in->opsz, shift = off * 8;
    uint64_t mask = size == 8 ? ~0ULL : ((1ULL << (size * 8)) - 1);
    uint64_t cur = (old >> shift) & mask, src, res;

    src = insn_src_value(in, g) & mask;     /* a register (ah-bh too) or the immediate */
    switch (in->kind) {
    case INSN_MOV_STORE:
    case INSN_MOV_STORE_IMM:
        res = src;
        break;
    case INSN_XCHG:
        if (size == 1 && insn_reg_is_high_byte(in, in->reg))
            return false;                   /* xchg with ah-bh: no kernel writes a PTE so */
        res = src;
        *gpr(regs, in->reg) = size == 4 ? cur : (*gpr(regs, in->reg) & ~mask) | cur;
        break;
    case INSN_CMPXCHG:
        if ((regs->rax & mask) == cur) {
            res = src;
            regs->rflags |= 0x40;
        } else {
            res = cur;
            regs->rax = size == 4 ? cur : (regs->rax & ~mask) | cur;
            regs->rflags &= ~0x40ULL;
        }
        break;
    case INSN_AND:
        res = cur & src;
        regs->rflags = logic_flags(regs->rflags, res, size);
        break;
    case INSN_OR:
        res = cur | src;
        regs->rflags = logic_flags(regs->rflags, res, size);
        break;
    default:
        return false;
    }
    *new_entry = (old & ~(mask << shift)) | ((res & mask) << shift);
    return true;
}

/*
 * A guest kernel write fault on `addr`: if addr is mapped read-only onto one of the guest's
 * L1 tables and the instruction is a store this emulation takes, apply it as mmu_update
 * would.  True when the store was applied (the guest goes on after it); false leaves the
 * page fault to the guest, unchanged.
 */
bool pv_ptwr_fault(struct vcpu *v, struct cpu_regs *regs, uint64_t addr)
{
    uint64_t pte, old, entry, g[16] = { 0 };
    uint64_t ptr;
    struct insn in;
    unsigned off;
    mfn_t table;

    if (!v->arch->kernel_mode ||
        (regs->error_code & (PFEC_PRESENT | PFEC_WRITE | PFEC_RSVD | PFEC_FETCH)) !=
            (PFEC_PRESENT | PFEC_WRITE))
        return false;
    if (mm_guest_l1e(&v->mm, addr, &pte) != 0 ||
        (pte & (_PAGE_PRESENT | _PAGE_RW)) != _PAGE_PRESENT)
        return false;
    table = _mfn(pte_mfn(pte));
    if (mm_frame_owner(table) != &v->domain->mm || mm_frame_type(table) != MM_TYPE_L1 ||
        mm_frame_type_count(table) == 0)
        return false;
    if (!fetch(regs, &in) || !in.mem || in.opsz == 0 || in.opsz > 8)
        return false;
    /* The registers a store to memory reads: its address's base and index, its source, and
     * the accumulator (cmpxchg, A2/A3); the others stay 0, nothing here reads them. */
    if (in.base != INSN_REG_NONE)
        g[in.base & 15] = *gpr(regs, in.base);
    if (in.index != INSN_REG_NONE)
        g[in.index & 15] = *gpr(regs, in.index);
    g[in.reg & 15] = *gpr(regs, in.reg);
    g[0] = regs->rax;
    /* Only a naturally aligned store to the faulting entry's own word (Xen: the same page,
     * naturally aligned; an entry is one word, so it is that word). */
    if (insn_mem_addr(&in, g, regs->rip + in.len,
                      in.seg == 0x64 ? rdmsr(MSR_FS_BASE) : in.seg == 0x65 ? rdmsr(MSR_GS_BASE)
                                                                           : 0) != addr ||
        (addr & (in.opsz - 1)) != 0)
        return false;
    ptr = (mfn_x(table) << PAGE_SHIFT) | (addr & (PAGE_SIZE - 8));
    off = (unsigned)(addr & 7);
    {
        /* The entry as it is now, through the direct map (the frame is ours, see above). */
        old = *(const uint64_t *)maddr_to_virt(ptr & ~(uint64_t)7);
    }
    {
        /* Registers change only if the store lands: keep the ones store_result may set. */
        uint64_t rax = regs->rax, rflags = regs->rflags, reg = *gpr(regs, in.reg);

        if (!store_result(regs, &in, g, old, off, &entry) ||
            (entry != old && mm_mmu_update_one(&v->domain->mm, &v->mm,
                                               ptr | MMU_NORMAL_PT_UPDATE, entry) != 0)) {
            regs->rax = rax;
            regs->rflags = rflags;
            *gpr(regs, in.reg) = reg;
            return false;
        }
    }
    regs->rip += in.len;
    return true;
}
