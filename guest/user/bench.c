/*
 * The lmbench-style workloads.  Each runs its operation N times and prints one line:
 *
 *   bench: NAME ops=N tsc/op=T hypercalls=H multicalls=M entries=E hypercalls/op=h.hh ...
 *   bench: NAME more: flushes=F flushes/op=f.ff kentries=K kentries/op=k.kk
 *
 * T is TSC ticks per operation (instructions under QEMU -icount); H, M and E are what the
 * hypercall backend issued during the N operations (hypercalls, of which multicalls, and
 * the requests those multicalls carried), F the TLB flushes the kernel asked for and K the
 * entries into the kernel, exact totals and per operation (two lines, so each stays within
 * a console line of the pvx host).  Each workload runs its
 * operation once before measuring (so tables and copy-on-write state have settled), and
 * the cost of taking the two measurements themselves (their own system calls, measured
 * once with nothing between them) is subtracted.  Natively no hypercall is made and H, M
 * and E are 0.
 *
 * Each measurement is also a window of the guest's trace (pvx.trace=on): tmark() opens it
 * before the first mark and closes it after the last, with the operations done, so a trace
 * reader finds every workload's records, and the "calibrate" window holds what the
 * measurement itself costs (docs/trace.md).  `iters=N` among the arguments runs N
 * operations of every workload instead of its own default.
 */
#include <public/pvx_trace.h>
#include "user/ulib.h"
#include "user/user.h"

struct mark {
    uint64_t tsc;
    struct hcstat hc;
};

static void mark(struct mark *m)
{
    hcstat(&m->hc);
    m->tsc = time();
}

/* A measured window: opened in the trace, then measured; measured, then closed. */
static void open_window(const char *name, struct mark *a)
{
    tmark(PVX_MARK_BEGIN, name, 0);
    mark(a);
}

static void close_window(const char *name, unsigned long ops, struct mark *b)
{
    mark(b);
    tmark(PVX_MARK_END, name, ops);
}

static struct hcstat overhead;      /* what an empty measurement costs */
static unsigned iters;              /* iters=N: operations per workload (0: its default) */

static unsigned ops_or(unsigned dflt)
{
    return iters ? iters : dflt;
}

static struct hcstat hc_sub(const struct hcstat *b, const struct hcstat *a)
{
    return (struct hcstat){ b->hypercalls - a->hypercalls, b->multicalls - a->multicalls,
                            b->mc_entries - a->mc_entries, b->flushes - a->flushes,
                            b->kentries - a->kentries };
}

static void calibrate(void)
{
    struct mark a, b;
    open_window(PVX_MARK_CALIBRATE, &a);
    close_window(PVX_MARK_CALIBRATE, 0, &b);
    overhead = hc_sub(&b.hc, &a.hc);
}

/* Two decimals of a / b, without floating point. */
static void ratio(char *buf, size_t n, unsigned long a, unsigned long b)
{
    unsigned long h = b ? a * 100 / b : 0;
    snprintf(buf, n, "%lu.%02lu", h / 100, h % 100);
}

/* What the window from a to b cost beyond an empty measurement. */
static struct hcstat window_cost(const struct mark *a, const struct mark *b)
{
    struct hcstat d = hc_sub(&b->hc, &a->hc);
    return hc_sub(&d, &overhead);
}

static void report_cost(const char *name, unsigned long ops, unsigned long tsc,
                        const struct hcstat *c)
{
    char h[24], m[24], e[24], f[24], k[24];
    ratio(h, sizeof(h), c->hypercalls, ops);
    ratio(m, sizeof(m), c->multicalls, ops);
    ratio(e, sizeof(e), c->mc_entries, ops);
    ratio(f, sizeof(f), c->flushes, ops);
    ratio(k, sizeof(k), c->kentries, ops);
    printf("bench: %s ops=%lu tsc/op=%lu hypercalls=%lu multicalls=%lu entries=%lu "
           "hypercalls/op=%s multicalls/op=%s entries/op=%s\n", name, ops, tsc / ops,
           c->hypercalls, c->multicalls, c->mc_entries, h, m, e);
    printf("bench: %s more: flushes=%lu flushes/op=%s kentries=%lu kentries/op=%s\n", name,
           c->flushes, f, c->kentries, k);
}

static void report(const char *name, unsigned long ops, const struct mark *a, const struct mark *b)
{
    struct hcstat c = window_cost(a, b);
    report_cost(name, ops, b->tsc - a->tsc, &c);
}

static void fork_exit(void)
{
    int pid = fork();
    if (pid == 0)
        exit(0);
    wait(0);
}

static void b_fork_exit(unsigned n)
{
    struct mark a, b;
    fork_exit();
    open_window("fork-exit", &a);
    for (unsigned i = 0; i < n; i++)
        fork_exit();
    close_window("fork-exit", n, &b);
    report("fork-exit", n, &a, &b);
}

static void fork_exec(void)
{
    static const char *const av[] = { "true", 0 };
    int pid = fork();
    if (pid == 0) {
        exec("true", av);
        exit(1);
    }
    wait(0);
}

