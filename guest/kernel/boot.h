/*
 * What the entry point learned before handing over to kmain(): which platform we run on,
 * what it gave us, and the command line.  Filled once at boot, read-only afterwards.
 */
#ifndef GUEST_BOOT_H
#define GUEST_BOOT_H

#include <stdint.h>
#include <public/xen.h>
#include "guestlib/lib.h"

enum platform { PLATFORM_NATIVE, PLATFORM_PVX, PLATFORM_XEN };

struct boot_info {
    enum platform platform;
    unsigned ver_major, ver_minor;       /* hypervisor version (PV) */
    char extraversion[16];               /* XENVER_extraversion, NUL-terminated */
    long syscall_version;                /* xen_version via bare syscall (PV) */
    const struct start_info *si;         /* PV only */
    const char *cmdline;
};

extern struct boot_info boot;

static inline int boot_is_pv(void)
{
    return boot.platform != PLATFORM_NATIVE;
}

const char *platform_name(void);

/* The common kernel entry, after the entry point chose pvops and filled `boot`. */
void kmain(void) __noreturn;

/* Command-line options (kernel/cmdline.c).  Returns the value of `key=` or NULL. */
const char *cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

#endif
