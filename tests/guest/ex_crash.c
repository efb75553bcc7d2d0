/*
 * Events a PV guest cannot survive: the hypervisor must crash the domain alone, with its
 * reason printed, and stay up itself.  The verdict is not in the guest (it does not come
 * back): tests/suites/43-guest-exec.sh boots each test alone and checks how the run ended.
 * Each is registered explicit-only, so `test=all` and `test=ex-*` leave it out.  Reaching
 * the end of a test means the domain survived what should have killed it: FAILURE.
 *
 * ex-crash-kstack-unmapped: an exception in user mode must be bounced to the kernel stack
 *   given to stack_switch; when that stack is not mapped the frame cannot be written.
 * ex-crash-kernel-stack: the same for an exception in kernel mode, whose frame goes below
 *   the interrupted rsp, here an unmapped address.
 * ex-crash-no-handler: an exception whose trap-table entry is empty (set_trap_table(NULL)
 *   cleared them all) has nowhere to go.
 * ex-crash-iret-no-user-l4: an iret to user mode (cs RPL 3) while no user L4 is set.
 * ex-crash-iret-unreadable: an iret whose frame (at rsp) cannot be read.
 */
#include "pvexec.h"
#include "kernel/console.h"

/* Run a kernel snippet on an unmapped stack: pvexec_entry.S. */
uint64_t k_ud2_on_stack(uint64_t rsp, uint64_t);
/* Issue the iret hypercall with rsp = a0: pvexec_entry.S. */
uint64_t k_iret_at(uint64_t rsp, uint64_t);

static void survived(struct xtf_result *res, bool returned, const struct pvx_record *r)
{
    if (returned)
        xtf_failure(res, "the domain survived: the code returned");
    else
        xtf_failure(res, "the domain survived: entry kind %#lx, frame %#lx", r->kind,
                    r->frame);
}

static void say_crash_next(const char *what)
{
    printk("xtf: note: expecting the domain to be crashed now: %s\n", what);
    console_flush();
}

XTF_TEST_EXPLICIT(ex_crash_kstack_unmapped, "ex-crash-kstack-unmapped",
                  "a user-mode fault whose kernel stack (stack_switch) is unmapped crashes the domain")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_USER))
        return;
    long rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS, TEST_SLOT_VA + 0x10000);
    if (!xtf_expect_rc(res, "stack_switch to an unmapped stack", rc, 0))
        return;
    say_crash_next("ud2 in user mode, kernel stack unmapped");
    ucall(u_ud2, 0, 0, &r);
    HYPERVISOR_stack_switch(FLAT_KERNEL_SS, (unsigned long)pvx_kstack_top);
    survived(res, false, &r);
}

XTF_TEST_EXPLICIT(ex_crash_kernel_stack, "ex-crash-kernel-stack",
                  "a kernel-mode fault with rsp unmapped crashes the domain")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    say_crash_next("ud2 in kernel mode on an unmapped stack");
    bool returned = kcall(k_ud2_on_stack, TEST_SLOT_VA + 0x10000, 0, NULL, &r);
    survived(res, returned, &r);
}

XTF_TEST_EXPLICIT(ex_crash_no_handler, "ex-crash-no-handler",
                  "a fault with no trap-table entry crashes the domain")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    if (!xtf_expect_rc(res, "set_trap_table(NULL)", HYPERVISOR_set_trap_table(NULL), 0))
        return;
    say_crash_next("ud2 in kernel mode with an empty trap table");
    bool returned = kcall(k_ud2_marked, 0, 0, NULL, &r);
    pvexec_trap_table_reset();
    survived(res, returned, &r);
}

XTF_TEST_EXPLICIT(ex_crash_iret_no_user_l4, "ex-crash-iret-no-user-l4",
                  "an iret to user mode with no user L4 crashes the domain")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_USER))
        return;
    long rc = mmuext1(MMUEXT_NEW_USER_BASEPTR, 0, 0);
    if (!xtf_expect_rc(res, "clear the user base pointer", rc, 0))
        return;
    say_crash_next("iret to cs 0xe033 without a user L4");
    ucall(u_syscall, 0, 0, &r);
    mmuext1(MMUEXT_NEW_USER_BASEPTR, pvx_user_l4_mfn.v, 0);
    survived(res, false, &r);
}

XTF_TEST_EXPLICIT(ex_crash_iret_unreadable, "ex-crash-iret-unreadable",
                  "an iret whose frame cannot be read crashes the domain")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    say_crash_next("iret with rsp at an unmapped address");
    bool returned = kcall(k_iret_at, TEST_SLOT_VA + 0x10000, 0, NULL, &r);
    survived(res, returned, &r);
}
