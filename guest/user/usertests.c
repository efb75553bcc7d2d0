/*
 * User-mode tests in the manner of xv6's usertests: each runs in a child process of its
 * own, so a test that dies takes only itself down; `usertests quick` runs the quick set,
 * `full` everything, or name the tests.  Each ends in one XTF verdict line
 * ("xtf: user-NAME: SUCCESS" / SKIP / FAILURE), which the kernel's console passes on and
 * the test suites read like the kernel's own in-guest tests.
 */
#include "user/ulib.h"
#include "user/user.h"

#define KERNEL_VA 0xffffffff80100000ULL

static const char *test_name;

/* In the test's process: report and end it. */
static __attribute__((__noreturn__)) void fail(const char *why, long v)
{
    printf("xtf: %s: FAILURE: %s (%ld)\n", test_name, why, v);
    exit(1);
}

static __attribute__((__noreturn__)) void skip(const char *why)
{
    printf("xtf: %s: SKIP: %s\n", test_name, why);
    exit(2);
}

#define CHECK(cond, why, v) do { if (!(cond)) fail(why, (long)(v)); } while (0)

/* Run fn in a child and return its exit status (or -1 when fork failed). */
static int in_child(void (*fn)(void))
{
    int pid = fork();
    if (pid == 0) {
        fn();
        exit(0);
    }
    if (pid < 0)
        return -1;
    int st = -1;
    return wait(&st) == pid ? st : -2;
}

static void touch_null(void) { (void)*(volatile int *)0; }
static void touch_kernel(void) { (void)*(volatile long *)KERNEL_VA; }

static void t_fork_wait(void)
{
    int pid = fork();
    if (pid == 0)
        exit(42);
    CHECK(pid > 0, "fork", pid);
    int st = 0, w = wait(&st);
    CHECK(w == pid, "wait returned another pid", w);
    CHECK(st == 42, "exit status", st);
    CHECK(wait(&st) == -E_CHILD, "second wait", 0);
}

static char cow_buf[4 * 4096];

static void t_cow(void)
{
    for (int i = 0; i < 4; i++)
        cow_buf[i * 4096] = 'p';
    int pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 4; i++)
            if (cow_buf[i * 4096] != 'p')
                exit(3);
        for (int i = 0; i < 4; i++)
            cow_buf[i * 4096] = 'c';
        exit(cow_buf[4096] == 'c' ? 0 : 4);
    }
    int st = -1;
    wait(&st);
    CHECK(st == 0, "child saw wrong data", st);
    for (int i = 0; i < 4; i++)
        CHECK(cow_buf[i * 4096] == 'p', "child's write reached the parent", i);
    cow_buf[0] = 'q';
    CHECK(cow_buf[0] == 'q', "parent write after fork", 0);
}

static void t_exec(void)
{
    static const char *const av[] = { "hello", "a", "bc", 0 };
    static const char *const none[] = { "nosuch", 0 };
    CHECK(exec("nosuch", none) == -E_NOENT, "exec of a missing program", 0);
    int pid = fork();
    if (pid == 0) {
        exec("hello", av);
        exit(99);
    }
    int st = -1;
    wait(&st);
    CHECK(st == 3, "exec'd program's status (its argc)", st);
}

static void t_mmap(void)
{
    char *m = mmap(0, 16 * 4096, PROT_READ | PROT_WRITE);
    CHECK(!mmap_failed(m), "mmap", m);
    for (int i = 0; i < 16; i++)
        CHECK(m[i * 4096 + 7] == 0, "not zero", i);
    for (int i = 0; i < 16; i++)
        m[i * 4096] = (char)(i + 1);
    for (int i = 0; i < 16; i++)
        CHECK(m[i * 4096] == i + 1, "data", i);
    CHECK(munmap(m, 16 * 4096) == 0, "munmap", 0);
    int pid = fork();
    if (pid == 0) {
        (void)*(volatile char *)m;
        exit(0);
    }
    int st = -1;
    wait(&st);
    CHECK(st == STATUS_KILLED, "access after munmap not killed", st);
}

