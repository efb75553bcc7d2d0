/*
 * Hypothesis (the XSA-213 pattern): an iret inside a multicall never lets the rest of the
 * batch run in a changed context.  Two safe answers exist: refuse the entry with an error
 * (whether the entries after it still run is then a matter of policy: nothing changed
 * context), or, as Xen does, perform the iret and end the multicall there.  Either is
 * SUCCESS; the note line says which one this platform chose.  Running later entries after
 * a performed iret, a "refusal" without an error, or losing control, is FAILURE.
 */
#include "mm.h"
#include "kernel/console.h"

#define IRET_MAGIC 0x1e7e1e7e1e7e1e7eULL
#define UNTOUCHED  0x0badc0de0badc0deULL

XTF_TEST(mm_iret_multicall, "mm-iret-in-multicall",
         "an iret inside a multicall is refused or ends the multicall")
{
    struct multicall_entry mc[3];

    if (!mm_need_pv(res))
        return;
    for (unsigned i = 0; i < 3; i++)
        mc[i] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version, .result = UNTOUCHED,
                                          .args = { XENVER_version } };
    mc[1].op = __HYPERVISOR_iret;
    long rc = iret_probe(mc, 3, IRET_MAGIC);
    /* A performed iret returns the frame's rax: as the entry's result, and (Xen's multicall
     * returns an int) as the low half of the multicall's own return value. */
    bool performed = mc[1].result == IRET_MAGIC || (uint32_t)rc == (uint32_t)IRET_MAGIC;

    xtf_expect(res, mc[0].result != UNTOUCHED, "entry before the iret did not run");
    if (performed) {
        printk("xtf: mm-iret-in-multicall: note: iret performed, multicall ended\n");
        xtf_expect(res, mc[2].result == UNTOUCHED, "entries after a performed iret ran");
    } else {
        printk("xtf: mm-iret-in-multicall: note: iret refused with %ld, multicall rc %ld, "
               "later entries %s\n", (long)mc[1].result, rc,
               mc[2].result == UNTOUCHED ? "not run" : "run");
        xtf_expect(res, (long)mc[1].result < 0, "iret entry neither performed nor refused");
    }
    xtf_success(res);
}
