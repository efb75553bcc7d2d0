/*
 * LZMA2: a sequence of chunks, each either stored bytes or LZMA data under its own range
 * coder, with control bytes that reset the dictionary, the model or its properties.  The
 * whole output is in memory, so it is the dictionary: a match copies from earlier output.
 * Untrusted input: a range coder that reads past its chunk, a distance before the last
 * dictionary reset or beyond dict_size, or a match longer than its chunk stops decoding.
 */
#include "lib/lzma2.h"
#include "lib/string.h"

#define PROB_BITS   11
#define PROB_INIT   (1u << (PROB_BITS - 1))     /* probability 0.5 */
#define MOVE_BITS   5
#define RC_TOP      (1u << 24)

#define NUM_STATES      12
#define LIT_STATES      7       /* states below this last coded a literal */
#define MATCH_MIN       2
#define END_SLOT_MODEL  14      /* slots from here code low bits directly + 4 align bits */
#define END_MARKER      0xffffffffu

_Static_assert(sizeof(struct lzma2_work) <= DECOMP_WORK_SIZE, "lzma2 work area");

/* The range decoder of one chunk: it may read only in[pos..end). */
struct rc {
    uint32_t range, code;
    const uint8_t *in;
    size_t pos, end;
    bool overrun;   /* wanted a byte past end; checked once per symbol */
};

struct lzma {
    struct lzma_probs *p;
    unsigned lc, lp, pb, state;
    uint32_t rep[4];        /* the last four distances, minus one as coded */
    uint8_t *out;
    size_t out_pos;
    size_t dict_start;      /* output position of the last dictionary reset */
    uint32_t dict_size;
};

static void rc_normalize(struct rc *rc)
{
    if (rc->range < RC_TOP) {
        rc->range <<= 8;
        rc->code <<= 8;
        if (rc->pos < rc->end)
            rc->code |= rc->in[rc->pos++];
        else
            rc->overrun = true;
    }
}

/* One bit coded with adaptive probability *p (of a 0), which it then updates. */
static inline unsigned rc_bit(struct rc *rc, uint16_t *p)
{
    rc_normalize(rc);
    uint32_t bound = (rc->range >> PROB_BITS) * *p;
    if (rc->code < bound) {
        rc->range = bound;
        *p += ((1u << PROB_BITS) - *p) >> MOVE_BITS;
        return 0;
    }
    rc->range -= bound;
    rc->code -= bound;
    *p -= *p >> MOVE_BITS;
    return 1;
}

/* A bits-wide symbol, most significant bit first, through the binary tree probs[1..]. */
static unsigned rc_tree(struct rc *rc, uint16_t *probs, unsigned bits)
{
    unsigned m = 1;

    for (unsigned i = 0; i < bits; i++)
        m = (m << 1) | rc_bit(rc, &probs[m]);
    return m - (1u << bits);
}

/* The same, least significant bit first (distance low bits). */
static unsigned rc_tree_reverse(struct rc *rc, uint16_t *probs, unsigned bits)
{
    unsigned m = 1, sym = 0;

    for (unsigned i = 0; i < bits; i++) {
        unsigned b = rc_bit(rc, &probs[m]);
        m = (m << 1) | b;
        sym |= b << i;
    }
    return sym;
}

/* Bits at a fixed probability of one half. */
static uint32_t rc_direct(struct rc *rc, unsigned bits)
{
    uint32_t v = 0;

    while (bits--) {
        rc_normalize(rc);
        rc->range >>= 1;
        uint32_t b = rc->code >= rc->range;
        if (b)
            rc->code -= rc->range;
        v = (v << 1) | b;
    }
    return v;
}

/* Every chunk of LZMA data starts its own coder: a zero byte, then the 32-bit code. */
static bool rc_init(struct rc *rc, const uint8_t *in, size_t pos, size_t end)
{
    rc->in = in;
    rc->pos = pos + 5;
    rc->end = end;
    rc->overrun = false;
    rc->range = 0xffffffffu;
    rc->code = (uint32_t)in[pos + 1] << 24 | in[pos + 2] << 16 | in[pos + 3] << 8 | in[pos + 4];
    return in[pos] == 0 && rc->code != 0xffffffffu;
}

