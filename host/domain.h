/*
 * Domains and vCPUs as the portable host code sees them.  The x86 register state lives in
 * `struct arch_vcpu` (host/arch/x86/), which portable code never looks inside.
 */
#ifndef PVX_DOMAIN_H
#define PVX_DOMAIN_H

#include <public/vcpu.h>
#include "event.h"
#include "mm/mm.h"
#include "time.h"

struct arch_vcpu;

struct vcpu {
    struct mm_vcpu mm;
    struct domain *domain;
    unsigned vcpu_id;
    struct arch_vcpu *arch;
    struct vcpu_info *vinfo;          /* in shared_info, or where register_vcpu_info put it */
    mfn_t vinfo_mfn;                  /* register_vcpu_info's frame (writable-typed), or invalid */
    struct vcpu_timers timers;
    struct vcpu_runstate_info runstate;
    uint64_t runstate_area;           /* VCPUOP_register_runstate_memory_area, 0 = none */
};

#define GNTTAB_MAX_FRAMES 64  /* Xen 4.17's default max_grant_frames */

struct domain {
    struct mm_domain mm;
    struct vcpu *vcpu[PVX_MAX_VCPUS];
    mfn_t shared_info;        /* owned by the domain, permanently writable-typed */
    uint64_t vm_assist;       /* VMASST_TYPE_* bits the guest enabled */
    struct evtchn_domain evtchn;
    /* The grant table's frames (grant_table.c): owned by the domain, permanently writable,
     * like shared_info; not counted in its reservation. */
    uint32_t nr_grant_frames;
    mfn_t grant_frames[GNTTAB_MAX_FRAMES];
    bool is_shutdown;
    unsigned shutdown_reason; /* SHUTDOWN_* */
};

/* The vCPU running on this CPU (one CPU for now). */
extern struct vcpu *current;

/* v's vcpu_info: event mask and pending flags, cr2, time (shared_info's slot, or the one
 * the guest registered). */
static inline struct vcpu_info *vcpu_info(const struct vcpu *v) { return v->vinfo; }

static inline bool evtchn_upcall_wanted(const struct vcpu *v)
{
    return v->vinfo->evtchn_upcall_pending && !v->vinfo->evtchn_upcall_mask;
}

/* VCPUOP_register_vcpu_info: move v's vcpu_info to `offset` in frame `mfn` (the guest's). */
long domain_register_vcpu_info(struct vcpu *v, uint64_t mfn, uint64_t offset);

/* Stop the domain for good with a SHUTDOWN_* reason (sched_op shutdown, or a crash).  Does not
 * return to the guest: the host tears the domain down and ends the run. */
void domain_shutdown(struct domain *d, unsigned reason) __attribute__((noreturn));
/* Crash the domain: print `why` and the register state, then domain_shutdown(SHUTDOWN_crash). */
void domain_crash(struct domain *d, const char *why) __attribute__((noreturn));

#endif
