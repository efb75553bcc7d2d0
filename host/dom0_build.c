/*
 * The domain builder.  It unpacks a bzImage's ELF (lib/bzimage.c), reads the guest ELF and its
 * Xen notes (untrusted: elfnote.c checks every field, and a bad image stops the build with the
 * reason), lays the domain out as Xen's dom0 builder does (dom0_layout.c), gives it its
 * memory, loads the kernel and the initrd, fills the p2m, start_info, shared_info and the
 * hypercall page, and writes the bootstrap pagetables (and those of a p2m placed by INIT_P2M)
 * as plain memory.  They are then pinned and loaded through mm_mmuext_op_one(), exactly as a guest
 * would do it, so host/mm validates and types every pagetable frame.  Portable: guest frames
 * are reached only through arch_map_frame().
 */
#include <public/xen.h>
#include "arch.h"
#include "dom0_build.h"
#include "dom0_layout.h"
#include "domain.h"
#include "elfnote.h"
#include "host.h"
#include "hostlib/lib.h"
#include "lib/bzimage.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "printk.h"
#include "pte.h"

#define MAX_P2M_FRAMES 4096     /* p2m pages tracked while building: dom0 up to 8 GiB */

/* The domain under construction: its layout and the frames of its p2m list, in order. */
struct builder {
    struct domain *d;
    struct dom0_layout l;
    mfn_t p2m_frames[MAX_P2M_FRAMES];
    uint64_t p2m_pfns[MAX_P2M_FRAMES];      /* the pfn of each p2m page */
    uint64_t nr_p2m_pages;
    uint64_t walk_pfn;                      /* next pfn while walking a p2m at INIT_P2M */
    mfn_t walk_table[5];                    /* the table of each level (4: the L4) on that walk */
};

static struct builder builder;

static pfn_t va_to_pfn(const struct builder *b, uint64_t va)
{
    return _pfn(dom0_layout_pfn(&b->l, va));
}

static mfn_t pfn_to_mfn(const struct builder *b, pfn_t pfn)
{
    const uint64_t *page = arch_map_frame(b->p2m_frames[pfn_x(pfn) / 512]);
    return _mfn(page[pfn_x(pfn) % 512]);
}

static void set_p2m(struct builder *b, pfn_t pfn, mfn_t mfn)
{
    uint64_t *page = arch_map_frame(b->p2m_frames[pfn_x(pfn) / 512]);
    page[pfn_x(pfn) % 512] = mfn_x(mfn);
    mm_set_m2p(&b->d->mm, mfn, pfn_x(pfn));
}

/* Host pointer to the byte at guest virtual `va` inside the region (one page at most). */
static uint8_t *region_ptr(const struct builder *b, uint64_t va)
{
    uint8_t *page = arch_map_frame(pfn_to_mfn(b, va_to_pfn(b, va)));
    return page + (va & (PAGE_SIZE - 1));
}

static void region_write(const struct builder *b, uint64_t va, const void *src, uint64_t len)
{
    const uint8_t *s = src;

    while (len > 0) {
        uint64_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (n > len)
            n = len;
        memcpy(region_ptr(b, va), s, n);
        va += n;
        s += n;
        len -= n;
    }
}

/* The walk of a p2m at INIT_P2M (dom0_layout_walk_p2m), first pass: which pfn each of its
 * pages gets, its tables taking the pfns in between as in Xen. */
static void number_p2m_page(void *ctx, unsigned level, uint64_t va)
{
    struct builder *b = ctx;

    if (level == 0)
        b->p2m_pfns[(va - b->l.vphysmap_start) >> PAGE_SHIFT] = b->walk_pfn;
    b->walk_pfn++;
}

/*
 * Every pfn gets a frame owned by the domain.  The p2m pages come first (the list is
 * written as frames arrive); the rest are taken for pfns in descending order, so pfn and
 * mfn differ and a guest that mixes them up is caught early.
 */
