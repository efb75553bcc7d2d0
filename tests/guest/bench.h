/*
 * The in-guest microbenchmark harness.  A probe is one operation (a hypercall, a batch of
 * pagetable updates, a syscall round trip) run many times between two `rdtsc` reads.  Under
 * QEMU's `-icount shift=0,sleep=off` the TSC advances by exactly one per executed
 * instruction -- the guest's and the hypervisor's, which run on the same virtual CPU -- so
 * the figure a probe prints is instructions per operation, exact and repeatable.  The
 * probes are XTF tests that run only when named (test=bench-...); see docs/bench.md.
 * Probes issue their hypercalls straight through the hypercall page (hypercall5), not
 * through the guest kernel's counted door (pv_hypercall), so what they measure is the
 * hypervisor's path and the same few guest instructions on every platform.
 */
#ifndef TESTS_GUEST_BENCH_H
#define TESTS_GUEST_BENCH_H

#include "xtf.h"

/* One operation: iteration i of the measured loop.  Returns 0, or why it failed. */
typedef long (*bench_op_t)(void *ctx, uint64_t i);

struct bench {
    const char *name;       /* printed as the probe's name */
    const char *unit;       /* what one figure is per: "op", "page" */
    unsigned units;         /* units one call of op() does (64 for a batch of 64 pages) */
    bench_op_t op;
    void *ctx;
};

/*
 * Run b->op: a warm-up, then `batches` batches of `iters` calls (command line `batches=`,
 * `iters=`), each batch between two rdtsc reads, then one more batch inside a profile
 * window (tools/profile/marker.h).  Prints
 *   bench: <name> unit=<unit> n=<units per batch> batches=<B> min=<TSC> max=<TSC> same=<S> per_unit=<min/n> tsc=exact|noisy
 * where min and max are the smallest and largest batch and same counts the batches equal
 * to min: under -icount every batch not hit by an interrupt takes the same count, so
 * same < B/2 ("noisy") means the TSC is not counting instructions.  FAILURE when op fails; the error
 * text names the iteration.
 */
void bench_run(struct xtf_result *res, const struct bench *b);

/*
 * The same for an operation too long to repeat in a batch (a pin of a whole pagetable
 * tree): every batch is one call of b->op, whatever `iters=` says, and `after` runs after
 * each batch, outside the timing, to put back what op changed (an unpin after a pin), so
 * that every call does the whole work again.  `after` failing is a FAILURE of the probe.
 */
void bench_run_single(struct xtf_result *res, const struct bench *b, bench_op_t after);

#endif
