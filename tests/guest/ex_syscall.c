/*
 * Hypotheses (syscall from guest user mode, and the callbacks that receive it):
 *
 * ex-syscall-frame: `syscall` in user mode enters the syscall callback on the stack_switch
 *   stack with the frame { rcx, r11, rip, cs, rflags, rsp, ss }: rcx and rip are the
 *   address after the syscall, r11 the user's rflags (as the instruction saved them),
 *   cs FLAT_USER_CS with saved mask 0, rsp and ss the user's.  Every other register
 *   arrives as user mode left it (the callback is how a kernel receives system call
 *   arguments).  The callback was registered with CALLBACKF_mask_events, so events are
 *   masked on entry; rflags.DF is clear in the callback (as after a native syscall whose
 *   FMASK clears DF), while the frame's r11 keeps the user's DF.
 *
 * ex-syscall-nomask: registered without CALLBACKF_mask_events, the callback runs with the
 *   event mask user mode had (0).
 *
 * ex-syscall-roundtrip: the callback returns to user mode with the iret hypercall and
 *   VGCF_in_syscall, at rip = the frame's rcx; user mode goes on and makes a second syscall
 *   from the next instruction: kernel -> user -> kernel -> user -> kernel.
 *
 * ex-syscall-no-callback: with the syscall callback registered at address 0, a user
 *   `syscall` is bounced as #UD (no error code) with rip at the syscall instruction, as if
 *   the instruction did not exist.
 *
 * ex-hypercall-from-user: a hypercall issued from user mode (syscall with a hypercall number
 *   in rax, SCHEDOP_shutdown's arguments in rdi/rsi) is not run: it arrives at the syscall
 *   callback with rax unchanged, and the domain is still running afterwards.
 */
#include "pvexec.h"