static const char *allocate_memory(struct builder *b)
{
    struct domain *d = b->d;
    uint64_t nr = b->l.nr_pages;

    b->nr_p2m_pages = (nr * sizeof(uint64_t) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (b->nr_p2m_pages > MAX_P2M_FRAMES)
        return "dom0_mem too large for the builder (at most 8 GiB)";
    if (b->l.p2m_at_base) {
        b->walk_pfn = b->l.first_p2m_pfn;
        dom0_layout_walk_p2m(b->l.vphysmap_start, b->l.vphysmap_start + b->nr_p2m_pages *
                             PAGE_SIZE, number_p2m_page, b);
    } else {
        for (uint64_t i = 0; i < b->nr_p2m_pages; i++)
            b->p2m_pfns[i] = dom0_layout_pfn(&b->l, b->l.vphysmap_start) + i;
    }
    /* The domain's pages plus shared_info, which Xen does not count in nr_pages. */
    d->mm.max_pages = nr + 1;
    for (uint64_t i = 0; i < b->nr_p2m_pages; i++) {
        if (mm_alloc_domain_frame(&d->mm, &b->p2m_frames[i]) != 0)
            return "out of memory for the p2m list";
        memset(arch_map_frame(b->p2m_frames[i]), 0xff, PAGE_SIZE);   /* no frame yet */
    }
    for (uint64_t i = 0; i < b->nr_p2m_pages; i++)
        set_p2m(b, _pfn(b->p2m_pfns[i]), b->p2m_frames[i]);
    for (uint64_t pfn = nr; pfn-- > 0; ) {
        mfn_t mfn;

        if (mfn_valid_raw(pfn_to_mfn(b, _pfn(pfn))))
            continue;                       /* a p2m page */
        if (mm_alloc_domain_frame(&d->mm, &mfn) != 0)
            return "out of memory for the domain (lower dom0_mem)";
        set_p2m(b, _pfn(pfn), mfn);
    }
    return NULL;
}

/* The initrd's bytes into its frames: those the region maps at vinitrd_start, or the ones
 * after the region's when the kernel leaves it unmapped (MOD_START_PFN). */
static void load_initrd(const struct builder *b, const struct boot_module *initrd)
{
    for (uint64_t off = 0; off < initrd->size; off += PAGE_SIZE) {
        uint64_t n = initrd->size - off < PAGE_SIZE ? initrd->size - off : PAGE_SIZE;
        pfn_t pfn = _pfn(b->l.initrd_pfn + (off >> PAGE_SHIFT));

        memcpy(arch_map_frame(pfn_to_mfn(b, pfn)), initrd->image + off, n);
    }
}

static void load_kernel(struct builder *b, const struct elf_image *img, const struct xen_parms *p)
{
    for (unsigned i = 0; i < img->ehdr->e_phnum; i++) {
        const struct elf64_phdr *ph = elf_phdr(img, i);
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        /* Frames come zeroed, so the bss part (memsz beyond filesz) is already clear. */
        region_write(b, ph->p_paddr + p->virt_offset, img->data + ph->p_offset, ph->p_filesz);
    }
}

/* --- bootstrap pagetables ------------------------------------------------------------------- */

#define BASE_PROT (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_USER)
#define L1_PROT   BASE_PROT
#define LN_PROT   (BASE_PROT | _PAGE_DIRTY)

/* Frame `idx` of the pagetable area. */
static mfn_t pt_mfn(const struct builder *b, uint64_t idx)
{
    return pfn_to_mfn(b, _pfn(pfn_x(va_to_pfn(b, b->l.vpt_start)) + idx));
}

static uint64_t *pt_page(const struct builder *b, uint64_t idx)
{
    return arch_map_frame(pt_mfn(b, idx));
}

/*
 * Frames of the pagetable area, in order: the L4 (pt_base), then the L3s, the L2s and the
 * L1s, each level covering [v_start, v_end).  Entries carry _PAGE_USER because the guest
 * kernel runs in ring 3; the pagetable frames themselves are mapped read-only.
 */
static void build_pagetables(struct builder *b)
{
    const struct dom0_layout *l = &b->l;
    uint64_t n3 = dom0_layout_nr_tables(l->v_start, l->v_end, 39);
    uint64_t n2 = dom0_layout_nr_tables(l->v_start, l->v_end, 30);
    uint64_t first3 = 1, first2 = first3 + n3, first1 = first2 + n2;
    uint64_t pt_first_pfn = pfn_x(va_to_pfn(b, l->vpt_start));

    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        uint64_t i4 = (va >> 39) & 511, i3 = (va >> 30) & 511, i2 = (va >> 21) & 511;
        uint64_t i1 = (va >> 12) & 511;
        uint64_t t3 = first3 + ((va >> 39) - (l->v_start >> 39));
        uint64_t t2 = first2 + ((va >> 30) - (l->v_start >> 30));
        uint64_t t1 = first1 + ((va >> 21) - (l->v_start >> 21));
        pfn_t pfn = va_to_pfn(b, va);
        uint64_t prot = L1_PROT;

        if (pfn_x(pfn) >= pt_first_pfn && pfn_x(pfn) < pt_first_pfn + l->nr_pt_pages)
            prot &= ~_PAGE_RW;
        pt_page(b, 0)[i4] = (mfn_x(pt_mfn(b, t3)) << PAGE_SHIFT) | LN_PROT;
        pt_page(b, t3)[i3] = (mfn_x(pt_mfn(b, t2)) << PAGE_SHIFT) | LN_PROT;
        pt_page(b, t2)[i2] = (mfn_x(pt_mfn(b, t1)) << PAGE_SHIFT) | LN_PROT;
        pt_page(b, t1)[i1] = (mfn_x(pfn_to_mfn(b, pfn)) << PAGE_SHIFT) | prot;
    }
}

