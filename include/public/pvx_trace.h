/*
 * pvx's trace formats, version 1 (docs/trace.md): what the guest records of the hypercalls
 * it issues, pvx's own events in the host's xentrace stream, and how both leave the
 * machine at shutdown (written to I/O port 0xe9, QEMU's -debugcon).  Everything is little
 * endian.  A reader refuses a version it does not know; a change of layout or meaning
 * takes a new PVX_TRACE_VERSION.
 */
#ifndef PVX_PUBLIC_PVX_TRACE_H
#define PVX_PUBLIC_PVX_TRACE_H

#include "trace.h"

#define PVX_TRACE_VERSION 1
#define PVX_TRACE_PORT    0xe9          /* QEMU's debug console (-debugcon file:...) */

/*
 * The debug-console stream: one or more blobs, each a struct pvx_trace_blob and then
 * `size` bytes of payload.  The guest writes its blob when it shuts down, then (under pvx)
 * the host writes its own.  Bytes between blobs that do not start with the magic are not
 * pvx's and are skipped by readers.
 */
#define PVX_TRACE_MAGIC     "PVXTRACE"  /* 8 bytes, no terminating NUL in the blob */
#define PVX_TRACE_GUEST     1           /* payload: guest records (below) */
#define PVX_TRACE_HOST      2           /* payload: a xentrace stream, as xentrace writes */

/* The platform a guest blob was recorded on (as the guest tells them apart). */
#define PVX_PLATFORM_NATIVE 0
#define PVX_PLATFORM_PVX    1
#define PVX_PLATFORM_XEN    2

#define PVX_BLOB_BATCH      1           /* flags: the guest batched (pvx.batch=on) */

/*
 * The guest's records.  Each starts with struct pvx_trec; `size` is the whole record in
 * 8-byte words, so a reader can step over a kind it does not know.  Records never cross a
 * 4 KiB boundary of the payload: the rest of a page that cannot hold the next record is
 * one PVX_REC_PAD record (only its first two bytes mean anything).
 */
#define PVX_REC_PAD        0            /* filler to the end of a page */
#define PVX_REC_HYPERCALL  1            /* struct pvx_trec_hypercall: one hypercall issued */
#define PVX_REC_MC_ENTRY   2            /* struct pvx_trec_hypercall: an entry of the
                                         * multicall recorded just before (tsc_after 0) */
#define PVX_REC_KENTRY     3            /* struct pvx_trec: the kernel was entered; arg is
                                         * the vector (PVX_KENTRY_SYSCALL: a system call) */
#define PVX_REC_MARK       4            /* struct pvx_trec_mark: a workload's window */

#define PVX_KENTRY_SYSCALL 0x100        /* arg of a KENTRY for a system call */
#define PVX_KENTRY_USER    1            /* flags of a KENTRY: it came from user mode */
#define PVX_KENTRY_PV      2            /* flags of a KENTRY: it came through a hypervisor */

#define PVX_MARK_BEGIN     1            /* flags of a MARK: the window opens */
#define PVX_MARK_END       2            /* flags of a MARK: it closes; arg = operations */
#define PVX_MARK_CALIBRATE "calibrate"  /* a window with nothing in it: the measurement's
                                         * own cost, subtracted from every other window */

/* The pvops hook that caused a hypercall (the guest's enum pv_hook, in this order). */
#define PVX_HOOK_DIRECT        0        /* no hook: boot code, hypervisor probes, tests */
#define PVX_HOOK_WRITE_CR3     1
#define PVX_HOOK_FLUSH_TLB     2
#define PVX_HOOK_SET_PTE       3
#define PVX_HOOK_SET_PMD       4
#define PVX_HOOK_SET_PUD       5
#define PVX_HOOK_SET_PGD       6
#define PVX_HOOK_PROTECT       7
#define PVX_HOOK_ALLOC_PT      8
#define PVX_HOOK_RELEASE_PT    9
#define PVX_HOOK_PIN          10
#define PVX_HOOK_UNPIN        11
#define PVX_HOOK_CONSOLE      12
#define PVX_HOOK_SHUTDOWN     13
#define PVX_HOOK_HALT         14
#define PVX_HOOK_STACK_SWITCH 15
#define PVX_HOOK_CPU          16
#define PVX_HOOK_IRET         17
#define PVX_HOOK_NR           18

