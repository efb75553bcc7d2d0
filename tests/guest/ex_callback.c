/*
 * Hypotheses (callback_op, set_callbacks, stack_switch, and the trap table's IF flag):
 *
 * ex-callback-op: CALLBACKOP_register accepts the event, failsafe, syscall and NMI
 *   callbacks (0); an unknown type is -ENOSYS, a non-canonical address -EINVAL.
 *   CALLBACKOP_unregister refuses the event, failsafe and syscall callbacks (-EINVAL),
 *   accepts NMI (0), and an unknown type is -ENOSYS.  An unknown command is -ENOSYS and an
 *   unreadable argument -EFAULT.
 *
 * ex-set-callbacks: the old set_callbacks(event, failsafe, syscall) replaces all three
 *   and returns 0 (a user syscall then arrives at the new syscall entry, with events not
 *   masked: it registers without CALLBACKF_mask_events); it returns 0 even for
 *   non-canonical addresses, which it ignores (the previous callbacks stay).
 *
 * ex-stack-switch: stack_switch never fails: a selector that is not a flat ring-3 stack
 *   (Xen's own 0xe008) is accepted and ignored, a bounce from user mode still runs on
 *   FLAT_KERNEL_SS; the new stack pointer is used, rounded down to 16 bytes, for the next
 *   bounce from user mode.
 *
 * ex-trap-if: a trap-table entry with TI_SET_IF (flags bit 2) masks events when it is
 *   entered (as an interrupt gate clears IF); without it the mask is left as it was (user
 *   mode runs unmasked here).
 */
#include "pvexec.h"

static long reg_cb(uint16_t type, uint16_t flags, uint64_t address)
{
    struct callback_register r = { .type = type, .flags = flags, .address = address };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &r);
}

static long unreg_cb(uint16_t type)
{
    struct callback_unregister u = { .type = type };
    return HYPERVISOR_callback_op(CALLBACKOP_unregister, &u);
}

XTF_TEST(ex_callback_op, "ex-callback-op",
         "callback_op: which types register and unregister, and the errno of each refusal")
{
    struct callback_unregister u = { .type = CALLBACKTYPE_event };

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    xtf_expect_rc(res, "register event", reg_cb(CALLBACKTYPE_event, 0,
                                                (uint64_t)pvx_event_entry), 0);
    xtf_expect_rc(res, "register failsafe", reg_cb(CALLBACKTYPE_failsafe, 0,
                                                   (uint64_t)pvx_failsafe_entry), 0);
    xtf_expect_rc(res, "register syscall", reg_cb(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
                                                  (uint64_t)pvx_syscall_entry), 0);
    xtf_expect_rc(res, "register nmi", reg_cb(CALLBACKTYPE_nmi, 0, (uint64_t)(pvx_stubs + 32)),
                  0);
    xtf_expect_rc(res, "register type 99", reg_cb(99, 0, (uint64_t)pvx_event_entry),
                  -XEN_ENOSYS);
    xtf_expect_rc(res, "register a non-canonical address",
                  reg_cb(CALLBACKTYPE_event, 0, 1ULL << 60), -XEN_EINVAL);
    xtf_expect_rc(res, "unregister event", unreg_cb(CALLBACKTYPE_event), -XEN_EINVAL);
    xtf_expect_rc(res, "unregister failsafe", unreg_cb(CALLBACKTYPE_failsafe), -XEN_EINVAL);
    xtf_expect_rc(res, "unregister syscall", unreg_cb(CALLBACKTYPE_syscall), -XEN_EINVAL);
    xtf_expect_rc(res, "unregister nmi", unreg_cb(CALLBACKTYPE_nmi), 0);
    xtf_expect_rc(res, "unregister type 99", unreg_cb(99), -XEN_ENOSYS);
    xtf_expect_rc(res, "command 2", HYPERVISOR_callback_op(2, &u), -XEN_ENOSYS);
    xtf_expect_rc(res, "unreadable argument",
                  HYPERVISOR_callback_op(CALLBACKOP_register, (void *)TEST_SLOT_VA),
                  -XEN_EFAULT);
    xtf_expect_rc(res, "restore the callbacks", pvexec_callbacks_reset(), 0);
    xtf_success(res);
}

