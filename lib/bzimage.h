/*
 * Telling a kernel image apart, as Xen's domain builder does (lib/bzimage.c): an ELF is used
 * as it is; a Linux bzImage (x86 boot protocol 2.08 or later) carries a compressed ELF, which
 * is found through the setup header and decompressed here.  The image is untrusted: a bad
 * header or payload gives a message, never a read outside it.
 */
#ifndef PVX_LIB_BZIMAGE_H
#define PVX_LIB_BZIMAGE_H

#include "lib/decompress.h"

enum kernel_kind {
    KERNEL_ELF,         /* an ELF file: load it as it is */
    KERNEL_BZIMAGE,     /* a bzImage: bzimage_unpack() gives the ELF */
};

enum payload_format { PAYLOAD_GZIP, PAYLOAD_XZ };

struct kernel_image {
    enum kernel_kind kind;
    /* For a bzImage only: */
    uint16_t protocol;          /* boot protocol version, 0x0208 or later */
    enum payload_format format;
    const uint8_t *payload;     /* the compressed data, inside the image */
    size_t payload_len;         /* without the size Linux appends to an xz payload */
    uint64_t elf_size;          /* what the payload decompresses to: the buffer to give */
};

/*
 * Identify `image`.  Returns NULL with *k filled in (for a bzImage, elf_size says how big
 * an output buffer bzimage_unpack needs), or a message: not an ELF nor a bzImage, a boot
 * protocol older than 2.08, a payload outside the image, a compression format other than
 * gzip or xz (named), or a payload whose recorded size cannot be read.
 */
const char *bzimage_probe(const void *image, size_t len, struct kernel_image *k);

/*
 * Decompress a probed bzImage's payload into out (out_cap >= k->elf_size) and check that
 * it is an ELF of exactly elf_size bytes.  work: DECOMP_WORK_SIZE bytes, 8-byte aligned.
 */
struct decomp_result bzimage_unpack(const struct kernel_image *k, void *out, size_t out_cap,
                                    void *work, size_t work_size);

#endif
