/*
 * The domain builder and the end of a domain.
 *
 * Building dom0 reads the guest ELF and its Xen notes (untrusted: every field is checked,
 * a bad image stops the build with the reason) and lays the domain out as Xen's dom0
 * builder does and as public xen.h promises: from VIRT_BASE, each 4 KiB aligned, the kernel
 * image, the p2m list, start_info, the bootstrap pagetables (mapped read-only), one stack
 * page, then at least 512 KiB of mapped padding up to a 4 MiB boundary.  The pagetables are
 * written as plain memory and then pinned and loaded through mm_mmuext_op_one(), exactly as
 * a guest would, so host/mm validates and types every pagetable frame.
 *
 * Ending a domain (shutdown or crash) tears it down through host/mm and ends the run with
 * the QEMU exit value 0x10 + reason.
 */
#include <public/elfnote.h>
#include <public/features.h>
#include <public/sched.h>
#include <public/xen.h>
#include "arch/x86/x86.h"
#include "domain.h"
#include "host.h"
#include "hostlib/elf.h"
#include "hostlib/lib.h"
#include "mm/arch.h"
#include "mm/mm.h"

#define UNSET_ADDR (~0ULL)
/* Xen keeps room for a struct dom0_vga_console_info (40 bytes) after start_info. */
#define DOM0_VGA_INFO_SIZE 40
#define MAX_P2M_FRAMES 4096     /* p2m pages tracked while building: dom0 up to 8 GiB */

static struct domain dom0;
static struct vcpu dom0_vcpu0;
static struct arch_vcpu dom0_arch_vcpu0;
struct vcpu *current;

/* --- Xen ELF notes ------------------------------------------------------------------------ */

struct xen_parms {
    char guest_os[32], guest_ver[32], xen_ver[32], loader[32], pae[32], features[256];
    uint64_t virt_base, elf_paddr_offset, virt_entry, virt_hypercall;
    uint32_t f_supported, f_required;
    bool has_supported_features;
    unsigned nr_notes;
    /* derived */
    uint64_t pstart, pend, virt_offset, virt_kstart, virt_kend;
};

static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables] = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
    [XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
    [XENFEAT_dom0] = "dom0",
};

/* Features a dom0 kernel may require ("!name") and pvx still boots it. */
#define PVX_FEATURES_OK ((1U << XENFEAT_pae_pgdir_above_4gb) | (1U << XENFEAT_dom0))

/* Note strings end up in the host log: anything but printable ASCII becomes '?', so an image
 * cannot start a line of its own there (a forged "pvx: ..." line) or send terminal escapes. */
static void copy_note_string(char *dst, size_t size, const struct elf_note *n)
{
    size_t len = strnlen((const char *)n->desc, n->descsz);
    if (len >= size)
        len = size - 1;
    for (size_t i = 0; i < len; i++)
        dst[i] = n->desc[i] >= 0x20 && n->desc[i] < 0x7f ? (char)n->desc[i] : '?';
    dst[len] = '\0';
}

static const char *note_number(const struct elf_note *n, uint64_t *out)
{
    if (n->descsz == 4) {
        uint32_t v;
        memcpy(&v, n->desc, 4);
        *out = v;
    } else if (n->descsz == 8) {
        memcpy(out, n->desc, 8);
    } else {
        return "numeric Xen note with a size other than 4 or 8";
    }
    return NULL;
}

/* "a|!b|c": plain names are supported features, '!' ones are required. */
static const char *parse_features(struct xen_parms *p)
{
    for (const char *s = p->features; *s; ) {
        bool required = *s == '!';
        if (required)
            s++;
        size_t len = 0;
        while (s[len] && s[len] != '|')
            len++;
        unsigned i;
        for (i = 0; i < ARRAY_SIZE(feature_names); i++)
            if (feature_names[i] && strlen(feature_names[i]) == len &&
                strncmp(feature_names[i], s, len) == 0)
                break;
        if (i == ARRAY_SIZE(feature_names)) {
            printk("pvx: ELF: unknown feature '%.*s'%s\n", (int)len, s,
                   required ? " required" : ", ignored");
            if (required)
                return "the kernel requires a feature pvx does not know";
        } else if (required) {
            p->f_required |= 1U << i;
        } else {
            p->f_supported |= 1U << i;
        }
        s += len;
        if (*s == '|')
            s++;
    }
    return NULL;
}

