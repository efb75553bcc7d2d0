/*
 * Unit tests of the Xen ELF-note parser (host/elfnote.c, elfnote_parse_kernel): the notes of a
 * PV kernel, which the guest's author controls entirely, read into struct xen_parms and
 * checked as Xen's libelf checks them (elf_xen_parse).  Images are built by elf_image.c and
 * read from heap blocks of exactly their size; the log is captured (log_capture.c) so the
 * tests see every line a kernel image can make the host print.  Covered: every note type in
 * its string or 4/8-byte numeric form, the defaults of absent notes, FEATURES and
 * SUPPORTED_FEATURES, every refusal, note strings bounded and made printable, and the PAE
 * rule of the start_info magic (elfnote_pae).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <public/elfnote.h>
#include <public/features.h>
#include "elfnote.h"
#include "elf_image.h"
#include "log_capture.h"

#define VIRT_BASE   0xffffffff80000000ULL
#define KERNEL_SIZE 0x4000ULL                   /* base_image()'s file, plus bss */
#define KSTART      (VIRT_BASE + IMAGE_PADDR)   /* == IMAGE_VADDR */
#define KEND        (KSTART + KERNEL_SIZE)
#define ENTRY       (KSTART + 0x100)
#define HYPERCALL   (KSTART + 0x1000)
#define F(name)     (1U << XENFEAT_##name)

/* The notes the next parse() writes, in order: each a descriptor of len bytes. */
struct note {
    uint32_t type, len;
    uint8_t desc[320];
};
static struct note notes[20];
static unsigned nr_notes;
static struct xen_parms p;

static struct note *find(uint32_t type)
{
    for (unsigned i = 0; i < nr_notes; i++)
        if (notes[i].type == type)
            return &notes[i];
    return NULL;
}

/* Set the note of `type` (added at the end if there is none) to `len` raw bytes. */
static void set_raw(uint32_t type, const void *desc, uint32_t len)
{
    struct note *n = find(type);

    if (n == NULL) {
        assert_true(nr_notes < sizeof(notes) / sizeof(notes[0]));
        n = &notes[nr_notes++];
    }
    assert_true(len <= sizeof(n->desc));
    n->type = type;
    n->len = len;
    memcpy(n->desc, desc, len);
}

static void set_str(uint32_t type, const char *s) { set_raw(type, s, strlen(s) + 1); }

/* A number of `width` bytes, little-endian (widths other than 4 and 8 are refused). */
static void set_num(uint32_t type, uint64_t v, uint32_t width)
{
    uint8_t b[16] = { 0 };

    assert_true(width <= sizeof(b));
    memcpy(b, &v, width < 8 ? width : 8);
    set_raw(type, b, width);
}

static void drop(uint32_t type)
{
    struct note *n = find(type);

    if (n != NULL)
        *n = notes[--nr_notes];
}

/* The notes of pvx's own guest (guest/arch/x86/notes.S), for base_image()'s kernel. */
static void guest_notes(void)
{
    nr_notes = 0;
    set_str(XEN_ELFNOTE_GUEST_OS, "pvx-guest");
    set_str(XEN_ELFNOTE_GUEST_VERSION, "0.1");
    set_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    set_str(XEN_ELFNOTE_LOADER, "generic");
    set_num(XEN_ELFNOTE_VIRT_BASE, VIRT_BASE, 8);
    set_num(XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    set_num(XEN_ELFNOTE_ENTRY, ENTRY, 8);
    set_num(XEN_ELFNOTE_HYPERCALL_PAGE, HYPERCALL, 8);
    set_str(XEN_ELFNOTE_PAE_MODE, "yes");
    set_str(XEN_ELFNOTE_FEATURES, "pae_pgdir_above_4gb|dom0");
    set_num(XEN_ELFNOTE_SUPPORTED_FEATURES, F(dom0), 4);
    set_num(XEN_ELFNOTE_PHYS32_ENTRY, 0x100200, 8);
}

/* Write the notes into the PT_NOTE segment, open the image and parse it. */
static const char *parse(void)
{
    uint64_t at = NOTES;

    for (unsigned i = 0; i < nr_notes; i++)
        xen_note(&at, notes[i].type, notes[i].desc, notes[i].len);
    ph(1)->p_filesz = at - NOTES;
    assert_null(open_image());
    log_reset();
    const char *err = elfnote_parse_kernel(&img, &p);
    assert_false(log_overflowed());
    assert_true(log_printable());
    return err;
}

/* The parse was refused, for this reason. */
#define assert_refused(call, why) do {                                                  \
        const char *err_ = (call);                                                      \
        assert_non_null(err_);                                                          \
        assert_string_equal(err_, why);                                                 \
    } while (0)

