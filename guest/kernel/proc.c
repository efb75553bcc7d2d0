/*
 * Processes and the scheduler (proc.h).  As in xv6, the scheduler has its own context (the
 * boot stack) and every switch goes process -> scheduler -> process with swtch(); unlike
 * xv6 the address space is switched only when the next process has another one, and the
 * switch and the new kernel stack travel together in one lazy-CPU batch (one multicall
 * under the hypercall backend).  Uniprocessor: interrupts are off in the kernel, so the
 * process table needs no lock.
 */
#include <public/errno.h>
#include "arch/x86/cpu.h"
#include "kernel/console.h"
#include "kernel/exec.h"
#include "kernel/proc.h"

static struct proc procs[NPROC];
static uint8_t kstacks[NPROC][KSTACK_SIZE] __attribute__((aligned(4096)));
static struct proc *current;
static uint64_t sched_sp;
static int next_pid = 1;
static uint64_t cur_sp0;

struct proc *myproc(void)
{
    return current;
}

static uint64_t kstack_top(const struct proc *p)
{
    return (uint64_t)kstacks[p - procs] + KSTACK_SIZE;
}

static struct proc *proc_alloc(const char *name)
{
    for (unsigned i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state != P_UNUSED)
            continue;
        *p = (struct proc){ .state = P_SLEEPING, .pid = next_pid++ };
        strlcpy(p->name, name, sizeof(p->name));
        p->tf = (struct trapframe *)(kstack_top(p) - TF_SIZE);
        /* swtch() will pop six callee-saved registers and "return" to fork_return. */
        uint64_t *sp = (uint64_t *)p->tf;
        *--sp = (uint64_t)fork_return;
        for (unsigned r = 0; r < 6; r++)
            *--sp = 0;
        p->ksp = (uint64_t)sp;
        return p;
    }
    return NULL;
}

/* Give the CPU to the scheduler; back when it picks this process again. */
static void sched(void)
{
    struct proc *p = current;
    swtch(&p->ksp, sched_sp);
}

void proc_yield(void)
{
    current->state = P_RUNNABLE;
    sched();
}

static uint64_t ticks;

uint64_t proc_ticks(void)
{
    return ticks;
}

void proc_tick(bool from_user)
{
    ticks++;
    if (from_user && current)
        proc_yield();
}

void proc_sleep(uint64_t tsc_ticks)
{
    current->wake_tsc = rdtsc() + tsc_ticks;
    current->state = P_SLEEPING;
    sched();
}

/* Switch to p: its address space (if another) and its kernel stack, in one batch. */
static void switch_to(struct proc *p)
{
    pvops->lazy_cpu_enter();
    if (mm_current() != p->mm)
        mm_activate(p->mm);
    if (cur_sp0 != kstack_top(p)) {
        cur_sp0 = kstack_top(p);
        pvops->load_sp0(cur_sp0);
    }
    pvops->lazy_cpu_leave();
    current = p;
    p->state = P_RUNNING;
    swtch(&sched_sp, p->ksp);
    current = NULL;
}

/* The next runnable process after `last`, waking sleepers whose time has come. */
static struct proc *pick(unsigned last, bool *alive)
{
    uint64_t now = rdtsc();
    *alive = false;
    for (unsigned k = 1; k <= NPROC; k++) {
        struct proc *p = &procs[(last + k) % NPROC];
        if (p->state == P_SLEEPING && p->wake_tsc && now >= p->wake_tsc) {
            p->wake_tsc = 0;
            p->state = P_RUNNABLE;
        }
        if (p->state != P_UNUSED && p->state != P_ZOMBIE)
            *alive = true;
        if (p->state == P_RUNNABLE)
            return p;
    }
    return NULL;
}

/* Run processes until none is left.  With nothing runnable the CPU halts until the next
 * timer tick where the platform has one (native), and polls the TSC where it has none. */
