/*
 * Hypotheses (bad input to the event and timer hypercalls: Xen's errno, and the guest and
 * its other ports go on):
 *
 * ev-hostile-virq: binding a VIRQ already bound is -EEXIST (the first binding keeps
 *   working); VIRQ 24 (NR_VIRQS) and beyond is -EINVAL; a global VIRQ (VIRQ_CONSOLE) on
 *   vCPU 1 is -EINVAL (global VIRQs bind on vCPU 0 only), a per-vCPU VIRQ (VIRQ_DEBUG) on
 *   vCPU 1, which does not exist, -ENOENT; bind_ipi on vCPU 1 -ENOENT.
 *
 * ev-hostile-ports: ports out of the 2-level range (4096, 0xffffffff) are -EINVAL for
 *   send, unmask, close and bind_vcpu, as is bind_interdomain to one; port 0 (reserved)
 *   is -EINVAL for send and close.
 *
 * ev-hostile-closed: send and close of a port closed (or never opened) are -EINVAL;
 *   unmask of a closed port is accepted (0) and does nothing: its mask bit stays set; a
 *   send on a VIRQ port is -EINVAL.
 *
 * ev-hostile-callback: registering a non-canonical event callback is -EINVAL and the old
 *   one stays: the next upcall still reaches it.
 *
 * ev-hostile-unknown: event_channel_op command 99 is -ENOSYS; the FIFO-only commands are
 *   refused for a 2-level domain: EVTCHNOP_expand_array -EOPNOTSUPP, EVTCHNOP_set_priority
 *   -ENOSYS; an unreadable argument is -EFAULT for event_channel_op and vcpu_op.
 *
 * ev-hostile-vcpu: the timer operations on vCPU 1 or 0xffffffff are -ENOENT
 *   (set_singleshot_timer, stop_singleshot_timer, set_periodic_timer, stop_periodic_timer,
 *   register_runstate_memory_area).
 */
#include "ev.h"

