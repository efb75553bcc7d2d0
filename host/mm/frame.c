/*
 * The frame table and the frame allocator: one page_info per machine frame, the free list,
 * ownership, the M2P entries mm maintains, and the general and type reference counts.
 * Trust: callers inside host/mm/ pass frame numbers that may come straight from a guest, so
 * every lookup is bounds-checked here and every reference is refused rather than wrapped.
 *
 * Stale TLB entries: the guest may still hold a TLB entry made through a frame's old role
 * (a writable mapping, or a pagetable walk) after its last type reference is gone.  A frame
 * therefore records the flush clock when its type count falls to zero, and taking a new type
 * first flushes if no full flush has happened since (Xen's tlbflush_timestamp, one CPU).
 */
#include <public/errno.h>
#include "mm/page.h"

struct page_info *mm_frame_table;
uint64_t mm_frames;
static uint64_t free_head = INVALID_MFN_RAW;
static uint64_t free_count;
static uint32_t mm_tlb_clock = 1;
struct mm_domain *mm_domains[MM_MAX_DOMAINS];   /* every domain mm_domain_init has seen */
unsigned mm_nr_domains;

#define INVALID_M2P_ENTRY (~0ULL)

size_t mm_frame_table_bytes(uint64_t nr_frames)
{
    return (size_t)nr_frames * sizeof(struct page_info);
}

void mm_init(void *table, uint64_t nr_frames)
{
    mm_frame_table = table;
    mm_frames = nr_frames;
    free_head = INVALID_MFN_RAW;
    free_count = 0;
    mm_tlb_clock = 1;
    mm_nr_domains = 0;
}

static void free_list_push(struct page_info *pg)
{
    pg->next_free = free_head;
    free_head = mfn_x(mm_page_mfn(pg));
    free_count++;
}

void mm_add_ram(mfn_t first, uint64_t count)
{
    uint64_t i;

    /* Pushed top-down so that the allocator hands out low frames first. */
    for (i = count; i-- > 0;) {
        struct page_info *pg = mm_page(_mfn(mfn_x(first) + i));

        if (pg == NULL || (pg->flags & PGF_RAM))
            continue;
        pg->flags = PGF_RAM;
        pg->count = pg->type_count = 0;
        pg->type = MM_TYPE_NONE;
        pg->owner = NULL;
        free_list_push(pg);
    }
}

uint64_t mm_nr_frames(void) { return mm_frames; }
uint64_t mm_free_frames(void) { return free_count; }

static void zero_frame(mfn_t mfn)
{
    uint64_t *p = arch_map_frame(mfn);
    unsigned i;

    for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
        p[i] = 0;
    arch_unmap_frame(p);
}

/* Pop a free frame, zeroed, with no owner and no references.  NULL when none is left. */
static struct page_info *alloc_frame(void)
{
    struct page_info *pg;

    if (free_head == INVALID_MFN_RAW)
        return NULL;
    pg = &mm_frame_table[free_head];
    free_head = pg->next_free;
    free_count--;
    pg->next_free = INVALID_MFN_RAW;
    zero_frame(mm_page_mfn(pg));
    return pg;
}

bool mm_alloc_host_frame(mfn_t *out)
{
    struct page_info *pg = alloc_frame();

    if (pg == NULL)
        return false;
    pg->flags = PGF_RAM | PGF_HOST;
    pg->count = 1;
    arch_m2p()[mfn_x(mm_page_mfn(pg))] = INVALID_M2P_ENTRY;
    *out = mm_page_mfn(pg);
    return true;
}

static bool frame_is_free(const struct page_info *pg)
{
    return pg->flags == PGF_RAM && pg->count == 0;
}

/*
 * The highest run of `nr` free frames, found in the frame table, then unlinked from the free
 * list in one pass that keeps the order of the rest.  Both walks are linear in the number of
 * frames: this is for a few large buffers at boot, not for the paths guests drive.
 */
