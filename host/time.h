/*
 * Time as a PV guest sees it (Xen's model): system time in nanoseconds since the host
 * booted, published per vCPU as pvclock (vcpu_time_info: a TSC stamp, the system time then,
 * and the scale from TSC ticks to nanoseconds), the wall clock at system time 0 in
 * shared_info, and the vCPU's one-shot and periodic timers, which raise VIRQ_TIMER.
 */
#ifndef PVX_TIME_H
#define PVX_TIME_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;

/* A vCPU's timers: absolute system times in ns, 0 = not set. */
struct vcpu_timers {
    uint64_t singleshot;        /* set_timer_op / VCPUOP_set_singleshot_timer */
    uint64_t poll_timeout;      /* SCHEDOP_poll's timeout while it waits */
    uint64_t periodic_next;     /* VCPUOP_set_periodic_timer: next expiry */
    uint64_t periodic_period;   /* its period, 0 = stopped */
};

/* The time scale from the calibrated TSC rate (boot, after arch_time_init). */
void time_init(void);
/* System time now, in ns. */
uint64_t time_now(void);
/* Publish the wall clock and every vCPU's pvclock to a new domain. */
void time_domain_start(struct domain *d);
/* The timer interrupt: run what expired, publish pvclock, arm the next expiry. */
void time_interrupt(void);
/* Arm the machine timer for v's earliest expiry (after any change to its timers). */
void time_arm(struct vcpu *v);
/* Whether a timer has expired and waits for the interrupt: a long hypercall should stop
 * (hypercall_preempt_check). */
bool time_work_pending(void);

/* v enters RUNSTATE_* `state` (running, blocked): account the time, update its area. */
void time_runstate_change(struct vcpu *v, int state);

long do_set_timer_op(uint64_t timeout);
long do_vcpu_op(int cmd, unsigned vcpuid, uint64_t arg);

#endif
