/*
 * The .xz container: stream header, blocks (header, LZMA2 data through lib/lzma2.c, the x86
 * BCJ filter when the chain has it, padding, check), the index and the stream footer.  The
 * file is untrusted: every field is read within the input, every CRC is checked, and the
 * index is held against the blocks actually decoded (count, sizes and a CRC of the records).
 */
#include <stdbool.h>
#include "lib/xz.h"
#include "lib/lzma2.h"
#include "lib/string.h"

#define STREAM_HDR_SIZE 12
#define STREAM_FTR_SIZE 12
#define CHECK_NONE      0x00
#define CHECK_CRC32     0x01
#define CHECK_CRC64     0x04
#define CHECK_SHA256    0x0a
#define FILTER_X86      0x04
#define FILTER_LZMA2    0x21
#define BLOCK_RESERVED  0x3c
#define BLOCK_HAS_CSIZE 0x40
#define BLOCK_HAS_USIZE 0x80

static const uint8_t header_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };

struct xz {
    const uint8_t *in;
    size_t in_len, pos;
    uint8_t *out;
    size_t out_cap, out_pos;
    struct lzma2_work *w;
    struct decomp_result res;
};

/* What the blocks of a stream add up to, and what its index says they do. */
struct index_sum {
    uint64_t count, unpadded, uncompressed;
    uint64_t stored;        /* bytes the blocks take in the file, padding included */
    uint32_t crc;           /* CRC-32 over every (unpadded, uncompressed) pair */
};

