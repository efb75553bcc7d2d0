/*
 * Hypotheses (segment bases of a 64-bit PV guest):
 *
 * ex-segbase-gs-swap: set_segment_base(SEGBASE_GS_KERNEL) and (SEGBASE_GS_USER) give the
 *   two GS bases; the hypervisor swaps them on every mode change: %gs:0 reads the kernel's
 *   page in kernel mode, the user's page in user mode, and the kernel's again after the
 *   syscall back.  rdmsr GS_BASE / SHADOW_GS_BASE in kernel mode show the kernel and user
 *   bases.
 *
 * ex-segbase-fs: SEGBASE_FS sets one FS base for both modes: user mode reads %fs:0 at it,
 *   and kernel mode (whose L4 does not map that user page) faults at base + offset; rdmsr
 *   FS_BASE reads it back.
 *
 * ex-segbase-gs-user-sel: SEGBASE_GS_USER_SEL loads the user %gs selector and its base from
 *   the descriptor (flat 0xe02b: base 0), leaving the kernel GS base alone; %gs has one
 *   selector for both modes, so kernel mode reads it too.  A selector that cannot be loaded
 *   (beyond the GDT) is not an error: 0 is returned and %gs becomes null.
 *
 * ex-segbase-errnos: a non-canonical base is -EINVAL for FS, GS_USER and GS_KERNEL; an
 *   unknown `which` is -EINVAL.
 *
 * ex-msr-segbase: wrmsr FS_BASE / SHADOW_GS_BASE in kernel mode (emulated) set the same
 *   bases; a non-canonical value is #GP(0).
 */
#include "pvexec.h"

#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_SHADOW_GS_BASE 0xc0000102
#define KMARK 0x4b4b4b4b4b4b4b4bULL
#define UMARK 0x5555555555555555ULL

static void bases_reset(struct xtf_result *res)
{
    xtf_expect_rc(res, "reset FS", HYPERVISOR_set_segment_base(SEGBASE_FS, 0), 0);
    xtf_expect_rc(res, "reset GS_USER_SEL", HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0),
                  0);
    xtf_expect_rc(res, "reset GS_USER", HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0), 0);
    xtf_expect_rc(res, "reset GS_KERNEL", HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0), 0);
}

/* kcall that must return; its value, or FAILURE naming the vector. */
static uint64_t kval(struct xtf_result *res, const char *what,
                     uint64_t (*fn)(uint64_t, uint64_t), uint64_t a0, uint64_t a1)
{
    struct pvx_record r;
    uint64_t v = 0;
    if (!kcall(fn, a0, a1, &v, &r))
        xtf_failure(res, "%s: faulted (vector %#lx)", what, r.kind);
    return v;
}

/* The user snippet must come back by syscall; its rax. */
static uint64_t uval(struct xtf_result *res, const char *what, const void *snip, uint64_t a0)
{
    struct pvx_record r;
    ucall(snip, a0, 0, &r);
    return ex_kind(res, what, &r, PVX_KIND_SYSCALL) ? r.gpr[R_AX] : ~0ULL;
}

XTF_TEST(ex_segbase_gs_swap, "ex-segbase-gs-swap",
         "the kernel and user GS bases are swapped on every mode change")
{
    struct page k;

    if (!pvexec_need(res, NEED_USER) || !page_new(res, &k))
        return;
    poke(k.va, KMARK);
    poke(pvx_user_data, UMARK);
    xtf_expect_rc(res, "GS_KERNEL", HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL,
                                                                (uint64_t)k.va), 0);
    xtf_expect_rc(res, "GS_USER", HYPERVISOR_set_segment_base(SEGBASE_GS_USER, USER_DATA_VA),
                  0);
    ex_eq(res, "kernel %gs:0", kval(res, "kernel %gs:0", k_gs_read, 0, 0), KMARK);
    ex_eq(res, "user %gs:0", uval(res, "user %gs:0", u_gs_read, 0), UMARK);
    ex_eq(res, "kernel %gs:0 after user mode", kval(res, "kernel %gs:0", k_gs_read, 0, 0),
          KMARK);
    ex_eq(res, "rdmsr GS_BASE", kval(res, "rdmsr GS_BASE", k_rdmsr, MSR_GS_BASE, 0),
          (uint64_t)k.va);
    ex_eq(res, "rdmsr SHADOW_GS_BASE", kval(res, "rdmsr SHADOW_GS_BASE", k_rdmsr,
                                            MSR_SHADOW_GS_BASE, 0), USER_DATA_VA);
    bases_reset(res);
    xtf_success(res);
}

XTF_TEST(ex_segbase_fs, "ex-segbase-fs",
         "one FS base serves both modes; rdmsr FS_BASE reads it")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_USER))
        return;
    poke(pvx_user_data + 1, UMARK);
    xtf_expect_rc(res, "FS", HYPERVISOR_set_segment_base(SEGBASE_FS, USER_DATA_VA), 0);
    ex_eq(res, "user %fs:8", uval(res, "user %fs:8", u_fs_read, 8), UMARK);
    if (!kcall(k_fs_read, 8, 0, NULL, &r)) {
        if (ex_kind(res, "kernel %fs:8 (user page not in the kernel L4)", &r, 14))
            ex_eq(res, "cr2 (= FS base + 8)", vcpu0()->arch.cr2, USER_DATA_VA + 8);
    } else {
        xtf_failure(res, "kernel %%fs:8 did not fault: FS base not in effect in kernel mode");
    }
    ex_eq(res, "rdmsr FS_BASE", kval(res, "rdmsr FS_BASE", k_rdmsr, MSR_FS_BASE, 0),
          USER_DATA_VA);
    bases_reset(res);
    xtf_success(res);
}