/* Second pass of the walk: write the tables mapping a p2m at INIT_P2M, as plain memory
 * like the rest (the pin validates them); its pages writable, as Xen maps them. */
static void map_p2m_page(void *ctx, unsigned level, uint64_t va)
{
    static const unsigned shift[] = { 12, 21, 30, 39 };
    struct builder *b = ctx;
    mfn_t mfn = pfn_to_mfn(b, _pfn(b->walk_pfn++));
    uint64_t *parent = arch_map_frame(b->walk_table[level + 1]);

    parent[(va >> shift[level]) & 511] = (mfn_x(mfn) << PAGE_SHIFT) |
                                         (level ? LN_PROT : L1_PROT | _PAGE_DIRTY);
    if (level)
        b->walk_table[level] = mfn;
}

static void map_p2m(struct builder *b)
{
    if (!b->l.p2m_at_base)
        return;
    b->walk_pfn = b->l.first_p2m_pfn;
    b->walk_table[4] = pt_mfn(b, 0);
    dom0_layout_walk_p2m(b->l.vphysmap_start, b->l.vphysmap_start + b->nr_p2m_pages *
                         PAGE_SIZE, map_p2m_page, b);
}

static const char *pin_and_load(struct builder *b, struct vcpu *v)
{
    struct mmuext_op op;
    mfn_t l4 = pt_mfn(b, 0);
    int rc;

    memset(&op, 0, sizeof(op));
    op.cmd = MMUEXT_PIN_L4_TABLE;
    op.arg1.mfn = mfn_x(l4);
    rc = mm_mmuext_op_one(&b->d->mm, &v->mm, &op);
    if (rc != 0) {
        printk("pvx: pinning the bootstrap L4 failed: %d\n", rc);
        return "the bootstrap pagetables did not validate";
    }
    op.cmd = MMUEXT_NEW_BASEPTR;
    rc = mm_mmuext_op_one(&b->d->mm, &v->mm, &op);
    if (rc != 0) {
        printk("pvx: NEW_BASEPTR on the bootstrap L4 failed: %d\n", rc);
        return "the bootstrap L4 could not become the base pointer";
    }
    return NULL;
}

/* --- start_info, shared_info ---------------------------------------------------------------- */

