/*
 * Processes: each has its own kernel stack (in the image, 16 KiB), an address space, and a
 * saved kernel stack pointer for swtch().  The scheduler runs on the boot stack and picks
 * the next runnable process round-robin; a process gives the CPU back by yielding,
 * sleeping, waiting or exiting, and on a timer tick while in user mode.
 */
#ifndef GUEST_PROC_H
#define GUEST_PROC_H

#include "arch/x86/trapframe.h"
#include "kernel/vm.h"

#define NPROC        16
#define KSTACK_SIZE  16384

enum proc_state { P_UNUSED, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_WAITING, P_ZOMBIE };

struct proc {
    enum proc_state state;
    int pid;
    struct proc *parent;
    struct mm *mm;
    uint64_t ksp;                 /* saved by swtch() */
    struct trapframe *tf;         /* at the top of the kernel stack */
    int exit_status;
    uint64_t wake_tsc;            /* P_SLEEPING: until the TSC passes this */
    char name[16];
};

/* Run `prog` with argv as the first process, schedule until every process has exited;
 * returns its exit status, or a negative errno when processes cannot run here.  preempt:
 * start the timer (off: scheduling is cooperative, and every run does the same work). */
int proc_run(const char *prog, const char *const *argv, bool preempt);

struct proc *myproc(void);
void proc_yield(void);
void proc_exit(int status) __attribute__((__noreturn__));
int proc_fork(void);
int proc_wait(uint64_t status_uva);
void proc_sleep(uint64_t ticks);
/* Replace the current image with an embedded program; only returns on failure. */
int proc_exec(const char *name, const char *const *argv);

/* Timer tick: preempt a process that was in user mode. */
void proc_tick(bool from_user);
uint64_t proc_ticks(void);

#endif
