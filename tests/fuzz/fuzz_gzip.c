/*
 * libFuzzer target: any bytes as a gzip file (lib/inflate.c), decompressed into a buffer
 * of the size its last ISIZE records (or 64 KiB when that is absurd).
 */
#include "lib/inflate.h"
#include "fuzz_decomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t want = 0;
    struct decomp_result sized = gzip_size(data, size, &want);
    size_t cap = capacity(sized, want);
    uint8_t *out = malloc(cap ? cap : 1);
    struct decomp_result r = gzip_decompress(data, size, out, cap, work, sizeof(work));

    check_result(&r, size, cap);
    free(out);
    return 0;
}
