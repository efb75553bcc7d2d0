/*
 * CRC-32 and CRC-64 for the decompressors (gzip and xz trailers, xz headers and index).
 * Both are the reflected forms, computed four bits at a time from 16-entry tables that the
 * compiler works out from the polynomial: no table to generate at run time, no state.
 */
#include "lib/decompress.h"

#define CRC32_POLY 0xedb88320u              /* IEEE 802.3, bit-reversed */
#define CRC64_POLY 0xc96c5795d7870f42ull    /* ECMA-182, bit-reversed */

/* One bit of the reflected CRC division, then four of them: the table entry for nibble n. */
#define STEP32(c) (((c) >> 1) ^ (((c) & 1u) ? CRC32_POLY : 0u))
#define NIB32(n)  STEP32(STEP32(STEP32(STEP32((uint32_t)(n)))))
#define STEP64(c) (((c) >> 1) ^ (((c) & 1u) ? CRC64_POLY : 0u))
#define NIB64(n)  STEP64(STEP64(STEP64(STEP64((uint64_t)(n)))))

#define NIBBLES(f) { f(0), f(1), f(2), f(3), f(4), f(5), f(6), f(7), \
                     f(8), f(9), f(10), f(11), f(12), f(13), f(14), f(15) }

static const uint32_t crc32_nibble[16] = NIBBLES(NIB32);
static const uint64_t crc64_nibble[16] = NIBBLES(NIB64);

uint32_t crc32_update(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc32_nibble[crc & 15];
        crc = (crc >> 4) ^ crc32_nibble[crc & 15];
    }
    return ~crc;
}

uint64_t crc64_update(uint64_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc64_nibble[crc & 15];
        crc = (crc >> 4) ^ crc64_nibble[crc & 15];
    }
    return ~crc;
}
