/*
 * Event channels (see event.h), as Xen 4.17's common/event_channel.c and the 2-level port
 * operations behave for a domain's own ports.  The pending and mask bitmaps live in
 * shared_info, which the guest writes too: the host reads them fresh every time and never
 * trusts a value it read earlier.  pvx runs one vCPU on one CPU, so nothing runs while the
 * host updates them and plain bit operations are enough.
 * Trust: every port, VIRQ and vCPU number comes from the guest and is checked first.
 */
#include <public/errno.h>
#include "domain.h"
#include "event.h"
#include "guest_access.h"
#include "hostlib/lib.h"
#include "mm/arch.h"
#include "refuse.h"

#define WORD_BITS 64

static struct shared_info *shared(const struct domain *d)
{
    return arch_map_frame(d->shared_info);
}

static bool test_bit(const xen_ulong_t *w, uint32_t bit)
{
    return (w[bit / WORD_BITS] >> (bit % WORD_BITS)) & 1;
}

/* Set a bit; whether it was already set. */
static bool test_and_set(xen_ulong_t *w, uint32_t bit)
{
    bool old = test_bit(w, bit);

    w[bit / WORD_BITS] |= 1ULL << (bit % WORD_BITS);
    return old;
}

/* Clear a bit; whether it was set. */
static bool test_and_clear(xen_ulong_t *w, uint32_t bit)
{
    bool old = test_bit(w, bit);

    w[bit / WORD_BITS] &= ~(1ULL << (bit % WORD_BITS));
    return old;
}

static struct vcpu *notify_vcpu(const struct domain *d, const struct evtchn *chn)
{
    return d->vcpu[chn->notify_vcpu < PVX_MAX_VCPUS ? chn->notify_vcpu : 0];
}

/* The word of pending ports is news for the vCPU: select it, and raise the upcall. */
static void mark_pending_word(struct vcpu *v, uint32_t port)
{
    struct vcpu_info *vi = vcpu_info(v);

    if (!test_and_set(&vi->evtchn_pending_sel, port / WORD_BITS))
        vi->evtchn_upcall_pending = 1;
}

/* Xen's evtchn_2l_set_pending. */
static void set_pending(struct domain *d, uint32_t port)
{
    struct shared_info *s = shared(d);

    if (test_and_set(s->evtchn_pending, port))
        return;
    d->evtchn.raised++;
    if (!test_bit(s->evtchn_mask, port))
        mark_pending_word(notify_vcpu(d, &d->evtchn.port[port]), port);
}

bool evtchn_port_pending(const struct domain *d, uint32_t p)
{
    return p < d->evtchn.valid && test_bit(shared(d)->evtchn_pending, p);
}

void evtchn_domain_init(struct domain *d)
{
    struct evtchn_domain *e = &d->evtchn;

    memset(e, 0, sizeof(*e));
    e->valid = EVTCHN_PORTS_PER_BUCKET;
    e->port[0].state = ECS_RESERVED;
}

static bool port_valid(const struct domain *d, uint32_t port)
{
    return port < d->evtchn.valid;
}

/* The lowest free port, making a new bucket of ports valid if all are taken. */
static long get_free_port(struct domain *d)
{
    struct evtchn_domain *e = &d->evtchn;

    for (uint32_t p = 0; p < EVTCHN_NR_PORTS; p++) {
        if (p == e->valid)
            e->valid += EVTCHN_PORTS_PER_BUCKET;
        if (e->port[p].state == ECS_FREE)
            return p;
    }
    return REFUSE(-XEN_ENOSPC, "every event channel port is in use");
}

static void free_port(struct domain *d, uint32_t port)
{
    test_and_clear(shared(d)->evtchn_pending, port);
    d->evtchn.port[port] = (struct evtchn){ .state = ECS_FREE };
}

void evtchn_send_virq(struct vcpu *v, unsigned virq)
{
    uint32_t port = v->domain->evtchn.virq_port[virq];

    if (port != 0)
        set_pending(v->domain, port);
}

/* --- the operations ------------------------------------------------------------------------- */

static bool domid_is_self(domid_t dom, const struct domain *d)
{
    return dom == DOMID_SELF || dom == d->mm.domid;
}

/* VIRQs delivered per vCPU (Xen's virq_is_global() is false for them). */
static bool virq_per_vcpu(uint32_t virq)
{
    return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
           (virq >= VIRQ_ARCH_0 && virq <= VIRQ_ARCH_7);
}

