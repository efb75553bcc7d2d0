/*
 * The trace ring and its dump (see ring.h).  Records are packed exactly as Xen's
 * __insert_record packs them: a header word (event, extra-word count, cycles flag), the
 * TSC as two words, the extra words; so the dumped stream is a trace file xenalyze reads.
 * Nothing wraps: a full ring drops new records and counts them, as Xen does until its
 * consumer catches up, and the count becomes a TRC_LOST_RECORDS record at the end.
 */
#include <public/pvx_trace.h>
#include "lib/string.h"
#include "trace/ring.h"

_Static_assert(sizeof(struct pvx_trace_blob) == 256, "the blob header is 256 bytes");

/* Requires: buf 8-byte aligned. */
void trace_ring_init(struct trace_ring *r, void *buf, size_t cap)
{
    memset(r, 0, sizeof(*r));
    r->buf = buf;
    r->cap = cap & ~(size_t)7;
}

static size_t rec_size(unsigned n)
{
    return sizeof(uint32_t) + sizeof(uint64_t) + n * sizeof(uint32_t);
}

/* Records are whole 32-bit words and buf is 8-byte aligned, so they are written a word at
 * a time (the hot part of every hook: see docs/trace.md for what a record costs). */
static void write_rec(struct trace_ring *r, uint64_t tsc, uint32_t event, const uint32_t *extra,
                      unsigned n)
{
    uint32_t *w = (uint32_t *)(void *)(r->buf + r->used);

    w[0] = (event & 0x0fffffffU) | (uint32_t)n << TRACE_EXTRA_SHIFT | TRC_HD_CYCLE_FLAG;
    w[1] = (uint32_t)tsc;
    w[2] = (uint32_t)(tsc >> 32);
    for (unsigned i = 0; i < n; i++)
        w[3 + i] = extra[i];
    r->used += rec_size(n);
    r->records++;
}

bool trace_ring_put(struct trace_ring *r, uint64_t tsc, uint32_t event, const uint32_t *extra,
                    unsigned n)
{
    if (n > TRACE_EXTRA_MAX)
        n = TRACE_EXTRA_MAX;
    if (r->closed || r->cap < TRACE_RING_RESERVE ||
        r->used + rec_size(n) > r->cap - TRACE_RING_RESERVE) {
        if (r->lost++ == 0)
            r->first_lost_tsc = tsc;
        return false;
    }
    write_rec(r, tsc, event, extra, n);
    return true;
}

void trace_ring_close(struct trace_ring *r, uint64_t tsc, uint16_t domid, uint16_t vcpu,
                      uint32_t last_event, const uint32_t *last_extra, unsigned n)
{
    if (r->closed || r->cap < TRACE_RING_RESERVE)
        return;
    r->closed = true;
    r->tsc_end = tsc;
    if (r->lost) {
        uint32_t lost[4] = { (uint32_t)r->lost, (uint32_t)domid | (uint32_t)vcpu << 16,
                             (uint32_t)r->first_lost_tsc, (uint32_t)(r->first_lost_tsc >> 32) };
        write_rec(r, tsc, TRC_LOST_RECORDS, lost, 4);
    }
    if (last_event != 0)
        write_rec(r, tsc, last_event, last_extra, n > TRACE_EXTRA_MAX ? TRACE_EXTRA_MAX : n);
}

/* The size of the record at off, from its header (trace_ring_put wrote it). */
static size_t size_at(const struct trace_ring *r, size_t off)
{
    uint32_t hdr = *(const uint32_t *)(const void *)(r->buf + off);

    return sizeof(uint32_t) + (hdr & TRC_HD_CYCLE_FLAG ? sizeof(uint64_t) : 0) +
           ((hdr >> TRACE_EXTRA_SHIFT) & TRACE_EXTRA_MAX) * sizeof(uint32_t);
}

size_t trace_ring_window(const struct trace_ring *r, size_t off, size_t max)
{
    size_t n = 0;

    while (off + n < r->used && n + size_at(r, off + n) <= max)
        n += size_at(r, off + n);
    return n;
}

struct cpu_change {
    uint32_t header, cpu, bytes;
};

uint64_t trace_ring_dump_size(const struct trace_ring *r)
{
    uint64_t size = 0;
    size_t off = 0, n;

    while ((n = trace_ring_window(r, off, TRACE_WINDOW_MAX)) != 0) {
        size += sizeof(struct cpu_change) + n;
        off += n;
    }
    return size;
}

void trace_ring_dump(const struct trace_ring *r, const char *cmdline,
                     void (*out)(const void *p, size_t n))
{
    struct pvx_trace_blob blob;
    size_t off = 0, n;

    memset(&blob, 0, sizeof(blob));
    memcpy(blob.magic, PVX_TRACE_MAGIC, sizeof(blob.magic));
    blob.version = PVX_TRACE_VERSION;
    blob.kind = PVX_TRACE_HOST;
    blob.size = trace_ring_dump_size(r);
    blob.records = r->records;
    blob.lost = r->lost;
    blob.first_lost_tsc = r->first_lost_tsc;
    blob.tsc_end = r->tsc_end;
    blob.platform = PVX_PLATFORM_PVX;
    strlcpy(blob.cmdline, cmdline, sizeof(blob.cmdline));
    out(&blob, sizeof(blob));
    while ((n = trace_ring_window(r, off, TRACE_WINDOW_MAX)) != 0) {
        struct cpu_change cc = { TRC_TRACE_CPU_CHANGE | 2U << TRACE_EXTRA_SHIFT, 0,
                                 (uint32_t)n };
        out(&cc, sizeof(cc));
        out(r->buf + off, n);
        off += n;
    }
}
