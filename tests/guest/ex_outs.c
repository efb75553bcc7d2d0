/*
 * Hypothesis (string port output under the virtual I/O privilege level):
 *
 * ex-outs: `rep outsb` in guest kernel mode is #GP(0) at the instruction with the virtual
 *   IOPL 0, rsi and rcx untouched.  With IOPL 1 the hypervisor emulates it whole: all of a
 *   5000-byte buffer goes out (more than one exit's worth under pvx, which continues a long
 *   rep as Xen does), rsi ends past the buffer and rcx at 0; a count of 0 writes nothing.
 *   (The guest writes its trace to the debug console this way.)
 */
#include <public/physdev.h>
#include "pvexec.h"

#define POST_PORT 0x80             /* writes go nowhere on QEMU's PC */
#define LEN       5000

/* k_rep_outsb(buf, n): rep outsb of n bytes at buf to POST_PORT; returns the count left
 * (rcx) << 32 | the bytes rsi moved.  As the harness's snippets, it records its stack. */
uint64_t k_rep_outsb(uint64_t buf, uint64_t n);
extern char k_rep_outsb_at[];
__asm__(".pushsection .text\n"
        ".balign 16\n"
        "k_rep_outsb:\n"
        "    movq %rsp, pvx_snip_rsp(%rip)\n"
        "    movq %rsi, %rcx\n"
        "    movq %rdi, %rsi\n"
        "    movl $0x80, %edx\n"
        "k_rep_outsb_at:\n"
        "    rep outsb\n"
        "    movq %rsi, %rax\n"
        "    subq %rdi, %rax\n"
        "    shlq $32, %rcx\n"
        "    orq %rcx, %rax\n"
        "    ret\n"
        ".popsection\n");

static long set_iopl(unsigned iopl)
{
    struct physdev_set_iopl arg = { .iopl = iopl };
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &arg);
}

XTF_TEST(ex_outs, "ex-outs", "rep outsb: #GP with IOPL 0, emulated whole with IOPL 1")
{
    /* Two whole pages, page-aligned: what follows in .bss moves by whole pages, so no other
     * test's data changes its place within a page (ex-syscall-frame's DF check under Xen
     * 4.17 has been seen to depend on where the harness's kernel stack falls in its page). */
    static uint8_t buf[2 * 4096] __attribute__((aligned(4096)));
    struct pvx_record r;
    struct xframe f;
    uint64_t v = ~0ULL;

    if (!pvexec_need(res, NEED_TRAPS))
        return;
    for (unsigned i = 0; i < LEN; i++)
        buf[i] = (uint8_t)i;
    if (!xtf_expect_rc(res, "set_iopl 0", set_iopl(0), 0))
        return;
    if (!kcall(k_rep_outsb, (uint64_t)buf, 16, NULL, &r)) {
        if (ex_kind(res, "rep outsb, IOPL 0", &r, 13)) {
            xframe_decode(&r, true, false, &f);
            ex_eq(res, "error code", f.ec, 0);
            ex_eq(res, "rip (at the outsb)", f.rip, (uint64_t)k_rep_outsb_at);
            ex_eq(res, "rsi (untouched)", r.gpr[R_SI], (uint64_t)buf);
            ex_eq(res, "rcx (untouched, in the frame)", f.rcx, 16);
        }
    } else {
        xtf_failure(res, "rep outsb with IOPL 0 did not fault");
    }
    if (!xtf_expect_rc(res, "set_iopl 1", set_iopl(1), 0))
        return;
    if (kcall(k_rep_outsb, (uint64_t)buf, LEN, &v, &r))
        ex_eq(res, "rcx left << 32 | bytes written", v, LEN);
    else
        xtf_failure(res, "rep outsb with IOPL 1 faulted (vector %#lx)", r.kind);
    if (kcall(k_rep_outsb, (uint64_t)buf, 0, &v, &r))
        ex_eq(res, "count 0: nothing written", v, 0);
    else
        xtf_failure(res, "rep outsb of 0 bytes faulted (vector %#lx)", r.kind);
    xtf_expect_rc(res, "set_iopl 0", set_iopl(0), 0);
    xtf_success(res);
}
