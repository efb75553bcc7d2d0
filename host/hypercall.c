/*
 * Hypercall dispatch and the decoding of the memory hypercalls.
 *
 * Trust: every argument is a raw guest value.  Handlers here only decode: guest arrays are
 * range-checked once and read one element at a time (read_elem; a bad handle or a fault
 * gives -XEN_EFAULT), and the decoded request is handed to the module that owns it
 * (host/mm/ for paging).  Nothing here keeps state between calls.
 *
 * Partial progress: mmu_update and mmuext_op stop at the first failing request and report
 * how many succeeded through `done`; multicall runs every entry and writes each result back,
 * as Xen does (see do_multicall for nested multicalls and iret).
 */
#include <public/xen.h>
#include <public/errno.h>
#include "arch.h"
#include "hypercall.h"
#include "event.h"
#include "time.h"
#include "layout.h"
#include "guest_access.h"
#include "printk.h"
#include "refuse.h"
#include "trace.h"

#if defined(PVX_DEBUG) && !defined(PVX_DEBUG_AUDIT)
#define PVX_DEBUG_AUDIT 1
#endif
#ifndef PVX_DEBUG_AUDIT
#define PVX_DEBUG_AUDIT 0
#endif
#ifdef PVX_TRACE
#define PVX_TRACE_BUILD 1
#else
#define PVX_TRACE_BUILD 0
#endif

/* Debug builds (-DPVX_DEBUG) check the paging invariants after every hypercall and after
 * multicall entries (see do_multicall) (docs/design.md, Invariants); a violation is a host
 * bug, reported loudly. */
static void audit_after(unsigned long nr)
{
    char why[160];

    if (!PVX_DEBUG_AUDIT)
        return;
    if (mm_audit(NULL, 0, why, sizeof(why)) != 0) {
        printk("pvx: audit failed after hypercall %lu: %s\n", nr, why);
        domain_crash(current->domain, "paging invariant violated");
    }
}

/*
 * Xen's guest_handle_okay: only the start of a guest array is checked up front (below the
 * host's range, or above it); a fault further on is found by the copy of that element.
 */
static bool guest_handle_okay(uint64_t gva)
{
    return va_is_guest(gva);
}

/*
 * The element of a guest array at `at`, read when its turn comes (an earlier element may
 * have changed what maps it).  `whole`: guest_array_ok accepted the entire array up front,
 * so the element needs no range check of its own, only the copy's fault fixup.  Otherwise
 * (an array that runs into the non-canonical hole or wraps part way) each element is checked
 * as it is read, so the ones before the bad one still run, as under Xen.
 */
static int read_elem(void *dst, uint64_t at, size_t size, bool whole)
{
    return whole ? copy_from_guest_prechecked(dst, at, size) : copy_from_guest(dst, at, size);
}

static int write_elem(uint64_t at, const void *src, size_t size, bool whole)
{
    return whole ? copy_to_guest_prechecked(at, src, size) : copy_to_guest(at, src, size);
}

/*
 * Xen's get_pg_owner: only DOMID_SELF names the caller.  Naming itself by its own id is
 * refused like an unknown domain, and pvx runs no second domain a request could name.
 */
static int check_pg_owner(domid_t domid)
{
    return domid == DOMID_SELF ? 0 : REFUSE(-XEN_ESRCH, "foreign domid (only DOMID_SELF)");
}

/* The upper half of mmu_update's foreigndom names the pagetables' owner, plus one. */
static int check_pt_owner(uint32_t foreigndom)
{
    uint32_t pt_dom = foreigndom >> 16;

    if (pt_dom == 0 || pt_dom - 1 == current->domain->mm.domid)
        return 0;
    return REFUSE(-XEN_ESRCH, "foreign pagetable owner");
}

/* Xen adds the count done to *done whether or not the batch failed, and ignores a fault
 * writing it.  A continued call (MMU_UPDATE_PREEMPTED) adds to what *done already says. */
static void report_done(uint64_t done, unsigned before, unsigned i)
{
    unsigned total = before + i;

    if (done != 0)
        (void)copy_to_guest(done, &total, sizeof(total));
}

