/*
 * The one door: every hypercall the guest makes, from a pvops hook, a flush of the
 * multicall buffer, the boot code or an in-guest test, passes through pv_hypercall(), which
 * knows the hook that caused it, the hypercall, its command and how many requests it
 * carries.  The counters the workloads print come from here, and so does the guest's trace
 * (trace.c) when pvx.trace=on.  The one exception to "passes through" is the iret
 * hypercall that returns to user mode: entry.S issues it after restoring every register,
 * so it is counted (and recorded, as not returning) just before, by pv_hypercall_count().
 */
#include <public/xen.h>
#include "pvops.h"

struct pv_counts pv_counts;

static const char *const hook_names[PVH_NR] = {
    [PVH_DIRECT] = "direct",       [PVH_WRITE_CR3] = "write_cr3",
    [PVH_FLUSH_TLB] = "flush_tlb", [PVH_SET_PTE] = "set_pte",
    [PVH_SET_PMD] = "set_pmd",     [PVH_SET_PUD] = "set_pud",
    [PVH_SET_PGD] = "set_pgd",     [PVH_PROTECT] = "protect_ptes",
    [PVH_ALLOC_PT] = "alloc_pt",   [PVH_RELEASE_PT] = "release_pt",
    [PVH_PIN] = "pin",             [PVH_UNPIN] = "unpin",
    [PVH_CONSOLE] = "console",     [PVH_SHUTDOWN] = "shutdown",
    [PVH_HALT] = "halt",           [PVH_STACK_SWITCH] = "stack_switch",
    [PVH_CPU] = "cpu",             [PVH_IRET] = "iret",
};

const char *pv_hook_name(enum pv_hook hook)
{
    return hook < PVH_NR && hook_names[hook] ? hook_names[hook] : "?";
}

static void count(enum pv_hook hook, unsigned nr)
{
    pv_counts.total++;
    pv_counts.hypercalls[hook]++;
    if (nr == __HYPERVISOR_multicall)
        pv_counts.multicalls++;
}

void pv_hypercall_count(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch)
{
    if (hook >= PVH_NR)
        hook = PVH_DIRECT;
    count(hook, nr);
    pv_trace_noreturn(hook, nr, sub, batch);
}

long pv_hypercall(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch,
                  uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    if (hook >= PVH_NR)
        hook = PVH_DIRECT;
    count(hook, nr);
    if (__builtin_expect(!pv_tracing, 1))
        return pvenv_hypercall(nr, a1, a2, a3, a4, a5);
    return pv_trace_hypercall(hook, nr, sub, batch, a1, a2, a3, a4, a5);
}
