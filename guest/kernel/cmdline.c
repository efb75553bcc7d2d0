/*
 * Command-line parsing: space-separated `key=value` words, from start_info (PV) or the
 * PVH command line (native).  Untrusted text: values are copied bounded.
 */
#include "kernel/boot.h"

const char *cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);
    const char *p = cmdline;
    while (p && *p) {
        while (*p == ' ')
            p++;
        size_t wlen = 0;
        while (p[wlen] && p[wlen] != ' ')
            wlen++;
        if (wlen > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            size_t vlen = wlen - klen - 1;
            if (vlen >= size)
                vlen = size - 1;
            memcpy(buf, p + klen + 1, vlen);
            buf[vlen] = '\0';
            return buf;
        }
        p += wlen;
    }
    return NULL;
}
