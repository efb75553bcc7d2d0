/*
 * Time (see time.h), as Xen 4.17 keeps it for a PV guest.  The scale from TSC ticks to
 * nanoseconds is Xen's (set_time_scale): ns = ((ticks << shift) * mul) >> 32, with mul a
 * 32-bit fraction, the same formula the guest applies to its pvclock.  pvclock is written
 * with the version odd while it changes, and every value published is computed from the same
 * TSC origin and scale, so what a guest reads never goes backwards.
 * Trust: timeouts are guest values; any 64-bit value is handled (past ones fire at once).
 */
#include <public/errno.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include "arch.h"
#include "domain.h"
#include "event.h"
#include "guest_access.h"
#include "hostlib/lib.h"
#include "mm/arch.h"
#include "printk.h"
#include "refuse.h"
#include "time.h"

#define NSEC_PER_SEC 1000000000ULL

static struct {
    uint64_t boot_tsc;          /* system time 0 */
    uint32_t mul;               /* tsc_to_system_mul */
    int8_t shift;               /* tsc_shift */
    uint64_t armed;             /* TSC of the programmed interrupt, 0 = none */
} clock;

static uint64_t scale(uint64_t ticks)
{
    ticks = clock.shift < 0 ? ticks >> -clock.shift : ticks << clock.shift;
    return (uint64_t)(((unsigned __int128)ticks * clock.mul) >> 32);
}

