/*
 * Unit tests of the shared freestanding library (lib/string.c, lib/format.c) built as an
 * ordinary program under ASan and UBSan, with its functions renamed lib_* (lib_names.h).
 * The host and the guest both log through this formatter, so every conversion, the padding
 * rules, the C deviations lib/format.h promises and the truncation contract are pinned here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib_names.h"
#include "lib/format.h"
#include "lib/string.h"

static char out[256];

/* Format into `out` and check both the text and the returned length. */
static void expect_v(const char *want, const char *fmt, va_list ap)
{
    int n = vsnprintf(out, sizeof(out), fmt, ap);

    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void expect(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void expect(const char *want, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    expect_v(want, fmt, ap);
    va_end(ap);
}

/* For formats the compiler would rightly warn about as literals (unknown conversions,
 * flags C says are ignored). */
static void expect_raw(const char *want, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    expect_v(want, fmt, ap);
    va_end(ap);
}

static void fmt_signed(void **state)
{
    (void)state;
    expect("0 42 -42", "%d %i %d", 0, 42, -42);
    expect("2147483647 -2147483648", "%d %d", INT32_MAX, INT32_MIN);
    expect("-9223372036854775808", "%ld", (long)INT64_MIN);
    expect("-9223372036854775808", "%lld", (long long)INT64_MIN);
    expect("9223372036854775807", "%li", (long)INT64_MAX);
    expect("-1", "%zd", (size_t)-1);
    /* hh and h convert the promoted int back to the narrow type, as in C (raw: clang
     * rightly warns about literals that do not fit). */
    expect("-5 -300", "%hhd %hd", (signed char)-5, (short)-300);
    expect_raw("-1 -1", "%hhd %hd", 0xff, 0xffff);
    expect_raw("127 -32768", "%hhd %hd", 0x17f, 0x18000);
}

static void fmt_unsigned(void **state)
{
    (void)state;
    expect("0 4294967295", "%u %u", 0u, UINT32_MAX);
    expect("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
    expect("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    expect("12345", "%zu", (size_t)12345);
    expect("200 60000", "%hhu %hu", (unsigned char)200, (unsigned short)60000);
    expect_raw("255 65535", "%hhu %hu", 0x1ff, 0x1ffff);
    expect_raw("ff ffff", "%hhx %hx", 0x1ff, 0x1ffff);
}

static void fmt_hex(void **state)
{
    (void)state;
    expect("0 2a 2A", "%x %x %X", 0u, 42u, 42u);
    expect("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
    expect("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
    expect("123456789abcdef0", "%llx", 0x123456789abcdef0ull);
    expect("ffff830000000000", "%zx", (size_t)0xffff830000000000ull);
    expect("0x2a 0X2A 0xffff830000100000", "%#x %#X %#llx", 42u, 42u, 0xffff830000100000ull);
}

/* Quirk: '#' gives "0x" for 0 as well (C prints a bare "0"). */
static void fmt_alt_zero_keeps_prefix(void **state)
{
    (void)state;
    expect("0x0", "%#x", 0u);
    expect("0x0", "%#lx", 0ul);
}

/* Quirk: %p is Xen's 16 zero-padded digits with no "0x", whatever flags are given. */
static void fmt_pointer(void **state)
{
    (void)state;
    expect("0000000000001234", "%p", (void *)0x1234);
    expect("0000000000000000", "%p", NULL);
    expect("ffffffff80000000->ffffffff80200000", "%p->%p", (void *)0xffffffff80000000ull,
           (void *)0xffffffff80200000ull);
    expect_raw("00000000000000ab", "%-30p", (void *)0xab);
}

static void fmt_char_string_percent(void **state)
{
    (void)state;
    expect("a-z", "%c-%c", 'a', 'z');
    expect("[  x][x  ]", "[%3c][%-3c]", 'x', 'x');
    expect("hello, world", "%s, %s", "hello", "world");
    expect("", "%s", "");
    expect("100%", "%d%%", 100);
    expect("%", "%%");
}

static void fmt_string_null(void **state)
{
    const char *volatile none = NULL;

    (void)state;
    expect("(null)", "%s", none);
    expect("(nu", "%.3s", none);
}

static void fmt_width_and_padding(void **state)
{
    (void)state;
    expect("[   42][42   ][00042]", "[%5d][%-5d][%05d]", 42, 42, 42);
    /* The sign goes before the zeros, and counts towards the width. */
    expect("[-0042][  -42][-42  ]", "[%05d][%5d][%-5d]", -42, -42, -42);
    /* '-' wins over '0'. */
    expect_raw("[42   ]", "[%-05d]", 42);
    /* A number wider than the field is not cut. */
    expect("123456", "%3d", 123456);
    expect("00000000deadbeef 00ff 0000002a", "%016lx %04lx %08x", 0xdeadbeeful, 0xfful, 42u);
    /* With '#', the prefix counts towards the width and zeros go after it, as in C. */
    expect("[      0x2a][0x0000002a]", "[%#10x][%#010x]", 42u, 42u);
    expect("[   hi][hi   ]", "[%5s][%-5s]", "hi", "hi");
    expect("toolong", "%3s", "toolong");
}

static void fmt_star_and_precision(void **state)
{
    (void)state;
    expect("[   42][42   ]", "[%*d][%*d]", 5, 42, -5, 42);
    expect("abc", "%.*s", 3, "abcdef");
    expect("abcdef", "%.*s", -1, "abcdef");
    expect("ab", "%.2s", "abcdef");
    /* The length bounds the read: no terminator is needed within it. */
    static const char unterminated[4] = { 'w', 'x', 'y', 'z' };
    expect("wxyz", "%.*s", 4, unterminated);
    expect("[  ab]", "[%4.2s]", "abcdef");
    /* For integers precision is the minimum number of digits and disables '0' padding. */
    expect("00042 -00042", "%.5d %.5d", 42, -42);
    expect_raw("[  042]", "[%05.3d]", 42);
    expect("[]", "[%.0d]", 0);
    expect("[0x002a]", "[%#.4x]", 42u);
}

/* The length a format wants, through no format attribute, so the compiler lets the absurd
 * widths below through. */
static int wanted_raw(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    return n;
}

/* A huge width is capped, so one call cannot emit gigabytes. */
static void fmt_width_cap(void **state)
{
    (void)state;
    assert_int_equal(wanted_raw("%*d", 1000000, 7), FORMAT_MAX_WIDTH);
    assert_int_equal(wanted_raw("%99999999999999999999d", 7), FORMAT_MAX_WIDTH);
    assert_int_equal(wanted_raw("%*d", INT32_MIN, 7), FORMAT_MAX_WIDTH);
    assert_int_equal(wanted_raw("%.*d", 1000000, 7), FORMAT_MAX_WIDTH);
    assert_int_equal(wanted_raw("%.99999999999s", "abc"), 3);
}

/* Quirk: an unknown conversion prints as written, and a lone trailing '%' prints nothing. */
static void fmt_unknown_conversion(void **state)
{
    (void)state;
    expect_raw("a%qb", "a%qb");
    expect_raw("[%-5q]", "[%-5q]");
    expect_raw("%lq 7", "%lq %d", 7);
    expect_raw("end", "end%");
    expect_raw("end", "end%-0");
}

/* The return value is the full length; the buffer holds what fits, terminated, and not one
 * byte past `size` is written. */
static void fmt_truncation(void **state)
{
    char buf[16];

    (void)state;
    memset(buf, '#', sizeof(buf));
    assert_int_equal(snprintf(buf, 5, "hello %s", "world"), 11);
    assert_string_equal(buf, "hell");
    for (size_t i = 5; i < sizeof(buf); i++)
        assert_int_equal(buf[i], '#');

    memset(buf, '#', sizeof(buf));
    assert_int_equal(snprintf(buf, 1, "%d", 12345), 5);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], '#');

    memset(buf, '#', sizeof(buf));
    assert_int_equal(snprintf(buf, 0, "%s", "abc"), 3);
    assert_int_equal(buf[0], '#');
    assert_int_equal(snprintf(NULL, 0, "%016lx", 1ul), 16);

    /* Exactly full: the last byte is the terminator, the text loses one character. */
    assert_int_equal(snprintf(buf, 4, "abcd"), 4);
    assert_string_equal(buf, "abc");
    assert_int_equal(snprintf(buf, 5, "abcd"), 4);
    assert_string_equal(buf, "abcd");

    /* Cut in the middle of padding and of a number. */
    memset(buf, '#', sizeof(buf));
    assert_int_equal(snprintf(buf, 6, "%10d", -123), 10);
    assert_string_equal(buf, "     ");
    assert_int_equal(snprintf(buf, 8, "%ld", (long)INT64_MIN), 20);
    assert_string_equal(buf, "-922337");
    assert_int_equal(buf[8], '#');
}

/* A host line as traps.c prints it: many conversions in one format. */
static void fmt_mixed_line(void **state)
{
    (void)state;
    expect("    rip ffff830000101234  cs e008  rflags 0000000000010046  vector 14  error 2",
           "    rip %016lx  cs %04lx  rflags %016lx  vector %u  error %x",
           0xffff830000101234ul, 0xe008ul, 0x10046ul, 14u, 2u);
    expect("(d0) hello", "(d%u) %.*s", 0u, 5, "hello, world");
}

static void mem_copy_and_set(void **state)
{
    unsigned char a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[8] = { 0 };

    (void)state;
    assert_ptr_equal(memcpy(b, a, 8), b);
    assert_memory_equal(a, b, 8);
    memset(b, 0x7e, 8);
    assert_ptr_equal(memcpy(b, a, 0), b);
    for (int i = 0; i < 8; i++)
        assert_int_equal(b[i], 0x7e);
    /* Only the low byte of c is stored. */
    assert_ptr_equal(memset(b + 2, 0x1ab, 3), b + 2);
    assert_int_equal(b[1], 0x7e);
    assert_int_equal(b[2], 0xab);
    assert_int_equal(b[4], 0xab);
    assert_int_equal(b[5], 0x7e);
    memset(b, 0, 0);
    assert_int_equal(b[0], 0x7e);
}

static void mem_move_overlap(void **state)
{
    char s[16];

    (void)state;
    /* dst after src: must copy from the end. */
    strlcpy(s, "abcdefgh", sizeof(s));
    assert_ptr_equal(memmove(s + 2, s, 6), s + 2);
    assert_string_equal(s, "ababcdef");
    /* dst before src: a forward copy. */
    strlcpy(s, "abcdefgh", sizeof(s));
    assert_ptr_equal(memmove(s, s + 2, 6), s);
    assert_string_equal(s, "cdefghgh");
    /* Overlap by one byte in each direction, and a move onto itself. */
    strlcpy(s, "abcdefgh", sizeof(s));
    memmove(s + 1, s, 7);
    assert_string_equal(s, "aabcdefg");
    strlcpy(s, "abcdefgh", sizeof(s));
    memmove(s, s + 1, 7);
    assert_string_equal(s, "bcdefghh");
    strlcpy(s, "abcdefgh", sizeof(s));
    memmove(s, s, 8);
    assert_string_equal(s, "abcdefgh");
    /* Adjacent but not overlapping, and zero length. */
    memmove(s + 4, s, 4);
    assert_string_equal(s, "abcdabcd");
    memmove(s + 1, s, 0);
    assert_string_equal(s, "abcdabcd");
}

static void mem_compare(void **state)
{
    (void)state;
    assert_int_equal(memcmp("abc", "abc", 3), 0);
    assert_true(memcmp("abc", "abd", 3) < 0);
    assert_true(memcmp("abd", "abc", 3) > 0);
    assert_int_equal(memcmp("abc", "xyz", 0), 0);
    /* Bytes compare unsigned: 0x80 is above 0x7f. */
    assert_true(memcmp("\x80", "\x7f", 1) > 0);
    /* Bytes after a difference are not looked at (the buffers differ in length). */
    assert_true(memcmp("a", "bcdef", 5) < 0);
}

static void str_length(void **state)
{
    (void)state;
    assert_int_equal(strlen(""), 0);
    assert_int_equal(strlen("pvx"), 3);
    assert_int_equal(strnlen("pvx", 0), 0);
    assert_int_equal(strnlen("pvx", 2), 2);
    assert_int_equal(strnlen("pvx", 3), 3);
    assert_int_equal(strnlen("pvx", 100), 3);
    static const char unterminated[3] = { 'a', 'b', 'c' };
    assert_int_equal(strnlen(unterminated, sizeof(unterminated)), 3);
}

static void str_compare(void **state)
{
    (void)state;
    assert_int_equal(strcmp("", ""), 0);
    assert_int_equal(strcmp("pvx", "pvx"), 0);
    assert_true(strcmp("pv", "pvx") < 0);
    assert_true(strcmp("pvx", "pv") > 0);
    assert_true(strcmp("a", "b") < 0);
    assert_true(strcmp("\x80", "a") > 0);
    assert_int_equal(strncmp("abcX", "abcY", 3), 0);
    assert_true(strncmp("abcX", "abcY", 4) < 0);
    assert_int_equal(strncmp("abc", "xyz", 0), 0);
    /* Stops at the terminator even when n is larger. */
    assert_int_equal(strncmp("ab", "ab", 100), 0);
    assert_true(strncmp("ab", "abc", 100) < 0);
    assert_true(strncmp("\xff", "\x01", 1) > 0);
}

static void str_chr_and_str(void **state)
{
    const char *s = "dom0_mem=32M";

    (void)state;
    assert_ptr_equal(strchr(s, '='), s + 8);
    assert_ptr_equal(strchr(s, 'm'), s + 2);
    assert_null(strchr(s, 'z'));
    assert_ptr_equal(strchr(s, '\0'), s + 12);
    assert_ptr_equal(strchr(s, 0x100 + '='), s + 8);  /* c is converted to char */
    assert_null(strchr("", 'a'));

    assert_ptr_equal(strstr(s, "mem"), s + 5);
    assert_ptr_equal(strstr(s, "32M"), s + 9);
    assert_ptr_equal(strstr(s, ""), s);
    const char *empty = "";
    assert_ptr_equal(strstr(empty, ""), empty);
    assert_null(strstr(s, "32MB"));
    assert_null(strstr("", "a"));
    assert_null(strstr("ab", "abc"));
    /* A partial match does not hide the real one that overlaps it. */
    const char *aaab = "aaab";
    assert_ptr_equal(strstr(aaab, "aab"), aaab + 1);
    const char *ver = "4.17-pvx";
    assert_ptr_equal(strstr(ver, "pvx"), ver + 5);
}

static void str_lcpy(void **state)
{
    char buf[8];

    (void)state;
    memset(buf, '#', sizeof(buf));
    assert_int_equal(strlcpy(buf, "pvx", sizeof(buf)), 3);
    assert_string_equal(buf, "pvx");
    assert_int_equal(buf[4], '#');
    /* Cut: returns the source length so the caller can tell. */
    assert_int_equal(strlcpy(buf, "hypervisor", sizeof(buf)), 10);
    assert_string_equal(buf, "hypervi");
    assert_int_equal(strlcpy(buf, "abc", 1), 3);
    assert_string_equal(buf, "");
    assert_int_equal(buf[1], 'y');
    /* Size 0 writes nothing. */
    memset(buf, '#', sizeof(buf));
    assert_int_equal(strlcpy(buf, "abc", 0), 3);
    assert_int_equal(buf[0], '#');
}

static void str_toull(void **state)
{
    static const struct {
        const char *s;
        int base;
        uint64_t want;
        size_t stop;        /* where *end must point */
    } cases[] = {
        { "1234", 0, 1234, 4 },
        { "32M", 0, 32, 2 },
        { "0x1fF", 0, 0x1ff, 5 },
        { "0X10", 16, 16, 4 },
        { "ff", 16, 255, 2 },
        { "ff", 10, 0, 0 },
        { "101z", 2, 5, 3 },
        { "", 0, 0, 0 },
        /* "0x" with no hex digit after it is 0 followed by 'x', as in C. */
        { "0x", 0, 0, 1 },
        { "0xg", 16, 0, 1 },
        /* The largest value exactly, and saturation (not wrap-around) past it. */
        { "18446744073709551615", 0, UINT64_MAX, 20 },
        { "0xffffffffffffffff", 0, UINT64_MAX, 18 },
        { "18446744073709551616", 0, UINT64_MAX, 20 },
        { "0x10000000000000000", 0, UINT64_MAX, 19 },
        { "99999999999999999999999999999999G", 0, UINT64_MAX, 32 },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *end = NULL;

        assert_int_equal(strtoull(cases[i].s, &end, cases[i].base), cases[i].want);
        assert_ptr_equal(end, cases[i].s + cases[i].stop);
        assert_int_equal(strtoull(cases[i].s, NULL, cases[i].base), cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fmt_signed),
        cmocka_unit_test(fmt_unsigned),
        cmocka_unit_test(fmt_hex),
        cmocka_unit_test(fmt_alt_zero_keeps_prefix),
        cmocka_unit_test(fmt_pointer),
        cmocka_unit_test(fmt_char_string_percent),
        cmocka_unit_test(fmt_string_null),
        cmocka_unit_test(fmt_width_and_padding),
        cmocka_unit_test(fmt_star_and_precision),
        cmocka_unit_test(fmt_width_cap),
        cmocka_unit_test(fmt_unknown_conversion),
        cmocka_unit_test(fmt_truncation),
        cmocka_unit_test(fmt_mixed_line),
        cmocka_unit_test(mem_copy_and_set),
        cmocka_unit_test(mem_move_overlap),
        cmocka_unit_test(mem_compare),
        cmocka_unit_test(str_length),
        cmocka_unit_test(str_compare),
        cmocka_unit_test(str_chr_and_str),
        cmocka_unit_test(str_lcpy),
        cmocka_unit_test(str_toull),
    };

    return cmocka_run_group_tests_name("shared lib: format and string", tests, NULL, NULL) != 0;
}
