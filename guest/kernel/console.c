/*
 * printk: buffer a line, write it out on '\n' (or when full, or on console_flush()).
 */
#include "kernel/console.h"
#include "pvops.h"

static char line[256];
static size_t line_len;

void console_flush(void)
{
    if (line_len && pvops)
        pvops->console_write(line, line_len);
    line_len = 0;
}

static void console_putc(char c)
{
    line[line_len++] = c;
    if (c == '\n' || line_len == sizeof(line))
        console_flush();
}

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(buf))
        n = sizeof(buf) - 1;
    for (int i = 0; i < n; i++)
        console_putc(buf[i]);
}
