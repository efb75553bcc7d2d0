/*
 * sched_op: what a vCPU asks of the scheduler.  One vCPU on one CPU: yield returns at once;
 * block and poll halt the CPU (arch_idle: interrupts on, `hlt`) until what they wait for
 * happens, so an idle host does not spin; shutdown ends the domain with the guest's reason.
 * Trust: every argument is read with copy_from_guest and checked before use.
 */
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include "arch.h"
#include "domain.h"
#include "guest_access.h"
#include "hypercall.h"
#include "printk.h"
#include "refuse.h"
#include "time.h"

#define POLL_MAX_PORTS 128

/* Halt until `done` says so; the vCPU is "blocked" meanwhile (its runstate says so). */
static void wait_until(struct vcpu *v, bool (*done)(struct vcpu *))
{
    if (done(v))
        return;
    time_runstate_change(v, RUNSTATE_blocked);
    while (!done(v))
        arch_idle();
    time_runstate_change(v, RUNSTATE_running);
}

static bool event_wanted(struct vcpu *v) { return evtchn_upcall_wanted(v); }

/* SCHEDOP_block: events are enabled (the upcall mask cleared, as Xen does), then the vCPU
 * sleeps until one is pending; the exit step delivers it. */
static long sched_block(struct vcpu *v)
{
    vcpu_info(v)->evtchn_upcall_mask = 0;
    wait_until(v, event_wanted);
    return 0;
}

/* SCHEDOP_poll's state: the ports listed, and the timeout (v->timers.poll_timeout). */
static struct {
    uint32_t ports[POLL_MAX_PORTS];
    unsigned nr;
    bool timed;
    uint64_t raised;            /* the domain's raised count when the poll began */
} poll;

static bool poll_done(struct vcpu *v)
{
    for (unsigned i = 0; i < poll.nr; i++)
        if (evtchn_port_pending(v->domain, poll.ports[i]))
            return true;
    /* Polling one port waits for that port; any other number waits for any event (Xen). */
    if (poll.nr != 1 && v->domain->evtchn.raised != poll.raised)
        return true;
    return poll.timed && v->timers.poll_timeout == 0;
}

/*
 * SCHEDOP_poll: return at once if a listed port is pending, else sleep until one is or the
 * timeout (absolute system time; 0: none) passes.  Events stay masked as they are: polling
 * is how a guest waits with upcalls off.
 */
static long sched_poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll sp;

    if (copy_from_guest(&sp, arg, sizeof(sp)) != 0)
        return -XEN_EFAULT;
    if (sp.nr_ports > POLL_MAX_PORTS)
        return REFUSE(-XEN_EINVAL, "poll on more than 128 ports");
    if (sp.nr_ports > 0 &&
        copy_from_guest(poll.ports, (uint64_t)(uintptr_t)sp.ports.p,
                        sp.nr_ports * sizeof(poll.ports[0])) != 0)
        return -XEN_EFAULT;
    for (unsigned i = 0; i < sp.nr_ports; i++)
        if (poll.ports[i] >= EVTCHN_NR_PORTS)
            return REFUSE(-XEN_EINVAL, "poll on a port beyond the 2-level range");
    poll.nr = sp.nr_ports;
    poll.timed = sp.timeout != 0;
    poll.raised = v->domain->evtchn.raised;
    v->timers.poll_timeout = sp.timeout;
    if (poll.timed && sp.timeout <= time_now())
        v->timers.poll_timeout = 0;     /* already past: poll_done at once */
    time_arm(v);
    wait_until(v, poll_done);
    v->timers.poll_timeout = 0;
    poll.nr = 0;
    time_arm(v);
    return 0;
}

bool hypercall_preempt_check(void)
{
    return time_work_pending() || evtchn_upcall_wanted(current);
}

long do_sched_op(int cmd, uint64_t arg)
{
    struct vcpu *v = current;
    struct sched_shutdown s;

    switch (cmd) {
    case SCHEDOP_yield:
        return 0;   /* nothing else to run */
    case SCHEDOP_block:
        return sched_block(v);
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_shutdown:
        if (copy_from_guest(&s, arg, sizeof(s)) != 0)
            return -XEN_EFAULT;
        if (s.reason > SHUTDOWN_watchdog) {
            printk_guest("pvx: d%u: shutdown reason %u not supported\n",
                         v->domain->mm.domid, s.reason);
            return -XEN_EINVAL;
        }
        domain_shutdown(v->domain, s.reason);
    default:
        return -XEN_ENOSYS;
    }
}
