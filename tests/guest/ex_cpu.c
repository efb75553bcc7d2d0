/*
 * Hypotheses (FPU, debug registers, VM assists, I/O privilege):
 *
 * ex-fpu-taskswitch: fpu_taskswitch(1) sets the virtual CR0.TS (mov from %cr0 shows it) and
 *   the next FPU instruction is #NM (no error code, rip at it); delivering that #NM clears
 *   the virtual TS, as Xen does, so the instruction runs when retried and %cr0 shows TS
 *   clear.  fpu_taskswitch(0) clears it; a `mov` to %cr0 that sets TS has the same effect.
 *
 * ex-debugreg: set_debugreg checks values as Xen does: DR0-3 take any canonical address
 *   outside the hypervisor's range (else -EPERM); DR6 and DR7 refuse bits 32-63 (-EINVAL),
 *   DR7 refuses GD (-EPERM) and I/O breakpoints while CR4.DE is clear (-EPERM); register 8
 *   is -ENODEV for set and get.  DR6 reads back with its reserved bits set (0xffff0ff0 for
 *   0), DR7 with bit 10 (0x400); DR4 and DR5 read as DR6 and DR7 (CR4.DE clear).
 *
 * ex-debugreg-breakpoint: a data breakpoint set with DR0/DR7 fires: reading the watched
 *   word in kernel mode is #DB (a trap: rip after the load), and DR6 shows B0.  With DR7 0
 *   the read runs.
 *
 * ex-vm-assist: vm_assist enables and disables each type Xen accepts for a 64-bit PV guest
 *   (0-5 and 32: 4gb_segments, 4gb_segments_notify, writable_pagetables, pae_extended_cr3,
 *   architectural_iopl, runstate_update_flag, m2p_strict); any other type is -EINVAL; an
 *   unknown command -ENOSYS.
 *
 * ex-iopl-ports: PHYSDEVOP_set_iopl sets the virtual I/O privilege level (above 3: -EINVAL).
 *   With 0 (a PV guest's start) `in` is #GP(0) in kernel mode; with 1 the kernel's `in`
 *   is emulated and user mode's is #GP(0); with 3 user mode's `in` runs too.
 *
 * ex-cli-iopl: cli and sti in kernel mode are #GP(0) with the virtual IOPL 0; with IOPL 1
 *   they are accepted and do nothing: Xen 4.17 skips them without touching the event mask
 *   (evtchn_upcall_mask stays as it was, 0 across a cli, 1 across a sti).
 */
#include <public/physdev.h>
#include "pvexec.h"

#define DR7_L0      0x1ULL
#define DR7_GD      (1ULL << 13)
#define DR7_RW0_RW  (3ULL << 16)
#define DR7_LEN0_8  (2ULL << 18)
#define DR7_RW0_IO  (2ULL << 16)
#define DEBUG_PORT  0x80        /* the POST port: reads 0xff on QEMU's PC */

static long set_iopl(unsigned iopl)
{
    struct physdev_set_iopl arg = { .iopl = iopl };
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &arg);
}

static uint64_t cr0(struct xtf_result *res)
{
    struct pvx_record r;
    uint64_t v = 0;
    if (!kcall(k_mov_from_cr0, 0, 0, &v, &r))
        xtf_failure(res, "mov from %%cr0 faulted (vector %#lx)", r.kind);
    return v;
}

#define CR0_TS 0x8ULL

