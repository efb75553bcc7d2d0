/*
 * A small vsnprintf: enough for the guest's log lines and test verdicts.  It never writes
 * past `size` and always terminates; the return value is the length it wanted, as in C.
 */
#include "lib/lib.h"

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

struct spec {
    int width;
    int zero, left, alt;
};

/* Emit `s` (n chars) padded to the spec's width. */
static void put_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
    int pad = sp->width > (int)n ? sp->width - (int)n : 0;
    if (!sp->left)
        while (pad-- > 0)
            put(o, sp->zero ? '0' : ' ');
    while (n--)
        put(o, *s++);
    if (sp->left)
        while (pad-- > 0)
            put(o, ' ');
}

/* Emit an unsigned number in `base`, with a '-' when neg. */
static void put_num(struct out *o, const struct spec *sp, uint64_t v, unsigned base, int neg)
{
    char tmp[24];
    int i = sizeof(tmp);
    do {
        tmp[--i] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) {
        if (sp->zero && sp->width) {
            put(o, '-');
            struct spec rest = *sp;
            rest.width = sp->width ? sp->width - 1 : 0;
            put_padded(o, &rest, tmp + i, sizeof(tmp) - i);
            return;
        }
        tmp[--i] = '-';
    }
    put_padded(o, sp, tmp + i, sizeof(tmp) - i);
}

/* Fetch an integer argument of the given length class (0 int, 1 long, 2 long long). */
static uint64_t get_arg(va_list *ap, int lng, int is_signed, int *neg)
{
    int64_t s;
    *neg = 0;
    if (!is_signed)
        return lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
    s = lng ? va_arg(*ap, long) : va_arg(*ap, int);
    if (s < 0) {
        *neg = 1;
        return (uint64_t)0 - (uint64_t)s;
    }
    return (uint64_t)s;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    va_list args;
    va_copy(args, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        struct spec sp = { 0, 0, 0, 0 };
        int lng = 0, neg;
        for (fmt++; *fmt == '0' || *fmt == '-' || *fmt == '#'; fmt++)
            *(*fmt == '0' ? &sp.zero : *fmt == '-' ? &sp.left : &sp.alt) = 1;
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            sp.width = sp.width * 10 + (*fmt - '0');
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            lng = 1;
        switch (*fmt) {
        case 'c': { char c = (char)va_arg(args, int); put_padded(&o, &sp, &c, 1); break; }
        case 's': {
            const char *s = va_arg(args, const char *);
            s = s ? s : "(null)";
            put_padded(&o, &sp, s, strlen(s));
            break;
        }
        case 'd': case 'i': {
            uint64_t v = get_arg(&args, lng, 1, &neg);
            put_num(&o, &sp, v, 10, neg);
            break;
        }
        case 'u': put_num(&o, &sp, get_arg(&args, lng, 0, &neg), 10, 0); break;
        case 'x':
            if (sp.alt) {
                put(&o, '0'); put(&o, 'x');
            }
            put_num(&o, &sp, get_arg(&args, lng, 0, &neg), 16, 0);
            break;
        case 'p':
            put(&o, '0'); put(&o, 'x');
            put_num(&o, &sp, (uint64_t)(uintptr_t)va_arg(args, void *), 16, 0);
            break;
        case '%': put(&o, '%'); break;
        case '\0': fmt--; break;
        default: put(&o, '%'); put(&o, *fmt); break;
        }
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
