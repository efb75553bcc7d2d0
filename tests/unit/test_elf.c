/*
 * Unit tests of the ELF reader (host/hostlib/elf.c), the first code of the host that guest
 * bytes reach.  Each image is built by elf_image.c, then copied into a heap block of exactly
 * its size, so ASan reports a read of even one byte past the file.  Covered: images that
 * must be accepted (including tables and note areas ending exactly at the end of the file),
 * every refusal of elf_open and of the note walk, counts and offsets chosen to overflow
 * 64-bit arithmetic, and the order and stopping rules of elf_for_each_note.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "elf_image.h"

static int teardown(void **state)
{
    (void)state;
    free_image();
    return 0;
}

/* What the walk delivered: every note's fields, its bytes copied (so ASan checks them). */
#define MAX_SEEN 8
static struct seen {
    char name[16];
    uint32_t namesz, type, descsz;
    uint8_t desc[16];
} seen[MAX_SEEN];
static unsigned nr_seen, stop_at = ~0u;
static const char stop_reason[] = "the callback said stop";

static const char *record(const struct elf_note *n, void *ctx)
{
    assert_ptr_equal(ctx, &img);
    assert_true(nr_seen < MAX_SEEN);
    struct seen *s = &seen[nr_seen++];
    s->namesz = n->namesz;
    s->type = n->type;
    s->descsz = n->descsz;
    assert_true(n->namesz <= sizeof(s->name));
    memcpy(s->name, n->name, n->namesz);
    memcpy(s->desc, n->desc, n->descsz < sizeof(s->desc) ? n->descsz : sizeof(s->desc));
    return nr_seen == stop_at ? stop_reason : NULL;
}

static const char *walk(void)
{
    nr_seen = 0;
    memset(seen, 0, sizeof(seen));
    return elf_for_each_note(&img, record, &img);
}

static int setup(void **state)
{
    (void)state;
    base_image();
    stop_at = ~0u;
    return 0;
}

/* --- elf_open: accepted images ------------------------------------------------------------ */

static void open_accepts_a_valid_image(void **state)
{
    (void)state;
    assert_null(open_image());
    assert_ptr_equal(img.data, copy);
    assert_int_equal(img.size, IMAGE);
    assert_int_equal(elf_phdr(&img, 0)->p_type, PT_LOAD);
    assert_int_equal(elf_phdr(&img, 0)->p_vaddr, 0xffffffff80100000);
    assert_int_equal(elf_phdr(&img, 1)->p_type, PT_NOTE);
    assert_int_equal(elf_phdr(&img, 1)->p_offset, NOTES);
}

/* A program header table that ends exactly at the end of the file is inside it. */
static void open_accepts_tables_ending_at_end_of_file(void **state)
{
    (void)state;
    ph(0)->p_filesz = PHDRS + 2 * sizeof(struct elf64_phdr);
    assert_null(open_first(PHDRS + 2 * sizeof(struct elf64_phdr)));

    base_image();
    eh->e_shoff = IMAGE - 2 * sizeof(struct elf64_shdr);
    eh->e_shnum = 2;
    assert_null(open_image());
}

/* With no sections, e_shoff and e_shentsize are not looked at (strip leaves them stale). */
static void open_ignores_section_fields_without_sections(void **state)
{
    (void)state;
    eh->e_shoff = UINT64_MAX - 3;
    eh->e_shentsize = 1;
    eh->e_shnum = 0;
    assert_null(open_image());
}

/* --- elf_open: refusals --------------------------------------------------------------------- */

static void open_refuses_files_shorter_than_a_header(void **state)
{
    (void)state;
    assert_string_equal(open_first(0), "not an ELF file");
    assert_string_equal(open_first(4), "not an ELF file");
    assert_string_equal(open_first(sizeof(struct elf64_ehdr) - 1), "not an ELF file");
}

static void open_refuses_bad_magic(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 4; i++) {
        base_image();
        buf.b[i] ^= 0x20;
        assert_string_equal(open_image(), "not an ELF file");
    }
}