XTF_TEST(ex_fpu_taskswitch, "ex-fpu-taskswitch",
         "fpu_taskswitch sets CR0.TS, the next FPU instruction is #NM, which clears TS")
{
    struct pvx_record r;
    struct xframe f;
    uint64_t v = 0;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    if (!xtf_expect_rc(res, "fpu_taskswitch(1)", HYPERVISOR_fpu_taskswitch(1), 0))
        return;
    ex_eq(res, "CR0.TS after fpu_taskswitch(1)", cr0(res) & CR0_TS, CR0_TS);
    if (!kcall(k_fnop, 0, 0, NULL, &r)) {
        if (ex_kind(res, "fnop with TS set", &r, 7)) {
            xframe_decode(&r, false, false, &f);
            ex_eq(res, "rip (at the fnop)", f.rip, (uint64_t)k_fnop_at);
        }
    } else {
        xtf_failure(res, "fnop with TS set did not fault");
    }
    ex_eq(res, "CR0.TS after the #NM", cr0(res) & CR0_TS, 0);
    if (!kcall(k_fnop, 0, 0, &v, &r))
        xtf_failure(res, "fnop after the #NM faulted again (vector %#lx)", r.kind);
    xtf_expect_rc(res, "fpu_taskswitch(1)", HYPERVISOR_fpu_taskswitch(1), 0);
    xtf_expect_rc(res, "fpu_taskswitch(0)", HYPERVISOR_fpu_taskswitch(0), 0);
    ex_eq(res, "CR0.TS after fpu_taskswitch(0)", cr0(res) & CR0_TS, 0);
    if (!kcall(k_fnop, 0, 0, &v, &r))
        xtf_failure(res, "fnop after fpu_taskswitch(0) faulted (vector %#lx)", r.kind);
    uint64_t c = cr0(res);
    if (kcall(k_mov_to_cr0, c | CR0_TS, 0, NULL, &r)) {
        ex_eq(res, "CR0.TS after mov to %cr0", cr0(res) & CR0_TS, CR0_TS);
        if (kcall(k_fnop, 0, 0, NULL, &r))
            xtf_failure(res, "fnop after mov to %%cr0 with TS did not fault");
        else
            ex_kind(res, "fnop after mov to %cr0 with TS", &r, 7);
    } else {
        xtf_failure(res, "mov to %%cr0 setting TS faulted (vector %#lx)", r.kind);
    }
    HYPERVISOR_fpu_taskswitch(0);
    xtf_success(res);
}

XTF_TEST(ex_debugreg, "ex-debugreg",
         "set_debugreg/get_debugreg check and read back values as Xen does")
{
    if (!pvexec_need(res, NEED_SHINFO))
        return;
    xtf_expect_rc(res, "DR0 = a user address", HYPERVISOR_set_debugreg(0, USER_DATA_VA), 0);
    ex_eq(res, "DR0 read back", (uint64_t)HYPERVISOR_get_debugreg(0), USER_DATA_VA);
    xtf_expect_rc(res, "DR1 = a kernel address", HYPERVISOR_set_debugreg(1, VIRT_BASE), 0);
    ex_eq(res, "DR1 read back", (uint64_t)HYPERVISOR_get_debugreg(1), VIRT_BASE);
    xtf_expect_rc(res, "DR2 = the hypervisor's range",
                  HYPERVISOR_set_debugreg(2, HYPERVISOR_VIRT_START + 0x1000), -XEN_EPERM);
    xtf_expect_rc(res, "DR3 = a non-canonical address",
                  HYPERVISOR_set_debugreg(3, 1ULL << 60), -XEN_EPERM);
    xtf_expect_rc(res, "DR6 with bit 40", HYPERVISOR_set_debugreg(6, 1ULL << 40), -XEN_EINVAL);
    xtf_expect_rc(res, "DR7 with bit 40", HYPERVISOR_set_debugreg(7, 1ULL << 40), -XEN_EINVAL);
    xtf_expect_rc(res, "DR7 with GD", HYPERVISOR_set_debugreg(7, DR7_GD), -XEN_EPERM);
    xtf_expect_rc(res, "DR7 with an I/O breakpoint, CR4.DE clear",
                  HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0_IO), -XEN_EPERM);
    xtf_expect_rc(res, "set DR8", HYPERVISOR_set_debugreg(8, 0), -XEN_ENODEV);
    xtf_expect_rc(res, "get DR8", HYPERVISOR_get_debugreg(8), -XEN_ENODEV);
    xtf_expect_rc(res, "DR6 = 0", HYPERVISOR_set_debugreg(6, 0), 0);
    ex_eq(res, "DR6 read back", (uint64_t)HYPERVISOR_get_debugreg(6), 0xffff0ff0);
    xtf_expect_rc(res, "DR7 = 0", HYPERVISOR_set_debugreg(7, 0), 0);
    ex_eq(res, "DR7 read back", (uint64_t)HYPERVISOR_get_debugreg(7), 0x400);
    ex_eq(res, "DR4 (reads DR6)", (uint64_t)HYPERVISOR_get_debugreg(4), 0xffff0ff0);
    ex_eq(res, "DR5 (reads DR7)", (uint64_t)HYPERVISOR_get_debugreg(5), 0x400);
    HYPERVISOR_set_debugreg(0, 0);
    HYPERVISOR_set_debugreg(1, 0);
    xtf_success(res);
}

