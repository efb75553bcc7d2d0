/*
 * The Xen notes of a PV kernel image (see elfnote.h).  Numbers are 4 or 8 bytes; strings are
 * copied bounded and made printable, because they end up in the host log.
 */
#include <public/elfnote.h>
#include <public/features.h>
#include "elfnote.h"
#include "mm/types.h"
#include "hostlib/lib.h"
#include "printk.h"

static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables] = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
    [XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
    [XENFEAT_dom0] = "dom0",
};

/* What a kernel may require and still be built: writable_page_tables (stores into its own
 * L1 tables are emulated, as Xen always does for PV), pae_pgdir_above_4gb and dom0. */
const uint32_t elfnote_features_offered =
    (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_pae_pgdir_above_4gb) |
    (1U << XENFEAT_dom0);

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

/* "a|!b|c": plain names are supported features, '!' ones are required, and a feature a
 * kernel requires it also supports (Xen's elf_xen_parse_features sets both). */
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
        } else {
            p->f_supported |= 1U << i;
            if (required)
                p->f_required |= 1U << i;
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
    case XEN_ELFNOTE_INIT_P2M: err = note_number(n, &p->p2m_base); break;
    case XEN_ELFNOTE_MOD_START_PFN: {
        uint64_t v;
        err = note_number(n, &v);
        p->unmapped_initrd = v != 0;
        break;
    }
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

/*
 * Parse the notes and compute the kernel's virtual range as Xen's libelf does:
 * virt = paddr - PADDR_OFFSET + VIRT_BASE, over the span of the PT_LOAD segments.
 */
const char *elfnote_parse_kernel(const struct elf_image *img, struct xen_parms *p)
{
    const char *err;

    memset(p, 0, sizeof(*p));
    p->virt_base = p->elf_paddr_offset = p->virt_entry = p->virt_hypercall = ELFNOTE_UNSET;
    p->p2m_base = ELFNOTE_UNSET;
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
    if (p->f_required & ~elfnote_features_offered)
        return "the kernel requires features pvx does not offer";
    if (p->has_supported_features && !(p->f_supported & (1U << XENFEAT_dom0)))
        return "the kernel does not support running as dom0";

    p->pstart = ELFNOTE_UNSET;
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
    if (p->pstart == ELFNOTE_UNSET)
        return "no PT_LOAD segment";

    /* An offset from a base the kernel does not name: Xen refuses it too. */
    if (p->elf_paddr_offset != ELFNOTE_UNSET && p->virt_base == ELFNOTE_UNSET)
        return "PADDR_OFFSET without VIRT_BASE";
    if (p->virt_base == ELFNOTE_UNSET)
        p->virt_base = 0;
    if (p->elf_paddr_offset == ELFNOTE_UNSET)
        p->elf_paddr_offset = 0;    /* the notes interface: default 0 */
    p->virt_offset = p->virt_base - p->elf_paddr_offset;
    p->virt_kstart = p->pstart + p->virt_offset;
    p->virt_kend = p->pend + p->virt_offset;
    if (p->virt_entry == ELFNOTE_UNSET)
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
    if (p->virt_hypercall != ELFNOTE_UNSET &&
        (p->virt_hypercall < p->virt_kstart || p->virt_hypercall >= p->virt_kend ||
         (p->virt_hypercall & (PAGE_SIZE - 1))))
        return "HYPERCALL_PAGE is not a page inside the kernel";
    /* Where INIT_P2M may point is the layout's to check (dom0_layout.c); its alignment is
     * a property of the note. */
    if (p->p2m_base != ELFNOTE_UNSET && (p->p2m_base & (PAGE_SIZE - 1)))
        return "INIT_P2M is not page aligned";
    return NULL;
}

/* Xen's libelf rule for the note (elf_xen_parse_note): "yes", or any mention of "bimodal". */
bool elfnote_pae(const struct xen_parms *p)
{
    return strcmp(p->pae, "yes") == 0 || strstr(p->pae, "bimodal") != NULL;
}