static void open_refuses_elf32(void **state)
{
    (void)state;
    buf.b[4] = 1;
    assert_string_equal(open_image(), "not a 64-bit ELF (pvx runs x86_64 PV kernels only)");
    buf.b[4] = 0;
    assert_string_equal(open_image(), "not a 64-bit ELF (pvx runs x86_64 PV kernels only)");
}

static void open_refuses_big_endian(void **state)
{
    (void)state;
    buf.b[5] = 2;
    assert_string_equal(open_image(), "not little-endian");
}

static void open_refuses_other_machines(void **state)
{
    (void)state;
    eh->e_machine = 3;      /* i386 */
    assert_string_equal(open_image(), "not an x86_64 ELF");
    eh->e_machine = 183;    /* aarch64 */
    assert_string_equal(open_image(), "not an x86_64 ELF");
}

static void open_refuses_no_program_headers(void **state)
{
    (void)state;
    eh->e_phnum = 0;
    assert_string_equal(open_image(), "bad program header table");
}

static void open_refuses_other_phentsize(void **state)
{
    (void)state;
    eh->e_phentsize = 32;   /* ELF32's */
    assert_string_equal(open_image(), "bad program header table");
    eh->e_phentsize = 64;
    assert_string_equal(open_image(), "bad program header table");
}

static void open_refuses_program_headers_past_the_file(void **state)
{
    (void)state;
    /* One byte short of the table. */
    assert_string_equal(open_first(PHDRS + 2 * sizeof(struct elf64_phdr) - 1),
                        "bad program header table");
    eh->e_phoff = IMAGE;                            /* starts at the end */
    assert_string_equal(open_image(), "bad program header table");
    eh->e_phoff = IMAGE + 4096;                     /* starts beyond it */
    assert_string_equal(open_image(), "bad program header table");
    eh->e_phoff = PHDRS;
    eh->e_phnum = 0xffff;                           /* the largest count: 3.6 MB of table */
    assert_string_equal(open_image(), "bad program header table");
}

/* Offsets that would wrap around 2^64 if added to the table size. */
static void open_refuses_wrapping_program_header_offsets(void **state)
{
    (void)state;
    eh->e_phoff = UINT64_MAX - 55;
    eh->e_phnum = 1;
    assert_string_equal(open_image(), "bad program header table");
    eh->e_phoff = (uint64_t)-64;
    eh->e_phnum = 0xffff;
    assert_string_equal(open_image(), "bad program header table");
}

static void open_refuses_bad_section_headers(void **state)
{
    (void)state;
    eh->e_shoff = SHDRS;
    eh->e_shnum = 1;
    eh->e_shentsize = 40;
    assert_string_equal(open_image(), "bad section header table");
    eh->e_shentsize = sizeof(struct elf64_shdr);
    eh->e_shnum = 0xffff;                           /* huge count */
    assert_string_equal(open_image(), "bad section header table");
    eh->e_shnum = 1;
    eh->e_shoff = IMAGE - sizeof(struct elf64_shdr) + 8;   /* runs past the end */
    assert_string_equal(open_image(), "bad section header table");
    eh->e_shoff = UINT64_MAX - 7;                   /* wraps */
    assert_string_equal(open_image(), "bad section header table");
}

/* Tables must be 8-byte aligned: the reader uses them in place as structures. */
static void open_refuses_misaligned_tables(void **state)
{
    (void)state;
    eh->e_phoff = PHDRS + 4;
    assert_string_equal(open_image(), "misaligned header table");
    eh->e_phoff = PHDRS;
    eh->e_shoff = SHDRS + 1;
    eh->e_shnum = 1;
    assert_string_equal(open_image(), "misaligned header table");
}

/* --- elf_range_ok --------------------------------------------------------------------------- */

