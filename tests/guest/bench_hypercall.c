/*
 * Probes of the hypercall path itself:
 *  bench-empty: the harness alone (an empty operation): the loop overhead that every other
 *               figure includes, natively and under each hypervisor alike.
 *  bench-null:  xen_version(XENVER_version) through the hypercall page, a hypercall that
 *               does no work: the cost of entering and leaving the hypervisor.
 */
#include "bench.h"
#include "mm.h"

static long op_empty(void *ctx, uint64_t i)
{
    (void)ctx, (void)i;
    __asm__ volatile("" : : : "memory");
    return 0;
}

XTF_TEST_EXPLICIT(bench_empty, "bench-empty", "the harness's loop overhead per iteration")
{
    bench_run(res, &(struct bench){ "empty", "op", 1, op_empty, NULL });
}

static long op_null(void *ctx, uint64_t i)
{
    long want = *(const long *)ctx;
    (void)i;
    long rc = hypercall5(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    return rc == want ? 0 : rc;
}

XTF_TEST_EXPLICIT(bench_null, "bench-null", "a hypercall that does nothing: xen_version")
{
    if (!mm_need_pv(res))
        return;
    long want = (long)boot.ver_major << 16 | boot.ver_minor;
    bench_run(res, &(struct bench){ "null", "op", 1, op_null, &want });
}
