/*
 * pvx public ABI: event_channel_op(cmd, arg), the basic 2-level event channels.  A port is
 * a bit in shared_info.evtchn_pending/evtchn_mask; binding connects it to a source (a
 * VIRQ, another port, an IPI), `send` raises the other end, `unmask` clears the mask bit
 * and re-delivers a pending event.  Values and layouts are Xen's.
 */
#ifndef PVX_PUBLIC_EVENT_CHANNEL_H
#define PVX_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1   /* struct evtchn_bind_virq */
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3   /* struct evtchn_close */
#define EVTCHNOP_send              4   /* struct evtchn_send */
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9   /* struct evtchn_unmask */
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13

#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5

#define BIND_PIRQ__WILL_SHARE  1

/* Ports of the 2-level ABI: one bit per port in a word array of word-size words. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* A port that domain `remote_dom` may later connect to. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;   /* in */
    evtchn_port_t port;        /* out */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

struct evtchn_bind_interdomain {
    domid_t remote_dom;        /* in */
    evtchn_port_t remote_port; /* in */
    evtchn_port_t local_port;  /* out */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/* Bind VIRQ `virq` of vCPU `vcpu` to a new port. */
struct evtchn_bind_virq {
    uint32_t virq;             /* in: VIRQ_* */
    uint32_t vcpu;             /* in */
    evtchn_port_t port;        /* out */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

struct evtchn_bind_pirq {
    uint32_t pirq;             /* in */
    uint32_t flags;            /* in: BIND_PIRQ__* */
    evtchn_port_t port;        /* out */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

struct evtchn_bind_ipi {
    uint32_t vcpu;             /* in */
    evtchn_port_t port;        /* out */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
    evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;

/* Raise an event on the far end of `port`. */
struct evtchn_send {
    evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;

struct evtchn_status {
    domid_t dom;               /* in */
    evtchn_port_t port;        /* in */
    uint32_t status;           /* out: EVTCHNSTAT_* */
    uint32_t vcpu;             /* out */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
typedef struct evtchn_status evtchn_status_t;

struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* Clear the mask bit of `port`; if it is pending, deliver it now. */
struct evtchn_unmask {
    evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;

struct evtchn_reset {
    domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;

/* The argument of the old event_channel_op_compat hypercall. */
struct evtchn_op {
    uint32_t cmd;              /* EVTCHNOP_* */
    union {
        evtchn_alloc_unbound_t    alloc_unbound;
        evtchn_bind_interdomain_t bind_interdomain;
        evtchn_bind_virq_t        bind_virq;
        evtchn_bind_pirq_t        bind_pirq;
        evtchn_bind_ipi_t         bind_ipi;
        evtchn_close_t            close;
        evtchn_send_t             send;
        evtchn_status_t           status;
        evtchn_bind_vcpu_t        bind_vcpu;
        evtchn_unmask_t           unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_op_t);

#endif /* !__ASSEMBLY__ */

#endif