/*
 * pvx's own events in the host's xentrace stream.  xenalyze (Xen 4.17) stops at a record
 * whose class is not one of Xen's eight, so they are a subclass of their own, 8, of the
 * general class, which xenalyze prints as raw words.  Addresses and frame numbers are two
 * words, low first.
 */
#define TRC_PVX              0x00018000
#define TRC_PVX_TRAP_ENTRY   (TRC_PVX + 1)  /* an exception or interrupt from the guest:
                                             * vector, error code, rip lo, rip hi */
#define TRC_PVX_SYSCALL      (TRC_PVX + 2)  /* `syscall` from guest user mode, bounced to
                                             * its callback: rip lo, rip hi */
#define TRC_PVX_MODE         (TRC_PVX + 3)  /* guest kernel <-> user: 1 to user, 0 to kernel */
#define TRC_PVX_VALIDATE     (TRC_PVX + 4)  /* a pagetable page validated: mfn lo, mfn hi,
                                             * level, present entries checked, result */
#define TRC_PVX_UPDATE       (TRC_PVX + 5)  /* one entry checked and written by mmu_update,
                                             * update_va_mapping or an emulated store: mfn
                                             * lo, mfn hi, level << 16 | slot, result */
#define TRC_PVX_PIN          (TRC_PVX + 6)  /* mfn lo, mfn hi, level, result */
#define TRC_PVX_UNPIN        (TRC_PVX + 7)  /* mfn lo, mfn hi, result */
#define TRC_PVX_FLUSH        (TRC_PVX + 8)  /* a TLB flush: 0 all, 1 one page (va lo, hi) */

#ifndef __ASSEMBLY__

struct pvx_trace_blob {
    char     magic[8];                  /* PVX_TRACE_MAGIC */
    uint32_t version;                   /* PVX_TRACE_VERSION */
    uint32_t kind;                      /* PVX_TRACE_GUEST or PVX_TRACE_HOST */
    uint64_t size;                      /* bytes of payload after this header */
    uint64_t records;                   /* records in the payload (PAD not counted) */
    uint64_t lost;                      /* records dropped because the ring was full */
    uint64_t first_lost_tsc;            /* TSC of the first one dropped (0: none) */
    uint64_t tsc_end;                   /* TSC when the recording ended */
    uint32_t platform;                  /* PVX_PLATFORM_* (host blob: PVX_PLATFORM_PVX) */
    uint32_t flags;                     /* PVX_BLOB_* */
    char     cmdline[192];              /* the recorder's command line, NUL-padded */
};                                      /* 256 bytes */

struct pvx_trec {
    uint8_t  kind;                      /* PVX_REC_* */
    uint8_t  size;                      /* the whole record, in 8-byte words */
    uint8_t  hook;                      /* PVX_HOOK_* (hypercall records) */
    uint8_t  flags;
    uint32_t arg;                       /* sub-op, vector or operations (see the kind) */
    uint64_t tsc;                       /* when: before the hypercall, or at the event */
};

struct pvx_trec_hypercall {
    struct pvx_trec h;                  /* arg: the command (mmuext cmd, sched op, ...) */
    uint64_t tsc_after;                 /* when it returned; 0: it does not return (iret) */
    uint16_t nr;                        /* the hypercall */
    uint16_t batch;                     /* requests it carries (multicall entries, ...) */
    int32_t  rc;                        /* what it returned (0 when it does not return) */
};

struct pvx_trec_mark {
    struct pvx_trec h;                  /* flags: PVX_MARK_*; arg: operations (END) */
    char     name[];                    /* NUL-terminated, padded to the record's end */
};

#endif /* !__ASSEMBLY__ */
#endif
