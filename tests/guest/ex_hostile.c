/*
 * Hypotheses (bad input to the execution-model hypercalls: refused with Xen's errno, and
 * the guest goes on):
 *
 * ex-trap-table-bad: set_trap_table reads entries up to the first one with address 0.  An
 *   entry with a non-canonical address ends the call with -EINVAL; entries before it are
 *   installed (a #UD then goes to the handler the first entry named).  An unreadable table
 *   is -EFAULT.  An entry's cs is not checked for a 64-bit guest: with cs = 0 the entry
 *   still delivers, on FLAT_KERNEL_CS.
 *
 * ex-unknown-subops: unknown commands of known hypercalls get Xen's errno: callback_op 2,
 *   vm_assist command 2, physdev_op 9999, sched_op 99, xen_version 99, console_io 99 and
 *   mmuext_op 21 are -ENOSYS; set_segment_base 4 is -EINVAL; set/get_debugreg 8 -ENODEV;
 *   hypercall 55 (unassigned) -ENOSYS.
 */
#include <public/physdev.h>
#include "pvexec.h"

XTF_TEST(ex_trap_table_bad, "ex-trap-table-bad",
         "set_trap_table: -EINVAL at a non-canonical entry (earlier ones kept), -EFAULT, cs unchecked")
{
    struct pvx_record r;
    struct trap_info t[3] = {
        { .vector = 6, .cs = FLAT_KERNEL_CS, .address = (unsigned long)(pvx_stubs + 16 * 0xfd) },
        { .vector = 7, .cs = FLAT_KERNEL_CS, .address = 1UL << 60 },
        { 0 },
    };

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    xtf_expect_rc(res, "a non-canonical entry", HYPERVISOR_set_trap_table(t), -XEN_EINVAL);
    if (!kcall(k_ud2_marked, 0, 0, NULL, &r))
        ex_kind(res, "ud2 after the refused table (entry before the bad one)", &r, 0xfd);
    else
        xtf_failure(res, "ud2 did not fault");
    xtf_expect_rc(res, "an unreadable table",
                  HYPERVISOR_set_trap_table((const struct trap_info *)TEST_SLOT_VA), -XEN_EFAULT);
    t[0].cs = 0;
    t[1] = (struct trap_info){ 0 };
    xtf_expect_rc(res, "an entry with cs 0", HYPERVISOR_set_trap_table(t), 0);
    if (!kcall(k_ud2_marked, 0, 0, NULL, &r)) {
        if (ex_kind(res, "ud2 through the cs-0 entry", &r, 0xfd))
            ex_eq(res, "handler's %cs", r.cs, FLAT_KERNEL_CS);
    } else {
        xtf_failure(res, "ud2 did not fault");
    }
    xtf_expect_rc(res, "restore the trap table", pvexec_trap_table_reset(), 0);
    xtf_success(res);
}

XTF_TEST(ex_unknown_subops, "ex-unknown-subops",
         "unknown commands of known hypercalls: Xen's errno for each")
{
    struct callback_unregister u = { .type = CALLBACKTYPE_event };
    struct physdev_set_iopl io = { .iopl = 0 };
    char buf[4] = "x";

    if (!pvexec_need(res, NEED_SHINFO))
        return;
    xtf_expect_rc(res, "callback_op 2", HYPERVISOR_callback_op(2, &u), -XEN_ENOSYS);
    xtf_expect_rc(res, "vm_assist command 2", HYPERVISOR_vm_assist(2, 0), -XEN_ENOSYS);
    xtf_expect_rc(res, "physdev_op 9999", HYPERVISOR_physdev_op(9999, &io), -XEN_ENOSYS);
    xtf_expect_rc(res, "sched_op 99", HYPERVISOR_sched_op(99, NULL), -XEN_ENOSYS);
    xtf_expect_rc(res, "xen_version 99", HYPERVISOR_xen_version(99, NULL), -XEN_ENOSYS);
    xtf_expect_rc(res, "console_io 99", HYPERVISOR_console_io(99, 1, buf), -XEN_ENOSYS);
    xtf_expect_rc(res, "mmuext_op 21", mmuext1(21, 0, 0), -XEN_ENOSYS);
    xtf_expect_rc(res, "set_segment_base 4", HYPERVISOR_set_segment_base(4, 0), -XEN_EINVAL);
    xtf_expect_rc(res, "set_debugreg 8", HYPERVISOR_set_debugreg(8, 0), -XEN_ENODEV);
    xtf_expect_rc(res, "get_debugreg 8", HYPERVISOR_get_debugreg(8), -XEN_ENODEV);
    xtf_expect_rc(res, "hypercall 55", HC(55, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    xtf_success(res);
}