static bool fail(struct xz *x, enum decomp_status st, const char *msg)
{
    if (x->res.status == DECOMP_OK) {
        x->res.status = st;
        x->res.msg = msg;
    }
    return false;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void sum_add(struct index_sum *s, uint64_t unpadded, uint64_t uncompressed)
{
    uint8_t rec[16];
    uint64_t padded = (unpadded + 3) & ~3ull;

    put_le64(rec, unpadded);
    put_le64(rec + 8, uncompressed);
    s->crc = crc32_update(s->crc, rec, sizeof(rec));
    s->count++;
    s->unpadded += unpadded;
    s->uncompressed += uncompressed;
    s->stored = padded < unpadded || s->stored + padded < s->stored ? UINT64_MAX
                                                                    : s->stored + padded;
}

enum vli_result { VLI_OK, VLI_CUT, VLI_BAD };

/* A variable-length integer (7 bits a byte, low first, at most 9 bytes, no padding zero). */
static enum vli_result vli(const uint8_t *in, size_t *pos, size_t end, uint64_t *v)
{
    *v = 0;
    for (unsigned i = 0; i < 9; i++) {
        if (*pos >= end)
            return VLI_CUT;
        uint8_t b = in[(*pos)++];
        *v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            return b == 0 && i > 0 ? VLI_BAD : VLI_OK;
    }
    return VLI_BAD;
}

static unsigned check_size(unsigned type)
{
    static const uint8_t size[16] = { 0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64 };
    return size[type & 15];
}

/* The two flag bytes of a stream header or footer; the check type goes to *check. */
static bool stream_flags(struct xz *x, const uint8_t *f, unsigned *check)
{
    if (f[0] != 0 || (f[1] & 0xf0))
        return fail(x, DECOMP_UNSUPPORTED, "xz: unsupported stream flags");
    *check = f[1];
    if (*check == CHECK_NONE || *check == CHECK_CRC32 || *check == CHECK_CRC64)
        return true;
    if (*check == CHECK_SHA256)
        return fail(x, DECOMP_UNSUPPORTED, "xz: SHA-256 check is not supported "
                    "(CRC-32, CRC-64 or none are)");
    return fail(x, DECOMP_UNSUPPORTED, "xz: unknown check type");
}

static bool stream_header(struct xz *x, size_t at, unsigned *check)
{
    const uint8_t *h = x->in + at;

    if (x->in_len - at < STREAM_HDR_SIZE)
        return fail(x, DECOMP_TRUNCATED, "xz: stream header cut short");
    if (memcmp(h, header_magic, sizeof(header_magic)) != 0)
        return fail(x, DECOMP_CORRUPT, "xz: bad magic (not fd 37 7a 58 5a 00)");
    if (crc32_update(0, h + 6, 2) != le32(h + 8))
        return fail(x, DECOMP_BAD_CHECK, "xz: stream header CRC mismatch");
    return stream_flags(x, h + 6, check);
}

static const char *filter_name(uint64_t id)
{
    switch (id) {
    case 0x03: return "xz: unsupported filter: delta";
    case 0x05: return "xz: unsupported filter: PowerPC BCJ";
    case 0x06: return "xz: unsupported filter: IA-64 BCJ";
    case 0x07: return "xz: unsupported filter: ARM BCJ";
    case 0x08: return "xz: unsupported filter: ARM-Thumb BCJ";
    case 0x09: return "xz: unsupported filter: SPARC BCJ";
    case 0x0a: return "xz: unsupported filter: ARM64 BCJ";
    default:   return "xz: unsupported filter: unknown ID";
    }
}

/* The filter chain this decoder runs: an optional x86 BCJ, then LZMA2. */
struct chain {
    bool x86;
    uint32_t x86_start;     /* the BCJ filter's start offset property */
    uint32_t dict_size;
};

static bool filter_flags(struct xz *x, size_t *p, size_t end, bool last, struct chain *c)
{
    uint64_t id, psize;
    if (vli(x->in, p, end, &id) != VLI_OK || vli(x->in, p, end, &psize) != VLI_OK ||
        psize > end - *p)
        return fail(x, DECOMP_CORRUPT, "xz: block header filter flags malformed");
    const uint8_t *prop = x->in + *p;
    *p += psize;
    if (id == FILTER_LZMA2) {
        if (!last)
            return fail(x, DECOMP_CORRUPT, "xz: LZMA2 filter is not last in its chain");
        if (psize != 1 || prop[0] > 40)
            return fail(x, DECOMP_CORRUPT, "xz: invalid LZMA2 dictionary size");
        c->dict_size = prop[0] == 40 ? UINT32_MAX : (2u | (prop[0] & 1)) << (prop[0] / 2 + 11);
        return true;
    }
    if (last)
        return fail(x, DECOMP_CORRUPT, "xz: filter chain does not end with LZMA2");
    if (id != FILTER_X86)
        return fail(x, DECOMP_UNSUPPORTED, filter_name(id));
    if (c->x86)
        return fail(x, DECOMP_UNSUPPORTED, "xz: unsupported filter chain: x86 BCJ twice");
    if (psize != 0 && psize != 4)
        return fail(x, DECOMP_CORRUPT, "xz: invalid x86 BCJ properties");
    c->x86 = true;
    c->x86_start = psize ? le32(prop) : 0;
    return true;
}

/* A block header (its size byte at x->pos is not zero), leaving x->pos at the data. */
static bool block_header(struct xz *x, struct chain *c, uint64_t *csize, uint64_t *usize,
                         size_t *hsize)
{
    size_t start = x->pos;
    *hsize = ((size_t)x->in[start] + 1) * 4;
    if (x->in_len - start < *hsize)
        return fail(x, DECOMP_TRUNCATED, "xz: block header cut short");
    size_t end = start + *hsize - 4, p = start + 2;
    if (crc32_update(0, x->in + start, *hsize - 4) != le32(x->in + end))
        return fail(x, DECOMP_BAD_CHECK, "xz: block header CRC mismatch");
    uint8_t flags = x->in[start + 1];
    if (flags & BLOCK_RESERVED)
        return fail(x, DECOMP_UNSUPPORTED, "xz: reserved block header flags set");
    *csize = *usize = UINT64_MAX;
    if ((flags & BLOCK_HAS_CSIZE) && (vli(x->in, &p, end, csize) != VLI_OK || *csize == 0))
        return fail(x, DECOMP_CORRUPT, "xz: block header compressed size malformed");
    if ((flags & BLOCK_HAS_USIZE) && vli(x->in, &p, end, usize) != VLI_OK)
        return fail(x, DECOMP_CORRUPT, "xz: block header uncompressed size malformed");
    unsigned nfilters = (flags & 3) + 1;
    *c = (struct chain){ 0 };
    for (unsigned i = 0; i < nfilters; i++)
        if (!filter_flags(x, &p, end, i == nfilters - 1, c))
            return false;
    for (; p < end; p++)
        if (x->in[p] != 0)
            return fail(x, DECOMP_CORRUPT, "xz: block header padding is not zero");
    x->pos = start + *hsize;
    return true;
}

static bool bcj_x86_ok_high_byte(uint8_t b)
{
    return b == 0x00 || b == 0xff;
}

/*
 * Undo the x86 BCJ filter over one block's output.  The encoder turned the 32-bit relative
 * operand of each E8 (call) and E9 (jmp) whose top byte is 00 or FF into an absolute address
 * (operand + offset of the next instruction); this subtracts it back.  `prev` remembers
 * which of the three bytes before the scan point were E8/E9 left alone, because an opcode
 * byte inside a just-skipped operand changes how the encoder treated the next one; the
 * rules are the encoder's exactly, so the output matches byte for byte.  The last four
 * bytes are never an operand start.
 */
static void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start)
{
    uint32_t prev = 0;
    size_t next = 0;        /* first position the scan has not yet passed */

    for (size_t i = 0; i + 4 < len; i++) {
        if ((buf[i] & 0xfe) != 0xe8)
            continue;
        size_t gap = i - next;
        if (gap > 2) {
            prev = 0;
        } else {
            prev >>= gap;
            if (prev != 0 && (prev > 4 || prev == 3 ||
                              bcj_x86_ok_high_byte(buf[i + (prev >> 1) + 1]))) {
                prev = (prev >> 1) | 4;
                next = i + 1;
                continue;
            }
        }
        if (!bcj_x86_ok_high_byte(buf[i + 4])) {
            prev = (prev >> 1) | 4;
            next = i + 1;
            continue;
        }
        uint32_t here = start + (uint32_t)i + 5;
        uint32_t v = le32(buf + i + 1) - here;
        if (prev != 0) {
            unsigned shift = (prev & 6) << 2;
            if (bcj_x86_ok_high_byte((uint8_t)(v >> shift)))
                v = (v ^ ((0x100u << shift) - 1)) - here;
        }
        buf[i + 1] = (uint8_t)v;
        buf[i + 2] = (uint8_t)(v >> 8);
        buf[i + 3] = (uint8_t)(v >> 16);
        buf[i + 4] = (uint8_t)(0 - ((v >> 24) & 1));
        prev = 0;
        next = i + 5;
        i += 4;
    }
}

