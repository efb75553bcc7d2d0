/*
 * printk into a buffer (see log_capture.h).  pvx's formatter, not libc's: lib_names.h maps
 * vsnprintf to lib_vsnprintf, as in the unit builds of host/ and lib/.
 */
#include <stdarg.h>
#include <stdint.h>
#include "log_capture.h"
#include "lib_names.h"
#include "lib/format.h"
#include "printk.h"

static char text[LOG_CAPTURE_SIZE];
static size_t used;
static bool overflowed;

void printk(const char *fmt, ...)
{
    va_list ap;
    size_t room = sizeof(text) - used;

    va_start(ap, fmt);
    int n = vsnprintf(text + used, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        overflowed = true;
        used = sizeof(text) - 1;
    } else {
        used += (size_t)n;
    }
}

const char *log_text(void) { return text; }
bool log_overflowed(void) { return overflowed; }

void log_reset(void)
{
    used = 0;
    text[0] = '\0';
    overflowed = false;
}

bool log_printable(void)
{
    for (size_t i = 0; i < used; i++)
        if (text[i] != '\n' && (text[i] < 0x20 || text[i] > 0x7e))
            return false;
    return true;
}
