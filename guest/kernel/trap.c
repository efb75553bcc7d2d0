/*
 * Every trap lands in trap(): system calls, page faults, other exceptions and the native
 * timer.  A fault in user mode is resolved (demand-zero, copy-on-write) or kills the
 * process with a message; a fault in the kernel is a kernel bug and stops the guest with
 * a report.  User mode is told apart by the return address: user code lives below
 * USER_TOP, the kernel above VIRT_BASE.
 */
#include <public/pvx_trace.h>
#include <public/sched.h>
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/trace.h"
#include "user/sysnum.h"

#define VEC_PF 14

static __attribute__((__noreturn__)) void kernel_fault(const struct trapframe *tf)
{
    printk("%s: exception %lu error %#lx at rip %#lx (cr2 %#lx)\n", platform_name(),
           tf->vector, tf->error, tf->rip, pvops->read_cr2());
    printk("%s: crashed\n", platform_name());
    console_flush();
    trace_finish();
    pvops->shutdown(SHUTDOWN_crash);
}

static void user_fault(struct trapframe *tf)
{
    struct proc *p = myproc();
    uint64_t cr2 = pvops->read_cr2();

    if (tf->vector == VEC_PF && vm_fault(p->mm, cr2, (tf->error & 2) != 0) == 0)
        return;
    printk("pid %d (%s): killed: exception %lu error %#lx at rip %#lx addr %#lx\n",
           p->pid, p->name, tf->vector, tf->error, tf->rip, cr2);
    proc_exit(STATUS_KILLED);
}

/* Every return to user mode passes here (entry.S: after trap(), and a new process's first
 * run through fork_return). */
void trap_exit_account(void)
{
    pvops->user_return();
}

uint64_t kernel_entries;

void trap(struct trapframe *tf)
{
    bool from_user = tf->rip < USER_TOP;

    kernel_entries++;
    if (pv_tracing)
        pv_trace_kentry(tf->vector == VEC_SYSCALL ? PVX_KENTRY_SYSCALL : (unsigned)tf->vector,
                        (from_user ? PVX_KENTRY_USER : 0) | (boot_is_pv() ? PVX_KENTRY_PV : 0));
    if (tf->vector == VEC_SYSCALL) {
        syscall(tf);
    } else if (tf->vector == VEC_TIMER) {
        pvops->timer_ack();
        proc_tick(from_user);
    } else if (from_user && myproc()) {
        user_fault(tf);
    } else {
        kernel_fault(tf);
    }
    if (tf->rip < USER_TOP)
        trap_exit_account();
}
