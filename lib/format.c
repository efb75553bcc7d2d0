/*
 * vsnprintf for both binaries; the contract and the ways it differs from C are in
 * lib/format.h.  Every character goes through put(), which counts it but stores it only if
 * it fits, so the bound on the caller's buffer is checked in one place and the return value
 * is the untruncated length.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/format.h"
#include "lib/string.h"

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
    for (; n > 0; n--)
        put(o, c);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

/* One conversion, %[flags][width][.precision][length]conv, as parsed. */
struct spec {
    bool left, zero, alt;
    int width;
    int prec;               /* -1 when none was given */
    enum length length;
    char conv;
};

static int cap_width(int v)
{
    return v > FORMAT_MAX_WIDTH ? FORMAT_MAX_WIDTH : v;
}

/* A decimal width or precision; digits past the cap still end up capped, never overflow. */
static const char *parse_decimal(const char *fmt, int *v)
{
    for (*v = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
        if (*v <= FORMAT_MAX_WIDTH)
            *v = *v * 10 + (*fmt - '0');
    *v = cap_width(*v);
    return fmt;
}

/* Parse the conversion after a '%'; returns a pointer to its conversion character. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){ .prec = -1 };
    for (;; fmt++) {
        if (*fmt == '-')
            sp->left = true;
        else if (*fmt == '0')
            sp->zero = true;
        else if (*fmt == '#')
            sp->alt = true;
        else
            break;
    }
    if (*fmt == '*') {
        int w = va_arg(*ap, int);
        /* As in C, a negative '*' width means left-justified. */
        if (w < 0) {
            sp->left = true;
            w = w < -FORMAT_MAX_WIDTH ? FORMAT_MAX_WIDTH : -w;
        }
        sp->width = cap_width(w);
        fmt++;
    } else {
        fmt = parse_decimal(fmt, &sp->width);
    }
    if (*fmt == '.') {
        fmt++;
        if (*fmt == '*') {
            int p = va_arg(*ap, int);
            /* As in C, a negative '*' precision counts as none. */
            sp->prec = p < 0 ? -1 : cap_width(p);
            fmt++;
        } else {
            fmt = parse_decimal(fmt, &sp->prec);
        }
    }
    if (*fmt == 'h') {
        sp->length = fmt[1] == 'h' ? LEN_CHAR : LEN_SHORT;
        fmt += sp->length == LEN_CHAR ? 2 : 1;
    } else if (*fmt == 'l') {
        sp->length = fmt[1] == 'l' ? LEN_LLONG : LEN_LONG;
        fmt += sp->length == LEN_LLONG ? 2 : 1;
    } else if (*fmt == 'z') {
        sp->length = LEN_SIZE;
        fmt++;
    }
    sp->conv = *fmt;
    return fmt;
}

/* A %d/%i argument of the given length, split into magnitude and sign (INT64_MIN fits). */
static uint64_t arg_signed(va_list *ap, enum length length, bool *neg)
{
    int64_t v;

    switch (length) {
    case LEN_CHAR:  v = (signed char)va_arg(*ap, int); break;
    case LEN_SHORT: v = (short)va_arg(*ap, int); break;
    case LEN_LONG:  v = va_arg(*ap, long); break;
    case LEN_LLONG: v = va_arg(*ap, long long); break;
    case LEN_SIZE:  v = (int64_t)va_arg(*ap, size_t); break;
    default:        v = va_arg(*ap, int); break;
    }
    *neg = v < 0;
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static uint64_t arg_unsigned(va_list *ap, enum length length)
{
    switch (length) {
    case LEN_CHAR:  return (unsigned char)va_arg(*ap, unsigned);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_LONG:  return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE:  return va_arg(*ap, size_t);
    default:        return va_arg(*ap, unsigned);
    }
}

/*
 * An integer: [spaces] [sign or 0x] [zeros] digits [spaces].  The zeros make up the
 * precision, or with the '0' flag (and no precision, as in C) the width.
 */
static void put_number(struct out *o, const struct spec *sp, uint64_t v, bool neg)
{
    bool hex = sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p';
    unsigned base = hex ? 16 : 10;
    const char *digits = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    const char *prefix = neg ? "-" : !(hex && sp->alt) ? "" : sp->conv == 'X' ? "0X" : "0x";
    char tmp[20];           /* UINT64_MAX has 20 decimal digits */
    int n = 0;

    /* As in C, precision 0 prints no digits at all for the value 0. */
    if (v != 0 || sp->prec != 0) {
        do {
            tmp[n++] = digits[v % base];
            v /= base;
        } while (v);
    }
    int zeros = sp->prec > n ? sp->prec - n : 0;
    int pad = sp->width - (int)strlen(prefix) - zeros - n;
    if (sp->zero && !sp->left && sp->prec < 0 && pad > 0) {
        zeros += pad;
        pad = 0;
    }
    if (!sp->left)
        put_repeat(o, ' ', pad);
    for (; *prefix; prefix++)
        put(o, *prefix);
    put_repeat(o, '0', zeros);
    while (n > 0)
        put(o, tmp[--n]);
    if (sp->left)
        put_repeat(o, ' ', pad);
}

/* len characters of s, space-padded to the width. */
static void put_field(struct out *o, const struct spec *sp, const char *s, size_t len)
{
    int pad = (size_t)sp->width > len ? sp->width - (int)len : 0;

    if (!sp->left)
        put_repeat(o, ' ', pad);
    for (size_t i = 0; i < len; i++)
        put(o, s[i]);
    if (sp->left)
        put_repeat(o, ' ', pad);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    struct spec sp;
    va_list args;

    va_copy(args, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        const char *start = fmt;
        fmt = parse_spec(fmt + 1, &sp, &args);
        switch (sp.conv) {
        case 'd':
        case 'i': {
            bool neg;
            uint64_t v = arg_signed(&args, sp.length, &neg);
            put_number(&o, &sp, v, neg);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
            put_number(&o, &sp, arg_unsigned(&args, sp.length), false);
            break;
        case 'p': {
            const struct spec p = { .width = 16, .zero = true, .prec = -1, .conv = 'p' };
            put_number(&o, &p, (uintptr_t)va_arg(args, void *), false);
            break;
        }
        case 'c': {
            char c = (char)va_arg(args, int);
            put_field(&o, &sp, &c, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            if (s == NULL)
                s = "(null)";
            put_field(&o, &sp, s, strnlen(s, sp.prec < 0 ? SIZE_MAX : (size_t)sp.prec));
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':          /* a lone '%' ends the format: nothing to print */
            fmt--;
            break;
        default:            /* not ours: printed as it stands, so the mistake shows */
            for (; start <= fmt; start++)
                put(&o, *start);
            break;
        }
    }
    va_end(args);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
