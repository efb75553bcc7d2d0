/*
 * The host's trace ring: records in xentrace's format (struct t_rec, include/public/trace.h)
 * appended to one buffer, and the dump that frames them as xentrace writes a trace file
 * (TRC_TRACE_CPU_CHANGE windows) inside a pvx blob.  Portable and self-contained, so the
 * userspace tests run the very code the traced host runs.  Trust: only host values.
 */
#ifndef PVX_TRACE_RING_H
#define PVX_TRACE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room kept back for the records trace_ring_close() appends (lost records, the end). */
#define TRACE_RING_RESERVE 64
/* A dump window (one TRC_TRACE_CPU_CHANGE and its records) holds at most this many bytes,
 * as a per-CPU buffer of xentrace's default 32 pages would. */
#define TRACE_WINDOW_MAX   (32 * 4096 - 8)

struct trace_ring {
    uint8_t *buf;
    size_t cap;                   /* bytes of buf */
    size_t used;                  /* bytes of records in buf */
    uint64_t records;             /* records in buf */
    uint64_t lost;                /* records dropped because buf was full */
    uint64_t first_lost_tsc;
    uint64_t tsc_end;             /* when trace_ring_close() ran */
    bool closed;
};

/* An empty ring over buf[0, cap); cap is rounded down to 8 bytes. */
void trace_ring_init(struct trace_ring *r, void *buf, size_t cap);

/* Append one record with TSC and n <= TRACE_EXTRA_MAX extra words; false (and counted as
 * lost) when it does not fit, or the ring is closed. */
bool trace_ring_put(struct trace_ring *r, uint64_t tsc, uint32_t event, const uint32_t *extra,
                    unsigned n);

/* End the trace at `tsc`: a TRC_LOST_RECORDS record if any were lost (the count, the domain
 * and vCPU that ran, the first lost TSC, as Xen writes it), and `last` (a record of n extra
 * words, or none if event is 0), both in the reserved room.  Later puts are lost. */
void trace_ring_close(struct trace_ring *r, uint64_t tsc, uint16_t domid, uint16_t vcpu,
                      uint32_t last_event, const uint32_t *last_extra, unsigned n);

/* Bytes of whole records starting at `off` that fit in `max` bytes (0 at the end). */
size_t trace_ring_window(const struct trace_ring *r, size_t off, size_t max);

/* The bytes trace_ring_dump() writes for r. */
uint64_t trace_ring_dump_size(const struct trace_ring *r);

/* Write r as one pvx blob (struct pvx_trace_blob, kind PVX_TRACE_HOST, cmdline copied)
 * whose payload is the xentrace stream of CPU 0: windows of TRC_TRACE_CPU_CHANGE
 * {cpu, bytes} followed by that many bytes of records.  out() is called in order. */
void trace_ring_dump(const struct trace_ring *r, const char *cmdline,
                     void (*out)(const void *p, size_t n));

#endif
