/*
 * Unit tests of the decompressors and the bzImage reader (lib/inflate.c, lib/xz.c,
 * lib/lzma2.c, lib/bzimage.c) under ASan and UBSan.  The oracle is Debian's gzip and xz:
 * tests/unit/decomp-data.sh makes the files, and every one must decompress to its input byte
 * for byte.  Inputs are copied to heap blocks of their exact size, so a read or write one
 * byte out of bounds stops the test.  Then the refusals: every truncation point, bit flips,
 * wrong CRCs and sizes, small buffers, unsupported checks and filters, bad bzImage headers.
 *   decomp-unit DATA-DIR        (DATA-DIR as made by decomp-data.sh)
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/bzimage.h"
#include "lib/inflate.h"
#include "lib/xz.h"

static const char *data_dir;
static _Alignas(8) uint8_t work[DECOMP_WORK_SIZE + 8];

struct blob {
    uint8_t *p;
    size_t n;
};

static struct blob load_path(const char *path)
{
    struct blob b = { 0 };
    FILE *f = fopen(path, "rb");

    if (!f)
        fail_msg("cannot open %s (run tests/unit/decomp-data.sh)", path);
    fseek(f, 0, SEEK_END);
    b.n = (size_t)ftell(f);
    rewind(f);
    b.p = malloc(b.n ? b.n : 1);
    assert_non_null(b.p);
    assert_int_equal(fread(b.p, 1, b.n, f), b.n);
    fclose(f);
    return b;
}

static struct blob load(const char *name)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", data_dir, name);
    return load_path(path);
}

/* A heap block of exactly n bytes holding p[0..n), so ASan catches any read past it. */
static uint8_t *exact(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);

    assert_non_null(q);
    memcpy(q, p, n);
    return q;
}

static bool is_xz(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".xz") == 0;
}

static struct decomp_result run(bool xz, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    return xz ? xz_decompress(in, n, out, cap, work, DECOMP_WORK_SIZE)
              : gzip_decompress(in, n, out, cap, work, DECOMP_WORK_SIZE);
}

/* Decompress into a fresh buffer of exactly `cap` bytes; returns the result, output freed. */
static struct decomp_result run_exact(bool xz, const uint8_t *in, size_t n, size_t cap)
{
    uint8_t *out = malloc(cap ? cap : 1);
    struct decomp_result r = run(xz, in, n, out, cap);

    free(out);
    return r;
}

#define assert_status(r, want) do { \
        struct decomp_result r_ = (r); \
        if (r_.status != (want)) \
            fail_msg("status %d (%s), wanted %d", r_.status, r_.msg, (want)); \
    } while (0)

/* ---- Files made by gzip and xz ---------------------------------------------------- */

struct pair {
    char *compressed, *expected;
};

static void file_roundtrip(void **state)
{
    const struct pair *t = *state;
    bool xz = is_xz(t->compressed);
    struct blob c = load(t->compressed), want = load(t->expected);
    uint8_t *in = exact(c.p, c.n), *out = malloc(want.n ? want.n : 1);
    uint64_t size = 0;

    struct decomp_result r = run(xz, in, c.n, out, want.n);
    if (r.status != DECOMP_OK)
        fail_msg("%s: %s (at byte %zu)", t->compressed, r.msg, r.in_pos);
    assert_int_equal(r.out_len, want.n);
    assert_int_equal(r.in_pos, c.n);
    assert_memory_equal(out, want.p, want.n);

    /* The size each format records, read up front (one gzip member: its ISIZE). */
    r = xz ? xz_size(in, c.n, &size) : gzip_size(in, c.n, &size);
    assert_status(r, DECOMP_OK);
    if (xz || strncmp(t->compressed, "concat", 6) != 0)
        assert_int_equal(size, want.n);

    /* One byte less room is refused, as too large, not as corrupt. */
    if (want.n > 0)
        assert_status(run(xz, in, c.n, out, want.n - 1), DECOMP_NO_SPACE);
    free(in);
    free(out);
    free(c.p);
    free(want.p);
}

