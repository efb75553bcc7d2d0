/*
 * The host console: the machine's serial line (arch_serial_*) carries the host's printk and
 * the guests' console_io writes, and brings input to the domain (CONSOLEIO_read, with
 * VIRQ_CONSOLE when bytes arrive).  Guest text is untrusted: it is copied in bounded chunks
 * with copy_from_guest, control characters other than newline and tab are shown as '?', and
 * every line is prefixed with "(dN) " so guest output can never pass for host output.
 */
#include <public/xen.h>
#include <public/errno.h>
#include "arch.h"
#include "domain.h"
#include "event.h"
#include "guest_access.h"
#include "hypercall.h"
#include "hostlib/lib.h"
#include "printk.h"

/* The most a single CONSOLEIO_write may print; the rest is dropped with a note. */
#define CONSOLE_WRITE_MAX 16384
/* A guest line longer than this is broken into several prefixed lines. */
#define CONSOLE_LINE_MAX 160

void console_init(void)
{
    arch_serial_init();
}

void console_puts(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            arch_serial_putc('\r');
        arch_serial_putc(s[i]);
    }
}

/* --- input: a ring of received bytes, read by the domain with CONSOLEIO_read ------------ */

#define CONSOLE_RX_SIZE 1024        /* a power of two; bytes beyond a full ring are dropped */

static struct {
    char buf[CONSOLE_RX_SIZE];
    uint32_t prod, cons;            /* free-running; prod - cons bytes are waiting */
} rx;

/* Input reaches the guest from now on (the domain is built and can bind VIRQ_CONSOLE). */
void console_rx_start(void)
{
    arch_serial_rx_enable();
}

/* The serial line received bytes: queue them, and tell the domain (VIRQ_CONSOLE). */
void console_rx_interrupt(void)
{
    bool any = false;
    int c;

    while ((c = arch_serial_getc()) >= 0) {
        if (rx.prod - rx.cons < CONSOLE_RX_SIZE)
            rx.buf[rx.prod++ % CONSOLE_RX_SIZE] = (char)c;
        any = true;
    }
    if (any && current != NULL)
        evtchn_send_virq(current, VIRQ_CONSOLE);
}

/* Up to `count` waiting bytes into the guest buffer; how many, or -XEN_EFAULT. */
static long console_read(uint64_t buffer, unsigned count)
{
    unsigned done = 0;

    while (done < count && rx.cons != rx.prod) {
        unsigned idx = rx.cons % CONSOLE_RX_SIZE, len = rx.prod - rx.cons;

        if (idx + len > CONSOLE_RX_SIZE)
            len = CONSOLE_RX_SIZE - idx;
        if (len > count - done)
            len = count - done;
        if (copy_to_guest(buffer + done, &rx.buf[idx], len) != 0)
            return -XEN_EFAULT;
        done += len;
        rx.cons += len;
    }
    return done;
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
        return console_read(buffer, count);
    default:
        return -XEN_ENOSYS;
    }
}