static const char *take_note(const struct elf_note *n, void *ctx)
{
    struct xen_parms *p = ctx;
    const char *err = NULL;

    if (n->namesz != 4 || memcmp(n->name, "Xen", 4) != 0)
        return NULL;
    p->nr_notes++;
    switch (n->type) {
    case XEN_ELFNOTE_GUEST_OS: copy_note_string(p->guest_os, sizeof(p->guest_os), n); break;
    case XEN_ELFNOTE_GUEST_VERSION: copy_note_string(p->guest_ver, sizeof(p->guest_ver), n); break;
    case XEN_ELFNOTE_XEN_VERSION: copy_note_string(p->xen_ver, sizeof(p->xen_ver), n); break;
    case XEN_ELFNOTE_LOADER: copy_note_string(p->loader, sizeof(p->loader), n); break;
    case XEN_ELFNOTE_PAE_MODE: copy_note_string(p->pae, sizeof(p->pae), n); break;
    case XEN_ELFNOTE_FEATURES: copy_note_string(p->features, sizeof(p->features), n); break;
    case XEN_ELFNOTE_ENTRY: err = note_number(n, &p->virt_entry); break;
    case XEN_ELFNOTE_VIRT_BASE: err = note_number(n, &p->virt_base); break;
    case XEN_ELFNOTE_PADDR_OFFSET: err = note_number(n, &p->elf_paddr_offset); break;
    case XEN_ELFNOTE_HYPERCALL_PAGE: err = note_number(n, &p->virt_hypercall); break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES: {
        uint64_t v;
        err = note_number(n, &v);
        p->f_supported |= (uint32_t)v;
        p->has_supported_features = true;
        break;
    }
    default:
        break;      /* notes pvx does not use (PHYS32_ENTRY, ...) */
    }
    return err;
}

static bool canonical(uint64_t va) { return (uint64_t)((int64_t)(va << 16) >> 16) == va; }

/*
 * Parse the notes and compute the kernel's virtual range as Xen's libelf does:
 * virt = paddr - PADDR_OFFSET + VIRT_BASE, over the span of the PT_LOAD segments.
 */