static int setup(void **state)
{
    (void)state;
    base_image();
    ph(0)->p_memsz = KERNEL_SIZE;
    guest_notes();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free_image();
    return 0;
}

/* --- every note read ---------------------------------------------------------------------- */

static void guest_notes_read(void **state)
{
    (void)state;
    assert_null(parse());
    assert_string_equal(p.guest_os, "pvx-guest");
    assert_string_equal(p.guest_ver, "0.1");
    assert_string_equal(p.xen_ver, "xen-3.0");
    assert_string_equal(p.loader, "generic");
    assert_string_equal(p.pae, "yes");
    assert_string_equal(p.features, "pae_pgdir_above_4gb|dom0");
    assert_int_equal(p.virt_base, VIRT_BASE);
    assert_int_equal(p.elf_paddr_offset, 0);
    assert_int_equal(p.virt_entry, ENTRY);
    assert_int_equal(p.virt_hypercall, HYPERCALL);
    assert_int_equal(p.f_supported, F(pae_pgdir_above_4gb) | F(dom0));
    assert_int_equal(p.f_required, 0);
    assert_true(p.has_supported_features);
    assert_int_equal(p.nr_notes, 12);               /* PHYS32_ENTRY counted, not used */
    assert_int_equal(p.pstart, IMAGE_PADDR);
    assert_int_equal(p.pend, IMAGE_PADDR + KERNEL_SIZE);
    assert_int_equal(p.virt_offset, VIRT_BASE);
    assert_int_equal(p.virt_kstart, KSTART);
    assert_int_equal(p.virt_kend, KEND);
    assert_true(elfnote_pae(&p));
    assert_non_null(strstr(log_text(), "pvx: ELF: GUEST_OS \"pvx-guest\" GUEST_VERSION \"0.1\" "
                           "XEN_VERSION \"xen-3.0\" LOADER \"generic\" PAE_MODE \"yes\"\n"));
    assert_non_null(strstr(log_text(), "pvx: ELF: FEATURES \"pae_pgdir_above_4gb|dom0\"\n"));
}

/* Each numeric note in its 4-byte form: zero-extended, never sign-extended. */
static void numbers_in_four_bytes(void **state)
{
    (void)state;
    ph(0)->p_paddr = 0x100000;
    set_num(XEN_ELFNOTE_VIRT_BASE, 0x80000000, 4);
    set_num(XEN_ELFNOTE_PADDR_OFFSET, 0x1000, 4);
    set_num(XEN_ELFNOTE_ENTRY, 0x800ff100, 4);
    set_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0x80101000, 4);
    set_num(XEN_ELFNOTE_SUPPORTED_FEATURES, F(dom0) | F(writable_page_tables), 4);
    assert_null(parse());
    assert_int_equal(p.virt_base, 0x80000000);
    assert_int_equal(p.elf_paddr_offset, 0x1000);
    assert_int_equal(p.virt_offset, 0x80000000 - 0x1000);
    assert_int_equal(p.virt_kstart, 0x800ff000);
    assert_int_equal(p.virt_kend, 0x800ff000 + KERNEL_SIZE);
    assert_int_equal(p.virt_entry, 0x800ff100);
    assert_int_equal(p.virt_hypercall, 0x80101000);
    assert_int_equal(p.f_supported, F(dom0) | F(writable_page_tables) | F(pae_pgdir_above_4gb));
}

/* SUPPORTED_FEATURES in 8 bytes: its first 32-bit word is the bitmap (Xen reads it as an
 * array of 32-bit words, and has one); bits above do not leak in. */
static void supported_features_in_eight_bytes(void **state)
{
    (void)state;
    set_str(XEN_ELFNOTE_FEATURES, "");
    set_num(XEN_ELFNOTE_SUPPORTED_FEATURES,
            0xffffffff00000000ULL | F(dom0) | F(hvm_safe_pvclock), 8);
    assert_null(parse());
    assert_int_equal(p.f_supported, F(dom0) | F(hvm_safe_pvclock));
}

/* Numbers must be 4 or 8 bytes (Xen would also take 1 and 2; no kernel writes them). */
static void numeric_note_sizes_refused(void **state)
{
    (void)state;
    static const uint32_t types[] = { XEN_ELFNOTE_ENTRY, XEN_ELFNOTE_VIRT_BASE,
                                      XEN_ELFNOTE_PADDR_OFFSET, XEN_ELFNOTE_HYPERCALL_PAGE,
                                      XEN_ELFNOTE_SUPPORTED_FEATURES };
    static const uint32_t widths[] = { 0, 1, 2, 3, 5, 7, 9, 16 };
    for (unsigned t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        for (unsigned w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            guest_notes();
            set_num(types[t], 0, widths[w]);
            assert_refused(parse(), "numeric Xen note with a size other than 4 or 8");
        }
    }
}

