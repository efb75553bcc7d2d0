/*
 * What every decompressor in lib/ (gzip: lib/inflate.c, xz: lib/xz.c) returns, and the one
 * work area they share.  The input is untrusted: a corrupt or cut file gives a status and a
 * message, never a read outside [in, in + in_len) nor a write outside [out, out + out_cap).
 * Nothing allocates: the caller owns the input, the output and the work area.
 */
#ifndef PVX_LIB_DECOMPRESS_H
#define PVX_LIB_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

enum decomp_status {
    DECOMP_OK = 0,
    DECOMP_TRUNCATED,   /* the input ends before the format says it does */
    DECOMP_CORRUPT,     /* a magic, header field, code or size the format forbids */
    DECOMP_BAD_CHECK,   /* a CRC or a recorded size disagrees with the data */
    DECOMP_NO_SPACE,    /* the output does not fit in out_cap bytes */
    DECOMP_UNSUPPORTED, /* valid, but not implemented here (a filter, a check type) */
    DECOMP_BAD_ARGS,    /* the work area is too small or not 8-byte aligned */
};

struct decomp_result {
    enum decomp_status status;
    const char *msg;    /* a static string: "ok", or what was wrong */
    size_t in_pos;      /* input bytes consumed; on an error, about where it was found */
    size_t out_len;     /* output bytes written (on an error, how far it got) */
};

/*
 * The work area each decompressor needs: the LZMA probability model dominates (lc + lp <= 4
 * gives 14134 16-bit probabilities); inflate's tables are smaller.  8-byte aligned, reused,
 * contents need no initialisation.  The LZMA2 dictionary is the output buffer itself.
 */
#define DECOMP_WORK_SIZE (32u * 1024)
#define DECOMP_WORK_ALIGN 8u

/* CRC-32 (IEEE 802.3, reflected, as gzip and xz use it) and CRC-64 (ECMA-182, reflected, as
 * xz uses it) of buf, continuing from crc (start with 0). */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);
uint64_t crc64_update(uint64_t crc, const void *buf, size_t len);

#endif