static long bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
    long port;

    if (b->virq >= NR_VIRQS)
        return REFUSE(-XEN_EINVAL, "no such VIRQ");
    if (!virq_per_vcpu(b->virq) && b->vcpu != 0)
        return REFUSE(-XEN_EINVAL, "a global VIRQ binds to vCPU 0 only");
    if (b->vcpu >= PVX_MAX_VCPUS)
        return REFUSE(-XEN_ENOENT, "no such vCPU");
    if (d->evtchn.virq_port[b->virq] != 0)
        return REFUSE(-XEN_EEXIST, "VIRQ already bound");
    port = get_free_port(d);
    if (port < 0)
        return port;
    d->evtchn.port[port] = (struct evtchn){ .state = ECS_VIRQ, .notify_vcpu = (uint8_t)b->vcpu,
                                            .virq = (uint16_t)b->virq };
    d->evtchn.virq_port[b->virq] = (uint32_t)port;
    b->port = (uint32_t)port;
    return 0;
}

static long bind_ipi(struct domain *d, struct evtchn_bind_ipi *b)
{
    long port;

    if (b->vcpu >= PVX_MAX_VCPUS)
        return REFUSE(-XEN_ENOENT, "no such vCPU");
    port = get_free_port(d);
    if (port < 0)
        return port;
    d->evtchn.port[port] = (struct evtchn){ .state = ECS_IPI, .notify_vcpu = (uint8_t)b->vcpu };
    b->port = (uint32_t)port;
    return 0;
}

static long alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *a)
{
    long port;

    if (!domid_is_self(a->dom, d) || !domid_is_self(a->remote_dom, d))
        return REFUSE(-XEN_ESRCH, "another domain (pvx runs one)");
    port = get_free_port(d);
    if (port < 0)
        return port;
    d->evtchn.port[port] = (struct evtchn){ .state = ECS_UNBOUND };
    a->port = (uint32_t)port;
    return 0;
}

/* Connect a new port to an unbound one of the same domain; the new end is raised at once,
 * as Xen does in case the unbound end was sent to before. */
static long bind_interdomain(struct domain *d, struct evtchn_bind_interdomain *b)
{
    long lport;

    if (!domid_is_self(b->remote_dom, d))
        return REFUSE(-XEN_ESRCH, "another domain (pvx runs one)");
    lport = get_free_port(d);
    if (lport < 0)
        return lport;
    if (!port_valid(d, b->remote_port) || d->evtchn.port[b->remote_port].state != ECS_UNBOUND)
        return REFUSE(-XEN_EINVAL, "remote port is not unbound");
    d->evtchn.port[lport] = (struct evtchn){ .state = ECS_INTERDOMAIN,
                                             .remote_port = b->remote_port };
    d->evtchn.port[b->remote_port].state = ECS_INTERDOMAIN;
    d->evtchn.port[b->remote_port].remote_port = (uint32_t)lport;
    set_pending(d, (uint32_t)lport);
    b->local_port = (uint32_t)lport;
    return 0;
}

static long close_port(struct domain *d, uint32_t port)
{
    struct evtchn *chn;

    if (!port_valid(d, port))
        return REFUSE(-XEN_EINVAL, "no such port");
    chn = &d->evtchn.port[port];
    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        return REFUSE(-XEN_EINVAL, "port not open");
    case ECS_VIRQ:
        if (d->evtchn.virq_port[chn->virq] == port)
            d->evtchn.virq_port[chn->virq] = 0;
        break;
    case ECS_INTERDOMAIN:
        d->evtchn.port[chn->remote_port].state = ECS_UNBOUND;
        break;
    default:
        break;
    }
    free_port(d, port);
    return 0;
}

static long send_port(struct domain *d, uint32_t port)
{
    const struct evtchn *chn;

    if (!port_valid(d, port))
        return REFUSE(-XEN_EINVAL, "no such port");
    chn = &d->evtchn.port[port];
    switch (chn->state) {
    case ECS_INTERDOMAIN:
        set_pending(d, chn->remote_port);
        return 0;
    case ECS_IPI:
        set_pending(d, port);
        return 0;
    case ECS_UNBOUND:
        return 0;                       /* Xen drops it silently */
    default:
        return REFUSE(-XEN_EINVAL, "cannot send on this port");
    }
}

static long port_status(struct domain *d, struct evtchn_status *st)
{
    const struct evtchn *chn;

    if (!domid_is_self(st->dom, d))
        return REFUSE(-XEN_ESRCH, "another domain (pvx runs one)");
    if (!port_valid(d, st->port))
        return REFUSE(-XEN_EINVAL, "no such port");
    chn = &d->evtchn.port[st->port];
    memset(&st->u, 0, sizeof(st->u));
    switch (chn->state) {
    case ECS_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = d->mm.domid;
        break;
    case ECS_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = d->mm.domid;
        st->u.interdomain.port = chn->remote_port;
        break;
    case ECS_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = chn->virq;
        break;
    case ECS_IPI:
        st->status = EVTCHNSTAT_ipi;
        break;
    default:
        st->status = EVTCHNSTAT_closed;
        break;
    }
    st->vcpu = chn->notify_vcpu;
    return 0;
}

