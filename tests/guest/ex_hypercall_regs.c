/*
 * Hypotheses (which registers a hypercall gives back, as Xen 4.17's release build does):
 *
 * ex-hypercall-regs: a hypercall from guest kernel mode changes rax (its result) and rcx and
 *   r11 (which `syscall` itself overwrites) and nothing else: the six argument registers,
 *   rbx, rbp and r12-r15 come back as they went in.  Tried: xen_version(XENVER_version), a
 *   number below 48 with no handler (-ENOSYS), one far above (-ENOSYS), and xen_version's
 *   number with bits set above the low 32 (-ENOSYS: the whole of rax is the number).
 *
 * ex-iret-regs: the iret hypercall back into kernel mode gives rax, and, unless
 *   VGCF_in_syscall, rcx and r11, from the context; every other register comes back as it
 *   was at the `syscall`.  With VGCF_in_syscall, rcx and r11 are what a sysret leaves.
 */
#include "pvexec.h"

void hc_regs_probe(uint64_t regs[16]);
void hc_regs_iret_probe(uint64_t regs[16], uint64_t ctx_rax, uint64_t ctx_rcx,
                        uint64_t ctx_r11, uint64_t flags);

static const char *const reg_name[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* Distinct patterns in every register; rax = nr, rdi = a0. */
static void fill(uint64_t regs[16], uint64_t nr, uint64_t a0)
{
    for (unsigned i = 0; i < 16; i++)
        regs[i] = 0x5a00000000000000ULL | ((uint64_t)i << 48) | (0x1234567ULL * (i + 1));
    regs[R_AX] = nr;
    regs[R_DI] = a0;
}

/* FAILURE for every register but rax, rcx, r11 (and rsp) that did not come back. */
static void expect_kept(struct xtf_result *res, const char *what, const uint64_t in[16],
                        const uint64_t out[16])
{
    for (unsigned i = 0; i < 16; i++) {
        if (i == R_AX || i == R_CX || i == R_11 || i == R_SP || out[i] == in[i])
            continue;
        xtf_failure(res, "%s: %s went in as %#lx, came back as %#lx", what, reg_name[i],
                    in[i], out[i]);
    }
}

static void try_call(struct xtf_result *res, const char *what, uint64_t nr, uint64_t a0,
                     long want)
{
    uint64_t in[16], out[16];

    fill(in, nr, a0);
    for (unsigned i = 0; i < 16; i++)
        out[i] = in[i];
    hc_regs_probe(out);
    if ((long)out[R_AX] != want)
        xtf_failure(res, "%s: returned %ld, expected %ld", what, (long)out[R_AX], want);
    expect_kept(res, what, in, out);
}

XTF_TEST(ex_hypercall_regs, "ex-hypercall-regs",
         "a hypercall changes rax, rcx and r11 only")
{
    long version;

    if (!pvexec_need(res, NEED_SHINFO))
        return;
    version = HYPERVISOR_xen_version(XENVER_version, NULL);
    try_call(res, "xen_version", __HYPERVISOR_xen_version, XENVER_version, version);
    try_call(res, "number 47 (no handler)", 47, 0, -XEN_ENOSYS);
    try_call(res, "number 0x1234", 0x1234, 0, -XEN_ENOSYS);
    try_call(res, "xen_version with rax bit 32 set",
             (1ULL << 32) | __HYPERVISOR_xen_version, XENVER_version, -XEN_ENOSYS);
    xtf_success(res);
}

static void try_iret(struct xtf_result *res, const char *what, uint64_t flags)
{
    volatile struct vcpu_info *vi = vcpu0();
    uint8_t mask = vi->evtchn_upcall_mask;
    const uint64_t ctx_rax = 0xa0a0a0a0a0a0a0a0ULL, ctx_rcx = 0xc0c0c0c0c0c0c0c0ULL,
                   ctx_r11 = 0x1111111111111111ULL;
    uint64_t in[16], out[16];

    fill(in, __HYPERVISOR_iret, 0);
    for (unsigned i = 0; i < 16; i++)
        out[i] = in[i];
    hc_regs_iret_probe(out, ctx_rax, ctx_rcx, ctx_r11, flags);
    char buf[64];

    vi->evtchn_upcall_mask = mask;      /* the context's rflags had IF clear */
    snprintf(buf, sizeof(buf), "%s: rax", what);
    ex_eq(res, buf, out[R_AX], ctx_rax);
    if (!(flags & VGCF_in_syscall)) {
        snprintf(buf, sizeof(buf), "%s: rcx", what);
        ex_eq(res, buf, out[R_CX], ctx_rcx);
        snprintf(buf, sizeof(buf), "%s: r11", what);
        ex_eq(res, buf, out[R_11], ctx_r11);
    }
    expect_kept(res, what, in, out);
}

XTF_TEST(ex_iret_regs, "ex-iret-regs",
         "the iret hypercall gives rax (and rcx, r11) from its context, keeps the rest")
{
    if (!pvexec_need(res, NEED_TRAPS))
        return;
    try_iret(res, "iret", 0);
    try_iret(res, "iret, VGCF_in_syscall", VGCF_in_syscall);
    xtf_success(res);
}
