/*
 * Profiling window markers, shared by the guest (which executes them) and the profiler
 * plugin (which recognises them by their bytes).  A marker is `nopl MARK(%rax)`, the 7-byte
 * no-op 0f 1f 80 <MARK as disp32>: it does nothing, never traps, and reads the same in ring 0
 * and ring 3, natively, under pvx and under Xen, so one guest binary marks its window the
 * same way everywhere.  Under -icount each marker costs one instruction, nothing else.
 */
#ifndef PROFILE_MARKER_H
#define PROFILE_MARKER_H

#define PROFILE_MARK_BASE  0x70767800u          /* "pvx" in the upper three bytes */
#define PROFILE_MARK_START (PROFILE_MARK_BASE | 1)  /* open a window */
#define PROFILE_MARK_ITER  (PROFILE_MARK_BASE | 2)  /* one iteration of the measured loop */
#define PROFILE_MARK_STOP  (PROFILE_MARK_BASE | 3)  /* close it: the plugin reports it */

#ifndef __ASSEMBLER__
/* Execute marker m (one of the PROFILE_MARK_* constants). */
#define profile_mark(m) __asm__ volatile("nopl %c0(%%rax)" : : "i"(m) : "memory")
#endif

#endif
