/*
 * The kernel's side of the guest trace (pvops/trace.c records; docs/trace.md): starting it
 * from the command line, the windows user programs mark, and writing it out at shutdown
 * to the debug console (I/O port 0xe9, QEMU's -debugcon), where the host's trace follows.
 */
#ifndef GUEST_KERNEL_TRACE_H
#define GUEST_KERNEL_TRACE_H

#include <stdint.h>

/* pvx.trace=on [pvx.trace_kb=N]: take N KiB of frames (default 2048) and start recording.
 * Requires: the frame allocator is up. */
void trace_init(void);

/* Stop recording and write the trace out; nothing if it was never started. */
void trace_finish(void);

/* Entries into the kernel since boot (trap(): system calls, faults, timer ticks). */
extern uint64_t kernel_entries;

/* A measured window opens (TMARK_BEGIN) or closes (TMARK_END, after `ops` operations) at
 * `tsc` (SYS_tmark): recorded in the trace when there is one. */
void trace_mark(unsigned flags, const char *name, unsigned ops, uint64_t tsc);

#endif
