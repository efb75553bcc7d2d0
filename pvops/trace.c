/*
 * The guest's trace (include/public/pvx_trace.h, docs/trace.md): with pvx.trace=on every
 * hypercall that passes the one door (hypercall.c) is recorded with its hook, number,
 * command, batch size, result and the TSC before and after; so is each entry of a
 * multicall, each entry into the kernel, and the workloads' windows.  Records go to pages
 * the kernel hands over at boot and leave, at shutdown, through the writer it gives; a
 * full ring drops new records and counts them.  Off, the only cost is one test of
 * pv_tracing in pv_hypercall().  Not reentrant: the kernel runs one CPU, and records are
 * written with interrupts masked or from the kernel's own paths.
 */
#include <public/pvx_trace.h>
#include "guestlib/lib.h"
#include "pvops.h"

#define TRACE_PAGE 4096u

_Static_assert(PVX_HOOK_IRET == PVH_IRET && PVX_HOOK_NR == PVH_NR &&
               PVX_HOOK_SET_PTE == PVH_SET_PTE && PVX_HOOK_CPU == PVH_CPU,
               "the trace format's hook numbers are enum pv_hook's");
_Static_assert(sizeof(struct pvx_trec_hypercall) == 32, "a hypercall record is 4 words");

bool pv_tracing;

static struct {
    uint8_t *const *pages;
    unsigned npages;
    unsigned page;                     /* where the next record goes */
    unsigned off;
    uint64_t records, lost, first_lost_tsc, tsc_end;
} ring;

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

void pv_trace_start(uint8_t *const *pages, unsigned npages)
{
    ring.pages = pages;
    ring.npages = npages;
    ring.page = ring.off = 0;
    ring.records = ring.lost = ring.first_lost_tsc = 0;
    pv_tracing = npages > 0;
}

void pv_trace_stop(void)
{
    if (pv_tracing)
        ring.tsc_end = tsc();
    pv_tracing = false;
}

/* Room for a record of `bytes` (a multiple of 8, at most a page), or NULL: counted lost. */
static void *reserve(size_t bytes, uint64_t when)
{
    uint8_t *p;

    if (ring.page < ring.npages && ring.off + bytes > TRACE_PAGE) {
        if (ring.off < TRACE_PAGE) {
            struct pvx_trec *pad = (void *)(ring.pages[ring.page] + ring.off);

            pad->kind = PVX_REC_PAD;
            pad->size = (uint8_t)((TRACE_PAGE - ring.off) / 8);
        }
        ring.page++;
        ring.off = 0;
    }
    if (ring.page >= ring.npages) {
        if (ring.lost++ == 0)
            ring.first_lost_tsc = when;
        return NULL;
    }
    p = ring.pages[ring.page] + ring.off;
    ring.off += (unsigned)bytes;
    ring.records++;
    return p;
}

static void put_hypercall(unsigned kind, enum pv_hook hook, unsigned nr, unsigned sub,
                          unsigned batch, uint64_t t0, uint64_t t1, long rc)
{
    struct pvx_trec_hypercall *r = reserve(sizeof(*r), t0);

    if (r == NULL)
        return;
    *r = (struct pvx_trec_hypercall){
        .h = { .kind = (uint8_t)kind, .size = sizeof(*r) / 8, .hook = (uint8_t)hook,
               .arg = sub, .tsc = t0 },
        .tsc_after = t1, .nr = (uint16_t)nr, .batch = batch > 0xffff ? 0xffff : (uint16_t)batch,
        .rc = (int32_t)rc,
    };
}

long pv_trace_hypercall(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch,
                        uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    uint64_t t0 = tsc();
    long rc = pvenv_hypercall(nr, a1, a2, a3, a4, a5);
    uint64_t t1 = tsc();

    if (pv_tracing)                    /* the call may have been the one that stopped it */
        put_hypercall(PVX_REC_HYPERCALL, hook, nr, sub, batch, t0, t1, rc);
    return rc;
}

void pv_trace_noreturn(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch)
{
    if (pv_tracing)
        put_hypercall(PVX_REC_HYPERCALL, hook, nr, sub, batch, tsc(), 0, 0);
}

void pv_trace_mc_entry(enum pv_hook hook, unsigned nr, unsigned sub, unsigned batch, long rc)
{
    if (pv_tracing)
        put_hypercall(PVX_REC_MC_ENTRY, hook, nr, sub, batch, 0, 0, rc);
}

void pv_trace_kentry(unsigned vector, unsigned flags)
{
    struct pvx_trec *r;
    uint64_t now;

    if (!pv_tracing)
        return;
    now = tsc();
    r = reserve(sizeof(*r), now);
    if (r != NULL)
        *r = (struct pvx_trec){ .kind = PVX_REC_KENTRY, .size = sizeof(*r) / 8,
                                .flags = (uint8_t)flags, .arg = vector, .tsc = now };
}

void pv_trace_mark(unsigned flags, const char *name, uint32_t ops, uint64_t now)
{
    size_t len = strnlen(name, 64), bytes = (sizeof(struct pvx_trec) + len + 1 + 7) & ~7UL;
    struct pvx_trec_mark *r;

    if (!pv_tracing)
        return;
    r = reserve(bytes, now);
    if (r == NULL)
        return;
    memset(r, 0, bytes);
    r->h = (struct pvx_trec){ .kind = PVX_REC_MARK, .size = (uint8_t)(bytes / 8),
                              .flags = (uint8_t)flags, .arg = ops, .tsc = now };
    memcpy(r->name, name, len);
}

uint64_t pv_trace_records(void) { return ring.records; }
uint64_t pv_trace_lost(void) { return ring.lost; }

void pv_trace_dump(const char *cmdline, unsigned platform, unsigned flags,
                   void (*out)(const void *p, size_t n))
{
    unsigned full = ring.page < ring.npages ? ring.page : ring.npages;
    unsigned tail = ring.page < ring.npages ? ring.off : 0;
    struct pvx_trace_blob blob;

    memset(&blob, 0, sizeof(blob));
    memcpy(blob.magic, PVX_TRACE_MAGIC, sizeof(blob.magic));
    blob.version = PVX_TRACE_VERSION;
    blob.kind = PVX_TRACE_GUEST;
    blob.size = (uint64_t)full * TRACE_PAGE + tail;
    blob.records = ring.records;
    blob.lost = ring.lost;
    blob.first_lost_tsc = ring.first_lost_tsc;
    blob.tsc_end = ring.tsc_end;
    blob.platform = platform;
    blob.flags = flags;
    memcpy(blob.cmdline, cmdline, strnlen(cmdline, sizeof(blob.cmdline) - 1));
    out(&blob, sizeof(blob));
    for (unsigned i = 0; i < full; i++)
        out(ring.pages[i], TRACE_PAGE);
    if (tail)
        out(ring.pages[full], tail);
}