bool mm_alloc_host_run(uint64_t nr, mfn_t *first)
{
    uint64_t run = 0, lo = 0, top;

    if (nr == 0 || nr > free_count)
        return false;
    for (top = mm_frames; top-- > 0; ) {
        run = frame_is_free(&mm_frame_table[top]) ? run + 1 : 0;
        if (run == nr) {
            lo = top;
            break;
        }
    }
    if (run != nr)
        return false;
    for (uint64_t *link = &free_head; *link != INVALID_MFN_RAW; ) {
        struct page_info *pg = &mm_frame_table[*link];

        if (*link >= lo && *link < lo + nr) {
            *link = pg->next_free;
            pg->next_free = INVALID_MFN_RAW;
            free_count--;
        } else {
            link = &pg->next_free;
        }
    }
    for (uint64_t i = lo; i < lo + nr; i++) {
        mm_frame_table[i].flags = PGF_RAM | PGF_HOST;
        mm_frame_table[i].count = 1;
        arch_m2p()[i] = INVALID_M2P_ENTRY;
    }
    *first = _mfn(lo);
    return true;
}

void mm_free_host_run(mfn_t first, uint64_t nr)
{
    for (uint64_t i = nr; i-- > 0; ) {
        struct page_info *pg = mm_page(_mfn(mfn_x(first) + i));

        if (pg == NULL || pg->flags != (PGF_RAM | PGF_HOST) || pg->count != 1) {
            printk("mm: free_host_run of frame %#llx, which no host run holds\n",
                   (unsigned long long)(mfn_x(first) + i));
            continue;
        }
        pg->count = 0;
        pg->flags = PGF_RAM;
        free_list_push(pg);
    }
}

int mm_alloc_domain_frame(struct mm_domain *d, mfn_t *out)
{
    struct page_info *pg;

    if (d->tot_pages >= d->max_pages || (pg = alloc_frame()) == NULL)
        return -XEN_ENOMEM;
    pg->flags = PGF_RAM | PGF_ALLOCATED;
    pg->owner = d;
    pg->count = 1;                 /* the allocation reference */
    pg->type = MM_TYPE_NONE;
    pg->type_count = 0;
    pg->flush_stamp = 0;
    d->tot_pages++;
    arch_m2p()[mfn_x(mm_page_mfn(pg))] = INVALID_M2P_ENTRY;
    *out = mm_page_mfn(pg);
    return 0;
}

int mm_alloc_shared_frame(struct mm_domain *d, mfn_t *out)
{
    int rc = mm_alloc_domain_frame(d, out);
    struct page_info *pg;

    if (rc != 0)
        return rc;
    pg = mm_page(*out);
    pg->flags |= PGF_SHARED;
    pg->count++;                   /* held with the permanent writable type reference */
    pg->type = MM_TYPE_WRITABLE;
    pg->type_count = 1;
    pg->flags |= PGF_VALIDATED;
    return 0;
}

/* Give a frame whose last reference is gone back to the allocator. */
static void free_frame(struct page_info *pg)
{
    if (pg->owner != NULL && pg->owner->tot_pages > 0)
        pg->owner->tot_pages--;
    arch_m2p()[mfn_x(mm_page_mfn(pg))] = INVALID_M2P_ENTRY;
    pg->owner = NULL;
    pg->flags = PGF_RAM;
    pg->type = MM_TYPE_NONE;
    pg->type_count = 0;
    free_list_push(pg);
}

void mm_domain_init(struct mm_domain *d, domid_t domid, uint64_t max_pages)
{
    unsigned i;

    d->domid = domid;
    d->tot_pages = 0;
    d->max_pages = max_pages;
    d->nr_vcpus = 0;
    for (i = 0; i < PVX_MAX_VCPUS; i++)
        d->vcpu[i] = NULL;
    for (i = 0; i < mm_nr_domains; i++)
        if (mm_domains[i] == d)
            return;
    if (mm_nr_domains < MM_MAX_DOMAINS)
        mm_domains[mm_nr_domains++] = d;
}

