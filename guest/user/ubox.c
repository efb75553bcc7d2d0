/*
 * The one user binary, multi-call: argv[0] names the program.
 *   usertests [quick|full|NAME...]  user-mode tests, each in its own process (xv6 style),
 *                                  one XTF verdict line each
 *   bench [NAME...]                the lmbench-style workloads, one result line each
 *   true, hello ARGS..., job, spin helpers that the tests and workloads exec
 */
#include "user/ulib.h"
#include "user/user.h"

static int prog_true(void)
{
    return 0;
}

/* Exit status: the number of arguments, so a test can check they arrived. */
static int prog_hello(int argc, char **argv)
{
    printf("hello from pid %d:", getpid());
    for (int i = 1; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    return argc;
}

/* A compiler-like job for the build workload: some memory, a helper, an exit. */
static int prog_job(void)
{
    char *m = mmap(0, 32 * 4096, PROT_READ | PROT_WRITE);
    if (mmap_failed(m))
        return 1;
    for (int i = 0; i < 32; i++)
        m[i * 4096] = (char)i;
    int pid = fork();
    if (pid == 0) {
        static const char *const av[] = { "true", 0 };
        exec("true", av);
        exit(1);
    }
    int st = -1;
    wait(&st);
    munmap(m, 32 * 4096);
    return st;
}

int main(int argc, char **argv)
{
    const char *name = argc > 0 ? argv[0] : "";

    if (!strcmp(name, "usertests"))
        return usertests(argc, argv);
    if (!strcmp(name, "bench"))
        return bench(argc, argv);
    if (!strcmp(name, "true"))
        return prog_true();
    if (!strcmp(name, "hello"))
        return prog_hello(argc, argv);
    if (!strcmp(name, "job"))
        return prog_job();
    printf("ubox: unknown program '%s'\n", name);
    return 127;
}
