/*
 * The x86-64 machine as the pvx host uses it: Xen's GDT selectors, the register frame every
 * entry path saves, the x86 half of a vCPU, and thin wrappers around the privileged
 * instructions.  Only host/arch/x86/ (the boot code included) includes this; portable
 * code asks for machine services through host/arch.h and host/mm/arch.h.
 */
#ifndef PVX_X86_H
#define PVX_X86_H

#include "layout.h"
#include "pte.h"

/*
 * GDT selectors, as Xen's (entries 0x1c01.. of a 15-page GDT: pages 0-13 are for a guest
 * GDT, page 14 is the host's).  syscall enters at __HYPERVISOR_CS/DS; sysret returns to
 * STAR[63:48]+16 / +8 = 0xe033 / 0xe02b, so STAR[63:48] is FLAT_RING3_CS32 (0xe023).
 */
#define __HYPERVISOR_CS    0xe008
#define __HYPERVISOR_DS    0xe010
#define __HYPERVISOR_CS32  0xe018
#define HOST_TSS_SEL       0xe040
#define HOST_LDT_SEL       0xe050     /* the vCPU's LDT (SET_LDT), a 16-byte system descriptor */
#define HOST_GDT_ENTRIES   (0xe060 / 8)
/* The flat guest descriptors behind public arch-x86_64.h's FLAT_RING3_* selectors. */
#define GDT_GUEST_CS32     (FLAT_RING3_CS32 & ~3)
#define GDT_GUEST_DS32     (FLAT_RING3_DS32 & ~3)
#define GDT_GUEST_CS64     (FLAT_RING3_CS64 & ~3)

/* A constant both C and entry.S can use. */
#ifdef __ASSEMBLER__
#define X86_UL(x) x
#else
#define X86_UL(x) x##ULL
#endif

#define X86_EFLAGS_MBS  X86_UL(0x00000002)   /* bit 1 always reads as one */
#define X86_EFLAGS_TF   X86_UL(0x00000100)
#define X86_EFLAGS_IF   X86_UL(0x00000200)
#define X86_EFLAGS_DF   X86_UL(0x00000400)
#define X86_EFLAGS_IOPL X86_UL(0x00003000)
#define X86_EFLAGS_NT   X86_UL(0x00004000)
#define X86_EFLAGS_RF   X86_UL(0x00010000)
#define X86_EFLAGS_VM   X86_UL(0x00020000)
#define X86_EFLAGS_AC   X86_UL(0x00040000)
/* Flags a guest may hold (Xen's iret keeps all but IOPL and VM): the arithmetic flags, TF,
 * IF, DF, NT, RF, AC, VIF, VIP, ID; never IOPL, VM or a reserved bit. */
#define X86_EFLAGS_GUEST X86_UL(0x3d4fd5)

#define X86_CR0_WP     (1ULL << 16)
#define X86_CR4_SMAP   (1ULL << 21)
#define X86_CR4_SMEP   (1ULL << 20)

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_EFER       0xc0000080
#define MSR_STAR       0xc0000081
#define MSR_LSTAR      0xc0000082
#define MSR_CSTAR      0xc0000083
#define MSR_FMASK      0xc0000084
#define MSR_FS_BASE    0xc0000100
#define MSR_GS_BASE    0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE       (1ULL << 0)
#define EFER_NXE       (1ULL << 11)

/*
 * Vector numbers the entry stubs record.  TRAP_syscall is a flag above the 8-bit vector, as
 * in Xen: the frame came in by `syscall` (or the guest's iret said VGCF_in_syscall), so the
 * guest's rcx and r11 are dead and the exit may use sysretq, which clobbers them.
 */
#define TRAP_divide_error   0
#define TRAP_debug          1
#define TRAP_nmi            2
#define TRAP_int3           3
#define TRAP_double_fault   8
#define TRAP_no_segment    11
#define TRAP_stack_error   12
#define TRAP_gp_fault      13
#define TRAP_page_fault    14
#define TRAP_machine_check 18
#define TRAP_overflow       4
#define TRAP_invalid_op     6
#define TRAP_no_device      7
#define TRAP_syscall      256
/* Interrupt vectors: the legacy PICs (remapped above the exceptions) and the local APIC. */
#define ARCH_PIC_VECTOR_BASE 0x20
#define ARCH_TIMER_VECTOR    0xf0
#define ARCH_SPURIOUS_VECTOR 0xff
#define TRAP_compat_syscall 257  /* from 32-bit code: no such ABI, the guest is crashed */

