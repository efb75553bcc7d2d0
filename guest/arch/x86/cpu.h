/*
 * x86 CPU set-up the backends share with the entry code: the native descriptor tables
 * (GDT with TSS, IDT, syscall MSRs, the PIC and PIT timer) and the native boot-time IDT.
 */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* Boot: an IDT whose every exception goes to trap() (which stops the run on a kernel
 * fault).  Requires: ring 0. */
void native_idt_init(void);
/* Processes: GDT with user segments and a TSS, syscall MSRs, and (if `timer`) a 100 Hz
 * timer on vector 32 (it fires only where interrupts are on: user mode and halt). */
void native_cpu_init(bool timer);
/* The stack the CPU switches to on an entry from ring 3 (TSS.rsp0). */
void native_set_rsp0(uint64_t sp);
/* End of interrupt for the timer (IRQ0). */
void native_timer_eoi(void);

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif
