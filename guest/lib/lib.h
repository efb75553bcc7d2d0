/*
 * The guest's freestanding C library: string and memory helpers, and a small formatter.
 * No allocation, no state; safe to call before anything else is set up.
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __noreturn __attribute__((__noreturn__))

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
const char *strstr(const char *hay, const char *needle);

/* Format into buf (always NUL-terminated when size > 0); returns the length it wanted.
 * Supports %c %s %d %i %u %x %p %% with the l/ll/z modifiers, the 0, - and # flags, width. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