XTF_TEST(test_ev_hostile_virq, "ev-hostile-virq",
         "bind_virq: twice -EEXIST, out of range -EINVAL, a vCPU that does not exist -ENOENT")
{
    evtchn_port_t t, p;

    if (!ev_begin(res, NEED_TRAPS) ||
        !xtf_expect_rc(res, "bind VIRQ_TIMER", ev_bind_virq(VIRQ_TIMER, 0, &t), 0))
        goto out;
    xtf_expect_rc(res, "bind VIRQ_TIMER again", ev_bind_virq(VIRQ_TIMER, 0, &p), -XEN_EEXIST);
    xtf_expect_rc(res, "VIRQ 24", ev_bind_virq(NR_VIRQS, 0, &p), -XEN_EINVAL);
    xtf_expect_rc(res, "VIRQ 0xffffffff", ev_bind_virq(0xffffffffU, 0, &p), -XEN_EINVAL);
    xtf_expect_rc(res, "VIRQ_CONSOLE (global) on vCPU 1", ev_bind_virq(VIRQ_CONSOLE, 1, &p),
                  -XEN_EINVAL);
    xtf_expect_rc(res, "VIRQ_DEBUG (per-vCPU) on vCPU 1", ev_bind_virq(VIRQ_DEBUG, 1, &p),
                  -XEN_ENOENT);
    xtf_expect_rc(res, "bind_ipi on vCPU 1", ev_bind_ipi(1, &p), -XEN_ENOENT);
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = ev_now() + EV_MS };
    xtf_expect_rc(res, "set_singleshot_timer", ev_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st),
                  0);
    xtf_expect(res, ev_wait_upcall(pvx_events, 100 * EV_MS),
               "the first binding no longer delivers");
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_hostile_ports, "ev-hostile-ports",
         "ports beyond 4095 (and port 0 for send and close) are -EINVAL")
{
    static const evtchn_port_t bad[] = { 4096, 0xffffffffU };
    evtchn_port_t p;

    if (!ev_begin(res, NEED_SHINFO))
        return;
    for (unsigned i = 0; i < 2; i++) {
        char w[64];
        snprintf(w, sizeof(w), "send %#x", bad[i]);
        xtf_expect_rc(res, w, ev_send(bad[i]), -XEN_EINVAL);
        snprintf(w, sizeof(w), "unmask %#x", bad[i]);
        xtf_expect_rc(res, w, ev_unmask(bad[i]), -XEN_EINVAL);
        snprintf(w, sizeof(w), "close %#x", bad[i]);
        xtf_expect_rc(res, w, ev_close(bad[i]), -XEN_EINVAL);
        snprintf(w, sizeof(w), "bind_vcpu %#x", bad[i]);
        xtf_expect_rc(res, w, ev_bind_vcpu(bad[i], 0), -XEN_EINVAL);
        snprintf(w, sizeof(w), "bind_interdomain to %#x", bad[i]);
        xtf_expect_rc(res, w, ev_bind_interdomain(DOMID_SELF, bad[i], &p), -XEN_EINVAL);
    }
    xtf_expect_rc(res, "send 0", ev_send(0), -XEN_EINVAL);
    xtf_expect_rc(res, "close 0", ev_close(0), -XEN_EINVAL);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_hostile_closed, "ev-hostile-closed",
         "send and close of a closed port -EINVAL, unmask a no-op; send on a VIRQ port -EINVAL")
{
    evtchn_port_t a, b, t;

    if (!ev_begin(res, NEED_SHINFO) || !ev_loopback(res, &a, &b))
        goto out;
    xtf_expect_rc(res, "close b", ev_close(b), 0);
    xtf_expect_rc(res, "send on closed b", ev_send(b), -XEN_EINVAL);
    xtf_expect_rc(res, "close closed b", ev_close(b), -XEN_EINVAL);
    xtf_expect_rc(res, "send on port 40 (never opened)", ev_send(40), -XEN_EINVAL);
    ev_mask_set(b, true);
    xtf_expect_rc(res, "unmask closed b", ev_unmask(b), 0);
    xtf_expect(res, ev_masked(b), "unmask of a closed port cleared its mask bit");
    if (xtf_expect_rc(res, "bind VIRQ_TIMER", ev_bind_virq(VIRQ_TIMER, 0, &t), 0))
        xtf_expect_rc(res, "send on the VIRQ port", ev_send(t), -XEN_EINVAL);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_hostile_callback, "ev-hostile-callback",
         "a non-canonical event callback is -EINVAL; the old one still gets the upcalls")
{
    evtchn_port_t a, b;
    struct callback_register reg = { .type = CALLBACKTYPE_event, .address = 1ULL << 60 };

    if (!ev_begin(res, NEED_TRAPS))
        return;
    xtf_expect_rc(res, "register a non-canonical event callback",
                  HYPERVISOR_callback_op(CALLBACKOP_register, &reg), -XEN_EINVAL);
    reg.address = 0x0000800000000000ULL;
    xtf_expect_rc(res, "register 0x0000800000000000",
                  HYPERVISOR_callback_op(CALLBACKOP_register, &reg), -XEN_EINVAL);
    if (ev_loopback(res, &a, &b)) {
        xtf_expect_rc(res, "send", ev_send(a), 0);
        xtf_expect(res, ev_wait_upcall(pvx_events, 10 * EV_MS),
                   "no upcall at the old event callback");
    }
    xtf_expect_rc(res, "restore the callbacks", pvexec_callbacks_reset(), 0);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_hostile_unknown, "ev-hostile-unknown",
         "unknown event_channel_op -ENOSYS; FIFO-only commands refused; unreadable -EFAULT")
{
    uint64_t arg[4] = { 0 };

    if (!ev_begin(res, NEED_SHINFO))
        return;
    xtf_expect_rc(res, "event_channel_op 99", ev_op(99, arg), -XEN_ENOSYS);
    xtf_expect_rc(res, "EVTCHNOP_expand_array", ev_op(EVTCHNOP_expand_array, arg),
                  -XEN_EOPNOTSUPP);
    xtf_expect_rc(res, "EVTCHNOP_set_priority", ev_op(EVTCHNOP_set_priority, arg),
                  -XEN_ENOSYS);
    xtf_expect_rc(res, "bind_virq, unreadable", ev_op(EVTCHNOP_bind_virq, (void *)TEST_SLOT_VA),
                  -XEN_EFAULT);
    xtf_expect_rc(res, "send, unreadable", ev_op(EVTCHNOP_send, (void *)TEST_SLOT_VA),
                  -XEN_EFAULT);
    xtf_expect_rc(res, "set_singleshot_timer, unreadable",
                  ev_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)TEST_SLOT_VA), -XEN_EFAULT);
    xtf_expect_rc(res, "set_periodic_timer, unreadable",
                  ev_vcpu_op(VCPUOP_set_periodic_timer, 0, (void *)TEST_SLOT_VA), -XEN_EFAULT);
    xtf_expect_rc(res, "get_runstate_info, unwritable",
                  ev_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)TEST_SLOT_VA), -XEN_EFAULT);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_hostile_vcpu, "ev-hostile-vcpu",
         "timer and runstate operations on a vCPU that does not exist: -ENOENT")
{
    static const unsigned bad[] = { 1, 32, 0xffffffffU };
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = 1 };
    struct vcpu_set_periodic_timer pt = { .period_ns = 10 * EV_MS };
    struct vcpu_register_runstate_memory_area ra = { .addr.p = 0 };

    if (!ev_begin(res, NEED_SHINFO))
        return;
    for (unsigned i = 0; i < 3; i++) {
        char w[64];
        unsigned v = bad[i];
        snprintf(w, sizeof(w), "set_singleshot_timer vCPU %#x", v);
        xtf_expect_rc(res, w, ev_vcpu_op(VCPUOP_set_singleshot_timer, v, &st), -XEN_ENOENT);
        snprintf(w, sizeof(w), "stop_singleshot_timer vCPU %#x", v);
        xtf_expect_rc(res, w, ev_vcpu_op(VCPUOP_stop_singleshot_timer, v, NULL), -XEN_ENOENT);
        snprintf(w, sizeof(w), "set_periodic_timer vCPU %#x", v);
        xtf_expect_rc(res, w, ev_vcpu_op(VCPUOP_set_periodic_timer, v, &pt), -XEN_ENOENT);
        snprintf(w, sizeof(w), "stop_periodic_timer vCPU %#x", v);
        xtf_expect_rc(res, w, ev_vcpu_op(VCPUOP_stop_periodic_timer, v, NULL), -XEN_ENOENT);
        snprintf(w, sizeof(w), "register_runstate_memory_area vCPU %#x", v);
        xtf_expect_rc(res, w, ev_vcpu_op(VCPUOP_register_runstate_memory_area, v, &ra),
                      -XEN_ENOENT);
    }
    ev_end(res);
    xtf_success(res);
}
