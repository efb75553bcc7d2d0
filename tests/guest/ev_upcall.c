/*
 * Hypotheses (upcalls: how an event enters the guest kernel's event callback):
 *
 * ev-upcall-kernel: a timer event arriving while guest kernel code spins with events
 *   unmasked enters the event callback with the exception frame { rcx, r11, rip, cs,
 *   rflags, rsp, ss } below the interrupted rsp rounded down to 16 bytes; rip is inside the
 *   loop, cs is 0xe030 with the saved event mask (0) in bits 32-39, rflags has IF set,
 *   rsp and ss are the interrupted ones.  evtchn_upcall_mask is 1 in the callback (the
 *   harness registers it without CALLBACKF_mask_events: an upcall always masks), and
 *   evtchn_upcall_pending is still 1 there: clearing it is the guest's job.
 *
 * ev-upcall-user: the same event arriving in guest user mode enters the callback in kernel
 *   mode on the stack_switch stack, the frame ending at its top: cs 0xe033 with saved mask
 *   0, rip inside the user loop, the user's rsp and ss.
 *
 * ev-upcall-on-unmask: an event already pending while events are masked is delivered when
 *   the guest clears evtchn_upcall_mask and then makes any hypercall: on that hypercall's
 *   return (frame rip just after its syscall in the hypercall page), whose result is
 *   unchanged.
 *
 * ev-upcall-masked: a timer event that fires while evtchn_upcall_mask is set is not
 *   delivered, however long the guest runs: its port's pending bit, the selector bit and
 *   evtchn_upcall_pending are set and wait for the unmask.
 */
#include "ev.h"

#define CS_MASK_SHIFT 32

/* Bind VIRQ_TIMER and arm the one-shot timer `ns` from now.  The lead is long enough for
 * the slowest platform (the auditing debug host) to be spinning when the timer fires: one
 * that fired earlier, while events were still masked, would wait for the next entry into
 * the hypervisor, which a spinning guest does not make. */
#define LEAD (20 * EV_MS)
static bool timer_soon(struct xtf_result *res, evtchn_port_t *port, uint64_t ns)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = ev_now() + ns };
    return xtf_expect_rc(res, "bind VIRQ_TIMER", ev_bind_virq(VIRQ_TIMER, 0, port), 0) &&
           xtf_expect_rc(res, "set_singleshot_timer", ev_vcpu_op(VCPUOP_set_singleshot_timer,
                                                                 0, &t), 0);
}

/* The spin ended without an upcall. */
static void no_upcall(struct xtf_result *res, evtchn_port_t t)
{
    xtf_failure(res, "no upcall within 100 ms of a timer set 20 ms ahead (its port %s pending)",
                ev_pending(t) ? "is" : "is not");
}

