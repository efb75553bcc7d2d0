/*
 * Hypotheses (instruction emulation for a PV kernel in ring 3):
 *
 * ex-cpuid-leaves: the forced-emulation prefix (ud2; .ascii "xen"; cpuid) is emulated:
 *   leaf 0x40000000 answers "XenVMMXenVMM" with the highest hypervisor leaf in eax (at least
 *   0x40000002); 0x40000001 the version, as XENVER_version gives it; 0x40000002 one
 *   hypercall page (eax) and MSR base 0x40000000 (ebx).  Execution resumes after the cpuid.
 *
 * ex-cpuid-hidden: the emulated cpuid hides what a PV guest cannot use: leaf 1 has the
 *   hypervisor bit (ecx 31) and no MONITOR (ecx 3), VMX (ecx 5), PSE (edx 3), PGE (edx 13)
 *   or PSE36 (edx 17); leaf 0x80000001 no SVM (ecx 2) and no 1 GiB pages (edx 26); and
 *   still FPU, TSC and long mode.
 *
 * ex-cpuid-user: the forced-emulation cpuid works from user mode too.
 *
 * ex-cr-read: mov from a control register in kernel mode is emulated: %cr0 has PE, PG, WP
 *   and not TS; %cr3 is the kernel L4's machine address; %cr4 has PAE and not PSE, PGE,
 *   VMXE; a `mov` to %cr4 is accepted whatever the value and changes nothing %cr4 shows.
 *
 * ex-cr-write: mov to %cr0 may change TS only: the same value or TS toggled is accepted,
 *   clearing WP or PG is #GP(0); mov to %cr3 of the current L4 is accepted, of a frame
 *   that cannot be an L4 (mapped writable) #GP(0).
 *
 * ex-msr-read: rdmsr is emulated for the MSRs Xen shows a PV guest: EFER (LME, LMA, SCE,
 *   NXE = 0xd01), PAT (Xen's own layout, 0x0000050100070406, which PV kernels read to map
 *   cache attributes), the TSC (advancing); STAR, LSTAR and an unknown MSR are #GP(0) at
 *   the rdmsr, and wrmsr of STAR or an unknown MSR too.
 *
 * ex-priv-user: privileged instructions in user mode are #GP(0) at the instruction, never
 *   emulated: mov from %cr3 and %cr0, mov to %cr0, cli, hlt, rdmsr, wrmsr, in and out
 *   (virtual IOPL 0), lgdt.
 *
 * ex-priv-kernel: in kernel mode, lidt is #GP(0) (not emulated); wbinvd is emulated (runs);
 *   mov from %dr7 is emulated and reads 0x400.
 */
#include "pvexec.h"

#define MSR_TSC    0x10
#define MSR_PAT    0x277
#define MSR_EFER   0xc0000080
#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_BOGUS  0x12345678

static void cpuid_forced(uint32_t leaf, uint32_t out[4])
{
    k_cpuid_forced(leaf, (uint64_t)out);
}

XTF_TEST(ex_cpuid_leaves, "ex-cpuid-leaves",
         "forced-emulation cpuid: the hypervisor leaves 0x40000000-2 as Xen answers them")
{
    uint32_t c[4] = { 0 };
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    /* Through kcall first: a platform that does not emulate it must not kill the run. */
    if (!kcall(k_cpuid_forced, 0x40000000, (uint64_t)c, NULL, &r)) {
        xtf_failure(res, "forced-emulation cpuid faulted (vector %#lx)", r.kind);
        return;
    }
    char sig[13];
    memcpy(sig, &c[1], 4);
    memcpy(sig + 4, &c[2], 4);
    memcpy(sig + 8, &c[3], 4);
    sig[12] = '\0';
    if (strcmp(sig, "XenVMMXenVMM"))
        xtf_failure(res, "leaf 0x40000000 signature \"%s\"", sig);
    xtf_expect(res, c[0] >= 0x40000002 && c[0] <= 0x400000ff,
               "leaf 0x40000000: highest leaf out of 0x40000002-0x400000ff");
    cpuid_forced(0x40000001, c);
    ex_eq(res, "leaf 0x40000001 eax (version)", c[0],
          (uint64_t)HYPERVISOR_xen_version(XENVER_version, NULL));
    cpuid_forced(0x40000002, c);
    ex_eq(res, "leaf 0x40000002 eax (hypercall pages)", c[0], 1);
    ex_eq(res, "leaf 0x40000002 ebx (MSR base)", c[1], 0x40000000);
    xtf_success(res);
}

