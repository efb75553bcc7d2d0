/*
 * gzip and deflate (RFC 1952, RFC 1951), one whole input to one whole output.  Every byte
 * read is bounds-checked against the input and every byte written against the output; a
 * code, length or distance the RFC forbids stops decoding with a message.  Huffman codes are
 * decoded through a 9-bit lookup table, and bit by bit in canonical order past that.
 */
#include <stdbool.h>
#include "lib/inflate.h"
#include "lib/string.h"

#define MAX_BITS    15      /* longest deflate code */
#define FAST_BITS   9       /* codes up to this long decode in one table lookup */
#define NUM_LITLEN  288     /* 286 usable, 2 reserved that fixed codes still assign */
#define NUM_DIST    30
#define NUM_CLEN    19

/*
 * A canonical Huffman code.  fast[] is indexed by the next FAST_BITS input bits (deflate
 * sends codes most significant bit first into a least-significant-first stream, so the
 * index holds the code bit-reversed): entry = symbol << 4 | length, 0 when the code there
 * is longer than FAST_BITS (or unused).  count[len] and sym[] (symbols sorted by code) are
 * the canonical description the slow path walks.
 */
struct huffman {
    uint16_t fast[1u << FAST_BITS];
    uint16_t count[MAX_BITS + 1];
    uint16_t sym[NUM_LITLEN];
};

struct inflate_work {
    struct huffman litlen, dist;
};

_Static_assert(sizeof(struct inflate_work) <= DECOMP_WORK_SIZE, "inflate work area");

struct inflater {
    const uint8_t *in;
    size_t in_len, in_pos;      /* in_pos: bytes moved into `bits` so far */
    uint64_t bits;              /* input bits not yet used, next one in bit 0 */
    unsigned nbits;
    uint8_t *out;
    size_t out_cap, out_pos;
    size_t window_start;        /* this member's first output byte: no match reaches before */
    struct inflate_work *w;
    struct decomp_result res;
};

/* Record the first error; returns false so callers can `return fail(...)`. */
static bool fail(struct inflater *s, enum decomp_status st, const char *msg)
{
    if (s->res.status == DECOMP_OK) {
        s->res.status = st;
        s->res.msg = msg;
    }
    return false;
}

static void refill(struct inflater *s)
{
    while (s->nbits <= 56 && s->in_pos < s->in_len) {
        s->bits |= (uint64_t)s->in[s->in_pos++] << s->nbits;
        s->nbits += 8;
    }
}

/* Take n (<= 32) bits into *v, least significant first; false if the input ends first. */
static bool get_bits(struct inflater *s, unsigned n, unsigned *v)
{
    if (s->nbits < n)
        refill(s);
    if (s->nbits < n)
        return fail(s, DECOMP_TRUNCATED, "gzip: deflate data ends early");
    *v = (unsigned)(s->bits & ((1ull << n) - 1));
    s->bits >>= n;
    s->nbits -= n;
    return true;
}

/* Drop the bits up to the next byte boundary and give back whole unused bytes, so in_pos
 * is again the next byte to read (for stored blocks and the gzip trailer). */
static void align_to_byte(struct inflater *s)
{
    s->in_pos -= s->nbits / 8;
    s->bits = 0;
    s->nbits = 0;
}

/*
 * Build code h from the lengths of n symbols (0 = unused).  Refused: an over-subscribed
 * set, and an incomplete one unless it is at most one code of length 1 (RFC 1951 allows a
 * lone distance code; the code-length code must be complete).  No codes at all is kept:
 * decoding with it then fails, which is right for a block that never uses distances.
 */
static bool huffman_build(struct inflater *s, struct huffman *h, const uint8_t *len,
                          unsigned n, bool may_be_lone)
{
    uint16_t next[MAX_BITS + 2];
    int left = 1;
    unsigned longest = 0;

    for (unsigned l = 0; l <= MAX_BITS; l++)
        h->count[l] = 0;
    for (unsigned i = 0; i < n; i++)
        h->count[len[i]]++;
    for (unsigned l = 1; l <= MAX_BITS; l++) {
        left = left * 2 - h->count[l];
        if (left < 0)
            return fail(s, DECOMP_CORRUPT, "gzip: over-subscribed Huffman code lengths");
        if (h->count[l])
            longest = l;
    }
    if (left > 0 && !(may_be_lone && longest <= 1))
        return fail(s, DECOMP_CORRUPT, "gzip: incomplete Huffman code lengths");

    /* next[l]: index in sym[] of the first code of length l. */
    next[1] = 0;
    for (unsigned l = 1; l <= MAX_BITS; l++)
        next[l + 1] = next[l] + h->count[l];
    for (unsigned i = 0; i < n; i++)
        if (len[i])
            h->sym[next[len[i]]++] = (uint16_t)i;

    for (unsigned i = 0; i < (1u << FAST_BITS); i++)
        h->fast[i] = 0;
    /* Walk the codes in canonical order: code is the current code value, msb first. */
    unsigned code = 0, k = 0;
    for (unsigned l = 1; l <= FAST_BITS; l++, code <<= 1) {
        for (unsigned c = 0; c < h->count[l]; c++, code++, k++) {
            unsigned rev = 0;
            for (unsigned b = 0; b < l; b++)
                rev |= ((code >> b) & 1u) << (l - 1 - b);
            for (unsigned j = rev; j < (1u << FAST_BITS); j += 1u << l)
                h->fast[j] = (uint16_t)(h->sym[k] << 4 | l);
        }
    }
    return true;
}

