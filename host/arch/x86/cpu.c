/*
 * Per-CPU setup of the one CPU pvx runs on: Xen's GDT selectors, the TSS with the stacks
 * the CPU switches to on entry from the guest (rsp0) and for the faults that must never
 * run on a possibly broken or guest-chosen stack (NMI, double fault, machine check, debug:
 * IST; right after `syscall` %rsp is still the guest's), the IDT, the
 * syscall MSRs that make `syscall` in the guest a hypercall, and the control-register bits
 * the host relies on (CR0.WP so the host honours read-only mappings; SMEP; no SMAP, because
 * the host reads guest memory directly in copy_from_guest).
 */
#include "arch/x86/x86.h"
#include "hostlib/lib.h"
#include "arch.h"
#include "printk.h"

struct tss64 {
    uint32_t rsv0;
    uint64_t rsp[3];
    uint64_t rsv1;
    uint64_t ist[7];
    uint64_t rsv2;
    uint16_t rsv3;
    uint16_t iomap_base;
} __attribute__((packed));

struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, rsv;
};

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static uint64_t gdt[HOST_GDT_ENTRIES] __attribute__((aligned(4096)));
static struct idt_entry idt[256] __attribute__((aligned(4096)));
static struct tss64 tss __attribute__((aligned(128)));

/* entry.S */
extern const uint8_t arch_exception_stubs[256][16];   /* entry.S: one stub per vector */
extern uint8_t arch_ist_nmi_top[], arch_ist_df_top[], arch_ist_mc_top[], arch_ist_db_top[];
void arch_syscall_entry(void);
void arch_syscall_entry_compat(void);

#define IST_NMI 1
#define IST_DF  2
#define IST_MC  3
#define IST_DB  4

static void set_gdt_entry(unsigned sel, uint64_t desc) { gdt[sel >> 3] = desc; }

static void load_gdt(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss;

    set_gdt_entry(__HYPERVISOR_CS,   0x00af9a000000ffffULL);  /* 64-bit code, DPL 0 */
    set_gdt_entry(__HYPERVISOR_DS,   0x00cf92000000ffffULL);  /* data, DPL 0 */
    set_gdt_entry(__HYPERVISOR_CS32, 0x00cf9a000000ffffULL);  /* 32-bit code, DPL 0 */
    set_gdt_entry(GDT_GUEST_CS32,    0x00cffa000000ffffULL);  /* 32-bit code, DPL 3 */
    set_gdt_entry(GDT_GUEST_DS32,    0x00cff2000000ffffULL);  /* data/stack, DPL 3 */
    set_gdt_entry(GDT_GUEST_CS64,    0x00affa000000ffffULL);  /* 64-bit code, DPL 3 */
    /* 64-bit available TSS: two slots. */
    set_gdt_entry(HOST_TSS_SEL, (sizeof(tss) - 1) | ((base & 0xffffff) << 16) |
                                (0x89ULL << 40) | (((base >> 24) & 0xff) << 56));
    set_gdt_entry(HOST_TSS_SEL + 8, base >> 32);

    struct desc_ptr p = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movl %2, %%eax\n\t"
        "movl %%eax, %%ss\n\t"
        "movl %%eax, %%ds\n\t"
        "movl %%eax, %%es\n\t"
        "xorl %%eax, %%eax\n\t"
        "movl %%eax, %%fs\n\t"
        "movl %%eax, %%gs\n\t"
        "ltr %w3"
        :: "m"(p), "i"(__HYPERVISOR_CS), "i"(__HYPERVISOR_DS), "r"(HOST_TSS_SEL)
        : "rax", "memory");
}

/*
 * From here the CPU reads its GDT through the per-vCPU window (layout.h): pages 0-13 are the
 * guest's (set_gdt maps its frames; until then a page of zeros, so every guest selector
 * there is null), page 14 is the host's own descriptors, the same memory as before.
 */
void arch_gdt_window_init(void)
{
    uint64_t *l1e = arch_pervcpu_l1e();
    uint64_t nx = (rdmsr(MSR_EFER) & EFER_NXE) ? _PAGE_NX : 0;
    uint64_t ro = _PAGE_PRESENT | _PAGE_ACCESSED | nx;

    for (unsigned i = 0; i < HOST_GDT_PAGES; i++)
        l1e[i] = arch_zero_frame_maddr() | ro;
    l1e[FIRST_RESERVED_GDT_PAGE] = virt_to_maddr(&gdt[FIRST_RESERVED_GDT_ENTRY]) | ro |
                                   _PAGE_RW | _PAGE_DIRTY;

    struct desc_ptr p = { HOST_GDT_ENTRIES * 8 - 1, HOST_GDT_VIRT };
    __asm__ volatile("lgdt %0" :: "m"(p) : "memory");
}

