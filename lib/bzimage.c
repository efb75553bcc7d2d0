/*
 * The x86 boot protocol's setup header, read only for what a PV domain builder needs: where
 * the compressed kernel is (payload_offset and payload_length, protocol 2.08 and later) and
 * what compresses it.  Offsets are those of Linux's Documentation/x86/boot.rst; every one is
 * checked against the image before use.
 */
#include <stdbool.h>
#include "lib/bzimage.h"
#include "lib/inflate.h"
#include "lib/string.h"
#include "lib/xz.h"

#define HDR_SETUP_SECTS     0x1f1
#define HDR_MAGIC           0x202       /* "HdrS" */
#define HDR_VERSION         0x206
#define HDR_PAYLOAD_OFFSET  0x248       /* from the start of the protected-mode code */
#define HDR_PAYLOAD_LENGTH  0x24c
#define HDR_END             0x250
#define MIN_PROTOCOL        0x0208

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool has_magic(const uint8_t *p, size_t len, const char *magic, size_t n)
{
    return len >= n && memcmp(p, magic, n) == 0;
}

/* Compression formats Linux can build a bzImage with, by their leading bytes. */
static const char *payload_format(const uint8_t *p, size_t len, enum payload_format *f)
{
    if (has_magic(p, len, "\x1f\x8b", 2)) {
        *f = PAYLOAD_GZIP;
        return NULL;
    }
    if (has_magic(p, len, "\xfd" "7zXZ\0", 6)) {
        *f = PAYLOAD_XZ;
        return NULL;
    }
    if (has_magic(p, len, "BZh", 3))
        return "bzImage: payload is bzip2-compressed (only gzip and xz are supported)";
    if (has_magic(p, len, "\x5d\0\0", 3))
        return "bzImage: payload is lzma-compressed (only gzip and xz are supported)";
    if (has_magic(p, len, "\x89LZO", 4))
        return "bzImage: payload is lzo-compressed (only gzip and xz are supported)";
    if (has_magic(p, len, "\x02\x21\x4c\x18", 4))
        return "bzImage: payload is lz4-compressed (only gzip and xz are supported)";
    if (has_magic(p, len, "\x28\xb5\x2f\xfd", 4))
        return "bzImage: payload is zstd-compressed (only gzip and xz are supported)";
    return "bzImage: payload compression format not recognised";
}

/*
 * The output size, read before decompressing.  gzip: ISIZE.  xz: the index; Linux appends
 * the size as 4 more bytes after the stream, which are dropped when they agree with it.
 */
static const char *payload_size(struct kernel_image *k)
{
    uint64_t size;
    struct decomp_result r;

    if (k->format == PAYLOAD_GZIP) {
        r = gzip_size(k->payload, k->payload_len, &size);
    } else {
        r = (struct decomp_result){ .status = DECOMP_TRUNCATED };
        if (k->payload_len > 4)
            r = xz_size(k->payload, k->payload_len - 4, &size);
        if (r.status == DECOMP_OK &&
            (uint32_t)size == le32(k->payload + k->payload_len - 4))
            k->payload_len -= 4;
        else
            r = xz_size(k->payload, k->payload_len, &size);
    }
    if (r.status != DECOMP_OK)
        return r.msg;
    if (size < 4)
        return "bzImage: payload decompresses to less than an ELF header";
    k->elf_size = size;
    return NULL;
}

const char *bzimage_probe(const void *image, size_t len, struct kernel_image *k)
{
    const uint8_t *p = image;

    *k = (struct kernel_image){ .kind = KERNEL_ELF };
    if (has_magic(p, len, "\x7f" "ELF", 4))
        return NULL;
    if (len < HDR_END || memcmp(p + HDR_MAGIC, "HdrS", 4) != 0)
        return "neither an ELF nor a bzImage (no HdrS setup header)";
    k->kind = KERNEL_BZIMAGE;
    k->protocol = (uint16_t)(p[HDR_VERSION] | p[HDR_VERSION + 1] << 8);
    if (k->protocol < MIN_PROTOCOL)
        return "bzImage: boot protocol older than 2.08 (no payload fields)";

    uint64_t setup_sects = p[HDR_SETUP_SECTS] ? p[HDR_SETUP_SECTS] : 4;
    uint64_t off = (setup_sects + 1) * 512 + le32(p + HDR_PAYLOAD_OFFSET);
    uint64_t plen = le32(p + HDR_PAYLOAD_LENGTH);
    if (off > len || plen > len - off)
        return "bzImage: payload lies outside the image";
    k->payload = p + off;
    k->payload_len = (size_t)plen;

    const char *why = payload_format(k->payload, k->payload_len, &k->format);
    return why ? why : payload_size(k);
}

struct decomp_result bzimage_unpack(const struct kernel_image *k, void *out, size_t out_cap,
                                    void *work, size_t work_size)
{
    struct decomp_result r;

    if (k->kind != KERNEL_BZIMAGE || out_cap < k->elf_size)
        return (struct decomp_result){ DECOMP_BAD_ARGS,
                                       "bzImage: not a probed bzImage, or output too small", 0, 0 };
    if (k->format == PAYLOAD_GZIP)
        r = gzip_decompress(k->payload, k->payload_len, out, out_cap, work, work_size);
    else
        r = xz_decompress(k->payload, k->payload_len, out, out_cap, work, work_size);
    if (r.status != DECOMP_OK)
        return r;
    if (r.out_len != k->elf_size) {
        r.status = DECOMP_BAD_CHECK;
        r.msg = "bzImage: payload size differs from the size it records";
    } else if (memcmp(out, "\x7f" "ELF", 4) != 0) {
        r.status = DECOMP_CORRUPT;
        r.msg = "bzImage: payload is not an ELF";
    }
    return r;
}
