/*
 * libFuzzer target: any bytes as an xz file (lib/xz.c, lib/lzma2.c), decompressed into a
 * buffer of the size its indexes record (or 64 KiB when that is absurd).  Cross-check: a
 * file that decodes has indexes that say so, so xz_size, which reads only the indexes from
 * the end, must have given exactly the size decoded.
 */
#include "lib/xz.h"
#include "fuzz_decomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t want = 0;
    struct decomp_result sized = xz_size(data, size, &want);
    size_t cap = capacity(sized, want);
    uint8_t *out = malloc(cap ? cap : 1);
    struct decomp_result r = xz_decompress(data, size, out, cap, work, sizeof(work));

    check_result(&r, size, cap);
    if (r.status == DECOMP_OK)
        check(sized.status == DECOMP_OK && want == r.out_len, "xz_size disagrees", &r);
    free(out);
    return 0;
}