/* The module string minus its first word (the file name), as Xen does. */
static const char *guest_cmdline(const char *s)
{
    while (*s == ' ')
        s++;
    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

static void write_start_info(struct builder *b, const char *cmdline, bool pae)
{
    struct start_info *si = (struct start_info *)region_ptr(b, b->l.vstartinfo_start);

    _Static_assert(sizeof(struct start_info) <= PAGE_SIZE, "start_info fits one page");
    memset(si, 0, sizeof(*si));
    /* As Xen: "xen-3.0-x86_64", plus "p" when the kernel declares PAE_MODE. */
    snprintf(si->magic, sizeof(si->magic), "%s%s", PVX_START_INFO_MAGIC, pae ? "p" : "");
    si->nr_pages = b->l.nr_pages;
    si->shared_info = mfn_x(b->d->shared_info) << PAGE_SHIFT;
    si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    /* The initrd: its address in the region, or (MOD_START_PFN) its first pfn. */
    if (b->l.initrd_len > 0) {
        si->mod_start = b->l.vinitrd_start ? b->l.vinitrd_start : b->l.initrd_pfn;
        si->mod_len = b->l.initrd_len;
        if (!b->l.vinitrd_start)
            si->flags |= SIF_MOD_START_PFN;
    }
    si->pt_base = b->l.vpt_start;
    si->nr_pt_frames = b->l.nr_pt_pages;
    si->mfn_list = b->l.vphysmap_start;
    strlcpy((char *)si->cmd_line, cmdline, sizeof(si->cmd_line));
    /* Xen's first allocation (plus an unmapped initrd) ends at first_p2m_pfn; a p2m at
     * INIT_P2M, with its tables, takes the frames after it. */
    si->first_p2m_pfn = b->l.first_p2m_pfn;
    si->nr_p2m_frames = b->l.nr_p2m_frames;
}

static const char *setup_shared_info(struct domain *d)
{
    if (mm_alloc_shared_frame(&d->mm, &d->shared_info) != 0)
        return "out of memory for shared_info";
    struct shared_info *s = arch_map_frame(d->shared_info);
    for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        s->vcpu_info[i].evtchn_upcall_mask = 1;     /* events masked until the guest is ready */
    return NULL;
}

/* --- the build, in order -------------------------------------------------------------------- */

/* --- the kernel's ELF ------------------------------------------------------------------------ */

/* The ELF the kernel is built from: the module itself, or a host run of frames its bzImage
 * payload was unpacked into, given back once the kernel is loaded. */
struct kernel_elf {
    const uint8_t *data;
    uint64_t size;
    mfn_t run;
    uint64_t run_frames;
};

static uint8_t decomp_work[DECOMP_WORK_SIZE] __attribute__((aligned(DECOMP_WORK_ALIGN)));

/*
 * As Xen's bzimage_parse: a bzImage's payload is decompressed here and the domain is built
 * from the ELF inside.  The output needs one contiguous buffer (a match copies from earlier
 * output: the LZMA2 dictionary is the output itself), which the frame allocator hands out as
 * a run of free frames for the length of the build.  An ELF module is used where it lies;
 * a module that is neither is left for elf_open to refuse.
 */
static const char *unpack_kernel(const struct boot_module *mod, struct kernel_elf *ke)
{
    struct kernel_image k;
    struct decomp_result r;
    const char *err = bzimage_probe(mod->image, mod->size, &k);

    *ke = (struct kernel_elf){ mod->image, mod->size, invalid_mfn(), 0 };
    if (k.kind == KERNEL_ELF)
        return NULL;
    if (err)
        return err;
    printk("pvx:  bzImage: boot protocol %u.%02u, %s payload of %zu bytes, ELF of %lu bytes\n",
           k.protocol >> 8, k.protocol & 0xff, k.format == PAYLOAD_XZ ? "xz" : "gzip",
           k.payload_len, k.elf_size);
    if (k.elf_size > mm_free_frames() * PAGE_SIZE)
        return "bzImage: its ELF is larger than the free memory";
    if (!mm_alloc_host_run((k.elf_size + PAGE_SIZE - 1) >> PAGE_SHIFT, &ke->run))
        return "bzImage: no run of free memory large enough to unpack it into";
    ke->run_frames = (k.elf_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    ke->data = arch_map_frames(ke->run, ke->run_frames);
    ke->size = k.elf_size;
    r = bzimage_unpack(&k, (void *)ke->data, ke->size, decomp_work, sizeof(decomp_work));
    if (r.status != DECOMP_OK) {
        printk("pvx:  bzImage: payload refused at byte %zu of %zu\n", r.in_pos, k.payload_len);
        return r.msg;
    }
    return NULL;
}

static void release_kernel(struct kernel_elf *ke)
{
    if (ke->run_frames)
        mm_free_host_run(ke->run, ke->run_frames);
    ke->run_frames = 0;
}

/* --- the build, in order -------------------------------------------------------------------- */

static const char *build(struct builder *b, struct vcpu *v, const struct elf_image *img,
                         const struct boot_module *mod, const struct boot_module *initrd,
                         uint64_t mem_bytes, struct dom0_entry *e)
{
    struct domain *d = b->d;
    struct xen_parms p;
    const char *err = elfnote_parse_kernel(img, &p);

    if (err)
        return err;
    printk("pvx:  Dom0 kernel: 64-bit, PAE, lsb, paddr %#lx -> %#lx\n", p.pstart, p.pend);

    uint64_t nr_pages = mem_bytes >> PAGE_SHIFT;
    if (nr_pages + 1 > mm_free_frames())
        return "dom0_mem is larger than the free memory";
    err = dom0_layout_compute(&p, nr_pages, initrd ? initrd->size : 0, &b->l);
    if (err)
        return err;

    err = allocate_memory(b);
    if (err)
        return err;
    printk("pvx: PHYSICAL MEMORY ARRANGEMENT:\n");
    printk("pvx:  Dom0 alloc.:   %lu pages, pfn 0 at mfn %#lx, pfn %#lx at mfn %#lx\n",
           b->l.nr_pages, mfn_x(pfn_to_mfn(b, _pfn(0))), b->l.nr_pages - 1,
           mfn_x(pfn_to_mfn(b, _pfn(b->l.nr_pages - 1))));
    if (initrd)
        printk("pvx:  Init. ramdisk: pfn %#lx->%#lx, %lu bytes\n", b->l.initrd_pfn,
               b->l.initrd_pfn + b->l.initrd_pages, b->l.initrd_len);
    dom0_layout_print(&b->l, &p);
    printk("pvx: Dom0 has maximum %u VCPUs\n", PVX_MAX_VCPUS);

    load_kernel(b, img, &p);
    if (initrd)
        load_initrd(b, initrd);
    if (p.virt_hypercall != ELFNOTE_UNSET)
        arch_write_hypercall_page(region_ptr(b, p.virt_hypercall));
    err = setup_shared_info(d);
    if (err)
        return err;
    write_start_info(b, guest_cmdline(mod->cmdline), elfnote_pae(&p));
    build_pagetables(b);
    map_p2m(b);
    err = pin_and_load(b, v);
    if (err)
        return err;

    *e = (struct dom0_entry){
        .entry = p.virt_entry,
        .stack_top = b->l.vstack_end,
        .start_info = b->l.vstartinfo_start,
        .region_start = b->l.v_start,
        .region_end = b->l.v_end,
        .pt_start = b->l.vpt_start,
        .stack_mfn = pfn_to_mfn(b, va_to_pfn(b, b->l.vstack_start)),
    };
    return NULL;
}

const char *dom0_build(struct domain *d, struct vcpu *v, const struct boot_module *kernel,
                       const struct boot_module *initrd, uint64_t mem_bytes,
                       struct dom0_entry *e)
{
    struct builder *b = &builder;
    struct kernel_elf ke;
    struct elf_image img;
    const char *err;

    printk("pvx: *** Building a PV Dom0 ***\n");
    b->d = d;
    err = unpack_kernel(kernel, &ke);
    if (!err)
        err = elf_open(&img, ke.data, ke.size);
    if (!err)
        err = build(b, v, &img, kernel, initrd, mem_bytes, e);
    release_kernel(&ke);
    return err;
}
