/*
 * Domains and vCPUs as the portable host code sees them.  The x86 register state lives in
 * `struct arch_vcpu` (host/arch/x86/), which portable code never looks inside.
 */
#ifndef PVX_DOMAIN_H
#define PVX_DOMAIN_H

#include "mm/mm.h"

struct arch_vcpu;

struct vcpu {
    struct mm_vcpu mm;
    struct domain *domain;
    unsigned vcpu_id;
    struct arch_vcpu *arch;
};

struct domain {
    struct mm_domain mm;
    struct vcpu *vcpu[PVX_MAX_VCPUS];
    mfn_t shared_info;        /* owned by the domain, permanently writable-typed */
    uint64_t vm_assist;       /* VMASST_TYPE_* bits the guest enabled */
    bool is_shutdown;
    unsigned shutdown_reason; /* SHUTDOWN_* */
};

/* The vCPU running on this CPU (one CPU for now). */
extern struct vcpu *current;

/* v's slot of its domain's shared_info: event mask and pending flags, cr2, time. */
struct vcpu_info *vcpu_info(const struct vcpu *v);

/* Stop the domain for good with a SHUTDOWN_* reason (sched_op shutdown, or a crash).  Does not
 * return to the guest: the host tears the domain down and ends the run. */
void domain_shutdown(struct domain *d, unsigned reason) __attribute__((noreturn));
/* Crash the domain: print `why` and the register state, then domain_shutdown(SHUTDOWN_crash). */
void domain_crash(struct domain *d, const char *why) __attribute__((noreturn));

#endif
