/*
 * Hypotheses (blocking: SCHEDOP_block, SCHEDOP_poll, SCHEDOP_yield):
 *
 * ev-block-pending: SCHEDOP_block with an event already pending (an unmasked port, events
 *   masked) returns 0 at once; it clears evtchn_upcall_mask, so the upcall is delivered on
 *   its return (frame rip after its syscall, saved mask 0) and the mask is still clear
 *   after the handler's iret.
 *
 * ev-block-timer: SCHEDOP_block with nothing pending sleeps until an event: it returns
 *   after the one-shot timer's deadline, never before, with the upcall delivered.
 *
 * ev-block-masked-port: a pending port whose mask bit is set does not wake SCHEDOP_block:
 *   the call returns only after the one-shot timer (5 ms later) fires.
 *
 * ev-poll-pending: SCHEDOP_poll on a list holding a port already pending returns 0 at once,
 *   whether or not the port is masked; it leaves evtchn_upcall_mask set (no upcall).
 *
 * ev-poll-wake: SCHEDOP_poll on the timer's port (masked) with a 1 s timeout returns soon
 *   after the one-shot timer's deadline (not before it), the port pending and no upcall.
 *
 * ev-poll-timeout: SCHEDOP_poll on a port that stays quiet returns 0 after the timeout,
 *   never before it.
 *
 * ev-poll-errnos: more than 128 ports is -EINVAL; a port beyond the 2-level range -EINVAL;
 *   an unreadable port list or sched_poll -EFAULT.
 *
 * ev-yield: SCHEDOP_yield returns 0 and changes no event state.
 */
#include "ev.h"

#define STUB_RET(nr) ((uint64_t)hypercall_page + (nr) * 32 + 10)

static long poll(evtchn_port_t *ports, unsigned nr, uint64_t timeout)
{
    struct sched_poll p = { .nr_ports = nr, .timeout = timeout };
    set_xen_guest_handle(p.ports, ports);
    return HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

static bool timer_at(struct xtf_result *res, evtchn_port_t *port, uint64_t deadline)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline };
    return xtf_expect_rc(res, "bind VIRQ_TIMER", ev_bind_virq(VIRQ_TIMER, 0, port), 0) &&
           xtf_expect_rc(res, "set_singleshot_timer",
                         ev_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
}

