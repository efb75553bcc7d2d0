/*
 * Hypercall dispatch.  The x86 entry path (syscall from guest kernel mode, or the hypercall
 * page) hands the call number and six raw argument words to hypercall_dispatch(); each
 * do_* handler decodes its guest arguments (through copy_from_guest) and hands off to the
 * module that owns the operation.  Every handler returns 0/positive or a negative Xen errno.
 */
#ifndef PVX_HYPERCALL_H
#define PVX_HYPERCALL_H

#include <stdint.h>
#include <public/xen.h>
#include "domain.h"

/* A hypercall handler: the six argument words as the guest passed them. */
typedef long hypercall_fn(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5);

/* Hypercall numbers below this have a slot in the handler tables; the rest are unknown. */
#define HYPERCALL_TABLE_SIZE 48

/* The portable handlers (hypercall.c), as designated initializers: hypercall.c's table and
 * the machine's table of every hypercall (its entry's) are both built from this list. */
hypercall_fn hc_mmu_update, hc_mmuext_op, hc_update_va_mapping, hc_update_va_mapping_otherdomain,
    hc_multicall, hc_event_channel_op, hc_set_timer_op, hc_vcpu_op, hc_console_io, hc_sched_op,
    hc_xen_version, hc_memory_op, hc_grant_table_op;
#define HYPERCALL_PORTABLE_HANDLERS                                                       \
    [__HYPERVISOR_mmu_update] = hc_mmu_update,                                            \
    [__HYPERVISOR_mmuext_op] = hc_mmuext_op,                                              \
    [__HYPERVISOR_update_va_mapping] = hc_update_va_mapping,                              \
    [__HYPERVISOR_update_va_mapping_otherdomain] = hc_update_va_mapping_otherdomain,      \
    [__HYPERVISOR_multicall] = hc_multicall,                                              \
    [__HYPERVISOR_event_channel_op] = hc_event_channel_op,                                \
    [__HYPERVISOR_set_timer_op] = hc_set_timer_op,                                        \
    [__HYPERVISOR_vcpu_op] = hc_vcpu_op,                                                  \
    [__HYPERVISOR_console_io] = hc_console_io,                                            \
    [__HYPERVISOR_sched_op] = hc_sched_op,                                                \
    [__HYPERVISOR_xen_version] = hc_xen_version,                                          \
    [__HYPERVISOR_memory_op] = hc_memory_op,                                              \
    [__HYPERVISOR_grant_table_op] = hc_grant_table_op

/* hypercall.c's table: the portable handlers only (NULL: the machine's, arch_do_hypercall). */
extern hypercall_fn *const hypercall_table[HYPERCALL_TABLE_SIZE];

/* True when every call must come through hypercall_dispatch for its per-call hooks (the
 * debug audit, either trace): the machine's entry then never calls a table entry itself. */
extern bool hypercall_hooks_on;

/* Dispatch hypercall `nr` for the current vCPU.  `in_multicall` is true for a multicall
 * entry, where multicall and iret are refused. */
long hypercall_dispatch(unsigned long nr, const uint64_t args[6], bool in_multicall);

/* Whether a long hypercall should stop and be continued: a timer expired, or an event waits
 * for the guest (sched.c). */
bool hypercall_preempt_check(void);

/* For a call that works through requests: whether to stop before request i (every 16th,
 * and after one that walked a pagetable, when hypercall_preempt_check says so). */
bool hypercall_preempt_due(unsigned i);

/* Stop the current call and re-issue `nr` with `args` once the guest has taken its event
 * (arch_hypercall_continue); inside a multicall, through the multicall entry.  The caller
 * returns what this returns. */
long hypercall_continue(unsigned long nr, const uint64_t args[6]);

/* trace.c (host option trace=hypercalls, which sets hypercall_trace_on): note one call and
 * its result; list them all. */
extern bool hypercall_trace_on;
void hypercall_trace(unsigned long nr, const uint64_t args[6], long rc);
void hypercall_trace_report(void);

/* Handlers, one per owning module. */
long do_mmu_update(uint64_t reqs, unsigned count, uint64_t done, uint32_t foreigndom);
long do_mmuext_op(uint64_t ops, unsigned count, uint64_t done, uint32_t foreigndom);
long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags);           /* hypercall.c */
long do_multicall(uint64_t list, unsigned nr);                                   /* hypercall.c */
long do_console_io(int cmd, unsigned count, uint64_t buffer);                    /* console.c */
long do_sched_op(int cmd, uint64_t arg);                                         /* sched.c */
long do_xen_version(int cmd, uint64_t arg);
long do_memory_op(uint64_t cmd, uint64_t arg);                                    /* memory_op.c */
long do_grant_table_op(unsigned cmd, uint64_t uop, unsigned count);              /* grant_table.c */                                      /* version.c */

#endif
