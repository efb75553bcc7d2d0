/*
 * Hypotheses (vcpu_op: the runstate, vcpu_info and whether a vCPU is up):
 *
 * ev-runstate: VCPUOP_register_runstate_memory_area returns 0 and fills the area at once:
 *   state RUNSTATE_running, state_entry_time not after now, time[running] non-zero;
 *   VCPUOP_get_runstate_info gives the same state; after a SCHEDOP_block of 20 ms the area
 *   shows time[blocked] grown.  Registering address 0 stops the updates (0).
 *   get_runstate_info of vCPU 1 (there is none) is -ENOENT.
 *
 * ev-vcpu-is-up: VCPUOP_is_up is 1 for vCPU 0 and -ENOENT for vCPU 1 and 0xffffffff;
 *   vcpu_op command 99 is -ENOSYS.
 *
 * ev-register-vcpu-info (alone in its own boot: the move is for good): 
 *   VCPUOP_register_vcpu_info moves vCPU 0's vcpu_info to (frame, offset) with its
 *   contents copied there; a second registration is -EINVAL; afterwards events set
 *   evtchn_upcall_pending in the new place, and an upcall masks events there.  An offset
 *   that leaves no room for the 64-byte vcpu_info is -ENXIO, a frame not the domain's
 *   -EINVAL.
 */
#include "ev.h"

static struct vcpu_runstate_info runstate_area __attribute__((aligned(64)));

XTF_TEST(test_ev_runstate, "ev-runstate",
         "the runstate area is filled at once and shows time blocked after SCHEDOP_block")
{
    struct vcpu_register_runstate_memory_area reg = { .addr.v = &runstate_area };
    struct vcpu_runstate_info info;
    volatile struct vcpu_runstate_info *ra = &runstate_area;
    evtchn_port_t t;

    if (!ev_begin(res, NEED_TRAPS))
        goto out;
    memset(&runstate_area, 0xa5, sizeof(runstate_area));
    if (!xtf_expect_rc(res, "register_runstate_memory_area",
                       ev_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg), 0))
        goto out;
    uint64_t now = ev_now();
    ex_eq(res, "area state", (uint64_t)ra->state, RUNSTATE_running);
    xtf_expect(res, ra->state_entry_time <= now, "state_entry_time is after now");
    xtf_expect(res, ra->time[RUNSTATE_running] != 0, "time[running] is 0");
    ev_note("ev-runstate", "state %d entry %lu time %lu %lu %lu %lu (now %lu)", ra->state,
            ra->state_entry_time, ra->time[0], ra->time[1], ra->time[2], ra->time[3], now);
    uint64_t blocked = ra->time[RUNSTATE_blocked];
    xtf_expect_rc(res, "get_runstate_info", ev_vcpu_op(VCPUOP_get_runstate_info, 0, &info), 0);
    ex_eq(res, "get_runstate_info state", (uint64_t)info.state, RUNSTATE_running);
    xtf_expect_rc(res, "get_runstate_info of vCPU 1",
                  ev_vcpu_op(VCPUOP_get_runstate_info, 1, &info), -XEN_ENOENT);
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = ev_now() + 20 * EV_MS };
    if (xtf_expect_rc(res, "bind VIRQ_TIMER", ev_bind_virq(VIRQ_TIMER, 0, &t), 0) &&
        xtf_expect_rc(res, "set_singleshot_timer",
                      ev_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0)) {
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        vcpu0()->evtchn_upcall_mask = 1;
        ev_note("ev-runstate", "time[blocked] %lu -> %lu", blocked, ra->time[RUNSTATE_blocked]);
        xtf_expect(res, ra->time[RUNSTATE_blocked] > blocked,
                   "time[blocked] did not grow over a SCHEDOP_block");
    }
out:
    reg.addr.p = 0;
    xtf_expect_rc(res, "register address 0",
                  ev_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg), 0);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST(test_ev_vcpu_is_up, "ev-vcpu-is-up", "VCPUOP_is_up: 1 for vCPU 0, -ENOENT beyond")
{
    if (!ev_begin(res, NEED_SHINFO))
        return;
    xtf_expect_rc(res, "is_up(0)", ev_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    xtf_expect_rc(res, "is_up(1)", ev_vcpu_op(VCPUOP_is_up, 1, NULL), -XEN_ENOENT);
    xtf_expect_rc(res, "is_up(0xffffffff)", ev_vcpu_op(VCPUOP_is_up, 0xffffffffU, NULL),
                  -XEN_ENOENT);
    xtf_expect_rc(res, "command 99", ev_vcpu_op(99, 0, NULL), -XEN_ENOSYS);
    ev_end(res);
    xtf_success(res);
}

XTF_TEST_EXPLICIT(test_ev_register_vcpu_info, "ev-register-vcpu-info",
                  "register_vcpu_info moves vcpu_info for good; events then use the new place")
{
    struct page pg;
    struct vcpu_register_vcpu_info reg;
    evtchn_port_t a, b;
    mfn_t foreign;

    if (!ev_begin(res, NEED_TRAPS) || !page_new(res, &pg))
        return;
    reg = (struct vcpu_register_vcpu_info){ .mfn = pg.mfn.v, .offset = PAGE_SIZE - 32 };
    xtf_expect_rc(res, "offset 4064 (no room)",
                  ev_vcpu_op(VCPUOP_register_vcpu_info, 0, &reg), -XEN_ENXIO);
    if (mm_foreign_mfn(&foreign)) {
        reg = (struct vcpu_register_vcpu_info){ .mfn = foreign.v, .offset = 64 };
        xtf_expect_rc(res, "a frame not ours",
                      ev_vcpu_op(VCPUOP_register_vcpu_info, 0, &reg), -XEN_EINVAL);
    }
    volatile struct vcpu_info *old = vcpu0();
    volatile struct vcpu_info *moved = (volatile struct vcpu_info *)((char *)pg.va + 64);
    old->arch.cr2 = 0x5a5a000;
    reg = (struct vcpu_register_vcpu_info){ .mfn = pg.mfn.v, .offset = 64 };
    if (!xtf_expect_rc(res, "register at offset 64",
                       ev_vcpu_op(VCPUOP_register_vcpu_info, 0, &reg), 0))
        return;
    ex_eq(res, "evtchn_upcall_mask copied", moved->evtchn_upcall_mask, 1);
    ex_eq(res, "arch.cr2 copied", moved->arch.cr2, 0x5a5a000);
    ex_eq(res, "time.version copied (even)", moved->time.version & 1, 0);
    pvexec_vcpu_info_moved(moved);
    xtf_expect_rc(res, "a second registration",
                  ev_vcpu_op(VCPUOP_register_vcpu_info, 0, &reg), -XEN_EINVAL);
    if (ev_loopback(res, &a, &b)) {
        xtf_expect_rc(res, "send", ev_send(a), 0);
        ex_eq(res, "evtchn_upcall_pending in the new vcpu_info", moved->evtchn_upcall_pending, 1);
        ex_eq(res, "evtchn_upcall_pending in the old one", old->evtchn_upcall_pending, 0);
        uint64_t before = pvx_events;
        xtf_expect(res, ev_wait_upcall(before, 10 * EV_MS), "no upcall");
        if (pvx_events != before) {
            struct pvx_record r;
            pvexec_event_record(&r);
            ex_eq(res, "evtchn_upcall_mask (new place) in the callback", r.mask, 1);
        }
    }
    ev_end(res);
    xtf_success(res);
}
