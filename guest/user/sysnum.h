/*
 * The system call numbers and the few shared structures of the guest's user ABI, read by
 * the kernel (kernel/syscall.c) and by user programs (guest/user/).  A call passes its
 * number in rax and arguments in rdi, rsi, rdx, r10, r8; the result (>= 0 or -errno) comes
 * back in rax.
 */
#ifndef GUEST_USER_SYSNUM_H
#define GUEST_USER_SYSNUM_H

#define SYS_write     1
#define SYS_read      2
#define SYS_fork      3
#define SYS_exec      4     /* exec(name, argv): a program embedded in the kernel image */
#define SYS_exit      5
#define SYS_wait      6     /* wait(&status): a child's pid, or -ECHILD */
#define SYS_mmap      7     /* mmap(hint, len, prot): anonymous, demand-zero */
#define SYS_munmap    8
#define SYS_mprotect  9
#define SYS_brk       10    /* brk(addr): the new break (0: ask) */
#define SYS_yield     11
#define SYS_getpid    12
#define SYS_time      13    /* TSC ticks */
#define SYS_sleep     14    /* sleep(ticks) */
#define SYS_hcstat    15    /* hcstat(struct hcstat *): the hypercall counters */
#define SYS_frames    16    /* free guest frames */
#define SYS_platform  17    /* 0 native, 1 pvx, 2 Xen */
#define SYS_ticks     18    /* timer ticks since processes started (0: no timer) */
#define SYS_tmark     19    /* tmark(struct tmark *): open or close a measured window */

#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

/* Exit status of a process the kernel killed (a fault it could not resolve). */
#define STATUS_KILLED 137

#define E_FAULT  14
#define E_NOMEM  12
#define E_INVAL  22
#define E_CHILD  10
#define E_NOENT  2
#define E_AGAIN  11

#ifndef __ASSEMBLER__
/* What SYS_hcstat copies out: totals since boot. */
struct hcstat {
    unsigned long hypercalls;       /* traps into the hypervisor */
    unsigned long multicalls;       /* of which multicalls */
    unsigned long mc_entries;       /* requests carried inside multicalls */
    unsigned long flushes;          /* TLB flushes the kernel asked for (cr3 loads too) */
    unsigned long kentries;         /* entries into the kernel (system calls, faults, ticks) */
};

/*
 * SYS_tmark: open (TMARK_BEGIN) or close (TMARK_END) the measured window `name`: the kernel
 * reads the counters and the TSC at that instant, records the mark in the guest's trace
 * (pvx.trace=on), and copies them out.  Faults of the copy itself stay outside the window:
 * a beginning touches the structure before reading, an end reads before touching.
 */
#define TMARK_BEGIN 1
#define TMARK_END   2
struct tmark {
    unsigned flags;                 /* TMARK_BEGIN or TMARK_END */
    unsigned ops;                   /* TMARK_END: operations done in the window */
    char name[48];
    struct hcstat hc;               /* out: the counters at the mark */
    unsigned long tsc;              /* out: the TSC at the mark */
};
#endif

#endif
