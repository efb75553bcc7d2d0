/*
 * The dom0 layout arithmetic (see dom0_layout.h).  The kernel's range comes from its notes,
 * which are guest input: every sum is bounded before it is made, so no layout wraps or
 * reaches the host's range.
 */
#include <public/xen.h>
#include "dom0_layout.h"
#include "layout.h"
#include "hostlib/lib.h"
#include "mm/types.h"
#include "printk.h"

#define MB (1ULL << 20)
/* A domain larger than this (4 TiB) could not be described by one p2m region anyway. */
#define DOM0_MAX_PAGES (1ULL << 30)

static uint64_t round_pgup(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

uint64_t dom0_layout_nr_tables(uint64_t lo, uint64_t hi, unsigned shift)
{
    uint64_t span = 1ULL << shift;
    return (((hi + span - 1) & ~(span - 1)) - (lo & ~(span - 1))) >> shift;
}

/*
 * Xen's arithmetic: the pagetables map the whole region including themselves, so their
 * count and the region's end depend on each other; search upward from 2 until they agree.
 * Requires a region that cannot wrap (checked by the caller).
 */
static void place(const struct xen_parms *p, uint64_t nr_pages, struct dom0_layout *l)
{
    l->nr_pages = nr_pages;
    l->v_start = p->virt_base;
    l->vkern_start = p->virt_kstart;
    l->vkern_end = p->virt_kend;
    l->vphysmap_start = round_pgup(l->vkern_end);       /* no initrd yet */
    l->vphysmap_end = l->vphysmap_start + nr_pages * sizeof(uint64_t);
    l->vstartinfo_start = round_pgup(l->vphysmap_end);
    l->vstartinfo_end = l->vstartinfo_start + sizeof(struct start_info) + DOM0_VGA_INFO_SIZE;
    l->vpt_start = round_pgup(l->vstartinfo_end);
    for (l->nr_pt_pages = 2; ; l->nr_pt_pages++) {
        l->vpt_end = l->vpt_start + l->nr_pt_pages * PAGE_SIZE;
        l->vstack_start = l->vpt_end;
        l->vstack_end = l->vstack_start + PAGE_SIZE;
        l->v_end = (l->vstack_end + 4 * MB - 1) & ~(4 * MB - 1);
        if (l->v_end - l->vstack_end < 512 * 1024)
            l->v_end += 4 * MB;
        if (1 + dom0_layout_nr_tables(l->v_start, l->v_end, 39) +
                dom0_layout_nr_tables(l->v_start, l->v_end, 30) +
                dom0_layout_nr_tables(l->v_start, l->v_end, 21) <= l->nr_pt_pages)
            break;
    }
}

/*
 * An upper bound on the region's size, so that no sum place() makes can wrap: `before` bytes
 * up to the pagetables (kernel, p2m list, start_info page), then the pagetables, which take
 * under 1/500 of the region plus a few pages, the stack, and at most 4.5 MiB of padding.
 * `before` is at most 4 TiB + 8 GiB + 8 KiB, so the bound itself cannot overflow.
 */
static uint64_t region_bound(uint64_t kernel_bytes, uint64_t nr_pages)
{
    uint64_t before = round_pgup(kernel_bytes) + round_pgup(nr_pages * sizeof(uint64_t)) +
                      PAGE_SIZE;
    return before + before / 256 + 8 * MB;
}

const char *dom0_layout_compute(const struct xen_parms *p, uint64_t nr_pages,
                                struct dom0_layout *l)
{
    uint64_t bytes, kernel_bytes = p->virt_kend - p->virt_base;

    if (nr_pages > DOM0_MAX_PAGES)
        return "the domain is too large (at most 4 TiB)";
    bytes = nr_pages << PAGE_SHIFT;
    if (kernel_bytes > bytes)
        return "dom0_mem is too small for the kernel image";
    if (p->virt_base + region_bound(kernel_bytes, nr_pages) < p->virt_base)
        return "the bootstrap region would wrap around the address space";
    place(p, nr_pages, l);
    if (!va_is_canonical(l->v_start) || !va_is_canonical(l->v_end - 1) ||
        (l->v_start >> 63) != ((l->v_end - 1) >> 63) || l->v_end < l->v_start)
        return "the bootstrap region is not canonical";
    if (l->v_start < HOST_RANGE_END && l->v_end > HOST_RANGE_START)
        return "the bootstrap region overlaps the hypervisor's area";
    if ((l->v_end - l->v_start) >> PAGE_SHIFT > l->nr_pages)
        return "dom0_mem is too small for the kernel image";
    return NULL;
}

void dom0_layout_print(const struct dom0_layout *l, const struct xen_parms *p)
{
    printk("pvx: VIRTUAL MEMORY ARRANGEMENT:\n");
    printk("pvx:  Loaded kernel: %p->%p\n", (void *)l->vkern_start, (void *)l->vkern_end);
    printk("pvx:  Phys-Mach map: %p->%p\n", (void *)l->vphysmap_start, (void *)l->vphysmap_end);
    printk("pvx:  Start info:    %p->%p\n", (void *)l->vstartinfo_start,
           (void *)l->vstartinfo_end);
    printk("pvx:  Page tables:   %p->%p\n", (void *)l->vpt_start, (void *)l->vpt_end);
    printk("pvx:  Boot stack:    %p->%p\n", (void *)l->vstack_start, (void *)l->vstack_end);
    printk("pvx:  TOTAL:         %p->%p\n", (void *)l->v_start, (void *)l->v_end);
    printk("pvx:  ENTRY ADDRESS: %p\n", (void *)p->virt_entry);
}
