/*
 * Hypotheses (software interrupts and the DPL of trap-table entries):
 *
 * ex-int-dpl: `int $n` whose trap-table entry has a DPL below the caller's ring is refused
 *   with #GP, error code "IDT, vector n" ((n << 3) | 2), rip at the int instruction: from
 *   user mode (ring 3) an entry of DPL 1 (0x82), of DPL 0 (0x83) or an empty one (0x84);
 *   from kernel mode an entry of DPL 0.
 *   QEMU's TCG, on which Xen is measured here, reports the IDT index of such a #GP doubled
 *   ((n << 4) | 2, a QEMU bug); Xen passes the hardware's error code on unchanged, so the
 *   test accepts either index.  The same bug makes Xen look up the DPL of entry 2n mod 256
 *   instead of n, so the cases where the DPL allows delivery cannot be measured here, except
 *   for vectors Xen's own IDT lets through (int3, int $0x80: the next tests).  The trap
 *   table keeps entries 2n mod 256 of the vectors tested at DPL 0, so both readings agree.
 *
 * ex-int80: `int $0x80` goes through Xen's direct path: from user mode it is delivered to
 *   the 0x80 entry as a software interrupt (no error code, rip after the instruction, user
 *   cs), and so it is even when that entry has DPL 0 (Xen 4.17 checks only that an entry
 *   exists); from kernel mode too.
 *
 * ex-int3-user: int3 from user mode is delivered to vector 3 (rip after it), whatever the
 *   DPL of entry 3.
 */
#include "pvexec.h"

/* Check a #GP for `int $n` at rip. */
static void expect_int_gp(struct xtf_result *res, const char *what,
                          const struct pvx_record *r, unsigned n, uint64_t rip)
{
    struct xframe f;
    char buf[96];

    if (!ex_kind(res, what, r, 13))
        return;
    xframe_decode(r, true, false, &f);
    if ((f.ec & 3) != 2 || ((f.ec >> 3) != n && (f.ec >> 4) != n))
        xtf_failure(res, "%s: error code %#lx, expected %#x (IDT, vector %#x)", what, f.ec,
                    (n << 3) | 2, n);
    snprintf(buf, sizeof(buf), "%s: rip (at the int)", what);
    ex_eq(res, buf, f.rip, rip);
}

/* Check a software-interrupt delivery of vector n, resuming at rip in code segment cs. */
static void expect_softint(struct xtf_result *res, const char *what,
                           const struct pvx_record *r, unsigned n, uint64_t rip, uint64_t cs)
{
    struct xframe f;
    char buf[96];

    if (!ex_kind(res, what, r, n))
        return;
    xframe_decode(r, false, false, &f);
    snprintf(buf, sizeof(buf), "%s: rip (after the int)", what);
    ex_eq(res, buf, f.rip, rip);
    snprintf(buf, sizeof(buf), "%s: cs", what);
    ex_eq(res, buf, f.cs & 0xffff, cs);
}

static long set_entry(unsigned vector, unsigned flags)
{
    struct trap_info t[2] = {
        { .vector = (uint8_t)vector, .flags = (uint8_t)flags, .cs = FLAT_KERNEL_CS,
          .address = (unsigned long)(pvx_stubs + 16 * vector) },
        { 0 },
    };
    return HYPERVISOR_set_trap_table(t);
}

XTF_TEST(ex_int_dpl, "ex-int-dpl",
         "int $n through an entry whose DPL is below the caller's ring is #GP(n << 3 | 2)")
{
    struct pvx_record r;

    if (!pvexec_need(res, NEED_USER))
        return;
    /* Entries 2n mod 256 for n = 0x82..0x84 are 4, 6, 8: keep them at DPL 0. */
    if (!xtf_expect_rc(res, "entry 4 at DPL 0", set_entry(4, 0), 0))
        return;
    ucall(u_int_0x82, 0, 0, &r);
    expect_int_gp(res, "user int $0x82 (DPL 1)", &r, 0x82, user_va(u_int_0x82_at));
    ucall(u_int_0x83, 0, 0, &r);
    expect_int_gp(res, "user int $0x83 (DPL 0)", &r, 0x83, user_va(u_int_0x83_at));
    ucall(u_int_0x84, 0, 0, &r);
    expect_int_gp(res, "user int $0x84 (no entry)", &r, 0x84, user_va(u_int_0x84_at));
    if (!kcall(k_int_0x83, 0, 0, NULL, &r))
        expect_int_gp(res, "kernel int $0x83 (DPL 0)", &r, 0x83, (uint64_t)k_int_0x83_at);
    else
        xtf_failure(res, "kernel int $0x83 (DPL 0) was not refused");
    xtf_expect_rc(res, "restore the trap table", pvexec_trap_table_reset(), 0);
    xtf_success(res);
}

XTF_TEST(ex_int80, "ex-int80",
         "int $0x80 is delivered from user mode (even through a DPL 0 entry) and kernel mode")
{
    struct pvx_record r;
    uint64_t after = user_va(u_int_0x80_at) + 2;

    if (!pvexec_need(res, NEED_USER))
        return;
    ucall(u_int_0x80, 0, 0, &r);
    expect_softint(res, "user int $0x80 (DPL 3)", &r, 0x80, after, PVX_CS_USER);
    if (!xtf_expect_rc(res, "entry 0x80 at DPL 0", set_entry(0x80, 0), 0))
        return;
    ucall(u_int_0x80, 0, 0, &r);
    expect_softint(res, "user int $0x80 (DPL 0)", &r, 0x80, after, PVX_CS_USER);
    if (!kcall(k_int_0x80, 0, 0, NULL, &r))
        expect_softint(res, "kernel int $0x80", &r, 0x80, (uint64_t)k_int_0x80_at + 2,
                       PVX_CS_KERNEL);
    else
        xtf_failure(res, "kernel int $0x80 was not delivered");
    xtf_expect_rc(res, "restore the trap table", pvexec_trap_table_reset(), 0);
    xtf_success(res);
}

XTF_TEST(ex_int3_user, "ex-int3-user",
         "int3 from user mode is delivered to vector 3, whatever the entry's DPL")
{
    struct pvx_record r;
    uint64_t after = user_va(u_int3_at) + 1;

    if (!pvexec_need(res, NEED_USER))
        return;
    ucall(u_int3, 0, 0, &r);
    expect_softint(res, "int3 (entry DPL 3)", &r, 3, after, PVX_CS_USER);
    if (!xtf_expect_rc(res, "entry 3 at DPL 0", set_entry(3, 0), 0))
        return;
    ucall(u_int3, 0, 0, &r);
    expect_softint(res, "int3 (entry DPL 0)", &r, 3, after, PVX_CS_USER);
    xtf_expect_rc(res, "restore the trap table", pvexec_trap_table_reset(), 0);
    xtf_success(res);
}
