/*
 * The multicall buffer (see multicall.h for the protocol).  One buffer, used with
 * interrupts masked; its entries keep the hook that queued them so a refusal found at
 * flush time names the operation that caused it.
 */
#include "multicall.h"

struct mc_callback {
    void (*fn)(void *);
    void *data;
};

static struct {
    struct multicall_entry entries[MC_BATCH];
    uint8_t args[MC_BATCH][MC_ARG_SIZE] __attribute__((aligned(8)));
    enum pv_hook hooks[MC_BATCH];
    unsigned n;
    struct mc_callback callbacks[MC_BATCH];
    unsigned ncallbacks;
} mc;

static bool batching = true;
static enum pv_lazy lazy = LAZY_NONE;
static unsigned long saved_irq;
static unsigned depth;           /* mc_batch() nesting: interrupts restored at the outermost */

struct mc_error mc_last_error;

void mc_set_batching(bool on) { batching = on; }
bool mc_batching(void) { return batching; }
enum pv_lazy mc_lazy_mode(void) { return lazy; }

void mc_batch(void)
{
    unsigned long flags = pv_irq_save();
    if (depth++ == 0)
        saved_irq = flags;
}

/* The command an entry carries, for reports: the mmuext cmd, else 0. */
static unsigned entry_cmd(unsigned i)
{
    if (mc.entries[i].op == __HYPERVISOR_mmuext_op)
        return ((const struct mmuext_op *)mc.args[i])->cmd;
    return 0;
}

static unsigned entry_batch(unsigned i)
{
    unsigned op = mc.entries[i].op;
    return op == __HYPERVISOR_mmu_update || op == __HYPERVISOR_mmuext_op ?
           (unsigned)mc.entries[i].args[1] : 1;
}

static int check_results(unsigned n)
{
    int first = 0;
    for (unsigned i = 0; i < n; i++) {
        long rc = (long)mc.entries[i].result;
        if (rc >= 0)
            continue;
        pv_counts.mc_errors++;
        mc_last_error = (struct mc_error){ mc.hooks[i], (unsigned)mc.entries[i].op,
                                          entry_cmd(i), rc };
        pvenv_report("pvops: %s: hypercall %u cmd %u refused: %ld (entry %u of %u)\n",
                     pv_hook_name(mc.hooks[i]), (unsigned)mc.entries[i].op, entry_cmd(i),
                     rc, i + 1, n);
        if (!first)
            first = (int)rc;
    }
    return first;
}

int mc_flush(void)
{
    unsigned n = mc.n;
    int rc = 0;

    if (n == 1) {
        struct multicall_entry *e = &mc.entries[0];
        e->result = (uint64_t)pv_hypercall(mc.hooks[0], (unsigned)e->op, entry_cmd(0),
                                           entry_batch(0), e->args[0], e->args[1],
                                           e->args[2], e->args[3], e->args[4]);
    } else if (n > 1) {
        for (unsigned i = 0; i < n; i++) {
            pv_counts.mc_entries[mc.hooks[i]]++;
            pv_counts.mc_entries_total++;
        }
        long hrc = pv_hypercall(mc.hooks[0], __HYPERVISOR_multicall, 0, n,
                                (uint64_t)mc.entries, n, 0, 0, 0);
        if (hrc < 0) {         /* the list itself was refused: every entry failed */
            for (unsigned i = 0; i < n; i++)
                mc.entries[i].result = (uint64_t)hrc;
        }
        for (unsigned i = 0; i < n && pv_tracing; i++)
            pv_trace_mc_entry(mc.hooks[i], (unsigned)mc.entries[i].op, entry_cmd(i),
                              entry_batch(i), (long)mc.entries[i].result);
    }
    mc.n = 0;
    rc = check_results(n);
    /* Callbacks may queue more; take them out first. */
    unsigned nc = mc.ncallbacks;
    struct mc_callback cbs[MC_BATCH];
    for (unsigned i = 0; i < nc; i++)
        cbs[i] = mc.callbacks[i];
    mc.ncallbacks = 0;
    for (unsigned i = 0; i < nc; i++)
        cbs[i].fn(cbs[i].data);
    return rc;
}

struct mc_space mc_entry(enum pv_hook hook, size_t args)
{
    (void)args;                  /* every entry has MC_ARG_SIZE bytes */
    if (mc.n == MC_BATCH || (!batching && mc.n > 0))
        mc_flush();
    unsigned i = mc.n++;
    mc.hooks[i] = hook;
    mc.entries[i] = (struct multicall_entry){ 0 };
    return (struct mc_space){ &mc.entries[i], mc.args[i] };
}

void mc_callback(void (*fn)(void *), void *data)
{
    if (mc.ncallbacks == MC_BATCH)
        mc_flush();
    mc.callbacks[mc.ncallbacks++] = (struct mc_callback){ fn, data };
}

int mc_issue(enum pv_lazy mode)
{
    int rc = 0;
    if (!batching || lazy == LAZY_NONE || lazy != mode)
        rc = mc_flush();
    if (depth && --depth == 0)
        pv_irq_restore(saved_irq);
    return rc;
}

void mc_lazy_enter(enum pv_lazy mode)
{
    if (lazy != LAZY_NONE)
        mc_flush();
    lazy = mode;
}

void mc_lazy_leave(enum pv_lazy mode)
{
    if (lazy != mode)
        return;
    lazy = LAZY_NONE;
    mc_flush();
}

bool mc_queued_update(uint64_t maddr)
{
    for (unsigned i = 0; i < mc.n; i++) {
        if (mc.entries[i].op != __HYPERVISOR_mmu_update)
            continue;
        const struct mmu_update *u = (const void *)mc.args[i];
        if ((u->ptr & ~7ULL) == maddr)
            return true;
    }
    return false;
}