void arch_load_ldt(uint64_t base, unsigned ents)
{
    uint16_t sel = 0;

    if (ents > 0) {
        uint64_t limit = (uint64_t)ents * 8 - 1;

        /* 64-bit LDT descriptor: type 2, present, DPL 0; base split across both halves. */
        set_gdt_entry(HOST_LDT_SEL, (limit & 0xffff) | ((base & 0xffffff) << 16) |
                                    (0x82ULL << 40) | (((limit >> 16) & 0xf) << 48) |
                                    (((base >> 24) & 0xff) << 56));
        set_gdt_entry(HOST_LDT_SEL + 8, base >> 32);
        sel = HOST_LDT_SEL;
    }
    __asm__ volatile("lldt %w0" :: "r"(sel) : "memory");
}

static void set_idt_entry(unsigned vec, uint64_t handler, unsigned ist, unsigned dpl)
{
    idt[vec] = (struct idt_entry){
        .off_lo = handler & 0xffff,
        .sel = __HYPERVISOR_CS,
        .ist = ist,
        .type = 0x8e | (dpl << 5),  /* present, 64-bit interrupt gate */
        .off_mid = (handler >> 16) & 0xffff,
        .off_hi = handler >> 32,
    };
}

/*
 * Every gate is DPL 0, so `int $n` from the guest raises #GP(n * 8 + 2) and the host applies
 * the guest's trap-table DPL itself, except int3 and into (the guest's breakpoints and
 * overflow checks arrive as the exceptions themselves) and int $0x80 (the guest's own system
 * call vector, delivered straight when its trap table allows it), which are DPL 3 as in Xen.
 */
static void load_idt(void)
{
    for (unsigned v = 0; v < 256; v++) {
        unsigned ist = v == TRAP_nmi ? IST_NMI : v == TRAP_double_fault ? IST_DF :
                       v == TRAP_machine_check ? IST_MC : v == TRAP_debug ? IST_DB : 0;
        unsigned dpl = (v == TRAP_int3 || v == TRAP_overflow || v == 0x80) ? 3 : 0;
        set_idt_entry(v, (uint64_t)(uintptr_t)arch_exception_stubs[v], ist, dpl);
    }

    struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" :: "m"(p));
}

/* The legacy PICs: move them off the exception vectors and mask every line. */
static void mask_pic(void)
{
    outb(0x20, 0x11); outb(0xa0, 0x11);
    outb(0x21, 0x20); outb(0xa1, 0x28);
    outb(0x21, 0x04); outb(0xa1, 0x02);
    outb(0x21, 0x01); outb(0xa1, 0x01);
    outb(0x21, 0xff); outb(0xa1, 0xff);
}

/*
 * syscall: CS/SS from STAR[47:32] (0xe008/0xe010), rip from LSTAR, and RFLAGS bits in FMASK
 * cleared: IF (the entry runs on the guest's stack until it switches), TF, DF, AC, NT, IOPL.
 * sysret to 64-bit: CS = STAR[63:48] + 16 = 0xe033, SS = STAR[63:48] + 8 = 0xe02b.
 */
static void setup_syscall(void)
{
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)__HYPERVISOR_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)arch_syscall_entry);
    wrmsr(MSR_CSTAR, (uint64_t)(uintptr_t)arch_syscall_entry_compat);
    wrmsr(MSR_FMASK, 0x47700);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /*
     * Intel CPUs run `sysenter` in 64-bit mode, entering ring 0 at SYSENTER_EIP on
     * SYSENTER_ESP: whatever the firmware left there would be a way into ring 0 for the
     * guest.  SYSENTER_CS 0 makes it #GP instead (AMD: #UD in long mode anyway).
     */
    wrmsr(MSR_SYSENTER_CS, 0);
    wrmsr(MSR_SYSENTER_ESP, 0);
    wrmsr(MSR_SYSENTER_EIP, 0);
}

static void setup_control_regs(void)
{
    uint32_t a, b, c, d;

    write_cr0((read_cr0() | X86_CR0_WP | (1 << 1) /* MP */ | (1 << 5) /* NE */) &
              ~((1ULL << 2) /* EM */ | (1ULL << 3) /* TS */));
    uint64_t cr4 = read_cr4() & ~X86_CR4_SMAP;
    cr4 |= (1 << 9) | (1 << 10);           /* OSFXSR, OSXMMEXCPT: guests may use SSE */
    cpuid(7, &a, &b, &c, &d);
    if (b & (1 << 7))
        cr4 |= X86_CR4_SMEP;               /* the host never runs guest (user) pages */
    write_cr4(cr4);
    cpuid(0x80000001, &a, &b, &c, &d);
    if (d & (1 << 20))
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);   /* guests may use NX */
}

void arch_cpu_init(void)
{
    tss.rsp[0] = (uint64_t)(uintptr_t)arch_host_stack_top;
    tss.ist[IST_NMI - 1] = (uint64_t)(uintptr_t)arch_ist_nmi_top;
    tss.ist[IST_DF - 1] = (uint64_t)(uintptr_t)arch_ist_df_top;
    tss.ist[IST_MC - 1] = (uint64_t)(uintptr_t)arch_ist_mc_top;
    tss.ist[IST_DB - 1] = (uint64_t)(uintptr_t)arch_ist_db_top;
    tss.iomap_base = sizeof(tss);          /* no I/O bitmap: ring 3 has no ports */
    load_gdt();
    load_idt();
    mask_pic();
    setup_syscall();
    setup_control_regs();
}
