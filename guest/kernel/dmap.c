/*
 * The direct map: every guest frame at DMAP_BASE + pfn * 4 KiB (L4 slot 273, where Linux
 * keeps it), so any pagetable and any frame can be read, and any ordinary frame written,
 * whatever maps it elsewhere.  Built with 4 KiB pages so that a frame that becomes a
 * pagetable can have its alias made read-only alone: under PV the hypervisor refuses a
 * pagetable that has a writable mapping anywhere.
 *
 * Under PV the tables are built one L1 at a time.  The L3 and L2s come from the early
 * allocator and are linked into the live L4 first (empty, so the hypervisor validates
 * little); then each L1 is filled while writable, made read-only and linked with one
 * set_pmd.  Once the L1s cover the first frames past the boot region, later L1s are taken
 * from those (the "pool"), so the early allocator's few hundred frames suffice for any
 * memory size.  Natively the same steps are plain stores.
 */
#include "arch/x86/hypercall.h"
#include "kernel/console.h"
#include "kernel/frames.h"
#include "kernel/pt.h"

#define MAX_BOOT_TABLES 64
#define MAX_OWN_TABLES  2048     /* L1s for 4 GiB, plus L2s and the L3 */
#define DMAP_PTE   (PTE_P | PTE_RW | PTE_A | PTE_D | PTE_NX)
#define DMAP_TABLE (PTE_P | PTE_RW | PTE_A)

static pfn_t boot_tables[MAX_BOOT_TABLES], own[MAX_OWN_TABLES];
static uint8_t boot_levels[MAX_BOOT_TABLES];
static unsigned nr_boot, nr_own, nr_own_l1;
static uint64_t mapped;          /* pfns [0, mapped) are in the direct map */
static uint64_t pool;            /* next frame past the boot region to take a table from */

static void note_boot_table(struct pt_visitor *v, const pteval_t *t, unsigned level,
                            pteval_t e)
{
    (void)v, (void)e;
    if (nr_boot < MAX_BOOT_TABLES) {
        boot_levels[nr_boot] = (uint8_t)level;
        boot_tables[nr_boot++] = virt_to_pfn(t);
    }
}

static void ignore_leaf(struct pt_visitor *v, uint64_t va, pteval_t e, unsigned level)
{
    (void)v, (void)va, (void)e, (void)level;
}

static bool in_list(const pfn_t *list, unsigned n, pfn_t p)
{
    for (unsigned i = 0; i < n; i++)
        if (list[i].v == p.v)
            return true;
    return false;
}

/* Under PV a pagetable frame may only be mapped read-only. */
static bool must_be_read_only(pfn_t p)
{
    return gmem.pv && (in_list(boot_tables, nr_boot, p) || in_list(own, nr_own, p));
}

/* Writable VA of a table while we fill it. */
static pteval_t *fill_va(pfn_t t)
{
    return pfn_in_region(t) ? boot_pfn_to_virt(t) : pfn_to_virt(t);
}

/* A zeroed frame for a table of the direct map; pfn 0 when none is left. */
static pfn_t take_table(void)
{
    pfn_t t = pfn(0);

    if (nr_own == MAX_OWN_TABLES)
        return t;
    if (gmem.pv && pool < mapped && pool < gmem.nr_pages) {
        t = pfn(pool++);
        memset(pfn_to_virt(t), 0, PAGE_SIZE);
    } else {
        t = frame_alloc_early();
    }
    if (t.v)
        own[nr_own++] = t;
    return t;
}

/* Under PV: every existing writable alias of table t becomes read-only. */
static bool seal(pfn_t t)
{
    pteval_t ro = pte_make(pfn_to_mfn(t), PTE_P | PTE_A | PTE_D | PTE_NX);
    long rc = 0;

    if (!gmem.pv)
        return true;
    if (pfn_in_region(t))
        rc = HYPERVISOR_update_va_mapping((uint64_t)boot_pfn_to_virt(t), ro, UVMF_INVLPG);
    if (!rc && t.v < mapped)
        rc = HYPERVISOR_update_va_mapping((uint64_t)pfn_to_virt(t), ro, UVMF_INVLPG);
    if (rc)
        printk("dmap: could not make table pfn %#lx read-only: %ld\n", t.v, rc);
    return rc == 0;
}