/* Byte offsets into struct cpu_regs, for entry.S. */
#define REGS_RDI        8
#define REGS_RAX        56
#define REGS_RCX        64
#define REGS_R11        72
#define REGS_RBX        80
#define REGS_ERROR_CODE 128
#define REGS_VECTOR     132
#define REGS_RIP        136
#define REGS_CS         144
#define REGS_RFLAGS     152
#define REGS_RSP        160
#define REGS_SS         168
#define REGS_SIZE       176

/* For entry.S's hypercall path: offsets into struct vcpu (domain.h) and struct arch_vcpu
 * (below), checked in vcpu.c, and the bound on the hypercall tables (hypercall.h). */
#define VCPU_ARCH              0x30
#define VCPU_VINFO             0x38
#define ARCH_VCPU_KERNEL_MODE  8
#define ARCH_VCPU_BOUNCE_FLAGS 0x1c
#define ARCH_HYPERCALL_SLOTS   48

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mm/types.h"

/*
 * The frame every entry saves at the top of the host stack: general registers pushed by
 * entry.S, then the error code and vector in one word (as Xen's cpu_user_regs), then the
 * hardware's iret frame.  For a guest entry it is the guest's complete register state.
 * The first six registers are a hypercall's arguments in order, so the dispatcher reads
 * them in place (args[]); `pad` makes the frame a multiple of 16 bytes, so the stack is
 * aligned for C right below it at every entry.
 */
struct cpu_regs {
    uint64_t pad;
    union {
        struct { uint64_t rdi, rsi, rdx, r10, r8, r9; };
        uint64_t args[6];                       /* the same six, as a hypercall's arguments */
    };
    uint64_t rax, rcx, r11, rbx, rbp, r12, r13, r14, r15;
    uint32_t error_code, entry_vector;
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct cpu_regs) == REGS_SIZE, "entry.S offsets");
_Static_assert(REGS_SIZE % 16 == 0, "frames keep the stack 16-byte aligned");
_Static_assert(offsetof(struct cpu_regs, r9) - offsetof(struct cpu_regs, rdi) == 40,
               "hypercall arguments in place");
_Static_assert(offsetof(struct cpu_regs, rdi) == REGS_RDI, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, rax) == REGS_RAX, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, rsp) == REGS_RSP, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, rcx) == REGS_RCX, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, r11) == REGS_R11, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, rbx) == REGS_RBX &&
               offsetof(struct cpu_regs, r15) == REGS_RBX + 40, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, error_code) == REGS_ERROR_CODE, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, entry_vector) == REGS_VECTOR, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, rflags) == REGS_RFLAGS, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, rip) == REGS_RIP, "entry.S offsets");
_Static_assert(offsetof(struct cpu_regs, ss) == REGS_SS, "entry.S offsets");

/*
 * An exception or callback the exit step must deliver to the guest kernel (Xen's struct
 * trap_bounce): set by whoever decided the guest should see it, consumed before the
 * registers are restored.
 */
#define TBF_EXCEPTION         1   /* pending */
#define TBF_EXCEPTION_ERRCODE 2   /* push error_code in the frame */
#define TBF_INTERRUPT         8   /* mask events on delivery */
#define TBF_SYSCALL          32   /* a user-mode syscall: DF clear in the callback (pvx's own) */

struct trap_bounce {
    uint64_t eip;            /* guest kernel handler */
    uint32_t error_code;
    uint8_t flags;           /* TBF_*, 0: nothing pending */
};

/*
 * The x86 part of a vCPU: where its saved frame lives, which guest mode it is in, and the
 * PV state a guest kernel sets with hypercalls (Xen's struct pv_vcpu).
 */
struct arch_vcpu {
    struct cpu_regs *regs;   /* the guest frame at the top of the host stack */
    bool kernel_mode;        /* guest kernel (true) or guest user (false) */
    struct trap_bounce bounce;

