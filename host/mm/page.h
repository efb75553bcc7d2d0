/*
 * Private to host/mm/: the frame table entry and the reference-count primitives every mm
 * file shares.  Nothing outside host/mm/ includes this; the rest of the host sees frames only
 * as mfn_t through mm.h.
 *
 * Reference model (Xen's): `count` counts every use of a frame (the allocation itself, pins,
 * base pointers, pagetable entries that point at it); `type_count` counts uses that need the
 * frame's current `type`.  The type may change only while type_count is zero.  A pagetable
 * type is `validated` while its entries' references are held.
 */
#ifndef PVX_MM_PAGE_H
#define PVX_MM_PAGE_H

#include "layout.h"
#include "mm/mm.h"
#include "mm/arch.h"
#include "printk.h"
#include "pte.h"
#include "refuse.h"

enum {
    PGF_RAM       = 1 << 0,   /* backed by RAM the allocator manages */
    PGF_ALLOCATED = 1 << 1,   /* owned by a domain; holds one general reference */
    PGF_HOST      = 1 << 2,   /* owned by the host: never mappable by a guest */
    PGF_VALIDATED = 1 << 3,   /* pagetable type whose entries' references are held */
    PGF_PINNED    = 1 << 4,   /* a pin holds one general and one type reference */
    PGF_SHARED    = 1 << 5,   /* shared_info: permanently holds one writable type ref */
    /* A validated L4 whose guest-kernel slots (272-510) were found empty when it became a
     * user base pointer, and have stayed so: it may become one again without a rescan.
     * Cleared with PGF_VALIDATED and by any present entry written there (mm_mod_entry). */
    PGF_USER_L4_OK = 1 << 6,
};

struct page_info {
    struct mm_domain *owner;  /* the domain with PGF_ALLOCATED, else NULL */
    uint64_t next_free;       /* free-list link (frame number), valid while free */
    uint32_t count;           /* general references */
    uint32_t type_count;      /* references to the current type */
    uint32_t flush_stamp;     /* mm_tlb_clock when type_count last fell to zero */
    int32_t linear_count;     /* >0: linear entries this table holds; <0: uses as a target */
    uint32_t ext_count;       /* typed references the host holds via mm_get_page_and_type */
    uint32_t audit_count;     /* scratch for mm_audit: references found */
    uint32_t audit_type_count;
    uint32_t audit_linear_entries;
    uint32_t audit_linear_uses;
    uint8_t type;             /* enum mm_page_type */
    uint8_t flags;            /* PGF_* */
} __attribute__((aligned(64)));   /* a power of two: entry <-> frame number by shifts */

/* Refuse a reference rather than wrap; far above anything a real guest can reach. */
#define MM_COUNT_MAX 0x7fffffffU

/* --- frame.c ----------------------------------------------------------------------------- */
extern struct page_info *mm_frame_table;        /* mm_frames entries, set by mm_init */
extern uint64_t mm_frames;                      /* size of the frame table (0 before mm_init) */

/* The entry of a frame known to be in the table; never NULL, which the compiler is told so
 * that it drops the NULL tests of callers on the paths where mm_page succeeded. */
static inline struct page_info *mm_frame_entry(uint64_t mfn)
{
    struct page_info *pg = &mm_frame_table[mfn];

    if (pg == NULL)
        __builtin_unreachable();
    return pg;
}

/* The frame's entry; NULL if mfn is beyond the frame table.  One bounds check is all: before
 * mm_init there are no frames. */
static inline struct page_info *mm_page(mfn_t mfn)
{
    return mfn_x(mfn) < mm_frames ? mm_frame_entry(mfn_x(mfn)) : NULL;
}

/* The frame number of an entry (entries are 64 bytes: a subtraction and a shift). */
static inline mfn_t mm_page_mfn(const struct page_info *pg)
{
    return _mfn((uint64_t)(pg - mm_frame_table));
}


/* One more reference to a frame `d` owns.  false: not d's (or no frame), or the count would
 * overflow.  A frame that is allocated has count >= 1, so count == 0 is refused too. */
static inline bool mm_get_page(struct page_info *pg, const struct mm_domain *d)
{
    if (pg == NULL || !(pg->flags & PGF_ALLOCATED) || pg->owner != d ||
        pg->count - 1 >= MM_COUNT_MAX - 1)
        return false;
    pg->count++;
    return true;
}

/* The last general reference (frees the frame) or an underflow (logged). */
void mm_put_page_slow(struct page_info *pg);

static inline void mm_put_page(struct page_info *pg)
{
    if (pg->count > 1)
        pg->count--;
    else
        mm_put_page_slow(pg);
}

/* The frame `mfn` owned by `d` with one general reference taken, or NULL. */
static inline struct page_info *mm_get_page_from_mfn(uint64_t mfn, const struct mm_domain *d)
{
    struct page_info *pg = mm_page(_mfn(mfn));

    return mm_get_page(pg, d) ? pg : NULL;
}

/*
 * One more reference to `type` on pg (the caller holds a general reference).  Inline: the
 * frame already has that type, validated, in use.  Anything else (a first use, which may
 * change the type and validate a table; a conflict; an overflow) is the slow path.
 */
int mm_get_page_type_slow(struct page_info *pg, unsigned type);

static inline int mm_get_page_type(struct page_info *pg, unsigned type)
{
    if (pg->type == type && pg->type_count - 1 < MM_COUNT_MAX - 1 &&
        (pg->flags & PGF_VALIDATED)) {
        pg->type_count++;
        return 0;
    }
    return mm_get_page_type_slow(pg, type);
}

/* Drop one type reference; the last one (devalidation, flush stamp) is the slow path. */
void mm_put_page_type_slow(struct page_info *pg);

static inline void mm_put_page_type(struct page_info *pg)
{
    if (pg->type_count > 1)
        pg->type_count--;
    else
        mm_put_page_type_slow(pg);
}
/* A general and a type reference for mm's own holders (pins, base pointers). */
int mm_get_typed(const struct mm_domain *d, mfn_t mfn, unsigned type);
void mm_put_typed(mfn_t mfn);
/* Full TLB flush that also advances the clock stale-TLB checks compare against. */
void mm_flush_tlb(void);
#define MM_MAX_DOMAINS 8
extern struct mm_domain *mm_domains[MM_MAX_DOMAINS];
extern unsigned mm_nr_domains;


/* --- pagetable.c ------------------------------------------------------------------------- */
int mm_validate_table(struct page_info *pg, unsigned type);
void mm_devalidate_table(struct page_info *pg, unsigned type);
/* Replace entry `idx` of validated table `pg` (level from its type) with guest value gpte. */
int mm_mod_entry(struct mm_domain *d, struct page_info *pg, unsigned idx, uint64_t gpte,
                 bool preserve_ad);
/* Entry bits a guest may not set at `level` (1-4), address bits excluded. */
uint64_t mm_disallowed_flags(unsigned level);
bool mm_is_guest_l4_slot(unsigned slot);

#endif
