/*
 * Native descriptor tables and the timer.  The kernel runs in ring 0 with selector 0x08;
 * user code in ring 3 with 0x23/0x1b, the order `sysret` would need (STAR); entries from
 * ring 3 land on TSS.rsp0.  The timer is the PIT at 100 Hz through the legacy PIC, IRQ0
 * remapped to vector 32; everything else on the PIC stays masked.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/io.h"
#include "arch/x86/trapframe.h"

#define MSR_EFER   0xc0000080
#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_SFMASK 0xc0000084
#define EFER_SCE   1
#define RFLAGS_TF_IF_DF_AC 0x40700

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};

struct tss {
    uint32_t reserved0;
    uint64_t rsp0, rsp1, rsp2;
    uint64_t reserved1, ist[7], reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

static struct idt_gate idt[33];
static struct tss tss = { .iomap_base = sizeof(struct tss) };
static uint64_t gdt[7] = {
    0,
    0x00af9a000000ffff,          /* 0x08: kernel code, 64-bit */
    0x00cf92000000ffff,          /* 0x10: kernel data */
    0x00cff2000000ffff,          /* 0x18: user data, DPL 3 */
    0x00affa000000ffff,          /* 0x20: user code, 64-bit, DPL 3 */
    0, 0,                        /* 0x28: the TSS (16 bytes) */
};

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

void native_idt_init(void)
{
    for (unsigned v = 0; v < 33; v++) {
        uint64_t a = (uint64_t)native_trap_stubs + TRAP_STUB_SIZE * v;
        idt[v] = (struct idt_gate){ (uint16_t)a, NATIVE_KERNEL_CS, 0, 0x8e,
                                    (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0 };
    }
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr =
        { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

void native_set_rsp0(uint64_t sp)
{
    tss.rsp0 = sp;
    syscall_kstack = sp;
}

/* The PIC moved off the exception vectors (its reset mapping puts IRQ0 on vector 8) and
 * every line masked: user mode runs with interrupts on. */
static void pic_init(void)
{
    outb(0x20, 0x11); outb(0xa0, 0x11);      /* init, edge, cascade, ICW4 */
    outb(0x21, VEC_TIMER); outb(0xa1, VEC_TIMER + 8);
    outb(0x21, 4); outb(0xa1, 2);
    outb(0x21, 1); outb(0xa1, 1);
    outb(0x21, 0xff); outb(0xa1, 0xff);
}

static void timer_init(void)
{
    const uint16_t divisor = 11932;          /* 1193182 Hz / 100 */
    outb(0x21, 0xfe);                        /* unmask IRQ0 only */
    outb(0x43, 0x36);                        /* PIT channel 0, rate generator */
    outb(0x40, (uint8_t)divisor);
    outb(0x40, (uint8_t)(divisor >> 8));
}

void native_cpu_init(bool timer)
{
    uint64_t t = (uint64_t)&tss;
    gdt[5] = (sizeof(tss) - 1) | ((t & 0xffffff) << 16) | (0x89ULL << 40) |
             (((t >> 24) & 0xff) << 56);
    gdt[6] = t >> 32;
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr =
        { sizeof(gdt) - 1, (uint64_t)gdt };
    __asm__ volatile("lgdt %0; ltr %w1" : : "m"(ptr), "r"(NATIVE_TSS));
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* sysret would load CS = base + 16 and SS = base + 8 from STAR[63:48] = 0x10. */
    wrmsr(MSR_STAR, ((uint64_t)(NATIVE_KERNEL_DS | 3) << 48) | ((uint64_t)NATIVE_KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)native_syscall_entry);
    wrmsr(MSR_SFMASK, RFLAGS_TF_IF_DF_AC);
    pic_init();
    if (timer)
        timer_init();
}

/* An end of interrupt for IRQ0. */
void native_timer_eoi(void)
{
    outb(0x20, 0x20);
}