static int run_file_tests(void)
{
    char path[512], a[256], b[256];
    struct CMUnitTest *tests = NULL;
    size_t n = 0;

    snprintf(path, sizeof(path), "%s/manifest", data_dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("not ok - decompress: no %s (run tests/unit/decomp-data.sh)\n", path);
        return 1;
    }
    while (fscanf(f, "%255s %255s", a, b) == 2) {
        struct pair *p = malloc(sizeof(*p));
        p->compressed = strdup(a);
        p->expected = strdup(b);
        tests = realloc(tests, (n + 1) * sizeof(*tests));
        tests[n++] = (struct CMUnitTest){ .name = p->compressed, .test_func = file_roundtrip,
                                          .initial_state = p };
    }
    fclose(f);
    if (n == 0) {
        printf("not ok - decompress: %s lists no files\n", path);
        return 1;
    }
    int failed = _cmocka_run_group_tests("decompress: files made by gzip and xz", tests, n,
                                         NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        struct pair *p = (struct pair *)tests[i].initial_state;
        free(p->compressed);
        free(p->expected);
        free(p);
    }
    free(tests);
    return failed != 0;
}

/* ---- Refusals ----------------------------------------------------------------------- */

/* Every proper prefix of a valid file is refused as truncated. */
static void truncate_everywhere(const char *name, size_t out_size)
{
    struct blob c = load(name);
    bool xz = is_xz(name);

    for (size_t len = 0; len < c.n; len++) {
        uint8_t *in = exact(c.p, len);
        struct decomp_result r = run_exact(xz, in, len, out_size);
        if (r.status != DECOMP_TRUNCATED)
            fail_msg("%s cut to %zu of %zu bytes: status %d (%s)", name, len, c.n,
                     r.status, r.msg);
        free(in);
    }
    free(c.p);
}

static void gzip_truncated(void **state)
{
    (void)state;
    truncate_everywhere("tiny.gz9.gz", 1);      /* fixed Huffman block, stored name */
    truncate_everywhere("small.gzn.gz", 8192);  /* dynamic Huffman blocks */
    truncate_everywhere("noise.gz1.gz", 2048);  /* stored blocks */
}

static void xz_truncated(void **state)
{
    (void)state;
    truncate_everywhere("tiny.crc32.xz", 1);
    truncate_everywhere("small.x86.xz", 8192);
    truncate_everywhere("small.blocks.xz", 8192);
    truncate_everywhere("noise.crc64.xz", 2048);    /* LZMA2 stored chunks */
}

/* Flip each bit of [from, to) in turn; count the flips that still decode. */
static size_t flips_accepted(const char *name, size_t from, size_t to, size_t out_size)
{
    struct blob c = load(name);
    bool xz = is_xz(name);
    size_t accepted = 0;

    if (to > c.n)
        to = c.n;
    uint8_t *in = exact(c.p, c.n);
    for (size_t i = from; i < to; i++) {
        for (int bit = 0; bit < 8; bit++) {
            in[i] ^= (uint8_t)(1u << bit);
            if (run_exact(xz, in, c.n, out_size).status == DECOMP_OK)
                accepted++;
            in[i] ^= (uint8_t)(1u << bit);
        }
    }
    free(in);
    free(c.p);
    return accepted;
}

/* xz protects everything: headers, index and footer by CRC-32, the data by its check. */
static void xz_every_bit_flip_refused(void **state)
{
    (void)state;
    assert_int_equal(flips_accepted("small.crc64.xz", 0, SIZE_MAX, 8192), 0);
    assert_int_equal(flips_accepted("small.x86.xz", 0, SIZE_MAX, 8192), 0);
    assert_int_equal(flips_accepted("noise.crc32.xz", 0, SIZE_MAX, 8192), 0);
}