static void lzma_reset_state(struct lzma *z)
{
    size_t n = offsetof(struct lzma_probs, literal) / sizeof(uint16_t) +
               (sizeof(z->p->literal[0]) / sizeof(uint16_t) << (z->lc + z->lp));
    uint16_t *p = (uint16_t *)z->p;

    for (size_t i = 0; i < n; i++)
        p[i] = PROB_INIT;
    z->state = 0;
    z->rep[0] = z->rep[1] = z->rep[2] = z->rep[3] = 0;
}

static void lzma_literal(struct lzma *z, struct rc *rc, size_t pos)
{
    unsigned prev = pos > 0 ? z->out[z->out_pos - 1] : 0;
    unsigned ctx = ((unsigned)(pos & ((1u << z->lp) - 1)) << z->lc) + (prev >> (8 - z->lc));
    uint16_t *probs = z->p->literal[ctx];
    unsigned sym = 1;

    if (z->state >= LIT_STATES) {
        /* After a match the byte at rep0 predicts this one, bit by bit, until they differ. */
        unsigned match = z->out[z->out_pos - z->rep[0] - 1];
        do {
            unsigned mbit = (match >> 7) & 1;
            match <<= 1;
            unsigned bit = rc_bit(rc, &probs[((1 + mbit) << 8) + sym]);
            sym = (sym << 1) | bit;
            if (bit != mbit)
                break;
        } while (sym < 0x100);
    }
    while (sym < 0x100)
        sym = (sym << 1) | rc_bit(rc, &probs[sym]);
    z->out[z->out_pos++] = (uint8_t)sym;
    z->state = z->state < 4 ? 0 : z->state < 10 ? z->state - 3 : z->state - 6;
}

/* A match length, 2..273. */
static unsigned lzma_len(struct rc *rc, struct lzma_len_probs *l, unsigned ps)
{
    if (!rc_bit(rc, &l->choice))
        return MATCH_MIN + rc_tree(rc, l->low[ps], 3);
    if (!rc_bit(rc, &l->choice2))
        return MATCH_MIN + 8 + rc_tree(rc, l->mid[ps], 3);
    return MATCH_MIN + 16 + rc_tree(rc, l->high, 8);
}

/* A new distance (minus one) for a match of length len: a 6-bit slot, then its low bits. */
static uint32_t lzma_dist(struct lzma *z, struct rc *rc, unsigned len)
{
    unsigned lstate = len - MATCH_MIN < 3 ? len - MATCH_MIN : 3;
    unsigned slot = rc_tree(rc, z->p->dist_slot[lstate], 6);

    if (slot < 4)
        return slot;
    unsigned nbits = (slot >> 1) - 1;
    uint32_t dist = (2u | (slot & 1)) << nbits;
    if (slot < END_SLOT_MODEL)
        return dist + rc_tree_reverse(rc, z->p->dist_special + dist - slot, nbits);
    dist += rc_direct(rc, nbits - 4) << 4;
    return dist + rc_tree_reverse(rc, z->p->align, 4);
}

/* Decode one symbol after is_match said "match"; returns its length, or 0 when corrupt. */
static unsigned lzma_match(struct lzma *z, struct rc *rc, unsigned ps)
{
    struct lzma_probs *p = z->p;
    unsigned s = z->state, len;

    if (!rc_bit(rc, &p->is_rep[s])) {
        z->rep[3] = z->rep[2];
        z->rep[2] = z->rep[1];
        z->rep[1] = z->rep[0];
        len = lzma_len(rc, &p->match_len, ps);
        z->state = s < LIT_STATES ? 7 : 10;
        z->rep[0] = lzma_dist(z, rc, len);
        return z->rep[0] == END_MARKER ? 0 : len;
    }
    if (!rc_bit(rc, &p->is_rep_g0[s])) {
        if (!rc_bit(rc, &p->is_rep0_long[s][ps])) {
            z->state = s < LIT_STATES ? 9 : 11;     /* "short rep": one byte at rep0 */
            return 1;
        }
    } else {
        uint32_t dist;
        if (!rc_bit(rc, &p->is_rep_g1[s])) {
            dist = z->rep[1];
        } else {
            if (!rc_bit(rc, &p->is_rep_g2[s])) {
                dist = z->rep[2];
            } else {
                dist = z->rep[3];
                z->rep[3] = z->rep[2];
            }
            z->rep[2] = z->rep[1];
        }
        z->rep[1] = z->rep[0];
        z->rep[0] = dist;
    }
    z->state = s < LIT_STATES ? 8 : 11;
    return lzma_len(rc, &p->rep_len, ps);
}