XTF_TEST(ex_cpuid_hidden, "ex-cpuid-hidden",
         "forced-emulation cpuid hides MONITOR, VMX, SVM, PSE, PGE, PSE36, 1G pages")
{
    uint32_t c[4] = { 0 };
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    if (!kcall(k_cpuid_forced, 1, (uint64_t)c, NULL, &r)) {
        xtf_failure(res, "forced-emulation cpuid faulted (vector %#lx)", r.kind);
        return;
    }
    ex_eq(res, "leaf 1 ecx.hypervisor", c[2] >> 31, 1);
    ex_eq(res, "leaf 1 ecx.MONITOR", (c[2] >> 3) & 1, 0);
    ex_eq(res, "leaf 1 ecx.VMX", (c[2] >> 5) & 1, 0);
    ex_eq(res, "leaf 1 edx.PSE", (c[3] >> 3) & 1, 0);
    ex_eq(res, "leaf 1 edx.PGE", (c[3] >> 13) & 1, 0);
    ex_eq(res, "leaf 1 edx.PSE36", (c[3] >> 17) & 1, 0);
    ex_eq(res, "leaf 1 edx.FPU", c[3] & 1, 1);
    ex_eq(res, "leaf 1 edx.TSC", (c[3] >> 4) & 1, 1);
    cpuid_forced(0x80000001, c);
    ex_eq(res, "leaf 0x80000001 ecx.SVM", (c[2] >> 2) & 1, 0);
    ex_eq(res, "leaf 0x80000001 edx.Page1GB", (c[3] >> 26) & 1, 0);
    ex_eq(res, "leaf 0x80000001 edx.LM", (c[3] >> 29) & 1, 1);
    xtf_success(res);
}

XTF_TEST(ex_cpuid_user, "ex-cpuid-user",
         "forced-emulation cpuid is emulated in user mode too")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_USER))
        return;
    ucall(u_cpuid_forced, 0x40000000, 0, &r);
    if (ex_kind(res, "forced cpuid in user mode, then syscall", &r, PVX_KIND_SYSCALL)) {
        ex_eq(res, "ebx", r.gpr[R_BX] & 0xffffffff, 0x566e6558);    /* "XenV" */
        ex_eq(res, "ecx", r.gpr[R_8] & 0xffffffff, 0x65584d4d);     /* "MMXe" */
        ex_eq(res, "edx", r.gpr[R_DX] & 0xffffffff, 0x4d4d566e);    /* "nVMM" */
    }
    xtf_success(res);
}

/* A kernel snippet that must return: its value (FAILURE and ~0 if it faulted). */
static uint64_t kval(struct xtf_result *res, const char *what,
                     uint64_t (*fn)(uint64_t, uint64_t), uint64_t a0)
{
    struct pvx_record r;
    uint64_t v = 0;
    if (!kcall(fn, a0, 0, &v, &r)) {
        xtf_failure(res, "%s: faulted (vector %#lx)", what, r.kind);
        return ~0ULL;
    }
    return v;
}

/* A kernel snippet that must fault #GP(0) at `at`. */
static void kgp(struct xtf_result *res, const char *what, uint64_t (*fn)(uint64_t, uint64_t),
                uint64_t a0, uint64_t a1, const char *at)
{
    struct pvx_record r;
    struct xframe f;
    char buf[96];

    if (kcall(fn, a0, a1, NULL, &r)) {
        xtf_failure(res, "%s: did not fault", what);
        return;
    }
    if (!ex_kind(res, what, &r, 13))
        return;
    xframe_decode(&r, true, false, &f);
    snprintf(buf, sizeof(buf), "%s: error code", what);
    ex_eq(res, buf, f.ec, 0);
    snprintf(buf, sizeof(buf), "%s: rip", what);
    ex_eq(res, buf, f.rip, (uint64_t)at);
}