/* gzip's header is unprotected (MTIME, XFL, OS and the name may change freely), but its
 * magic, method and reserved flags are checked, and the data by CRC-32 and ISIZE: of the
 * deflate data only the unused bits after the final block may change. */
static void gzip_bit_flips(void **state)
{
    struct blob c = load("small.gzn.gz");
    (void)state;

    assert_int_equal(flips_accepted("small.gzn.gz", 0, 3, 8192), 0);   /* magic, CM */
    assert_true(flips_accepted("small.gzn.gz", 10, c.n, 8192) <= 7);
    assert_int_equal(flips_accepted("small.gzn.gz", c.n - 8, c.n, 8192), 0);

    uint8_t *in = exact(c.p, c.n);
    in[3] |= 0x20;
    assert_status(run_exact(false, in, c.n, 8192), DECOMP_CORRUPT);
    in[3] = 0;
    in[2] = 7;
    assert_status(run_exact(false, in, c.n, 8192), DECOMP_UNSUPPORTED);
    free(in);
    free(c.p);
}

/* FHCRC (which gzip itself never writes): a header with a name and a comment, protected by
 * the low 16 bits of its CRC-32; every bit of it outside the flag byte is then checked. */
static void gzip_header_crc(void **state)
{
    struct blob c = load("small.gzn.gz");
    uint8_t hdr[64] = { 0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 1, 2, 3, 4, 0, 3 };
    size_t h = 10;
    (void)state;

    hdr[h++] = 3;                       /* FEXTRA: 3 bytes */
    hdr[h++] = 0;
    memcpy(hdr + h, "xyz", 3);
    h += 3;
    memcpy(hdr + h, "name", 5);
    h += 5;
    memcpy(hdr + h, "comment", 8);
    h += 8;
    uint32_t crc = crc32_update(0, hdr, h);
    hdr[h++] = (uint8_t)crc;
    hdr[h++] = (uint8_t)(crc >> 8);

    size_t n = h + c.n - 10;
    uint8_t *file = malloc(n);
    memcpy(file, hdr, h);
    memcpy(file + h, c.p + 10, c.n - 10);
    uint8_t *in = exact(file, n);
    struct decomp_result r = run_exact(false, in, n, 8192);
    assert_status(r, DECOMP_OK);
    for (size_t i = 0; i < h; i++) {
        if (i == 3)
            continue;
        for (int bit = 0; bit < 8; bit++) {
            in[i] ^= (uint8_t)(1u << bit);
            r = run_exact(false, in, n, 8192);
            if (r.status == DECOMP_OK)
                fail_msg("header bit %zu.%d flipped and accepted", i, bit);
            in[i] ^= (uint8_t)(1u << bit);
        }
    }
    in[h - 1] ^= 1;
    r = run_exact(false, in, n, 8192);
    assert_status(r, DECOMP_BAD_CHECK);
    assert_non_null(strstr(r.msg, "header CRC"));
    free(in);
    free(file);
    free(c.p);
}

static void crc_mismatch(void **state)
{
    struct blob g = load("small.gz6.gz"), x = load("small.crc64.xz");
    struct decomp_result r;
    (void)state;

    g.p[g.n - 8] ^= 0x40;                               /* CRC-32 in the trailer */
    r = run_exact(false, g.p, g.n, 8192);
    assert_status(r, DECOMP_BAD_CHECK);
    assert_non_null(strstr(r.msg, "CRC-32"));
    g.p[g.n - 8] ^= 0x40;
    g.p[g.n - 1] ^= 0x01;                               /* ISIZE */
    r = run_exact(false, g.p, g.n, 1u << 20);
    assert_status(r, DECOMP_BAD_CHECK);
    assert_non_null(strstr(r.msg, "ISIZE"));

    /* The xz block's CRC-64 sits just before the index (8 bytes before its 0x00). */
    size_t index = x.n - 12 - ((size_t)(x.p[x.n - 8] | x.p[x.n - 7] << 8) + 1) * 4;
    x.p[index - 3] ^= 0x80;
    r = run_exact(true, x.p, x.n, 8192);
    assert_status(r, DECOMP_BAD_CHECK);
    assert_non_null(strstr(r.msg, "CRC-64"));
    free(g.p);
    free(x.p);
}