static void t_mprotect(void)
{
    char *m = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE);
    CHECK(!mmap_failed(m), "mmap", m);
    m[0] = 5;
    CHECK(mprotect(m, 4 * 4096, PROT_READ) == 0, "mprotect read", 0);
    int pid = fork();
    if (pid == 0) {
        m[0] = 6;
        exit(0);
    }
    int st = -1;
    wait(&st);
    CHECK(st == STATUS_KILLED, "write to read-only not killed", st);
    CHECK(m[0] == 5, "data after mprotect", m[0]);
    CHECK(mprotect(m, 4 * 4096, PROT_READ | PROT_WRITE) == 0, "mprotect rw", 0);
    m[0] = 7;
    CHECK(m[0] == 7, "write after mprotect rw", m[0]);
}

static void t_bad_access(void)
{
    CHECK(in_child(touch_null) == STATUS_KILLED, "null read not killed", 0);
    CHECK(in_child(touch_kernel) == STATUS_KILLED, "kernel read not killed", 0);
    CHECK(write(1, (void *)16, 4) == -E_FAULT, "write from an unmapped buffer", 0);
    CHECK(write(1, (void *)KERNEL_VA, 8) == -E_FAULT, "write from kernel memory", 0);
    int pid = fork();
    if (pid == 0)
        exit(0);
    CHECK(wait((int *)KERNEL_VA) == -E_FAULT, "wait into kernel memory", 0);
    CHECK(wait(0) == pid, "child not reaped after a bad wait", 0);
}

static void t_brk(void)
{
    long b = brk(0);
    CHECK(b > 0, "brk(0)", b);
    CHECK(brk((void *)(b + 3 * 4096)) == b + 3 * 4096, "grow", 0);
    char *p = (char *)b;
    p[0] = 1;
    p[2 * 4096] = 2;
    CHECK(p[0] == 1 && p[2 * 4096] == 2, "heap data", 0);
    CHECK(brk((void *)b) == b, "shrink", 0);
    int pid = fork();
    if (pid == 0) {
        (void)*(volatile char *)(p + 2 * 4096);
        exit(0);
    }
    int st = -1;
    wait(&st);
    CHECK(st == STATUS_KILLED, "access past the break not killed", st);
}

static void t_time(void)
{
    uint64_t t0 = time();
    sleep(2000000);
    uint64_t t1 = time();
    CHECK(t1 - t0 >= 2000000, "slept too little", t1 - t0);
    CHECK(getpid() > 1, "getpid", getpid());
    yield();
}

static void grandchild(void)
{
    char *m = mmap(0, 8 * 4096, PROT_READ | PROT_WRITE);
    for (int i = 0; i < 8; i++)
        m[i * 4096] = 1;
}

static void child_with_memory(void)
{
    char *m = mmap(0, 32 * 4096, PROT_READ | PROT_WRITE);
    if (mmap_failed(m))
        exit(5);
    for (int i = 0; i < 32; i++)
        m[i * 4096] = (char)i;
    if (in_child(grandchild) != 0)
        exit(6);
}

static void t_teardown(void)
{
    long before = frames();
    CHECK(in_child(child_with_memory) == 0, "child", 0);
    long after = frames();
    CHECK(after == before, "free frames not back (after - before)", after - before);
}

static void t_demand_zero(void)
{
    long before = frames();
    char *m = mmap(0, 256 << 20, PROT_READ | PROT_WRITE);
    CHECK(!mmap_failed(m), "mmap 256 MiB", m);
    m[0] = 1;
    m[100 << 20] = 2;
    m[(256 << 20) - 1] = 3;
    long used = before - frames();
    CHECK(used >= 3 && used <= 3 + 8, "frames used by 3 touches (pages + tables)", used);
    munmap(m, 256 << 20);
}

static void t_preempt(void)
{
    long k = ticks();
    for (uint64_t s = time(); ticks() == k && time() - s < 2000000000ULL; )
        ;
    if (ticks() == k)
        skip("no timer ticks (no timer here, or preempt=off): scheduling is cooperative");
    uint64_t t0 = time();
    int pid = fork();
    if (pid == 0) {
        uint64_t s = time();
        while (time() - s < 200000000)
            ;
        exit(0);
    }
    yield();                        /* runs the spinning child until it is preempted */
    uint64_t back = time() - t0;
    wait(0);
    CHECK(back < 200000000, "the spinning child was not preempted", back);
}