static const char *parse_kernel(const struct elf_image *img, struct xen_parms *p)
{
    const char *err;

    memset(p, 0, sizeof(*p));
    p->virt_base = p->elf_paddr_offset = p->virt_entry = p->virt_hypercall = UNSET_ADDR;
    err = elf_for_each_note(img, take_note, p);
    if (err)
        return err;
    if (p->nr_notes == 0)
        return "no Xen ELF notes: not a Xen PV kernel";
    printk("pvx: ELF: GUEST_OS \"%s\" GUEST_VERSION \"%s\" XEN_VERSION \"%s\" LOADER \"%s\" "
           "PAE_MODE \"%s\"\n", p->guest_os, p->guest_ver, p->xen_ver, p->loader, p->pae);
    if (p->features[0])
        printk("pvx: ELF: FEATURES \"%s\"\n", p->features);
    if (strncmp(p->xen_ver, "xen-3.0", 7) != 0)
        return "XEN_VERSION is not \"xen-3.0\"";
    if (strncmp(p->loader, "generic", 7) != 0 && strncmp(p->guest_os, "linux", 5) != 0)
        return "neither LOADER \"generic\" nor GUEST_OS \"linux\"";
    err = parse_features(p);
    if (err)
        return err;
    if (p->f_required & ~PVX_FEATURES_OK)
        return "the kernel requires features pvx does not offer";
    if (p->has_supported_features && !(p->f_supported & (1U << XENFEAT_dom0)))
        return "the kernel does not support running as dom0";

    p->pstart = UNSET_ADDR;
    p->pend = 0;
    for (unsigned i = 0; i < img->ehdr->e_phnum; i++) {
        const struct elf64_phdr *ph = elf_phdr(img, i);
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        if (ph->p_filesz > ph->p_memsz)
            return "a PT_LOAD segment has p_filesz > p_memsz";
        if (!elf_range_ok(img, ph->p_offset, ph->p_filesz))
            return "a PT_LOAD segment lies outside the file";
        if (ph->p_paddr + ph->p_memsz < ph->p_paddr)
            return "a PT_LOAD segment wraps";
        if (ph->p_paddr < p->pstart)
            p->pstart = ph->p_paddr;
        if (ph->p_paddr + ph->p_memsz > p->pend)
            p->pend = ph->p_paddr + ph->p_memsz;
    }
    if (p->pstart == UNSET_ADDR)
        return "no PT_LOAD segment";

    if (p->virt_base == UNSET_ADDR)
        p->virt_base = 0;
    if (p->elf_paddr_offset == UNSET_ADDR)
        p->elf_paddr_offset = 0;    /* the notes interface: default 0 */
    p->virt_offset = p->virt_base - p->elf_paddr_offset;
    p->virt_kstart = p->pstart + p->virt_offset;
    p->virt_kend = p->pend + p->virt_offset;
    if (p->virt_entry == UNSET_ADDR)
        p->virt_entry = img->ehdr->e_entry;
    /* The builder maps pfn = (va - VIRT_BASE) / 4 KiB: the base must be a page boundary, or
     * its pages and the region's elements (each page aligned) would not line up. */
    if (p->virt_base & (PAGE_SIZE - 1))
        return "VIRT_BASE is not page aligned";
    if (p->virt_kstart > p->virt_kend)
        return "the kernel's virtual range wraps around the address space";
    if (p->virt_base > p->virt_kstart)
        return "VIRT_BASE / PADDR_OFFSET put the kernel below its base";
    if (p->virt_entry < p->virt_kstart || p->virt_entry >= p->virt_kend)
        return "the entry point is outside the kernel";
    if (p->virt_hypercall != UNSET_ADDR &&
        (p->virt_hypercall < p->virt_kstart || p->virt_hypercall >= p->virt_kend ||
         (p->virt_hypercall & (PAGE_SIZE - 1))))
        return "HYPERCALL_PAGE is not a page inside the kernel";
    return NULL;
}

/* --- layout -------------------------------------------------------------------------------- */

struct layout {
    uint64_t v_start, v_end, vkern_start, vkern_end;
    uint64_t vphysmap_start, vphysmap_end, vstartinfo_start, vstartinfo_end;
    uint64_t vpt_start, vpt_end, vstack_start, vstack_end;
    uint64_t nr_pages, nr_pt_pages;
};

static uint64_t round_pgup(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* Pages of level-`shift` tables needed to map [lo, hi). */
static uint64_t nr_tables(uint64_t lo, uint64_t hi, unsigned shift)
{
    uint64_t span = 1ULL << shift;
    return (((hi + span - 1) & ~(span - 1)) - (lo & ~(span - 1))) >> shift;
}

/*
 * Xen's arithmetic: the pagetables map the whole region including themselves, so their
 * count and the region's end depend on each other; search upward from 2 until they agree.
 */
static void compute_layout(const struct xen_parms *p, uint64_t nr_pages, struct layout *l)
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
        l->v_end = (l->vstack_end + (4ULL << 20) - 1) & ~((4ULL << 20) - 1);
        if (l->v_end - l->vstack_end < (512ULL << 10))
            l->v_end += 4ULL << 20;
        if (1 + nr_tables(l->v_start, l->v_end, 39) + nr_tables(l->v_start, l->v_end, 30) +
                nr_tables(l->v_start, l->v_end, 21) <= l->nr_pt_pages)
            break;
    }
}

static void print_layout(const struct layout *l, const struct xen_parms *p)
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

