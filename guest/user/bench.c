/*
 * The lmbench-style workloads.  Each runs its operation N times and prints one line:
 *
 *   bench: NAME ops=N tsc/op=T hypercalls=H multicalls=M entries=E hypercalls/op=h.hh ...
 *
 * T is TSC ticks per operation (instructions under QEMU -icount); H, M and E are what the
 * hypercall backend issued during the N operations (hypercalls, of which multicalls, and
 * the requests those multicalls carried), exact totals and per operation.  Each workload
 * runs its operation once before measuring (so tables and copy-on-write state have
 * settled), and the cost of taking the two measurements themselves (their own system
 * calls, measured once with nothing between them) is subtracted.  Natively no hypercall
 * is made and the counts are 0.
 */
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

static struct hcstat overhead;      /* what an empty mark(); mark(); pair costs */

static void calibrate(void)
{
    struct mark a, b;
    mark(&a);
    mark(&b);
    overhead = (struct hcstat){ b.hc.hypercalls - a.hc.hypercalls,
                                b.hc.multicalls - a.hc.multicalls,
                                b.hc.mc_entries - a.hc.mc_entries };
}

/* Two decimals of a / b, without floating point. */
static void ratio(char *buf, size_t n, unsigned long a, unsigned long b)
{
    unsigned long h = b ? a * 100 / b : 0;
    snprintf(buf, n, "%lu.%02lu", h / 100, h % 100);
}

static void report(const char *name, unsigned long ops, const struct mark *a, const struct mark *b)
{
    unsigned long hc = b->hc.hypercalls - a->hc.hypercalls - overhead.hypercalls;
    unsigned long mc = b->hc.multicalls - a->hc.multicalls - overhead.multicalls;
    unsigned long en = b->hc.mc_entries - a->hc.mc_entries - overhead.mc_entries;
    char h[24], m[24], e[24];
    ratio(h, sizeof(h), hc, ops);
    ratio(m, sizeof(m), mc, ops);
    ratio(e, sizeof(e), en, ops);
    printf("bench: %s ops=%lu tsc/op=%lu hypercalls=%lu multicalls=%lu entries=%lu "
           "hypercalls/op=%s multicalls/op=%s entries/op=%s\n", name, ops,
           (unsigned long)((b->tsc - a->tsc) / ops), hc, mc, en, h, m, e);
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
    mark(&a);
    for (unsigned i = 0; i < n; i++)
        fork_exit();
    mark(&b);
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
    mark(&a);
    for (unsigned i = 0; i < n; i++)
        fork_exec();
    mark(&b);
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
    mark(&a);
    for (unsigned i = 0; i < n; i++)
        yield();
    mark(&b);
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
    mmap_touch_munmap(pages);
    mark(&a);
    for (unsigned i = 0; i < n; i++)
        mmap_touch_munmap(pages);
    mark(&b);
    snprintf(name, sizeof(name), "mmap-touch-munmap-%u", pages);
    report(name, n, &a, &b);
}

static void b_pagefault(unsigned pages)
{
    struct mark a, b;
    char *m = mmap(0, pages * 4096UL, PROT_READ | PROT_WRITE);
    m[0] = 1;                       /* the tables exist: measure the faults alone */
    mark(&a);
    for (unsigned p = 1; p < pages; p++)
        m[p * 4096UL] = 1;
    mark(&b);
    munmap(m, pages * 4096UL);
    report("pagefault", pages - 1, &a, &b);
}

/* One operation: mprotect(read) of 64 written pages. */
static void b_mprotect(unsigned n, unsigned pages)
{
    struct mark a, b;
    char *m = mmap(0, pages * 4096UL, PROT_READ | PROT_WRITE);
    unsigned long hc = 0, mc = 0, en = 0, tsc = 0;
    char name[40];
    for (unsigned i = 0; i < n; i++) {
        for (unsigned p = 0; p < pages; p++)
            m[p * 4096UL] = 1;
        mark(&a);
        mprotect(m, pages * 4096UL, PROT_READ);
        mark(&b);
        mprotect(m, pages * 4096UL, PROT_READ | PROT_WRITE);
        hc += b.hc.hypercalls - a.hc.hypercalls - overhead.hypercalls;
        mc += b.hc.multicalls - a.hc.multicalls - overhead.multicalls;
        en += b.hc.mc_entries - a.hc.mc_entries - overhead.mc_entries;
        tsc += b.tsc - a.tsc;
    }
    munmap(m, pages * 4096UL);
    /* report() subtracts one measurement's cost; the loop already took off all n. */
    a = (struct mark){ 0, { 0, 0, 0 } };
    b = (struct mark){ tsc, { hc + overhead.hypercalls, mc + overhead.multicalls,
                              en + overhead.mc_entries } };
    snprintf(name, sizeof(name), "mprotect-%u", pages);
    report(name, n, &a, &b);
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
    mark(&a);
    for (unsigned r = 0; r < rounds; r++)
        build_round();
    mark(&b);
    report("build", rounds, &a, &b);
}

static bool wanted(int argc, char **argv, const char *name)
{
    if (argc < 2 || !strcmp(argv[1], "all"))
        return true;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], name))
            return true;
    return false;
}

int bench(int argc, char **argv)
{
    calibrate();
    if (wanted(argc, argv, "fork-exit"))
        b_fork_exit(20);
    if (wanted(argc, argv, "fork-exec"))
        b_fork_exec(20);
    if (wanted(argc, argv, "ctxsw"))
        b_ctxsw(100);
    if (wanted(argc, argv, "mmap-touch-munmap"))
        b_mmap_touch_munmap(10, 64);
    if (wanted(argc, argv, "pagefault"))
        b_pagefault(257);
    if (wanted(argc, argv, "mprotect"))
        b_mprotect(10, 64);
    if (wanted(argc, argv, "build"))
        b_build(3);
    printf("bench: done\n");
    return 0;
}