/* The slow path: one bit at a time, comparing against the first code of each length. */
static bool decode_slow(struct inflater *s, const struct huffman *h, unsigned *sym)
{
    unsigned code = 0, first = 0, index = 0, bit;

    for (unsigned l = 1; l <= MAX_BITS; l++) {
        if (!get_bits(s, 1, &bit))
            return false;
        code |= bit;
        if (code - first < h->count[l]) {
            *sym = h->sym[index + code - first];
            return true;
        }
        index += h->count[l];
        first = (first + h->count[l]) << 1;
        code <<= 1;
    }
    return fail(s, DECOMP_CORRUPT, "gzip: invalid Huffman code");
}

static bool decode(struct inflater *s, const struct huffman *h, unsigned *sym)
{
    if (s->nbits < MAX_BITS)
        refill(s);
    unsigned e = h->fast[s->bits & ((1u << FAST_BITS) - 1)];
    unsigned l = e & 15;

    if (e == 0 || l > s->nbits)
        return decode_slow(s, h, sym);
    s->bits >>= l;
    s->nbits -= l;
    *sym = e >> 4;
    return true;
}

/* RFC 1951 3.2.5: lengths 257..285 and distances 0..29, base and extra bits. */
static const uint16_t len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[NUM_DIST] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[NUM_DIST] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
    9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* Copy a match of len bytes from dist back; the two may overlap (a run), so bytewise. */
static bool copy_match(struct inflater *s, unsigned len, unsigned dist)
{
    if (dist > s->out_pos - s->window_start)
        return fail(s, DECOMP_CORRUPT, "gzip: distance reaches before the start of the data");
    if (len > s->out_cap - s->out_pos)
        return fail(s, DECOMP_NO_SPACE, "gzip: output larger than the buffer");
    uint8_t *d = s->out + s->out_pos;
    const uint8_t *from = d - dist;
    for (unsigned i = 0; i < len; i++)
        d[i] = from[i];
    s->out_pos += len;
    return true;
}

/* The symbols of one Huffman-coded block, up to and including end-of-block. */
static bool inflate_codes(struct inflater *s)
{
    const struct huffman *lit = &s->w->litlen, *dist = &s->w->dist;
    unsigned sym, extra, dsym;

    for (;;) {
        if (!decode(s, lit, &sym))
            return false;
        if (sym < 256) {
            if (s->out_pos == s->out_cap)
                return fail(s, DECOMP_NO_SPACE, "gzip: output larger than the buffer");
            s->out[s->out_pos++] = (uint8_t)sym;
            continue;
        }
        if (sym == 256)
            return true;
        sym -= 257;
        if (sym >= 29)
            return fail(s, DECOMP_CORRUPT, "gzip: invalid length symbol (286 or 287)");
        if (!get_bits(s, len_extra[sym], &extra))
            return false;
        unsigned len = len_base[sym] + extra;
        if (!decode(s, dist, &dsym))
            return false;
        if (dsym >= NUM_DIST)
            return fail(s, DECOMP_CORRUPT, "gzip: invalid distance symbol (30 or 31)");
        if (!get_bits(s, dist_extra[dsym], &extra))
            return false;
        if (!copy_match(s, len, dist_base[dsym] + extra))
            return false;
    }
}

static bool inflate_stored(struct inflater *s)
{
    align_to_byte(s);
    if (s->in_len - s->in_pos < 4)
        return fail(s, DECOMP_TRUNCATED, "gzip: stored block header cut short");
    const uint8_t *p = s->in + s->in_pos;
    unsigned len = p[0] | p[1] << 8, nlen = p[2] | p[3] << 8;
    if (len != (~nlen & 0xffff))
        return fail(s, DECOMP_CORRUPT, "gzip: stored block length check (NLEN) fails");
    s->in_pos += 4;
    if (s->in_len - s->in_pos < len)
        return fail(s, DECOMP_TRUNCATED, "gzip: stored block cut short");
    if (s->out_cap - s->out_pos < len)
        return fail(s, DECOMP_NO_SPACE, "gzip: output larger than the buffer");
    memcpy(s->out + s->out_pos, s->in + s->in_pos, len);
    s->in_pos += len;
    s->out_pos += len;
    return true;
}

