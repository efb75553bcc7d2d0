/*
 * Reading a trace: a debug-console capture (blobs of include/public/pvx_trace.h) or a bare
 * xentrace stream.  The bytes are untrusted: every header, size and count is checked
 * against what is left before it is used, and the first thing wrong ends the read with a
 * message that names the offset (a file cut short says "truncated").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <public/pvx_trace.h>
#include "pvxtrace.h"

#define CPU_CHANGE_HEADER (TRC_TRACE_CPU_CHANGE | 2U << TRACE_EXTRA_SHIFT)
#define PAGE 4096u


static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* Append one element to a growing array; false when memory runs out. */
static bool grow(void **arr, size_t *n, size_t *cap, size_t elem)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 1024;
        void *p = realloc(*arr, ncap * elem);
        if (p == NULL)
            return false;
        *arr = p;
        *cap = ncap;
    }
    (*n)++;
    return true;
}

/* --- guest records --------------------------------------------------------------------- */

static int parse_guest(const char *name, const uint8_t *p, size_t len, size_t base,
                       struct run *r, char *err, size_t errlen)
{
    size_t cap = 0;

    for (size_t off = 0; off < len; ) {
        size_t left = len - off, size;
        unsigned kind;

        if (left < 2)
            return errf(err, errlen, "%s: truncated: guest record at offset %zu has %zu of "
                        "its first 2 bytes", name, base + off, left);
        kind = p[off];
        size = (size_t)p[off + 1] * 8;
        if (size == 0)
            return errf(err, errlen, "%s: corrupt: guest record of size 0 at offset %zu",
                        name, base + off);
        if (size > left)
            return errf(err, errlen, "%s: truncated: guest record at offset %zu needs %zu "
                        "bytes, %zu left", name, base + off, size, left);
        if (off / PAGE != (off + size - 1) / PAGE)
            return errf(err, errlen, "%s: corrupt: guest record at offset %zu crosses a "
                        "page boundary", name, base + off);
        if (kind == PVX_REC_PAD) {
            off += size;
            continue;
        }
        size_t need = kind == PVX_REC_HYPERCALL || kind == PVX_REC_MC_ENTRY ?
                      sizeof(struct pvx_trec_hypercall) :
                      kind == PVX_REC_MARK ? sizeof(struct pvx_trec) + 8 : sizeof(struct pvx_trec);
        if (size < need)
            return errf(err, errlen, "%s: corrupt: guest record of kind %u at offset %zu is "
                        "%zu bytes, less than its %zu", name, kind, base + off, size, need);
        if (kind > PVX_REC_MARK) {           /* a kind this reader does not know: step over */
            off += size;
            continue;
        }
        if (!grow((void **)&r->g, &r->ng, &cap, sizeof(*r->g)))
            return errf(err, errlen, "%s: out of memory", name);
        struct grec *g = &r->g[r->ng - 1];
        memset(g, 0, sizeof(*g));
        g->kind = (uint8_t)kind;
        g->hook = p[off + 2];
        g->flags = p[off + 3];
        g->arg = get32(p + off + 4);
        g->tsc = get64(p + off + 8);
        if (kind == PVX_REC_HYPERCALL || kind == PVX_REC_MC_ENTRY) {
            g->tsc_after = get64(p + off + 16);
            g->nr = (uint16_t)(p[off + 24] | p[off + 25] << 8);
            g->batch = (uint32_t)(p[off + 26] | p[off + 27] << 8);
            g->rc = (int32_t)get32(p + off + 28);
        } else if (kind == PVX_REC_MARK) {
            size_t n = size - sizeof(struct pvx_trec);
            if (n >= sizeof(g->name))
                n = sizeof(g->name) - 1;
            memcpy(g->name, p + off + sizeof(struct pvx_trec), n);
            g->name[n] = '\0';
        }
        off += size;
    }
    return 0;
}

/* --- xentrace records ------------------------------------------------------------------ */

static int parse_xentrace(const char *name, const uint8_t *p, size_t len, size_t base,
                          struct run *r, char *err, size_t errlen)
{
    size_t cap = 0;