/* In mmu_update's and mmuext_op's count: the call is a continuation of a preempted one,
 * and `done` already holds the requests finished before (Xen's private flag, in the
 * guest's registers only between the two halves of one call). */
#define MMU_UPDATE_PREEMPTED (~(~0U >> 1))

/* The requests a preempted call finished before, from its `done` (0 if none is given). */
static unsigned done_before(uint64_t done, unsigned *count)
{
    unsigned before = 0;

    if (!(*count & MMU_UPDATE_PREEMPTED))
        return 0;
    *count &= ~MMU_UPDATE_PREEMPTED;
    if (done != 0)
        (void)copy_from_guest(&before, done, sizeof(before));
    return before;
}

/*
 * Preemption (Xen's hypercall_preempt_check): a long call stops between two requests when a
 * timer has expired or an event waits for the guest, and is re-issued from the next request
 * once the guest has taken it.  Checked every PREEMPT_EVERY requests, and right after any
 * request that validated or devalidated a pagetable: one such request can walk a whole tree,
 * so a batch of them must not run on unchecked (the check reads the TSC; a plain L1 update
 * is not worth it).  Inside a multicall the entry's own batch is preempted the same way: its
 * arguments for the rest are written back into the guest's multicall entry, and the
 * multicall is re-issued from that entry (Xen's MCSF_call_preempted), so no nesting escapes.
 */
#define PREEMPT_EVERY 16

static struct {
    bool active;                        /* a multicall entry is running */
    bool preempted;                     /* ... and asked to be continued, with args: */
    uint64_t args[6];
} mc_entry;

bool hypercall_preempt_due(unsigned i)
{
    static unsigned long walked;

    if (i == 0 || ((i % PREEMPT_EVERY) != 0 && mm_tables_walked == walked))
        return false;
    walked = mm_tables_walked;
    return hypercall_preempt_check();
}

long hypercall_continue(unsigned long nr, const uint64_t args[6])
{
    if (!mc_entry.active)
        return arch_hypercall_continue(nr, args);
    for (unsigned i = 0; i < 6; i++)
        mc_entry.args[i] = args[i];
    mc_entry.preempted = true;
    return 0;                           /* not written back: the entry runs again */
}

/* Each request in order; the first failure ends the batch, the ones before it stay done. */
long do_mmu_update(uint64_t reqs, unsigned count, uint64_t done, uint32_t foreigndom)
{
    struct domain *d = current->domain;
    unsigned i, before = done_before(done, &count);
    bool whole = guest_array_ok(reqs, count, sizeof(struct mmu_update));
    int rc;

    if (!guest_handle_okay(reqs))
        return REFUSE(-XEN_EFAULT, "request array in the host's range");
    rc = check_pg_owner((domid_t)foreigndom);
    for (i = 0; rc == 0 && i < count; i++) {
        struct mmu_update req;

        if (hypercall_preempt_due(i)) {
            const uint64_t args[6] = { reqs + (uint64_t)i * sizeof(req),
                                       (count - i) | MMU_UPDATE_PREEMPTED, done, foreigndom };
            report_done(done, before, i);
            return hypercall_continue(__HYPERVISOR_mmu_update, args);
        }
        rc = read_elem(&req, reqs + (uint64_t)i * sizeof(req), sizeof(req), whole);
        if (rc == 0)
            rc = mm_mmu_update_one(&d->mm, &current->mm, req.ptr, req.val);
        if (rc != 0)
            break;
    }
    report_done(done, before, i);
    return rc;
}