static bool fail_with(struct decomp_result *res, enum decomp_status st, const char *msg)
{
    res->status = st;
    res->msg = msg;
    return false;
}

static bool corrupt(struct decomp_result *res, const char *msg)
{
    return fail_with(res, DECOMP_CORRUPT, msg);
}

/* One LZMA chunk: exactly `unpacked` bytes of output from in[pos..end). */
static bool lzma_chunk(struct lzma *z, const uint8_t *in, size_t pos, size_t end,
                       size_t unpacked, struct decomp_result *res)
{
    struct rc rc;
    size_t out_end = z->out_pos + unpacked;

    if (end - pos < 5 || !rc_init(&rc, in, pos, end))
        return corrupt(res, "xz: LZMA chunk has a bad range coder start");
    while (z->out_pos < out_end) {
        size_t dpos = z->out_pos - z->dict_start;
        unsigned ps = (unsigned)(dpos & ((1u << z->pb) - 1));

        if (rc.overrun)
            return corrupt(res, "xz: LZMA chunk reads past its compressed size");
        if (z->state >= LIT_STATES && z->rep[0] >= dpos)
            return corrupt(res, "xz: LZMA distance reaches before the dictionary");
        if (!rc_bit(&rc, &z->p->is_match[z->state][ps])) {
            lzma_literal(z, &rc, dpos);
            continue;
        }
        unsigned len = lzma_match(z, &rc, ps);
        if (len == 0)
            return corrupt(res, "xz: LZMA end marker inside LZMA2 data");
        if (z->rep[0] >= dpos || z->rep[0] >= z->dict_size)
            return corrupt(res, "xz: LZMA distance reaches before the dictionary");
        if (len > out_end - z->out_pos)
            return corrupt(res, "xz: LZMA match runs past the end of its chunk");
        uint8_t *d = z->out + z->out_pos;
        const uint8_t *from = d - z->rep[0] - 1;
        for (unsigned i = 0; i < len; i++)
            d[i] = from[i];
        z->out_pos += len;
    }
    rc_normalize(&rc);
    if (rc.overrun || rc.pos != rc.end || rc.code != 0)
        return corrupt(res, "xz: LZMA chunk does not end where its compressed size says");
    return true;
}

/* The properties byte: (pb * 5 + lp) * 9 + lc, with lc + lp <= 4 in LZMA2. */
static bool lzma_props(struct lzma *z, uint8_t b)
{
    if (b >= 9 * 5 * 5)
        return false;
    z->lc = b % 9;
    z->lp = (b / 9) % 5;
    z->pb = b / 45;
    return z->lc + z->lp <= 4;
}

/* Control bytes: 0 ends; 1 and 2 are stored chunks (1 resets the dictionary); 0x80 and up
 * are LZMA chunks whose bits 5-6 say what to reset (1 state, 2 also new properties, 3 also
 * the dictionary) and bits 0-4 are bits 16-20 of the output size minus one. */
#define CTL_END         0x00
#define CTL_STORED_RESET 0x01
#define CTL_STORED      0x02
#define CTL_LZMA        0x80
#define CTL_STATE_RESET 0xa0
#define CTL_NEW_PROPS   0xc0
#define CTL_DICT_RESET  0xe0

/* A chunk's header: control byte, sizes, and the properties byte when it sets them. */
struct chunk {
    unsigned ctl;
    size_t unpacked, packed;
    uint8_t props;
};