XTF_TEST(test_ev_block_pending, "ev-block-pending",
         "SCHEDOP_block with an event pending returns at once, unmasks, delivers on return")
{
    evtchn_port_t a, b;
    struct pvx_record r;
    struct xframe f;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    xtf_expect_rc(res, "send", ev_send(a), 0);
    uint64_t before = pvx_events, t0 = ev_now();
    long rc = HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    uint64_t took = ev_now() - t0;
    uint8_t mask = ev_upcall_mask();
    vcpu0()->evtchn_upcall_mask = 1;
    xtf_expect_rc(res, "SCHEDOP_block", rc, 0);
    ev_note("ev-block-pending", "returned in %lu us", took / 1000);
    ex_eq(res, "evtchn_upcall_mask after block", mask, 0);
    if (ex_eq(res, "upcalls", pvx_events - before, 1)) {
        pvexec_event_record(&r);
        xframe_decode(&r, false, false, &f);
        ex_eq(res, "upcall frame rip", f.rip, STUB_RET(__HYPERVISOR_sched_op));
        ex_eq(res, "upcall frame cs (saved mask, bits 32-39)", f.cs >> 32, 0);
    }
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_block_timer, "ev-block-timer",
         "SCHEDOP_block sleeps until the timer's event, never returning before it")
{
    evtchn_port_t t;

    if (!ev_begin(res, NEED_TRAPS))
        goto out;
    uint64_t deadline = ev_now() + 2 * EV_MS;
    if (!timer_at(res, &t, deadline))
        goto out;
    uint64_t before = pvx_events;
    long rc = HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    uint64_t back = ev_now();
    vcpu0()->evtchn_upcall_mask = 1;
    xtf_expect_rc(res, "SCHEDOP_block", rc, 0);
    xtf_expect(res, back >= deadline, "block returned before the timer's deadline");
    ex_eq(res, "upcalls", pvx_events - before, 1);
    ev_note("ev-block-timer", "returned %lu us after the deadline", (back - deadline) / 1000);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_block_masked_port, "ev-block-masked-port",
         "a pending but masked port does not wake SCHEDOP_block")
{
    evtchn_port_t a, b, t;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    ev_mask_set(b, true);
    xtf_expect_rc(res, "send", ev_send(a), 0);
    uint64_t deadline = ev_now() + 5 * EV_MS;
    if (!timer_at(res, &t, deadline))
        goto out;
    long rc = HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    uint64_t back = ev_now();
    vcpu0()->evtchn_upcall_mask = 1;
    xtf_expect_rc(res, "SCHEDOP_block", rc, 0);
    xtf_expect(res, back >= deadline, "block returned before the timer, for the masked port");
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_poll_pending, "ev-poll-pending",
         "SCHEDOP_poll returns at once for a pending port, masked or not; no upcall")
{
    evtchn_port_t a, b;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    for (unsigned masked = 0; masked < 2; masked++) {
        ev_mask_set(b, masked);
        xtf_expect_rc(res, "send", ev_send(a), 0);
        evtchn_port_t list[2] = { a, b };
        uint64_t before = pvx_events, t0 = ev_now();
        long rc = poll(list, 2, t0 + 1000 * EV_MS);
        uint64_t took = ev_now() - t0;
        xtf_expect_rc(res, "SCHEDOP_poll", rc, 0);
        xtf_expect(res, took < 500 * EV_MS, "poll did not return at once for a pending port");
        ex_eq(res, "evtchn_upcall_mask after poll", ev_upcall_mask(), 1);
        ex_eq(res, "upcalls", pvx_events - before, 0);
        ev_pending_clear(b);
        vcpu0()->evtchn_pending_sel = 0;
        vcpu0()->evtchn_upcall_pending = 0;
    }
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_poll_wake, "ev-poll-wake",
         "SCHEDOP_poll on the timer's masked port wakes when the timer fires")
{
    evtchn_port_t t;

    if (!ev_begin(res, NEED_TRAPS))
        goto out;
    uint64_t deadline = ev_now() + 2 * EV_MS;
    if (!timer_at(res, &t, deadline))
        goto out;
    ev_mask_set(t, true);
    uint64_t before = pvx_events;
    long rc = poll(&t, 1, ev_now() + 1000 * EV_MS);
    uint64_t back = ev_now();
    xtf_expect_rc(res, "SCHEDOP_poll", rc, 0);
    xtf_expect(res, back >= deadline, "poll returned before the timer's deadline");
    xtf_expect(res, back < deadline + 500 * EV_MS, "poll waited for its timeout, not the timer");
    xtf_expect(res, ev_pending(t), "the timer port is not pending");
    ex_eq(res, "upcalls", pvx_events - before, 0);
    ev_note("ev-poll-wake", "returned %lu us after the deadline", (back - deadline) / 1000);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_poll_timeout, "ev-poll-timeout",
         "SCHEDOP_poll on a quiet port returns after its timeout, never before")
{
    evtchn_port_t a, b;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    uint64_t timeout = ev_now() + 2 * EV_MS;
    long rc = poll(&b, 1, timeout);
    uint64_t back = ev_now();
    xtf_expect_rc(res, "SCHEDOP_poll", rc, 0);
    xtf_expect(res, back >= timeout, "poll returned before its timeout");
    ev_note("ev-poll-timeout", "returned %lu us after the timeout", (back - timeout) / 1000);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_poll_errnos, "ev-poll-errnos",
         "SCHEDOP_poll: over 128 ports -EINVAL, a bad port -EINVAL, unreadable lists -EFAULT")
{
    static evtchn_port_t many[129];
    evtchn_port_t a, b, bad[2];

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    for (unsigned i = 0; i < 129; i++)
        many[i] = b;
    xtf_expect_rc(res, "129 ports", poll(many, 129, ev_now() + EV_MS), -XEN_EINVAL);
    xtf_expect_rc(res, "128 ports (timeout 1 ms)", poll(many, 128, ev_now() + EV_MS), 0);
    bad[0] = b;
    bad[1] = 4096;
    xtf_expect_rc(res, "port 4096 in the list", poll(bad, 2, ev_now() + EV_MS), -XEN_EINVAL);
    xtf_expect_rc(res, "an unreadable port list",
                  poll((evtchn_port_t *)TEST_SLOT_VA, 1, ev_now() + EV_MS), -XEN_EFAULT);
    xtf_expect_rc(res, "an unreadable sched_poll",
                  HYPERVISOR_sched_op(SCHEDOP_poll, (void *)TEST_SLOT_VA), -XEN_EFAULT);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_yield, "ev-yield", "SCHEDOP_yield returns 0 and changes no event state")
{
    evtchn_port_t a, b;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    ev_mask_set(b, true);
    xtf_expect_rc(res, "send", ev_send(a), 0);
    uint64_t before = pvx_events;
    xtf_expect_rc(res, "SCHEDOP_yield", HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
    ev_expect_bits(res, "after yield", b, true, true, false, false);
    ex_eq(res, "evtchn_upcall_mask after yield", ev_upcall_mask(), 1);
    ex_eq(res, "upcalls", pvx_events - before, 0);
out:
    ev_end(res);
    xtf_success(res);
}
