/*
 * Formatted output: a small vsnprintf (flags '-', '0', '#', width and precision (also '*'), length
 * modifiers hh/h/l/ll/z, conversions d i u x X p s c %) and printk on top of it.  printk
 * formats into a bounded buffer, so a long message is cut, never overflows.
 * printk_guest is for host lines a guest can cause at will: it lets a fixed number through
 * per domain and counts the rest, so no guest can flood the serial port through the host.
 */
#include "domain.h"
#include "lib/lib.h"
#include "mm/arch.h"

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

static void put_num(struct out *o, uint64_t v, unsigned base, bool upper, bool neg,
                    int width, bool zero, bool left)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int len = n + (neg ? 1 : 0);
    if (neg && zero)
        put(o, '-');
    for (; !left && width > len; width--)
        put(o, zero ? '0' : ' ');
    if (neg && !zero)
        put(o, '-');
    while (n > 0)
        put(o, tmp[--n]);
    for (; left && width > len; width--)
        put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        bool zero = false, left = false, alt = false;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = true;
            else if (*fmt == '#')
                alt = true;
            else if (*fmt == '-')
                left = true;
            else
                break;
        }
        int width = 0, prec = -1;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        if (*fmt == '.') {
            prec = 0;
            if (fmt[1] == '*') {
                prec = va_arg(ap, int);
                fmt++;
            }
            for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
                prec = prec * 10 + (*fmt - '0');
        }
        int lng = 0;
        for (;; fmt++) {
            if (*fmt == 'l' || *fmt == 'z')
                lng++;
            else if (*fmt != 'h')
                break;
        }
        uint64_t u;
        int64_t s;
        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(&o, s < 0 ? -(uint64_t)s : (uint64_t)s, 10, false, s < 0, width, zero, left);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            if (alt && *fmt != 'u') {
                put(&o, '0');
                put(&o, 'x');
            }
            put_num(&o, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero, left);
            break;
        case 'p':
            put_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, false, false, 16, true,
                    false);
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            int len = (int)strnlen(str, prec < 0 ? (size_t)-1 : (size_t)prec);
            for (; !left && width > len; width--)
                put(&o, ' ');
            for (int i = 0; i < len; i++)
                put(&o, str[i]);
            for (; left && width > len; width--)
                put(&o, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size > 0)
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

static void vprintk(const char *fmt, va_list ap)
{
    char buf[512];

    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    /* A message cut short keeps a line end, so the next message starts its own line. */
    if (n >= (int)sizeof(buf))
        buf[len - 1] = '\n';
    console_puts(buf, len);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

/*
 * Guest-caused lines, counted per domain id.  There is no timer, so this is a budget for the
 * domain's lifetime rather than a rate: the first PRINTK_GUEST_BURST lines show what the
 * guest got wrong, which is what a guest developer needs; the rest only cost serial time.
 * Domain ids past the table share its last entry (pvx runs one domain).
 */
#define PRINTK_GUEST_DOMAINS 8

static struct {
    unsigned printed;
    uint64_t suppressed;
} guest_lines[PRINTK_GUEST_DOMAINS];

static unsigned guest_lines_slot(domid_t domid)
{
    return domid < PRINTK_GUEST_DOMAINS ? domid : PRINTK_GUEST_DOMAINS - 1;
}

void printk_guest(const char *fmt, ...)
{
    va_list ap;

    if (current == NULL || current->domain == NULL) {
        /* No guest is running, so no guest caused it: nothing to limit. */
        va_start(ap, fmt);
        vprintk(fmt, ap);
        va_end(ap);
        return;
    }
    domid_t domid = current->domain->mm.domid;
    unsigned slot = guest_lines_slot(domid);

    if (guest_lines[slot].printed >= PRINTK_GUEST_BURST) {
        guest_lines[slot].suppressed++;
        return;
    }
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    if (++guest_lines[slot].printed == PRINTK_GUEST_BURST)
        printk("pvx: d%u: %u guest-caused host messages printed; further ones suppressed\n",
               domid, PRINTK_GUEST_BURST);
}

void printk_guest_report(domid_t domid)
{
    unsigned slot = guest_lines_slot(domid);

    if (guest_lines[slot].suppressed > 0)
        printk("pvx: d%u: %lu guest-caused host messages suppressed\n", domid,
               guest_lines[slot].suppressed);
    guest_lines[slot].printed = 0;
    guest_lines[slot].suppressed = 0;
}
