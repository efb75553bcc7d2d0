/*
 * pvx public ABI: the xentrace record format, the part of Xen's public trace.h that pvx's
 * host trace uses (docs/trace.md).  A trace is a stream of struct t_rec records, each a
 * 32-bit header (event, number of extra words, whether a TSC follows), an optional 64-bit
 * TSC and up to 7 extra 32-bit words.  Values and layouts are Xen's; pvx's own events are
 * in pvx_trace.h.
 */
#ifndef PVX_PUBLIC_TRACE_H
#define PVX_PUBLIC_TRACE_H

#include "xen.h"

#define TRACE_EXTRA_MAX    7            /* extra words a record may carry */
#define TRACE_EXTRA_SHIFT 28            /* where the extra-word count sits in the header */

/* An event is class (bits 16-27, one bit per class), subclass (12-15) and minor (0-11). */
#define TRC_CLS_SHIFT    16
#define TRC_SUBCLS_SHIFT 12
#define TRC_GEN      0x0001f000         /* general: lost records, buffer changes */
#define TRC_SCHED    0x0002f000         /* the scheduler */
#define TRC_PV       0x0020f000         /* PV guests' entries into the hypervisor */
#define TRC_HD_CYCLE_FLAG (1U << 31)    /* header bit: a TSC follows the header */

#define TRC_SCHED_MIN 0x00021000        /* runstate changes */
#define TRC_PV_ENTRY   0x00201000       /* hypervisor entry points for PV guests */
#define TRC_PV_SUBCALL 0x00202000       /* an entry of a multicall */

/* TRC_GEN: the records of the trace machinery itself. */
#define TRC_LOST_RECORDS     (TRC_GEN + 1)  /* u32 count, u16 dom, u16 vcpu, u64 first TSC */
#define TRC_TRACE_CPU_CHANGE (TRC_GEN + 3)  /* no TSC; u32 cpu, u32 bytes of records after */

/* TRC_SCHED: a vCPU changes runstate.  The old and new RUNSTATE_* (vcpu.h) are in the
 * event itself, at bits 8 and 4; one extra word: domain << 16 | vcpu. */
#define TRC_SCHED_RUNSTATE_CHANGE (TRC_SCHED_MIN + 1)

/* TRC_PV: what a PV guest made the hypervisor do. */
#define TRC_PV_TRAP                 (TRC_PV_ENTRY + 3)   /* an exception bounced to it */
#define TRC_PV_PAGE_FAULT           (TRC_PV_ENTRY + 4)   /* a page fault bounced to it */
#define TRC_PV_EMULATE_PRIVOP       (TRC_PV_ENTRY + 6)   /* a privileged insn emulated */
#define TRC_PV_HYPERCALL_V2         (TRC_PV_ENTRY + 13)  /* a hypercall */
#define TRC_PV_HYPERCALL_SUBCALL    (TRC_PV_SUBCALL + 14) /* a multicall entry */
#define TRC_64_FLAG 0x100               /* the record's addresses are 64 bits */

/*
 * TRC_PV_HYPERCALL_V2 and _SUBCALL: word 0 is the hypercall number in bits 0-19 and, in
 * bits 20-31, two bits per argument 0-5 saying whether it follows (01: 32 bits, 10: 64
 * bits); the arguments that follow come in order.  Xen records the count of mmu_update,
 * mmuext_op and multicall (argument 1), the command of sched_op (0), and of vcpu_op the
 * command and the vCPU (0, 1).
 */
#define TRC_PV_HYPERCALL_V2_ARG_32(i) (0x1 << (20 + 2 * (i)))
#define TRC_PV_HYPERCALL_V2_ARG_64(i) (0x2 << (20 + 2 * (i)))
#define TRC_PV_HYPERCALL_V2_ARG_MASK  (0xfff00000)

#ifndef __ASSEMBLY__

/* One record as the hypervisor writes it.  With cycles_included the TSC comes first and
 * then the extra words (u.cycles), else the extra words at once (u.nocycles). */
struct t_rec {
    uint32_t event:28;
    uint32_t extra_u32:3;               /* entries in extra_u32[] */
    uint32_t cycles_included:1;
    union {
        struct {
            uint32_t cycles_lo, cycles_hi;
            uint32_t extra_u32[7];
        } cycles;
        struct {
            uint32_t extra_u32[7];
        } nocycles;
    } u;
};

#endif /* !__ASSEMBLY__ */
#endif