long do_mmuext_op(uint64_t ops, unsigned count, uint64_t done, uint32_t foreigndom)
{
    struct domain *d = current->domain;
    unsigned i, before = done_before(done, &count);
    bool whole = guest_array_ok(ops, count, sizeof(struct mmuext_op));
    int rc;

    if (!guest_handle_okay(ops))
        return REFUSE(-XEN_EFAULT, "operation array in the host's range");
    rc = check_pg_owner((domid_t)foreigndom);
    if (rc != 0)
        return rc;
    for (i = 0; rc == 0 && i < count; i++) {
        struct mmuext_op op;

        if (hypercall_preempt_due(i)) {
            const uint64_t args[6] = { ops + (uint64_t)i * sizeof(op),
                                       (count - i) | MMU_UPDATE_PREEMPTED, done, foreigndom };
            report_done(done, before, i);
            return hypercall_continue(__HYPERVISOR_mmuext_op, args);
        }
        rc = read_elem(&op, ops + (uint64_t)i * sizeof(op), sizeof(op), whole);
        if (rc == 0)
            rc = mm_mmuext_op_one(&d->mm, &current->mm, &op);
        if (rc != 0)
            break;
    }
    report_done(done, before, i);
    return rc;
}

long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags)
{
    return mm_update_va_mapping(&current->domain->mm, &current->mm, va, val, flags);
}

#define AUDIT_EVERY 64

/*
 * Run each entry as if the guest had made the call itself and write its result back; a
 * failing entry does not stop the batch (the guest reads every result), as in Xen.  A nested
 * multicall is refused with -EINVAL as that entry's result and the batch goes on (Xen's
 * "multicall reentry is disallowed").  An iret entry ends the batch: Xen runs it and stops,
 * because the entries after it would run in whatever mode the iret left the guest in (the
 * XSA-213 pattern); pvx refuses it outright (-EINVAL, written back and returned), so no
 * entry ever runs after an iret.  A long batch is preempted between entries and re-issued
 * from the first entry not done.
 */
long do_multicall(uint64_t list, unsigned nr)
{
    bool whole = guest_array_ok(list, nr, sizeof(struct multicall_entry));
    unsigned i;

    if (!guest_handle_okay(list))
        return REFUSE(-XEN_EFAULT, "multicall list in the host's range");
    for (i = 0; i < nr; i++) {
        struct multicall_entry call;
        uint64_t at = list + (uint64_t)i * sizeof(call);
        uint64_t result_at = at + offsetof(struct multicall_entry, result);

        if (hypercall_preempt_due(i)) {
            const uint64_t args[6] = { at, nr - i };
            return arch_hypercall_continue(__HYPERVISOR_multicall, args);
        }
        if (read_elem(&call, at, sizeof(call), whole) != 0)
            return -XEN_EFAULT;
        mc_entry.active = true;
        call.result = (uint64_t)hypercall_dispatch(call.op, call.args, true);
        mc_entry.active = false;
        if (mc_entry.preempted) {
            const uint64_t args[6] = { at, nr - i };

            mc_entry.preempted = false;
            for (unsigned k = 0; k < 6; k++)
                call.args[k] = mc_entry.args[k];
            if (write_elem(at + offsetof(struct multicall_entry, args), call.args,
                           sizeof(call.args), whole) != 0)
                return -XEN_EFAULT;
            return arch_hypercall_continue(__HYPERVISOR_multicall, args);
        }
        /* The debug audit: after every entry of a batch of up to AUDIT_EVERY entries, after
         * every AUDIT_EVERY-th of a longer one (a full audit per entry of a 20,000-entry
         * batch would take minutes under TCG); the dispatcher audits at the end. */
        if (nr <= AUDIT_EVERY || i % AUDIT_EVERY == AUDIT_EVERY - 1)
            audit_after(call.op);
        if (call.op == __HYPERVISOR_iret) {
            (void)write_elem(result_at, &call.result, sizeof(call.result), whole);
            return (long)call.result;
        }
        if (write_elem(result_at, &call.result, sizeof(call.result), whole) != 0)
            return -XEN_EFAULT;
    }
    return 0;
}

/*
 * The handlers, one per hypercall number this file owns, each taking the six argument words
 * as the guest passed them and decoding them to its own types (HYPERCALL_PORTABLE_HANDLERS,
 * hypercall.h, lists them).  A NULL entry in this file's table belongs to the machine
 * (arch_do_hypercall).  multicall and iret are also refused inside a batch by the dispatcher,
 * before the table is consulted.
 */
