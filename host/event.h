/*
 * Event channels, Xen's 2-level ABI: a port is one bit in shared_info's evtchn_pending and
 * evtchn_mask; raising a port that is not masked sets the word's bit in the vCPU's
 * evtchn_pending_sel and evtchn_upcall_pending, and the exit step then enters the guest's
 * event callback (while evtchn_upcall_mask is clear).  Ports are bound to a VIRQ, to an IPI,
 * or to another port of the same domain (a loopback pair: pvx runs one domain).
 */
#ifndef PVX_EVENT_H
#define PVX_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <public/event_channel.h>
#include <public/xen.h>

struct domain;
struct vcpu;

#define EVTCHN_NR_PORTS       EVTCHN_2L_NR_CHANNELS   /* 4096 */
#define EVTCHN_PORTS_PER_BUCKET 64                    /* ports become valid 64 at a time */

enum evtchn_state { ECS_FREE, ECS_RESERVED, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_VIRQ, ECS_IPI };

struct evtchn {
    uint8_t state;             /* enum evtchn_state */
    uint8_t notify_vcpu;
    uint16_t virq;             /* ECS_VIRQ */
    uint32_t remote_port;      /* ECS_INTERDOMAIN: the other end (same domain) */
};

/* A domain's event channels. */
struct evtchn_domain {
    struct evtchn port[EVTCHN_NR_PORTS];
    unsigned valid;            /* ports [0, valid) exist; grows by buckets as they are used */
    uint32_t virq_port[NR_VIRQS];   /* vCPU 0's VIRQ bindings (port 0: unbound) */
    uint64_t raised;           /* ports that became pending, ever (SCHEDOP_poll wakes on it) */
};

/* Port 0 reserved, nothing bound. */
void evtchn_domain_init(struct domain *d);

/* Raise `virq` of vCPU v if the guest bound it (a timer expiry, console input). */
void evtchn_send_virq(struct vcpu *v, unsigned virq);

/* Whether v has an event the guest would take now: pending and not masked (in every exit,
 * so inline; vcpu_info is in domain.h). */
static inline bool evtchn_upcall_wanted(const struct vcpu *v);

/* Whether port `p` of d is pending (SCHEDOP_poll). */
bool evtchn_port_pending(const struct domain *d, uint32_t p);

long do_event_channel_op(int cmd, uint64_t arg);

#endif
