/*
 * The layout's promises (see layout_check.h): order, alignment, sizes, padding, canonical
 * and outside the host's range, within the domain, and a pagetable count that covers the
 * region and is the smallest Xen's search finds.
 */
#include <public/xen.h>
#include "layout_check.h"
#include "layout.h"

#define PAGE  0x1000ULL
#define MB    (1ULL << 20)

static uint64_t blocks(uint64_t lo, uint64_t hi, unsigned shift)
{
    return ((hi - 1) >> shift) - (lo >> shift) + 1;
}

uint64_t layout_tables_needed(uint64_t lo, uint64_t hi)
{
    return 1 + blocks(lo, hi, 39) + blocks(lo, hi, 30) + blocks(lo, hi, 21);
}

static uint64_t up(uint64_t v, uint64_t align) { return (v + align - 1) & ~(align - 1); }

/* Where the region would end with n pagetable pages: the stack after them, then at least
 * 512 KiB of padding up to a 4 MiB boundary. */
static uint64_t region_end(const struct dom0_layout *l, uint64_t n)
{
    uint64_t stack_end = l->vpt_start + (n + 1) * PAGE;
    uint64_t end = up(stack_end, 4 * MB);
    return end - stack_end < 512 * 1024 ? end + 4 * MB : end;
}

static const char *check_places(const struct xen_parms *p, uint64_t nr_pages,
                                const struct dom0_layout *l)
{
    if (l->v_start != p->virt_base || l->vkern_start != p->virt_kstart ||
        l->vkern_end != p->virt_kend || l->nr_pages != nr_pages)
        return "the region does not start at VIRT_BASE with the kernel the notes name";
    /* A mapped initrd follows the kernel; an unmapped one, and none, leave no trace. */
    uint64_t after_kernel = up(l->vkern_end, PAGE), before_p2m = after_kernel;
    if (l->vinitrd_end > l->vinitrd_start) {
        if (l->vinitrd_start != after_kernel || l->vinitrd_end - l->vinitrd_start != l->initrd_len)
            return "the mapped initrd is not its length on the page after the kernel";
        before_p2m = up(l->vinitrd_end, PAGE);
    } else if (l->vinitrd_start != 0 || l->vinitrd_end != 0) {
        return "an empty initrd range that is not 0-0";
    }
    /* The p2m: in the region after those, or at INIT_P2M with nothing of it in the region. */
    uint64_t p2m_base = l->p2m_at_base ? p->p2m_base : before_p2m;
    if ((p->p2m_base != ELFNOTE_UNSET) != l->p2m_at_base || l->vphysmap_start != p2m_base ||
        l->vphysmap_end - l->vphysmap_start != nr_pages * 8)
        return "the p2m list is not nr_pages entries where the notes put it";
    uint64_t after_p2m = l->p2m_at_base ? before_p2m : up(l->vphysmap_end, PAGE);
    if (l->vstartinfo_start != after_p2m ||
        l->vstartinfo_end - l->vstartinfo_start != sizeof(struct start_info) + DOM0_VGA_INFO_SIZE)
        return "start_info is not on the page after the p2m list";
    if (l->vpt_start != up(l->vstartinfo_end, PAGE) ||
        l->vpt_end - l->vpt_start != l->nr_pt_pages * PAGE)
        return "the pagetables are not nr_pt_pages pages after start_info";
    if (l->vstack_start != l->vpt_end || l->vstack_end - l->vstack_start != PAGE)
        return "the stack is not one page after the pagetables";
    return NULL;
}

static const char *check_order(const struct dom0_layout *l)
{
    uint64_t p2m_lo = l->p2m_at_base ? l->vkern_end : l->vphysmap_start;
    uint64_t p2m_hi = l->p2m_at_base ? l->vkern_end : l->vphysmap_end;

    if (!(l->v_start <= l->vkern_start && l->vkern_start < l->vkern_end &&
          l->vkern_end <= p2m_lo && p2m_lo <= p2m_hi &&
          p2m_hi <= l->vstartinfo_start && l->vstartinfo_end <= l->vpt_start &&
          l->vpt_end <= l->vstack_start && l->vstack_end <= l->v_end && l->v_start < l->v_end))
        return "the region's parts are out of order, or it wraps";
    if ((l->v_start | l->vphysmap_start | l->vstartinfo_start | l->vpt_start |
         l->vstack_start) & (PAGE - 1))
        return "a part of the region is not page aligned";
    if (l->v_end & (4 * MB - 1))
        return "the region does not end on a 4 MiB boundary";
    if (l->v_end - l->vstack_end < 512 * 1024 || l->v_end - l->vstack_end >= 4 * MB + 512 * 1024)
        return "the padding after the stack is not 512 KiB up to the next 4 MiB boundary";
    return NULL;
}

static const char *check_place_in_memory(uint64_t nr_pages, const struct dom0_layout *l)
{
    if (!va_is_canonical(l->v_start) || !va_is_canonical(l->v_end - 1) ||
        (l->v_start >> 63) != ((l->v_end - 1) >> 63))
        return "the region is not canonical";
    if (l->v_start < HOST_RANGE_END && l->v_end > HOST_RANGE_START)
        return "the region overlaps the host's range";
    if ((l->v_end - l->v_start) / PAGE > nr_pages)
        return "the region is larger than the domain";
    /* Xen's pfns: its first allocation (a power of two covering the region less a mapped
     * initrd), then an unmapped initrd, then a p2m at INIT_P2M, all inside the domain. */
    uint64_t region = (l->v_end - l->v_start) / PAGE, pages = (l->initrd_len + PAGE - 1) / PAGE;
    if (l->vinitrd_end > l->vinitrd_start)
        region -= pages;
    if (l->alloc_pages < region || (l->alloc_pages & (l->alloc_pages - 1)) ||
        (l->alloc_pages > 1 && l->alloc_pages / 2 >= region) || l->initrd_pages != pages ||
        l->first_p2m_pfn != l->alloc_pages + pages ||
        l->first_p2m_pfn + l->nr_p2m_frames > nr_pages)
        return "the pfns are not numbered as Xen numbers them";
    return NULL;
}

static const char *check_pagetables(const struct dom0_layout *l)
{
    if (layout_tables_needed(l->v_start, l->v_end) > l->nr_pt_pages)
        return "the pagetables do not cover the region";
    /* Xen's search goes up from 2 and stops at the first count that covers its region. */
    for (uint64_t n = 2; n < l->nr_pt_pages; n++)
        if (layout_tables_needed(l->v_start, region_end(l, n)) <= n)
            return "a smaller pagetable count covers its region";
    if (region_end(l, l->nr_pt_pages) != l->v_end)
        return "the region does not end where its pagetable count puts it";
    return NULL;
}

const char *layout_check(const struct xen_parms *p, uint64_t nr_pages,
                         const struct dom0_layout *l)
{
    const char *err = check_places(p, nr_pages, l);

    if (!err)
        err = check_order(l);
    if (!err)
        err = check_place_in_memory(nr_pages, l);
    if (!err)
        err = check_pagetables(l);
    return err;
}