XTF_TEST(ex_debugreg_breakpoint, "ex-debugreg-breakpoint",
         "a DR0/DR7 data breakpoint fires as #DB after the access, with DR6.B0 set")
{
    static volatile uint64_t watched = 0x77;
    struct pvx_record r;
    struct xframe f;
    uint64_t v = 0;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    if (!xtf_expect_rc(res, "DR0", HYPERVISOR_set_debugreg(0, (uint64_t)&watched), 0) ||
        !xtf_expect_rc(res, "DR6 = 0", HYPERVISOR_set_debugreg(6, 0), 0) ||
        !xtf_expect_rc(res, "DR7", HYPERVISOR_set_debugreg(7, DR7_L0 | DR7_RW0_RW |
                                                               DR7_LEN0_8), 0))
        return;
    if (!kcall(k_read, (uint64_t)&watched, 0, NULL, &r)) {
        if (ex_kind(res, "read of the watched word", &r, 1)) {
            xframe_decode(&r, false, false, &f);
            ex_eq(res, "rip (after the load)", f.rip, (uint64_t)k_read_at + 3);
        }
        ex_eq(res, "DR6.B0", (uint64_t)HYPERVISOR_get_debugreg(6) & 1, 1);
    } else {
        xtf_failure(res, "the breakpoint did not fire");
    }
    xtf_expect_rc(res, "DR7 = 0", HYPERVISOR_set_debugreg(7, 0), 0);
    if (!kcall(k_read, (uint64_t)&watched, 0, &v, &r))
        xtf_failure(res, "the read faulted with DR7 = 0 (vector %#lx)", r.kind);
    ex_eq(res, "value read", v, 0x77);
    HYPERVISOR_set_debugreg(0, 0);
    HYPERVISOR_set_debugreg(6, 0);
    xtf_success(res);
}