    for (size_t off = 0; off < len; ) {
        uint32_t cpu, bytes;

        if (len - off < 12)
            return errf(err, errlen, "%s: truncated: xentrace window header at offset %zu "
                        "has %zu of its 12 bytes", name, base + off, len - off);
        if (get32(p + off) != CPU_CHANGE_HEADER)
            return errf(err, errlen, "%s: corrupt: expected a TRC_TRACE_CPU_CHANGE record at "
                        "offset %zu, found header %#x", name, base + off, get32(p + off));
        cpu = get32(p + off + 4);
        bytes = get32(p + off + 8);
        off += 12;
        if (bytes > len - off)
            return errf(err, errlen, "%s: truncated: xentrace window at offset %zu says %u "
                        "bytes, %zu left", name, base + off - 12, bytes, len - off);
        for (size_t end = off + bytes; off < end; ) {
            uint32_t hdr;
            size_t size;

            if (end - off < 4)
                return errf(err, errlen, "%s: corrupt: xentrace record at offset %zu crosses "
                            "the end of its window", name, base + off);
            hdr = get32(p + off);
            size = 4 + (hdr & TRC_HD_CYCLE_FLAG ? 8 : 0) +
                   4 * ((hdr >> TRACE_EXTRA_SHIFT) & TRACE_EXTRA_MAX);
            if (size > end - off)
                return errf(err, errlen, "%s: corrupt: xentrace record at offset %zu needs %zu "
                            "bytes, its window has %zu", name, base + off, size, end - off);
            if (!grow((void **)&r->h, &r->nh, &cap, sizeof(*r->h)))
                return errf(err, errlen, "%s: out of memory", name);
            struct hrec *h = &r->h[r->nh - 1];
            const uint8_t *q = p + off + 4;
            memset(h, 0, sizeof(*h));
            h->event = hdr & 0x0fffffffU;
            h->n = (uint8_t)((hdr >> TRACE_EXTRA_SHIFT) & TRACE_EXTRA_MAX);
            h->cpu = (uint16_t)cpu;
            h->has_tsc = (hdr & TRC_HD_CYCLE_FLAG) != 0;
            if (h->has_tsc) {
                h->tsc = get64(q);
                q += 8;
            }
            for (unsigned i = 0; i < h->n; i++)
                h->d[i] = get32(q + 4 * i);
            off += size;
        }
    }
    r->xentrace = malloc(len ? len : 1);
    if (r->xentrace == NULL)
        return errf(err, errlen, "%s: out of memory", name);
    memcpy(r->xentrace, p, len);
    r->xentrace_len = len;
    return 0;
}

/* --- captures -------------------------------------------------------------------------- */

static const uint8_t *find_magic(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 8 <= len; i++)
        if (memcmp(p + i, PVX_TRACE_MAGIC, 8) == 0)
            return p + i;
    return NULL;
}

static void blob_info(struct blob_info *b, const uint8_t *h)
{
    b->present = true;
    b->version = get32(h + 8);
    b->records = get64(h + 24);
    b->lost = get64(h + 32);
    b->first_lost_tsc = get64(h + 40);
    b->tsc_end = get64(h + 48);
    b->platform = get32(h + 56);
    b->flags = get32(h + 60);
    memcpy(b->cmdline, h + 64, 192);
    b->cmdline[192] = '\0';
}

static int parse_capture(const char *name, const uint8_t *buf, size_t len, struct run *r,
                         char *err, size_t errlen)
{
    const size_t hsize = sizeof(struct pvx_trace_blob);
    size_t off = 0;

    while (off < len) {
        const uint8_t *m = find_magic(buf + off, len - off);
        uint32_t version, kind;
        uint64_t size;

        if (m == NULL)
            break;                       /* what is left is not pvx's */
        off = (size_t)(m - buf);
        if (len - off < hsize)
            return errf(err, errlen, "%s: truncated: blob header at offset %zu has %zu of its "
                        "%zu bytes", name, off, len - off, hsize);
        version = get32(m + 8);
        kind = get32(m + 12);
        size = get64(m + 16);
        if (version != PVX_TRACE_VERSION)
            return errf(err, errlen, "%s: blob at offset %zu is format version %u; this reader "
                        "knows version %u", name, off, version, PVX_TRACE_VERSION);
        if (size > len - off - hsize)
            return errf(err, errlen, "%s: truncated: blob at offset %zu says %llu bytes of "
                        "records, %zu follow", name, off, (unsigned long long)size,
                        len - off - hsize);
        if (kind == PVX_TRACE_GUEST) {
            if (r->guest.present)
                return errf(err, errlen, "%s: a second guest blob at offset %zu", name, off);
            blob_info(&r->guest, m);
            if (parse_guest(name, m + hsize, size, off + hsize, r, err, errlen) != 0)
                return -1;
        } else if (kind == PVX_TRACE_HOST) {
            if (r->host.present)
                return errf(err, errlen, "%s: a second host blob at offset %zu", name, off);
            blob_info(&r->host, m);
            if (parse_xentrace(name, m + hsize, size, off + hsize, r, err, errlen) != 0)
                return -1;
        } else {
            return errf(err, errlen, "%s: blob at offset %zu is of unknown kind %u", name, off,
                        kind);
        }
        off += hsize + size;
    }
    return 0;
}