/* Without ENTRY the entry is e_entry; without VIRT_BASE and PADDR_OFFSET both are 0 (the
 * notes interface's defaults, docs/abi.md); without HYPERCALL_PAGE there is none; without
 * SUPPORTED_FEATURES dom0 is not asked about. */
static void defaults_when_absent(void **state)
{
    (void)state;
    drop(XEN_ELFNOTE_ENTRY);
    drop(XEN_ELFNOTE_VIRT_BASE);
    drop(XEN_ELFNOTE_PADDR_OFFSET);
    drop(XEN_ELFNOTE_HYPERCALL_PAGE);
    drop(XEN_ELFNOTE_SUPPORTED_FEATURES);
    drop(XEN_ELFNOTE_FEATURES);
    eh->e_entry = IMAGE_PADDR + 0x180;
    assert_null(parse());
    assert_int_equal(p.virt_base, 0);
    assert_int_equal(p.elf_paddr_offset, 0);
    assert_int_equal(p.virt_entry, IMAGE_PADDR + 0x180);
    assert_int_equal(p.virt_hypercall, ELFNOTE_UNSET);
    assert_int_equal(p.virt_kstart, IMAGE_PADDR);
    assert_int_equal(p.virt_kend, IMAGE_PADDR + KERNEL_SIZE);
    assert_false(p.has_supported_features);
    assert_int_equal(p.f_supported, 0);
    assert_int_equal(p.f_required, 0);
    assert_string_equal(p.features, "");
    assert_null(strstr(log_text(), "FEATURES"));     /* no FEATURES line when there are none */
}

/* PADDR_OFFSET makes sense only against a VIRT_BASE: one without the other is refused, as
 * Xen refuses it ("ELF_PADDR_OFFSET set, VIRT_BASE unset"). */
static void paddr_offset_without_virt_base_refused(void **state)
{
    (void)state;
    drop(XEN_ELFNOTE_VIRT_BASE);
    assert_refused(parse(), "PADDR_OFFSET without VIRT_BASE");
    set_num(XEN_ELFNOTE_PADDR_OFFSET, 0, 4);
    assert_refused(parse(), "PADDR_OFFSET without VIRT_BASE");
}

/* ENTRY given: e_entry is not looked at, even when it lies outside the kernel. */
static void entry_note_overrides_e_entry(void **state)
{
    (void)state;
    eh->e_entry = 0;
    assert_null(parse());
    assert_int_equal(p.virt_entry, ENTRY);
}

/* Quirk: a number of all ones reads as no note at all (ELFNOTE_UNSET, Xen's UNSET_ADDR): an
 * ENTRY of ~0 means e_entry, a VIRT_BASE of ~0 means 0, a HYPERCALL_PAGE of ~0 means none. */
static void all_ones_reads_as_absent(void **state)
{
    (void)state;
    set_num(XEN_ELFNOTE_ENTRY, UINT64_MAX, 8);
    eh->e_entry = ENTRY + 0x20;
    set_num(XEN_ELFNOTE_HYPERCALL_PAGE, UINT64_MAX, 8);
    assert_null(parse());
    assert_int_equal(p.virt_entry, ENTRY + 0x20);
    assert_int_equal(p.virt_hypercall, ELFNOTE_UNSET);
    set_num(XEN_ELFNOTE_VIRT_BASE, UINT64_MAX, 8);
    set_num(XEN_ELFNOTE_PADDR_OFFSET, UINT64_MAX, 8);
    eh->e_entry = IMAGE_PADDR;
    assert_null(parse());
    assert_int_equal(p.virt_base, 0);
    assert_int_equal(p.elf_paddr_offset, 0);
    assert_int_equal(p.virt_kstart, IMAGE_PADDR);
}

/* A note given twice: the later one counts (as in Xen, which assigns in order). */
static void later_note_wins(void **state)
{
    (void)state;
    uint64_t at = NOTES;
    uint64_t first = ENTRY + 0x10;

    for (unsigned i = 0; i < nr_notes; i++)
        xen_note(&at, notes[i].type, notes[i].desc, notes[i].len);
    xen_note(&at, XEN_ELFNOTE_ENTRY, &first, 8);
    ph(1)->p_filesz = at - NOTES;
    assert_null(open_image());
    assert_null(elfnote_parse_kernel(&img, &p));
    assert_int_equal(p.virt_entry, ENTRY + 0x10);
}