/* An index that passes its own CRC but disagrees with the block is still refused. */
static void xz_index_mismatch(void **state)
{
    struct blob x = load("tiny.none.xz");
    (void)state;

    size_t isize = ((size_t)(x.p[x.n - 8] | x.p[x.n - 7] << 8) + 1) * 4;
    size_t index = x.n - 12 - isize;
    assert_int_equal(x.p[index], 0);            /* indicator */
    assert_int_equal(x.p[index + 1], 1);        /* one record */
    assert_int_equal(x.p[index + 3], 1);        /* uncompressed size 1 */
    x.p[index + 3] = 2;
    uint32_t crc = crc32_update(0, x.p + index, isize - 4);
    for (int i = 0; i < 4; i++)
        x.p[index + isize - 4 + i] = (uint8_t)(crc >> (8 * i));
    struct decomp_result r = run_exact(true, x.p, x.n, 16);
    assert_status(r, DECOMP_BAD_CHECK);
    assert_non_null(strstr(r.msg, "index does not match"));
    uint64_t size;
    assert_status(xz_size(x.p, x.n, &size), DECOMP_OK);
    assert_int_equal(size, 2);                  /* the index alone cannot know */
    free(x.p);
}

static void refused_by_name(const char *file, enum decomp_status want, const char *words)
{
    struct blob x = load(file);
    struct decomp_result r = run_exact(true, x.p, x.n, 16);

    assert_status(r, want);
    if (!strstr(r.msg, words))
        fail_msg("%s: message \"%s\" does not say \"%s\"", file, r.msg, words);
    free(x.p);
}

static void xz_unsupported(void **state)
{
    (void)state;
    refused_by_name("refuse.sha256.xz", DECOMP_UNSUPPORTED, "SHA-256");
    refused_by_name("refuse.delta.xz", DECOMP_UNSUPPORTED, "delta");
    refused_by_name("refuse.arm.xz", DECOMP_UNSUPPORTED, "ARM BCJ");
    refused_by_name("refuse.lzma1.xz", DECOMP_CORRUPT, "magic");
}

static void xz_stream_padding(void **state)
{
    struct blob x = load("tiny.crc32.xz");
    uint8_t *in = calloc(1, x.n + 8);
    (void)state;

    memcpy(in, x.p, x.n);
    for (size_t pad = 0; pad <= 8; pad++) {
        struct decomp_result r = run_exact(true, in, x.n + pad, 1);
        assert_status(r, pad % 4 ? DECOMP_CORRUPT : DECOMP_OK);
    }
    free(in);
    free(x.p);
}

static void gzip_trailing_garbage(void **state)
{
    struct blob g = load("tiny.gz9.gz");
    uint8_t *in = calloc(1, g.n + 1);
    (void)state;

    memcpy(in, g.p, g.n);
    struct decomp_result r = run_exact(false, in, g.n + 1, 1);
    assert_status(r, DECOMP_CORRUPT);
    assert_non_null(strstr(r.msg, "after the last member"));
    in[g.n] = 0x1f;                     /* the start of a second member, cut */
    assert_status(run_exact(false, in, g.n + 1, 1), DECOMP_TRUNCATED);
    free(in);
    free(g.p);
}