#define CR0_PE 0x1ULL
#define CR0_TS 0x8ULL
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PSE 0x10ULL
#define CR4_PAE 0x20ULL
#define CR4_PGE 0x80ULL
#define CR4_VMXE 0x2000ULL

XTF_TEST(ex_cr_read, "ex-cr-read",
         "mov from %cr0/%cr3/%cr4 is emulated in kernel mode; writes to %cr4 change nothing")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    uint64_t cr0 = kval(res, "mov from %cr0", k_mov_from_cr0, 0);
    ex_eq(res, "cr0 PE|PG|WP", cr0 & (CR0_PE | CR0_PG | CR0_WP), CR0_PE | CR0_PG | CR0_WP);
    ex_eq(res, "cr0 TS", cr0 & CR0_TS, 0);
    ex_eq(res, "cr3", kval(res, "mov from %cr3", k_mov_from_cr3, 0), pvops->read_cr3());
    uint64_t cr4 = kval(res, "mov from %cr4", k_mov_from_cr4, 0);
    ex_eq(res, "cr4 PAE", cr4 & CR4_PAE, CR4_PAE);
    ex_eq(res, "cr4 PSE|PGE|VMXE", cr4 & (CR4_PSE | CR4_PGE | CR4_VMXE), 0);
    static const uint64_t writes[] = { 0, CR4_PSE | CR4_PGE, CR4_VMXE };
    for (unsigned i = 0; i < ARRAY_SIZE(writes); i++) {
        if (!kcall(k_mov_to_cr4, cr4 | writes[i], 0, NULL, &r))
            xtf_failure(res, "mov to %%cr4 of %#lx faulted (vector %#lx)", cr4 | writes[i],
                        r.kind);
        ex_eq(res, "cr4 after a write", kval(res, "mov from %cr4", k_mov_from_cr4, 0), cr4);
    }
    if (!kcall(k_mov_to_cr4, 0, 0, NULL, &r))
        xtf_failure(res, "mov to %%cr4 of 0 faulted (vector %#lx)", r.kind);
    ex_eq(res, "cr4 after writing 0", kval(res, "mov from %cr4", k_mov_from_cr4, 0), cr4);
    xtf_success(res);
}

XTF_TEST(ex_cr_write, "ex-cr-write",
         "mov to %cr0 may change TS only; mov to %cr3 takes a valid L4 only")
{
    struct page a;
    struct pvx_record r;

    if (!pvexec_need(res, NEED_TRAPS) || !page_new(res, &a))
        return;
    uint64_t cr0 = kval(res, "mov from %cr0", k_mov_from_cr0, 0);
    if (!kcall(k_mov_to_cr0, cr0, 0, NULL, &r))
        xtf_failure(res, "mov to %%cr0 of the same value faulted (vector %#lx)", r.kind);
    if (!kcall(k_mov_to_cr0, cr0 | CR0_TS, 0, NULL, &r))
        xtf_failure(res, "mov to %%cr0 setting TS faulted (vector %#lx)", r.kind);
    ex_eq(res, "cr0 after setting TS", kval(res, "mov from %cr0", k_mov_from_cr0, 0),
          cr0 | CR0_TS);
    if (!kcall(k_mov_to_cr0, cr0, 0, NULL, &r))
        xtf_failure(res, "mov to %%cr0 clearing TS faulted (vector %#lx)", r.kind);
    kgp(res, "mov to %cr0 clearing WP", k_mov_to_cr0, cr0 & ~CR0_WP, 0, k_mov_to_cr0_at);
    kgp(res, "mov to %cr0 clearing PG", k_mov_to_cr0, cr0 & ~CR0_PG, 0, k_mov_to_cr0_at);
    ex_eq(res, "cr0 at the end", kval(res, "mov from %cr0", k_mov_from_cr0, 0), cr0);
    if (!kcall(k_mov_to_cr3, pvops->read_cr3(), 0, NULL, &r))
        xtf_failure(res, "mov to %%cr3 of the current L4 faulted (vector %#lx)", r.kind);
    kgp(res, "mov to %cr3 of a writable frame", k_mov_to_cr3, a.mfn.v << PAGE_SHIFT, 0,
        k_mov_to_cr3_at);
    ex_eq(res, "cr3 at the end", kval(res, "mov from %cr3", k_mov_from_cr3, 0),
          pvops->read_cr3());
    xtf_success(res);
}

