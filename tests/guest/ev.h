/*
 * Helpers for the event and time tests (tests/guest/ev_*.c): the event-channel, vcpu_op,
 * timer and sched_op calls as single raw hypercalls, the 2-level bits of a port, pvclock
 * system time, and the clean state every test starts and ends in (no port open, no timer
 * armed, nothing pending, events masked).  They return the hypervisor's raw results and
 * hide no failure; the upcalls themselves are the harness's (pvexec.h).
 */
#ifndef TESTS_GUEST_EV_H
#define TESTS_GUEST_EV_H

#include <public/event_channel.h>
#include <public/vcpu.h>
#include "pvexec.h"
#include "kernel/console.h"

#define EV_MS 1000000UL                      /* nanoseconds in a millisecond */

/* Xen's struct evtchn_init_control (EVTCHNOP_init_control, the FIFO ABI), which pvx's
 * public headers leave out: pvx offers only the 2-level ABI. */
struct ev_init_control {
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits;
    uint8_t pad[7];
};

static inline long ev_op(unsigned cmd, void *arg)
{
    return HC(__HYPERVISOR_event_channel_op, cmd, 1, cmd, arg, 0, 0, 0);
}

static inline long ev_vcpu_op(unsigned cmd, unsigned vcpu, void *arg)
{
    return HC(__HYPERVISOR_vcpu_op, cmd, 1, cmd, vcpu, arg, 0, 0);
}

static inline long ev_set_timer_op(uint64_t deadline)
{
    return HC(__HYPERVISOR_set_timer_op, 0, 1, deadline, 0, 0, 0, 0);
}

/* The event-channel operations; a port they produce goes to *port. */
long ev_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
long ev_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
long ev_alloc_unbound(domid_t remote, evtchn_port_t *port);
long ev_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port);
long ev_send(evtchn_port_t port);
long ev_close(evtchn_port_t port);
long ev_unmask(evtchn_port_t port);
long ev_bind_vcpu(evtchn_port_t port, uint32_t vcpu);
long ev_status(evtchn_port_t port, struct evtchn_status *st);

/* A loopback pair: a = alloc_unbound(remote DOMID_SELF), b = bind_interdomain(SELF, a),
 * with the event the bind raised on b cleared again (its pending bit, the selector,
 * evtchn_upcall_pending).  FAILURE (naming the step) unless both succeed. */
bool ev_loopback(struct xtf_result *res, evtchn_port_t *a, evtchn_port_t *b);

/* The 2-level bits of a port, in shared_info and vcpu_info[0]. */
bool ev_pending(evtchn_port_t port);
bool ev_masked(evtchn_port_t port);
bool ev_sel(evtchn_port_t port);            /* its word's bit in evtchn_pending_sel */
void ev_mask_set(evtchn_port_t port, bool masked);   /* the guest's own write */
void ev_pending_clear(evtchn_port_t port);  /* the guest's own write */
static inline uint8_t ev_upcall_pending(void) { return vcpu0()->evtchn_upcall_pending; }
static inline uint8_t ev_upcall_mask(void) { return vcpu0()->evtchn_upcall_mask; }

/* FAILURE "what: port P bits (pending masked sel upcall) expected W got G" unless the
 * port's pending and mask bits, its selector bit and evtchn_upcall_pending are as given. */
bool ev_expect_bits(struct xtf_result *res, const char *what, evtchn_port_t port,
                    bool pending, bool masked, bool sel, bool upcall);

/* FAILURE "what: expected E got R" unless rc == expected; for the errno-table tests. */
#define ev_rc(res, what, rc, expected) xtf_expect_rc(res, what, rc, expected)

/* pvclock: the system time (ns) now, from vcpu_info[0].time and the TSC; the system time
 * a TSC value stands for, and the TSC value at which a system time is reached (both with
 * the current time info). */
uint64_t ev_now(void);
uint64_t ev_tsc_to_ns(uint64_t tsc);
uint64_t ev_ns_to_tsc(uint64_t ns);
static inline uint64_t ev_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Spin with events unmasked until an upcall beyond `events_before` was taken or `ns` of
 * system time passed; events are masked again after.  An event already pending when it
 * unmasks is delivered by a hypercall at once, as a PV kernel's irq-enable does.  True if
 * an upcall came. */
bool ev_wait_upcall(uint64_t events_before, uint64_t ns);
/* Spin for `ns` of system time with the event mask as it is. */
void ev_spin(uint64_t ns);

/* The set-up a test needs (pvexec_need) and the clean state: every port 1-63 closed, the
 * one-shot, set_timer_op and periodic timers stopped, no pending or mask bit (Xen starts
 * a domain with none masked), selector or evtchn_upcall_pending left, events masked.  False (ERROR, naming what) if that fails. */
bool ev_begin(struct xtf_result *res, unsigned need);
/* The clean state again at the end of a test (an ERROR if it cannot be had). */
void ev_end(struct xtf_result *res);

/* A note line: "xtf: TEST: note: ..." */
#define ev_note(test, ...) \
    do { printk("xtf: %s: note: ", test); printk(__VA_ARGS__); printk("\n"); } while (0)

#endif