/* Notes of other owners and of unknown Xen types are passed over. */
static void other_notes_ignored(void **state)
{
    (void)state;
    uint64_t at = NOTES;
    uint64_t wrong = 0x1234;

    put_note(&at, 4, "GNU", 4, XEN_ELFNOTE_ENTRY, 8, &wrong, 8);
    put_note(&at, 4, "XEN", 4, XEN_ELFNOTE_VIRT_BASE, 8, &wrong, 8);
    put_note(&at, 5, "Xen2", 5, XEN_ELFNOTE_HYPERCALL_PAGE, 8, &wrong, 8);
    xen_note(&at, 0x4242, &wrong, 8);
    for (unsigned i = 0; i < nr_notes; i++)
        xen_note(&at, notes[i].type, notes[i].desc, notes[i].len);
    ph(1)->p_filesz = at - NOTES;
    assert_null(open_image());
    assert_null(elfnote_parse_kernel(&img, &p));
    assert_int_equal(p.virt_entry, ENTRY);
    assert_int_equal(p.virt_base, VIRT_BASE);
    assert_int_equal(p.virt_hypercall, HYPERCALL);
    assert_int_equal(p.nr_notes, 13);               /* ours and the unknown Xen type */
}

/* Without a PT_NOTE segment the notes of SHT_NOTE sections are used. */
static void notes_from_a_section(void **state)
{
    (void)state;
    uint64_t at = SNOTES;

    for (unsigned i = 0; i < nr_notes; i++)
        xen_note(&at, notes[i].type, notes[i].desc, notes[i].len);
    ph(1)->p_type = 6;                  /* PT_PHDR */
    eh->e_shoff = SHDRS;
    eh->e_shnum = 1;
    *sh(0) = (struct elf64_shdr){ .sh_type = SHT_NOTE, .sh_offset = SNOTES,
                                  .sh_size = at - SNOTES };
    assert_null(open_image());
    assert_null(elfnote_parse_kernel(&img, &p));
    assert_int_equal(p.virt_entry, ENTRY);
    assert_string_equal(p.guest_os, "pvx-guest");
}

/* A second parse starts from nothing: no field of the first survives. */
static void parse_starts_from_nothing(void **state)
{
    (void)state;
    assert_null(parse());
    drop(XEN_ELFNOTE_HYPERCALL_PAGE);
    drop(XEN_ELFNOTE_FEATURES);
    drop(XEN_ELFNOTE_SUPPORTED_FEATURES);
    drop(XEN_ELFNOTE_GUEST_VERSION);
    assert_null(parse());
    assert_int_equal(p.virt_hypercall, ELFNOTE_UNSET);
    assert_int_equal(p.f_supported, 0);
    assert_false(p.has_supported_features);
    assert_string_equal(p.guest_ver, "");
    assert_int_equal(p.nr_notes, 8);
}

/* --- note strings ------------------------------------------------------------------------- */

/* Strings are cut to their field (31 characters and the NUL); FEATURES keeps 255. */
static void strings_bounded(void **state)
{
    (void)state;
    char long_os[80], long_features[300];

    memset(long_os, 'a', sizeof(long_os) - 1);
    long_os[sizeof(long_os) - 1] = '\0';
    memcpy(long_os, "linux", 5);
    set_str(XEN_ELFNOTE_GUEST_OS, long_os);
    set_str(XEN_ELFNOTE_GUEST_VERSION, long_os);
    snprintf(long_features, sizeof(long_features), "%0280d", 0);
    memcpy(long_features, "dom0|", 5);
    long_features[5] = '|';
    set_str(XEN_ELFNOTE_FEATURES, long_features);
    drop(XEN_ELFNOTE_SUPPORTED_FEATURES);
    assert_null(parse());
    assert_int_equal(strlen(p.guest_os), sizeof(p.guest_os) - 1);
    assert_memory_equal(p.guest_os, long_os, sizeof(p.guest_os) - 1);
    assert_int_equal(strlen(p.guest_ver), sizeof(p.guest_ver) - 1);
    assert_int_equal(strlen(p.features), sizeof(p.features) - 1);
    assert_memory_equal(p.features, long_features, sizeof(p.features) - 1);
    assert_int_equal(p.f_supported, F(dom0));
}

