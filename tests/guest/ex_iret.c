/*
 * Hypotheses (the iret hypercall: frame { rax, r11, rcx, flags, rip, cs, rflags, rsp, ss }
 * at rsp; what it loads, forces and refuses):
 *
 * ex-iret-kernel: an iret to cs with RPL 0 stays in kernel mode: rip, rsp, rax, rcx and r11
 *   come from the frame; the real rflags has IF set whatever the frame says, and the event
 *   mask becomes !rflags.IF of the frame (IF clear: masked, IF set: unmasked).
 *
 * ex-iret-rflags: IOPL and VM in the frame's rflags are cleared; AC, NT and the arithmetic
 *   flags are loaded as given.
 *
 * ex-iret-in-syscall: with VGCF_in_syscall in flags the return has sysret semantics: rcx
 *   and r11 are not loaded from the frame (they hold rip and rflags on arrival); rax is.
 *
 * ex-iret-cs-rpl: the RPL of cs chooses the mode: RPL 1 and 2 stay in kernel mode (the
 *   selector is forced to RPL 3 but the mode test is "RPL == 3"); RPL 3 switches to user
 *   mode, where the kernel's text is not mapped: landing on it is a user-mode page fault
 *   (error code U|I) bounced onto the stack_switch stack.
 *
 * ex-iret-bad-selectors: a selector the CPU refuses to load is not refused by the hypercall
 *   and does not go to the failsafe callback: the return itself faults, and the guest gets
 *   that #GP, error code = the selector's index (0 for a null one), in a frame describing
 *   the context the iret tried to enter (its rip, cs, rsp, ss with RPL forced to 3 and
 *   shown with RPL 0 in kernel mode).  Tried: cs = Xen's own code selector 0xe008 (DPL 0)
 *   and the null selector, ss = null and 0xe008, and cs = 0xe00b (RPL 3: the #GP then comes
 *   from user mode, on the stack_switch stack).
 *
 * ex-iret-noncanonical: an iret to a non-canonical rip faults the same way, #GP(0) with the
 *   frame's rip; with VGCF_in_syscall too (no sysret to a non-canonical address).
 */
#include "pvexec.h"

static struct iret_context landing(uint64_t cs, uint64_t rflags, uint64_t flags)
{
    return (struct iret_context){ .rax = 0xa0a0a0a0, .r11 = 0x11111111, .rcx = 0xc0c0c0c0,
                                  .flags = flags, .rip = (uint64_t)pvx_landing, .cs = cs,
                                  .rflags = rflags, .rsp = (uint64_t)pvx_land_stack_top,
                                  .ss = PVX_SS };
}

/* iret with ctx; true if it landed on pvx_landing in kernel mode (*r = the landing). */
static bool iret_lands(struct xtf_result *res, const char *what,
                       const struct iret_context *ctx, struct pvx_record *r)
{
    long rc = 0;
    int how = iret_with(ctx, r, &rc);
    if (how == 2)
        return true;
    if (how == 0)
        xtf_failure(res, "%s: the iret hypercall returned %ld", what, rc);
    else
        ex_kind(res, what, r, PVX_KIND_LANDING);
    return false;
}

XTF_TEST(ex_iret_kernel, "ex-iret-kernel",
         "an iret to RPL 0 stays in kernel mode, loads the frame, sets the mask from IF")
{
    struct pvx_record r;
    struct iret_context c;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    c = landing(PVX_CS_KERNEL, 0x2, 0);
    if (iret_lands(res, "iret with IF clear", &c, &r)) {
        ex_eq(res, "rax", r.gpr[R_AX], c.rax);
        ex_eq(res, "rcx", r.gpr[R_CX], c.rcx);
        ex_eq(res, "r11", r.gpr[R_11], c.r11);
        ex_eq(res, "rsp", r.gpr[R_SP], c.rsp);
        ex_eq(res, "real rflags.IF", r.rflags & RFLAGS_IF, RFLAGS_IF);
        ex_eq(res, "event mask (IF clear in the frame)", r.mask, 1);
    }
    c = landing(PVX_CS_KERNEL, 0x202, 0);
    if (iret_lands(res, "iret with IF set", &c, &r))
        ex_eq(res, "event mask (IF set in the frame)", r.mask, 0);
    xtf_success(res);
}

XTF_TEST(ex_iret_rflags, "ex-iret-rflags",
         "iret clears IOPL and VM of the frame's rflags and loads AC, NT, CF")
{
    struct pvx_record r;
    uint64_t in = 0x2 | RFLAGS_CF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_VM | RFLAGS_AC;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    struct iret_context c = landing(PVX_CS_KERNEL, in, 0);
    if (iret_lands(res, "iret with IOPL, VM, AC, NT, CF", &c, &r)) {
        ex_eq(res, "rflags.IOPL", r.rflags & RFLAGS_IOPL, 0);
        ex_eq(res, "rflags.VM", r.rflags & RFLAGS_VM, 0);
        ex_eq(res, "rflags.AC", r.rflags & RFLAGS_AC, RFLAGS_AC);
        ex_eq(res, "rflags.NT", r.rflags & RFLAGS_NT, RFLAGS_NT);
        ex_eq(res, "rflags.CF", r.rflags & RFLAGS_CF, RFLAGS_CF);
        ex_eq(res, "rflags.IF", r.rflags & RFLAGS_IF, RFLAGS_IF);
    }
    xtf_success(res);
}