static void range_ok_at_the_edges(void **state)
{
    (void)state;
    assert_null(open_image());
    assert_true(elf_range_ok(&img, 0, IMAGE));
    assert_true(elf_range_ok(&img, IMAGE, 0));
    assert_true(elf_range_ok(&img, IMAGE - 1, 1));
    assert_false(elf_range_ok(&img, 0, IMAGE + 1));
    assert_false(elf_range_ok(&img, 1, IMAGE));
    assert_false(elf_range_ok(&img, IMAGE + 1, 0));
    assert_false(elf_range_ok(&img, IMAGE, 1));
    assert_false(elf_range_ok(&img, UINT64_MAX, 1));
    assert_false(elf_range_ok(&img, 1, UINT64_MAX));
    assert_false(elf_range_ok(&img, UINT64_MAX, UINT64_MAX));
}

/* --- elf_for_each_note: what is delivered ----------------------------------------------------- */

static void notes_delivered_in_order_with_padding(void **state)
{
    (void)state;
    uint64_t at = NOTES;
    uint64_t entry = 0xffffffff80101000;
    xen_note(&at, 6, "linux", 6);                   /* 6-byte descriptor, 2 bytes of padding */
    xen_note(&at, 1, &entry, 8);
    put_note(&at, 4, "GNU", 4, 3, 1, "\x42", 1);    /* another owner: delivered too */
    ph(1)->p_filesz = at - NOTES;
    assert_null(open_image());
    assert_null(walk());
    assert_int_equal(nr_seen, 3);
    assert_string_equal(seen[0].name, "Xen");
    assert_int_equal(seen[0].type, 6);
    assert_int_equal(seen[0].descsz, 6);
    assert_string_equal((char *)seen[0].desc, "linux");
    assert_int_equal(seen[1].type, 1);
    assert_int_equal(seen[1].descsz, 8);
    assert_memory_equal(seen[1].desc, &entry, 8);
    assert_string_equal(seen[2].name, "GNU");
    assert_int_equal(seen[2].namesz, 4);
    assert_int_equal(seen[2].desc[0], 0x42);
}

static void notes_from_every_note_segment(void **state)
{
    (void)state;
    uint64_t at = NOTES;
    xen_note(&at, 5, "xen-3.0", 8);
    ph(1)->p_filesz = at - NOTES;
    uint64_t second = at;
    xen_note(&at, 8, "generic", 8);
    eh->e_phnum = 3;
    *ph(2) = (struct elf64_phdr){ .p_type = PT_NOTE, .p_offset = second,
                                  .p_filesz = at - second };
    assert_null(open_image());
    assert_null(walk());
    assert_int_equal(nr_seen, 2);
    assert_int_equal(seen[0].type, 5);
    assert_int_equal(seen[1].type, 8);
}

/* Without PT_NOTE, the SHT_NOTE sections are read (as Xen's libelf does). */
static void notes_from_sections_without_note_segments(void **state)
{
    (void)state;
    uint64_t at = SNOTES;
    xen_note(&at, 9, "yes", 4);
    ph(1)->p_type = 6;                              /* PT_PHDR: not a note segment */
    eh->e_shoff = SHDRS;
    eh->e_shnum = 2;
    *sh(0) = (struct elf64_shdr){ .sh_type = 1 };  /* PROGBITS, skipped */
    *sh(1) = (struct elf64_shdr){ .sh_type = SHT_NOTE, .sh_offset = SNOTES,
                                  .sh_size = at - SNOTES };
    assert_null(open_image());
    assert_null(walk());
    assert_int_equal(nr_seen, 1);
    assert_int_equal(seen[0].type, 9);
    assert_string_equal((char *)seen[0].desc, "yes");
}

/* With a PT_NOTE present the sections are not looked at, even a malformed one. */
static void sections_ignored_when_a_note_segment_exists(void **state)
{
    (void)state;
    uint64_t at = NOTES;
    xen_note(&at, 6, "pvx", 4);
    ph(1)->p_filesz = at - NOTES;
    eh->e_shoff = SHDRS;
    eh->e_shnum = 1;
    *sh(0) = (struct elf64_shdr){ .sh_type = SHT_NOTE, .sh_offset = IMAGE * 2, .sh_size = 12 };
    assert_null(open_image());
    assert_null(walk());
    assert_int_equal(nr_seen, 1);
}

