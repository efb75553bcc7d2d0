/*
 * LZMA2 (the xz format's main filter) decoded in one call, the output buffer serving as the
 * dictionary (lib/lzma2.c).  Internal to lib/xz.c, which owns the container and its checks;
 * the input is untrusted and every read and write is bounds-checked.
 */
#ifndef PVX_LIB_LZMA2_H
#define PVX_LIB_LZMA2_H

#include <stdbool.h>
#include "lib/decompress.h"

/* The LZMA model: 14134 probabilities for the largest lc + lp LZMA2 allows (4). */
struct lzma_len_probs {
    uint16_t choice, choice2;
    uint16_t low[16][8], mid[16][8], high[256];
};

struct lzma_probs {
    uint16_t is_match[12][16], is_rep[12], is_rep_g0[12], is_rep_g1[12], is_rep_g2[12];
    uint16_t is_rep0_long[12][16];
    uint16_t dist_slot[4][64];
    uint16_t dist_special[115];     /* reverse bit trees of slots 4..13, indexed from 1 */
    uint16_t align[16];
    struct lzma_len_probs match_len, rep_len;
    uint16_t literal[16][0x300];
};

struct lzma2_work {
    struct lzma_probs p;
};

/*
 * Decode the LZMA2 chunks at in[*in_pos...in_len) up to and including the end marker (a
 * zero control byte), appending to out[*out_pos...out_cap).  Matches may reach back to the
 * last dictionary reset (the first chunk must make one) and no further than dict_size.
 * Advances *in_pos and *out_pos; on an error fills *res and returns false.
 */
bool lzma2_decode(struct lzma2_work *w, uint32_t dict_size,
                  const uint8_t *in, size_t in_len, size_t *in_pos,
                  uint8_t *out, size_t out_cap, size_t *out_pos, struct decomp_result *res);

#endif