static long bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu)
{
    struct evtchn *chn;

    if (vcpu >= PVX_MAX_VCPUS)
        return REFUSE(-XEN_ENOENT, "no such vCPU");
    if (!port_valid(d, port))
        return REFUSE(-XEN_EINVAL, "no such port");
    chn = &d->evtchn.port[port];
    switch (chn->state) {
    case ECS_VIRQ:
        if (virq_per_vcpu(chn->virq))
            return REFUSE(-XEN_EINVAL, "a per-vCPU VIRQ cannot move");
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
        break;
    default:
        return REFUSE(-XEN_EINVAL, "port cannot be bound to a vCPU");
    }
    chn->notify_vcpu = (uint8_t)vcpu;
    return 0;
}

/* Xen's evtchn_2l_unmask: a port still pending when unmasked is raised again.  A port that
 * is not open is left alone (its mask bit stays), as Xen's evtchn_usable() decides. */
static long unmask_port(struct domain *d, uint32_t port)
{
    struct shared_info *s = shared(d);
    uint8_t state;

    if (!port_valid(d, port))
        return REFUSE(-XEN_EINVAL, "no such port");
    state = d->evtchn.port[port].state;
    if (state == ECS_FREE || state == ECS_RESERVED)
        return 0;
    if (test_and_clear(s->evtchn_mask, port) && test_bit(s->evtchn_pending, port))
        mark_pending_word(notify_vcpu(d, &d->evtchn.port[port]), port);
    return 0;
}

/* EVTCHNOP_reset: close every open port of the domain (Xen ignores what each close says). */
static long reset_ports(struct domain *d, domid_t dom)
{
    if (!domid_is_self(dom, d))
        return REFUSE(-XEN_ESRCH, "another domain (pvx runs one)");
    for (uint32_t p = 1; p < d->evtchn.valid; p++)
        if (d->evtchn.port[p].state != ECS_FREE)
            (void)close_port(d, p);
    return 0;
}

/* Read the argument, run `op` on it, write it back when it succeeded and has results. */
#define EVTCHN_OP(type, arg, op, writeback)                                    \
    ({                                                                         \
        type a_;                                                               \
        long rc_ = copy_from_guest(&a_, (arg), sizeof(a_)) ? -XEN_EFAULT : 0;  \
        if (rc_ == 0)                                                          \
            rc_ = op;                                                          \
        if (rc_ == 0 && (writeback) && copy_to_guest((arg), &a_, sizeof(a_)))  \
            rc_ = -XEN_EFAULT;                                                 \
        rc_;                                                                   \
    })

long do_event_channel_op(int cmd, uint64_t arg)
{
    struct domain *d = current->domain;

    switch (cmd) {
    case EVTCHNOP_bind_virq:
        return EVTCHN_OP(struct evtchn_bind_virq, arg, bind_virq(d, &a_), true);
    case EVTCHNOP_bind_ipi:
        return EVTCHN_OP(struct evtchn_bind_ipi, arg, bind_ipi(d, &a_), true);
    case EVTCHNOP_alloc_unbound:
        return EVTCHN_OP(struct evtchn_alloc_unbound, arg, alloc_unbound(d, &a_), true);
    case EVTCHNOP_bind_interdomain:
        return EVTCHN_OP(struct evtchn_bind_interdomain, arg, bind_interdomain(d, &a_), true);
    case EVTCHNOP_close:
        return EVTCHN_OP(struct evtchn_close, arg, close_port(d, a_.port), false);
    case EVTCHNOP_send:
        return EVTCHN_OP(struct evtchn_send, arg, send_port(d, a_.port), false);
    case EVTCHNOP_status:
        return EVTCHN_OP(struct evtchn_status, arg, port_status(d, &a_), true);
    case EVTCHNOP_bind_vcpu:
        return EVTCHN_OP(struct evtchn_bind_vcpu, arg, bind_vcpu(d, a_.port, a_.vcpu), false);
    case EVTCHNOP_unmask:
        return EVTCHN_OP(struct evtchn_unmask, arg, unmask_port(d, a_.port), false);
    case EVTCHNOP_reset:
        return EVTCHN_OP(struct evtchn_reset, arg, reset_ports(d, a_.dom), false);
    case EVTCHNOP_bind_pirq:
        return REFUSE(-XEN_EINVAL, "no physical IRQs in a pvx dom0");
    case EVTCHNOP_init_control:
    case EVTCHNOP_expand_array:
        /* FIFO event channels are not offered: a guest falls back to the 2-level ABI. */
        return REFUSE(-XEN_EOPNOTSUPP, "FIFO event channels are not offered");
    case EVTCHNOP_set_priority:
        return -XEN_ENOSYS;             /* 2-level ports have no priority (Xen's answer) */
    default:
        return -XEN_ENOSYS;
    }
}