static bool chunk_header(const uint8_t *in, size_t in_len, size_t *pos, struct chunk *c,
                         struct decomp_result *res)
{
    if (*pos >= in_len)
        return fail_with(res, DECOMP_TRUNCATED, "xz: LZMA2 data ends before its end marker");
    c->ctl = in[*pos];
    if (c->ctl == CTL_END) {
        *pos += 1;
        return true;
    }
    if (c->ctl > CTL_STORED && c->ctl < CTL_LZMA)
        return corrupt(res, "xz: invalid LZMA2 control byte");
    size_t hdr = c->ctl >= CTL_NEW_PROPS ? 6 : c->ctl >= CTL_LZMA ? 5 : 3;
    if (in_len - *pos < hdr)
        return fail_with(res, DECOMP_TRUNCATED, "xz: LZMA2 chunk header cut short");
    const uint8_t *h = in + *pos;
    c->unpacked = ((size_t)h[1] << 8 | h[2]) + 1;
    c->packed = c->unpacked;
    if (c->ctl >= CTL_LZMA) {
        c->unpacked += (size_t)(c->ctl & 0x1f) << 16;
        c->packed = ((size_t)h[3] << 8 | h[4]) + 1;
    }
    c->props = c->ctl >= CTL_NEW_PROPS ? h[5] : 0;
    *pos += hdr;
    if (in_len - *pos < c->packed)
        return fail_with(res, DECOMP_TRUNCATED, "xz: LZMA2 chunk cut short");
    return true;
}

/* What a chunk resets, in the order LZMA2 requires: the dictionary first of all, then
 * properties after every dictionary reset, then the model. */
struct lzma2_state {
    bool need_dict_reset, need_props;
};

static bool chunk_resets(struct lzma *z, struct lzma2_state *st, const struct chunk *c,
                         struct decomp_result *res)
{
    if (c->ctl >= CTL_DICT_RESET || c->ctl == CTL_STORED_RESET) {
        st->need_dict_reset = false;
        st->need_props = true;
        z->dict_start = z->out_pos;
    } else if (st->need_dict_reset) {
        return corrupt(res, "xz: first LZMA2 chunk does not reset the dictionary");
    }
    if (c->ctl < CTL_LZMA)
        return true;
    if (c->ctl >= CTL_NEW_PROPS) {
        if (!lzma_props(z, c->props))
            return corrupt(res, "xz: invalid LZMA properties (lc + lp > 4 or pb > 4)");
        st->need_props = false;
    } else if (st->need_props) {
        return corrupt(res, "xz: LZMA2 chunk without properties after a dictionary reset");
    }
    if (c->ctl >= CTL_STATE_RESET)
        lzma_reset_state(z);
    return true;
}

bool lzma2_decode(struct lzma2_work *w, uint32_t dict_size,
                  const uint8_t *in, size_t in_len, size_t *in_pos,
                  uint8_t *out, size_t out_cap, size_t *out_pos, struct decomp_result *res)
{
    struct lzma z = { .p = &w->p, .out = out, .out_pos = *out_pos, .dict_size = dict_size };
    struct lzma2_state st = { .need_dict_reset = true, .need_props = true };
    struct chunk c;
    bool ok = true;

    while (ok) {
        ok = chunk_header(in, in_len, in_pos, &c, res);
        if (ok && c.ctl == CTL_END)
            break;
        ok = ok && chunk_resets(&z, &st, &c, res);
        if (ok && out_cap - z.out_pos < c.unpacked)
            ok = fail_with(res, DECOMP_NO_SPACE, "xz: output larger than the buffer");
        if (ok && c.ctl < CTL_LZMA) {
            memcpy(out + z.out_pos, in + *in_pos, c.unpacked);
            z.out_pos += c.unpacked;
        } else if (ok) {
            ok = lzma_chunk(&z, in, *in_pos, *in_pos + c.packed, c.unpacked, res);
        }
        if (ok)
            *in_pos += c.packed;
    }
    *out_pos = z.out_pos;
    return ok;
}
