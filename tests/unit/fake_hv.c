/*
 * The recording fake (fake_hv.h): implements the pvenv_* interface pvops needs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <public/errno.h>
#include "fake_hv.h"
#include "arch/x86/trapframe.h"

struct fake_hv hv;
static uint8_t mem[FAKE_FRAMES][4096] __attribute__((aligned(4096)));
static struct pv_frame state[FAKE_FRAMES];
static unsigned next_frame;

void fake_reset(void)
{
    memset(mem, 0, sizeof(mem));
    memset(state, 0, sizeof(state));
    memset(&hv, 0, sizeof(hv));
    memset(&pv_counts, 0, sizeof(pv_counts));
    next_frame = 1;
}

pfn_t pvenv_virt_to_pfn(const void *va)
{
    return pfn(((uintptr_t)va - (uintptr_t)&mem[0][0]) / 4096);
}

void *pvenv_pfn_to_virt(pfn_t p) { return mem[p.v]; }
mfn_t pvenv_pfn_to_mfn(pfn_t p) { return mfn(p.v + MFN_OFFSET); }
pfn_t pvenv_mfn_to_pfn(mfn_t m) { return pfn(m.v - MFN_OFFSET); }

uint64_t pvenv_virt_to_maddr(const void *va)
{
    return (pvenv_pfn_to_mfn(pvenv_virt_to_pfn(va)).v << 12) | ((uint64_t)va & 0xfff);
}

uint64_t fake_maddr(const void *va) { return pvenv_virt_to_maddr(va); }

pfn_t pvenv_frame_alloc(void)
{
    if (next_frame == FAKE_FRAMES)
        return pfn(0);
    return pfn(next_frame++);
}

void pvenv_frame_free(pfn_t p)
{
    memset(mem[p.v], 0xdd, 4096);
}

pteval_t *fake_frame(pfn_t *out)
{
    *out = pvenv_frame_alloc();
    return pvenv_pfn_to_virt(*out);
}

struct pv_frame *pvenv_frame(pfn_t p) { return &state[p.v]; }

void pvenv_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(hv.last_report, sizeof(hv.last_report), fmt, ap);
    va_end(ap);
    hv.reports++;
}

/* Apply one request; returns its result. */
static long apply(unsigned op, const uint64_t *a, struct fake_req *r)
{
    r->op = op;
    if (op == __HYPERVISOR_mmu_update) {
        const struct mmu_update *u = (const void *)a[0];
        r->ptr = u->ptr;
        r->val = u->val;
        if ((u->ptr & ~7ULL) == hv.fail_ptr && hv.fail_ptr)
            return -XEN_EINVAL;
        uint64_t m = u->ptr >> 12;
        *(pteval_t *)(mem[m - MFN_OFFSET] + (u->ptr & 0xff8)) = u->val;
        return 0;
    }
    if (op == __HYPERVISOR_mmuext_op) {
        const struct mmuext_op *o = (const void *)a[0];
        r->cmd = o->cmd;
        r->ptr = o->arg1.mfn;
        return 0;
    }
    if (op == __HYPERVISOR_update_va_mapping) {
        r->ptr = a[0];
        r->val = a[1];
        r->flags = a[2];
        uint64_t p = pvenv_virt_to_pfn((void *)a[0]).v;
        if (p < FAKE_FRAMES)             /* else a page outside the fake's frames */
            hv.alias_ro[p] = !(a[1] & PTE_RW);
        return 0;
    }
    return 0;
}

long pvenv_hypercall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                     uint64_t a5)
{
    uint64_t a[5] = { a1, a2, a3, a4, a5 };
    struct fake_call *c = &hv.calls[hv.nr_calls < MAX_CALLS ? hv.nr_calls++ : MAX_CALLS - 1];

    c->nr = nr;
    if (nr != __HYPERVISOR_multicall) {
        c->n = 1;
        return apply(nr, a, &c->req[0]);
    }
    struct multicall_entry *e = (void *)a1;
    c->n = (unsigned)a2;
    for (unsigned i = 0; i < c->n && i < MAX_CALLS; i++)
        e[i].result = (uint64_t)apply((unsigned)e[i].op, e[i].args, &c->req[i]);
    return 0;
}

/* The entry points the backend installs (guest/arch/x86/entry.S in the guest). */
char pv_trap_stubs[32 * TRAP_STUB_SIZE];
void pv_syscall_entry(void) {}
void pv_event_entry(void) {}
void pv_trap_exit(void) {}
void *trap_exit_target;
