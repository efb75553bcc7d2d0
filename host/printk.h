/*
 * The host's log.  printk is for host events and host bugs; printk_guest is for every line a
 * guest can cause at will (a refused request, an unknown hypercall), charged to the domain
 * running now so that no guest can flood the serial port through the host.  Portable: the
 * hypervisor writes to its console, the userspace tests to stderr.
 */
#ifndef PVX_PRINTK_H
#define PVX_PRINTK_H

#include <stddef.h>
#include <stdint.h>

/* Log one line (printf format) to the host console. */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Each domain gets PRINTK_GUEST_BURST guest-caused lines, then one line saying the rest are
 * suppressed; the count is printed when the domain shuts down. */
#define PRINTK_GUEST_BURST 64
void printk_guest(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* At a domain's shutdown (host only): print how many of its lines were suppressed, if any,
 * and give its id a fresh budget. */
void printk_guest_report(uint16_t domid);

#endif