XTF_TEST(ex_syscall_frame, "ex-syscall-frame",
         "a user syscall enters the syscall callback with Xen's frame and the user's registers")
{
    struct pvx_record r;
    struct xframe f;
    const uint64_t base = 0x5a5a000000000000ULL;

    if (!pvexec_need(res, NEED_USER))
        return;
    ucall(u_syscall_regs, base, 0, &r);
    if (!ex_kind(res, "user syscall", &r, PVX_KIND_SYSCALL))
        return;
    xframe_decode(&r, false, false, &f);
    uint64_t after = user_va(u_syscall_regs_at) + 2;
    ex_eq(res, "frame address", r.frame, (uint64_t)pvx_kstack_top - 7 * 8);
    ex_eq(res, "frame rcx (return address)", f.rcx, after);
    ex_eq(res, "frame rip", f.rip, after);
    ex_eq(res, "frame r11 IF|DF (user rflags)", f.r11 & (RFLAGS_IF | RFLAGS_DF),
          RFLAGS_IF | RFLAGS_DF);
    ex_eq(res, "frame cs (selector)", f.cs & 0xffff, PVX_CS_USER);
    ex_eq(res, "frame cs (saved mask)", f.cs >> 32, 0);
    ex_eq(res, "frame rflags IF", f.rflags & RFLAGS_IF, RFLAGS_IF);
    ex_eq(res, "frame rsp", f.rsp, USER_STACK_TOP);
    ex_eq(res, "frame ss", f.ss, PVX_SS);
    static const struct { unsigned reg; uint64_t off; const char *name; } regs[] = {
        { R_AX, 0, "rax" }, { R_BX, 1, "rbx" }, { R_DX, 2, "rdx" }, { R_BP, 3, "rbp" },
        { R_SI, 4, "rsi" }, { R_DI, 5, "rdi" }, { R_8, 6, "r8" }, { R_9, 7, "r9" },
        { R_10, 8, "r10" }, { R_12, 9, "r12" }, { R_13, 10, "r13" }, { R_14, 11, "r14" },
        { R_15, 12, "r15" },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
        ex_eq(res, regs[i].name, r.gpr[regs[i].reg], base + regs[i].off);
    ex_eq(res, "event mask in the callback (CALLBACKF_mask_events)", r.mask, 1);
    ex_eq(res, "rflags.DF in the callback (cleared)", r.rflags & RFLAGS_DF, 0);
    xtf_success(res);
}

XTF_TEST(ex_syscall_nomask, "ex-syscall-nomask",
         "a syscall callback registered without CALLBACKF_mask_events leaves events unmasked")
{
    struct pvx_record r;
    struct callback_register reg = { .type = CALLBACKTYPE_syscall,
                                     .address = (unsigned long)pvx_syscall_entry };

    if (!pvexec_need(res, NEED_USER))
        return;
    long rc = HYPERVISOR_callback_op(CALLBACKOP_register, &reg);
    if (!xtf_expect_rc(res, "register without mask_events", rc, 0))
        return;
    ucall(u_syscall, 7, 0, &r);
    if (ex_kind(res, "user syscall", &r, PVX_KIND_SYSCALL)) {
        ex_eq(res, "event mask in the callback", r.mask, 0);
        ex_eq(res, "rax", r.gpr[R_AX], 7);
    }
    xtf_expect_rc(res, "restore the callbacks", pvexec_callbacks_reset(), 0);
    ucall(u_syscall, 8, 0, &r);
    if (ex_kind(res, "user syscall after the reset", &r, PVX_KIND_SYSCALL))
        ex_eq(res, "event mask in the callback (mask_events again)", r.mask, 1);
    xtf_success(res);
}

XTF_TEST(ex_syscall_roundtrip, "ex-syscall-roundtrip",
         "the syscall callback irets back to user mode (VGCF_in_syscall), which syscalls again")
{
    struct pvx_record r;
    struct xframe f;

    if (!pvexec_need(res, NEED_USER))
        return;
    /* First entry: resume user mode by iret (flags VGCF_in_syscall, rip as in the frame);
     * the second syscall then ends the call by longjmp. */
    pvexec_resume_iret(false, 0, VGCF_in_syscall);
    uint64_t before = pvx_rec.count;
    ucall(u_syscall_twice, 0x1111, 0x2222, &r);
    if (!ex_kind(res, "second user syscall", &r, PVX_KIND_SYSCALL))
        return;
    ex_eq(res, "syscall entries taken", pvx_rec.count - before, 2);
    ex_eq(res, "rax of the second syscall", r.gpr[R_AX], 0x2222);
    xframe_decode(&r, false, false, &f);
    ex_eq(res, "second frame rip", f.rip, user_va(u_syscall_twice_at) + 5);
    ex_eq(res, "second frame cs", f.cs & 0xffff, PVX_CS_USER);
    ex_eq(res, "second frame rsp", f.rsp, USER_STACK_TOP);
    xtf_success(res);
}

XTF_TEST(ex_syscall_no_callback, "ex-syscall-no-callback",
         "a user syscall with no syscall callback is bounced as #UD at the syscall")
{
    struct pvx_record r;
    struct xframe f;
    struct callback_register reg = { .type = CALLBACKTYPE_syscall, .address = 0 };

    if (!pvexec_need(res, NEED_USER))
        return;
    long rc = HYPERVISOR_callback_op(CALLBACKOP_register, &reg);
    if (!xtf_expect_rc(res, "register a syscall callback at 0", rc, 0))
        return;
    ucall(u_syscall, 0, 0, &r);
    if (ex_kind(res, "user syscall without a callback", &r, 6)) {
        xframe_decode(&r, false, false, &f);
        ex_eq(res, "frame rip (at the syscall)", f.rip, user_va(u_syscall_at));
        ex_eq(res, "frame cs", f.cs & 0xffff, PVX_CS_USER);
    }
    xtf_expect_rc(res, "restore the callbacks", pvexec_callbacks_reset(), 0);
    xtf_success(res);
}

XTF_TEST(ex_hypercall_from_user, "ex-hypercall-from-user",
         "a hypercall from user mode is not run: the syscall callback gets it untouched")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_USER))
        return;
    /* sched_op(SCHEDOP_shutdown, {poweroff}): run, it would end the domain. */
    pvx_user_data[0] = SHUTDOWN_poweroff;
    ucall(u_hypercall, __HYPERVISOR_sched_op, SCHEDOP_shutdown, &r);
    if (ex_kind(res, "sched_op from user mode", &r, PVX_KIND_SYSCALL)) {
        ex_eq(res, "rax (hypercall number, not a result)", r.gpr[R_AX], __HYPERVISOR_sched_op);
        ex_eq(res, "rdi", r.gpr[R_DI], SCHEDOP_shutdown);
        ex_eq(res, "rsi", r.gpr[R_SI], USER_DATA_VA);
    }
    ucall(u_hypercall, __HYPERVISOR_xen_version, XENVER_version, &r);
    if (ex_kind(res, "xen_version from user mode", &r, PVX_KIND_SYSCALL))
        ex_eq(res, "rax (hypercall number, not a version)", r.gpr[R_AX],
              __HYPERVISOR_xen_version);
    long v = HYPERVISOR_xen_version(XENVER_version, NULL);
    xtf_expect(res, v > 0, "the domain does not answer hypercalls from kernel mode any more");
    xtf_success(res);
}