static void t_fork_many(void)
{
    int sum = 0, st;
    for (int i = 1; i <= 10; i++) {
        int pid = fork();
        if (pid == 0)
            exit(i);
        CHECK(pid > 0, "fork", pid);
    }
    for (int i = 0; i < 10; i++) {
        CHECK(wait(&st) > 0, "wait", i);
        sum += st;
    }
    CHECK(sum == 55, "statuses", sum);
}

static void t_exec_loop(void)
{
    static const char *const av[] = { "true", 0 };
    long before = frames();
    for (int i = 0; i < 20; i++) {
        int pid = fork();
        if (pid == 0) {
            exec("true", av);
            exit(1);
        }
        int st = -1;
        wait(&st);
        CHECK(st == 0, "true failed", i);
    }
    CHECK(frames() == before, "frames leaked over 20 fork+exec", before - frames());
}

int fork_is_possible(void);

static void t_fork_limit(void)
{
    int n = 0, pid;
    while ((pid = fork()) > 0)
        n++;
    if (pid == 0) {
        sleep(100000);
        exit(0);
    }
    CHECK(pid == -E_AGAIN, "fork failure", pid);
    CHECK(n >= 8, "too few processes", n);
    for (int i = 0; i < n; i++)
        CHECK(wait(0) > 0, "reap", i);
    CHECK(fork_is_possible(), "fork after the limit", 0);
}

int fork_is_possible(void)
{
    int pid = fork();
    if (pid == 0)
        exit(0);
    return pid > 0 && wait(0) == pid;
}

struct utest {
    const char *name;
    void (*fn)(void);
    bool quick;
};

static const struct utest tests[] = {
    { "user-fork-wait", t_fork_wait, true },
    { "user-cow", t_cow, true },
    { "user-exec", t_exec, true },
    { "user-mmap", t_mmap, true },
    { "user-mprotect", t_mprotect, true },
    { "user-bad-access", t_bad_access, true },
    { "user-brk", t_brk, true },
    { "user-time", t_time, true },
    { "user-teardown", t_teardown, true },
    { "user-demand-zero", t_demand_zero, true },
    { "user-preempt", t_preempt, true },
    { "user-fork-many", t_fork_many, false },
    { "user-exec-loop", t_exec_loop, false },
    { "user-fork-limit", t_fork_limit, false },
};

/* Run one test in its own process; the parent prints SUCCESS or the way it died. */
static int run(const struct utest *t)
{
    test_name = t->name;
    int pid = fork();
    if (pid == 0) {
        t->fn();
        exit(0);
    }
    if (pid < 0) {
        printf("xtf: %s: ERROR: fork failed (%d)\n", t->name, pid);
        return 1;
    }
    int st = -1;
    wait(&st);
    if (st == 0)
        printf("xtf: %s: SUCCESS\n", t->name);
    else if (st != 1 && st != 2)
        printf("xtf: %s: FAILURE: the test process died (status %d)\n", t->name, st);
    return st == 0 ? 0 : st == 2 ? 2 : 1;
}

int usertests(int argc, char **argv)
{
    int counts[3] = { 0 }, n = sizeof(tests) / sizeof(tests[0]);
    bool all = argc < 2 || !strcmp(argv[1], "quick") || !strcmp(argv[1], "full");
    bool full = argc >= 2 && !strcmp(argv[1], "full");

    for (int i = 0; i < n; i++) {
        bool chosen = all ? (full || tests[i].quick) : false;
        for (int a = 1; !all && a < argc; a++)
            chosen |= !strcmp(argv[a], tests[i].name);
        if (chosen)
            counts[run(&tests[i])]++;
    }
    for (int a = 1; !all && a < argc; a++) {
        bool known = false;
        for (int i = 0; i < n; i++)
            known |= !strcmp(argv[a], tests[i].name);
        if (!known) {
            printf("xtf: %s: ERROR: no such user test\n", argv[a]);
            counts[1]++;
        }
    }
    printf("usertests: %d success, %d skip, %d failed\n", counts[0], counts[2], counts[1]);
    return counts[1] ? 1 : 0;
}
