/*
 * sched_op: what a vCPU asks of the scheduler.  One vCPU on one CPU and no events yet, so
 * yield and block return at once; shutdown ends the domain with the guest's reason, which
 * is read with copy_from_guest and checked before use.
 */
#include <public/errno.h>
#include <public/sched.h>
#include "guest_access.h"
#include "hypercall.h"
#include "printk.h"

long do_sched_op(int cmd, uint64_t arg)
{
    struct sched_shutdown s;

    switch (cmd) {
    case SCHEDOP_yield:
        return 0;   /* nothing else to run */
    case SCHEDOP_block:
        return 0;   /* no event source can wake a blocked vCPU yet: do not sleep forever */
    case SCHEDOP_shutdown:
        if (copy_from_guest(&s, arg, sizeof(s)) != 0)
            return -XEN_EFAULT;
        if (s.reason > SHUTDOWN_watchdog) {
            printk_guest("pvx: d%u: shutdown reason %u not supported\n",
                         current->domain->mm.domid, s.reason);
            return -XEN_EINVAL;
        }
        domain_shutdown(current->domain, s.reason);
    default:
        return -XEN_ENOSYS;
    }
}
