/*
 * The hypercall trace (host option trace=hypercalls): what a guest kernel asks of the host
 * and what it gets, for comparing a boot under pvx with one under Xen.  Each distinct
 * (hypercall, sub-operation, result) is printed the first time it happens, numbered by the
 * call that first made it, so the log reads as the order in which the kernel met each
 * operation; at shutdown every one is listed with its count.  Results are kept as the errno,
 * or "ok" for 0 and positive values.  Off by default: it reads a guest word for platform_op
 * and prints host lines a guest can multiply (bounded by the table below).
 */
#include <public/xen.h>
#include "guest_access.h"
#include "hostlib/lib.h"
#include "hypercall.h"
#include "printk.h"

#define TRACE_MAX 160

struct trace_entry {
    uint16_t nr;
    int32_t sub;          /* the sub-operation, or -1 for calls without one */
    int32_t rc;           /* the errno, or 0 for success */
    uint64_t first;       /* the number of the call that first gave this */
    uint64_t count;
};

bool hypercall_trace_on;
static struct trace_entry entries[TRACE_MAX];
static unsigned nr_entries;
static uint64_t nr_calls, nr_untracked;

/* The calls whose first argument is a command (memory_op keeps a continuation in its high
 * bits), and platform_op, whose command is the first word of its argument. */
static int32_t sub_op(unsigned long nr, const uint64_t a[6])
{
    uint32_t cmd;

    switch (nr) {
    case __HYPERVISOR_memory_op:
        return (int32_t)(a[0] & 0x3f);
    case __HYPERVISOR_xen_version: case __HYPERVISOR_console_io:
    case __HYPERVISOR_grant_table_op: case __HYPERVISOR_vm_assist:
    case __HYPERVISOR_vcpu_op: case __HYPERVISOR_sched_op: case __HYPERVISOR_callback_op:
    case __HYPERVISOR_event_channel_op: case __HYPERVISOR_physdev_op:
    case __HYPERVISOR_hvm_op: case __HYPERVISOR_set_segment_base:
    case __HYPERVISOR_fpu_taskswitch: case __HYPERVISOR_get_debugreg:
    case __HYPERVISOR_set_debugreg:
        return (int32_t)a[0];
    case __HYPERVISOR_platform_op:
        return copy_from_guest(&cmd, a[0], sizeof(cmd)) == 0 ? (int32_t)cmd : -2;
    default:
        return -1;
    }
}

void hypercall_trace(unsigned long nr, const uint64_t a[6], long rc)
{
    int32_t sub = sub_op(nr, a), res = rc < 0 ? (int32_t)rc : 0;
    unsigned i;

    if (nr == __HYPERVISOR_iret)
        res = 0;            /* its "result" is the rax it restored */

    nr_calls++;
    for (i = 0; i < nr_entries; i++)
        if (entries[i].nr == nr && entries[i].sub == sub && entries[i].rc == res)
            break;
    if (i == nr_entries) {
        if (nr_entries == TRACE_MAX) {
            nr_untracked++;
            return;
        }
        entries[nr_entries++] = (struct trace_entry){ (uint16_t)nr, sub, res, nr_calls, 0 };
        printk("pvx: hypercall #%lu: %lu/%d -> %s%ld\n", nr_calls, nr, sub,
               res ? "" : "ok ", res ? (long)res : nr == __HYPERVISOR_iret ? 0 : rc);
    }
    entries[i].count++;
}

void hypercall_trace_report(void)
{
    if (!hypercall_trace_on)
        return;
    printk("pvx: hypercall trace: %lu calls, %u kinds (hypercall/sub-operation -> result: "
           "count, first call)\n", nr_calls, nr_entries);
    for (unsigned i = 0; i < nr_entries; i++)
        printk("pvx:   %u/%d -> %d: %lu, #%lu\n", entries[i].nr, entries[i].sub, entries[i].rc,
               entries[i].count, entries[i].first);
    if (nr_untracked)
        printk("pvx:   %lu calls of kinds beyond the first %u not listed\n", nr_untracked,
               TRACE_MAX);
}