XTF_TEST(ex_iret_in_syscall, "ex-iret-in-syscall",
         "with VGCF_in_syscall, iret does not load rcx and r11 (sysret semantics)")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    struct iret_context c = landing(PVX_CS_KERNEL, 0x202, VGCF_in_syscall);
    if (iret_lands(res, "iret with VGCF_in_syscall", &c, &r)) {
        ex_eq(res, "rax (from the frame)", r.gpr[R_AX], c.rax);
        ex_eq(res, "rcx (= rip)", r.gpr[R_CX], (uint64_t)pvx_landing);
        ex_eq(res, "r11 IF (= rflags)", r.gpr[R_11] & RFLAGS_IF, RFLAGS_IF);
        xtf_expect(res, r.gpr[R_11] != c.r11, "r11 loaded from the frame");
    }
    xtf_success(res);
}

XTF_TEST(ex_iret_cs_rpl, "ex-iret-cs-rpl",
         "iret: cs RPL 1 and 2 stay in kernel mode, RPL 3 enters user mode")
{
    struct pvx_record r;
    struct xframe f;

    if (!pvexec_need(res, NEED_USER))
        return;
    struct iret_context c = landing(0xe031, 0x2, 0);
    iret_lands(res, "iret with cs RPL 1", &c, &r);
    c = landing(0xe032, 0x2, 0);
    iret_lands(res, "iret with cs RPL 2", &c, &r);
    c = landing(PVX_CS_USER, 0x202, 0);
    long rc = 0;
    if (iret_with(&c, &r, &rc) == 2) {
        xtf_failure(res, "iret with cs RPL 3 ran kernel text: not in user mode");
    } else if (ex_kind(res, "iret with cs RPL 3 to kernel text", &r, 14)) {
        xframe_decode(&r, true, false, &f);
        ex_eq(res, "error code (user, fetch, not present)", f.ec, PFEC_U | PFEC_I);
        ex_eq(res, "frame rip", f.rip, (uint64_t)pvx_landing);
        ex_eq(res, "frame cs", f.cs & 0xffff, PVX_CS_USER);
        ex_eq(res, "frame address (stack_switch stack)", r.frame,
              (uint64_t)pvx_kstack_top - 8 * 8);
    }
    xtf_success(res);
}

/* iret with ctx must end in #GP(ec) describing the context: rip, cs shown as `cs`, ss. */
static void expect_iret_gp(struct xtf_result *res, const char *what,
                           const struct iret_context *ctx, uint64_t ec, uint64_t cs,
                           uint64_t ss)
{
    struct pvx_record r;
    struct xframe f;
    long rc = 0;
    char buf[96];

    int how = iret_with(ctx, &r, &rc);
    if (how == 0) {
        xtf_failure(res, "%s: the iret hypercall returned %ld", what, rc);
        return;
    }
    if (!ex_kind(res, what, &r, 13))
        return;
    xframe_decode(&r, true, false, &f);
    snprintf(buf, sizeof(buf), "%s: error code", what);
    ex_eq(res, buf, f.ec, ec);
    snprintf(buf, sizeof(buf), "%s: frame rip", what);
    ex_eq(res, buf, f.rip, ctx->rip);
    snprintf(buf, sizeof(buf), "%s: frame cs", what);
    ex_eq(res, buf, f.cs & 0xffff, cs);
    snprintf(buf, sizeof(buf), "%s: frame rsp", what);
    ex_eq(res, buf, f.rsp, ctx->rsp);
    snprintf(buf, sizeof(buf), "%s: frame ss", what);
    ex_eq(res, buf, f.ss, ss);
}

XTF_TEST(ex_iret_bad_selectors, "ex-iret-bad-selectors",
         "an iret to a selector the CPU refuses is bounced as #GP(selector), not failsafe")
{
    struct iret_context c;

    if (!pvexec_need(res, NEED_USER))
        return;
    c = landing(0xe008, 0x2, 0);
    expect_iret_gp(res, "cs 0xe008 (Xen's code)", &c, 0xe008, 0xe008, PVX_SS);
    c = landing(0, 0x2, 0);
    expect_iret_gp(res, "cs null", &c, 0, 0, PVX_SS);
    c = landing(PVX_CS_KERNEL, 0x2, 0);
    c.ss = 0;
    expect_iret_gp(res, "ss null", &c, 0, PVX_CS_KERNEL, 3);
    c.ss = 0xe008;
    expect_iret_gp(res, "ss 0xe008", &c, 0xe008, PVX_CS_KERNEL, 0xe00b);
    c = landing(0xe00b, 0x202, 0);
    expect_iret_gp(res, "cs 0xe00b (RPL 3: user mode)", &c, 0xe008, 0xe00b, PVX_SS);
    xtf_success(res);
}

XTF_TEST(ex_iret_noncanonical, "ex-iret-noncanonical",
         "an iret to a non-canonical rip is bounced as #GP(0), also with VGCF_in_syscall")
{
    if (!pvexec_need(res, NEED_TRAPS))
        return;
    struct iret_context c = landing(PVX_CS_KERNEL, 0x2, 0);
    c.rip = 1ULL << 60;
    expect_iret_gp(res, "rip 1 << 60", &c, 0, PVX_CS_KERNEL, PVX_SS);
    c.flags = VGCF_in_syscall;
    expect_iret_gp(res, "rip 1 << 60, VGCF_in_syscall", &c, 0, PVX_CS_KERNEL, PVX_SS);
    xtf_success(res);
}