/* The TSC value at system time `ns` (rounded up: an interrupt armed there is never early). */
static uint64_t tsc_at(uint64_t ns)
{
    uint64_t hz = arch_tsc_hz(), whole = ns / NSEC_PER_SEC, rest = ns % NSEC_PER_SEC;

    /* rest * hz stays within 64 bits for any TSC below 18 GHz */
    return clock.boot_tsc + whole * hz + (rest * hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
}

void time_init(void)
{
    uint64_t hz = arch_tsc_hz();
    int shift = 0;

    while (hz > 2 * NSEC_PER_SEC) {
        hz >>= 1;
        shift--;
    }
    while (hz <= NSEC_PER_SEC) {
        hz <<= 1;
        shift++;
    }
    clock.mul = (uint32_t)((NSEC_PER_SEC << 32) / hz);
    clock.shift = (int8_t)shift;
    clock.boot_tsc = arch_tsc();
}

uint64_t time_now(void)
{
    return scale(arch_tsc() - clock.boot_tsc);
}

static void publish_pvclock(struct vcpu *v)
{
    struct vcpu_time_info *t = &vcpu_info(v)->time;
    uint64_t tsc = arch_tsc();

    t->version++;                       /* odd: being changed */
    __asm__ volatile("" ::: "memory");
    t->tsc_timestamp = tsc;
    t->system_time = scale(tsc - clock.boot_tsc);
    t->tsc_to_system_mul = clock.mul;
    t->tsc_shift = clock.shift;
    t->flags = 0;
    __asm__ volatile("" ::: "memory");
    t->version++;
}

/* A vCPU starts with Xen's default 10 ms periodic timer running (a guest stops it with
 * VCPUOP_stop_periodic_timer). */
#define DEFAULT_PERIOD_NS 10000000ULL

void time_domain_start(struct domain *d)
{
    struct shared_info *s = arch_map_frame(d->shared_info);
    uint64_t rtc = arch_rtc_seconds(), now = time_now();
    /* The wall clock at system time 0: the RTC's second minus the time since boot. */
    uint64_t wc_ns = rtc * NSEC_PER_SEC - now;

    s->wc_version++;
    __asm__ volatile("" ::: "memory");
    s->wc_sec = (uint32_t)(wc_ns / NSEC_PER_SEC);
    s->wc_sec_hi = (uint32_t)((wc_ns / NSEC_PER_SEC) >> 32);
    s->wc_nsec = (uint32_t)(wc_ns % NSEC_PER_SEC);
    __asm__ volatile("" ::: "memory");
    s->wc_version++;
    for (unsigned i = 0; i < PVX_MAX_VCPUS; i++) {
        struct vcpu *v = d->vcpu[i];

        if (v == NULL)
            continue;
        publish_pvclock(v);
        v->timers.periodic_period = DEFAULT_PERIOD_NS;
        v->timers.periodic_next = now + DEFAULT_PERIOD_NS;
        time_arm(v);
    }
}

/* --- timers --------------------------------------------------------------------------------- */

static uint64_t earliest(const struct vcpu_timers *t)
{
    uint64_t e = 0;
    const uint64_t cand[3] = { t->singleshot, t->poll_timeout,
                               t->periodic_period ? t->periodic_next : 0 };

    for (unsigned i = 0; i < 3; i++)
        if (cand[i] && (e == 0 || cand[i] < e))
            e = cand[i];
    return e;
}

void time_arm(struct vcpu *v)
{
    uint64_t next = earliest(&v->timers);

    clock.armed = next ? tsc_at(next) : 0;
    arch_timer_program(clock.armed);
}

bool time_work_pending(void)
{
    return clock.armed != 0 && arch_tsc() >= clock.armed;
}

/* Fire what is due at `now`: the one-shot timer once, the periodic one as often as its
 * period has passed (once per interrupt, as Xen does, skipping missed periods). */
static void run_timers(struct vcpu *v, uint64_t now)
{
    struct vcpu_timers *t = &v->timers;
    bool fire = false;

    if (t->singleshot && t->singleshot <= now) {
        t->singleshot = 0;
        fire = true;
    }
    if (t->periodic_period && t->periodic_next <= now) {
        while (t->periodic_next <= now)
            t->periodic_next += t->periodic_period;
        fire = true;
    }
    if (t->poll_timeout && t->poll_timeout <= now)
        t->poll_timeout = 0;            /* SCHEDOP_poll sees it and returns */
    if (fire)
        evtchn_send_virq(v, VIRQ_TIMER);
}

void time_interrupt(void)
{
    struct vcpu *v = current;

    if (v == NULL)
        return;
    run_timers(v, time_now());
    publish_pvclock(v);
    time_arm(v);
}

/*
 * set_timer_op(timeout): the one-shot timer at absolute system time `timeout`; 0 stops it.
 * A timeout already past, "negative", or more than about 13 days ahead (2^50 ns: Linux's
 * jiffies arithmetic wraps) fires at once, as in Xen.
 */
long do_set_timer_op(uint64_t timeout)
{
    struct vcpu *v = current;
    uint64_t now = time_now();
    int64_t offset = (int64_t)(timeout - now);

    if (timeout == 0) {
        v->timers.singleshot = 0;
    } else if ((int64_t)timeout < 0 || (offset > 0 && (offset >> 50) != 0) || timeout <= now) {
        v->timers.singleshot = 0;
        evtchn_send_virq(v, VIRQ_TIMER);
    } else {
        v->timers.singleshot = timeout;
    }
    time_arm(v);
    return 0;
}

/* --- vcpu_op ------------------------------------------------------------------------------ */

#define MIN_PERIOD_NS 1000000ULL          /* Xen refuses periods under 1 ms */

static void runstate_update(struct vcpu *v);

long do_vcpu_op(int cmd, unsigned vcpuid, uint64_t arg)
{
    struct vcpu *v = current;

    if (vcpuid >= PVX_MAX_VCPUS || v->domain->vcpu[vcpuid] == NULL)
        return REFUSE(-XEN_ENOENT, "no such vCPU");
    v = v->domain->vcpu[vcpuid];
    switch (cmd) {
    case VCPUOP_is_up:
        return 1;
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer st;

        if (v != current)
            return REFUSE(-XEN_EINVAL, "another vCPU's timer");
        if (copy_from_guest(&st, arg, sizeof(st)) != 0)
            return -XEN_EFAULT;
        /* VCPU_SSHOTTMR_future is ignored, as Xen 4.17 ignores it: a past deadline fires
         * at once whatever the flags say. */
        v->timers.singleshot = st.timeout_abs_ns;
        if (st.timeout_abs_ns <= time_now()) {
            v->timers.singleshot = 0;
            evtchn_send_virq(v, VIRQ_TIMER);
        }
        time_arm(v);
        return 0;
    }
    case VCPUOP_stop_singleshot_timer:
        if (v != current)
            return REFUSE(-XEN_EINVAL, "another vCPU's timer");
        v->timers.singleshot = 0;
        time_arm(v);
        return 0;
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer pt;

        if (copy_from_guest(&pt, arg, sizeof(pt)) != 0)
            return -XEN_EFAULT;
        if (pt.period_ns < MIN_PERIOD_NS)
            return REFUSE(-XEN_EINVAL, "periodic timer under 1 ms");
        v->timers.periodic_period = pt.period_ns;
        v->timers.periodic_next = time_now() + pt.period_ns;
        time_arm(v);
        return 0;
    }
    case VCPUOP_stop_periodic_timer:
        v->timers.periodic_period = 0;
        time_arm(v);
        return 0;
    case VCPUOP_get_runstate_info: {
        struct vcpu_runstate_info ri;

        runstate_update(v);
        ri = v->runstate;
        return copy_to_guest(arg, &ri, sizeof(ri)) == 0 ? 0 : -XEN_EFAULT;
    }
    case VCPUOP_register_runstate_memory_area: {
        struct vcpu_register_runstate_memory_area area;

        if (copy_from_guest(&area, arg, sizeof(area)) != 0)
            return -XEN_EFAULT;
        v->runstate_area = area.addr.p;
        runstate_update(v);
        return 0;
    }
    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info info;

        if (copy_from_guest(&info, arg, sizeof(info)) != 0)
            return -XEN_EFAULT;
        return domain_register_vcpu_info(v, info.mfn, info.offset);
    }
    case VCPUOP_initialise:
    case VCPUOP_up:
    case VCPUOP_down:
        return REFUSE(-XEN_EINVAL, "vCPU 0 is the domain's only vCPU, and it is up");
    default:
        return -XEN_ENOSYS;
    }
}

/* --- runstate ----------------------------------------------------------------------------- */

/* Account the time since the last change to the current state, and copy the runstate to
 * the guest's registered area (a bad address is ignored, as Xen ignores it). */
static void runstate_update(struct vcpu *v)
{
    uint64_t now = time_now();
    struct vcpu_runstate_info *r = &v->runstate;

    r->time[r->state & 3] += now - r->state_entry_time;
    r->state_entry_time = now;
    if (v->runstate_area != 0)
        (void)copy_to_guest(v->runstate_area, r, sizeof(*r));
}

void time_runstate_change(struct vcpu *v, int state)
{
    runstate_update(v);
    v->runstate.state = state;
    if (v->runstate_area != 0)
        (void)copy_to_guest(v->runstate_area, &v->runstate, sizeof(v->runstate));
}