static bool inflate_fixed(struct inflater *s)
{
    uint8_t len[NUM_LITLEN];
    unsigned i = 0;

    for (; i < 144; i++)
        len[i] = 8;
    for (; i < 256; i++)
        len[i] = 9;
    for (; i < 280; i++)
        len[i] = 7;
    for (; i < NUM_LITLEN; i++)
        len[i] = 8;
    if (!huffman_build(s, &s->w->litlen, len, NUM_LITLEN, false))
        return false;
    for (i = 0; i < 32; i++)        /* 32 five-bit codes; 30 and 31 are refused when used */
        len[i] = 5;
    return huffman_build(s, &s->w->dist, len, 32, false) && inflate_codes(s);
}

/* Code lengths of a dynamic block, sent with the code-length code (RFC 1951 3.2.7). */
static bool read_lengths(struct inflater *s, const struct huffman *clen, uint8_t *len,
                         unsigned n)
{
    unsigned i = 0, sym, rep;
    uint8_t fill;

    while (i < n) {
        if (!decode(s, clen, &sym))
            return false;
        if (sym < 16) {
            len[i++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (i == 0)
                return fail(s, DECOMP_CORRUPT, "gzip: repeat of a code length with none before");
            fill = len[i - 1];
            if (!get_bits(s, 2, &rep))
                return false;
            rep += 3;
        } else {
            fill = 0;
            if (!get_bits(s, sym == 17 ? 3 : 7, &rep))
                return false;
            rep += sym == 17 ? 3 : 11;
        }
        if (rep > n - i)
            return fail(s, DECOMP_CORRUPT, "gzip: code lengths repeat past the end");
        while (rep--)
            len[i++] = fill;
    }
    return true;
}

static bool inflate_dynamic(struct inflater *s)
{
    static const uint8_t clen_order[NUM_CLEN] = {
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
    uint8_t len[NUM_LITLEN + 32];
    unsigned hlit, hdist, hclen, v;

    if (!get_bits(s, 5, &hlit) || !get_bits(s, 5, &hdist) || !get_bits(s, 4, &hclen))
        return false;
    hlit += 257;
    hdist += 1;
    hclen += 4;
    if (hlit > 286 || hdist > NUM_DIST)
        return fail(s, DECOMP_CORRUPT, "gzip: too many length or distance codes");
    for (unsigned i = 0; i < NUM_CLEN; i++) {
        v = 0;
        if (i < hclen && !get_bits(s, 3, &v))
            return false;
        len[clen_order[i]] = (uint8_t)v;
    }
    /* The code-length code lives in `dist` until the real distance code replaces it. */
    if (!huffman_build(s, &s->w->dist, len, NUM_CLEN, false))
        return false;
    if (!read_lengths(s, &s->w->dist, len, hlit + hdist))
        return false;
    if (len[256] == 0)
        return fail(s, DECOMP_CORRUPT, "gzip: block has no end-of-block code");
    return huffman_build(s, &s->w->litlen, len, hlit, true) &&
           huffman_build(s, &s->w->dist, len + hlit, hdist, true) && inflate_codes(s);
}

/* One deflate stream: blocks until the one marked final. */
static bool inflate_stream(struct inflater *s)
{
    unsigned final, type;

    do {
        if (!get_bits(s, 1, &final) || !get_bits(s, 2, &type))
            return false;
        bool ok;
        switch (type) {
        case 0: ok = inflate_stored(s); break;
        case 1: ok = inflate_fixed(s); break;
        case 2: ok = inflate_dynamic(s); break;
        default: ok = fail(s, DECOMP_CORRUPT, "gzip: reserved block type 3");
        }
        if (!ok)
            return false;
    } while (!final);
    align_to_byte(s);
    return true;
}

#define GZ_FTEXT    0x01
#define GZ_FHCRC    0x02
#define GZ_FEXTRA   0x04
#define GZ_FNAME    0x08
#define GZ_FCOMMENT 0x10
#define GZ_FRESERVED 0xe0

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Skip a zero-terminated header field (file name, comment). */
static bool skip_string(struct inflater *s)
{
    while (s->in_pos < s->in_len)
        if (s->in[s->in_pos++] == 0)
            return true;
    return fail(s, DECOMP_TRUNCATED, "gzip: header ends inside the name or comment");
}

/* The member header (RFC 1952 2.3.1), leaving in_pos at the deflate data. */
static bool gzip_header(struct inflater *s)
{
    size_t start = s->in_pos;
    const uint8_t *h = s->in + start;

    if (s->in_len - start < 10)
        return fail(s, DECOMP_TRUNCATED, "gzip: header cut short");
    if (h[0] != 0x1f || h[1] != 0x8b)
        return fail(s, DECOMP_CORRUPT, "gzip: bad magic (not 1f 8b)");
    if (h[2] != 8)
        return fail(s, DECOMP_UNSUPPORTED, "gzip: compression method is not deflate (8)");
    if (h[3] & GZ_FRESERVED)
        return fail(s, DECOMP_CORRUPT, "gzip: reserved header flag set");
    s->in_pos += 10;
    if (h[3] & GZ_FEXTRA) {
        if (s->in_len - s->in_pos < 2)
            return fail(s, DECOMP_TRUNCATED, "gzip: header cut short in the extra field");
        size_t xlen = s->in[s->in_pos] | s->in[s->in_pos + 1] << 8;
        s->in_pos += 2;
        if (s->in_len - s->in_pos < xlen)
            return fail(s, DECOMP_TRUNCATED, "gzip: header cut short in the extra field");
        s->in_pos += xlen;
    }
    if ((h[3] & GZ_FNAME) && !skip_string(s))
        return false;
    if ((h[3] & GZ_FCOMMENT) && !skip_string(s))
        return false;
    if (h[3] & GZ_FHCRC) {
        if (s->in_len - s->in_pos < 2)
            return fail(s, DECOMP_TRUNCATED, "gzip: header cut short in its CRC");
        uint32_t crc = crc32_update(0, h, s->in_pos - start);
        const uint8_t *p = s->in + s->in_pos;
        if ((crc & 0xffff) != (unsigned)(p[0] | p[1] << 8))
            return fail(s, DECOMP_BAD_CHECK, "gzip: header CRC mismatch");
        s->in_pos += 2;
    }
    return true;
}

/* One member: header, deflate stream, CRC-32 and ISIZE of what it produced. */
static bool gzip_member(struct inflater *s)
{
    if (!gzip_header(s))
        return false;
    s->window_start = s->out_pos;
    s->bits = 0;
    s->nbits = 0;
    if (!inflate_stream(s))
        return false;
    if (s->in_len - s->in_pos < 8)
        return fail(s, DECOMP_TRUNCATED, "gzip: trailer (CRC-32, ISIZE) cut short");
    const uint8_t *t = s->in + s->in_pos;
    size_t n = s->out_pos - s->window_start;
    if (crc32_update(0, s->out + s->window_start, n) != le32(t))
        return fail(s, DECOMP_BAD_CHECK, "gzip: CRC-32 of the data mismatch");
    if ((uint32_t)n != le32(t + 4))
        return fail(s, DECOMP_BAD_CHECK, "gzip: size (ISIZE) mismatch");
    s->in_pos += 8;
    return true;
}

/* After a member: another one, or the start of one cut short (reported as truncated). */
static bool next_is_member(const struct inflater *s)
{
    size_t left = s->in_len - s->in_pos;
    const uint8_t *p = s->in + s->in_pos;

    return p[0] == 0x1f && (left < 2 || p[1] == 0x8b);
}

static bool work_ok(const void *work, size_t work_size)
{
    return work && work_size >= DECOMP_WORK_SIZE && ((uintptr_t)work % DECOMP_WORK_ALIGN) == 0;
}

struct decomp_result gzip_decompress(const void *in, size_t in_len, void *out, size_t out_cap,
                                     void *work, size_t work_size)
{
    struct inflater s = {
        .in = in, .in_len = in_len, .out = out, .out_cap = out_cap, .w = work,
        .res = { .status = DECOMP_OK, .msg = "ok" },
    };

    if (!work_ok(work, work_size))
        fail(&s, DECOMP_BAD_ARGS, "gzip: work area too small or misaligned");
    else if (in_len == 0)
        fail(&s, DECOMP_TRUNCATED, "gzip: empty input");
    while (s.res.status == DECOMP_OK && s.in_pos < s.in_len) {
        if (s.in_pos > 0 && !next_is_member(&s))
            fail(&s, DECOMP_CORRUPT, "gzip: data after the last member is not a gzip member");
        else
            gzip_member(&s);
    }
    s.res.in_pos = s.in_pos;
    s.res.out_len = s.out_pos;
    return s.res;
}

struct decomp_result gzip_size(const void *in, size_t in_len, uint64_t *size)
{
    const uint8_t *p = in;
    struct decomp_result r = { .status = DECOMP_OK, .msg = "ok" };

    if (in_len < 18) {
        r.status = DECOMP_TRUNCATED;
        r.msg = "gzip: shorter than a header and trailer";
    } else if (p[0] != 0x1f || p[1] != 0x8b) {
        r.status = DECOMP_CORRUPT;
        r.msg = "gzip: bad magic (not 1f 8b)";
    } else {
        *size = le32(p + in_len - 4);
    }
    return r;
}