XTF_TEST(test_ev_upcall_kernel, "ev-upcall-kernel",
         "an upcall in kernel mode: Xen's frame, saved mask 0 in cs, mask set in the callback")
{
    evtchn_port_t t;
    struct pvx_record r;
    struct xframe f;

    if (!ev_begin(res, NEED_TRAPS) || !timer_soon(res, &t, LEAD))
        goto out;
    pvx_ev_longjmp = 1;
    if (kcall(k_spin_unmasked, ev_ns_to_tsc(ev_now() + 100 * EV_MS), 0, NULL, &r)) {
        no_upcall(res, t);
        goto out;
    }
    if (!ex_kind(res, "entry while spinning", &r, PVX_KIND_EVENT))
        goto out;
    xframe_decode(&r, false, false, &f);
    uint64_t rsp = pvx_snip_rsp;
    ex_eq(res, "frame address", r.frame, (rsp & ~0xfULL) - 7 * 8);
    xtf_expect(res, f.rip >= (uint64_t)k_spin_unmasked_loop &&
               f.rip <= (uint64_t)k_spin_unmasked_end, "frame rip is not inside the loop");
    ex_eq(res, "frame cs (selector)", f.cs & 0xffff, PVX_CS_KERNEL);
    ex_eq(res, "frame cs (saved mask, bits 32-39)", f.cs >> CS_MASK_SHIFT, 0);
    ex_eq(res, "frame rflags IF", f.rflags & RFLAGS_IF, RFLAGS_IF);
    ex_eq(res, "frame rsp", f.rsp, rsp);
    ex_eq(res, "frame ss", f.ss, PVX_SS);
    ex_eq(res, "evtchn_upcall_mask in the callback", r.mask, 1);
    ex_eq(res, "evtchn_upcall_pending in the callback", pvx_ev_pending, 1);
    ex_eq(res, "evtchn_pending_sel in the callback", pvx_ev_sel, 1);
    ex_eq(res, "callback's %cs", r.cs, FLAT_KERNEL_CS);
    xtf_expect(res, ev_pending(t), "the timer port is not pending");
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_upcall_user, "ev-upcall-user",
         "an upcall in user mode: on the stack_switch stack, cs 0xe033, the user's rip and rsp")
{
    evtchn_port_t t;
    struct pvx_record r;
    struct xframe f;

    if (!ev_begin(res, NEED_USER) || !timer_soon(res, &t, LEAD))
        goto out;
    pvx_ev_longjmp = 1;
    ucall(u_spin, ev_ns_to_tsc(ev_now() + 100 * EV_MS), 0, &r);
    if (r.kind == PVX_KIND_SYSCALL) {
        no_upcall(res, t);
        goto out;
    }
    if (!ex_kind(res, "entry while spinning in user mode", &r, PVX_KIND_EVENT))
        goto out;
    xframe_decode(&r, false, false, &f);
    ex_eq(res, "frame address", r.frame, (uint64_t)pvx_kstack_top - 7 * 8);
    xtf_expect(res, f.rip >= user_va(u_spin) && f.rip <= user_va(u_spin_at),
               "frame rip is not inside the user loop");
    ex_eq(res, "frame cs (selector)", f.cs & 0xffff, PVX_CS_USER);
    ex_eq(res, "frame cs (saved mask, bits 32-39)", f.cs >> CS_MASK_SHIFT, 0);
    ex_eq(res, "frame rflags IF", f.rflags & RFLAGS_IF, RFLAGS_IF);
    ex_eq(res, "frame rsp", f.rsp, USER_STACK_TOP);
    ex_eq(res, "frame ss", f.ss, PVX_SS);
    ex_eq(res, "evtchn_upcall_mask in the callback", r.mask, 1);
    ex_eq(res, "callback's %cs", r.cs, FLAT_KERNEL_CS);
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_upcall_on_unmask, "ev-upcall-on-unmask",
         "a pending event is delivered on the return of the first hypercall after unmasking")
{
    evtchn_port_t a, b;
    struct pvx_record r;
    struct xframe f;
    uint64_t ret = 0;
    uint64_t stub_ret = (uint64_t)hypercall_page + __HYPERVISOR_xen_version * 32 + 10;

    if (!ev_begin(res, NEED_TRAPS) || !ev_loopback(res, &a, &b))
        goto out;
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    xtf_expect_rc(res, "send", ev_send(a), 0);
    ev_expect_bits(res, "pending, events masked", b, true, false, true, true);
    uint64_t before = pvx_events;
    if (!kcall(k_unmask_xenver, 0, 0, &ret, &r)) {
        pvx_record_print("ev-upcall-on-unmask", "entry", &r);
        xtf_failure(res, "the unmask-and-hypercall snippet did not return");
        goto out;
    }
    ex_eq(res, "xen_version's result", ret, (uint64_t)version);
    if (ex_eq(res, "upcalls taken", pvx_events - before, 1)) {
        pvexec_event_record(&r);
        xframe_decode(&r, false, false, &f);
        ex_eq(res, "frame rip (after the hypercall's syscall)", f.rip, stub_ret);
        ex_eq(res, "frame cs (saved mask, bits 32-39)", f.cs >> CS_MASK_SHIFT, 0);
        ex_eq(res, "evtchn_upcall_mask in the callback", r.mask, 1);
    }
out:
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_upcall_masked, "ev-upcall-masked",
         "a timer event while events are masked is not delivered; its bits wait")
{
    evtchn_port_t t;

    if (!ev_begin(res, NEED_TRAPS) || !timer_soon(res, &t, LEAD))
        goto out;
    uint64_t before = pvx_events;
    ev_spin(LEAD + 10 * EV_MS);
    ex_eq(res, "upcalls while masked (10 ms after the timer's deadline)",
          pvx_events - before, 0);
    ev_expect_bits(res, "timer port", t, true, false, true, true);
    xtf_expect(res, ev_wait_upcall(before, 10 * EV_MS),
               "no upcall after unmasking, though one was pending");
out:
    ev_end(res);
    xtf_success(res);
}