XTF_TEST(ex_segbase_gs_user_sel, "ex-segbase-gs-user-sel",
         "GS_USER_SEL loads the user %gs from a descriptor; a bad selector loads null")
{
    struct page k;
    struct pvx_record r;

    if (!pvexec_need(res, NEED_USER) || !page_new(res, &k))
        return;
    poke(k.va, KMARK);
    poke(pvx_user_data, UMARK);
    xtf_expect_rc(res, "GS_KERNEL", HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL,
                                                                (uint64_t)k.va), 0);
    xtf_expect_rc(res, "GS_USER", HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0x1000), 0);
    xtf_expect_rc(res, "GS_USER_SEL 0xe02b",
                  HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, FLAT_USER_DS32), 0);
    ucall(u_read_sels, 0, 0, &r);
    if (ex_kind(res, "read the user selectors", &r, PVX_KIND_SYSCALL))
        ex_eq(res, "user %gs", r.gpr[R_DX], FLAT_USER_DS32);
    ex_eq(res, "user %gs:USER_DATA_VA (base 0 from the descriptor)",
          uval(res, "user %gs:USER_DATA_VA", u_gs_read, USER_DATA_VA), UMARK);
    ex_eq(res, "kernel %gs selector", kval(res, "kernel %gs", k_read_gs_sel, 0, 0),
          FLAT_USER_DS32);
    ex_eq(res, "kernel %gs:0 (kernel base untouched)", kval(res, "kernel %gs:0", k_gs_read, 0,
                                                            0), KMARK);
    xtf_expect_rc(res, "GS_USER_SEL 0xfff8 (beyond the GDT)",
                  HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0xfff8), 0);
    ucall(u_read_sels, 0, 0, &r);
    if (ex_kind(res, "read the user selectors", &r, PVX_KIND_SYSCALL))
        ex_eq(res, "user %gs after a bad selector", r.gpr[R_DX], 0);
    bases_reset(res);
    xtf_success(res);
}

XTF_TEST(ex_segbase_errnos, "ex-segbase-errnos",
         "set_segment_base refuses non-canonical bases and unknown registers with -EINVAL")
{
    if (!pvexec_need(res, NEED_SHINFO))
        return;
    uint64_t bad = 1ULL << 60;
    xtf_expect_rc(res, "FS non-canonical", HYPERVISOR_set_segment_base(SEGBASE_FS, bad),
                  -XEN_EINVAL);
    xtf_expect_rc(res, "GS_USER non-canonical",
                  HYPERVISOR_set_segment_base(SEGBASE_GS_USER, bad), -XEN_EINVAL);
    xtf_expect_rc(res, "GS_KERNEL non-canonical",
                  HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, bad), -XEN_EINVAL);
    xtf_expect_rc(res, "which = 4", HYPERVISOR_set_segment_base(4, 0), -XEN_EINVAL);
    xtf_expect_rc(res, "which = 99", HYPERVISOR_set_segment_base(99, 0), -XEN_EINVAL);
    xtf_success(res);
}

XTF_TEST(ex_msr_segbase, "ex-msr-segbase",
         "wrmsr of FS_BASE and SHADOW_GS_BASE is emulated; a non-canonical value is #GP(0)")
{
    struct page k;
    struct pvx_record r;
    struct xframe f;

    if (!pvexec_need(res, NEED_USER) || !page_new(res, &k))
        return;
    poke(k.va, KMARK);
    poke(pvx_user_data + 2, UMARK);
    kval(res, "wrmsr FS_BASE", k_wrmsr, MSR_FS_BASE, (uint64_t)k.va);
    ex_eq(res, "kernel %fs:0", kval(res, "kernel %fs:0", k_fs_read, 0, 0), KMARK);
    ex_eq(res, "rdmsr FS_BASE", kval(res, "rdmsr FS_BASE", k_rdmsr, MSR_FS_BASE, 0),
          (uint64_t)k.va);
    kval(res, "wrmsr SHADOW_GS_BASE", k_wrmsr, MSR_SHADOW_GS_BASE, USER_DATA_VA + 16);
    ex_eq(res, "user %gs:0", uval(res, "user %gs:0", u_gs_read, 0), UMARK);
    if (!kcall(k_wrmsr, MSR_FS_BASE, 1ULL << 60, NULL, &r)) {
        if (ex_kind(res, "wrmsr FS_BASE non-canonical", &r, 13)) {
            xframe_decode(&r, true, false, &f);
            ex_eq(res, "error code", f.ec, 0);
            ex_eq(res, "rip (at the wrmsr)", f.rip, (uint64_t)k_wrmsr_at);
        }
    } else {
        xtf_failure(res, "wrmsr FS_BASE with a non-canonical value was accepted");
    }
    bases_reset(res);
    xtf_success(res);
}
