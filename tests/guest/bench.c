/*
 * The microbenchmark harness (bench.h): batches timed with rdtsc, the verdict on whether
 * the TSC counted instructions, one parseable line per probe.
 */
#include "bench.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "tools/profile/marker.h"

#define MAX_BATCHES 64

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

static uint64_t arg_u64(const char *key, uint64_t dflt, uint64_t max)
{
    char buf[24];
    if (!cmdline_get(boot.cmdline, key, buf, sizeof(buf)))
        return dflt;
    uint64_t v = strtoull(buf, NULL, 0);
    return v && v <= max ? v : dflt;
}

/* Run iterations [first, first + n) of op; 0 or the first failure, with its iteration.
 * The timed batches and the profiled one run this same code, so the profile's count per
 * iteration is the TSC's; the ITER marker is one instruction of it (tools/profile). */
static __attribute__((noinline)) long batch(const struct bench *b, uint64_t first, uint64_t n,
                                            uint64_t *failed_at)
{
    for (uint64_t i = first; i < first + n; i++) {
        profile_mark(PROFILE_MARK_ITER);
        long rc = b->op(b->ctx, i);
        if (rc) {
            *failed_at = i;
            return rc;
        }
    }
    return 0;
}

/* `after` (if any), outside the timing, once a batch that ended at iteration `last`
 * succeeded. */
static long after_batch(const struct bench *b, bench_op_t after, long rc, uint64_t last,
                        uint64_t *failed_at)
{
    if (rc || after == NULL)
        return rc;
    rc = after(b->ctx, last);
    if (rc)
        *failed_at = last;
    return rc;
}

static void run(struct xtf_result *res, const struct bench *b, uint64_t iters, bench_op_t after)
{
    unsigned batches = (unsigned)arg_u64("batches", 8, MAX_BATCHES);
    uint64_t delta[MAX_BATCHES], i = 0, failed_at = 0;
    long rc = batch(b, i, iters, &failed_at);             /* warm-up */

    rc = after_batch(b, after, rc, i + iters - 1, &failed_at);
    i += iters;
    for (unsigned k = 0; k < batches && !rc; k++, i += iters) {
        uint64_t t0 = rdtsc();
        rc = batch(b, i, iters, &failed_at);
        delta[k] = rdtsc() - t0;
        rc = after_batch(b, after, rc, i + iters - 1, &failed_at);
    }
    if (!rc) {
        profile_mark(PROFILE_MARK_START);
        rc = batch(b, i, iters, &failed_at);
        profile_mark(PROFILE_MARK_STOP);
        rc = after_batch(b, after, rc, i + iters - 1, &failed_at);
    }
    if (rc)
        return xtf_failure(res, "%s: iteration %lu (or what follows its batch) failed: %ld", b->name, failed_at, rc);

    uint64_t min = delta[0], max = delta[0], n = iters * b->units;
    unsigned same = 0;
    for (unsigned k = 1; k < batches; k++) {
        min = delta[k] < min ? delta[k] : min;
        max = delta[k] > max ? delta[k] : max;
    }
    for (unsigned k = 0; k < batches; k++)
        same += delta[k] == min;
    uint64_t hundredths = (min * 100 + n / 2) / n;
    printk("bench: %s unit=%s n=%lu batches=%u min=%lu max=%lu same=%u per_unit=%lu.%02lu tsc=%s\n",
           b->name, b->unit, n, batches, min, max, same, hundredths / 100, hundredths % 100,
           2 * same >= batches ? "exact" : "noisy");
    xtf_success(res);
}

void bench_run(struct xtf_result *res, const struct bench *b)
{
    run(res, b, arg_u64("iters", 64, 1 << 20), NULL);
}

void bench_run_single(struct xtf_result *res, const struct bench *b, bench_op_t after)
{
    run(res, b, 1, after);
}
