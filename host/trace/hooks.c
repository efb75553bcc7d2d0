/*
 * The traced host's hooks (declared in host/trace.h): each turns what the host just did
 * into one record of xentrace's format in the ring.  Xen's own events keep Xen's layouts
 * (TRC_PV_HYPERCALL_V2 with the arguments Xen records, TRC_PV_TRAP, TRC_PV_PAGE_FAULT,
 * TRC_SCHED_RUNSTATE_CHANGE), so xenalyze decodes them; the rest are pvx's (TRC_PVX_*,
 * include/public/pvx_trace.h).  One CPU, and hooks run with interrupts off: no locking.
 */
#include <public/pvx_trace.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include "host.h"
#include "lib/string.h"
#include "printk.h"
#include "trace.h"
#include "trace/arch.h"
#include "trace/ring.h"

/* The most the ring can use; tbuf_size= (pages, as Xen's option) asks for less. */
#define TRACE_RING_MAX (8u << 20)

static uint8_t ring_buf[TRACE_RING_MAX] __attribute__((aligned(8)));
static struct trace_ring ring;
static size_t ring_bytes = TRACE_RING_MAX;

/* Records before trace_start() (the host's own boot) are not kept, nor counted as lost. */
static void put(uint32_t event, const uint32_t *extra, unsigned n)
{
    if (ring.buf != NULL)
        trace_ring_put(&ring, trace_arch_tsc(), event, extra, n);
}

bool trace_option(const char *opt, size_t klen, const char *val)
{
    const char *end;
    uint64_t pages;

    if (klen != 9 || strncmp(opt, "tbuf_size", 9) != 0)
        return false;
    pages = strtoull(val, &end, 0);
    if (end == val || *end != '\0' || pages == 0 || pages > TRACE_RING_MAX / 4096)
        printk("pvx: bad tbuf_size '%s' (1 to %u pages); keeping %zu\n", val,
               TRACE_RING_MAX / 4096, ring_bytes / 4096);
    else
        ring_bytes = pages * 4096;
    return true;
}

static uint32_t runstate_event(unsigned from, unsigned to)
{
    return TRC_SCHED_RUNSTATE_CHANGE | (from & 3) << 8 | (to & 3) << 4;
}

void trace_start(domid_t domid, unsigned vcpu)
{
    uint32_t who = (uint32_t)domid << 16 | (vcpu & 0xffff);

    trace_ring_init(&ring, ring_buf, ring_bytes);
    printk("pvx: tracing into %zu KiB (tbuf_size=%zu pages), dumped to port %#x at shutdown\n",
           ring_bytes >> 10, ring_bytes / 4096, PVX_TRACE_PORT);
    put(runstate_event(RUNSTATE_runnable, RUNSTATE_running), &who, 1);
}

/* Xen's __trace_hypercall: which arguments each hypercall's record carries. */
void trace_hypercall(unsigned long nr, const uint64_t args[6], bool sub)
{
    uint32_t d[3] = { (uint32_t)nr & ~TRC_PV_HYPERCALL_V2_ARG_MASK };
    unsigned n = 1;

#define ARG32(i) (d[n++] = (uint32_t)args[i], d[0] |= TRC_PV_HYPERCALL_V2_ARG_32(i))
    switch (nr) {
    case __HYPERVISOR_mmu_update:
    case __HYPERVISOR_mmuext_op:
    case __HYPERVISOR_multicall:
        ARG32(1);                          /* count */
        break;
    case __HYPERVISOR_grant_table_op:
        ARG32(0);                          /* cmd */
        ARG32(2);                          /* count */
        break;
    case __HYPERVISOR_vcpu_op:
        ARG32(0);                          /* cmd */
        ARG32(1);                          /* vcpu */
        break;
    case __HYPERVISOR_sched_op:
        ARG32(0);                          /* cmd */
        break;
    }
#undef ARG32
    put(sub ? TRC_PV_HYPERCALL_SUBCALL : TRC_PV_HYPERCALL_V2, d, n);
}

