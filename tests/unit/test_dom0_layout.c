/*
 * Unit tests of the dom0 layout arithmetic (host/dom0_layout.c): where the builder puts the
 * kernel, the p2m list, start_info, the bootstrap pagetables and the stack, from the kernel's
 * notes and the domain's size.  Checked against the layouts Xen 4.17 printed for pvx's guest,
 * against the promises of layout_check.c on every accepted layout, and at the edges: the
 * pagetable-count search across 1 GiB and 512 GiB boundaries, VIRT_BASE 0, kernels ending on
 * and just past a page, and each refusal (too small, wrap, non-canonical, the host's range,
 * the 4 TiB limit).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "dom0_layout.h"
#include "layout.h"
#include "layout_check.h"
#include "log_capture.h"

#define KB (1ULL << 10)
#define MB (1ULL << 20)
#define GB (1ULL << 30)
#define VIRT_BASE 0xffffffff80000000ULL

static struct xen_parms p;
static struct dom0_layout l;

/* The notes' part the layout reads: the region's base, the kernel's range and its entry. */
static void kernel(uint64_t base, uint64_t kstart, uint64_t kend)
{
    memset(&p, 0, sizeof(p));
    p.virt_base = base;
    p.virt_kstart = kstart;
    p.virt_kend = kend;
    p.virt_entry = kstart;
    p.virt_hypercall = ELFNOTE_UNSET;
    p.p2m_base = ELFNOTE_UNSET;
}

/* Lay out nr_pages; an accepted layout must keep every promise. */
static const char *compute(uint64_t nr_pages)
{
    memset(&l, 0xa5, sizeof(l));
    const char *err = dom0_layout_compute(&p, nr_pages, 0, &l);
    if (err == NULL) {
        const char *broken = layout_check(&p, nr_pages, &l);
        if (broken)
            fail_msg("accepted layout: %s", broken);
    }
    return err;
}

#define assert_refused(call, why) do {                                                  \
        const char *err_ = (call);                                                      \
        assert_non_null(err_);                                                          \
        assert_string_equal(err_, why);                                                 \
    } while (0)

/* --- the layouts Xen 4.17 printed ----------------------------------------------------------- */

/*
 * Xen 4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1) booting pvx's guest as dom0 with
 * dom0_mem=4M, 32M, 1G and 1536M: its "VIRTUAL MEMORY ARRANGEMENT" lines, copied from the
 * logs of tests/suites/33-layout-vs-xen.sh (build/tests/33-layout-vs-xen/xen-<size>.log),
 * for three builds of the guest whose kernels end at 0x1d0000, 0x19d000 and 0x142000 past
 * VIRT_BASE.  nr_pages is what the guest read in start_info under Xen.  The kernel's range,
 * the region's base and the entry are taken from the lines themselves; everything else is
 * what pvx must compute.
 */
