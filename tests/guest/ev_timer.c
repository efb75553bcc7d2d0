/*
 * Hypotheses (the timers behind VIRQ_TIMER; times are pvclock system time, the upcall's
 * time is the TSC read first thing in the event callback):
 *
 * ev-timer-singleshot: VCPUOP_set_singleshot_timer(now + 2 ms) returns 0 and raises
 *   VIRQ_TIMER once: the upcall comes after the deadline, never before, and no second one
 *   follows.  The note gives how late it came (ns and TSC ticks).
 *
 * ev-timer-singleshot-past: a deadline already past is accepted (0) and the event comes at
 *   once, on the return of the vcpu_op hypercall itself.  Xen 4.17 ignores
 *   VCPU_SSHOTTMR_future: with it the same deadline is accepted too (0, not the -ETIME the
 *   public header describes) and fires the same way.
 *
 * ev-timer-stop-singleshot: VCPUOP_stop_singleshot_timer disarms a one-shot timer: no
 *   event comes after its deadline.
 *
 * ev-timer-set-timer-op: set_timer_op(now + 2 ms) raises VIRQ_TIMER after the deadline;
 *   set_timer_op(0) disarms it, including a timer armed by VCPUOP_set_singleshot_timer
 *   (they are one timer).
 *
 * ev-timer-periodic: VCPUOP_set_periodic_timer(2 ms) raises VIRQ_TIMER again and again:
 *   the k-th upcall (k from 1) comes no earlier than (k - 1) periods after the call, and
 *   five come within 5 periods plus 100 ms (TCG follows the host's clock).
 *
 * ev-timer-periodic-bounds: a period under 1 ms (999999 ns) is -EINVAL, 1 ms is accepted;
 *   VCPUOP_stop_periodic_timer returns 0 and no event comes in the 5 ms after it.
 *
 * ev-timer-periodic-boot (alone in its own boot: it needs the vCPU as it started): a
 *   vCPU starts with a periodic timer of 10 ms running (guests stop it with
 *   VCPUOP_stop_periodic_timer), so binding VIRQ_TIMER without setting any timer brings an
 *   event about every 10 ms (the mean of 5 intervals between 8 and 40 ms: each upcall comes
 *   a little after its tick, later when the host is slow).
 */
#include "ev.h"

#define PERIOD (2 * EV_MS)
#define LEAD   (50 * EV_MS)       /* a deadline no platform passes before the next call */

static bool bind_timer(struct xtf_result *res, evtchn_port_t *port)
{
    return xtf_expect_rc(res, "bind VIRQ_TIMER", ev_bind_virq(VIRQ_TIMER, 0, port), 0);
}

static long singleshot(uint64_t deadline, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = flags };
    return ev_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

/* Forget the last upcall's event: the port's pending bit and the selector. */
static void rearm(evtchn_port_t port)
{
    ev_pending_clear(port);
    vcpu0()->evtchn_pending_sel = 0;
}

/* Wait up to `ns` for an upcall; true with its system time in *when. */
static bool upcall_within(uint64_t ns, uint64_t *when)
{
    uint64_t before = pvx_events;
    if (!ev_wait_upcall(before, ns))
        return false;
    *when = ev_tsc_to_ns(pvx_ev_tsc);
    return true;
}

/* FAILURE unless an upcall comes within `wait` and not before `deadline`; notes lateness. */
static bool fires_after(struct xtf_result *res, const char *test, uint64_t deadline,
                        uint64_t wait)
{
    uint64_t when;
    if (!upcall_within(wait, &when)) {
        xtf_failure(res, "no upcall within %lu ms", wait / EV_MS);
        return false;
    }
    if (when < deadline) {
        xtf_failure(res, "the upcall came %lu ns before the deadline", deadline - when);
        return false;
    }
    ev_note(test, "deadline to upcall: %lu ns, %lu TSC ticks", when - deadline,
            pvx_ev_tsc - ev_ns_to_tsc(deadline));
    return true;
}