void trace_trap_entry(unsigned vector, uint32_t error, uint64_t rip)
{
    uint32_t d[4] = { vector, error, (uint32_t)rip, (uint32_t)(rip >> 32) };

    put(TRC_PVX_TRAP_ENTRY, d, 4);
}

void trace_user_syscall(uint64_t rip)
{
    uint32_t d[2] = { (uint32_t)rip, (uint32_t)(rip >> 32) };

    put(TRC_PVX_SYSCALL, d, 2);
}

/* Xen's __trace_pv_page_fault and __trace_pv_trap, 64-bit layouts. */
void trace_exception_bounce(unsigned vector, bool has_error, uint32_t error, uint64_t rip,
                            uint64_t cr2)
{
    if (vector == 14) {
        uint32_t d[5] = { (uint32_t)rip, (uint32_t)(rip >> 32), (uint32_t)cr2,
                          (uint32_t)(cr2 >> 32), error };

        put(TRC_PV_PAGE_FAULT | TRC_64_FLAG, d, 5);
    } else {
        uint32_t d[3] = { (uint32_t)rip, (uint32_t)(rip >> 32),
                          (vector & 0x7fff) | (has_error ? 1u << 15 : 0) | (error & 0xffff) << 16 };

        put(TRC_PV_TRAP | TRC_64_FLAG, d, 3);
    }
}

void trace_mode_switch(bool to_user)
{
    uint32_t d = to_user;

    put(TRC_PVX_MODE, &d, 1);
}

int trace_validate(mfn_t table, unsigned level, unsigned checked, int rc)
{
    uint32_t d[5] = { (uint32_t)mfn_x(table), (uint32_t)(mfn_x(table) >> 32), level, checked,
                      (uint32_t)rc };

    put(TRC_PVX_VALIDATE, d, 5);
    return rc;
}

int trace_update(mfn_t table, unsigned level, unsigned slot, int rc)
{
    uint32_t d[4] = { (uint32_t)mfn_x(table), (uint32_t)(mfn_x(table) >> 32),
                      level << 16 | (slot & 0xffff), (uint32_t)rc };

    put(TRC_PVX_UPDATE, d, 4);
    return rc;
}

int trace_pin(uint64_t mfn, unsigned level, int rc)
{
    uint32_t d[4] = { (uint32_t)mfn, (uint32_t)(mfn >> 32), level, (uint32_t)rc };

    put(TRC_PVX_PIN, d, 4);
    return rc;
}

int trace_unpin(uint64_t mfn, int rc)
{
    uint32_t d[3] = { (uint32_t)mfn, (uint32_t)(mfn >> 32), (uint32_t)rc };

    put(TRC_PVX_UNPIN, d, 3);
    return rc;
}

void trace_flush_all(void)
{
    uint32_t d = 0;

    put(TRC_PVX_FLUSH, &d, 1);
}

void trace_flush_one(uint64_t va)
{
    uint32_t d[3] = { 1, (uint32_t)va, (uint32_t)(va >> 32) };

    put(TRC_PVX_FLUSH, d, 3);
}

void trace_dump(domid_t domid, unsigned vcpu)
{
    uint32_t who = (uint32_t)domid << 16 | (vcpu & 0xffff);

    trace_ring_close(&ring, trace_arch_tsc(), domid, (uint16_t)vcpu,
                     runstate_event(RUNSTATE_running, RUNSTATE_offline), &who, 1);
    printk("pvx: trace: %lu records (%zu bytes), %lu lost; writing %lu bytes to port %#x\n",
           ring.records, ring.used, ring.lost,
           trace_ring_dump_size(&ring) + sizeof(struct pvx_trace_blob), PVX_TRACE_PORT);
    trace_ring_dump(&ring, host_cmdline, trace_arch_write);
}
