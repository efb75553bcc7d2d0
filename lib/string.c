/*
 * String and memory functions, one copy linked into both the host and the guest (each
 * compiles it with its own flags).  Freestanding and x86-64 only: memcpy and memset are
 * `rep movsb`/`rep stosb`, which every CPU pvx runs on does fast.  No input is trusted to be
 * terminated beyond what each contract says; the callers bound guest data before it gets here.
 */
#include "lib/string.h"

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;

    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) :: "memory");
    return dst;
}

/* A forward copy is safe unless dst starts inside src; only that case copies from the end. */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n-- > 0)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;

    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

/* As in C, the terminator itself can be found: strchr(s, 0) points at it. */
char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c == 0 ? (char *)s : NULL;
}

/* An empty needle is found at the start of any haystack, as in C. */
char *strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (;; hay++) {
        if (strncmp(hay, needle, n) == 0)
            return (char *)hay;
        if (!*hay)
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size == 0)
        return len;
    size_t n = len < size - 1 ? len : size - 1;

    memcpy(dst, src, n);
    dst[n] = '\0';
    return len;
}

/* The value of a digit character; 99 (too big for any base) for anything else. */
static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

uint64_t strtoull(const char *s, const char **end, int base)
{
    uint64_t v = 0;

    /* "0x" with no hex digit after it is the number 0 followed by 'x', as in C. */
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
        digit_value(s[2]) < 16) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = 10;
    }
    /* Saturate like C's strtoull, so an overlong number cannot wrap to a small one. */
    for (int digit; (digit = digit_value(*s)) < base; s++) {
        if (__builtin_mul_overflow(v, (uint64_t)base, &v) ||
            __builtin_add_overflow(v, (uint64_t)digit, &v))
            v = UINT64_MAX;
    }
    if (end)
        *end = s;
    return v;
}
