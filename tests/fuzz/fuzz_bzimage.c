/*
 * libFuzzer target: any bytes as a kernel image (lib/bzimage.c).  An accepted bzImage must
 * have its payload inside the image; its payload, unpacked into a buffer of exactly the
 * size the probe reported, must be an ELF of exactly that size or be refused.
 */
#include "lib/bzimage.h"
#include "fuzz_decomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct decomp_result probe = { .status = DECOMP_CORRUPT, .msg = "probe" };
    struct kernel_image k;

    if (bzimage_probe(data, size, &k) != NULL || k.kind != KERNEL_BZIMAGE ||
        k.elf_size > MAX_CAP)
        return 0;
    check(k.payload >= data && k.payload_len <= size - (size_t)(k.payload - data),
          "payload outside the image", &probe);
    uint8_t *out = malloc(k.elf_size);
    struct decomp_result r = bzimage_unpack(&k, out, k.elf_size, work, sizeof(work));
    check_result(&r, k.payload_len, k.elf_size);
    if (r.status == DECOMP_OK)
        check(r.out_len == k.elf_size && out[0] == 0x7f && out[1] == 'E', "not the ELF", &r);
    free(out);
    return 0;
}
