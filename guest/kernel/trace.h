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

/* SYS_tmark: a user program opens (PVX_MARK_BEGIN) or closes (PVX_MARK_END, after `ops`
 * operations) the window named by the string at user address `uname`. */
long sys_tmark(uint64_t flags, uint64_t uname, uint64_t ops);

#endif
