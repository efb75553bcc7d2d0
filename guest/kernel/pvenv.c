/*
 * What pvops needs from the kernel (the pvenv_* interface of pvops.h): translations, the
 * frame allocator, per-frame state and the raw hypercall door.  Before the frame table
 * exists every table the backend meets belongs to the boot tree, which the hypervisor
 * keeps pinned, so its state is "pinned, no user pgd".
 */
#include "arch/x86/hypercall.h"
#include "kernel/console.h"
#include "kernel/frames.h"

long pvenv_hypercall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                     uint64_t a5)
{
    return hypercall5(nr, a1, a2, a3, a4, a5);
}

mfn_t pvenv_pfn_to_mfn(pfn_t p) { return pfn_to_mfn(p); }
pfn_t pvenv_mfn_to_pfn(mfn_t m) { return mfn_to_pfn(m); }
pfn_t pvenv_virt_to_pfn(const void *va) { return virt_to_pfn(va); }
void *pvenv_pfn_to_virt(pfn_t p) { return pfn_to_virt(p); }
uint64_t pvenv_virt_to_maddr(const void *va) { return virt_to_maddr(va); }
pfn_t pvenv_frame_alloc(void) { return frame_alloc(); }
void pvenv_frame_free(pfn_t p) { frame_put(p); }

struct pv_frame *pvenv_frame(pfn_t p)
{
    static struct pv_frame boot_tree;
    struct frame *f = frame_info(p);

    if (f)
        return &f->pv;
    boot_tree = (struct pv_frame){ .table_level = 1, .pinned = gmem.pv };
    return &boot_tree;
}

void pvenv_report(const char *fmt, ...)
{
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("%s", buf);
}
