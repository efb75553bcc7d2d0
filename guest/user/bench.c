/*
 * The lmbench-style workloads.  Each runs its operation N times and prints two lines:
 *
 *   bench: NAME ops=N tsc/op=T hypercalls=H multicalls=M entries=E hypercalls/op=h.hh ...
 *   bench: NAME more: flushes=F flushes/op=f.ff kentries=K kentries/op=k.kk
 *
 * T is TSC ticks per operation (instructions under QEMU -icount); H, M and E are what the
 * hypercall backend issued during the N operations (hypercalls, of which multicalls, and
 * the requests those multicalls carried), F the TLB flushes the kernel asked for and K the
 * entries into the kernel, exact totals and per operation (two lines, so each stays within
 * a console line of the pvx host).  Each workload runs its operation once before measuring
 * (so tables and copy-on-write state have settled), and the cost of opening and closing a
 * window (its system calls, measured once with nothing between them) is subtracted, so
 * the counts are the operations' own.  Natively no hypercall is made and H, M and E are 0.
 *
 * A window is opened and closed by SYS_tmark, which reads the counters and the TSC in the
 * kernel and, with pvx.trace=on, marks the same instants in the guest's trace: a trace
 * reader finds every workload's records between its marks, and the "calibrate" window
 * holds what the measurement itself costs (docs/trace.md).  `iters=N` among the arguments
 * runs N operations of every workload instead of its own default.
 */
#include "user/ulib.h"
#include "user/user.h"

/*
 * A measured window: both marks are filled in before it opens, so nothing between them
 * writes memory but the operations (a write to a page a fork left copy-on-write would
 * otherwise fault inside the window), and opening and closing are the only system calls.
 */
struct window {
    struct tmark open, close;
};

static void window_init(struct window *w, const char *name, unsigned long ops)
{
    memset(w, 0, sizeof(*w));
    w->open.flags = TMARK_BEGIN;
    w->close.flags = TMARK_END;
    w->close.ops = (unsigned)ops;
    strlcpy(w->open.name, name, sizeof(w->open.name));
    strlcpy(w->close.name, name, sizeof(w->close.name));
}

static inline __attribute__((always_inline)) void window_open(struct window *w)
{
    tmark(&w->open);
}

static inline __attribute__((always_inline)) void window_close(struct window *w)
{
    tmark(&w->close);
}

static struct hcstat overhead;      /* what an empty window costs */
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
    struct window w;
    window_init(&w, "calibrate", 0);
    window_open(&w);
    window_close(&w);
    overhead = hc_sub(&w.close.hc, &w.open.hc);
}

/* Two decimals of a / b, without floating point. */
static void ratio(char *buf, size_t n, unsigned long a, unsigned long b)
{
    unsigned long h = b ? a * 100 / b : 0;
    snprintf(buf, n, "%lu.%02lu", h / 100, h % 100);
}

/* What a window cost beyond an empty one. */
static struct hcstat window_cost(const struct window *w)
{
    struct hcstat d = hc_sub(&w->close.hc, &w->open.hc);
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

static void report(const struct window *w)
{
    struct hcstat c = window_cost(w);
    report_cost(w->close.name, w->close.ops, w->close.tsc - w->open.tsc, &c);
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
    struct window w;
    window_init(&w, "fork-exit", n);
    fork_exit();
    window_open(&w);
    for (unsigned i = 0; i < n; i++)
        fork_exit();
    window_close(&w);
    report(&w);
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
    struct window w;
    window_init(&w, "fork-exec", n);
    fork_exec();
    window_open(&w);
    for (unsigned i = 0; i < n; i++)
        fork_exec();
    window_close(&w);
    report(&w);
}

/* Two processes yielding to each other: one operation is one switch. */
static void b_ctxsw(unsigned n)
{
    struct window w;
    window_init(&w, "ctxsw", 2 * n);
    int pid = fork();
    if (pid == 0) {
        for (unsigned i = 0; i < n; i++)
            yield();
        exit(0);
    }
    yield();                        /* let the child start */
    yield();
    window_open(&w);
    for (unsigned i = 0; i < n; i++)
        yield();
    window_close(&w);
    wait(0);
    report(&w);
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
    struct window w;
    char name[40];
    snprintf(name, sizeof(name), "mmap-touch-munmap-%u", pages);
    window_init(&w, name, n);
    mmap_touch_munmap(pages);
    window_open(&w);
    for (unsigned i = 0; i < n; i++)
        mmap_touch_munmap(pages);
    window_close(&w);
    report(&w);
}

static void b_pagefault(unsigned pages)
{
    struct window w;
    char *m = mmap(0, pages * 4096UL, PROT_READ | PROT_WRITE);
    window_init(&w, "pagefault", pages - 1);
    m[0] = 1;                       /* the tables exist: measure the faults alone */
    window_open(&w);
    for (unsigned p = 1; p < pages; p++)
        m[p * 4096UL] = 1;
    window_close(&w);
    munmap(m, pages * 4096UL);
    report(&w);
}

/* One operation: mprotect(read) of 64 written pages, each in a window of its own (the
 * pages are written again between). */
static void b_mprotect(unsigned n, unsigned pages)
{
    struct window w;
    char *m = mmap(0, pages * 4096UL, PROT_READ | PROT_WRITE);
    struct hcstat sum = { 0, 0, 0, 0, 0 };
    unsigned long tsc = 0;
    char name[40];
    snprintf(name, sizeof(name), "mprotect-%u", pages);
    for (unsigned i = 0; i < n; i++) {
        window_init(&w, name, 1);
        for (unsigned p = 0; p < pages; p++)
            m[p * 4096UL] = 1;
        window_open(&w);
        mprotect(m, pages * 4096UL, PROT_READ);
        window_close(&w);
        mprotect(m, pages * 4096UL, PROT_READ | PROT_WRITE);
        struct hcstat c = window_cost(&w);
        sum = (struct hcstat){ sum.hypercalls + c.hypercalls, sum.multicalls + c.multicalls,
                               sum.mc_entries + c.mc_entries, sum.flushes + c.flushes,
                               sum.kentries + c.kentries };
        tsc += w.close.tsc - w.open.tsc;
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
    struct window w;
    window_init(&w, "build", rounds);
    build_round();
    window_open(&w);
    for (unsigned r = 0; r < rounds; r++)
        build_round();
    window_close(&w);
    report(&w);
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