/* The block's check over its output: CRC-32 or CRC-64, little-endian, or nothing. */
static bool block_check(struct xz *x, unsigned check, size_t out_start)
{
    size_t n = check_size(check);
    const uint8_t *want = x->in + x->pos;
    const uint8_t *data = x->out + out_start;
    size_t len = x->out_pos - out_start;

    if (x->in_len - x->pos < n)
        return fail(x, DECOMP_TRUNCATED, "xz: block check cut short");
    x->pos += n;
    if (check == CHECK_CRC32 && crc32_update(0, data, len) != le32(want))
        return fail(x, DECOMP_BAD_CHECK, "xz: block CRC-32 mismatch");
    if (check == CHECK_CRC64 && crc64_update(0, data, len) != le64(want))
        return fail(x, DECOMP_BAD_CHECK, "xz: block CRC-64 mismatch");
    return true;
}

static bool xz_block(struct xz *x, unsigned check, struct index_sum *sum)
{
    size_t start = x->pos, hsize;
    uint64_t csize, usize;
    struct chain c;

    if (!block_header(x, &c, &csize, &usize, &hsize))
        return false;
    size_t data = x->pos, out_start = x->out_pos;
    size_t limit = csize < x->in_len - data ? data + csize : x->in_len;
    if (!lzma2_decode(x->w, c.dict_size, x->in, limit, &x->pos, x->out, x->out_cap,
                      &x->out_pos, &x->res)) {
        if (x->res.status == DECOMP_TRUNCATED && limit < x->in_len)
            x->res = (struct decomp_result){ DECOMP_BAD_CHECK,
                "xz: block data longer than its header's compressed size", 0, 0 };
        return false;
    }
    uint64_t got = x->pos - data, out_len = x->out_pos - out_start;
    if (csize != UINT64_MAX && got != csize)
        return fail(x, DECOMP_BAD_CHECK, "xz: block compressed size differs from its header");
    if (usize != UINT64_MAX && out_len != usize)
        return fail(x, DECOMP_BAD_CHECK, "xz: block uncompressed size differs from its header");
    if (c.x86)
        bcj_x86_decode(x->out + out_start, out_len, c.x86_start);
    for (; (x->pos - start) % 4; x->pos++) {
        if (x->pos >= x->in_len)
            return fail(x, DECOMP_TRUNCATED, "xz: block padding cut short");
        if (x->in[x->pos] != 0)
            return fail(x, DECOMP_CORRUPT, "xz: block padding is not zero");
    }
    if (!block_check(x, check, out_start))
        return false;
    sum_add(sum, hsize + got + check_size(check), out_len);
    return true;
}