static const struct golden {
    const char *dom0_mem;
    uint64_t nr_pages;
    const char *xen[8];
} golden[] = {
    { "4M", 1024, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff801d0000",
        " Phys-Mach map: ffffffff801d0000->ffffffff801d2000",
        " Start info:    ffffffff801d2000->ffffffff801d24b8",
        " Page tables:   ffffffff801d3000->ffffffff801d8000",
        " Boot stack:    ffffffff801d8000->ffffffff801d9000",
        " TOTAL:         ffffffff80000000->ffffffff80400000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "32M", 8192, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff801d0000",
        " Phys-Mach map: ffffffff801d0000->ffffffff801e0000",
        " Start info:    ffffffff801e0000->ffffffff801e04b8",
        " Page tables:   ffffffff801e1000->ffffffff801e6000",
        " Boot stack:    ffffffff801e6000->ffffffff801e7000",
        " TOTAL:         ffffffff80000000->ffffffff80400000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "1G", 262144, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff801d0000",
        " Phys-Mach map: ffffffff801d0000->ffffffff803d0000",
        " Start info:    ffffffff803d0000->ffffffff803d04b8",
        " Page tables:   ffffffff803d1000->ffffffff803d8000",
        " Boot stack:    ffffffff803d8000->ffffffff803d9000",
        " TOTAL:         ffffffff80000000->ffffffff80800000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "1536M", 393216, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff801d0000",
        " Phys-Mach map: ffffffff801d0000->ffffffff804d0000",
        " Start info:    ffffffff804d0000->ffffffff804d04b8",
        " Page tables:   ffffffff804d1000->ffffffff804d8000",
        " Boot stack:    ffffffff804d8000->ffffffff804d9000",
        " TOTAL:         ffffffff80000000->ffffffff80800000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "4M", 1024, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff8019d000",
        " Phys-Mach map: ffffffff8019d000->ffffffff8019f000",
        " Start info:    ffffffff8019f000->ffffffff8019f4b8",
        " Page tables:   ffffffff801a0000->ffffffff801a5000",
        " Boot stack:    ffffffff801a5000->ffffffff801a6000",
        " TOTAL:         ffffffff80000000->ffffffff80400000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "32M", 8192, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff8019d000",
        " Phys-Mach map: ffffffff8019d000->ffffffff801ad000",
        " Start info:    ffffffff801ad000->ffffffff801ad4b8",
        " Page tables:   ffffffff801ae000->ffffffff801b3000",
        " Boot stack:    ffffffff801b3000->ffffffff801b4000",
        " TOTAL:         ffffffff80000000->ffffffff80400000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "1G", 262144, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff8019d000",
        " Phys-Mach map: ffffffff8019d000->ffffffff8039d000",
        " Start info:    ffffffff8039d000->ffffffff8039d4b8",
        " Page tables:   ffffffff8039e000->ffffffff803a5000",
        " Boot stack:    ffffffff803a5000->ffffffff803a6000",
        " TOTAL:         ffffffff80000000->ffffffff80800000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "1536M", 393216, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff8019d000",
        " Phys-Mach map: ffffffff8019d000->ffffffff8049d000",
        " Start info:    ffffffff8049d000->ffffffff8049d4b8",
        " Page tables:   ffffffff8049e000->ffffffff804a5000",
        " Boot stack:    ffffffff804a5000->ffffffff804a6000",
        " TOTAL:         ffffffff80000000->ffffffff80800000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "4M", 1024, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff80142000",
        " Phys-Mach map: ffffffff80142000->ffffffff80144000",
        " Start info:    ffffffff80144000->ffffffff801444b8",
        " Page tables:   ffffffff80145000->ffffffff8014a000",
        " Boot stack:    ffffffff8014a000->ffffffff8014b000",
        " TOTAL:         ffffffff80000000->ffffffff80400000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "32M", 8192, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff80142000",
        " Phys-Mach map: ffffffff80142000->ffffffff80152000",
        " Start info:    ffffffff80152000->ffffffff801524b8",
        " Page tables:   ffffffff80153000->ffffffff80158000",
        " Boot stack:    ffffffff80158000->ffffffff80159000",
        " TOTAL:         ffffffff80000000->ffffffff80400000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "1G", 262144, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff80142000",
        " Phys-Mach map: ffffffff80142000->ffffffff80342000",
        " Start info:    ffffffff80342000->ffffffff803424b8",
        " Page tables:   ffffffff80343000->ffffffff80348000",
        " Boot stack:    ffffffff80348000->ffffffff80349000",
        " TOTAL:         ffffffff80000000->ffffffff80400000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
    { "1536M", 393216, {
        "VIRTUAL MEMORY ARRANGEMENT:",
        " Loaded kernel: ffffffff80100000->ffffffff80142000",
        " Phys-Mach map: ffffffff80142000->ffffffff80442000",
        " Start info:    ffffffff80442000->ffffffff804424b8",
        " Page tables:   ffffffff80443000->ffffffff8044a000",
        " Boot stack:    ffffffff8044a000->ffffffff8044b000",
        " TOTAL:         ffffffff80000000->ffffffff80800000",
        " ENTRY ADDRESS: ffffffff80101000",
    } },
};

static void parms_from_xen(const struct golden *g)
{
    uint64_t kstart, kend, base, end, entry;

    assert_int_equal(sscanf(g->xen[1], " Loaded kernel: %" SCNx64 "->%" SCNx64, &kstart,
                            &kend), 2);
    assert_int_equal(sscanf(g->xen[6], " TOTAL: %" SCNx64 "->%" SCNx64, &base, &end), 2);
    assert_int_equal(sscanf(g->xen[7], " ENTRY ADDRESS: %" SCNx64, &entry), 1);
    kernel(base, kstart, kend);
    p.virt_entry = entry;
}

/* The same layout, printed in the same words as Xen's. */
static void xen_layouts(void **state)
{
    (void)state;
    for (unsigned i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
        const struct golden *g = &golden[i];
        char want[1024] = "";

        parms_from_xen(g);
        assert_null(compute(g->nr_pages));
        log_reset();
        dom0_layout_print(&l, &p);
        for (unsigned j = 0; j < 8; j++) {
            strcat(want, "pvx: ");
            strcat(want, g->xen[j]);
            strcat(want, "\n");
        }
        if (strcmp(log_text(), want) != 0)
            fail_msg("dom0_mem=%s: pvx printed\n%sXen printed\n%s", g->dom0_mem, log_text(), want);
    }
}

/* --- the pagetable-count search ------------------------------------------------------------- */

/* A region from 2 MiB below 1 GiB to 4 MiB above it needs two L2s: 1 + 1 + 2 + 3 pages. */
static void region_across_1g(void **state)
{
    (void)state;
    uint64_t base = GB - 2 * MB;

    kernel(base, base + MB, base + 3 * MB);
    assert_null(compute(2048));
    assert_int_equal(l.v_end, GB + 4 * MB);
    assert_int_equal(l.nr_pt_pages, 7);
}

/*
 * The search itself crosses: with 5 pagetable pages (enough for [1 GiB - 4 MiB, 1 GiB)) the
 * stack ends 508 KiB below 1 GiB, too close for the padding, so the region grows to 1 GiB +
 * 4 MiB, which needs 8 pages; with 8 the region is the same and is covered.  It is exactly
 * the domain's 8 MiB.
 */
static void search_crosses_1g(void **state)
{
    (void)state;
    uint64_t base = GB - 4 * MB;

    kernel(base, base + MB, GB - 552 * KB);
    assert_null(compute(2048));
    assert_int_equal(l.vpt_start, GB - 532 * KB);
    assert_int_equal(l.nr_pt_pages, 8);
    assert_int_equal(l.v_end, GB + 4 * MB);
    assert_int_equal(l.v_end - l.v_start, 2048 * 4 * KB);
}

/* The same at 512 GiB: two L3s as well, 1 + 2 + 2 + 4 pages. */
static void search_crosses_512g(void **state)
{
    (void)state;
    uint64_t base = 512 * GB - 4 * MB;

    kernel(base, base + MB, 512 * GB - 552 * KB);
    assert_null(compute(2048));
    assert_int_equal(l.nr_pt_pages, 9);
    assert_int_equal(l.v_end, 512 * GB + 4 * MB);
}

/* A 1.5 GiB kernel: the search runs to 776 pages (772 L1s, two L2s across the 1 GiB
 * boundary at 0xffffffffc0000000, one L3, the L4). */
static void search_over_a_large_kernel(void **state)
{
    (void)state;
    kernel(VIRT_BASE, VIRT_BASE + MB, VIRT_BASE + 1536 * MB);
    assert_null(compute(512 * 1024));
    assert_int_equal(l.vpt_start, VIRT_BASE + 1540 * MB + 4 * KB);
    assert_int_equal(l.nr_pt_pages, 776);
    assert_int_equal(l.v_end, VIRT_BASE + 1544 * MB);
}

static void nr_tables(void **state)
{
    (void)state;
    assert_int_equal(dom0_layout_nr_tables(0, 1, 21), 1);
    assert_int_equal(dom0_layout_nr_tables(0, 2 * MB, 21), 1);
    assert_int_equal(dom0_layout_nr_tables(0, 2 * MB + 1, 21), 2);
    assert_int_equal(dom0_layout_nr_tables(2 * MB - 1, 2 * MB + 1, 21), 2);
    assert_int_equal(dom0_layout_nr_tables(2 * MB, 4 * MB, 21), 1);
    assert_int_equal(dom0_layout_nr_tables(GB - 4 * MB, GB + 4 * MB, 30), 2);
    assert_int_equal(dom0_layout_nr_tables(VIRT_BASE, VIRT_BASE + 8 * MB, 39), 1);
    assert_int_equal(dom0_layout_nr_tables(512 * GB - 1, 512 * GB + 1, 39), 2);
}

/* --- edges ------------------------------------------------------------------------------------ */

/* VIRT_BASE 0: Xen's 32M layout of the current guest, moved to address 0. */
static void virt_base_zero(void **state)
{
    (void)state;
    kernel(0, 0x100000, 0x1d0000);
    assert_null(compute(8192));
    assert_int_equal(l.v_start, 0);
    assert_int_equal(l.vphysmap_start, 0x1d0000);
    assert_int_equal(l.vphysmap_end, 0x1e0000);
    assert_int_equal(l.vstartinfo_start, 0x1e0000);
    assert_int_equal(l.vstartinfo_end, 0x1e04b8);
    assert_int_equal(l.vpt_start, 0x1e1000);
    assert_int_equal(l.vpt_end, 0x1e6000);
    assert_int_equal(l.vstack_end, 0x1e7000);
    assert_int_equal(l.v_end, 0x400000);
    assert_int_equal(dom0_layout_pfn(&l, 0x1e1000), 0x1e1);
}

/* A kernel ending exactly on a page is followed at once by the p2m list; one byte more and
 * everything after it moves up a page. */
static void kernel_ending_on_a_page(void **state)
{
    (void)state;
    kernel(VIRT_BASE, VIRT_BASE + MB, VIRT_BASE + 0x1d0000);
    assert_null(compute(1024));
    assert_int_equal(l.vphysmap_start, VIRT_BASE + 0x1d0000);
    uint64_t pt = l.vpt_start;

    kernel(VIRT_BASE, VIRT_BASE + MB, VIRT_BASE + 0x1cf001);
    assert_null(compute(1024));
    assert_int_equal(l.vphysmap_start, VIRT_BASE + 0x1d0000);
    assert_int_equal(l.vpt_start, pt);

    kernel(VIRT_BASE, VIRT_BASE + MB, VIRT_BASE + 0x1d0001);
    assert_null(compute(1024));
    assert_int_equal(l.vphysmap_start, VIRT_BASE + 0x1d1000);
    assert_int_equal(l.vpt_start, pt + 0x1000);
}

/* A region may end exactly at the top of the lower half, or start exactly where the host's
 * range ends. */
static void regions_at_the_edges_of_the_holes(void **state)
{
    (void)state;
    uint64_t top = 1ULL << 47;

    kernel(top - 4 * MB, top - 4 * MB, top - 4 * MB + 0x1000);
    assert_null(compute(1024));
    assert_int_equal(l.v_end, top);
    kernel(HOST_RANGE_END, HOST_RANGE_END, HOST_RANGE_END + 0x1000);
    assert_null(compute(1024));
    assert_int_equal(l.v_start, HOST_RANGE_END);
    kernel(0 - 4 * MB, 0 - 4 * MB, 0 - 4 * MB + 0x1000);        /* the last 4 MiB: wraps */
    assert_refused(compute(1024), "the bootstrap region would wrap around the address space");
}

/* --- refusals --------------------------------------------------------------------------------- */

static void too_small_for_the_kernel(void **state)
{
    (void)state;
    kernel(VIRT_BASE, VIRT_BASE + MB, VIRT_BASE + 4 * MB + 0x1000);
    assert_refused(compute(1024), "dom0_mem is too small for the kernel image");
    assert_refused(compute(0), "dom0_mem is too small for the kernel image");
    /* The kernel fits, but with the p2m list, the tables and the padding the region is 8 MiB. */
    kernel(VIRT_BASE, VIRT_BASE + MB, VIRT_BASE + 4 * MB);
    assert_refused(compute(1024), "dom0_mem is too small for the kernel image");
    assert_refused(compute(2047), "dom0_mem is too small for the kernel image");
    assert_null(compute(2048));
}

/* A region that would run past 2^64, including one whose pagetables (8 MiB of them) take it
 * there: a 4 GiB kernel in a 4 GiB domain, the p2m list 8 MiB, 20 MiB below the top. */
static void wrapping_region_refused(void **state)
{
    (void)state;
    uint64_t base = 0xffffffffffc00000ULL;

    kernel(base, base, base + 0x1000);
    assert_refused(compute(1024), "the bootstrap region would wrap around the address space");
    base = 0 - 4 * GB - 20 * MB;
    kernel(base, base, base + 4 * GB);
    assert_refused(compute(1ULL << 20), "the bootstrap region would wrap around the address space");
}

/* The region holds the kernel, the p2m list and the tables, not the domain: pvx's guest
 * at VIRT_BASE 0xffffffff80000000, 2 GiB below the top, gets a 2, 4 or 256 GiB domain (a
 * 512 MiB p2m list), as under Xen; at 1 TiB its 2 GiB p2m list no longer fits. */
static void large_domains_below_the_top(void **state)
{
    (void)state;
    static const uint64_t fits[] = { 1ULL << 19, 1ULL << 20, 1ULL << 26 };
    for (unsigned i = 0; i < sizeof(fits) / sizeof(fits[0]); i++) {
        kernel(VIRT_BASE, VIRT_BASE + MB, VIRT_BASE + 0x1d0000);
        assert_null(compute(fits[i]));
        assert_int_equal(l.vphysmap_end, VIRT_BASE + 0x1d0000 + fits[i] * 8);
    }
    assert_refused(compute(1ULL << 28), "the bootstrap region would wrap around the address space");
}

static void non_canonical_region_refused(void **state)
{
    (void)state;
    static const uint64_t bases[] = {
        (1ULL << 47) - 256 * KB,        /* its padding runs into the hole */
        1ULL << 47,                     /* starts in it */
        0xffff7ffffff00000ULL,          /* starts in it, ends in the host's range */
        0x8000000000000000ULL,
    };
    for (unsigned i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        kernel(bases[i], bases[i], bases[i] + 0x1000);
        assert_refused(compute(1024), "the bootstrap region is not canonical");
    }
}

static void host_range_refused(void **state)
{
    (void)state;
    static const uint64_t bases[] = {
        HOST_RANGE_START, HOST_RANGE_START + 64 * GB, HOST_RANGE_END - 4 * MB,
        HOST_RANGE_END - 0x1000,
    };
    for (unsigned i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        kernel(bases[i], bases[i], bases[i] + 0x1000);
        assert_refused(compute(1024), "the bootstrap region overlaps the hypervisor's area");
    }
}

/* At most 2^30 frames (4 TiB); the largest domain is laid out, with an 8 GiB p2m list. */
static void four_tib_limit(void **state)
{
    (void)state;
    kernel(0, 0x100000, 0x1d0000);
    assert_refused(compute((1ULL << 30) + 1), "the domain is too large (at most 4 TiB)");
    assert_refused(compute(UINT64_MAX), "the domain is too large (at most 4 TiB)");
    assert_null(compute(1ULL << 30));
    assert_int_equal(l.vphysmap_end - l.vphysmap_start, 8 * GB);
}

/*
 * Debian's kernel (linux-image-6.1.0-57-amd64: kernel 0x1000000-0x4a00000 past VIRT_BASE,
 * INIT_P2M 0x8000000000, MOD_START_PFN) with a 2029056-byte initrd and dom0_mem=256M, as
 * Xen 4.17 laid it out (suite 35's log, and the pfns Linux printed: "RAMDISK: [mem
 * 0x08000000-0x081effff]"): 32768 pages of first allocation, the initrd at pfn 0x8000,
 * the p2m's 3 tables and 128 pages from pfn 0x81f0.
 */
static void linux_with_initrd(void **state)
{
    (void)state;
    kernel(0xffffffff80000000, 0xffffffff81000000, 0xffffffff84a00000);
    p.p2m_base = 0x8000000000;
    p.unmapped_initrd = true;
    memset(&l, 0xa5, sizeof(l));
    assert_null(dom0_layout_compute(&p, 65536, 2029056, &l));
    assert_null(layout_check(&p, 65536, &l));
    assert_int_equal(l.vphysmap_start, 0x8000000000);
    assert_int_equal(l.vphysmap_end, 0x8000080000);
    assert_int_equal(l.vinitrd_start, 0);
    assert_int_equal(l.vstartinfo_start, 0xffffffff84a00000);
    assert_int_equal(l.vpt_start, 0xffffffff84a01000);
    assert_int_equal(l.vpt_end, 0xffffffff84a2a000);
    assert_int_equal(l.v_end, 0xffffffff84c00000);
    assert_int_equal(l.alloc_pages, 32768);
    assert_int_equal(l.initrd_pfn, 0x8000);
    assert_int_equal(l.first_p2m_pfn, 0x81f0);
    assert_int_equal(l.nr_p2m_frames, 131);
}

/* Without MOD_START_PFN the initrd is mapped after the kernel and the p2m follows it; the
 * first allocation covers the region less the initrd, whose pfns are those it is mapped at. */
static void mapped_initrd(void **state)
{
    (void)state;
    kernel(0xffffffff80000000, 0xffffffff80100000, 0xffffffff801d0000);
    assert_null(dom0_layout_compute(&p, 8192, 5000, &l));
    assert_null(layout_check(&p, 8192, &l));
    assert_int_equal(l.vinitrd_start, 0xffffffff801d0000);
    assert_int_equal(l.vinitrd_end, 0xffffffff801d0000 + 5000);
    assert_int_equal(l.vphysmap_start, 0xffffffff801d2000);
    assert_int_equal(l.initrd_pfn, 0x1d0);
    assert_int_equal(l.first_p2m_pfn, l.alloc_pages + 2);
    assert_int_equal(l.nr_p2m_frames, 0);
    /* An initrd that does not fit beside the kernel is refused, not wrapped. */
    assert_refused(dom0_layout_compute(&p, 8192, UINT64_MAX, &l),
                   "dom0_mem is too small for the kernel and the initial ramdisk");
}

/* INIT_P2M must keep clear of the region's 512 GiB slots and of the host's range. */
static void p2m_base_refused(void **state)
{
    (void)state;
    kernel(0xffffffff80000000, 0xffffffff80100000, 0xffffffff801d0000);
    p.p2m_base = 0xffffffff90000000;
    assert_refused(compute(8192), "INIT_P2M shares a 512 GiB slot with the bootstrap region");
    p.p2m_base = 0xffffffff80100000;
    assert_refused(compute(8192), "INIT_P2M overlaps the bootstrap region");
    p.p2m_base = 0xffff800000000000;
    assert_refused(compute(8192), "INIT_P2M puts the p2m list outside the guest's address space");
    p.p2m_base = 0x00007ffffffff000;
    assert_refused(compute(8192), "INIT_P2M puts the p2m list outside the guest's address space");
    p.p2m_base = 0x10000000000;
    assert_null(compute(8192));
    assert_int_equal(l.nr_p2m_frames, 3 + 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xen_layouts),
        cmocka_unit_test(region_across_1g),
        cmocka_unit_test(search_crosses_1g),
        cmocka_unit_test(search_crosses_512g),
        cmocka_unit_test(search_over_a_large_kernel),
        cmocka_unit_test(nr_tables),
        cmocka_unit_test(virt_base_zero),
        cmocka_unit_test(kernel_ending_on_a_page),
        cmocka_unit_test(regions_at_the_edges_of_the_holes),
        cmocka_unit_test(too_small_for_the_kernel),
        cmocka_unit_test(wrapping_region_refused),
        cmocka_unit_test(large_domains_below_the_top),
        cmocka_unit_test(non_canonical_region_refused),
        cmocka_unit_test(host_range_refused),
        cmocka_unit_test(four_tib_limit),
        cmocka_unit_test(linux_with_initrd),
        cmocka_unit_test(mapped_initrd),
        cmocka_unit_test(p2m_base_refused),
    };

    return cmocka_run_group_tests_name("dom0_layout", tests, NULL, NULL) != 0;
}
