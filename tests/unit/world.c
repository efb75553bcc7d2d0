/*
 * The simulated machine of world.h.  The non-mm hypercall doubles stand in for the host
 * modules a userspace build does not have; multicall tests use xen_version as a call that
 * always succeeds with a known value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "world.h"
#include "hypercall.h"

struct world W;

void world_init(void)
{
    size_t bytes = mm_frame_table_bytes(FAKE_FRAMES);
    unsigned i;

    world_fini();
    fake_arch_reset();
    memset(&W, 0, sizeof(W));
    W.table = aligned_alloc(64, bytes);        /* mm_init's alignment */
    if (W.table == NULL)
        abort();
    memset(W.table, 0, bytes);
    mm_init(W.table, FAKE_FRAMES);
    mm_add_ram(_mfn(WORLD_NOT_RAM), FAKE_FRAMES - WORLD_NOT_RAM);
    for (i = 0; i < 4; i++)
        if (!mm_alloc_host_frame(&W.host[i]))
            abort();
    for (i = 0; i < 2; i++) {
        mm_domain_init(&W.dom[i].mm, (domid_t)(i + 1), i == 0 ? 300 : 100);
        mm_vcpu_init(&W.dom[i].mm, &W.vcpu[i].mm);
        W.dom[i].vcpu[0] = &W.vcpu[i];
        W.dom[i].shared_info = invalid_mfn();
        W.vcpu[i].domain = &W.dom[i];
    }
    current = &W.vcpu[0];
}

void world_fini(void)
{
    free(W.table);
    W.table = NULL;
}

mfn_t world_alloc(unsigned dom)
{
    mfn_t m;

    if (mm_alloc_domain_frame(&W.dom[dom].mm, &m) != 0) {
        fprintf(stderr, "world: out of frames for domain %u\n", dom);
        abort();
    }
    return m;
}

int world_audit(char *why, size_t len)
{
    struct mm_domain *doms[2] = { D0, D1 };

    return mm_audit(doms, 2, why, len);
}

long do_console_io(int cmd, unsigned count, uint64_t buffer)
{
    (void)cmd; (void)count; (void)buffer;
    return -XEN_ENOSYS;
}

long do_sched_op(int cmd, uint64_t arg)
{
    (void)cmd; (void)arg;
    return -XEN_ENOSYS;
}

long do_memory_op(uint64_t cmd, uint64_t arg)
{
    (void)cmd; (void)arg;
    return -XEN_ENOSYS;
}

long do_grant_table_op(unsigned cmd, uint64_t uop, unsigned count)
{
    (void)cmd; (void)uop; (void)count;
    return -XEN_ENOSYS;
}

long do_xen_version(int cmd, uint64_t arg)
{
    (void)cmd; (void)arg;
    return WORLD_XEN_VERSION;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
    fprintf(stderr, "world: d%u shut down (reason %u)\n", d->mm.domid, reason);
    abort();
}

void domain_crash(struct domain *d, const char *why)
{
    fprintf(stderr, "world: d%u crashed: %s\n", d->mm.domid, why);
    abort();
}