/* A string ends at its first NUL, or at the end of its descriptor if it has none. */
static void strings_end_at_nul_or_descriptor(void **state)
{
    (void)state;
    set_raw(XEN_ELFNOTE_GUEST_OS, "pvx\0hidden", 11);
    set_raw(XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 7);             /* no NUL */
    set_raw(XEN_ELFNOTE_LOADER, "generic-unterminated", 20);
    set_raw(XEN_ELFNOTE_PAE_MODE, "", 0);
    assert_null(parse());
    assert_string_equal(p.guest_os, "pvx");
    assert_string_equal(p.xen_ver, "xen-3.0");
    assert_string_equal(p.loader, "generic-unterminated");
    assert_string_equal(p.pae, "");
}

/* Note strings end up in the host log: every byte outside printable ASCII becomes '?', so
 * an image can neither start a forged log line nor send terminal escapes. */
static void strings_made_printable(void **state)
{
    (void)state;
    set_str(XEN_ELFNOTE_GUEST_OS, "os\npvx: forged line");
    set_str(XEN_ELFNOTE_GUEST_VERSION, "\x1b[2J\x1b]0;t\x07");
    set_str(XEN_ELFNOTE_LOADER, "generic\r\t\x7f\x80\xff");
    set_str(XEN_ELFNOTE_FEATURES, "dom0|evil\x1b[31m|\nx");
    assert_null(parse());
    assert_string_equal(p.guest_os, "os?pvx: forged line");
    assert_string_equal(p.guest_ver, "?[2J?]0;t?");
    assert_string_equal(p.loader, "generic?????");
    assert_string_equal(p.features, "dom0|evil?[31m|?x");
    /* parse() checked that the log holds nothing but printable text and line ends; and no
     * line but the host's own starts a line. */
    assert_null(strstr(log_text(), "\npvx: forged"));
    assert_non_null(strstr(log_text(), "unknown feature 'evil?[31m', ignored"));
    assert_non_null(strstr(log_text(), "unknown feature '?x', ignored"));
}

/* --- FEATURES and SUPPORTED_FEATURES ------------------------------------------------------ */

/* What a kernel may require: exactly writable_page_tables, pae_pgdir_above_4gb and dom0. */
static void offered_features(void **state)
{
    (void)state;
    assert_int_equal(elfnote_features_offered,
                     F(writable_page_tables) | F(pae_pgdir_above_4gb) | F(dom0));
    set_str(XEN_ELFNOTE_FEATURES, "!writable_page_tables|!pae_pgdir_above_4gb|!dom0");
    set_num(XEN_ELFNOTE_SUPPORTED_FEATURES, F(dom0), 4);
    assert_null(parse());
    assert_int_equal(p.f_required, F(writable_page_tables) | F(pae_pgdir_above_4gb) | F(dom0));
    assert_int_equal(p.f_supported, p.f_required);
}

/* Every name Xen knows, as supported: all accepted, each its own bit. */
static void supported_feature_names(void **state)
{
    (void)state;
    set_str(XEN_ELFNOTE_FEATURES, "writable_page_tables|writable_descriptor_tables|"
            "auto_translated_physmap|supervisor_mode_kernel|pae_pgdir_above_4gb|"
            "hvm_callback_vector|dom0");
    assert_null(parse());
    assert_int_equal(p.f_supported, F(writable_page_tables) | F(writable_descriptor_tables) |
                     F(auto_translated_physmap) | F(supervisor_mode_kernel) |
                     F(pae_pgdir_above_4gb) | F(hvm_callback_vector) | F(dom0));
    assert_int_equal(p.f_required, 0);
}

/* A known feature pvx does not give, required: refused, whichever it is. */
static void required_features_not_offered_refused(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "!auto_translated_physmap", "!writable_descriptor_tables",
        "!supervisor_mode_kernel", "!hvm_callback_vector", "dom0|!auto_translated_physmap",
    };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        guest_notes();
        set_str(XEN_ELFNOTE_FEATURES, refused[i]);
        assert_refused(parse(), "the kernel requires features pvx does not offer");
    }
}

/* Names are matched whole: an unknown one is logged and ignored, or refused if required. */
static void unknown_feature_names(void **state)
{
    (void)state;
    set_str(XEN_ELFNOTE_FEATURES, "made_up|dom|dom0x|DOM0|||dom0|");
    assert_null(parse());
    assert_int_equal(p.f_supported, F(dom0));
    assert_non_null(strstr(log_text(), "pvx: ELF: unknown feature 'made_up', ignored\n"));
    assert_non_null(strstr(log_text(), "pvx: ELF: unknown feature 'dom', ignored\n"));
    assert_non_null(strstr(log_text(), "pvx: ELF: unknown feature 'dom0x', ignored\n"));
    assert_non_null(strstr(log_text(), "pvx: ELF: unknown feature 'DOM0', ignored\n"));

    static const char *const refused[] = { "!made_up", "dom0|!dom0x", "!", "!!dom0" };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        guest_notes();
        set_str(XEN_ELFNOTE_FEATURES, refused[i]);
        assert_refused(parse(), "the kernel requires a feature pvx does not know");
        assert_non_null(strstr(log_text(), "' required\n"));
    }
}