XTF_TEST(test_ev_timer_singleshot, "ev-timer-singleshot",
         "a one-shot timer raises VIRQ_TIMER once, after (never before) its deadline")
{
    evtchn_port_t t;
    uint64_t when;

    if (!ev_begin(res, NEED_TRAPS) || !bind_timer(res, &t))
        goto out;
    uint64_t deadline = ev_now() + PERIOD;
    if (!xtf_expect_rc(res, "set_singleshot_timer", singleshot(deadline, 0), 0) ||
        !fires_after(res, "ev-timer-singleshot", deadline, 100 * EV_MS))
        goto out;
    xtf_expect(res, ev_pending(t), "the timer port is not pending after the upcall");
    rearm(t);
    xtf_expect(res, !upcall_within(5 * EV_MS, &when), "a second upcall came");
out:
    ev_end(res);
    xtf_success(res);
}

/* Arm the one-shot timer 1 ms in the past with `flags`, events unmasked: FAILURE unless
 * the vcpu_op returns 0 and the event comes on its return. */
static void past_fires_at_once(struct xtf_result *res, uint32_t flags, const char *what)
{
    struct pvx_record r;
    struct xframe f;
    char w[96];

    uint64_t before = pvx_events;
    vcpu0()->evtchn_upcall_mask = 0;
    long rc = singleshot(ev_now() - EV_MS, flags);
    vcpu0()->evtchn_upcall_mask = 1;
    snprintf(w, sizeof(w), "%s: set_singleshot_timer", what);
    xtf_expect_rc(res, w, rc, 0);
    snprintf(w, sizeof(w), "%s: upcalls on the vcpu_op's return", what);
    if (ex_eq(res, w, pvx_events - before, 1)) {
        pvexec_event_record(&r);
        xframe_decode(&r, false, false, &f);
        snprintf(w, sizeof(w), "%s: upcall frame rip", what);
        ex_eq(res, w, f.rip, (uint64_t)hypercall_page + __HYPERVISOR_vcpu_op * 32 + 10);
    }
}