static void no_notes_at_all_is_not_an_error(void **state)
{
    (void)state;
    ph(1)->p_type = 6;
    assert_null(open_image());
    assert_null(walk());
    assert_int_equal(nr_seen, 0);
    /* An empty PT_NOTE: nothing delivered, nothing wrong. */
    ph(1)->p_type = PT_NOTE;
    assert_null(open_image());
    assert_null(walk());
    assert_int_equal(nr_seen, 0);
}

/* A note area that ends exactly at the end of the file is read whole. */
static void note_area_ending_at_end_of_file(void **state)
{
    (void)state;
    uint64_t at = IMAGE - 20;
    xen_note(&at, 6, "abc", 4);                     /* 12 + 4 + 4 = 20 bytes */
    ph(1)->p_offset = IMAGE - 20;
    ph(1)->p_filesz = 20;
    assert_null(open_image());
    assert_null(walk());
    assert_int_equal(nr_seen, 1);
}

/* Unnamed notes and names without their NUL belong to no one: skipped, the walk goes on. */
static void unnamed_and_unterminated_notes_skipped(void **state)
{
    (void)state;
    uint64_t at = NOTES;
    put_note(&at, 0, "", 0, 1, 4, "abcd", 4);
    put_note(&at, 4, "Xenx", 4, 2, 0, "", 0);
    xen_note(&at, 3, "ok", 3);
    ph(1)->p_filesz = at - NOTES;
    assert_null(open_image());
    assert_null(walk());
    assert_int_equal(nr_seen, 1);
    assert_int_equal(seen[0].type, 3);
}

/* Fewer than 12 bytes after the last note cannot hold a header: ignored. */
static void trailing_bytes_ignored(void **state)
{
    (void)state;
    uint64_t at = NOTES;
    xen_note(&at, 7, "x", 1);
    memset(buf.b + at, 0xff, 11);
    ph(1)->p_filesz = at - NOTES + 11;
    assert_null(open_image());
    assert_null(walk());
    assert_int_equal(nr_seen, 1);
}

/* The callback's error ends the walk at once and is returned as it is. */
static void callback_error_stops_the_walk(void **state)
{
    (void)state;
    uint64_t at = NOTES;
    for (uint32_t t = 1; t <= 3; t++)
        xen_note(&at, t, "d", 1);
    ph(1)->p_filesz = at - NOTES;
    stop_at = 2;
    assert_null(open_image());
    assert_ptr_equal(walk(), stop_reason);
    assert_int_equal(nr_seen, 2);
    assert_int_equal(seen[1].type, 2);
}

/* --- elf_for_each_note: refusals ----------------------------------------------------------- */

static void note_area_outside_the_file(void **state)
{
    (void)state;
    static const struct { uint64_t off, len; } bad[] = {
        { IMAGE + 4, 0 },               /* starts past the end */
        { IMAGE - 8, 12 },              /* runs past it */
        { NOTES, UINT64_MAX - 7 },      /* offset + size wraps */
        { UINT64_MAX, 2 },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        base_image();
        ph(1)->p_offset = bad[i].off;
        ph(1)->p_filesz = bad[i].len;
        assert_null(open_image());
        assert_string_equal(walk(), "note area outside the file");
        assert_int_equal(nr_seen, 0);
    }
}

static void section_note_area_outside_the_file(void **state)
{
    (void)state;
    ph(1)->p_type = 6;
    eh->e_shoff = SHDRS;
    eh->e_shnum = 1;
    *sh(0) = (struct elf64_shdr){ .sh_type = SHT_NOTE, .sh_offset = SNOTES,
                                  .sh_size = UINT64_MAX - SNOTES + 1 };
    assert_null(open_image());
    assert_string_equal(walk(), "note area outside the file");
}

