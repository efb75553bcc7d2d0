/*
 * The event and time tests' helpers (ev.h): single event-channel operations, the 2-level
 * bits of a port, pvclock system time and the clean state around each test.  Nothing here
 * trusts the hypervisor: a step of the clean-up it refuses is the test's ERROR.
 */
#include "ev.h"

#define EV_CLEAN_PORTS 64           /* ports 1..63: far more than any test opens */
#define BITS_PER_WORD  64

long ev_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu, .port = 0xdead };
    long rc = ev_op(EVTCHNOP_bind_virq, &b);
    *port = b.port;
    return rc;
}

long ev_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu, .port = 0xdead };
    long rc = ev_op(EVTCHNOP_bind_ipi, &b);
    *port = b.port;
    return rc;
}

long ev_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote, .port = 0xdead };
    long rc = ev_op(EVTCHNOP_alloc_unbound, &a);
    *port = a.port;
    return rc;
}

long ev_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = remote_port,
                                         .local_port = 0xdead };
    long rc = ev_op(EVTCHNOP_bind_interdomain, &b);
    *port = b.local_port;
    return rc;
}

long ev_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    return ev_op(EVTCHNOP_send, &s);
}

long ev_close(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };
    return ev_op(EVTCHNOP_close, &c);
}

long ev_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };
    return ev_op(EVTCHNOP_unmask, &u);
}

long ev_bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
    return ev_op(EVTCHNOP_bind_vcpu, &b);
}

long ev_status(evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0xa5, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return ev_op(EVTCHNOP_status, st);
}

bool ev_loopback(struct xtf_result *res, evtchn_port_t *a, evtchn_port_t *b)
{
    if (!xtf_expect_rc(res, "alloc_unbound(remote DOMID_SELF)",
                       ev_alloc_unbound(DOMID_SELF, a), 0) ||
        !xtf_expect_rc(res, "bind_interdomain(DOMID_SELF, the unbound port)",
                       ev_bind_interdomain(DOMID_SELF, *a, b), 0))
        return false;
    ev_pending_clear(*b);                   /* the bind raised b (ev-loopback) */
    vcpu0()->evtchn_pending_sel = 0;
    vcpu0()->evtchn_upcall_pending = 0;
    return true;
}

static volatile uint64_t *word_of(volatile xen_ulong_t *map, evtchn_port_t port)
{
    return (volatile uint64_t *)&map[port / BITS_PER_WORD];
}

bool ev_pending(evtchn_port_t port)
{
    return (*word_of(pvx_shinfo->evtchn_pending, port) >> (port % BITS_PER_WORD)) & 1;
}

bool ev_masked(evtchn_port_t port)
{
    return (*word_of(pvx_shinfo->evtchn_mask, port) >> (port % BITS_PER_WORD)) & 1;
}

bool ev_sel(evtchn_port_t port)
{
    return (vcpu0()->evtchn_pending_sel >> (port / BITS_PER_WORD)) & 1;
}

void ev_mask_set(evtchn_port_t port, bool masked)
{
    uint64_t bit = 1ULL << (port % BITS_PER_WORD);
    volatile uint64_t *w = word_of(pvx_shinfo->evtchn_mask, port);
    if (masked)
        __atomic_or_fetch(w, bit, __ATOMIC_SEQ_CST);
    else
        __atomic_and_fetch(w, ~bit, __ATOMIC_SEQ_CST);
}