#define ARGS uint64_t a0 UNUSED, uint64_t a1 UNUSED, uint64_t a2 UNUSED, uint64_t a3 UNUSED, \
             uint64_t a4 UNUSED, uint64_t a5 UNUSED
#define UNUSED __attribute__((unused))

long hc_mmu_update(ARGS)
{
    long rc = check_pt_owner((uint32_t)a3);

    return rc != 0 ? rc : do_mmu_update(a0, (unsigned)a1, a2, (uint32_t)a3);
}
long hc_mmuext_op(ARGS) { return do_mmuext_op(a0, (unsigned)a1, a2, (uint32_t)a3); }
long hc_update_va_mapping(ARGS) { return do_update_va_mapping(a0, a1, a2); }
/* Only DOMID_SELF can name an owner here (Xen's get_pg_owner). */
long hc_update_va_mapping_otherdomain(ARGS)
{
    long rc = check_pg_owner((domid_t)a3);

    return rc != 0 ? rc : do_update_va_mapping(a0, a1, a2);
}
long hc_multicall(ARGS) { return do_multicall(a0, (unsigned)a1); }
long hc_event_channel_op(ARGS) { return do_event_channel_op((int)a0, a1); }
long hc_set_timer_op(ARGS) { return do_set_timer_op(a0); }
long hc_vcpu_op(ARGS) { return do_vcpu_op((int)a0, (unsigned)a1, a2); }
long hc_console_io(ARGS) { return do_console_io((int)a0, (unsigned)a1, a2); }
long hc_sched_op(ARGS) { return do_sched_op((int)a0, a1); }
long hc_xen_version(ARGS) { return do_xen_version((int)a0, a1); }
long hc_memory_op(ARGS) { return do_memory_op(a0, a1); }
long hc_grant_table_op(ARGS) { return do_grant_table_op((unsigned)a0, a1, (unsigned)a2); }
#undef ARGS
#undef UNUSED

hypercall_fn *const hypercall_table[HYPERCALL_TABLE_SIZE] = { HYPERCALL_PORTABLE_HANDLERS };

/* The debug audit and the traced host's records run per call in the dispatcher, so those
 * builds keep every call there; the release host turns it on with trace=hypercalls. */
bool hypercall_hooks_on = PVX_DEBUG_AUDIT || PVX_TRACE_BUILD;

/* The whole dispatch: the refusals inside a batch, the machine's calls, and the per-call
 * hooks (trace records, the debug audit, trace=hypercalls). */
static __attribute__((noinline)) long dispatch_hooked(unsigned long nr, const uint64_t a[6],
                                                     bool in_multicall, hypercall_fn *fn)
{
    long rc;

    trace_hypercall(nr, a, in_multicall);
    if (in_multicall && nr == __HYPERVISOR_multicall)
        rc = REFUSE(-XEN_EINVAL, "multicall inside a multicall");
    else if (in_multicall && nr == __HYPERVISOR_iret)
        /* The XSA-213 rule belongs to the batch (see do_multicall); the iret itself, which
         * rewrites the register frame, to the machine. */
        rc = REFUSE(-XEN_EINVAL, "iret inside a multicall (XSA-213)");
    else if (fn != NULL)
        rc = fn(a[0], a[1], a[2], a[3], a[4], a[5]);
    else
        rc = arch_do_hypercall(nr, a, in_multicall);
    if (!in_multicall)
        audit_after(nr);
    if (hypercall_trace_on)
        hypercall_trace(nr, a, rc);
    return rc;
}

long hypercall_dispatch(unsigned long nr, const uint64_t a[6], bool in_multicall)
{
    hypercall_fn *fn = nr < HYPERCALL_TABLE_SIZE ? hypercall_table[nr] : NULL;

    /* The common case, a portable call with no hook on, goes straight to its handler (a
     * multicall entry of every batch comes here); iret has no entry in this table. */
    if (fn != NULL && !hypercall_hooks_on && !(in_multicall && nr == __HYPERVISOR_multicall))
        return fn(a[0], a[1], a[2], a[3], a[4], a[5]);
    return dispatch_hooked(nr, a, in_multicall, fn);
}
