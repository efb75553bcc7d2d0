/*
 * libFuzzer targets for the decompressors and the bzImage reader (lib/), one per build:
 * -DFUZZ_gzip, -DFUZZ_xz or -DFUZZ_bzimage.  The input is the untrusted file itself; the
 * output buffer is a heap block of exactly its capacity, so ASan stops any write past it.
 * Beyond "no crash, no overrun, no hang", each target cross-checks what it can: a file that
 * decodes must agree with the size read up front, a bzImage's payload must be its ELF.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib/bzimage.h"
#include "lib/inflate.h"
#include "lib/xz.h"

#define SMALL_CAP   (64u << 10)     /* when the recorded size is absurd: still decode some */
#define MAX_CAP     (4u << 20)

static _Alignas(8) uint8_t work[DECOMP_WORK_SIZE];

static void check(int ok, const char *what, const struct decomp_result *r)
{
    if (!ok) {
        fprintf(stderr, "fuzz: %s (status %d, %s, out %zu)\n", what, r->status, r->msg,
                r->out_len);
        abort();
    }
}

/* Output capacity: the size the file records, when it is believable. */
__attribute__((unused)) static size_t capacity(struct decomp_result sized, uint64_t size)
{
    return sized.status == DECOMP_OK && size <= MAX_CAP ? (size_t)size : SMALL_CAP;
}

static void check_result(const struct decomp_result *r, size_t in_len, size_t cap)
{
    check(r->msg != NULL && r->status <= DECOMP_BAD_ARGS, "result out of range", r);
    check(r->out_len <= cap && r->in_pos <= in_len, "result positions out of range", r);
    check(r->status != DECOMP_OK || r->in_pos == in_len, "ok without using all input", r);
}

#if defined(FUZZ_gzip)
static void fuzz_one(const uint8_t *data, size_t size)
{
    uint64_t want = 0;
    struct decomp_result sized = gzip_size(data, size, &want);
    size_t cap = capacity(sized, want);
    uint8_t *out = malloc(cap ? cap : 1);
    struct decomp_result r = gzip_decompress(data, size, out, cap, work, sizeof(work));

    check_result(&r, size, cap);
    free(out);
}
#elif defined(FUZZ_xz)
static void fuzz_one(const uint8_t *data, size_t size)
{
    uint64_t want = 0;
    struct decomp_result sized = xz_size(data, size, &want);
    size_t cap = capacity(sized, want);
    uint8_t *out = malloc(cap ? cap : 1);
    struct decomp_result r = xz_decompress(data, size, out, cap, work, sizeof(work));

    check_result(&r, size, cap);
    /* A file that decodes has an index that says so: the two readers must agree. */
    if (r.status == DECOMP_OK)
        check(sized.status == DECOMP_OK && want == r.out_len, "xz_size disagrees", &r);
    free(out);
}
#elif defined(FUZZ_bzimage)
static void fuzz_one(const uint8_t *data, size_t size)
{
    struct kernel_image k;

    if (bzimage_probe(data, size, &k) != NULL || k.kind != KERNEL_BZIMAGE ||
        k.elf_size > MAX_CAP)
        return;
    struct decomp_result bad = { .status = DECOMP_CORRUPT, .msg = "probe" };
    check(k.payload >= data && k.payload_len <= size - (size_t)(k.payload - data),
          "payload outside the image", &bad);
    uint8_t *out = malloc(k.elf_size);
    struct decomp_result r = bzimage_unpack(&k, out, k.elf_size, work, sizeof(work));
    check_result(&r, k.payload_len, k.elf_size);
    if (r.status == DECOMP_OK)
        check(r.out_len == k.elf_size && out[0] == 0x7f && out[1] == 'E', "not the ELF", &r);
    free(out);
}
#else
#error "build with -DFUZZ_gzip, -DFUZZ_xz or -DFUZZ_bzimage"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one(data, size);
    return 0;
}
