/*
 * A recording fake hypervisor and kernel for the pvops unit tests: guest frames are pages
 * of an ordinary array (pfn = index, mfn = pfn + MFN_OFFSET so a mixed-up translation
 * shows), and every hypercall pvops makes is recorded -- each multicall with its entries
 * decoded -- and applied (mmu_update writes the entry, update_va_mapping records the
 * alias permission).  A test can make chosen requests fail.
 */
#ifndef FAKE_HV_H
#define FAKE_HV_H

#include <public/xen.h>
#include "pvops.h"

#define FAKE_FRAMES 64
#define MFN_OFFSET  0x1000
#define MAX_CALLS   64

/* One request as the hypervisor saw it. */
struct fake_req {
    unsigned op;              /* __HYPERVISOR_* */
    unsigned cmd;             /* mmuext cmd */
    uint64_t ptr, val;        /* mmu_update ptr/val; mmuext arg1 in ptr; uva va/val */
    uint64_t flags;           /* uva flags */
};

/* One trap into the hypervisor: a plain hypercall (one request) or a multicall. */
struct fake_call {
    unsigned nr;
    unsigned n;               /* requests carried */
    struct fake_req req[MAX_CALLS];
};

struct fake_hv {
    struct fake_call calls[MAX_CALLS];
    unsigned nr_calls;
    uint64_t fail_ptr;        /* mmu_update to this machine address fails with -EINVAL */
    bool alias_ro[FAKE_FRAMES];
    char last_report[200];
    unsigned reports;
};
extern struct fake_hv hv;

/* Reset the fake: frames zeroed, nothing recorded, pvops' counters cleared. */
void fake_reset(void);
/* A fresh frame (zeroed) and its VA. */
pteval_t *fake_frame(pfn_t *out);
uint64_t fake_maddr(const void *va);

#endif