static void fill_l1(pteval_t *l1, uint64_t first)
{
    for (unsigned j = 0; j < PT_ENTRIES && first + j < gmem.nr_pages; j++) {
        pfn_t q = pfn(first + j);
        l1[j] = pte_make(pfn_to_mfn(q), must_be_read_only(q) ? DMAP_PTE & ~PTE_RW : DMAP_PTE);
    }
}

static bool fail(const char *why)
{
    printk("dmap: direct map not built: %s\n", why);
    return false;
}

/* The L3 and its L2s, linked (empty) into the live L4; returns the L2 frames. */
static bool build_upper(pfn_t *l2s, unsigned nl2)
{
    pfn_t l3 = take_table();
    if (!l3.v)
        return false;
    for (unsigned i = 0; i < nl2; i++) {
        l2s[i] = take_table();
        if (!l2s[i].v)
            return false;
        fill_va(l3)[i] = pte_make(pfn_to_mfn(l2s[i]), DMAP_TABLE);
    }
    for (unsigned i = 0; i < nl2; i++)
        if (!seal(l2s[i]))
            return false;
    if (!seal(l3))
        return false;
    pteval_t *slot = &pt_root()[DMAP_SLOT];
    return pvops->set_pgd(slot, pte_make(pfn_to_mfn(l3), DMAP_TABLE)) == 0;
}

bool dmap_init(void)
{
    uint64_t nl1 = (gmem.nr_pages + PT_ENTRIES - 1) / PT_ENTRIES;
    unsigned nl2 = (unsigned)((nl1 + PT_ENTRIES - 1) / PT_ENTRIES);
    pfn_t l2s[PT_ENTRIES];
    struct pt_visitor v = { note_boot_table, ignore_leaf, ignore_leaf };

    if (nl2 > PT_ENTRIES || nl1 + nl2 + 1 > MAX_OWN_TABLES)
        return fail("more memory than it covers");
    if (pt_root()[DMAP_SLOT] & PTE_P)
        return fail("L4 slot 273 is in use");
    pt_walk(pt_root(), &v);
    pool = (gmem.region_end - VIRT_BASE) >> PAGE_SHIFT;
    if (!build_upper(l2s, nl2))
        return fail("no frame or refused while building the L3/L2");
    for (uint64_t i = 0; i < nl1; i++) {
        pfn_t t = take_table();
        if (!t.v)
            return fail("out of frames for L1 tables");
        fill_l1(fill_va(t), i * PT_ENTRIES);
        if (!seal(t))
            return fail("refused to seal an L1");
        pteval_t *l2 = fill_va(l2s[i / PT_ENTRIES]);
        if (pvops->set_pmd(&l2[i % PT_ENTRIES], pte_make(pfn_to_mfn(t), DMAP_TABLE)))
            return fail("refused to link an L1");
        mapped = (i + 1) * PT_ENTRIES;
        nr_own_l1++;
    }
    pvops->flush_tlb_kernel();
    gmem.dmap = true;
    printk("dmap: %lu frames at %#lx (%lu tables, %u from past the boot region)\n",
           gmem.nr_pages, (uint64_t)DMAP_BASE, (uint64_t)nr_own,
           (unsigned)(pool - ((gmem.region_end - VIRT_BASE) >> PAGE_SHIFT)));
    return true;
}

/* The first frame the allocator may hand out: under PV past the boot region and the
 * tables taken above it, natively past the early allocator's frames. */
pfn_t dmap_first_free(void)
{
    return gmem.pv ? pfn(pool) : frames_early_next();
}

/* Mark the boot tree (the builder's tables and ours) as pinned pagetables in the frame
 * table: the hypervisor holds them validated for the life of the guest. */
void dmap_mark_boot_tables(void)
{
    for (unsigned i = 0; i < nr_boot; i++)
        *frame_info(boot_tables[i]) =
            (struct frame){ .pv = { boot_levels[i], gmem.pv, 0 }, .refs = 1 };
    for (unsigned i = 0; i < nr_own; i++)   /* the L3, the L2s, then the L1s */
        *frame_info(own[i]) =
            (struct frame){ .pv = { i == 0 ? 3 : i <= nr_own - 1 - nr_own_l1 ? 2 : 1,
                                    gmem.pv, 0 }, .refs = 1 };
}