void mm_vcpu_init(struct mm_domain *d, struct mm_vcpu *v)
{
    v->guest_table = invalid_mfn();
    v->guest_table_user = invalid_mfn();
    v->ldt_base = 0;
    v->ldt_ents = 0;
    if (d->nr_vcpus < PVX_MAX_VCPUS)
        d->vcpu[d->nr_vcpus++] = v;
}

int mm_set_m2p(struct mm_domain *d, mfn_t mfn, uint64_t pfn)
{
    struct page_info *pg = mm_page(mfn);

    if (pg == NULL || pg->owner != d || !(pg->flags & PGF_ALLOCATED))
        return -XEN_EINVAL;
    arch_m2p()[mfn_x(mfn)] = pfn;
    return 0;
}

struct mm_domain *mm_frame_owner(mfn_t mfn)
{
    struct page_info *pg = mm_page(mfn);

    return (pg != NULL && (pg->flags & PGF_ALLOCATED)) ? pg->owner : NULL;
}

/* --- general references --------------------------------------------------------------------- */

/* mm_get_page and the common case of mm_put_page are inline (page.h). */
void mm_put_page_slow(struct page_info *pg)
{
    if (pg->count == 0) {
        printk("mm: put_page underflow on mfn %#llx\n",
               (unsigned long long)mfn_x(mm_page_mfn(pg)));
        return;
    }
    if (--pg->count == 0 && !(pg->flags & PGF_HOST))
        free_frame(pg);
}

/* --- type references ------------------------------------------------------------------------ */

void mm_flush_tlb(void)
{
    arch_flush_tlb_local();
    mm_tlb_clock++;
}

static bool is_pagetable_type(unsigned type)
{
    return type >= MM_TYPE_L1 && type <= MM_TYPE_L4;
}

/* A frame becoming a descriptor table (GDT or LDT frame): every descriptor must be one the
 * guest may have, fixed up as it goes (Xen's alloc_segdesc_page). */
static int check_seg_desc_frame(struct page_info *pg)
{
    uint64_t *desc = arch_map_frame(mm_page_mfn(pg));
    int rc = 0;

    for (unsigned i = 0; i < PAGE_SIZE / sizeof(*desc) && rc == 0; i++)
        if (!arch_check_descriptor(&desc[i]))
            rc = REFUSE(-XEN_EINVAL, "descriptor the guest may not have");
    arch_unmap_frame(desc);
    return rc;
}

/*
 * One more reference to `type` on pg (the caller holds a general reference).  If the type
 * count is zero the frame may take a new type; a pagetable type is then validated, which
 * takes the references of every entry.  0, or -XEN_EINVAL when the frame is in use with
 * another type, or the errno of the entry that failed validation.
 */
int mm_get_page_type_slow(struct page_info *pg, unsigned type)
{
    int rc;

    if (pg->type_count > 0) {
        if (pg->type != type || !(pg->flags & PGF_VALIDATED) || pg->type_count >= MM_COUNT_MAX)
            return REFUSE(-XEN_EINVAL, "frame in use with another type");
        pg->type_count++;
        return 0;
    }
    if (pg->type != type || !(pg->flags & PGF_VALIDATED)) {
        uint8_t old_type = pg->type, old_flags = pg->flags;

        /* A TLB entry made through the old role must not outlive it into the new one. */
        if (pg->type != MM_TYPE_NONE && pg->flush_stamp == mm_tlb_clock)
            mm_flush_tlb();
        pg->type = (uint8_t)type;
        pg->flags &= (uint8_t)~(PGF_VALIDATED | PGF_USER_L4_OK);
        pg->type_count = 1;
        rc = is_pagetable_type(type) ? mm_validate_table(pg, type) :
             type == MM_TYPE_SEG_DESC ? check_seg_desc_frame(pg) : 0;
        if (rc != 0) {
            /* Refused: the frame keeps its old type, as if never asked. */
            pg->type_count = 0;
            pg->type = old_type;
            pg->flags = old_flags;
            return rc;
        }
        pg->flags |= PGF_VALIDATED;
        return 0;
    }
    pg->type_count = 1;
    return 0;
}