XTF_TEST(ex_vm_assist, "ex-vm-assist",
         "vm_assist accepts Xen's 64-bit PV types, -EINVAL for others, -ENOSYS for bad commands")
{
    static const unsigned valid[] = { 0, 1, 2, 3, 4, 5, 32 };
    static const unsigned invalid[] = { 6, 31, 33, 63, 64, 1000 };
    char what[48];

    if (!pvexec_need(res, NEED_SHINFO))
        return;
    for (unsigned i = 0; i < ARRAY_SIZE(valid); i++) {
        snprintf(what, sizeof(what), "enable type %u", valid[i]);
        xtf_expect_rc(res, what, HYPERVISOR_vm_assist(VMASST_CMD_enable, valid[i]), 0);
        snprintf(what, sizeof(what), "disable type %u", valid[i]);
        xtf_expect_rc(res, what, HYPERVISOR_vm_assist(VMASST_CMD_disable, valid[i]), 0);
    }
    for (unsigned i = 0; i < ARRAY_SIZE(invalid); i++) {
        snprintf(what, sizeof(what), "enable type %u", invalid[i]);
        xtf_expect_rc(res, what, HYPERVISOR_vm_assist(VMASST_CMD_enable, invalid[i]),
                      -XEN_EINVAL);
    }
    xtf_expect_rc(res, "command 2", HYPERVISOR_vm_assist(2, VMASST_TYPE_writable_pagetables),
                  -XEN_ENOSYS);
    xtf_expect_rc(res, "enable writable_pagetables again",
                  HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    xtf_success(res);
}

XTF_TEST(ex_iopl_ports, "ex-iopl-ports",
         "port I/O follows the virtual IOPL set with PHYSDEVOP_set_iopl")
{
    struct pvx_record r;
    struct xframe f;
    uint64_t v = 0;

    if (!pvexec_need(res, NEED_USER))
        return;
    xtf_expect_rc(res, "set_iopl 4", set_iopl(4), -XEN_EINVAL);
    if (!xtf_expect_rc(res, "set_iopl 0", set_iopl(0), 0))
        return;
    if (!kcall(k_inb, DEBUG_PORT, 0, NULL, &r)) {
        if (ex_kind(res, "kernel in, IOPL 0", &r, 13)) {
            xframe_decode(&r, true, false, &f);
            ex_eq(res, "error code", f.ec, 0);
            ex_eq(res, "rip (at the in)", f.rip, (uint64_t)k_inb_at);
        }
    } else {
        xtf_failure(res, "kernel in with IOPL 0 did not fault");
    }
    if (!xtf_expect_rc(res, "set_iopl 1", set_iopl(1), 0))
        return;
    if (!kcall(k_inb, DEBUG_PORT, 0, &v, &r))
        xtf_failure(res, "kernel in with IOPL 1 faulted (vector %#lx)", r.kind);
    ucall(u_inb, DEBUG_PORT, 0, &r);
    if (ex_kind(res, "user in, IOPL 1", &r, 13)) {
        xframe_decode(&r, true, false, &f);
        ex_eq(res, "error code", f.ec, 0);
        ex_eq(res, "rip (at the in)", f.rip, user_va(u_inb_at));
    }
    if (!xtf_expect_rc(res, "set_iopl 3", set_iopl(3), 0))
        return;
    ucall(u_inb, DEBUG_PORT, 0, &r);
    ex_kind(res, "user in, IOPL 3 (runs, then syscall)", &r, PVX_KIND_SYSCALL);
    xtf_expect_rc(res, "set_iopl 0", set_iopl(0), 0);
    xtf_success(res);
}

XTF_TEST(ex_cli_iopl, "ex-cli-iopl",
         "kernel cli/sti: #GP with IOPL 0, skipped without effect with IOPL 1")
{
    struct pvx_record r;
    uint64_t m = 0;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    if (!xtf_expect_rc(res, "set_iopl 0", set_iopl(0), 0))
        return;
    if (!kcall(k_cli, 0, 0, NULL, &r))
        ex_kind(res, "cli with IOPL 0", &r, 13);
    else
        xtf_failure(res, "cli with IOPL 0 did not fault");
    if (!xtf_expect_rc(res, "set_iopl 1", set_iopl(1), 0))
        return;
    vcpu0()->evtchn_upcall_mask = 0;
    if (kcall(k_cli, 0, 0, &m, &r))
        ex_eq(res, "event mask after cli (unchanged)", m, 0);
    else
        xtf_failure(res, "cli with IOPL 1 faulted (vector %#lx)", r.kind);
    vcpu0()->evtchn_upcall_mask = 1;
    if (kcall(k_sti, 0, 0, &m, &r))
        ex_eq(res, "event mask after sti (unchanged)", m, 1);
    else
        xtf_failure(res, "sti with IOPL 1 faulted (vector %#lx)", r.kind);
    vcpu0()->evtchn_upcall_mask = 1;
    xtf_expect_rc(res, "set_iopl 0", set_iopl(0), 0);
    xtf_success(res);
}
