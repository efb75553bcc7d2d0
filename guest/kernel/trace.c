/*
 * Starting, marking and writing out the guest's trace (kernel/trace.h).  The records
 * themselves are pvops/trace.c's; the windows come from SYS_tmark (syscall.c).  The ring is frames of the kernel's own allocator, taken
 * at boot only when pvx.trace=on, so a kernel that does not trace keeps every frame.  The
 * dump writes to port 0xe9 with `rep outsb`: natively in ring 0, under PV after asking the
 * hypervisor for a virtual IOPL, which then emulates the string write (Xen and pvx alike).
 */
#include <public/errno.h>
#include <public/physdev.h>
#include <public/pvx_trace.h>
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/exec.h"
#include "kernel/frames.h"
#include "kernel/trace.h"
#include "pvops.h"
#include "user/sysnum.h"

#define TRACE_KB_DEFAULT 2048
#define TRACE_PAGES_MAX  4096              /* 16 MiB */

_Static_assert(TMARK_BEGIN == PVX_MARK_BEGIN && TMARK_END == PVX_MARK_END,
               "the system call's marks are the trace format's");
_Static_assert(PVX_PLATFORM_NATIVE == PLATFORM_NATIVE && PVX_PLATFORM_PVX == PLATFORM_PVX &&
               PVX_PLATFORM_XEN == PLATFORM_XEN, "the trace format's platform numbers");

static uint8_t *pages[TRACE_PAGES_MAX];
static unsigned npages;

void trace_init(void)
{
    char v[16];
    unsigned long kb = TRACE_KB_DEFAULT;

    if (!cmdline_get(boot.cmdline, "pvx.trace", v, sizeof(v)) || strcmp(v, "on") != 0)
        return;
    if (cmdline_get(boot.cmdline, "pvx.trace_kb", v, sizeof(v)))
        kb = strtoull(v, NULL, 0);
    if (kb < 4 || kb > TRACE_PAGES_MAX * 4) {
        printk("trace: pvx.trace_kb=%s: want 4 to %u; using %u\n", v, TRACE_PAGES_MAX * 4,
               TRACE_KB_DEFAULT);
        kb = TRACE_KB_DEFAULT;
    }
    while (npages < kb / 4) {
        pfn_t p = frame_alloc();

        if (p.v == 0)
            break;
        pages[npages++] = pfn_to_virt(p);
    }
    printk("trace: recording into %u KiB (pvx.trace_kb=%lu), written to port %#x at "
           "shutdown\n", npages * 4, kb, PVX_TRACE_PORT);
    pv_trace_start(pages, npages);
}

static void port_write(const void *p, size_t n)
{
    __asm__ volatile("cld; rep outsb"
                     : "+S"(p), "+c"(n)
                     : "d"((uint16_t)PVX_TRACE_PORT)
                     : "memory");
}

void trace_finish(void)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };
    unsigned flags = boot_is_pv() && pv_pvops_batched() ? PVX_BLOB_BATCH : 0;

    if (npages == 0)
        return;
    pv_trace_stop();
    printk("trace: %lu records, %lu lost; writing them to port %#x\n", pv_trace_records(),
           pv_trace_lost(), PVX_TRACE_PORT);
    console_flush();
    if (boot_is_pv() && pv_hypercall(PVH_DIRECT, __HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl,
                                     1, PHYSDEVOP_set_iopl, (uint64_t)&iopl, 0, 0, 0) != 0) {
        printk("trace: no I/O privilege from the hypervisor: the trace is not written\n");
        return;
    }
    pv_trace_dump(boot.cmdline, boot.platform, flags, port_write);
    npages = 0;
}

void trace_mark(unsigned flags, const char *name, unsigned ops, uint64_t tsc)
{
    pv_trace_mark(flags, name, ops, tsc);
}