/*
 * The index at in[at..end): indicator, record count, (unpadded, uncompressed) records,
 * zero padding to four bytes, CRC-32.  Adds the records to *sum, its size to *size.
 */
static bool parse_index(struct xz *x, size_t at, size_t end, struct index_sum *sum,
                        size_t *size)
{
    size_t p = at + 1;
    uint64_t count, unpadded, uncompressed;
    enum vli_result r = vli(x->in, &p, end, &count);

    for (uint64_t i = 0; r == VLI_OK && i < count; i++) {
        r = vli(x->in, &p, end, &unpadded);
        if (r == VLI_OK)
            r = vli(x->in, &p, end, &uncompressed);
        if (r == VLI_OK && unpadded == 0)
            r = VLI_BAD;
        if (r == VLI_OK)
            sum_add(sum, unpadded, uncompressed);
    }
    if (r == VLI_CUT)
        return fail(x, DECOMP_TRUNCATED, "xz: index cut short");
    if (r == VLI_BAD)
        return fail(x, DECOMP_CORRUPT, "xz: index record malformed");
    for (; (p - at) % 4; p++) {
        if (p >= end)
            return fail(x, DECOMP_TRUNCATED, "xz: index cut short");
        if (x->in[p] != 0)
            return fail(x, DECOMP_CORRUPT, "xz: index padding is not zero");
    }
    if (end - p < 4)
        return fail(x, DECOMP_TRUNCATED, "xz: index CRC cut short");
    if (crc32_update(0, x->in + at, p - at) != le32(x->in + p))
        return fail(x, DECOMP_BAD_CHECK, "xz: index CRC mismatch");
    *size = p + 4 - at;
    return true;
}

/* The stream footer at `at`: CRC, magic, index size and flags as the stream said. */
static bool stream_footer(struct xz *x, size_t at, uint64_t index_size, const uint8_t *flags)
{
    const uint8_t *f = x->in + at;

    if (x->in_len - at < STREAM_FTR_SIZE)
        return fail(x, DECOMP_TRUNCATED, "xz: stream footer cut short");
    if (f[10] != 'Y' || f[11] != 'Z')
        return fail(x, DECOMP_CORRUPT, "xz: bad stream footer magic (not YZ)");
    if (crc32_update(0, f + 4, 6) != le32(f))
        return fail(x, DECOMP_BAD_CHECK, "xz: stream footer CRC mismatch");
    if (((uint64_t)le32(f + 4) + 1) * 4 != index_size)
        return fail(x, DECOMP_CORRUPT, "xz: stream footer's index size is wrong");
    if (f[8] != flags[0] || f[9] != flags[1])
        return fail(x, DECOMP_CORRUPT, "xz: stream footer flags differ from the header's");
    return true;
}

static bool xz_stream(struct xz *x)
{
    size_t start = x->pos, index_size;
    struct index_sum blocks = { 0 }, index = { 0 };
    unsigned check;

    if (!stream_header(x, start, &check))
        return false;
    x->pos += STREAM_HDR_SIZE;
    for (;;) {
        if (x->pos >= x->in_len)
            return fail(x, DECOMP_TRUNCATED, "xz: stream ends before its index");
        if (x->in[x->pos] == 0)
            break;
        if (!xz_block(x, check, &blocks))
            return false;
    }
    if (!parse_index(x, x->pos, x->in_len, &index, &index_size))
        return false;
    if (index.count != blocks.count || index.unpadded != blocks.unpadded ||
        index.uncompressed != blocks.uncompressed || index.crc != blocks.crc)
        return fail(x, DECOMP_BAD_CHECK, "xz: index does not match the blocks");
    x->pos += index_size;
    if (!stream_footer(x, x->pos, index_size, x->in + start + 6))
        return false;
    x->pos += STREAM_FTR_SIZE;
    return true;
}