    struct trap_info trap_ctxt[256];   /* set_trap_table: the virtual IDT */
    uint64_t event_callback, failsafe_callback, syscall_callback;
    uint32_t vgc_flags;                /* VGCF_failsafe/syscall_disables_events */
    uint64_t kernel_ss, kernel_sp;     /* stack_switch: where a bounce from user mode lands */
    uint64_t cr2;                      /* the guest's view of cr2 (the last bounced #PF) */
    bool ts;                           /* fpu_taskswitch: the guest's virtual CR0.TS */
    unsigned iopl;                     /* PHYSDEVOP_set_iopl: the virtual IOPL, 0-3 */
    uint64_t debugreg[8];              /* set_debugreg: DR0-3, DR6, DR7 as the guest set them */
    mfn_t gdt_frames[FIRST_RESERVED_GDT_PAGE];  /* set_gdt: typed seg_desc, in the window */
    unsigned gdt_nr_frames;
    mfn_t ldt_mapped[HOST_LDT_PAGES];  /* LDT pages mapped on first use (seg_desc), or invalid */
};

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0,%1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0,%1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1,%0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0,%0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2,%0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3,%0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4,%0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0,%%cr0" :: "r"(v) : "memory"); }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0,%%cr3" :: "r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0,%%cr4" :: "r"(v) : "memory"); }
static inline uint64_t read_dr6(void) { uint64_t v; __asm__ volatile("mov %%db6,%0" : "=r"(v)); return v; }
static inline void write_dr(unsigned n, uint64_t v)
{
    switch (n) {
    case 0: __asm__ volatile("mov %0,%%db0" :: "r"(v)); break;
    case 1: __asm__ volatile("mov %0,%%db1" :: "r"(v)); break;
    case 2: __asm__ volatile("mov %0,%%db2" :: "r"(v)); break;
    case 3: __asm__ volatile("mov %0,%%db3" :: "r"(v)); break;
    case 6: __asm__ volatile("mov %0,%%db6" :: "r"(v)); break;
    case 7: __asm__ volatile("mov %0,%%db7" :: "r"(v)); break;
    }
}
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Machine address <-> host pointer through the direct map. */
static inline void *maddr_to_virt(uint64_t ma) { return (void *)(uintptr_t)(HOST_DIRECTMAP + ma); }
static inline uint64_t virt_to_maddr(const void *p) { return (uint64_t)(uintptr_t)p - HOST_DIRECTMAP; }

/* cpu.c */
void arch_cpu_init(void);

/* Where a guest's frame lives: the top of the host stack (TSS.rsp0, the syscall stack). */
static inline struct cpu_regs *arch_guest_frame(void)
{
    uintptr_t top;

    __asm__("leaq arch_host_stack_top(%%rip), %0" : "=r"(top));
    return (struct cpu_regs *)top - 1;
}
extern uint8_t arch_host_stack_top[];

/* vcpu.c: the one exit step back into the guest, and the guest's two modes. */
bool arch_exit_to_guest(struct cpu_regs *regs);    /* true: the frame may leave by sysretq */
/* A syscall from the guest: the hypercall, or the bounce to the syscall callback, and the
 * exit step.  Its frame holds no callee-saved registers (entry.S): they stay in the CPU. */
bool arch_syscall(struct cpu_regs *regs);


/* mm.c (the x86 side of memory): boot allocator, direct map, M2P, frame table. */
struct boot_mem;
void arch_memory_init(const struct boot_mem *bm);
uint64_t arch_idle_l4_maddr(void);
/* The L1 entries of the per-vCPU window (layout.h: GDT pages, then LDT pages), and a zeroed
 * frame that stays zero. */
uint64_t *arch_pervcpu_l1e(void);
uint64_t arch_zero_frame_maddr(void);

/* cpu.c: move the GDT into the per-vCPU window (once memory is up); point LDTR at an LDT
 * of `ents` descriptors at `base` (0: no LDT). */
void arch_gdt_window_init(void);
void arch_load_ldt(uint64_t base, unsigned ents);

/* apic.c: interrupts, taken in guest or host context. */
void arch_irq(unsigned vector);

/* traps.c: every entry's C half. */
/* An exception or interrupt from the guest (ring 3), and one in the host (ring 0). */
void arch_guest_trap(struct cpu_regs *regs);
void arch_host_trap(struct cpu_regs *regs);
void arch_dump_regs(const struct cpu_regs *regs);

/* guest_access.c: runs each guest-access refusal path once on the real machine; returns how
 * many of the *total checks gave the wrong answer. */
unsigned arch_guest_access_selfcheck(uint64_t unmapped, uint64_t readable, uint64_t readonly,
                                     unsigned *total);
unsigned arch_guest_array_selfcheck(uint64_t unmapped, uint64_t readable, uint64_t readonly,
                                    unsigned *total);

/* entry.S */
void arch_enter_guest(struct cpu_regs *regs) __attribute__((noreturn));  /* via the exit step */
/* copy.S: copy len bytes, stopping at a fault; returns how many were not copied. */
size_t arch_copy_fixup(void *dst, const void *src, size_t len);
extern const uint8_t arch_iret_insn[];

#endif /* !__ASSEMBLER__ */
#endif
