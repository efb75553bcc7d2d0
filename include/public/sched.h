/*
 * pvx public ABI: sched_op(cmd, arg), how a vCPU gives up the CPU.  yield: let others run;
 * block: sleep until an event is pending (and unmask events); shutdown: end the domain with
 * a reason (never returns on success).  Values and layouts are Xen's.
 */
#ifndef PVX_PUBLIC_SCHED_H
#define PVX_PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield            0   /* arg NULL */
#define SCHEDOP_block            1   /* arg NULL */
#define SCHEDOP_shutdown         2   /* arg struct sched_shutdown */
#define SCHEDOP_poll             3   /* arg struct sched_poll */
#define SCHEDOP_remote_shutdown  4   /* arg struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code    5   /* arg struct sched_shutdown: record a reason only */
#define SCHEDOP_watchdog         6   /* arg struct sched_watchdog */
#define SCHEDOP_pin_override     7   /* arg struct sched_pin_override */

/* Shutdown reasons. */
#define SHUTDOWN_poweroff    0   /* exited normally */
#define SHUTDOWN_reboot      1
#define SHUTDOWN_suspend     2
#define SHUTDOWN_crash       3
#define SHUTDOWN_watchdog    4
#define SHUTDOWN_soft_reset  5
#define SHUTDOWN_MAX         5

#ifndef __ASSEMBLY__

struct sched_shutdown {
    unsigned int reason;   /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

/* Block until one of `ports` is pending or `timeout` (system time, ns; 0 = none) passes. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    unsigned int nr_ports;
    uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

struct sched_pin_override {
    int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);

#endif /* !__ASSEMBLY__ */

#endif