void ev_pending_clear(evtchn_port_t port)
{
    __atomic_and_fetch(word_of(pvx_shinfo->evtchn_pending, port),
                       ~(1ULL << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}

bool ev_expect_bits(struct xtf_result *res, const char *what, evtchn_port_t port,
                    bool pending, bool masked, bool sel, bool upcall)
{
    unsigned want = pending << 3 | masked << 2 | sel << 1 | upcall;
    unsigned got = ev_pending(port) << 3 | ev_masked(port) << 2 | ev_sel(port) << 1 |
                   (ev_upcall_pending() != 0);
    if (want == got)
        return true;
    xtf_failure(res, "%s: port %u bits (pending masked sel upcall) expected %u%u%u%u got "
                "%u%u%u%u", what, port, want >> 3, want >> 2 & 1, want >> 1 & 1, want & 1,
                got >> 3, got >> 2 & 1, got >> 1 & 1, got & 1);
    return false;
}

/* ---- pvclock ---- */

struct ev_time {
    uint64_t tsc_timestamp, system_time;
    uint32_t mul;
    int8_t shift;
};

/* A consistent copy of vcpu_info[0].time: version even and unchanged across the copy. */
static void time_read(struct ev_time *t)
{
    volatile struct vcpu_time_info *ti = &vcpu0()->time;
    uint32_t v;
    do {
        v = ti->version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        t->tsc_timestamp = ti->tsc_timestamp;
        t->system_time = ti->system_time;
        t->mul = ti->tsc_to_system_mul;
        t->shift = ti->tsc_shift;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while ((v & 1) || v != ti->version);
}

static uint64_t scale(const struct ev_time *t, uint64_t delta)
{
    if (t->shift < 0)
        delta >>= -t->shift;
    else
        delta <<= t->shift;
    return (uint64_t)(((unsigned __int128)delta * t->mul) >> 32);
}

uint64_t ev_tsc_to_ns(uint64_t tsc)
{
    struct ev_time t;
    time_read(&t);
    if (tsc < t.tsc_timestamp)
        return t.system_time - scale(&t, t.tsc_timestamp - tsc);
    return t.system_time + scale(&t, tsc - t.tsc_timestamp);
}

uint64_t ev_now(void)
{
    struct ev_time t;
    volatile struct vcpu_time_info *ti = &vcpu0()->time;
    uint32_t v;
    uint64_t tsc;
    do {
        v = ti->version;
        time_read(&t);
        tsc = ev_rdtsc();
    } while (v != ti->version);
    return t.system_time + scale(&t, tsc - t.tsc_timestamp);
}

/* The inverse of scale(): TSC ticks for `ns` nanoseconds (mul < 2^32, so each part fits). */
static uint64_t unscale(const struct ev_time *t, uint64_t ns)
{
    uint64_t q = ns / t->mul, r = ns % t->mul;
    uint64_t delta = (q << 32) + (r << 32) / t->mul;
    return t->shift < 0 ? delta << -t->shift : delta >> t->shift;
}

uint64_t ev_ns_to_tsc(uint64_t ns)
{
    struct ev_time t;
    time_read(&t);
    if (!t.mul)
        return 0;
    if (ns < t.system_time)
        return t.tsc_timestamp - unscale(&t, t.system_time - ns);
    return t.tsc_timestamp + unscale(&t, ns - t.system_time);
}

bool ev_wait_upcall(uint64_t events_before, uint64_t ns)
{
    uint64_t end = ev_now() + ns;
    vcpu0()->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (vcpu0()->evtchn_upcall_pending)
        HYPERVISOR_xen_version(XENVER_version, NULL);   /* deliver it now (ev-upcall-on-unmask) */
    while (pvx_events == events_before && ev_now() < end)
        ;
    vcpu0()->evtchn_upcall_mask = 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return pvx_events != events_before;
}

void ev_spin(uint64_t ns)
{
    uint64_t end = ev_now() + ns;
    while (ev_now() < end)
        ;
}

/* ---- the clean state ---- */

static bool clean(struct xtf_result *res)
{
    struct evtchn_status st;
    long rc;

    vcpu0()->evtchn_upcall_mask = 1;
    for (evtchn_port_t p = 1; p < EV_CLEAN_PORTS; p++) {
        rc = ev_status(p, &st);
        if (rc == 0 && st.status != EVTCHNSTAT_closed)
            rc = ev_close(p);
        if (rc) {
            xtf_error(res, "clean-up: port %u: status or close gave %ld", p, rc);
            return false;
        }
    }
    rc = ev_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
    if (!rc)
        rc = ev_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    if (!rc)
        rc = ev_set_timer_op(0);
    if (rc) {
        xtf_error(res, "clean-up: stopping the timers gave %ld", rc);
        return false;
    }
    for (unsigned w = 0; w < EV_CLEAN_PORTS / BITS_PER_WORD; w++) {
        pvx_shinfo->evtchn_pending[w] = 0;
        pvx_shinfo->evtchn_mask[w] = 0;     /* as Xen starts a domain: nothing masked */
    }
    vcpu0()->evtchn_pending_sel = 0;
    vcpu0()->evtchn_upcall_pending = 0;
    pvx_ev_longjmp = 0;
    return true;
}

/* Every wait here is measured in pvclock time: without a scale it would never end. */
static bool pvclock_usable(struct xtf_result *res)
{
    if (vcpu0()->time.tsc_to_system_mul)
        return true;
    xtf_failure(res, "no pvclock: vcpu_info.time.tsc_to_system_mul is 0");
    return false;
}

bool ev_begin(struct xtf_result *res, unsigned need)
{
    return pvexec_need(res, need | NEED_TRAPS) && pvclock_usable(res) && clean(res);
}

void ev_end(struct xtf_result *res)
{
    clean(res);
}
