/*
 * The .xz container (lib/xz.c): streams of blocks, each an LZMA2 filter chain optionally
 * preceded by the x86 BCJ filter, checked with CRC-32, CRC-64 or nothing, as the stream
 * says.  One whole buffer in, one whole buffer out; see lib/decompress.h for the result.
 */
#ifndef PVX_LIB_XZ_H
#define PVX_LIB_XZ_H

#include "lib/decompress.h"

/*
 * Decompress a .xz file: one or more streams, with stream padding between or after them,
 * nothing else after the last.  Checked: every header CRC-32, each block's check, its
 * recorded sizes, the index against the blocks, and the stream footer against the header.
 * Refused as DECOMP_UNSUPPORTED: SHA-256 and unknown check types, filters other than x86
 * BCJ and LZMA2.  work: DECOMP_WORK_SIZE bytes, DECOMP_WORK_ALIGN-aligned.
 */
struct decomp_result xz_decompress(const void *in, size_t in_len, void *out, size_t out_cap,
                                   void *work, size_t work_size);

/*
 * The total output size recorded in the index of every stream, read from the end of the
 * file without decompressing (the index CRCs and the stream headers are checked).
 */
struct decomp_result xz_size(const void *in, size_t in_len, uint64_t *size);

#endif
