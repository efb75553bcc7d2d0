/*
 * printf for user programs: format into a buffer, one write per call (whole lines stay
 * together on the console).
 */
#include "user/ulib.h"

int printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(buf))
        n = sizeof(buf) - 1;
    return (int)write(1, buf, (size_t)n);
}
