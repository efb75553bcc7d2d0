/*
 * /bin/rdtsc in the Linux boot test's initramfs: prints "<label> tsc <n>" with the CPU's
 * time-stamp counter, so the test can read, from the guest's side, how many instructions
 * (QEMU -icount: one TSC tick per instruction) the machine took to reach that point.
 * Freestanding: no C library, two system calls (write, exit), built static.
 */
#include <stddef.h>
#include <stdint.h>

static long sys3(long nr, long a, long b, long c)
{
    long ret;

    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static size_t put_str(char *p, const char *s)
{
    size_t n = 0;

    while (s[n]) {
        p[n] = s[n];
        n++;
    }
    return n;
}

static size_t put_u64(char *p, uint64_t v)
{
    char tmp[20];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

void rdtsc_main(long argc, char **argv) __attribute__((noreturn, used));
void rdtsc_main(long argc, char **argv)
{
    char buf[128];
    uint64_t t = rdtsc();
    size_t n = 0;
    const char *label = argc > 1 ? argv[1] : "rdtsc:";

    for (size_t i = 0; label[i] && i < 64; i++)
        buf[n++] = label[i];
    n += put_str(buf + n, " tsc ");
    n += put_u64(buf + n, t);
    buf[n++] = '\n';
    sys3(1 /* write */, 1, (long)buf, (long)n);
    sys3(60 /* exit */, 0, 0, 0);
    __builtin_unreachable();
}

/* The kernel enters with rsp at argc, then argv[]. */
__asm__(".globl _start\n"
        "_start:\n\t"
        "mov (%rsp), %rdi\n\t"
        "lea 8(%rsp), %rsi\n\t"
        "and $-16, %rsp\n\t"
        "call rdtsc_main\n");
