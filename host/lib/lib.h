/*
 * The host's small C library: string functions, formatted output and the helpers that read
 * an ELF image.  Freestanding; nothing here touches hardware (console.c owns the serial port
 * behind printk).
 */
#ifndef PVX_LIB_H
#define PVX_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copy at most size-1 bytes and always terminate (size > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Parse an unsigned number (decimal, or hex with 0x); *end points past it.  A number too
 * big for 64 bits gives UINT64_MAX. */
uint64_t strtoull(const char *s, const char **end, int base);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* printk is declared in mm/arch.h; console.c writes its output to the serial port. */
void console_puts(const char *s, size_t len);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
