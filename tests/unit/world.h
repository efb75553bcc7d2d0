/*
 * A small simulated machine with two domains, shared by the unit tests and the fuzzer:
 * frames 0-7 are not RAM (as MMIO holes), four frames belong to the host, the rest is free
 * RAM.  Domain 0 (id 1) is the one that runs (`current`); domain 1 (id 2) exists only to own
 * foreign frames.  Also the test doubles for the non-mm hypercalls hypercall.c dispatches to.
 */
#ifndef PVX_TEST_WORLD_H
#define PVX_TEST_WORLD_H

#include "domain.h"
#include "fake_arch.h"

#define WORLD_NOT_RAM   8        /* frames [0, 8) are not RAM */
#define WORLD_XEN_VERSION 0x40011 /* what the do_xen_version double returns */

struct world {
    struct domain dom[2];
    struct vcpu vcpu[2];
    mfn_t host[4];
    void *table;
};

extern struct world W;
#define D0 (&W.dom[0].mm)
#define D1 (&W.dom[1].mm)
#define V0 (&W.vcpu[0].mm)

void world_init(void);
void world_fini(void);
/* A frame for domain `dom` (0 or 1); aborts if none is left. */
mfn_t world_alloc(unsigned dom);
/* The audit over both domains; 0 or -1 with the reason in `why`. */
int world_audit(char *why, size_t len);

#endif
