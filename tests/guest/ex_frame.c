/*
 * Hypotheses (the exception bounce frame, Xen's 64-bit PV layout):
 *
 * ex-frame-kernel: a #UD in guest kernel mode enters the trap-table handler for vector 6
 *   with the frame { rcx, r11, rip, cs, rflags, rsp, ss } written just below the
 *   interrupted rsp rounded down to 16 bytes; rcx and r11 are the values the interrupted
 *   code had; rip is the ud2; cs is FLAT_KERNEL_CS with RPL 0 (0xe030: "kernel mode") and
 *   carries the saved event mask in bits 32-39; rflags keeps the arithmetic flags and has
 *   IF = !saved mask; rsp is the interrupted rsp; ss is FLAT_KERNEL_SS (0xe02b).  The
 *   handler runs on that stack, with the same event mask (the entry has no IF flag).
 *
 * ex-frame-errcode: a #GP (a load from a non-canonical address) in kernel mode has the
 *   error code (0) between r11 and rip, and rip at the faulting load.
 *
 * ex-frame-user: a #UD in guest user mode is delivered on the stack given to
 *   stack_switch: the frame ends at that stack's top (16-byte aligned); cs is
 *   FLAT_USER_CS (0xe033) with a saved mask of 0 (user mode ran with events unmasked),
 *   rflags has IF set, rsp and ss are the user's.  The handler runs in kernel mode (the
 *   kernel's data is mapped again).
 *
 * ex-frame-iret-resume: a handler that returns with the iret hypercall (through the
 *   hypercall page's stub, frame { rax, r11, rcx, flags, rip, cs, rflags, rsp, ss }) resumes
 *   the interrupted kernel code after the int3 with its registers intact, twice in a row.
 */
#include "pvexec.h"

#define CS_MASK_SHIFT 32

XTF_TEST(ex_frame_kernel, "ex-frame-kernel",
         "a kernel-mode #UD is bounced with Xen's frame, field by field")
{
    struct pvx_record r;
    struct xframe f;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    if (kcall(k_ud2_marked, 0, 0, NULL, &r)) {
        xtf_failure(res, "ud2 did not fault");
        return;
    }
    if (!ex_kind(res, "ud2 in kernel mode", &r, 6))
        return;
    xframe_decode(&r, false, false, &f);
    uint64_t rsp = pvx_snip_rsp;
    ex_eq(res, "frame address", r.frame, (rsp & ~0xfULL) - 7 * 8);
    ex_eq(res, "frame rcx", f.rcx, 0x1c1c1c1c1c1c1c1cULL);
    ex_eq(res, "frame r11", f.r11, 0x1b1b1b1b1b1b1b1bULL);
    ex_eq(res, "frame rip", f.rip, (uint64_t)k_ud2_marked_at);
    ex_eq(res, "frame cs (selector)", f.cs & 0xffff, PVX_CS_KERNEL);
    ex_eq(res, "frame cs (saved mask, bits 32-39)", f.cs >> CS_MASK_SHIFT, 1);
    ex_eq(res, "frame rflags CF", f.rflags & RFLAGS_CF, RFLAGS_CF);
    ex_eq(res, "frame rflags IF (= !saved mask)", f.rflags & RFLAGS_IF, 0);
    ex_eq(res, "frame rsp", f.rsp, rsp);
    ex_eq(res, "frame ss", f.ss, PVX_SS);
    ex_eq(res, "event mask in the handler", r.mask, 1);
    xtf_success(res);
}

XTF_TEST(ex_frame_errcode, "ex-frame-errcode",
         "a kernel-mode #GP frame carries the error code between r11 and rip")
{
    struct pvx_record r;
    struct xframe f;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    if (kcall(k_read, 0x8000000000000000ULL, 0, NULL, &r)) {
        xtf_failure(res, "a non-canonical load did not fault");
        return;
    }
    if (!ex_kind(res, "non-canonical load", &r, 13))
        return;
    xframe_decode(&r, true, false, &f);
    uint64_t rsp = pvx_snip_rsp;
    ex_eq(res, "frame address", r.frame, (rsp & ~0xfULL) - 8 * 8);
    ex_eq(res, "error code", f.ec, 0);
    ex_eq(res, "frame rip", f.rip, (uint64_t)k_read_at);
    ex_eq(res, "frame cs (selector)", f.cs & 0xffff, PVX_CS_KERNEL);
    ex_eq(res, "frame rsp", f.rsp, rsp);
    ex_eq(res, "frame ss", f.ss, PVX_SS);
    xtf_success(res);
}

XTF_TEST(ex_frame_user, "ex-frame-user",
         "a user-mode #UD is bounced onto the stack_switch stack with the user's frame")
{
    struct pvx_record r;
    struct xframe f;

    if (!pvexec_need(res, NEED_USER))
        return;
    ucall(u_ud2, 0, 0, &r);
    if (!ex_kind(res, "ud2 in user mode", &r, 6))
        return;
    xframe_decode(&r, false, false, &f);
    ex_eq(res, "frame address", r.frame, (uint64_t)pvx_kstack_top - 7 * 8);
    ex_eq(res, "frame rcx", f.rcx, 0x1c1c1c1c1c1c1c1cULL);
    ex_eq(res, "frame r11", f.r11, 0x1b1b1b1b1b1b1b1bULL);
    ex_eq(res, "frame rip", f.rip, user_va(u_ud2_at));
    ex_eq(res, "frame cs (selector)", f.cs & 0xffff, PVX_CS_USER);
    ex_eq(res, "frame cs (saved mask, bits 32-39)", f.cs >> CS_MASK_SHIFT, 0);
    ex_eq(res, "frame rflags IF", f.rflags & RFLAGS_IF, RFLAGS_IF);
    ex_eq(res, "frame rsp", f.rsp, USER_STACK_TOP);
    ex_eq(res, "frame ss", f.ss, PVX_SS);
    ex_eq(res, "event mask in the handler", r.mask, 0);
    xtf_success(res);
}

XTF_TEST(ex_frame_iret_resume, "ex-frame-iret-resume",
         "a handler's iret resumes the interrupted kernel code with its registers")
{
    struct pvx_record r;
    uint64_t ret = 0;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    for (unsigned i = 0; i < 2; i++) {
        uint64_t before = pvx_rec.count;
        pvexec_resume_iret(false, 0, 0);
        if (!kcall(k_int3, 0, 0, &ret, &r)) {
            xtf_failure(res, "round %u: the handler's iret did not resume", i);
            return;
        }
        ex_eq(res, "int3 bounces taken", pvx_rec.count - before, 1);
        ex_eq(res, "value computed after the int3", ret, 0x600d);
        ex_eq(res, "vector recorded", pvx_rec.kind, 3);
    }
    xtf_success(res);
}
