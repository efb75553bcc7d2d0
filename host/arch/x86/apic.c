/*
 * The machine's clocks and interrupts: the TSC (calibrated against the PIT at boot), the
 * local APIC timer (TSC-deadline mode where the CPU has it, else one-shot countdown, itself
 * calibrated), the legacy PIC for the serial port's receive interrupt, the CMOS RTC for the
 * wall clock, and the idle halt.  Trust: nothing here takes guest input; the guest only
 * chooses deadlines, which host/time.c has already turned into TSC values.
 */
#include "arch.h"
#include "arch/x86/x86.h"
#include "host.h"
#include "hostlib/lib.h"
#include "printk.h"
#include "time.h"

#define APIC_PHYS          0xfee00000ULL
#define APIC_TPR           0x080
#define APIC_EOI           0x0b0
#define APIC_SVR           0x0f0
#define APIC_LVT_TIMER     0x320
#define APIC_LVT_LINT0     0x350
#define APIC_TIMER_INIT    0x380
#define APIC_TIMER_CUR     0x390
#define APIC_TIMER_DIV     0x3e0
#define APIC_SVR_ENABLE    (1u << 8)
#define APIC_LVT_MASKED    (1u << 16)
#define APIC_TIMER_TSC_DEADLINE (2u << 17)
#define APIC_LVT_EXTINT    (7u << 8)
#define MSR_APIC_BASE      0x1b
#define MSR_TSC_DEADLINE   0x6e0

#define PIT_HZ             1193182u
#define PIC_COM1_IRQ       4

static volatile uint32_t *apic;         /* the xAPIC registers, mapped uncached */
static bool tsc_deadline;               /* LVT timer in TSC-deadline mode */
static uint64_t tsc_hz, apic_hz;        /* calibrated rates */

static uint32_t apic_read(unsigned reg) { return apic[reg / 4]; }
static void apic_write(unsigned reg, uint32_t v) { apic[reg / 4] = v; }

/* The PIT's channel 2 counts `ticks` down once (gate on, speaker off); returns when it is
 * done, read through port 0x61's OUT2 bit. */
static void pit_wait(uint16_t ticks)
{
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);                       /* channel 2, lo/hi byte, mode 0 */
    outb(0x42, ticks & 0xff);
    outb(0x42, ticks >> 8);
    while (!(inb(0x61) & 0x20))
        ;
}

/* TSC and APIC timer rates over 50 ms of the PIT (the APIC counting down from ~0). */
static void calibrate(void)
{
    const uint16_t ticks = PIT_HZ / 20;
    uint64_t t0, t1;
    uint32_t a0, a1;

    apic_write(APIC_TIMER_DIV, 0xb);        /* divide by 1 */
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | ARCH_TIMER_VECTOR);
    apic_write(APIC_TIMER_INIT, 0xffffffffu);
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    a0 = apic_read(APIC_TIMER_CUR);
    t0 = rdtsc();
    pit_wait(ticks);
    t1 = rdtsc();
    a1 = apic_read(APIC_TIMER_CUR);
    apic_write(APIC_TIMER_INIT, 0);
    tsc_hz = (t1 - t0) * PIT_HZ / ticks;
    apic_hz = (uint64_t)(a0 - a1) * PIT_HZ / ticks;
}

/* Map the xAPIC page into the per-vCPU window, uncached, supervisor only. */
static void map_apic(void)
{
    uint64_t nx = (rdmsr(MSR_EFER) & EFER_NXE) ? _PAGE_NX : 0;

    arch_pervcpu_l1e()[HOST_APIC_PAGE] = APIC_PHYS | _PAGE_PRESENT | _PAGE_RW | _PAGE_PCD |
                                         _PAGE_PWT | _PAGE_ACCESSED | _PAGE_DIRTY | nx;
    apic = (volatile uint32_t *)(HOST_PERVCPU_VIRT + HOST_APIC_PAGE * PAGE_SIZE);
}

