/*
 * What the trace code asks of the machine (host/trace/x86.c): a timestamp on the clock the
 * guest reads too, and a way out for the dump.
 */
#ifndef PVX_TRACE_ARCH_H
#define PVX_TRACE_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* The TSC: the guest's rdtsc reads the same counter, so both traces share one clock. */
uint64_t trace_arch_tsc(void);

/* Write n bytes to QEMU's debug console (I/O port PVX_TRACE_PORT). */
void trace_arch_write(const void *p, size_t n);

#endif