static void scheduler(void)
{
    unsigned last = NPROC - 1;
    bool alive = true;

    while (alive) {
        struct proc *p = pick(last, &alive);
        if (p) {
            last = (unsigned)(p - procs);
            switch_to(p);
        } else if (alive && pvops->halt_until_interrupt) {
            pvops->halt();
        }
    }
    for (unsigned i = 0; i < NPROC; i++)       /* orphans nobody waited for */
        if (procs[i].state == P_ZOMBIE)
            procs[i].state = P_UNUSED;
}

int proc_fork(void)
{
    struct proc *p = current, *c = proc_alloc(p->name);
    if (!c)
        return -XEN_EAGAIN;
    c->mm = mm_fork(p->mm);
    if (!c->mm) {
        c->state = P_UNUSED;
        return -XEN_ENOMEM;
    }
    *c->tf = *p->tf;
    c->tf->rax = 0;
    c->parent = p;
    c->state = P_RUNNABLE;
    return c->pid;
}

void proc_exit(int status)
{
    struct proc *p = current;

    for (unsigned i = 0; i < NPROC; i++) {
        if (procs[i].parent != p)
            continue;
        procs[i].parent = NULL;
        if (procs[i].state == P_ZOMBIE)
            procs[i].state = P_UNUSED;
    }
    mm_activate(NULL);                  /* the boot pgd maps this kernel stack too */
    mm_destroy(p->mm);
    p->mm = NULL;
    p->exit_status = status;
    if (!p->parent) {
        p->state = P_ZOMBIE;            /* the scheduler frees it */
    } else {
        p->state = P_ZOMBIE;
        if (p->parent->state == P_WAITING)
            p->parent->state = P_RUNNABLE;
    }
    sched();
    for (;;)
        ;
}

int proc_wait(uint64_t status_uva)
{
    struct proc *p = current;

    for (;;) {
        bool children = false;
        for (unsigned i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (c->parent != p || c->state == P_UNUSED)
                continue;
            children = true;
            if (c->state != P_ZOMBIE)
                continue;
            int pid = c->pid;
            if (status_uva && user_write(status_uva, &c->exit_status, sizeof(int)))
                return -XEN_EFAULT;
            c->state = P_UNUSED;
            return pid;
        }
        if (!children)
            return -XEN_ECHILD;
        p->state = P_WAITING;
        sched();
    }
}

int proc_exec(const char *name, const char *const *argv)
{
    struct proc *p = current;
    struct exec_image img;
    int rc = exec_load(name, argv, &img);
    if (rc)
        return rc;
    struct mm *old = p->mm;
    p->mm = img.mm;
    mm_activate(p->mm);
    if (old)
        mm_destroy(old);
    strlcpy(p->name, name, sizeof(p->name));
    *p->tf = (struct trapframe){ .rip = img.entry, .rsp = img.sp, .rdi = img.argc,
                                 .rsi = img.argv, .cs = pvops->user_cs, .ss = pvops->user_ss,
                                 .rflags = 0x202 };
    return 0;
}

int proc_run(const char *prog, const char *const *argv, bool preempt)
{
    static bool traps_ready;
    int rc = traps_ready ? 0 : pvops->traps_init(preempt);
    if (rc) {
        printk("proc: this platform cannot run user code yet: trap set-up refused (%d)\n", rc);
        return rc;
    }
    traps_ready = true;
    struct proc *p = proc_alloc(prog);
    if (!p)
        return -XEN_EAGAIN;
    current = p;
    rc = proc_exec(prog, argv);
    current = NULL;
    mm_activate(NULL);
    if (rc) {
        p->state = P_UNUSED;
        printk("proc: exec %s: %d\n", prog, rc);
        return rc;
    }
    p->state = P_RUNNABLE;
    scheduler();
    printk("proc: all processes exited; first exited with %d\n", p->exit_status);
    for (unsigned h = 0; h < PVH_NR; h++)
        if (pv_counts.hypercalls[h] || pv_counts.mc_entries[h])
            printk("pvops: %-12s %6lu hypercalls %6lu multicall entries\n", pv_hook_name(h),
                   pv_counts.hypercalls[h], pv_counts.mc_entries[h]);
    return p->exit_status;
}
