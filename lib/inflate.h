/*
 * gzip (RFC 1952) and the deflate data inside it (RFC 1951), decompressed in one call from
 * one whole buffer into another (lib/inflate.c).  The input is untrusted; see
 * lib/decompress.h for the result, the messages and the work area.
 */
#ifndef PVX_LIB_INFLATE_H
#define PVX_LIB_INFLATE_H

#include "lib/decompress.h"

/*
 * Decompress a gzip file: one member or several concatenated (their outputs concatenated),
 * nothing after the last.  Every member's CRC-32 and ISIZE are checked, and its header CRC
 * when FHCRC is set.  work: DECOMP_WORK_SIZE bytes, DECOMP_WORK_ALIGN-aligned.
 */
struct decomp_result gzip_decompress(const void *in, size_t in_len, void *out, size_t out_cap,
                                     void *work, size_t work_size);

/*
 * The output size the file records, read without decompressing: the last member's ISIZE,
 * which is the whole output modulo 2^32 for a one-member file (a file of several members
 * or of 4 GiB or more is found out by gzip_decompress, as too large for a buffer this size).
 */
struct decomp_result gzip_size(const void *in, size_t in_len, uint64_t *size);

#endif
