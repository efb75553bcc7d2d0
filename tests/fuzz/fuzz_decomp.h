/*
 * What the decompressor fuzz targets (fuzz_gzip.c, fuzz_xz.c, fuzz_bzimage.c) share.  The
 * input is the untrusted file itself (libFuzzer hands over a heap copy of exactly its size);
 * each output buffer is a heap block of exactly its capacity, so ASan stops any read or
 * write past either.  Beyond that, a result must stay inside its bounds.
 */
#ifndef PVX_FUZZ_DECOMP_H
#define PVX_FUZZ_DECOMP_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/decompress.h"

#define SMALL_CAP   (64u << 10)     /* when the recorded size is absurd: still decode some */
#define MAX_CAP     (4u << 20)

static _Alignas(DECOMP_WORK_ALIGN) uint8_t work[DECOMP_WORK_SIZE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void check(int ok, const char *what, const struct decomp_result *r)
{
    if (!ok) {
        fprintf(stderr, "fuzz: %s (status %d, %s, out %zu)\n", what, r->status,
                r->msg ? r->msg : "(null)", r->out_len);
        abort();
    }
}

/* Output capacity: the size the file records, when it is believable. */
static inline size_t capacity(struct decomp_result sized, uint64_t size)
{
    return sized.status == DECOMP_OK && size <= MAX_CAP ? (size_t)size : SMALL_CAP;
}

static inline void check_result(const struct decomp_result *r, size_t in_len, size_t cap)
{
    check(r->msg != NULL && r->status <= DECOMP_BAD_ARGS, "result out of range", r);
    check(r->out_len <= cap && r->in_pos <= in_len, "result positions out of range", r);
    check(r->status != DECOMP_OK || r->in_pos == in_len, "ok without using all input", r);
}

#endif