/* --- guest memory while building ------------------------------------------------------------ */

struct builder {
    struct domain *d;
    struct layout l;
    mfn_t p2m_frames[MAX_P2M_FRAMES];   /* the frames holding the p2m list, in order */
    uint64_t p2m_first_pfn, nr_p2m_pages;
};

static uint64_t va_to_pfn(const struct builder *b, uint64_t va)
{
    return (va - b->l.v_start) >> PAGE_SHIFT;
}

static mfn_t pfn_to_mfn(const struct builder *b, uint64_t pfn)
{
    const uint64_t *page = arch_map_frame(b->p2m_frames[pfn / 512]);
    return _mfn(page[pfn % 512]);
}

static void set_p2m(struct builder *b, uint64_t pfn, mfn_t mfn)
{
    uint64_t *page = arch_map_frame(b->p2m_frames[pfn / 512]);
    page[pfn % 512] = mfn_x(mfn);
    mm_set_m2p(&b->d->mm, mfn, pfn);
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

/*
 * Every pfn gets a frame owned by the domain.  The p2m pages come first (the list is
 * written as frames arrive); the rest are taken for pfns in descending order, so pfn and
 * mfn differ and a guest that mixes them up is caught early.
 */
static const char *allocate_memory(struct builder *b)
{
    struct domain *d = b->d;
    uint64_t nr = b->l.nr_pages;

    b->p2m_first_pfn = va_to_pfn(b, b->l.vphysmap_start);
    b->nr_p2m_pages = round_pgup(nr * sizeof(uint64_t)) >> PAGE_SHIFT;
    if (b->nr_p2m_pages > MAX_P2M_FRAMES)
        return "dom0_mem too large for the builder (at most 8 GiB)";
    /* The domain's pages plus shared_info, which Xen does not count in nr_pages. */
    d->mm.max_pages = nr + 1;
    for (uint64_t i = 0; i < b->nr_p2m_pages; i++)
        if (mm_alloc_domain_frame(&d->mm, &b->p2m_frames[i]) != 0)
            return "out of memory for the p2m list";
    for (uint64_t i = 0; i < b->nr_p2m_pages; i++)
        set_p2m(b, b->p2m_first_pfn + i, b->p2m_frames[i]);
    for (uint64_t pfn = nr; pfn-- > 0; ) {
        mfn_t mfn;

        if (pfn >= b->p2m_first_pfn && pfn < b->p2m_first_pfn + b->nr_p2m_pages)
            continue;
        if (mm_alloc_domain_frame(&d->mm, &mfn) != 0)
            return "out of memory for the domain (lower dom0_mem)";
        set_p2m(b, pfn, mfn);
    }
    return NULL;
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

static uint64_t *pt_page(const struct builder *b, uint64_t idx)
{
    return arch_map_frame(pfn_to_mfn(b, va_to_pfn(b, b->l.vpt_start) + idx));
}

static uint64_t pt_maddr(const struct builder *b, uint64_t idx)
{
    return mfn_x(pfn_to_mfn(b, va_to_pfn(b, b->l.vpt_start) + idx)) << PAGE_SHIFT;
}

/*
 * Frames of the pagetable area, in order: the L4 (pt_base), then the L3s, the L2s and the
 * L1s, each level covering [v_start, v_end).  Entries carry _PAGE_USER because the guest
 * kernel runs in ring 3; the pagetable frames themselves are mapped read-only.
 */
static void build_pagetables(struct builder *b)
{
    const struct layout *l = &b->l;
    uint64_t n3 = nr_tables(l->v_start, l->v_end, 39);
    uint64_t n2 = nr_tables(l->v_start, l->v_end, 30);
    uint64_t first3 = 1, first2 = first3 + n3, first1 = first2 + n2;
    uint64_t pt_first_pfn = va_to_pfn(b, l->vpt_start);

    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        uint64_t i4 = (va >> 39) & 511, i3 = (va >> 30) & 511, i2 = (va >> 21) & 511;
        uint64_t i1 = (va >> 12) & 511;
        uint64_t t3 = first3 + ((va >> 39) - (l->v_start >> 39));
        uint64_t t2 = first2 + ((va >> 30) - (l->v_start >> 30));
        uint64_t t1 = first1 + ((va >> 21) - (l->v_start >> 21));
        uint64_t pfn = va_to_pfn(b, va);
        uint64_t prot = L1_PROT;

        if (pfn >= pt_first_pfn && pfn < pt_first_pfn + l->nr_pt_pages)
            prot &= ~_PAGE_RW;
        pt_page(b, 0)[i4] = pt_maddr(b, t3) | LN_PROT;
        pt_page(b, t3)[i3] = pt_maddr(b, t2) | LN_PROT;
        pt_page(b, t2)[i2] = pt_maddr(b, t1) | LN_PROT;
        pt_page(b, t1)[i1] = (mfn_x(pfn_to_mfn(b, pfn)) << PAGE_SHIFT) | prot;
    }
}

static const char *pin_and_load(struct builder *b, struct vcpu *v)
{
    struct mmuext_op op;
    mfn_t l4 = pfn_to_mfn(b, va_to_pfn(b, b->l.vpt_start));
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

/* --- start_info, shared_info, hypercall page ------------------------------------------------ */

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
    uint64_t region_pages = (b->l.v_end - b->l.v_start) >> PAGE_SHIFT;
    uint64_t order_pages = 1;

    _Static_assert(sizeof(struct start_info) <= PAGE_SIZE, "start_info fits one page");
    memset(si, 0, sizeof(*si));
    /* As Xen: "xen-3.0-x86_64", plus "p" when the kernel declares PAE_MODE. */
    snprintf(si->magic, sizeof(si->magic), "%s%s", PVX_START_INFO_MAGIC, pae ? "p" : "");
    si->nr_pages = b->l.nr_pages;
    si->shared_info = mfn_x(b->d->shared_info) << PAGE_SHIFT;
    si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
    si->pt_base = b->l.vpt_start;
    si->nr_pt_frames = b->l.nr_pt_pages;
    si->mfn_list = b->l.vphysmap_start;
    strlcpy((char *)si->cmd_line, cmdline, sizeof(si->cmd_line));
    /*
     * Xen reports the p2m frames outside its first allocation (a power of two covering the
     * bootstrap region); they are all inside the mapped p2m here, so the range is empty.
     */
    while (order_pages < region_pages)
        order_pages <<= 1;
    si->first_p2m_pfn = order_pages < b->l.nr_pages ? order_pages : b->l.nr_pages;
    si->nr_p2m_frames = 0;
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

/*
 * 128 stubs of 32 bytes: `push %rcx; push %r11; mov $nr,%eax; syscall; pop %r11; pop %rcx;
 * ret` (the guest sees only rax change), and for iret, which does not return, `push %rcx;
 * push %r11; push %rax; mov $__HYPERVISOR_iret,%eax; syscall`.  The rest is int3.
 */
static void write_hypercall_page(struct builder *b, uint64_t va)
{
    uint8_t *page = region_ptr(b, va);

    memset(page, 0xcc, PAGE_SIZE);
    for (unsigned nr = 0; nr < PAGE_SIZE / 32; nr++) {
        uint8_t *p = page + nr * 32;
        unsigned n = 0;

        p[n++] = 0x51;                          /* push %rcx */
        p[n++] = 0x41; p[n++] = 0x53;           /* push %r11 */
        if (nr == __HYPERVISOR_iret)
            p[n++] = 0x50;                      /* push %rax */
        p[n++] = 0xb8;                          /* mov $nr, %eax */
        memcpy(p + n, &nr, 4);
        n += 4;
        p[n++] = 0x0f; p[n++] = 0x05;           /* syscall */
        if (nr == __HYPERVISOR_iret)
            continue;
        p[n++] = 0x41; p[n++] = 0x5b;           /* pop %r11 */
        p[n++] = 0x59;                          /* pop %rcx */
        p[n++] = 0xc3;                          /* ret */
    }
}

/* --- build and run --------------------------------------------------------------------------- */

static struct builder builder;

static const char *build_dom0(const struct boot_module *mod, struct cpu_regs *regs)
{
    struct builder *b = &builder;
    struct domain *d = &dom0;
    struct vcpu *v = &dom0_vcpu0;
    struct elf_image img;
    struct xen_parms p;
    const char *err;

    printk("pvx: *** Building a PV Dom0 ***\n");
    err = elf_open(&img, mod->image, mod->size);
    if (!err)
        err = parse_kernel(&img, &p);
    if (err)
        return err;
    printk("pvx:  Dom0 kernel: 64-bit, PAE, lsb, paddr %#lx -> %#lx\n", p.pstart, p.pend);

    uint64_t nr_pages = host_opts.dom0_mem >> PAGE_SHIFT;
    if (nr_pages + 1 > mm_free_frames())
        return "dom0_mem is larger than the free memory";
    /* Bound the region before the layout search: it must fit in the domain and not wrap. */
    if (p.virt_kend - p.virt_base > (nr_pages << PAGE_SHIFT))
        return "dom0_mem is too small for the kernel image";
    if (p.virt_base + (nr_pages << PAGE_SHIFT) + (8ULL << 20) < p.virt_base)
        return "the bootstrap region would wrap around the address space";
    compute_layout(&p, nr_pages, &b->l);
    if (!canonical(b->l.v_start) || !canonical(b->l.v_end - 1) ||
        (b->l.v_start >> 63) != ((b->l.v_end - 1) >> 63) || b->l.v_end < b->l.v_start)
        return "the bootstrap region is not canonical";
    if (b->l.v_start < HYPERVISOR_VIRT_END && b->l.v_end > HYPERVISOR_VIRT_START)
        return "the bootstrap region overlaps the hypervisor's area";
    if ((b->l.v_end - b->l.v_start) >> PAGE_SHIFT > b->l.nr_pages)
        return "dom0_mem is too small for the kernel image";

    b->d = d;
    err = allocate_memory(b);
    if (err)
        return err;
    printk("pvx: PHYSICAL MEMORY ARRANGEMENT:\n");
    printk("pvx:  Dom0 alloc.:   %lu pages, pfn 0 at mfn %#lx, pfn %#lx at mfn %#lx\n",
           b->l.nr_pages, mfn_x(pfn_to_mfn(b, 0)), b->l.nr_pages - 1,
           mfn_x(pfn_to_mfn(b, b->l.nr_pages - 1)));
    print_layout(&b->l, &p);
    printk("pvx: Dom0 has maximum %u VCPUs\n", PVX_MAX_VCPUS);

    load_kernel(b, &img, &p);
    if (p.virt_hypercall != UNSET_ADDR)
        write_hypercall_page(b, p.virt_hypercall);
    err = setup_shared_info(d);
    if (err)
        return err;
    write_start_info(b, guest_cmdline(mod->cmdline), p.pae[0] != '\0' && strcmp(p.pae, "no") != 0);
    build_pagetables(b);
    err = pin_and_load(b, v);
    if (err)
        return err;

    memset(regs, 0, sizeof(*regs));
    regs->rip = p.virt_entry;
    regs->cs = FLAT_KERNEL_CS64;
    regs->ss = FLAT_KERNEL_SS64;
    regs->rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
    regs->rsp = b->l.vstack_end;
    regs->rsi = b->l.vstartinfo_start;
    return NULL;
}

void domain_build_and_run(const struct boot_module *mod)
{
    struct cpu_regs *regs = arch_guest_frame();
    const char *err;

    mm_domain_init(&dom0.mm, 0, 0);
    mm_vcpu_init(&dom0.mm, &dom0_vcpu0.mm);
    dom0.vcpu[0] = &dom0_vcpu0;
    dom0.shared_info = invalid_mfn();
    dom0_vcpu0.domain = &dom0;
    dom0_vcpu0.vcpu_id = 0;
    dom0_vcpu0.arch = &dom0_arch_vcpu0;
    dom0_arch_vcpu0.regs = regs;
    dom0_arch_vcpu0.kernel_mode = true;
    current = &dom0_vcpu0;

    err = build_dom0(mod, regs);
    if (err) {
        printk("pvx: cannot build d0: %s\n", err);
        dom0_arch_vcpu0.regs = NULL;    /* nothing ran: no guest registers to show */
        domain_crash(&dom0, "domain build failed");
    }
    arch_load_cr3(dom0_vcpu0.mm.guest_table);
    /* Only the region is mapped; it may start at 0 (VIRT_BASE absent), then end is free. */
    uint64_t unmapped = builder.l.v_start > 0x1000 ? 0x1000 : builder.l.v_end;
    unsigned bad = arch_guest_access_selfcheck(unmapped, regs->rsi, builder.l.vpt_start);
    if (bad)
        arch_panic("guest memory access checks: %u of 9 wrong", bad);
    printk("pvx: guest memory access checks: 9 of 9 as expected\n");
    if (host_opts.selftest_host_fault) {
        /* The test of the host's own fault path: a read with no fixup must panic (0x1f). */
        uint64_t addr = 0x8, v;
        printk("pvx: selftest: the host reads unmapped address %#lx\n", addr);
        __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
    }
    if (host_opts.selftest_exec_guest) {
        /* The test of NX on the direct map: guest bytes there must never run in ring 0. */
        uint8_t *alias = region_ptr(&builder, builder.l.vstack_start);
        void (*fn)(void) = (void (*)(void))(uintptr_t)alias;
        alias[0] = 0xc3;    /* ret */
        printk("pvx: selftest: the host calls guest memory at %p\n", (void *)alias);
        fn();
        printk("pvx: selftest: the host ran guest memory\n");
    }
    if (host_opts.selftest_host_debug) {
        /* The test of the host's #DB path: one single-stepped instruction must not panic. */
        printk("pvx: selftest: the host single-steps one instruction\n");
        __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq; nop" ::: "memory", "cc");
        printk("pvx: selftest: host single-step survived\n");
    }
    if (host_opts.selftest_bad_iret) {
        /* The test of the refused-iretq path: a null ss is refused for a return to ring 3. */
        printk("pvx: selftest: entering the guest with a null ss\n");
        regs->ss = 0;
    }
    printk("pvx: d0: entering the guest at %016lx, rsp %016lx, start_info %016lx\n",
           regs->rip, regs->rsp, regs->rsi);
    arch_enter_guest(regs);
}

/* --- the end of a domain ---------------------------------------------------------------------- */

static const char *shutdown_name(unsigned reason)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog" };
    return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

void domain_shutdown(struct domain *d, unsigned reason)
{
    uint64_t owned = d->mm.tot_pages;

    if (reason > SHUTDOWN_watchdog)
        reason = SHUTDOWN_crash;
    d->is_shutdown = true;
    d->shutdown_reason = reason;
    console_flush_domain(d->mm.domid);
    printk("pvx: d%u shut down: %s\n", d->mm.domid, shutdown_name(reason));
    /* Off the domain's pagetables before they are released. */
    write_cr3(arch_idle_l4_maddr());
    mm_domain_teardown(&d->mm);
    printk("pvx: d%u torn down: %lu frames released, %lu frames free\n", d->mm.domid,
           owned - d->mm.tot_pages, mm_free_frames());
    arch_exit_qemu(0x10 + reason);
}

void domain_crash(struct domain *d, const char *why)
{
    static bool crashing;

    if (crashing)
        arch_panic("d%u crashed again while crashing: %s", d->mm.domid, why);
    crashing = true;
    printk("pvx: d%u crashed: %s\n", d->mm.domid, why);
    if (current && current->domain == d && current->arch->regs)
        arch_dump_regs(current->arch->regs);
    domain_shutdown(d, SHUTDOWN_crash);
}
