/*
 * The two frame allocators (frames.h).  The free list is a stack threaded through the
 * frame table; a frame's reference count says who holds it, so fork can share frames and
 * the last holder frees them.  Trusts its callers: a double free is a kernel bug and stops
 * the guest.
 */
#include <public/sched.h>
#include "kernel/console.h"
#include "kernel/frames.h"
#include "guestlib/lib.h"

static uint64_t early_next, early_end;

static struct frame *table;          /* indexed by pfn, [0, table_end) */
static uint64_t table_end;
static uint32_t free_head;           /* 0: empty (pfn 0 is never free) */
static uint64_t nr_free;

void frames_early_init(uint64_t first, uint64_t end)
{
    early_next = (first + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    early_end = end & ~(uint64_t)(PAGE_SIZE - 1);
}

pfn_t frame_alloc_early(void)
{
    if (early_next >= early_end)
        return pfn(0);
    void *va = (void *)early_next;
    early_next += PAGE_SIZE;
    memset(va, 0, PAGE_SIZE);
    return virt_to_pfn(va);
}

uint64_t frames_early_left(void)
{
    return early_next < early_end ? (early_end - early_next) >> PAGE_SHIFT : 0;
}

pfn_t frames_early_next(void)
{
    return virt_to_pfn((const void *)early_next);
}

static __attribute__((__noreturn__)) void frames_bug(const char *what, pfn_t p)
{
    printk("frames: BUG: %s (pfn %#lx)\n", what, p.v);
    console_flush();
    pvops->shutdown(SHUTDOWN_crash);
}

bool frames_init(pfn_t first, pfn_t end)
{
    uint64_t bytes = end.v * sizeof(struct frame);
    uint64_t nr_table = (bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;

    if (first.v == 0 || first.v + nr_table > end.v) {
        printk("frames: no room for the frame table (%lu frames in [%#lx, %#lx))\n",
               nr_table, first.v, end.v);
        return false;
    }
    table = pfn_to_virt(first);
    table_end = end.v;
    memset(table, 0, nr_table * PAGE_SIZE);
    for (uint64_t i = 0; i < first.v + nr_table; i++)
        table[i].refs = 1;           /* the kernel's: image, boot region, frame table */
    for (uint64_t i = end.v; i-- > first.v + nr_table; ) {
        table[i].next_free = free_head;
        free_head = (uint32_t)i;
        nr_free++;
    }
    return true;
}

struct frame *frame_info(pfn_t p)
{
    return table && p.v < table_end ? &table[p.v] : NULL;
}

pfn_t frame_alloc(void)
{
    if (!free_head)
        return pfn(0);
    pfn_t p = pfn(free_head);
    struct frame *f = &table[p.v];
    free_head = f->next_free;
    nr_free--;
    *f = (struct frame){ .refs = 1 };
    memset(pfn_to_virt(p), 0, PAGE_SIZE);
    return p;
}

void frame_get(pfn_t p)
{
    struct frame *f = frame_info(p);
    if (!f || !f->refs)
        frames_bug("reference to a free frame", p);
    f->refs++;
}

void frame_put(pfn_t p)
{
    struct frame *f = frame_info(p);
    if (!f || !f->refs)
        frames_bug("free of a free frame", p);
    if (--f->refs)
        return;
    if (f->pv.table_level || f->pv.pinned)
        frames_bug("free of a frame still a pagetable", p);
    f->next_free = free_head;
    free_head = (uint32_t)p.v;
    nr_free++;
}

uint32_t frame_refs(pfn_t p)
{
    struct frame *f = frame_info(p);
    return f ? f->refs : 0;
}

uint64_t frames_free(void)
{
    return nr_free;
}