void arch_time_init(void)
{
    uint32_t a, b, c, d;

    cpuid(1, &a, &b, &c, &d);
    tsc_deadline = (c >> 24) & 1;
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1ULL << 11));     /* xAPIC on */
    map_apic();
    apic_write(APIC_SVR, APIC_SVR_ENABLE | ARCH_SPURIOUS_VECTOR);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_LINT0, APIC_LVT_EXTINT);    /* the PIC's interrupts, virtual wire */
    calibrate();
    apic_write(APIC_LVT_TIMER, ARCH_TIMER_VECTOR |
                               (tsc_deadline ? APIC_TIMER_TSC_DEADLINE : 0));
    printk("pvx: time: TSC %lu kHz, APIC timer %s (%lu kHz)\n", tsc_hz / 1000,
           tsc_deadline ? "in TSC-deadline mode" : "one-shot", apic_hz / 1000);
}

uint64_t arch_tsc(void) { return rdtsc(); }
uint64_t arch_tsc_hz(void) { return tsc_hz; }

/* An interrupt at TSC `deadline` (0: none).  One-shot mode converts to APIC ticks, rounding
 * up, so it never fires early; time.c checks the time again when it fires anyway. */
void arch_timer_program(uint64_t deadline)
{
    if (tsc_deadline) {
        wrmsr(MSR_TSC_DEADLINE, deadline);
        return;
    }
    if (deadline == 0) {
        apic_write(APIC_TIMER_INIT, 0);
        return;
    }
    uint64_t now = rdtsc(), delta = deadline > now ? deadline - now : 1;
    uint64_t count = delta / tsc_hz * apic_hz + (delta % tsc_hz * apic_hz + tsc_hz - 1) / tsc_hz;
    apic_write(APIC_TIMER_INIT, count == 0 ? 1 : count > 0xffffffffu ? 0xffffffffu
                                                                       : (uint32_t)count);
}

/* The serial port's receive interrupt through the PIC (IRQ 4, vector 0x20 + 4). */
void arch_console_irq_enable(void)
{
    outb(0x21, inb(0x21) & ~(1u << PIC_COM1_IRQ));
}

/* One interrupt taken (host or guest context): hand it to its owner, then acknowledge. */
void arch_irq(unsigned vector)
{
    switch (vector) {
    case ARCH_TIMER_VECTOR:
        apic_write(APIC_EOI, 0);
        time_interrupt();
        break;
    case ARCH_PIC_VECTOR_BASE + PIC_COM1_IRQ:
        console_rx_interrupt();
        outb(0x20, 0x20);               /* PIC end of interrupt */
        break;
    case ARCH_SPURIOUS_VECTOR:
        break;                          /* no EOI for a spurious interrupt */
    default:
        if (vector >= ARCH_PIC_VECTOR_BASE && vector < ARCH_PIC_VECTOR_BASE + 16) {
            if (vector >= ARCH_PIC_VECTOR_BASE + 8)
                outb(0xa0, 0x20);
            outb(0x20, 0x20);
        }
        printk("pvx: spurious interrupt %u, ignored\n", vector);
        break;
    }
}

/* Halt with interrupts on until one arrives; it is handled (arch_irq) before this returns.
 * `sti; hlt` cannot lose a wake-up: sti's shadow lets no interrupt in before the hlt. */
void arch_idle(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* --- the CMOS real-time clock ------------------------------------------------------------- */

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary) { return binary ? v : (v >> 4) * 10 + (v & 15); }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
    static const unsigned before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
    uint64_t days = (uint64_t)(y - 1970) * 365 + before[(m - 1) % 12] + (d - 1);

    days += (y - 1969) / 4 - (y - 1901) / 100 + (y - 1601) / 400;   /* leap days before y */
    if (m > 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        days++;
    return days;
}

uint64_t arch_rtc_seconds(void)
{
    uint8_t s, mi, h, d, mo, y, b;

    for (unsigned spin = 0; spin < 1000000 && (cmos(0x0a) & 0x80); spin++)
        ;                                   /* update in progress */
    s = cmos(0x00); mi = cmos(0x02); h = cmos(0x04);
    d = cmos(0x07); mo = cmos(0x08); y = cmos(0x09); b = cmos(0x0b);
    bool bin = b & 0x04;
    unsigned hour = (b & 0x02) ? bcd(h, bin)                                  /* 24-hour */
                               : bcd(h & 0x7f, bin) % 12 + ((h & 0x80) ? 12 : 0);
    return days_from_civil(2000 + bcd(y, bin), bcd(mo, bin), bcd(d, bin)) * 86400 +
           hour * 3600 + bcd(mi, bin) * 60 + bcd(s, bin);
}
