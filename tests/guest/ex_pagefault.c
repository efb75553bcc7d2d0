/*
 * Hypotheses (page faults and the two address spaces):
 *
 * ex-pf-kernel: a page fault in guest kernel mode is bounced to vector 14 with the error
 *   code a native kernel would see: U clear (the kernel runs in ring 3, but the guest is
 *   told "supervisor"), P/W/I as the access was: a read of an unmapped VA gives 0, a write
 *   to a read-only mapping 3 (P|W), an instruction fetch from a no-execute mapping 0x11
 *   (P|I).  The faulting address is in vcpu_info.arch.cr2, and `mov %cr2` (emulated)
 *   reads the same value.
 *
 * ex-pf-user: in guest user mode the error code has U set: a read of a kernel address
 *   (not mapped in the user L4) gives 4, a write to a read-only user page 7, a fetch from a
 *   no-execute user page 0x15; cr2 is the address each time.
 *
 * ex-mode-cr3: kernel and user mode run on different L4s.  User mode reads the user data
 *   page and cannot read the kernel's image; back in kernel mode (after the syscall) the
 *   kernel reads its image and cannot read the user page at its user address.  The
 *   emulated `mov %cr3` in kernel mode gives the kernel L4 (pvops' base pointer).
 */
#include "pvexec.h"

#define USER_MARK 0x05e1da7a05e1da7aULL

/* Expect the last kernel call to have ended in a page fault with this error code at addr. */
static bool expect_pf(struct xtf_result *res, const char *what, const struct pvx_record *r,
                      uint64_t ec, uint64_t addr)
{
    struct xframe f;
    char buf[80];

    if (!ex_kind(res, what, r, 14))
        return false;
    xframe_decode(r, true, false, &f);
    snprintf(buf, sizeof(buf), "%s: error code", what);
    ex_eq(res, buf, f.ec, ec);
    snprintf(buf, sizeof(buf), "%s: vcpu_info.arch.cr2", what);
    return ex_eq(res, buf, vcpu0()->arch.cr2, addr);
}

XTF_TEST(ex_pf_kernel, "ex-pf-kernel",
         "kernel-mode page faults: native error codes (U clear), cr2 in vcpu_info and mov %cr2")
{
    struct pvx_record r;
    struct page a;
    uint64_t cr2 = 0;

    if (!pvexec_need(res, NEED_TRAPS) || !page_new(res, &a))
        return;
    uint64_t unmapped = TEST_SLOT_VA + 0x123;
    if (!kcall(k_read, unmapped, 0, NULL, &r))
        expect_pf(res, "read of an unmapped VA", &r, 0, unmapped);
    else
        xtf_failure(res, "read of an unmapped VA did not fault");
    if (kcall(k_mov_from_cr2, 0, 0, &cr2, &r))
        ex_eq(res, "mov %cr2 after the fault", cr2, unmapped);
    else
        xtf_failure(res, "mov %%cr2 faulted (vector %#lx)", r.kind);

    if (!xtf_expect_rc(res, "map a page read-only", remap(a.va, a.mfn, PTE_RDONLY), 0))
        return;
    if (!kcall(k_write, (uint64_t)a.va + 8, 1, NULL, &r))
        expect_pf(res, "write to a read-only page", &r, PFEC_P | PFEC_W, (uint64_t)a.va + 8);
    else
        xtf_failure(res, "write to a read-only page did not fault");

    if (!xtf_expect_rc(res, "map a page no-execute", remap(a.va, a.mfn, PTE_DATA | PTE_NX), 0))
        return;
    poke(a.va, 0xc3);                                      /* ret, should it run */
    if (!kcall(k_exec, (uint64_t)a.va, 0, NULL, &r))
        expect_pf(res, "fetch from a no-execute page", &r, PFEC_P | PFEC_I, (uint64_t)a.va);
    else
        xtf_failure(res, "fetch from a no-execute page did not fault");
    xtf_expect_rc(res, "restore the mapping", remap(a.va, a.mfn, PTE_DATA), 0);
    xtf_success(res);
}

XTF_TEST(ex_pf_user, "ex-pf-user",
         "user-mode page faults: error codes with U set, cr2 in vcpu_info")
{
    struct pvx_record r;
    uint64_t kernel_va = VIRT_BASE + LOAD_PADDR;

    if (!pvexec_need(res, NEED_USER))
        return;
    ucall(u_read, kernel_va, 0, &r);
    expect_pf(res, "user read of the kernel image", &r, PFEC_U, kernel_va);
    ucall(u_write, USER_RO_VA + 16, 1, &r);
    expect_pf(res, "user write to a read-only page", &r, PFEC_P | PFEC_W | PFEC_U,
              USER_RO_VA + 16);
    ucall(u_exec, USER_RO_VA, 0, &r);
    expect_pf(res, "user fetch from a no-execute page", &r, PFEC_P | PFEC_U | PFEC_I,
              USER_RO_VA);
    xtf_success(res);
}

XTF_TEST(ex_mode_cr3, "ex-mode-cr3",
         "user mode runs on the user L4, kernel mode on the kernel L4, switched both ways")
{
    struct pvx_record r;
    uint64_t cr3 = 0;

    if (!pvexec_need(res, NEED_USER))
        return;
    poke(pvx_user_data, USER_MARK);
    ucall(u_read, USER_DATA_VA, 0, &r);
    if (ex_kind(res, "user read of the user data page", &r, PVX_KIND_SYSCALL))
        ex_eq(res, "value read in user mode", r.gpr[R_AX], USER_MARK);
    ucall(u_read, VIRT_BASE + LOAD_PADDR, 0, &r);
    ex_kind(res, "user read of the kernel image", &r, 14);

    /* Back in kernel mode: the kernel L4 is loaded again. */
    uint64_t v = 0;
    if (!kcall(k_read, VIRT_BASE + LOAD_PADDR, 0, &v, &r))
        xtf_failure(res, "kernel read of its own image faulted after user mode");
    if (!kcall(k_read, USER_DATA_VA, 0, NULL, &r))
        ex_kind(res, "kernel read of the user address (not in the kernel L4)", &r, 14);
    else
        xtf_failure(res, "the kernel read the user page at its user address: user L4 still loaded");
    if (kcall(k_mov_from_cr3, 0, 0, &cr3, &r))
        ex_eq(res, "mov %cr3 in kernel mode", cr3, pvops->read_cr3());
    else
        xtf_failure(res, "mov %%cr3 in kernel mode faulted (vector %#lx)", r.kind);
    xtf_success(res);
}