int run_parse(const char *name, const uint8_t *buf, size_t len, struct run *r, char *err,
              size_t errlen)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->path, sizeof(r->path), "%s", name);
    const char *base = strrchr(name, '/');
    snprintf(r->label, sizeof(r->label), "%s", base ? base + 1 : name);
    char *dot = strrchr(r->label, '.');
    if (dot && dot != r->label)
        *dot = '\0';

    if (len == 0)
        return errf(err, errlen, "%s: empty file: no trace in it", name);
    if (len < 8 && memcmp(buf, PVX_TRACE_MAGIC, len) == 0)
        return errf(err, errlen, "%s: truncated: %zu bytes, the start of a blob header",
                    name, len);
    if (len >= 8 && memcmp(buf, PVX_TRACE_MAGIC, 8) == 0) {
        if (parse_capture(name, buf, len, r, err, errlen) != 0)
            return -1;
    } else if (len >= 4 && get32(buf) == CPU_CHANGE_HEADER) {
        r->host.present = true;
        r->host.platform = PVX_PLATFORM_PVX;
        if (parse_xentrace(name, buf, len, 0, r, err, errlen) != 0)
            return -1;
        r->host.records = r->nh;
    } else {
        char bytes[32] = "";
        for (size_t i = 0; i < len && i < 4; i++)
            snprintf(bytes + 3 * i, sizeof(bytes) - 3 * i, "%02x ", buf[i]);
        return errf(err, errlen, "%s: not a pvx trace: it starts with %s(neither the %s magic "
                    "of a debug-console capture nor a xentrace TRC_TRACE_CPU_CHANGE record)",
                    name, bytes, PVX_TRACE_MAGIC);
    }
    if (!r->guest.present && !r->host.present)
        return errf(err, errlen, "%s: no trace blob in it", name);
    return 0;
}

int run_load(const char *path, struct run *r, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    int rc;

    memset(r, 0, sizeof(*r));
    if (f == NULL)
        return errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    do {
        if (cap - len < 65536) {
            uint8_t *p = realloc(buf, cap = cap ? cap * 2 : 1 << 20);
            if (p == NULL) {
                free(buf);
                fclose(f);
                return errf(err, errlen, "%s: out of memory", path);
            }
            buf = p;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return errf(err, errlen, "%s: read error", path);
    }
    fclose(f);
    rc = run_parse(path, buf, len, r, err, errlen);
    free(buf);
    if (rc != 0)
        run_free(r);
    return rc;
}

void run_free(struct run *r)
{
    free(r->g);
    free(r->h);
    free(r->xentrace);
    r->g = NULL;
    r->h = NULL;
    r->xentrace = NULL;
    r->ng = r->nh = r->xentrace_len = 0;
}

int run_write_xentrace(const struct run *r, const char *path, char *err, size_t errlen)
{
    FILE *f;

    if (r->xentrace == NULL)
        return errf(err, errlen, "%s: no host records (a guest-only trace)", r->path);
    f = fopen(path, "wb");
    if (f == NULL)
        return errf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
    if (fwrite(r->xentrace, 1, r->xentrace_len, f) != r->xentrace_len || fclose(f) != 0)
        return errf(err, errlen, "%s: write error", path);
    return 0;
}