static bool work_ok(const void *work, size_t work_size)
{
    return work && work_size >= DECOMP_WORK_SIZE && ((uintptr_t)work % DECOMP_WORK_ALIGN) == 0;
}

struct decomp_result xz_decompress(const void *in, size_t in_len, void *out, size_t out_cap,
                                   void *work, size_t work_size)
{
    struct xz x = {
        .in = in, .in_len = in_len, .out = out, .out_cap = out_cap, .w = work,
        .res = { .status = DECOMP_OK, .msg = "ok" },
    };

    if (!work_ok(work, work_size))
        fail(&x, DECOMP_BAD_ARGS, "xz: work area too small or misaligned");
    else if (in_len == 0)
        fail(&x, DECOMP_TRUNCATED, "xz: empty input");
    while (x.res.status == DECOMP_OK && x.pos < in_len && xz_stream(&x)) {
        size_t pad = x.pos;
        while (x.pos < in_len && x.in[x.pos] == 0)
            x.pos++;
        if ((x.pos - pad) % 4)
            fail(&x, DECOMP_CORRUPT, "xz: stream padding is not a multiple of four bytes");
    }
    x.res.in_pos = x.pos;
    x.res.out_len = x.out_pos;
    return x.res;
}

/* One stream ending at `end`, read backwards: footer, index, then its header. */
static bool stream_size_backward(struct xz *x, size_t *end, uint64_t *total)
{
    struct index_sum sum = { 0 };
    size_t index_size;
    unsigned check;

    if (*end < STREAM_HDR_SIZE + 8 + STREAM_FTR_SIZE)
        return fail(x, DECOMP_TRUNCATED, "xz: too short for a stream");
    size_t ftr = *end - STREAM_FTR_SIZE;
    const uint8_t *f = x->in + ftr;
    if (f[10] != 'Y' || f[11] != 'Z')
        return fail(x, DECOMP_CORRUPT, "xz: does not end with a stream footer");
    if (crc32_update(0, f + 4, 6) != le32(f))
        return fail(x, DECOMP_BAD_CHECK, "xz: stream footer CRC mismatch");
    if (!stream_flags(x, f + 8, &check))
        return false;
    uint64_t want = ((uint64_t)le32(f + 4) + 1) * 4;
    if (want > ftr - STREAM_HDR_SIZE)
        return fail(x, DECOMP_CORRUPT, "xz: stream footer's index size is wrong");
    size_t idx = ftr - (size_t)want;
    if (x->in[idx] != 0)
        return fail(x, DECOMP_CORRUPT, "xz: no index where the stream footer says");
    if (!parse_index(x, idx, ftr, &sum, &index_size))
        return false;
    if (index_size != want)
        return fail(x, DECOMP_CORRUPT, "xz: stream footer's index size is wrong");
    if (sum.stored > idx - STREAM_HDR_SIZE)
        return fail(x, DECOMP_CORRUPT, "xz: index records more data than the file holds");
    size_t start = idx - (size_t)sum.stored - STREAM_HDR_SIZE;
    if (!stream_header(x, start, &check))
        return false;
    if (x->in[start + 6] != f[8] || x->in[start + 7] != f[9])
        return fail(x, DECOMP_CORRUPT, "xz: stream footer flags differ from the header's");
    if (*total + sum.uncompressed < *total)
        return fail(x, DECOMP_CORRUPT, "xz: total size overflows");
    *total += sum.uncompressed;
    *end = start;
    return true;
}

struct decomp_result xz_size(const void *in, size_t in_len, uint64_t *size)
{
    struct xz x = { .in = in, .in_len = in_len, .res = { .status = DECOMP_OK, .msg = "ok" } };
    size_t end = in_len;
    uint64_t total = 0;

    if (in_len == 0)
        fail(&x, DECOMP_TRUNCATED, "xz: empty input");
    while (x.res.status == DECOMP_OK && end > 0) {
        size_t pad = end;
        while (end >= 4 && le32(x.in + end - 4) == 0)
            end -= 4;
        if (end == 0 || (pad != end && end < STREAM_FTR_SIZE))
            fail(&x, DECOMP_CORRUPT, "xz: only stream padding");
        else
            stream_size_backward(&x, &end, &total);
    }
    if (x.res.status == DECOMP_OK)
        *size = total;
    x.res.in_pos = end;
    return x.res;
}
