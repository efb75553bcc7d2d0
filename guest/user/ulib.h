/*
 * The guest's tiny user C library: one wrapper per system call (sysnum.h), printf to the
 * console, and the shared string functions and formatter of the top-level lib/.
 */
#ifndef GUEST_ULIB_H
#define GUEST_ULIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/format.h"
#include "lib/string.h"
#include "user/sysnum.h"

static inline long sys5(long n, long a, long b, long c, long d, long e)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    long ret = n;
    __asm__ volatile("syscall" : "+a"(ret), "+D"(a), "+S"(b), "+d"(c), "+r"(r10), "+r"(r8)
                     : : "rcx", "r11", "r9", "memory");
    return ret;
}

#define SYS(n, a, b, c) sys5((n), (long)(a), (long)(b), (long)(c), 0, 0)

static inline long write(int fd, const void *buf, size_t n) { return SYS(SYS_write, fd, buf, n); }
static inline long read(int fd, void *buf, size_t n) { return SYS(SYS_read, fd, buf, n); }
static inline int fork(void) { return (int)SYS(SYS_fork, 0, 0, 0); }
static inline int exec(const char *name, const char *const *argv) { return (int)SYS(SYS_exec, name, argv, 0); }
static inline __attribute__((__noreturn__)) void exit(int status)
{
    SYS(SYS_exit, status, 0, 0);
    for (;;)
        ;
}
static inline int wait(int *status) { return (int)SYS(SYS_wait, status, 0, 0); }
static inline void *mmap(void *hint, size_t len, int prot) { return (void *)SYS(SYS_mmap, hint, len, prot); }
static inline int munmap(void *a, size_t len) { return (int)SYS(SYS_munmap, a, len, 0); }
static inline int mprotect(void *a, size_t len, int prot) { return (int)SYS(SYS_mprotect, a, len, prot); }
static inline long brk(void *a) { return SYS(SYS_brk, a, 0, 0); }
static inline void yield(void) { SYS(SYS_yield, 0, 0, 0); }
static inline int getpid(void) { return (int)SYS(SYS_getpid, 0, 0, 0); }
static inline uint64_t time(void) { return (uint64_t)SYS(SYS_time, 0, 0, 0); }
static inline void sleep(uint64_t ticks) { SYS(SYS_sleep, ticks, 0, 0); }
static inline int hcstat(struct hcstat *s) { return (int)SYS(SYS_hcstat, s, 0, 0); }
static inline long frames(void) { return SYS(SYS_frames, 0, 0, 0); }
static inline int platform(void) { return (int)SYS(SYS_platform, 0, 0, 0); }
static inline long ticks(void) { return SYS(SYS_ticks, 0, 0, 0); }
static inline int tmark(struct tmark *t) { return (int)SYS(SYS_tmark, t, 0, 0); }

/* mmap's failure: a small negative errno in the pointer. */
static inline bool mmap_failed(void *p) { return (uintptr_t)p >= (uintptr_t)-4096; }

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