static void bad_work_area_and_empty(void **state)
{
    struct blob g = load("tiny.gz9.gz"), x = load("tiny.crc32.xz");
    uint8_t out[1];
    (void)state;

    assert_status(gzip_decompress(g.p, g.n, out, 1, work, DECOMP_WORK_SIZE - 1),
                  DECOMP_BAD_ARGS);
    assert_status(gzip_decompress(g.p, g.n, out, 1, work + 4, DECOMP_WORK_SIZE), DECOMP_BAD_ARGS);
    assert_status(xz_decompress(x.p, x.n, out, 1, NULL, DECOMP_WORK_SIZE), DECOMP_BAD_ARGS);
    assert_status(xz_decompress(x.p, x.n, out, 1, work + 4, DECOMP_WORK_SIZE), DECOMP_BAD_ARGS);
    assert_status(gzip_decompress(g.p, 0, out, 1, work, DECOMP_WORK_SIZE), DECOMP_TRUNCATED);
    assert_status(xz_decompress(x.p, 0, out, 1, work, DECOMP_WORK_SIZE), DECOMP_TRUNCATED);
    assert_status(xz_decompress(x.p, x.n, out, 0, work, DECOMP_WORK_SIZE), DECOMP_NO_SPACE);
    free(g.p);
    free(x.p);
}

static int run_refusal_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gzip_truncated),
        cmocka_unit_test(xz_truncated),
        cmocka_unit_test(xz_every_bit_flip_refused),
        cmocka_unit_test(gzip_bit_flips),
        cmocka_unit_test(gzip_header_crc),
        cmocka_unit_test(crc_mismatch),
        cmocka_unit_test(xz_index_mismatch),
        cmocka_unit_test(xz_unsupported),
        cmocka_unit_test(xz_stream_padding),
        cmocka_unit_test(gzip_trailing_garbage),
        cmocka_unit_test(bad_work_area_and_empty),
    };
    return cmocka_run_group_tests_name("decompress: refusals", tests, NULL, NULL) != 0;
}

/* ---- bzImage ------------------------------------------------------------------------ */

#define SETUP_SECTS 3
#define PAYLOAD_OFF 0x1234u

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A bzImage as Linux lays it out: boot sector and setup (setup_sects + 1 sectors), then the
 * protected-mode part holding the payload at payload_offset, then some code after it. */
static struct blob make_bzimage(const uint8_t *payload, size_t len, uint16_t version)
{
    size_t pm = (SETUP_SECTS + 1) * 512;
    struct blob b = { .n = pm + PAYLOAD_OFF + len + 100 };

    b.p = calloc(1, b.n);
    b.p[0x1f1] = SETUP_SECTS;
    b.p[0x1fe] = 0x55;
    b.p[0x1ff] = 0xaa;
    memcpy(b.p + 0x202, "HdrS", 4);
    b.p[0x206] = (uint8_t)version;
    b.p[0x207] = (uint8_t)(version >> 8);
    put32(b.p + 0x248, PAYLOAD_OFF);
    put32(b.p + 0x24c, (uint32_t)len);
    memcpy(b.p + pm + PAYLOAD_OFF, payload, len);
    return b;
}

/* Probe and unpack an image; the ELF must come out as `want`. */
static void unpack_equals(struct blob img, struct blob want)
{
    struct kernel_image k;
    uint8_t *in = exact(img.p, img.n);
    const char *why = bzimage_probe(in, img.n, &k);

    if (why)
        fail_msg("probe: %s", why);
    assert_int_equal(k.kind, KERNEL_BZIMAGE);
    assert_int_equal(k.protocol, 0x020f);
    assert_int_equal(k.elf_size, want.n);
    uint8_t *out = malloc(k.elf_size);
    struct decomp_result r = bzimage_unpack(&k, out, k.elf_size, work, DECOMP_WORK_SIZE);
    if (r.status != DECOMP_OK)
        fail_msg("unpack: %s", r.msg);
    assert_memory_equal(out, want.p, want.n);
    free(out);
    free(in);
}

static void bzimage_gzip(void **state)
{
    struct blob gz = load("elf.gz9.gz"), elf = load("in/elf");
    (void)state;

    struct blob img = make_bzimage(gz.p, gz.n, 0x020f);
    unpack_equals(img, elf);
    free(img.p);
    free(gz.p);
    free(elf.p);
}

