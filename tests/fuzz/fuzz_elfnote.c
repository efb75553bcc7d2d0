/*
 * libFuzzer harness for the domain builder's portable half: a kernel image through the ELF
 * reader (host/hostlib/elf.c), the Xen-note parser (host/elfnote.c) and the layout
 * arithmetic (host/dom0_layout.c), with a domain size the fuzzer chooses.  What is accepted
 * must keep its promises: the notes' kernel range, entry and hypercall page consistent, the
 * features within what pvx offers, every logged byte printable; and the layout canonical,
 * ordered, aligned, outside the host's range, within the domain, ending on a 4 MiB boundary,
 * with a pagetable count that covers it (tests/unit/layout_check.c).  A broken promise aborts.
 *
 * The input: byte 0 chooses the form (bit 0 clear: a raw image; set: a recipe), bytes 1-8
 * are nr_pages (little-endian), the rest is the image or the recipe.  A recipe (read by
 * build_image below; tests/fuzz/elf_seeds.py writes the seeds) describes an image for
 * tests/unit/elf_image.c to build, so that the fuzzer reaches the layout with consistent
 * notes as easily as it reaches each refusal.
 *
 * Trust: the input is a guest kernel image and a dom0_mem, as untrusted as the loader's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/elfnote.h>
#include <public/features.h>
#include "elfnote.h"
#include "dom0_layout.h"
#include "elf_image.h"
#include "layout_check.h"
#include "log_capture.h"

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz-elfnote: %s\n", what);
        abort();
    }
}

/* --- reading the input ---------------------------------------------------------------------- */

struct input {
    const uint8_t *data;
    size_t size, at;
};

/* The next n (<= 8) bytes as a little-endian number; zeros past the end. */
static uint64_t take(struct input *in, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++, in->at++)
        if (in->at < in->size)
            v |= (uint64_t)in->data[in->at] << (8 * i);
    return v;
}

/* --- the recipe ----------------------------------------------------------------------------- */

/* The numeric notes a recipe can give, in the order of its flag bits and values. */
static const uint32_t numeric_types[] = {
    XEN_ELFNOTE_VIRT_BASE, XEN_ELFNOTE_PADDR_OFFSET, XEN_ELFNOTE_ENTRY,
    XEN_ELFNOTE_HYPERCALL_PAGE, XEN_ELFNOTE_SUPPORTED_FEATURES,
};
enum { VIRT_BASE, PADDR_OFFSET, ENTRY, HYPERCALL_PAGE, SUPPORTED_FEATURES, NR_NUMERIC };
/* The string notes, in recipe order. */
static const uint32_t string_types[] = {
    XEN_ELFNOTE_GUEST_OS, XEN_ELFNOTE_XEN_VERSION, XEN_ELFNOTE_LOADER, XEN_ELFNOTE_PAE_MODE,
    XEN_ELFNOTE_FEATURES,
};

/* Recipe flags (16 bits): bits 0-4 numeric note present, bits 5-9 that note in 4 bytes
 * (else 8), then: */
#define R_ENTRY_INSIDE     (1U << 10)   /* ENTRY = kernel start + (value mod its size) */
#define R_HYPERCALL_INSIDE (1U << 11)   /* HYPERCALL_PAGE likewise, page aligned */
#define R_IN_SECTION       (1U << 12)   /* notes in an SHT_NOTE section, no PT_NOTE */
#define R_TWO_SEGMENTS     (1U << 13)   /* a second PT_LOAD */
#define R_BASE_ALIGNED     (1U << 14)   /* VIRT_BASE rounded down to a page */

/* Append a note if it fits in the area [.., end); false if it does not. */
static bool add_note(uint64_t *at, uint64_t end, uint32_t type, const void *desc, uint32_t len)
{
    if (*at + 16 + ((len + 3ULL) & ~3ULL) > end)
        return false;
    xen_note(at, type, desc, len);
    return true;
}

/*
 * After the flags: the five numbers (8 bytes each), e_entry (8), each PT_LOAD's paddr (8),
 * memsz (8), filesz (2) and offset (2), then the five strings (a length byte, 255 for no
 * note, and the descriptor's bytes as they are), then any further notes (type, length,
 * bytes) to the end of the input.
 */
