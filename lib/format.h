/*
 * The one printf-style formatter, shared by the host (printk) and the guest (printk, test
 * verdicts).  Freestanding and stateless; each binary keeps its own sink and only asks this
 * to fill a buffer.  Format strings are always the binary's own; guest-derived values arrive
 * only as arguments, bounded by the caller (e.g. "%.*s" with a checked length).
 */
#ifndef PVX_LIB_FORMAT_H
#define PVX_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into buf, never writing past buf[size-1], and terminate it when size > 0 (size 0
 * writes nothing; buf may then be NULL).  Returns the length the whole output wanted, as C
 * does, so a result >= size means it was cut.
 *
 * Conversions: d i u x X p s c %.  Flags '-' '0' '#', width and precision (digits or '*'),
 * length modifiers hh h l ll z.  Where it differs from C, on purpose:
 *   %p     16 zero-padded hex digits, no "0x" (Xen's log format); flags and width ignored.
 *   %#x    "0x" even for 0, so a column of values reads alike.
 *   %s     NULL prints "(null)".
 *   other  an unknown conversion is printed as it stands ("%q"); a lone '%' at the end of
 *          the format prints nothing.
 * Widths and precisions are capped at FORMAT_MAX_WIDTH, so a bad '*' argument cannot make
 * one call emit gigabytes.
 */
#define FORMAT_MAX_WIDTH 4096

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
