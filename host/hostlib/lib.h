/*
 * The host's small C library: the shared string functions and formatter (top-level lib/),
 * printk on top of them, and the helpers that read an ELF image.  Freestanding; nothing here
 * touches hardware (console.c owns the serial port behind printk).
 */
#ifndef PVX_HOSTLIB_LIB_H
#define PVX_HOSTLIB_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/format.h"
#include "lib/string.h"

/* printk is declared in mm/arch.h; console.c writes its output to the serial port. */
void console_puts(const char *s, size_t len);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
