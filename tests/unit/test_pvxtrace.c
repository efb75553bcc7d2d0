/*
 * Unit tests of the trace reader and analysis (tools/pvxtrace) and of the host's trace
 * ring (host/trace/ring.c), whose output the reader must decode field for field:
 *   - the ring: every field of every record kind back through the reader, xenalyze's
 *     window framing, a full ring's lost count and TRC_LOST_RECORDS;
 *   - the recorded traces in tests/trace/ (pvx batched and unbatched with host records,
 *     Xen and native guest-only): exact per-operation counts, the guest's and the host's
 *     counts of the same windows agreeing, batching changing only the packaging;
 *   - every truncation of a recorded capture refused as truncated (except at a blob's
 *     end), and foreign, corrupt and future-version input refused with its reason.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <public/pvx_trace.h>
#include <public/xen.h>
#include "pvxtrace.h"
#include "trace/ring.h"

/* --- a memory sink for the ring's dump ---------------------------------------------------- */

static uint8_t sink[1 << 20];
static size_t sink_len;

static void to_sink(const void *p, size_t n)
{
    assert_true(sink_len + n <= sizeof(sink));
    memcpy(sink + sink_len, p, n);
    sink_len += n;
}

static uint8_t ringbuf[1 << 19];

static void parse_ok(const uint8_t *buf, size_t len, struct run *r)
{
    char err[256] = "";
    int rc = run_parse("test", buf, len, r, err, sizeof(err));
    if (rc != 0)
        fail_msg("%s", err);
}

static void parse_fails(const uint8_t *buf, size_t len, const char *why)
{
    struct run r;
    char err[256] = "";
    assert_int_equal(run_parse("test", buf, len, &r, err, sizeof(err)), -1);
    if (strstr(err, why) == NULL)
        fail_msg("expected \"%s\" in: %s", why, err);
    run_free(&r);
}

/* --- the host ring ------------------------------------------------------------------------ */

static void ring_roundtrip_decodes_every_field(void **state)
{
    struct trace_ring ring;
    struct run r;
    uint32_t hc[2] = { __HYPERVISOR_mmu_update | TRC_PV_HYPERCALL_V2_ARG_32(1), 7 };
    uint32_t pf[5] = { 0x00401000, 0, 0xdead0000, 0x7fff, 6 };
    uint32_t val[5] = { 0x1234, 0, 1, 512, 0 };
    uint32_t who = 0;
    (void)state;

    trace_ring_init(&ring, ringbuf, 4096);
    assert_true(trace_ring_put(&ring, 100, TRC_PV_HYPERCALL_V2, hc, 2));
    assert_true(trace_ring_put(&ring, 101, TRC_PV_HYPERCALL_SUBCALL, hc, 1));
    assert_true(trace_ring_put(&ring, 102, TRC_PV_PAGE_FAULT | TRC_64_FLAG, pf, 5));
    assert_true(trace_ring_put(&ring, 103, TRC_PVX_VALIDATE, val, 5));
    assert_true(trace_ring_put(&ring, 104, TRC_PVX_MODE, &who, 0));
    trace_ring_close(&ring, 200, 0, 0, TRC_SCHED_RUNSTATE_CHANGE | 0x30, &who, 1);
    sink_len = 0;
    trace_ring_dump(&ring, "dom0_mem=32M", to_sink);
    assert_int_equal(sink_len, sizeof(struct pvx_trace_blob) + trace_ring_dump_size(&ring));

    parse_ok(sink, sink_len, &r);
    assert_true(r.host.present);
    assert_false(r.guest.present);
    assert_string_equal(r.host.cmdline, "dom0_mem=32M");
    assert_int_equal(r.host.records, 6);
    assert_int_equal(r.host.tsc_end, 200);
    assert_int_equal(r.nh, 6);
    assert_int_equal(r.h[0].event, TRC_PV_HYPERCALL_V2);
    assert_true(r.h[0].has_tsc);
    assert_int_equal(r.h[0].tsc, 100);
    assert_int_equal(r.h[0].n, 2);
    assert_int_equal(r.h[0].d[0], hc[0]);
    assert_int_equal(r.h[0].d[1], 7);
    assert_int_equal(r.h[1].event, TRC_PV_HYPERCALL_SUBCALL);
    assert_int_equal(r.h[1].n, 1);
    assert_int_equal(r.h[2].event, TRC_PV_PAGE_FAULT | TRC_64_FLAG);
    assert_memory_equal(r.h[2].d, pf, sizeof(pf));
    assert_int_equal(r.h[3].d[3], 512);
    assert_int_equal(r.h[4].n, 0);
    assert_int_equal(r.h[5].event, TRC_SCHED_RUNSTATE_CHANGE | 0x30);
    assert_int_equal(r.h[5].tsc, 200);
    /* the xentrace stream is what follows the blob header, byte for byte */
    assert_int_equal(r.xentrace_len, sink_len - sizeof(struct pvx_trace_blob));
    assert_memory_equal(r.xentrace, sink + sizeof(struct pvx_trace_blob), r.xentrace_len);
    run_free(&r);
}