static void b_fork_exec(unsigned n)
{
    struct mark a, b;
    fork_exec();
    open_window("fork-exec", &a);
    for (unsigned i = 0; i < n; i++)
        fork_exec();
    close_window("fork-exec", n, &b);
    report("fork-exec", n, &a, &b);
}

/* Two processes yielding to each other: one operation is one switch. */
static void b_ctxsw(unsigned n)
{
    struct mark a, b;
    int pid = fork();
    if (pid == 0) {
        for (unsigned i = 0; i < n; i++)
            yield();
        exit(0);
    }
    yield();                        /* let the child start */
    yield();
    open_window("ctxsw", &a);
    for (unsigned i = 0; i < n; i++)
        yield();
    close_window("ctxsw", 2 * n, &b);
    wait(0);
    report("ctxsw", 2 * n, &a, &b);
}

static void mmap_touch_munmap(unsigned pages)
{
    char *m = mmap(0, pages * 4096UL, PROT_READ | PROT_WRITE);
    for (unsigned p = 0; p < pages; p++)
        m[p * 4096UL] = 1;
    munmap(m, pages * 4096UL);
}

static void b_mmap_touch_munmap(unsigned n, unsigned pages)
{
    struct mark a, b;
    char name[40];
    snprintf(name, sizeof(name), "mmap-touch-munmap-%u", pages);
    mmap_touch_munmap(pages);
    open_window(name, &a);
    for (unsigned i = 0; i < n; i++)
        mmap_touch_munmap(pages);
    close_window(name, n, &b);
    report(name, n, &a, &b);
}

static void b_pagefault(unsigned pages)
{
    struct mark a, b;
    char *m = mmap(0, pages * 4096UL, PROT_READ | PROT_WRITE);
    m[0] = 1;                       /* the tables exist: measure the faults alone */
    open_window("pagefault", &a);
    for (unsigned p = 1; p < pages; p++)
        m[p * 4096UL] = 1;
    close_window("pagefault", pages - 1, &b);
    munmap(m, pages * 4096UL);
    report("pagefault", pages - 1, &a, &b);
}

/* One operation: mprotect(read) of 64 written pages. */
/* One window per operation, each measured alone: the pages are written again between. */
static void b_mprotect(unsigned n, unsigned pages)
{
    struct mark a, b;
    char *m = mmap(0, pages * 4096UL, PROT_READ | PROT_WRITE);
    struct hcstat sum = { 0, 0, 0, 0, 0 };
    unsigned long tsc = 0;
    char name[40];
    snprintf(name, sizeof(name), "mprotect-%u", pages);
    for (unsigned i = 0; i < n; i++) {
        for (unsigned p = 0; p < pages; p++)
            m[p * 4096UL] = 1;
        open_window(name, &a);
        mprotect(m, pages * 4096UL, PROT_READ);
        close_window(name, 1, &b);
        mprotect(m, pages * 4096UL, PROT_READ | PROT_WRITE);
        struct hcstat c = window_cost(&a, &b);
        sum = (struct hcstat){ sum.hypercalls + c.hypercalls, sum.multicalls + c.multicalls,
                               sum.mc_entries + c.mc_entries, sum.flushes + c.flushes,
                               sum.kentries + c.kentries };
        tsc += b.tsc - a.tsc;
    }
    munmap(m, pages * 4096UL);
    report_cost(name, n, tsc, &sum);
}

/* A "build": rounds of four jobs (fork+exec, memory, a helper each), waited for. */
static void build_round(void)
{
    static const char *const av[] = { "job", 0 };
    for (int j = 0; j < 4; j++)
        if (fork() == 0) {
            exec("job", av);
            exit(1);
        }
    for (int j = 0; j < 4; j++)
        wait(0);
}

static void b_build(unsigned rounds)
{
    struct mark a, b;
    build_round();
    open_window("build", &a);
    for (unsigned r = 0; r < rounds; r++)
        build_round();
    close_window("build", rounds, &b);
    report("build", rounds, &a, &b);
}

/* Arguments are workload names, `all`, or options (with '='); no name means all. */
static bool wanted(int argc, char **argv, const char *name)
{
    bool named = false;

    for (int i = 1; i < argc; i++) {
        if (strchr(argv[i], '='))
            continue;
        if (!strcmp(argv[i], name) || !strcmp(argv[i], "all"))
            return true;
        named = true;
    }
    return !named;
}

int bench(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strncmp(argv[i], "iters=", 6))
            iters = (unsigned)strtoull(argv[i] + 6, NULL, 10);
    calibrate();
    if (wanted(argc, argv, "fork-exit"))
        b_fork_exit(ops_or(20));
    if (wanted(argc, argv, "fork-exec"))
        b_fork_exec(ops_or(20));
    if (wanted(argc, argv, "ctxsw"))
        b_ctxsw(ops_or(100));
    if (wanted(argc, argv, "mmap-touch-munmap"))
        b_mmap_touch_munmap(ops_or(10), 64);
    if (wanted(argc, argv, "pagefault"))
        b_pagefault(ops_or(256) + 1);
    if (wanted(argc, argv, "mprotect"))
        b_mprotect(ops_or(10), 64);
    if (wanted(argc, argv, "build"))
        b_build(ops_or(3));
    printf("bench: done\n");
    return 0;
}
