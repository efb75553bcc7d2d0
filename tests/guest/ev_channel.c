/*
 * Hypotheses (2-level event channels: binding, status, the bits of a port; each test
 * starts with every port closed, events masked and nothing pending):
 *
 * ev-bind-virq: EVTCHNOP_bind_virq binds VIRQ_TIMER, VIRQ_DEBUG and VIRQ_CONSOLE on vCPU 0
 *   to the lowest free ports (1, 2, 3: port 0 is never given out); binding leaves the
 *   port's mask bit as the guest left it and raises nothing; EVTCHNOP_status reports
 *   EVTCHNSTAT_virq, vCPU 0 and the VIRQ.
 *
 * ev-bind-ipi: EVTCHNOP_bind_ipi gives the lowest free port, status EVTCHNSTAT_ipi on
 *   vCPU 0; a send on it raises the port itself.
 *
 * ev-loopback: alloc_unbound(remote DOMID_SELF) gives a port whose status is
 *   EVTCHNSTAT_unbound with remote domain 0 (our own id: DOMID_SELF is resolved);
 *   bind_interdomain(DOMID_SELF, that port) gives a second port and raises it at once (a
 *   send to the unbound port may have been lost); both report EVTCHNSTAT_interdomain,
 *   domain 0 and each other's port; a send on either end raises the other end only.
 *
 * ev-send-masked: a send to a port whose mask bit is set sets its pending bit only: no
 *   selector bit, no evtchn_upcall_pending, no upcall.
 *
 * ev-send-unmasked: a send to an unmasked port while the vCPU's events are masked sets the
 *   pending bit, the selector bit of its word and evtchn_upcall_pending, and no upcall
 *   comes while evtchn_upcall_mask stays set.
 *
 * ev-send-again: a second send to a port whose pending bit is still set changes nothing:
 *   with evtchn_upcall_pending and the selector cleared by the guest, they stay clear.
 *
 * ev-unmask-reraise: EVTCHNOP_unmask of a masked, pending port clears the mask bit and
 *   raises the event as a send would (selector bit and evtchn_upcall_pending); with the
 *   vCPU's events unmasked, the upcall comes on the unmask hypercall's return.  Unmasking a
 *   port that is not pending only clears its mask bit.
 *
 * ev-close: closing a pending port clears its pending bit (not its mask bit) and its status
 *   becomes closed; closing one end of a loopback pair leaves the other end unbound (remote
 *   domain 0), and a send on that end succeeds and raises nothing.
 *
 * ev-status: EVTCHNOP_status of port 0 and of a port never used is EVTCHNSTAT_closed; of a
 *   port beyond the 2-level range (4096) -EINVAL; of another domain (1) -ESRCH.
 *
 * ev-bind-vcpu: EVTCHNOP_bind_vcpu to vCPU 0 is accepted for an unbound port, an
 *   interdomain port and a global VIRQ (VIRQ_CONSOLE), refused with -EINVAL for a per-vCPU
 *   VIRQ (VIRQ_TIMER), an IPI port and a closed port; vCPU 1 (there is none) is -ENOENT.
 *
 * ev-init-control: EVTCHNOP_init_control probes the FIFO ABI without leaving the 2-level
 *   one.  A hypervisor that offers FIFO (Xen 4.17) judges the request (a control block
 *   offset that is not 8-byte aligned: -EINVAL; vCPU 1: -ENOENT); one that does not (pvx)
 *   refuses every request with -EOPNOTSUPP (docs/abi.md's differences).  Either way nothing
 *   was set up, and the domain keeps the 2-level bitmaps (a loopback send still sets a bit
 *   in evtchn_pending).
 */
#include "ev.h"

static bool expect_status(struct xtf_result *res, const char *what, evtchn_port_t port,
                          uint32_t status, uint32_t vcpu)
{
    struct evtchn_status st;
    long rc = ev_status(port, &st);
    char w[96];
    snprintf(w, sizeof(w), "%s: status of port %u", what, port);
    if (!xtf_expect_rc(res, w, rc, 0))
        return false;
    snprintf(w, sizeof(w), "%s: port %u status", what, port);
    bool ok = ex_eq(res, w, st.status, status);
    snprintf(w, sizeof(w), "%s: port %u vcpu", what, port);
    return ex_eq(res, w, st.vcpu, vcpu) && ok;
}