/* A full ring drops new records, counts them, and says so in a TRC_LOST_RECORDS record. */
static void ring_full_counts_lost(void **state)
{
    struct trace_ring ring;
    struct run r;
    uint32_t d[2] = { 1, 2 }, who = 0;
    unsigned kept = 0, i;
    (void)state;

    trace_ring_init(&ring, ringbuf, 256);
    for (i = 0; i < 40; i++)
        kept += trace_ring_put(&ring, 1000 + i, TRC_PVX_FLUSH, d, 2);
    assert_int_equal(kept, (256 - TRACE_RING_RESERVE) / 20);
    assert_int_equal(ring.lost, 40 - kept);
    assert_int_equal(ring.first_lost_tsc, 1000 + kept);
    trace_ring_close(&ring, 5000, 3, 1, TRC_SCHED_RUNSTATE_CHANGE, &who, 1);
    assert_false(trace_ring_put(&ring, 6000, TRC_PVX_FLUSH, d, 2));   /* closed */
    sink_len = 0;
    trace_ring_dump(&ring, "", to_sink);
    parse_ok(sink, sink_len, &r);
    assert_int_equal(r.host.lost, 41 - kept);
    assert_int_equal(r.nh, kept + 2);
    const struct hrec *lost = &r.h[kept];
    assert_int_equal(lost->event, TRC_LOST_RECORDS);
    assert_int_equal(lost->n, 4);
    assert_int_equal(lost->d[0], 40 - kept);
    assert_int_equal(lost->d[1], 3 | 1 << 16);                  /* domain, vCPU */
    assert_int_equal(lost->d[2], 1000 + kept);                  /* the first one lost */
    run_free(&r);
}

/* More records than one window holds: several TRC_TRACE_CPU_CHANGE windows, each of whole
 * records, as xentrace writes them. */
static void ring_dump_splits_into_windows(void **state)
{
    struct trace_ring ring;
    struct run r;
    uint32_t d[7] = { 0 };
    unsigned n = 0;
    (void)state;

    trace_ring_init(&ring, ringbuf, sizeof(ringbuf));
    while (trace_ring_put(&ring, n, TRC_PVX_UPDATE, d, 7))   /* 40 bytes each */
        n++;
    sink_len = 0;
    trace_ring_dump(&ring, "", to_sink);
    parse_ok(sink, sink_len, &r);
    assert_int_equal(r.nh, n);
    assert_true(trace_ring_dump_size(&ring) > sizeof(ringbuf) - TRACE_RING_RESERVE);
    /* every window header says at most TRACE_WINDOW_MAX bytes and a whole number of records */
    size_t off = 0, windows = 0;
    while (off < r.xentrace_len) {
        uint32_t bytes;
        memcpy(&bytes, r.xentrace + off + 8, 4);
        assert_true(bytes <= TRACE_WINDOW_MAX);
        assert_int_equal(bytes % 40, 0);
        off += 12 + bytes;
        windows++;
    }
    assert_int_equal(off, r.xentrace_len);
    assert_true(windows > 1);
    run_free(&r);
}

/* --- the recorded traces ------------------------------------------------------------------ */

static void load(const char *path, struct run *r, struct summary *s)
{
    char err[256] = "";
    if (run_load(path, r, err, sizeof(err)) != 0 || summarize(r, s, err, sizeof(err)) != 0)
        fail_msg("%s", err);
}

static double per(const struct summary *s, const char *w, enum metric m)
{
    const struct workload *x = find_workload(s, w);
    assert_non_null(x);
    return per_op(x, m);
}

/* fork+exit: six batches and four irets batched (10), 30 entries and the irets
 * unbatched; the host handled exactly what the guest issued. */