/* SUPPORTED_FEATURES, when present, must include dom0 (Xen 4.17 refuses such a dom0 too);
 * FEATURES "dom0" or "!dom0" counts as support, as in Xen. */
static void supported_features_without_dom0_refused(void **state)
{
    (void)state;
    set_str(XEN_ELFNOTE_FEATURES, "pae_pgdir_above_4gb");
    set_num(XEN_ELFNOTE_SUPPORTED_FEATURES, F(writable_page_tables), 4);
    assert_refused(parse(), "the kernel does not support running as dom0");
    set_num(XEN_ELFNOTE_SUPPORTED_FEATURES, 0, 8);
    assert_refused(parse(), "the kernel does not support running as dom0");

    set_str(XEN_ELFNOTE_FEATURES, "dom0");
    assert_null(parse());
    set_str(XEN_ELFNOTE_FEATURES, "!dom0");         /* required is supported too */
    assert_null(parse());
    drop(XEN_ELFNOTE_SUPPORTED_FEATURES);
    set_str(XEN_ELFNOTE_FEATURES, "");
    assert_null(parse());                           /* no note: not asked */
}

/* --- refusals of the notes ------------------------------------------------------------------ */

static void no_xen_notes_refused(void **state)
{
    (void)state;
    nr_notes = 0;
    assert_refused(parse(), "no Xen ELF notes: not a Xen PV kernel");

    uint64_t at = NOTES;
    put_note(&at, 4, "GNU", 4, 3, 4, "abcd", 4);
    ph(1)->p_filesz = at - NOTES;
    assert_null(open_image());
    assert_refused(elfnote_parse_kernel(&img, &p), "no Xen ELF notes: not a Xen PV kernel");
}

/* The ELF reader's refusal of a note area comes back as it is. */
static void note_walk_refusal_returned(void **state)
{
    (void)state;
    assert_null(parse());
    ph(1)->p_filesz = IMAGE;
    assert_null(open_image());
    assert_refused(elfnote_parse_kernel(&img, &p), "note area outside the file");
}

static void xen_version_checked(void **state)
{
    (void)state;
    static const char *const refused[] = { "xen-2.0", "xen-3", "Xen-3.0", " xen-3.0", "" };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        set_str(XEN_ELFNOTE_XEN_VERSION, refused[i]);
        assert_refused(parse(), "XEN_VERSION is not \"xen-3.0\"");
    }
    drop(XEN_ELFNOTE_XEN_VERSION);
    assert_refused(parse(), "XEN_VERSION is not \"xen-3.0\"");
    set_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0-x86_64");     /* a prefix match, as Xen */
    assert_null(parse());
}

/* LOADER "generic" or GUEST_OS "linux" (each a prefix match, as Xen's). */
static void loader_or_guest_os_checked(void **state)
{
    (void)state;
    static const char *const why = "neither LOADER \"generic\" nor GUEST_OS \"linux\"";

    set_str(XEN_ELFNOTE_LOADER, "generi");
    assert_refused(parse(), why);
    drop(XEN_ELFNOTE_LOADER);
    assert_refused(parse(), why);
    set_str(XEN_ELFNOTE_GUEST_OS, "linux-6.1");
    assert_null(parse());
    set_str(XEN_ELFNOTE_GUEST_OS, "Linux");
    assert_refused(parse(), why);
    drop(XEN_ELFNOTE_GUEST_OS);
    assert_refused(parse(), why);
    set_str(XEN_ELFNOTE_LOADER, "generic-elf");
    assert_null(parse());
}

/* --- the load segments ---------------------------------------------------------------------- */

static void segments_checked(void **state)
{
    (void)state;
    ph(0)->p_filesz = KERNEL_SIZE + 1;
    assert_refused(parse(), "a PT_LOAD segment has p_filesz > p_memsz");

    base_image();
    ph(0)->p_memsz = KERNEL_SIZE;
    ph(0)->p_offset = 1;                    /* IMAGE bytes from 1: one past the end */
    assert_refused(parse(), "a PT_LOAD segment lies outside the file");
    ph(0)->p_offset = UINT64_MAX;
    ph(0)->p_filesz = 2;
    assert_refused(parse(), "a PT_LOAD segment lies outside the file");

    base_image();
    ph(0)->p_memsz = KERNEL_SIZE;
    ph(0)->p_paddr = UINT64_MAX - KERNEL_SIZE + 2;
    assert_refused(parse(), "a PT_LOAD segment wraps");
    ph(0)->p_paddr = UINT64_MAX - KERNEL_SIZE + 1;  /* ends exactly at 2^64: wraps to 0 */
    assert_refused(parse(), "a PT_LOAD segment wraps");
}

