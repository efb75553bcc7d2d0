/*
 * The host's trace hooks (docs/trace.md).  In the traced host (build/host-trace.elf, built
 * with -DPVX_TRACE=1) each hook appends a record in xentrace's format to an in-memory ring
 * (host/trace/), which trace_dump() writes to the debug console at shutdown.  In every other
 * build the hooks are macros that vanish, so the release and debug hosts are the code they
 * would be without them.  Hook arguments must be free of side effects for that reason.
 * Trust: every value recorded is the host's own.
 */
#ifndef PVX_TRACE_H
#define PVX_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mm/types.h"

#ifdef PVX_TRACE

/* The domain's vCPU starts running (the first record), and the host's option tbuf_size=. */
void trace_start(domid_t domid, unsigned vcpu);
/* A hypercall as the dispatcher receives it; `sub`: an entry of a multicall. */
void trace_hypercall(unsigned long nr, const uint64_t args[6], bool sub);
/* An exception or interrupt from the guest, before the host decides what becomes of it. */
void trace_trap_entry(unsigned vector, uint32_t error, uint64_t rip);
/* `syscall` from guest user mode (bounced to the guest's syscall callback). */
void trace_user_syscall(uint64_t rip);
/* An exception queued for the guest's trap table: Xen's TRC_PV_TRAP / _PAGE_FAULT. */
void trace_exception_bounce(unsigned vector, bool has_error, uint32_t error, uint64_t rip,
                            uint64_t cr2);
/* The vCPU changes between guest kernel and guest user mode. */
void trace_mode_switch(bool to_user);
/* Results are passed through: `return trace_validate(..., rc);`. */
int trace_validate(mfn_t table, unsigned level, unsigned checked, int rc);
int trace_update(mfn_t table, unsigned level, unsigned slot, int rc);
int trace_pin(uint64_t mfn, unsigned level, int rc);
int trace_unpin(uint64_t mfn, int rc);
/* A TLB flush: all of it, or the page at va. */
void trace_flush_all(void);
void trace_flush_one(uint64_t va);
/* The domain is shut down: close the trace and write it to the debug console. */
void trace_dump(domid_t domid, unsigned vcpu);
/* A host option (tbuf_size=PAGES): the key is opt[0, klen); false if it is not one. */
bool trace_option(const char *opt, size_t klen, const char *val);

#else

/* Every other build: each hook is a macro that drops its arguments unevaluated (and a
 * result hook gives back its result), so the release and debug hosts are compiled from the
 * source they would be without the hooks.  The one exception, the count of entries a
 * validation checked, is a local counter the compiler then drops as dead.  The traced
 * build checks the calls. */
#define trace_start(domid, vcpu) ((void)0)
#define trace_hypercall(nr, args, sub) ((void)0)
#define trace_trap_entry(vector, error, rip) ((void)0)
#define trace_user_syscall(rip) ((void)0)
#define trace_exception_bounce(vector, has_error, error, rip, cr2) ((void)0)
#define trace_mode_switch(to_user) ((void)0)
#define trace_validate(table, level, checked, rc) ((void)(checked), (rc))
#define trace_update(table, level, slot, rc) (rc)
#define trace_pin(mfn, level, rc) (rc)
#define trace_unpin(mfn, rc) (rc)
#define trace_flush_all() ((void)0)
#define trace_flush_one(va) ((void)0)
#define trace_dump(domid, vcpu) ((void)0)
#define trace_option(opt, klen, val) false

#endif /* PVX_TRACE */
#endif