static void recorded_pvx_counts(void **state)
{
    struct run on, off;
    struct summary son, soff;
    (void)state;

    load("tests/trace/pvx-batch-on.cap", &on, &son);
    load("tests/trace/pvx-batch-off.cap", &off, &soff);
    assert_true(son.calibrated && soff.calibrated);
    assert_int_equal(find_workload(&son, "fork-exit")->ops, 2);
    assert_true(per(&son, "fork-exit", M_HYPERCALLS) == 10);
    assert_true(per(&son, "fork-exit", M_MULTICALLS) == 6);
    assert_true(per(&son, "fork-exit", M_PINS) == 2);
    assert_true(per(&son, "fork-exit", M_UNPINS) == 2);
    assert_true(per(&son, "fork-exit", M_MODE) == 8);
    assert_true(per(&soff, "fork-exit", M_MULTICALLS) == 0);
    assert_true(per(&soff, "fork-exit", M_HYPERCALLS) >= 3.4 * per(&son, "fork-exit", M_HYPERCALLS));
    for (size_t i = 0; i < son.nw; i++) {
        const struct workload *a = &son.w[i], *b = find_workload(&soff, a->name);
        assert_non_null(b);
        /* packaging only: unbatched = batched - multicalls + their entries */
        assert_true(b->total[M_HYPERCALLS] ==
                    a->total[M_HYPERCALLS] - a->total[M_MULTICALLS] + a->total[M_MC_ENTRIES]);
        /* the guest's and the host's count of the same windows */
        assert_true(a->total[M_HYPERCALLS] == a->total[M_HOST_HYPERCALLS]);
        assert_true(a->total[M_MC_ENTRIES] == a->total[M_HOST_MC_ENTRIES]);
        assert_true(b->total[M_HYPERCALLS] == b->total[M_HOST_HYPERCALLS]);
        /* the same work validated and checked either way */
        assert_true(a->total[M_VALIDATED] == b->total[M_VALIDATED]);
        assert_true(a->total[M_CHECKED] == b->total[M_CHECKED]);
    }
    summary_free(&son);
    summary_free(&soff);
    run_free(&on);
    run_free(&off);
}

/* Xen's guest-only trace counts what pvx's does; natively there are no hypercalls. */
static void recorded_xen_and_native(void **state)
{
    struct run x, p, n;
    struct summary sx, sp, sn;
    (void)state;

    load("tests/trace/xen-batch-on.cap", &x, &sx);
    load("tests/trace/pvx-batch-on.cap", &p, &sp);
    load("tests/trace/native.cap", &n, &sn);
    assert_int_equal(x.guest.platform, PVX_PLATFORM_XEN);
    assert_false(x.host.present);
    assert_true(isnan(per(&sx, "fork-exit", M_VALIDATED)));       /* no host records */
    for (size_t i = 0; i < sp.nw; i++) {
        const struct workload *a = &sp.w[i], *b = find_workload(&sx, a->name);
        assert_non_null(b);
        assert_true(a->total[M_HYPERCALLS] == b->total[M_HYPERCALLS]);
        assert_true(a->total[M_MC_ENTRIES] == b->total[M_MC_ENTRIES]);
        assert_true(a->total[M_KENTRIES] == b->total[M_KENTRIES]);
    }
    assert_int_equal(n.guest.platform, PVX_PLATFORM_NATIVE);
    assert_true(per(&sn, "fork-exit", M_HYPERCALLS) == 0);
    assert_true(per(&sn, "fork-exit", M_WORLD) == 0);
    assert_true(per(&sn, "fork-exit", M_KENTRIES) == per(&sp, "fork-exit", M_KENTRIES));
    summary_free(&sx);
    summary_free(&sp);
    summary_free(&sn);
    run_free(&x);
    run_free(&p);
    run_free(&n);
}

/* The guest's records in order: a multicall, then its entries with their hooks. */
static void guest_records_in_order(void **state)
{
    struct run r;
    char err[256];
    (void)state;

    assert_int_equal(run_load("tests/trace/pvx-batch-on.cap", &r, err, sizeof(err)), 0);
    size_t i;
    for (i = 0; i < r.ng; i++)
        if (r.g[i].kind == PVX_REC_HYPERCALL && r.g[i].nr == __HYPERVISOR_multicall)
            break;
    assert_true(i < r.ng);
    assert_true(r.g[i].batch >= 2);
    assert_true(r.g[i].tsc_after > r.g[i].tsc);
    for (unsigned k = 1; k <= r.g[i].batch; k++) {
        assert_int_equal(r.g[i + k].kind, PVX_REC_MC_ENTRY);
        assert_true(r.g[i + k].hook < PVX_HOOK_NR);
    }
    unsigned begins = 0, ends = 0;
    for (i = 0; i < r.ng; i++)
        if (r.g[i].kind == PVX_REC_MARK)
            *(r.g[i].flags & PVX_MARK_BEGIN ? &begins : &ends) += 1;
    assert_int_equal(begins, ends);
    assert_int_equal(begins, 1 + 1 + 2);        /* calibrate, fork-exit, 2 mprotects */
    run_free(&r);
}