/* Linux appends the output size after the xz stream (scripts/Makefile.lib, size_append). */
static void bzimage_xz_as_linux_builds_it(void **state)
{
    struct blob xz = load("elf.x86.xz"), elf = load("in/elf");
    uint8_t *payload = malloc(xz.n + 4);
    (void)state;

    memcpy(payload, xz.p, xz.n);
    put32(payload + xz.n, (uint32_t)elf.n);
    struct blob img = make_bzimage(payload, xz.n + 4, 0x020f);
    unpack_equals(img, elf);
    free(img.p);

    /* Without the appended size it is found all the same. */
    img = make_bzimage(xz.p, xz.n, 0x020f);
    unpack_equals(img, elf);
    free(img.p);

    /* An appended size that disagrees with the index is not a stream footer: refused. */
    put32(payload + xz.n, (uint32_t)elf.n + 1);
    img = make_bzimage(payload, xz.n + 4, 0x020f);
    struct kernel_image k;
    assert_non_null(bzimage_probe(img.p, img.n, &k));
    free(img.p);
    free(payload);
    free(xz.p);
    free(elf.p);
}

static void bzimage_refusals(void **state)
{
    static const struct { const char *magic; size_t n; const char *name; } other[] = {
        { "BZh91AY", 7, "bzip2" }, { "\x5d\0\0\x80\0", 5, "lzma" },
        { "\x89LZO\0\r\n\x1a\n", 9, "lzo" }, { "\x02\x21\x4c\x18", 4, "lz4" },
        { "\x28\xb5\x2f\xfd", 4, "zstd" }, { "\x12\x34", 2, "not recognised" },
    };
    struct blob gz = load("elf.gz9.gz"), elf = load("in/elf"), rnd = load("random.gz6.gz");
    struct kernel_image k;
    struct blob img;
    (void)state;

    assert_null(bzimage_probe(elf.p, elf.n, &k));
    assert_int_equal(k.kind, KERNEL_ELF);
    assert_non_null(strstr(bzimage_probe(gz.p, gz.n, &k), "neither an ELF nor a bzImage"));

    img = make_bzimage(gz.p, gz.n, 0x0207);
    assert_non_null(strstr(bzimage_probe(img.p, img.n, &k), "2.08"));
    free(img.p);

    img = make_bzimage(gz.p, gz.n, 0x020f);
    put32(img.p + 0x24c, (uint32_t)gz.n + 101);         /* one byte past the image */
    assert_non_null(strstr(bzimage_probe(img.p, img.n, &k), "outside the image"));
    put32(img.p + 0x248, 0xffffffffu);
    assert_non_null(strstr(bzimage_probe(img.p, img.n, &k), "outside the image"));
    free(img.p);

    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        uint8_t payload[64] = { 0 };
        memcpy(payload, other[i].magic, other[i].n);
        img = make_bzimage(payload, sizeof(payload), 0x020f);
        const char *why = bzimage_probe(img.p, img.n, &k);
        assert_non_null(why);
        if (!strstr(why, other[i].name))
            fail_msg("\"%s\" does not name %s", why, other[i].name);
        free(img.p);
    }

    /* A payload that is not an ELF inside. */
    img = make_bzimage(rnd.p, rnd.n, 0x020f);
    assert_null(bzimage_probe(img.p, img.n, &k));
    uint8_t *out = malloc(k.elf_size);
    struct decomp_result r = bzimage_unpack(&k, out, k.elf_size, work, DECOMP_WORK_SIZE);
    assert_status(r, DECOMP_CORRUPT);
    assert_non_null(strstr(r.msg, "not an ELF"));
    assert_status(bzimage_unpack(&k, out, k.elf_size - 1, work, DECOMP_WORK_SIZE),
                  DECOMP_BAD_ARGS);
    free(out);
    free(img.p);
    free(gz.p);
    free(elf.p);
    free(rnd.p);
}

