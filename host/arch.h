/*
 * What portable host code (the files in host/, and host/mm/ through mm/arch.h) may ask of
 * the machine it runs on.  host/arch/x86/ implements it; nothing portable includes an arch
 * header or reads a register, so the domain, builder and hypercall code stay
 * machine-independent.
 */
#ifndef PVX_ARCH_H
#define PVX_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/types.h"

struct vcpu;
struct dom0_entry;

/*
 * The hypercalls that belong to the machine: those that read or rewrite the vCPU's saved
 * register frame (iret, stack_switch, set_segment_base, ...) and the other x86-only ones.
 * hypercall_dispatch() hands every number it does not own to this hook; the frame is the
 * current vCPU's.  Returns the value for the guest's rax, or -XEN_ENOSYS for an unknown
 * number.  `in_multicall` as for hypercall_dispatch().
 */
long arch_do_hypercall(unsigned long nr, const uint64_t args[6], bool in_multicall);

/* A host pointer to `nr` machine-contiguous frames from `first` as one range (a host run of
 * mm_alloc_host_run: the builder decompresses a kernel into it). */
void *arch_map_frames(mfn_t first, uint64_t nr);

/* Entry i of the machine's memory map as the firmware or loader gave it (E820 types: 1 RAM,
 * 2 reserved, 3 ACPI data, 4 ACPI NVS, 5 unusable); false past the last. */
bool arch_machine_map_entry(unsigned i, uint64_t *addr, uint64_t *size, uint32_t *type);

/* The 4 KiB hypercall page as this machine's guests call it (Xen's stubs). */
void arch_write_hypercall_page(uint8_t *page);

/* Start the freshly built vCPU at `e` (registers, the host's self-checks, first entry).
 * Does not return: from here the vCPU runs until its domain ends. */
void arch_dom0_start(struct vcpu *v, const struct dom0_entry *e) __attribute__((noreturn));

/* Give v its machine half (v->arch): registers, mode, pending bounce.  At vCPU creation. */
void arch_vcpu_init(struct vcpu *v);

/* Print v's saved registers (crash reports); nothing if it has none. */
void arch_vcpu_dump(const struct vcpu *v);

/* Let go of domain d before its frames are released: leave its pagetables for the host's
 * own, and give back what the CPU holds of it (descriptor tables). */
struct domain;
void arch_domain_release(struct domain *d);

/* End the run: report `code` to the machine's exit device (QEMU's isa-debug-exit). */
void arch_stop_machine(unsigned code) __attribute__((noreturn));

/* --- time, interrupts, the serial line ------------------------------------------------- */

/* Calibrate the clocks and start the interrupt controllers (boot, once memory is up). */
void arch_time_init(void);
/* The CPU's time-stamp counter, and its rate in Hz (calibrated at boot). */
uint64_t arch_tsc(void);
uint64_t arch_tsc_hz(void);
/* Raise the timer interrupt (time.c's time_interrupt) at TSC `deadline`; 0 disarms it. */
void arch_timer_program(uint64_t deadline);
/* Wait with interrupts on until one arrives; it is handled before this returns. */
void arch_idle(void);
/* The real-time clock now, in seconds since 1970-01-01 00:00 UTC. */
uint64_t arch_rtc_seconds(void);
/* The serial console: set it up, write one byte, read one (-1: none waiting), and raise an
 * interrupt for every byte received from now on (console.c's console_rx_interrupt). */
void arch_serial_init(void);
void arch_serial_putc(char c);
int arch_serial_getc(void);
void arch_serial_rx_enable(void);
void arch_console_irq_enable(void);

/* Re-issue hypercall `nr` with `args` when the vCPU next runs (Xen's
 * hypercall_create_continuation): the frame is rewound to the hypercall instruction.
 * Returns the value the caller must return (it becomes rax, the number again). */
long arch_hypercall_continue(unsigned long nr, const uint64_t args[6]);

/* A host bug: print the reason and stop the machine with exit code 0x1f. */
void arch_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