static void no_load_segment_refused(void **state)
{
    (void)state;
    ph(0)->p_type = 6;
    assert_refused(parse(), "no PT_LOAD segment");
    ph(0)->p_type = PT_LOAD;                /* empty segments do not count */
    ph(0)->p_memsz = 0;
    ph(0)->p_filesz = 0;
    assert_refused(parse(), "no PT_LOAD segment");
}

/* The kernel spans its segments, lowest start to highest end, in any order; empty segments
 * and the gaps between them are not looked at. */
static void kernel_spans_its_segments(void **state)
{
    (void)state;
    eh->e_phnum = 4;
    *ph(2) = (struct elf64_phdr){ .p_type = PT_LOAD, .p_paddr = 0x180000, .p_memsz = 0x1800 };
    *ph(3) = (struct elf64_phdr){ .p_type = PT_LOAD, .p_paddr = 0x10, .p_memsz = 0 };
    ph(0)->p_paddr = 0x120000;
    set_num(XEN_ELFNOTE_ENTRY, VIRT_BASE + 0x181000, 8);
    set_num(XEN_ELFNOTE_HYPERCALL_PAGE, VIRT_BASE + 0x121000, 8);
    assert_null(parse());
    assert_int_equal(p.pstart, 0x120000);
    assert_int_equal(p.pend, 0x181800);
    assert_int_equal(p.virt_kstart, VIRT_BASE + 0x120000);
    assert_int_equal(p.virt_kend, VIRT_BASE + 0x181800);
}

/* --- the kernel's virtual range --------------------------------------------------------------- */

static void virt_base_alignment_checked(void **state)
{
    (void)state;
    set_num(XEN_ELFNOTE_VIRT_BASE, VIRT_BASE + 0x800, 8);
    set_num(XEN_ELFNOTE_PADDR_OFFSET, 0x800, 8);    /* the kernel stays where it was */
    assert_refused(parse(), "VIRT_BASE is not page aligned");
    set_num(XEN_ELFNOTE_VIRT_BASE, VIRT_BASE + 1, 8);
    set_num(XEN_ELFNOTE_PADDR_OFFSET, 1, 8);
    assert_refused(parse(), "VIRT_BASE is not page aligned");
    set_num(XEN_ELFNOTE_VIRT_BASE, VIRT_BASE + 0x1000, 8);
    set_num(XEN_ELFNOTE_PADDR_OFFSET, 0x1000, 8);
    assert_null(parse());
    assert_int_equal(p.virt_kstart, KSTART);
}

/* A range that crosses 2^64 wraps; one that ends exactly there does too (its end is 0). */
static void wrapping_range_refused(void **state)
{
    (void)state;
    uint64_t base = 0 - IMAGE_PADDR - 0x2000;       /* kernel from 2^64 - 8 KiB */

    set_num(XEN_ELFNOTE_VIRT_BASE, base, 8);
    set_num(XEN_ELFNOTE_ENTRY, base + IMAGE_PADDR, 8);
    drop(XEN_ELFNOTE_HYPERCALL_PAGE);
    assert_refused(parse(), "the kernel's virtual range wraps around the address space");
    set_num(XEN_ELFNOTE_VIRT_BASE, 0 - IMAGE_PADDR - KERNEL_SIZE, 8);
    set_num(XEN_ELFNOTE_ENTRY, 0 - KERNEL_SIZE, 8);
    assert_refused(parse(), "the kernel's virtual range wraps around the address space");
    set_num(XEN_ELFNOTE_VIRT_BASE, 0 - IMAGE_PADDR - KERNEL_SIZE - 0x1000, 8);
    set_num(XEN_ELFNOTE_ENTRY, 0 - KERNEL_SIZE - 0x1000, 8);
    assert_null(parse());
    assert_int_equal(p.virt_kend, 0 - 0x1000ULL);
}

