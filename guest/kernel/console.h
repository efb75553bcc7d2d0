/*
 * Kernel console: printk formats into a line buffer and hands whole lines to the pvops
 * console hook (one console_io per line under PV, so the hypervisor's per-line prefixes
 * stay intact).
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include "guestlib/lib.h"

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_flush(void);

#endif