XTF_TEST(test_ev_bind_virq, "ev-bind-virq",
         "bind_virq: TIMER, DEBUG, CONSOLE on the lowest free ports, status virq")
{
    static const uint32_t virqs[] = { VIRQ_TIMER, VIRQ_DEBUG, VIRQ_CONSOLE };
    struct evtchn_status st;

    if (!ev_begin(res, NEED_SHINFO))
        return;
    ev_mask_set(2, true);                   /* ports 1 and 3 unmasked, 2 masked */
    for (unsigned i = 0; i < 3; i++) {
        evtchn_port_t p;
        long rc = ev_bind_virq(virqs[i], 0, &p);
        if (!xtf_expect_rc(res, "bind_virq", rc, 0))
            break;
        ex_eq(res, "port given", p, i + 1);
        ev_expect_bits(res, "fresh port", p, false, p == 2, false, false);
        if (expect_status(res, "bound VIRQ", p, EVTCHNSTAT_virq, 0) &&
            ev_status(p, &st) == 0)
            ex_eq(res, "status u.virq", st.u.virq, virqs[i]);
    }
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_bind_ipi, "ev-bind-ipi", "bind_ipi: the lowest free port; a send raises it")
{
    evtchn_port_t p;

    if (!ev_begin(res, NEED_SHINFO))
        return;
    if (xtf_expect_rc(res, "bind_ipi(vcpu 0)", ev_bind_ipi(0, &p), 0)) {
        ex_eq(res, "port given", p, 1);
        expect_status(res, "IPI", p, EVTCHNSTAT_ipi, 0);
        ev_mask_set(p, true);
        xtf_expect_rc(res, "send on the IPI port", ev_send(p), 0);
        ev_expect_bits(res, "after the send (port masked)", p, true, true, false, false);
    }
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_loopback, "ev-loopback",
         "alloc_unbound + bind_interdomain to ourselves: a pair; a send raises the other end")
{
    evtchn_port_t a, b;
    struct evtchn_status st;

    if (!ev_begin(res, NEED_SHINFO))
        return;
    if (!xtf_expect_rc(res, "alloc_unbound(remote DOMID_SELF)", ev_alloc_unbound(DOMID_SELF, &a), 0))
        goto out;
    ex_eq(res, "unbound port", a, 1);
    if (expect_status(res, "unbound", a, EVTCHNSTAT_unbound, 0) && !ev_status(a, &st))
        ex_eq(res, "unbound status u.unbound.dom", st.u.unbound.dom, 0);
    if (!xtf_expect_rc(res, "bind_interdomain(DOMID_SELF, a)",
                       ev_bind_interdomain(DOMID_SELF, a, &b), 0))
        goto out;
    ex_eq(res, "bound port", b, 2);
    ev_expect_bits(res, "b after the bind (raised)", b, true, false, true, true);
    ev_expect_bits(res, "a after the bind", a, false, false, true, true);
    for (unsigned i = 0; i < 2; i++) {
        evtchn_port_t me = i ? b : a, peer = i ? a : b;
        if (expect_status(res, "interdomain", me, EVTCHNSTAT_interdomain, 0) &&
            !ev_status(me, &st)) {
            ex_eq(res, "interdomain status u.interdomain.dom", st.u.interdomain.dom, 0);
            ex_eq(res, "interdomain status u.interdomain.port", st.u.interdomain.port, peer);
        }
    }
    ev_pending_clear(b);
    vcpu0()->evtchn_pending_sel = 0;
    vcpu0()->evtchn_upcall_pending = 0;
    ev_mask_set(a, true);
    ev_mask_set(b, true);
    xtf_expect_rc(res, "send on a", ev_send(a), 0);
    ev_expect_bits(res, "a after send(a)", a, false, true, false, false);
    ev_expect_bits(res, "b after send(a)", b, true, true, false, false);
    ev_pending_clear(b);
    xtf_expect_rc(res, "send on b", ev_send(b), 0);
    ev_expect_bits(res, "a after send(b)", a, true, true, false, false);
    ev_expect_bits(res, "b after send(b)", b, false, true, false, false);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_send_masked, "ev-send-masked",
         "a send to a masked port sets its pending bit only, and nothing is delivered")
{
    evtchn_port_t a, b;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    ev_mask_set(b, true);
    uint64_t before = pvx_events;
    xtf_expect_rc(res, "send", ev_send(a), 0);
    ev_expect_bits(res, "after the send", b, true, true, false, false);
    xtf_expect(res, !ev_wait_upcall(before, 2 * EV_MS),
               "an upcall came for a masked port (events unmasked 2 ms)");
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_send_unmasked, "ev-send-unmasked",
         "a send to an unmasked port sets pending, selector and upcall_pending; none while masked")
{
    evtchn_port_t a, b;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    ev_mask_set(b, false);
    uint64_t before = pvx_events;
    xtf_expect_rc(res, "send", ev_send(a), 0);
    ev_expect_bits(res, "after the send", b, true, false, true, true);
    ev_spin(2 * EV_MS);
    ex_eq(res, "upcalls while evtchn_upcall_mask was set (2 ms)", pvx_events - before, 0);
    ex_eq(res, "evtchn_upcall_mask", ev_upcall_mask(), 1);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_send_again, "ev-send-again",
         "a send to a port still pending raises nothing again")
{
    evtchn_port_t a, b;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    ev_mask_set(b, false);
    xtf_expect_rc(res, "first send", ev_send(a), 0);
    ev_expect_bits(res, "after the first send", b, true, false, true, true);
    vcpu0()->evtchn_upcall_pending = 0;
    vcpu0()->evtchn_pending_sel = 0;
    xtf_expect_rc(res, "second send", ev_send(a), 0);
    ev_expect_bits(res, "after the second send", b, true, false, false, false);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_unmask_reraise, "ev-unmask-reraise",
         "unmask of a masked pending port raises it; the upcall comes on the unmask's return")
{
    evtchn_port_t a, b;
    struct pvx_record r;
    struct xframe f;
    uint64_t stub_ret = (uint64_t)hypercall_page + __HYPERVISOR_event_channel_op * 32 + 10;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    ev_mask_set(b, true);
    xtf_expect_rc(res, "unmask of a port not pending", ev_unmask(b), 0);
    ev_expect_bits(res, "after unmasking a port not pending", b, false, false, false, false);
    ev_mask_set(b, true);
    xtf_expect_rc(res, "send", ev_send(a), 0);
    ev_expect_bits(res, "masked and pending", b, true, true, false, false);
    xtf_expect_rc(res, "unmask (events masked)", ev_unmask(b), 0);
    ev_expect_bits(res, "after the unmask", b, true, false, true, true);
    /* Again with the vCPU's events unmasked: the unmask's own return delivers. */
    ev_mask_set(b, true);
    vcpu0()->evtchn_upcall_pending = 0;
    vcpu0()->evtchn_pending_sel = 0;
    uint64_t before = pvx_events;
    vcpu0()->evtchn_upcall_mask = 0;
    long rc = ev_unmask(b);
    vcpu0()->evtchn_upcall_mask = 1;
    xtf_expect_rc(res, "unmask (events unmasked)", rc, 0);
    if (ex_eq(res, "upcalls taken", pvx_events - before, 1)) {
        pvexec_event_record(&r);
        xframe_decode(&r, false, false, &f);
        ex_eq(res, "upcall frame rip (the unmask hypercall's return)", f.rip, stub_ret);
        ex_eq(res, "evtchn_upcall_pending at the upcall", pvx_ev_pending, 1);
        ex_eq(res, "evtchn_pending_sel at the upcall", pvx_ev_sel, 1);
    }
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_close, "ev-close",
         "close clears the pending bit; closing one end of a pair leaves the other unbound")
{
    evtchn_port_t a, b;
    struct evtchn_status st;

    if (!ev_begin(res, NEED_SHINFO) || !ev_loopback(res, &a, &b))
        goto out;
    ev_mask_set(b, true);
    xtf_expect_rc(res, "send", ev_send(a), 0);
    xtf_expect_rc(res, "close b (pending, masked)", ev_close(b), 0);
    ev_expect_bits(res, "b after close", b, false, true, false, false);
    expect_status(res, "closed", b, EVTCHNSTAT_closed, 0);
    if (expect_status(res, "peer of a closed port", a, EVTCHNSTAT_unbound, 0) &&
        !ev_status(a, &st))
        ex_eq(res, "unbound again: u.unbound.dom", st.u.unbound.dom, 0);
    ev_mask_set(a, false);
    xtf_expect_rc(res, "send on the unbound end", ev_send(a), 0);
    ev_expect_bits(res, "a after its send", a, false, false, false, false);
    ev_expect_bits(res, "b after the send", b, false, true, false, false);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_status, "ev-status",
         "status: port 0 and unused ports closed; beyond 4095 -EINVAL; domain 1 -ESRCH")
{
    struct evtchn_status st;

    if (!ev_begin(res, NEED_SHINFO))
        return;
    expect_status(res, "reserved", 0, EVTCHNSTAT_closed, 0);
    expect_status(res, "never used", 40, EVTCHNSTAT_closed, 0);
    xtf_expect_rc(res, "status of port 4096", ev_status(4096, &st), -XEN_EINVAL);
    xtf_expect_rc(res, "status of port 0xffffffff", ev_status(0xffffffffU, &st), -XEN_EINVAL);
    memset(&st, 0, sizeof(st));
    st.dom = 1;
    st.port = 1;
    xtf_expect_rc(res, "status in domain 1", ev_op(EVTCHNOP_status, &st), -XEN_ESRCH);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_bind_vcpu, "ev-bind-vcpu",
         "bind_vcpu: unbound, interdomain and global VIRQ ports move; others -EINVAL")
{
    evtchn_port_t a, b, timer, console, ipi;

    if (!ev_begin(res, NEED_SHINFO) || !ev_loopback(res, &a, &b) ||
        !xtf_expect_rc(res, "bind VIRQ_TIMER", ev_bind_virq(VIRQ_TIMER, 0, &timer), 0) ||
        !xtf_expect_rc(res, "bind VIRQ_CONSOLE", ev_bind_virq(VIRQ_CONSOLE, 0, &console), 0) ||
        !xtf_expect_rc(res, "bind_ipi", ev_bind_ipi(0, &ipi), 0))
        goto out;
    xtf_expect_rc(res, "interdomain port", ev_bind_vcpu(b, 0), 0);
    xtf_expect_rc(res, "global VIRQ", ev_bind_vcpu(console, 0), 0);
    xtf_expect_rc(res, "per-vCPU VIRQ", ev_bind_vcpu(timer, 0), -XEN_EINVAL);
    xtf_expect_rc(res, "IPI port", ev_bind_vcpu(ipi, 0), -XEN_EINVAL);
    xtf_expect_rc(res, "vCPU 1", ev_bind_vcpu(b, 1), -XEN_ENOENT);
    xtf_expect_rc(res, "close b", ev_close(b), 0);
    xtf_expect_rc(res, "unbound port", ev_bind_vcpu(a, 0), 0);
    xtf_expect_rc(res, "closed port", ev_bind_vcpu(b, 0), -XEN_EINVAL);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_init_control, "ev-init-control",
         "init_control judges a FIFO request (Xen 4.17 offers FIFO); a refused one leaves 2-level")
{
    struct page ctl;
    evtchn_port_t a, b;

    if (!ev_begin(res, NEED_SHINFO) || !page_new(res, &ctl))
        goto out;
    struct ev_init_control ic = { .control_gfn = ctl.mfn.v, .offset = 4, .vcpu = 0 };
    long rc = ev_op(EVTCHNOP_init_control, &ic);
    bool fifo = rc != -XEN_EOPNOTSUPP;

    ev_note("ev-init-control", "FIFO %s", fifo ? "offered" : "not offered (-EOPNOTSUPP)");
    xtf_expect_rc(res, "offset 4 (not 8-byte aligned)", rc, fifo ? -XEN_EINVAL : rc);
    ic.offset = 0;
    ic.vcpu = 1;
    xtf_expect_rc(res, "vCPU 1", ev_op(EVTCHNOP_init_control, &ic),
                  fifo ? -XEN_ENOENT : -XEN_EOPNOTSUPP);
    if (ev_loopback(res, &a, &b)) {
        ev_mask_set(b, true);
        xtf_expect_rc(res, "send after the refused init_control", ev_send(a), 0);
        ev_expect_bits(res, "2-level bits after the refused init_control", b, true, true,
                       false, false);
    }
out:
    ev_end(res);
    xtf_success(res);
}
