/*
 * The host console: COM1 at 115200 8N1 carries the host's printk and the guests' console_io
 * writes.  Guest text is untrusted: it is copied in bounded chunks with copy_from_guest,
 * control characters other than newline and tab are shown as '?', and every line is
 * prefixed with "(dN) " so guest output can never pass for host output.
 */
#include <public/xen.h>
#include <public/errno.h>
#include "arch/x86/x86.h"
#include "guest_access.h"
#include "hypercall.h"
#include "hostlib/lib.h"
#include "printk.h"

#define COM1 0x3f8

/* The most a single CONSOLEIO_write may print; the rest is dropped with a note. */
#define CONSOLE_WRITE_MAX 16384
/* A guest line longer than this is broken into several prefixed lines. */
#define CONSOLE_LINE_MAX 160

void console_init(void)
{
    outb(COM1 + 1, 0x00);   /* no interrupts: the host polls */
    outb(COM1 + 3, 0x80);   /* DLAB on */
    outb(COM1 + 0, 0x01);   /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1, DLAB off */
    outb(COM1 + 2, 0xc7);   /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);   /* DTR, RTS */
}

static void serial_putc(char c)
{
    for (unsigned spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
        ;
    outb(COM1, (uint8_t)c);
}

void console_puts(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

/* One partial guest line per domain (one domain for now), flushed at '\n' or when full. */
static struct {
    char buf[CONSOLE_LINE_MAX];
    size_t len;
} guest_line;

static void guest_line_flush(domid_t domid)
{
    printk("(d%u) %.*s\n", domid, (int)guest_line.len, guest_line.buf);
    guest_line.len = 0;
}

/* At shutdown: print what a domain left without a final newline, and how many of the host
 * lines it caused were suppressed (printk_guest). */
void console_flush_domain(domid_t domid)
{
    if (guest_line.len > 0)
        guest_line_flush(domid);
    printk_guest_report(domid);
}

static void guest_putc(domid_t domid, char c)
{
    if (c == '\n') {
        guest_line_flush(domid);
        return;
    }
    if (c == '\r')
        return;
    if ((c < 0x20 && c != '\t') || c == 0x7f)
        c = '?';
    guest_line.buf[guest_line.len++] = c;
    if (guest_line.len == sizeof(guest_line.buf))
        guest_line_flush(domid);
}

static long console_write(uint64_t buffer, unsigned count)
{
    domid_t domid = current->domain->mm.domid;
    unsigned todo = count > CONSOLE_WRITE_MAX ? CONSOLE_WRITE_MAX : count;
    char chunk[128];

    /* Per-chunk checks alone would let a buffer at the very top of the address space wrap
     * to address 0 and go on there; Xen refuses the whole range up front. */
    if (todo > 0 && buffer + (todo - 1) < buffer)
        return -XEN_EFAULT;
    for (unsigned done = 0; done < todo; ) {
        unsigned n = todo - done < sizeof(chunk) ? todo - done : sizeof(chunk);

        if (copy_from_guest(chunk, buffer + done, n) != 0)
            return -XEN_EFAULT;
        for (unsigned i = 0; i < n; i++)
            guest_putc(domid, chunk[i]);
        done += n;
    }
    if (todo < count)
        printk_guest("pvx: d%u: console write of %u bytes cut to %u\n", domid, count, todo);
    return 0;
}

long do_console_io(int cmd, unsigned count, uint64_t buffer)
{
    switch (cmd) {
    case CONSOLEIO_write:
        return console_write(buffer, count);
    case CONSOLEIO_read:
        return 0;   /* no console input yet: nothing to read */
    default:
        return -XEN_ENOSYS;
    }
}
