/*
 * The string and memory functions shared by the host and the guest (lib/string.c).
 * Freestanding: no allocation, no state, nothing that touches hardware, so either binary may
 * call them at any point of boot.  Callers own every buffer; these trust the lengths given.
 */
#ifndef PVX_LIB_STRING_H
#define PVX_LIB_STRING_H

#include <stddef.h>
#include <stdint.h>

/* The compiler may emit calls to these four on its own (structure copies, zeroing), so they
 * keep the standard names and contracts. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);

/* Copy at most size-1 bytes and terminate (size 0 writes nothing); returns strlen(src), so
 * a result >= size means src was cut. */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Parse an unsigned number in base 2-16 (base 0: hex after a 0x prefix, else decimal); no
 * sign or leading space.  *end (if end) points past the digits.  A number too big for 64
 * bits gives UINT64_MAX, as C's does. */
uint64_t strtoull(const char *s, const char **end, int base);

#endif
