/*
 * The hypercall backend's multicall buffer, after Linux's arch/x86/xen/multicalls.c:
 *
 *   mc_batch();                      start (masks interrupts: the buffer is per CPU)
 *   s = mc_entry(hook, size);        one queued hypercall and room for its arguments
 *   ...fill s.mc and s.args...
 *   rc = mc_issue(LAZY_MMU);         flush now, unless that lazy mode is in force
 *
 * A flush issues one entry as a plain hypercall and more as one multicall; callbacks
 * registered with mc_callback() run after the flush that carries what they follow.  A full
 * buffer flushes and carries on.  With batching off every entry is issued on its own, so
 * the same kernel gives the unbatched trace.  Private to pvops/.
 */
#ifndef PVOPS_MULTICALL_H
#define PVOPS_MULTICALL_H

#include <public/xen.h>
#include "pvops.h"

#define MC_BATCH 32              /* entries per multicall, as Linux */

struct mc_space {
    struct multicall_entry *mc;
    void *args;                  /* MC_ARG_SIZE bytes the entry's pointers may refer to */
};
#define MC_ARG_SIZE 32

void mc_set_batching(bool on);
bool mc_batching(void);
void mc_batch(void);
struct mc_space mc_entry(enum pv_hook hook, size_t args);
/* Returns the first error of what it flushed (0 if nothing failed or nothing flushed). */
int mc_issue(enum pv_lazy mode);
int mc_flush(void);
void mc_callback(void (*fn)(void *), void *data);

/* Lazy mode bookkeeping: enter/leave set the mode; leave flushes. */
void mc_lazy_enter(enum pv_lazy mode);
void mc_lazy_leave(enum pv_lazy mode);
enum pv_lazy mc_lazy_mode(void);

/* Whether an mmu_update of the entry at machine address `maddr` is queued. */
bool mc_queued_update(uint64_t maddr);

/* The last refused entry: which hook queued it, its hypercall, command and result. */
struct mc_error {
    enum pv_hook hook;
    unsigned op, cmd;
    long rc;
};
extern struct mc_error mc_last_error;

/* Interrupt masking the buffer relies on (pv.c). */
unsigned long pv_irq_save(void);
void pv_irq_restore(unsigned long flags);

#endif