XTF_TEST(ex_set_callbacks, "ex-set-callbacks",
         "set_callbacks replaces all three callbacks, and ignores non-canonical addresses")
{
    struct pvx_record r;
    uint64_t marker = (uint64_t)(pvx_stubs + 16 * 0xfe);     /* records kind 0xfe */

    if (!pvexec_need(res, NEED_USER))
        return;
    long rc = HYPERVISOR_set_callbacks((uint64_t)pvx_event_entry,
                                       (uint64_t)pvx_failsafe_entry, marker);
    if (!xtf_expect_rc(res, "set_callbacks", rc, 0))
        return;
    ucall(u_syscall, 1, 0, &r);
    if (ex_kind(res, "user syscall after set_callbacks", &r, 0xfe))
        ex_eq(res, "event mask at entry (no CALLBACKF_mask_events)", r.mask, 0);
    rc = HYPERVISOR_set_callbacks(1ULL << 60, 1ULL << 60, 1ULL << 60);
    xtf_expect_rc(res, "set_callbacks with non-canonical addresses", rc, 0);
    ucall(u_syscall, 2, 0, &r);
    ex_kind(res, "user syscall after the non-canonical set_callbacks", &r, 0xfe);
    xtf_expect_rc(res, "restore the callbacks", pvexec_callbacks_reset(), 0);
    xtf_success(res);
}

XTF_TEST(ex_stack_switch, "ex-stack-switch",
         "stack_switch accepts any selector (ignored) and moves the next user-mode bounce")
{
    struct pvx_record r;
    uint64_t sp = (uint64_t)pvx_kstack_top - 0x1000 + 8;      /* not 16-byte aligned */

    if (!pvexec_need(res, NEED_USER))
        return;
    long rc = HYPERVISOR_stack_switch(0xe008, sp);
    xtf_expect_rc(res, "stack_switch to ss 0xe008", rc, 0);
    ucall(u_ud2, 0, 0, &r);
    if (ex_kind(res, "ud2 in user mode", &r, 6)) {
        ex_eq(res, "frame address", r.frame, (sp & ~0xfULL) - 7 * 8);
        ex_eq(res, "handler's %ss", r.ss, PVX_SS);
    }
    rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS, (uint64_t)pvx_kstack_top);
    xtf_expect_rc(res, "stack_switch back", rc, 0);
    ucall(u_ud2, 0, 0, &r);
    if (ex_kind(res, "ud2 in user mode, stack back", &r, 6))
        ex_eq(res, "frame address", r.frame, (uint64_t)pvx_kstack_top - 7 * 8);
    xtf_success(res);
}

XTF_TEST(ex_trap_if, "ex-trap-if",
         "a trap-table entry with the IF flag masks events on entry; without it, it does not")
{
    struct pvx_record r;
    struct trap_info t[2] = {
        { .vector = 6, .flags = 4, .cs = FLAT_KERNEL_CS,
          .address = (unsigned long)(pvx_stubs + 16 * 6) },
        { 0 },
    };

    if (!pvexec_need(res, NEED_USER))
        return;
    ucall(u_ud2, 0, 0, &r);
    if (ex_kind(res, "ud2 through a plain entry", &r, 6))
        ex_eq(res, "event mask at entry", r.mask, 0);
    if (!xtf_expect_rc(res, "entry 6 with TI_SET_IF", HYPERVISOR_set_trap_table(t), 0))
        return;
    ucall(u_ud2, 0, 0, &r);
    if (ex_kind(res, "ud2 through an IF entry", &r, 6)) {
        ex_eq(res, "event mask at entry", r.mask, 1);
        ex_eq(res, "saved mask in the frame's cs", r.word[3] >> 32, 0);
    }
    xtf_expect_rc(res, "restore the trap table", pvexec_trap_table_reset(), 0);
    xtf_success(res);
}