/* --- refusals ----------------------------------------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* Every prefix of a capture is refused as truncated, except the one that ends exactly
 * where the guest's blob does (a whole blob: a guest-only capture). */
static void every_truncation_refused(void **state)
{
    size_t len, guest_end;
    uint8_t *buf = slurp("tests/trace/pvx-batch-on.cap", &len);
    uint64_t gsize;
    (void)state;

    memcpy(&gsize, buf + 16, 8);
    guest_end = sizeof(struct pvx_trace_blob) + gsize;
    for (size_t l = 0; l < len; l += (l < 600 || len - l < 600) ? 1 : 97) {
        struct run r;
        char err[256] = "";
        int rc = run_parse("cut", buf, l, &r, err, sizeof(err));
        if (l == guest_end) {
            assert_int_equal(rc, 0);
            assert_true(r.guest.present && !r.host.present);
        } else if (rc == 0 || (strstr(err, "truncated") == NULL &&
                               !(l == 0 && strstr(err, "empty")))) {
            fail_msg("a cut at %zu of %zu: rc %d: %s", l, len, rc, err);
        }
        run_free(&r);
    }
    free(buf);
}

static void foreign_and_corrupt_refused(void **state)
{
    static const uint8_t elf[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
    size_t len;
    uint8_t *buf = slurp("tests/trace/pvx-batch-on.cap", &len);
    uint8_t *copy = malloc(len);
    const size_t h = sizeof(struct pvx_trace_blob);
    (void)state;

    parse_fails(elf, sizeof(elf), "not a pvx trace");
    parse_fails((const uint8_t *)"hello, world\n", 13, "not a pvx trace");

    memcpy(copy, buf, len);
    copy[8] = 2;                                     /* format version 2 */
    parse_fails(copy, len, "version 2");

    memcpy(copy, buf, len);
    copy[12] = 9;                                    /* blob kind 9 */
    parse_fails(copy, len, "unknown kind");

    memcpy(copy, buf, len);
    copy[h + 1] = 0;                                 /* a guest record of size 0 */
    parse_fails(copy, len, "size 0");

    /* a guest payload whose second record would cross from page 0 into page 1 */
    uint8_t g[sizeof(struct pvx_trace_blob) + 8192];
    struct pvx_trace_blob *b = (void *)g;
    memset(g, 0, sizeof(g));
    memcpy(b->magic, PVX_TRACE_MAGIC, 8);
    b->version = PVX_TRACE_VERSION;
    b->kind = PVX_TRACE_GUEST;
    b->size = 8192;
    g[h] = g[h + 2040] = PVX_REC_KENTRY;
    g[h + 1] = g[h + 2041] = 255;                    /* 2040 bytes each: 4080 */
    g[h + 4080] = PVX_REC_HYPERCALL;
    g[h + 4081] = 4;                                 /* 32 more: past 4096 */
    parse_fails(g, sizeof(g), "page boundary");

    uint64_t gsize;
    memcpy(&gsize, buf + 16, 8);
    size_t host = h + gsize;                         /* the host blob */
    memcpy(copy, buf, len);
    copy[host + h] ^= 0xff;                          /* not a TRC_TRACE_CPU_CHANGE */
    parse_fails(copy, len, "TRC_TRACE_CPU_CHANGE");
    free(copy);
    free(buf);
}

/* A trace without workload windows (a boot without bench=) has nothing to summarize. */
static void no_windows_refused(void **state)
{
    struct trace_ring ring;
    struct run r;
    struct summary s;
    char err[256] = "";
    (void)state;

    trace_ring_init(&ring, ringbuf, 4096);
    trace_ring_close(&ring, 1, 0, 0, 0, NULL, 0);
    sink_len = 0;
    trace_ring_dump(&ring, "", to_sink);
    parse_ok(sink, sink_len, &r);
    assert_int_equal(summarize(&r, &s, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no guest records"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ring_roundtrip_decodes_every_field),
        cmocka_unit_test(ring_full_counts_lost),
        cmocka_unit_test(ring_dump_splits_into_windows),
        cmocka_unit_test(recorded_pvx_counts),
        cmocka_unit_test(recorded_xen_and_native),
        cmocka_unit_test(guest_records_in_order),
        cmocka_unit_test(every_truncation_refused),
        cmocka_unit_test(foreign_and_corrupt_refused),
        cmocka_unit_test(no_windows_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