static void build_image(struct input *in)
{
    unsigned flags = (unsigned)take(in, 2);
    uint64_t num[NR_NUMERIC];

    for (unsigned i = 0; i < NR_NUMERIC; i++)
        num[i] = take(in, 8);
    base_image();
    eh->e_entry = take(in, 8);
    eh->e_phnum = flags & R_TWO_SEGMENTS ? 3 : 2;
    for (unsigned i = 0; i < eh->e_phnum; i += 2) {
        *ph(i) = (struct elf64_phdr){ .p_type = PT_LOAD, .p_align = 4096 };
        ph(i)->p_paddr = take(in, 8);
        ph(i)->p_memsz = take(in, 8);
        ph(i)->p_filesz = take(in, 2);
        ph(i)->p_offset = take(in, 2);
    }

    /* Where the parser will put the kernel, for the notes that must point into it. */
    uint64_t base = flags & 1 ? num[VIRT_BASE] : 0, offset = flags & 2 ? num[PADDR_OFFSET] : 0;
    if (flags & R_BASE_ALIGNED)
        num[VIRT_BASE] = base &= ~0xfffULL;
    uint64_t pstart = UINT64_MAX, pend = 0;
    for (unsigned i = 0; i < eh->e_phnum; i += 2) {
        if (ph(i)->p_memsz == 0)
            continue;
        pstart = ph(i)->p_paddr < pstart ? ph(i)->p_paddr : pstart;
        pend = ph(i)->p_paddr + ph(i)->p_memsz > pend ? ph(i)->p_paddr + ph(i)->p_memsz : pend;
    }
    uint64_t kstart = pstart + base - offset, span = pend - pstart;
    if ((flags & R_ENTRY_INSIDE) && span)
        num[ENTRY] = kstart + num[ENTRY] % span;
    if ((flags & R_HYPERCALL_INSIDE) && span)
        num[HYPERCALL_PAGE] = kstart + ((num[HYPERCALL_PAGE] % span) & ~0xfffULL);

    uint64_t at = flags & R_IN_SECTION ? SNOTES : NOTES;
    uint64_t end = flags & R_IN_SECTION ? IMAGE : SHDRS;
    bool room = true;
    for (unsigned i = 0; i < NR_NUMERIC && room; i++)
        if (flags & (1U << i))
            room = add_note(&at, end, numeric_types[i], &num[i], flags & (32U << i) ? 4 : 8);
    for (unsigned i = 0; i < sizeof(string_types) / sizeof(string_types[0]) && room; i++) {
        uint8_t desc[255];
        unsigned len = (unsigned)take(in, 1);
        if (len == 255)
            continue;
        for (unsigned j = 0; j < len; j++)
            desc[j] = (uint8_t)take(in, 1);
        room = add_note(&at, end, string_types[i], desc, len);
    }
    while (room && in->at < in->size) {
        uint8_t desc[255];
        uint32_t type = (uint32_t)take(in, 1);
        unsigned len = (unsigned)take(in, 1);
        for (unsigned j = 0; j < len; j++)
            desc[j] = (uint8_t)take(in, 1);
        room = add_note(&at, end, type, desc, len);
    }

    uint64_t first = flags & R_IN_SECTION ? SNOTES : NOTES;
    if (flags & R_IN_SECTION) {
        *ph(1) = (struct elf64_phdr){ .p_type = 6 };
        eh->e_shoff = SHDRS;
        eh->e_shnum = 1;
        *sh(0) = (struct elf64_shdr){ .sh_type = SHT_NOTE, .sh_offset = first,
                                      .sh_size = at - first };
    } else {
        ph(1)->p_filesz = at - first;
    }
}

/* --- the promises --------------------------------------------------------------------------- */

/* What a kernel may require (docs/abi.md), written here rather than read from the parser. */
#define OFFERED ((1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_pae_pgdir_above_4gb) | \
                 (1U << XENFEAT_dom0))

static bool printable_string(const char *s, size_t size)
{
    size_t len = strnlen(s, size);

    if (len == size)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            return false;
    return true;
}

static void check_notes(const struct xen_parms *p)
{
    check(printable_string(p->guest_os, sizeof(p->guest_os)) &&
          printable_string(p->guest_ver, sizeof(p->guest_ver)) &&
          printable_string(p->xen_ver, sizeof(p->xen_ver)) &&
          printable_string(p->loader, sizeof(p->loader)) &&
          printable_string(p->pae, sizeof(p->pae)) &&
          printable_string(p->features, sizeof(p->features)),
          "a note string kept is not printable and terminated");
    check(strncmp(p->xen_ver, "xen-3.0", 7) == 0, "accepted without XEN_VERSION xen-3.0");
    check(strncmp(p->loader, "generic", 7) == 0 || strncmp(p->guest_os, "linux", 5) == 0,
          "accepted without LOADER generic or GUEST_OS linux");
    check(!(p->f_required & ~OFFERED), "accepted a feature pvx does not offer");
    check(!(p->f_required & ~p->f_supported), "a required feature is not supported");
    check(!p->has_supported_features || (p->f_supported & (1U << XENFEAT_dom0)),
          "accepted SUPPORTED_FEATURES without dom0");
    check(!(p->virt_base & 0xfff), "accepted an unaligned VIRT_BASE");
    check(p->virt_base <= p->virt_kstart && p->virt_kstart < p->virt_kend,
          "the kernel is not a non-empty range above VIRT_BASE");
    check(p->virt_kend - p->virt_kstart == p->pend - p->pstart,
          "the kernel's virtual and physical spans differ");
    check(p->virt_entry >= p->virt_kstart && p->virt_entry < p->virt_kend,
          "the entry is outside the kernel");
    check(p->virt_hypercall == ELFNOTE_UNSET ||
          (!(p->virt_hypercall & 0xfff) && p->virt_hypercall >= p->virt_kstart &&
           p->virt_hypercall < p->virt_kend),
          "the hypercall page is not a page inside the kernel");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size, 0 };
    struct xen_parms p;
    struct dom0_layout l;
    const char *err;

    if (size < 9)
        return 0;
    bool recipe = take(&in, 1) & 1;
    uint64_t nr_pages = take(&in, 8);
    /* The high half is the initrd's length (up to 4 GiB), the low half the domain's size:
     * the seeds' layout stays as it was. */
    uint64_t initrd_len = nr_pages >> 32;
    nr_pages &= 0xffffffffu;
    if (recipe) {
        build_image(&in);
        err = open_image();
    } else {
        err = open_bytes(data + in.at, size - in.at);
    }
    log_reset();
    if (err == NULL)
        err = elfnote_parse_kernel(&img, &p);
    if (err == NULL) {
        check_notes(&p);
        err = dom0_layout_compute(&p, nr_pages, initrd_len, &l);
        if (err == NULL) {
            const char *broken = layout_check(&p, nr_pages, &l);
            check(broken == NULL, broken ? broken : "");
            dom0_layout_print(&l, &p);
        }
    }
    check(log_printable(), "the host log holds a byte that is not printable");
    return 0;
}