XTF_TEST(test_ev_timer_singleshot_past, "ev-timer-singleshot-past",
         "a past deadline fires on the vcpu_op's return, VCPU_SSHOTTMR_future or not")
{
    evtchn_port_t t;

    if (!ev_begin(res, NEED_TRAPS) || !bind_timer(res, &t))
        goto out;
    past_fires_at_once(res, 0, "no flags");
    rearm(t);
    past_fires_at_once(res, VCPU_SSHOTTMR_future, "VCPU_SSHOTTMR_future");
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_timer_stop_singleshot, "ev-timer-stop-singleshot",
         "stop_singleshot_timer disarms the one-shot timer")
{
    evtchn_port_t t;
    uint64_t when;

    if (!ev_begin(res, NEED_TRAPS) || !bind_timer(res, &t))
        goto out;
    xtf_expect_rc(res, "set_singleshot_timer", singleshot(ev_now() + LEAD, 0), 0);
    xtf_expect_rc(res, "stop_singleshot_timer",
                  ev_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    xtf_expect(res, !upcall_within(2 * LEAD, &when), "the stopped timer fired");
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_timer_set_timer_op, "ev-timer-set-timer-op",
         "set_timer_op arms the one-shot timer; 0 disarms it, whoever armed it")
{
    evtchn_port_t t;
    uint64_t when;

    if (!ev_begin(res, NEED_TRAPS) || !bind_timer(res, &t))
        goto out;
    uint64_t deadline = ev_now() + PERIOD;
    if (!xtf_expect_rc(res, "set_timer_op", ev_set_timer_op(deadline), 0) ||
        !fires_after(res, "ev-timer-set-timer-op", deadline, 100 * EV_MS))
        goto out;
    rearm(t);
    xtf_expect_rc(res, "set_timer_op again", ev_set_timer_op(ev_now() + LEAD), 0);
    xtf_expect_rc(res, "set_timer_op(0)", ev_set_timer_op(0), 0);
    xtf_expect(res, !upcall_within(2 * LEAD, &when), "set_timer_op(0) did not disarm it");
    xtf_expect_rc(res, "set_singleshot_timer", singleshot(ev_now() + LEAD, 0), 0);
    xtf_expect_rc(res, "set_timer_op(0) after set_singleshot_timer", ev_set_timer_op(0), 0);
    xtf_expect(res, !upcall_within(2 * LEAD, &when),
               "set_timer_op(0) did not disarm the set_singleshot_timer timer");
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_timer_periodic, "ev-timer-periodic",
         "a periodic timer raises VIRQ_TIMER every period, never early")
{
    evtchn_port_t t;
    struct vcpu_set_periodic_timer p = { .period_ns = PERIOD };
    uint64_t when[5];

    if (!ev_begin(res, NEED_TRAPS) || !bind_timer(res, &t))
        goto out;
    uint64_t start = ev_now();
    if (!xtf_expect_rc(res, "set_periodic_timer(2 ms)",
                       ev_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0))
        goto out;
    for (unsigned k = 0; k < 5; k++) {
        if (!upcall_within(5 * PERIOD + 100 * EV_MS, &when[k])) {
            xtf_failure(res, "upcall %u did not come", k + 1);
            goto out;
        }
        rearm(t);
        if (when[k] < start + k * PERIOD)
            xtf_failure(res, "upcall %u came %lu ns after the call, before %u periods", k + 1,
                        when[k] - start, k);
    }
    xtf_expect(res, when[4] <= start + 5 * PERIOD + 100 * EV_MS,
               "five upcalls took more than 5 periods + 100 ms");
    ev_note("ev-timer-periodic", "upcalls at +%lu +%lu +%lu +%lu +%lu us", (when[0] - start) / 1000,
            (when[1] - start) / 1000, (when[2] - start) / 1000, (when[3] - start) / 1000,
            (when[4] - start) / 1000);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_timer_periodic_bounds, "ev-timer-periodic-bounds",
         "set_periodic_timer: under 1 ms -EINVAL; stop_periodic_timer stops it")
{
    evtchn_port_t t;
    struct vcpu_set_periodic_timer p = { .period_ns = EV_MS - 1 };
    uint64_t when;

    if (!ev_begin(res, NEED_TRAPS) || !bind_timer(res, &t))
        goto out;
    xtf_expect_rc(res, "period 999999 ns", ev_vcpu_op(VCPUOP_set_periodic_timer, 0, &p),
                  -XEN_EINVAL);
    p.period_ns = EV_MS;
    xtf_expect_rc(res, "period 1 ms", ev_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0);
    xtf_expect(res, upcall_within(20 * EV_MS, &when), "the 1 ms periodic timer did not fire");
    xtf_expect_rc(res, "stop_periodic_timer",
                  ev_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    rearm(t);
    vcpu0()->evtchn_upcall_pending = 0;
    xtf_expect(res, !upcall_within(5 * EV_MS, &when), "an event came after stop_periodic_timer");
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST_EXPLICIT(test_ev_timer_periodic_boot, "ev-timer-periodic-boot",
                  "a vCPU starts with a 10 ms periodic timer running")
{
    evtchn_port_t t;
    uint64_t when[6];

    if (!pvexec_need(res, NEED_TRAPS) || !bind_timer(res, &t))
        goto out;
    for (unsigned k = 0; k < 6; k++) {
        if (!upcall_within(100 * EV_MS, &when[k])) {
            xtf_failure(res, "upcall %u did not come within 100 ms (no periodic timer?)",
                        k + 1);
            goto out;
        }
        rearm(t);
    }
    uint64_t mean = (when[5] - when[0]) / 5;
    ev_note("ev-timer-periodic-boot", "5 intervals, mean %lu us", mean / 1000);
    xtf_expect(res, mean >= 8 * EV_MS && mean <= 40 * EV_MS,
               "the mean interval is not about 10 ms");
out:
    ev_end(res);
    xtf_success(res);
}