static void kernel_below_its_base_refused(void **state)
{
    (void)state;
    set_num(XEN_ELFNOTE_PADDR_OFFSET, IMAGE_PADDR + 0x1000, 8);
    assert_refused(parse(), "VIRT_BASE / PADDR_OFFSET put the kernel below its base");
    set_num(XEN_ELFNOTE_PADDR_OFFSET, IMAGE_PADDR, 8);     /* the kernel at VIRT_BASE itself */
    set_num(XEN_ELFNOTE_ENTRY, VIRT_BASE, 8);
    set_num(XEN_ELFNOTE_HYPERCALL_PAGE, VIRT_BASE, 8);
    assert_null(parse());
    assert_int_equal(p.virt_kstart, VIRT_BASE);
}

/* The entry must be inside [kstart, kend) (Xen also takes kend itself, where nothing is). */
static void entry_outside_the_kernel_refused(void **state)
{
    (void)state;
    static const uint64_t refused[] = { KSTART - 1, KEND, KEND + 0x1000, 0, UINT64_MAX - 1 };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        set_num(XEN_ELFNOTE_ENTRY, refused[i], 8);
        assert_refused(parse(), "the entry point is outside the kernel");
    }
    drop(XEN_ELFNOTE_ENTRY);
    eh->e_entry = KEND;
    assert_refused(parse(), "the entry point is outside the kernel");
    eh->e_entry = KEND - 1;
    assert_null(parse());
    set_num(XEN_ELFNOTE_ENTRY, KSTART, 8);
    assert_null(parse());
}

/* The hypercall page: page aligned and inside the kernel. */
static void hypercall_page_outside_the_kernel_refused(void **state)
{
    (void)state;
    static const uint64_t refused[] = { KSTART - 0x1000, KEND, HYPERCALL + 0x800,
                                        HYPERCALL + 8, 0, UINT64_MAX & ~0xfffULL };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        set_num(XEN_ELFNOTE_HYPERCALL_PAGE, refused[i], 8);
        assert_refused(parse(), "HYPERCALL_PAGE is not a page inside the kernel");
    }
    set_num(XEN_ELFNOTE_HYPERCALL_PAGE, KEND - 0x1000, 8);     /* the last page */
    assert_null(parse());
    set_num(XEN_ELFNOTE_HYPERCALL_PAGE, KSTART, 8);
    assert_null(parse());
}

/* --- PAE_MODE and the start_info magic ------------------------------------------------------ */

/* The "p" of "xen-3.0-x86_64p": Xen's rule for the PAE_MODE note, "yes" exactly or any
 * string containing "bimodal"; anything else, or no note, is no PAE. */
static void pae_mode(void **state)
{
    (void)state;
    static const struct { const char *mode; bool pae; } cases[] = {
        { "yes", true }, { "bimodal", true }, { "yes,bimodal", true }, { "no", false },
        { "", false }, { "YES", false }, { "yes[extended-cr3]", false }, { "yes ", false },
        { "maybe", false }, { "bimoda", false },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        set_str(XEN_ELFNOTE_PAE_MODE, cases[i].mode);
        assert_null(parse());
        assert_int_equal(elfnote_pae(&p), cases[i].pae);
    }
    drop(XEN_ELFNOTE_PAE_MODE);
    assert_null(parse());
    assert_false(elfnote_pae(&p));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest note_tests[] = {
        T(guest_notes_read), T(numbers_in_four_bytes), T(supported_features_in_eight_bytes),
        T(numeric_note_sizes_refused), T(defaults_when_absent),
        T(paddr_offset_without_virt_base_refused), T(entry_note_overrides_e_entry),
        T(all_ones_reads_as_absent), T(later_note_wins), T(other_notes_ignored),
        T(notes_from_a_section),
        T(parse_starts_from_nothing), T(strings_bounded), T(strings_end_at_nul_or_descriptor),
        T(strings_made_printable), T(no_xen_notes_refused), T(note_walk_refusal_returned),
        T(xen_version_checked), T(loader_or_guest_os_checked), T(pae_mode),
    };
    const struct CMUnitTest feature_tests[] = {
        T(offered_features), T(supported_feature_names),
        T(required_features_not_offered_refused), T(unknown_feature_names),
        T(supported_features_without_dom0_refused),
    };
    const struct CMUnitTest range_tests[] = {
        T(segments_checked), T(no_load_segment_refused), T(kernel_spans_its_segments),
        T(virt_base_alignment_checked), T(wrapping_range_refused),
        T(kernel_below_its_base_refused), T(entry_outside_the_kernel_refused),
        T(hypercall_page_outside_the_kernel_refused),
    };
#undef T
    int failed = 0;

    failed += cmocka_run_group_tests_name("elfnote notes", note_tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("elfnote features", feature_tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("elfnote kernel range", range_tests, NULL, NULL);
    return failed != 0;
}