XTF_TEST(ex_msr_read, "ex-msr-read",
         "rdmsr of EFER, PAT, TSC is emulated; STAR, LSTAR, unknown MSRs are #GP(0)")
{
    if (!pvexec_need(res, NEED_TRAPS))
        return;
    ex_eq(res, "EFER", kval(res, "rdmsr EFER", k_rdmsr, MSR_EFER), 0xd01);
    ex_eq(res, "PAT", kval(res, "rdmsr PAT", k_rdmsr, MSR_PAT), 0x0000050100070406ULL);
    uint64_t t0 = kval(res, "rdmsr TSC", k_rdmsr, MSR_TSC);
    uint64_t t1 = kval(res, "rdmsr TSC", k_rdmsr, MSR_TSC);
    xtf_expect(res, t1 > t0, "the TSC read by rdmsr does not advance");
    kgp(res, "rdmsr STAR", k_rdmsr, MSR_STAR, 0, k_rdmsr_at);
    kgp(res, "rdmsr LSTAR", k_rdmsr, MSR_LSTAR, 0, k_rdmsr_at);
    kgp(res, "rdmsr of an unknown MSR", k_rdmsr, MSR_BOGUS, 0, k_rdmsr_at);
    kgp(res, "wrmsr STAR", k_wrmsr, MSR_STAR, 0, k_wrmsr_at);
    kgp(res, "wrmsr of an unknown MSR", k_wrmsr, MSR_BOGUS, 0, k_wrmsr_at);
    xtf_success(res);
}

XTF_TEST(ex_priv_user, "ex-priv-user",
         "privileged instructions in user mode are #GP(0) at the instruction")
{
    static const struct { const char *what; const char *snip, *at; uint64_t a0; } cases[] = {
        { "mov from %cr3", u_mov_from_cr3, u_mov_from_cr3_at, 0 },
        { "mov from %cr0", u_mov_from_cr0, u_mov_from_cr0_at, 0 },
        { "mov to %cr0", u_mov_to_cr0, u_mov_to_cr0_at, 0 },
        { "cli", u_cli, u_cli_at, 0 },
        { "hlt", u_hlt, u_hlt_at, 0 },
        { "rdmsr EFER", u_rdmsr, u_rdmsr_at, MSR_EFER },
        { "wrmsr FS_BASE", u_wrmsr, u_wrmsr_at, 0xc0000100 },
        { "in", u_inb, u_inb_at, 0x80 },
        { "out", u_outb, u_outb_at, 0x80 },
        { "lgdt", u_lgdt, u_lgdt_at, 0 },
    };
    struct pvx_record r;
    struct xframe f;
    char buf[96];

    if (!pvexec_need(res, NEED_USER))
        return;
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        ucall(cases[i].snip, cases[i].a0, 0, &r);
        if (!ex_kind(res, cases[i].what, &r, 13))
            continue;
        xframe_decode(&r, true, false, &f);
        snprintf(buf, sizeof(buf), "%s: error code", cases[i].what);
        ex_eq(res, buf, f.ec, 0);
        snprintf(buf, sizeof(buf), "%s: rip", cases[i].what);
        ex_eq(res, buf, f.rip, user_va(cases[i].at));
        snprintf(buf, sizeof(buf), "%s: cs", cases[i].what);
        ex_eq(res, buf, f.cs & 0xffff, PVX_CS_USER);
    }
    xtf_success(res);
}

XTF_TEST(ex_priv_kernel, "ex-priv-kernel",
         "kernel mode: lidt is #GP(0); wbinvd and mov from %dr7 are emulated")
{
    if (!pvexec_need(res, NEED_TRAPS))
        return;
    kgp(res, "lidt", k_lidt, 0, 0, k_lidt_at);
    kval(res, "wbinvd", k_wbinvd, 0);
    ex_eq(res, "mov from %dr7", kval(res, "mov from %dr7", k_mov_from_dr7, 0), 0x400);
    xtf_success(res);
}