static void note_name_past_its_area(void **state)
{
    (void)state;
    static const uint32_t namesz[] = { 5, 0xfffffff0, 0xffffffff };
    for (unsigned i = 0; i < 3; i++) {
        base_image();
        uint64_t at = NOTES;
        xen_note(&at, 1, "good", 4);
        put_note(&at, namesz[i], "Xen", 4, 2, 0, "", 0);   /* 4 bytes there, more claimed */
        ph(1)->p_filesz = at - NOTES;
        assert_null(open_image());
        assert_string_equal(walk(), "note name runs past its area");
        assert_int_equal(nr_seen, 1);                       /* the good one came first */
    }
}

static void note_descriptor_past_its_area(void **state)
{
    (void)state;
    static const uint32_t descsz[] = { 9, 0xfffffff0, 0xffffffff };
    for (unsigned i = 0; i < 3; i++) {
        base_image();
        uint64_t at = NOTES;
        put_note(&at, 4, "Xen", 4, 1, descsz[i], "12345678", 8);
        ph(1)->p_filesz = at - NOTES;
        assert_null(open_image());
        assert_string_equal(walk(), "note descriptor runs past its area");
        assert_int_equal(nr_seen, 0);
    }
}

/* Quirk: a name or a last descriptor whose 4-byte padding is cut off by the end of the area
 * is refused, even though its own bytes are there; every linker pads notes to 4 bytes. */
static void unpadded_name_or_last_descriptor_refused(void **state)
{
    (void)state;
    uint64_t at = NOTES;
    xen_note(&at, 6, "abc", 3);
    ph(1)->p_filesz = at - NOTES - 1;
    assert_null(open_image());
    assert_string_equal(walk(), "note descriptor runs past its area");

    base_image();
    at = NOTES;
    put_note(&at, 3, "ab", 3, 6, 0, "", 0);
    ph(1)->p_filesz = 12 + 3;
    assert_null(open_image());
    assert_string_equal(walk(), "note name runs past its area");
    assert_int_equal(nr_seen, 0);
}

int main(void)
{
    const struct CMUnitTest open_tests[] = {
        cmocka_unit_test_setup_teardown(open_accepts_a_valid_image, setup, teardown),
        cmocka_unit_test_setup_teardown(open_accepts_tables_ending_at_end_of_file, setup, teardown),
        cmocka_unit_test_setup_teardown(open_ignores_section_fields_without_sections, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_files_shorter_than_a_header, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_bad_magic, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_elf32, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_big_endian, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_other_machines, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_no_program_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_other_phentsize, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_program_headers_past_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_wrapping_program_header_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_bad_section_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_misaligned_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(range_ok_at_the_edges, setup, teardown),
    };
    const struct CMUnitTest note_tests[] = {
        cmocka_unit_test_setup_teardown(notes_delivered_in_order_with_padding, setup, teardown),
        cmocka_unit_test_setup_teardown(notes_from_every_note_segment, setup, teardown),
        cmocka_unit_test_setup_teardown(notes_from_sections_without_note_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(sections_ignored_when_a_note_segment_exists, setup, teardown),
        cmocka_unit_test_setup_teardown(no_notes_at_all_is_not_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(note_area_ending_at_end_of_file, setup, teardown),
        cmocka_unit_test_setup_teardown(unnamed_and_unterminated_notes_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(trailing_bytes_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(callback_error_stops_the_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(note_area_outside_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(section_note_area_outside_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(note_name_past_its_area, setup, teardown),
        cmocka_unit_test_setup_teardown(note_descriptor_past_its_area, setup, teardown),
        cmocka_unit_test_setup_teardown(unpadded_name_or_last_descriptor_refused, setup, teardown),
    };
    int failed = 0;

    failed += cmocka_run_group_tests_name("elf_open", open_tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("elf_for_each_note", note_tests, NULL, NULL);
    return failed != 0;
}