/* Drop one type reference; the last one on a pagetable devalidates it (dropping the
 * references its entries hold, which may cascade down the levels). */
void mm_put_page_type_slow(struct page_info *pg)
{
    if (pg->type_count == 0) {
        printk("mm: put_page_type underflow on mfn %#llx\n",
               (unsigned long long)mfn_x(mm_page_mfn(pg)));
        return;
    }
    if (--pg->type_count > 0)
        return;
    if (is_pagetable_type(pg->type) && (pg->flags & PGF_VALIDATED)) {
        pg->flags &= (uint8_t)~(PGF_VALIDATED | PGF_USER_L4_OK);
        mm_devalidate_table(pg, pg->type);
    }
    pg->flush_stamp = mm_tlb_clock;
}

int mm_get_typed(const struct mm_domain *d, mfn_t mfn, unsigned type)
{
    struct page_info *pg = mm_get_page_from_mfn(mfn_x(mfn), d);
    int rc;

    if (pg == NULL)
        return -XEN_EINVAL;
    rc = mm_get_page_type(pg, type);
    if (rc != 0)
        mm_put_page(pg);
    return rc;
}

void mm_put_typed(mfn_t mfn)
{
    struct page_info *pg = mm_page(mfn);

    mm_put_page_type(pg);
    mm_put_page(pg);
}

/* The host's own typed references (a GDT frame, say) are counted apart so that the audit can
 * account for them. */
int mm_get_page_and_type(struct mm_domain *d, mfn_t mfn, enum mm_page_type type)
{
    int rc = mm_get_typed(d, mfn, type);

    if (rc == 0)
        mm_page(mfn)->ext_count++;
    return rc;
}

void mm_put_page_and_type(mfn_t mfn)
{
    struct page_info *pg = mm_page(mfn);

    if (pg == NULL || pg->ext_count == 0) {
        printk("mm: put_page_and_type without a matching get (mfn %#llx)\n",
               (unsigned long long)mfn_x(mfn));
        return;
    }
    pg->ext_count--;
    mm_put_typed(mfn);
}

void mm_frame_state(mfn_t mfn, struct mm_frame_state *st)
{
    struct page_info *pg = mm_page(mfn);

    st->owner = NULL;
    st->count = st->type_count = 0;
    st->type = MM_TYPE_NONE;
    st->pinned = st->host = st->ram = false;
    if (pg == NULL)
        return;
    st->owner = (pg->flags & PGF_ALLOCATED) ? pg->owner : NULL;
    st->count = pg->count;
    st->type_count = pg->type_count;
    st->type = pg->type_count > 0 ? (enum mm_page_type)pg->type : MM_TYPE_NONE;
    st->pinned = (pg->flags & PGF_PINNED) != 0;
    st->host = (pg->flags & PGF_HOST) != 0;
    st->ram = (pg->flags & PGF_RAM) != 0;
}

enum mm_page_type mm_frame_type(mfn_t mfn)
{
    struct page_info *pg = mm_page(mfn);

    return pg ? (enum mm_page_type)pg->type : MM_TYPE_NONE;
}

uint32_t mm_frame_count(mfn_t mfn)
{
    struct page_info *pg = mm_page(mfn);

    return pg ? pg->count : 0;
}

uint32_t mm_frame_type_count(mfn_t mfn)
{
    struct page_info *pg = mm_page(mfn);

    return pg ? pg->type_count : 0;
}

bool mm_frame_pinned(mfn_t mfn)
{
    struct page_info *pg = mm_page(mfn);

    return pg != NULL && (pg->flags & PGF_PINNED);
}
