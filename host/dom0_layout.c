/*
 * The dom0 layout arithmetic (see dom0_layout.h).  The kernel's range, and where its p2m
 * goes, come from its notes, which are guest input: every sum is bounded before it is made,
 * so no layout wraps or reaches the host's range.
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

uint64_t dom0_layout_walk_p2m(uint64_t lo, uint64_t hi, dom0_p2m_walk_fn *fn, void *ctx)
{
    static const unsigned shifts[] = { 39, 30, 21 };
    uint64_t n = 0;

    for (uint64_t va = lo; va < hi; va += PAGE_SIZE) {
        for (unsigned i = 0; i < 3; i++) {
            if (va == lo || (va & ((1ULL << shifts[i]) - 1)) == 0) {
                if (fn)
                    fn(ctx, 3 - i, va);
                n++;
            }
        }
        if (fn)
            fn(ctx, 0, va);
        n++;
    }
    return n;
}

/*
 * Xen's arithmetic: the pagetables map the whole region including themselves, so their
 * count and the region's end depend on each other; search upward from 2 until they agree.
 * Requires a region that cannot wrap (checked by the caller).
 */
static void place(const struct xen_parms *p, uint64_t nr_pages, uint64_t initrd_len,
                  struct dom0_layout *l)
{
    memset(l, 0, sizeof(*l));
    l->nr_pages = nr_pages;
    l->initrd_len = initrd_len;
    l->p2m_at_base = p->p2m_base != ELFNOTE_UNSET;
    l->v_start = p->virt_base;
    l->vkern_start = p->virt_kstart;
    l->vkern_end = p->virt_kend;
    l->vphysmap_start = round_pgup(l->vkern_end);
    if (initrd_len > 0 && !p->unmapped_initrd) {
        l->vinitrd_start = l->vphysmap_start;
        l->vinitrd_end = l->vinitrd_start + initrd_len;
        l->vphysmap_start = round_pgup(l->vinitrd_end);
    }
    l->vphysmap_end = l->vphysmap_start + (l->p2m_at_base ? 0 : nr_pages * sizeof(uint64_t));
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
    if (l->p2m_at_base) {
        l->vphysmap_start = p->p2m_base;
        l->vphysmap_end = p->p2m_base + nr_pages * sizeof(uint64_t);
    }

    /* The frames, numbered as Xen numbers them (dom0_layout.h). */
    uint64_t region = (l->v_end - l->v_start) >> PAGE_SHIFT;
    l->initrd_pages = (initrd_len + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (l->vinitrd_start)
        region -= l->initrd_pages;
    for (l->alloc_pages = 1; l->alloc_pages < region; l->alloc_pages <<= 1)
        ;
    l->initrd_pfn = l->vinitrd_start ? dom0_layout_pfn(l, l->vinitrd_start) : l->alloc_pages;
    l->first_p2m_pfn = l->alloc_pages + l->initrd_pages;
    if (l->p2m_at_base)
        l->nr_p2m_frames = dom0_layout_walk_p2m(l->vphysmap_start, round_pgup(l->vphysmap_end),
                                                NULL, NULL);
}

static bool slots_overlap(uint64_t a_lo, uint64_t a_hi, uint64_t b_lo, uint64_t b_hi)
{
    return (a_lo >> 39) <= ((b_hi - 1) >> 39) && (b_lo >> 39) <= ((a_hi - 1) >> 39);
}

/* A range [lo, hi) the guest may own: canonical, in one half, clear of the host's range. */
static const char *check_guest_range(uint64_t lo, uint64_t hi)
{
    if (hi < lo || !va_is_canonical(lo) || !va_is_canonical(hi - 1) || (lo >> 63) != ((hi - 1) >> 63))
        return "is not canonical";
    if (lo < HOST_RANGE_END && hi > HOST_RANGE_START)
        return "overlaps the hypervisor's area";
    return NULL;
}

/* The p2m placed by INIT_P2M: a guest range of its own, in L4 slots the region does not use
 * (pvx maps it with tables of its own; Xen would share the region's). */
static const char *check_p2m_base(const struct dom0_layout *l)
{
    if (l->vphysmap_end < l->vphysmap_start || check_guest_range(l->vphysmap_start,
                                                                 round_pgup(l->vphysmap_end)))
        return "INIT_P2M puts the p2m list outside the guest's address space";
    if (l->v_start <= l->vphysmap_end && l->vphysmap_start <= l->v_end)
        return "INIT_P2M overlaps the bootstrap region";
    if (slots_overlap(l->vphysmap_start, round_pgup(l->vphysmap_end), l->v_start, l->v_end))
        return "INIT_P2M shares a 512 GiB slot with the bootstrap region";
    return NULL;
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
                                uint64_t initrd_len, struct dom0_layout *l)
{
    uint64_t bytes, kernel_bytes = p->virt_kend - p->virt_base;
    const char *err;

    if (nr_pages > DOM0_MAX_PAGES)
        return "the domain is too large (at most 4 TiB)";
    bytes = nr_pages << PAGE_SHIFT;
    if (kernel_bytes > bytes)
        return "dom0_mem is too small for the kernel image";
    if (initrd_len > bytes - kernel_bytes)
        return "dom0_mem is too small for the kernel and the initial ramdisk";
    /* A mapped initrd lies in the region between the kernel and the p2m list. */
    if (p->virt_base + region_bound(kernel_bytes + (p->unmapped_initrd ? 0 : round_pgup(initrd_len)),
                                    nr_pages) < p->virt_base)
        return "the bootstrap region would wrap around the address space";
    place(p, nr_pages, initrd_len, l);
    err = check_guest_range(l->v_start, l->v_end);
    if (err)
        return err[0] == 'i' ? "the bootstrap region is not canonical"
                             : "the bootstrap region overlaps the hypervisor's area";
    if (l->p2m_at_base && (err = check_p2m_base(l)) != NULL)
        return err;
    /* Xen: "Domain 0 allocation is too small for kernel image". */
    if (l->alloc_pages + l->initrd_pages > l->nr_pages)
        return "dom0_mem is too small for the kernel image";
    if (l->first_p2m_pfn + l->nr_p2m_frames > l->nr_pages)
        return "dom0_mem is too small for the initial p2m list";
    return NULL;
}

void dom0_layout_print(const struct dom0_layout *l, const struct xen_parms *p)
{
    printk("pvx: VIRTUAL MEMORY ARRANGEMENT:\n");
    printk("pvx:  Loaded kernel: %p->%p\n", (void *)l->vkern_start, (void *)l->vkern_end);
    if (l->vinitrd_end > l->vinitrd_start)
        printk("pvx:  Init. ramdisk: %p->%p\n", (void *)l->vinitrd_start, (void *)l->vinitrd_end);
    printk("pvx:  Phys-Mach map: %p->%p\n", (void *)l->vphysmap_start, (void *)l->vphysmap_end);
    printk("pvx:  Start info:    %p->%p\n", (void *)l->vstartinfo_start,
           (void *)l->vstartinfo_end);
    printk("pvx:  Page tables:   %p->%p\n", (void *)l->vpt_start, (void *)l->vpt_end);
    printk("pvx:  Boot stack:    %p->%p\n", (void *)l->vstack_start, (void *)l->vstack_end);
    printk("pvx:  TOTAL:         %p->%p\n", (void *)l->v_start, (void *)l->v_end);
    printk("pvx:  ENTRY ADDRESS: %p\n", (void *)p->virt_entry);
}
