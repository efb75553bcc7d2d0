/*
 * The host log, captured: printk for userspace tests and fuzz targets, formatting with pvx's
 * own vsnprintf (lib/format.c) into a buffer, so a test can read exactly the text the host
 * would write to its console, and check what a guest can make the host print.
 */
#ifndef PVX_TESTS_LOG_CAPTURE_H
#define PVX_TESTS_LOG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

/* Everything printed since the last log_reset(), NUL-terminated (at most LOG_CAPTURE_SIZE
 * - 1 bytes; what does not fit is dropped and log_overflowed() says so). */
#define LOG_CAPTURE_SIZE 65536
const char *log_text(void);
bool log_overflowed(void);
void log_reset(void);

/* Whether every byte printed is printable ASCII or a line end. */
bool log_printable(void);

#endif