/* Every truncation of a small bzImage is refused by the probe or the unpack. */
static void bzimage_truncated(void **state)
{
    struct blob gz = load("small.gz9.gz");
    struct blob img = make_bzimage(gz.p, gz.n, 0x020f);
    (void)state;

    for (size_t len = 0; len < img.n; len++) {
        uint8_t *in = exact(img.p, len);
        struct kernel_image k;
        if (bzimage_probe(in, len, &k) == NULL) {
            uint8_t *out = malloc(k.elf_size);
            struct decomp_result r = bzimage_unpack(&k, out, k.elf_size, work,
                                                    DECOMP_WORK_SIZE);
            /* Only cuts in the code after the payload leave it whole (and it is no ELF). */
            if (r.status == DECOMP_OK || len < img.n - 100)
                fail_msg("cut to %zu of %zu: %s", len, img.n, r.msg);
            free(out);
        }
        free(in);
    }
    free(img.p);
    free(gz.p);
}

/* A real Debian kernel, when the machine has one: it must give a valid x86-64 ELF that
 * carries Xen's ELF notes (what a PV domain builder reads next). */
static void bzimage_real_kernel(void **state)
{
    const char *env = getenv("PVX_VMLINUZ");
    glob_t g = { 0 };
    (void)state;

    if (env && *env) {
        glob(env, 0, NULL, &g);
    } else if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0) {
        printf("# no /boot/vmlinuz-* on this machine (install linux-image-amd64, or set "
               "PVX_VMLINUZ to a bzImage)\n");
        skip();
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct blob img = load_path(g.gl_pathv[i]);
        struct kernel_image k;
        const char *why = bzimage_probe(img.p, img.n, &k);
        if (why)
            fail_msg("%s: %s", g.gl_pathv[i], why);
        assert_int_equal(k.kind, KERNEL_BZIMAGE);
        uint8_t *out = malloc(k.elf_size);
        struct decomp_result r = bzimage_unpack(&k, out, k.elf_size, work, DECOMP_WORK_SIZE);
        if (r.status != DECOMP_OK)
            fail_msg("%s: %s", g.gl_pathv[i], r.msg);

        const Elf64_Ehdr *eh = (const Elf64_Ehdr *)out;
        assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
        assert_int_equal(eh->e_machine, EM_X86_64);
        assert_int_equal(eh->e_phentsize, sizeof(Elf64_Phdr));
        assert_true(eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) <= k.elf_size);
        int xen_notes = 0;
        for (unsigned p = 0; p < eh->e_phnum; p++) {
            const Elf64_Phdr *ph = (const Elf64_Phdr *)(out + eh->e_phoff) + p;
            assert_true(ph->p_offset + ph->p_filesz <= k.elf_size);
            if (ph->p_type == PT_NOTE && memmem(out + ph->p_offset, ph->p_filesz, "Xen", 4))
                xen_notes++;
        }
        assert_true(xen_notes > 0);
        printf("# %s: %s payload, %zu bytes -> ELF of %llu bytes\n", g.gl_pathv[i],
               k.format == PAYLOAD_XZ ? "xz" : "gzip", k.payload_len,
               (unsigned long long)k.elf_size);
        free(out);
        free(img.p);
    }
    if (g.gl_pathc == 0)
        fail_msg("PVX_VMLINUZ=%s matches no file", env);
    globfree(&g);
}

static int run_bzimage_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bzimage_gzip),
        cmocka_unit_test(bzimage_xz_as_linux_builds_it),
        cmocka_unit_test(bzimage_refusals),
        cmocka_unit_test(bzimage_truncated),
        cmocka_unit_test(bzimage_real_kernel),
    };
    return cmocka_run_group_tests_name("bzImage", tests, NULL, NULL) != 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DATA-DIR (made by tests/unit/decomp-data.sh)\n", argv[0]);
        return 2;
    }
    data_dir = argv[1];
    int failed = run_file_tests();
    failed += run_refusal_tests();
    failed += run_bzimage_tests();
    return failed != 0;
}
