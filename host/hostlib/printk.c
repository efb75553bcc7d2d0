/*
 * printk: formats with the shared vsnprintf (lib/format.c) into a bounded buffer, so a long
 * message is cut at 511 bytes, never overflows, and hands the line to console.c.
 * printk_guest is for host lines a guest can cause at will: it lets a fixed number through
 * per domain and counts the rest, so no guest can flood the serial port through the host.
 */
#include "domain.h"
#include "hostlib/lib.h"
#include "printk.h"

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
