/*
 * Unit tests of the instruction decoder (host/arch/x86/insn.c) as an ordinary program under
 * ASan and UBSan.  The oracle: every form tests/unit/insn_oracle.py generates, assembled by GNU
 * as, decoded from a heap buffer of exactly its length (ASan traps a read beyond) and checked
 * field by field, and every shorter prefix of it refused.  Then encodings no assembler writes
 * (mod ignored by mov CR, REX cancelled, the 15-byte limit, #UD forms), insn_mem_addr()
 * against addresses computed by hand, and the helpers.
 *
 *   insn-unit                     run the tests (CMOCKA_MESSAGE_OUTPUT=TAP for TAP lines)
 *   insn-unit --write-seeds DIR   write every 8th oracle form to DIR, a fuzzing corpus
 *   insn-unit --lengths FILE      print the decoded length (or -1) of each 32-byte slot of
 *                                 FILE, for tests/unit/insn_vs_objdump.py
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "insn_oracle.h"

/* Decode n bytes from a heap buffer of exactly n bytes, so ASan sees any read past them. */
static int decode_exact(const uint8_t *bytes, size_t n, struct insn *out)
{
    uint8_t *buf = malloc(n);
    int rc;

    assert_non_null(buf);
    memcpy(buf, bytes, n);
    rc = insn_decode(buf, n, out);
    free(buf);
    return rc;
}

/* The first field in which got and want differ (values in *g, *w), or NULL. */
static const char *differs(const struct insn *got, const struct insn *want, uint64_t *g,
                           uint64_t *w)
{
#define CHECK(f)                                                      \
    do {                                                              \
        if ((uint64_t)got->f != (uint64_t)want->f) {                  \
            *g = (uint64_t)got->f;                                    \
            *w = (uint64_t)want->f;                                   \
            return #f;                                                \
        }                                                             \
    } while (0)
    CHECK(len); CHECK(opcode); CHECK(kind); CHECK(lock); CHECK(rep); CHECK(repne);
    CHECK(opsize16); CHECK(addr32); CHECK(seg); CHECK(rex); CHECK(has_modrm); CHECK(mod);
    CHECK(reg); CHECK(rm); CHECK(mem); CHECK(has_sib); CHECK(scale); CHECK(index);
    CHECK(base); CHECK(rip_rel); CHECK(disp_len); CHECK(disp); CHECK(imm_len);
    CHECK(imm_signed); CHECK(imm); CHECK(opsz);
#undef CHECK
    return NULL;
}

static void print_bytes(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %02x", p[i]);
}

static unsigned overlong;     /* oracle forms over the 15-byte limit */

static const uint8_t *oracle_form(unsigned i, size_t *n)
{
    *n = insn_oracle_offsets[i + 1] - insn_oracle_offsets[i];
    return insn_oracle_code + insn_oracle_offsets[i];
}

/* Check one oracle form: decoded alone, and again with junk after it (the decoder must not
 * look past the length it reports); or, if the prefixes added made it longer than 15 bytes,
 * refused.  Returns whether it matched. */
static bool oracle_check(unsigned i)
{
    const struct oracle_case *c = &insn_oracle_cases[i];
    struct insn want = c->want, got, padded;
    uint8_t buf[INSN_MAX_LEN];
    const char *field = NULL;
    uint64_t g = 0, w = 0;
    size_t n;
    const uint8_t *p = oracle_form(i, &n);

    want.len = n;
    if (n > INSN_MAX_LEN) {
        overlong++;
        if (decode_exact(p, n, &got) == 0)
            field = "decoded though longer than 15 bytes";
    } else if (decode_exact(p, n, &got) != 0)
        field = "refused";
    else if (!(field = differs(&got, &want, &g, &w))) {
        memset(buf, 0xf0, sizeof(buf));
        memcpy(buf, p, n);
        if (insn_decode(buf, sizeof(buf), &padded) != 0 ||
            differs(&padded, &got, &g, &w) != NULL)
            field = "decode with bytes after it";
    }
    if (!field)
        return true;
    fprintf(stderr, "oracle %u: `%s`:", i, c->text);
    print_bytes(p, n);
    fprintf(stderr, ": %s: got %#llx, want %#llx\n", field, (unsigned long long)g,
            (unsigned long long)w);
    return false;
}

static void oracle_forms_decode_to_the_assembled_fields(void **state)
{
    unsigned bad = 0;

    (void)state;
    assert_true(insn_oracle_count > 1000);
    for (unsigned i = 0; i < insn_oracle_count; i++)
        if (!oracle_check(i) && ++bad >= 40)
            break;
    printf("# oracle: %u forms assembled by GNU as (%u over 15 bytes), %u mismatches\n",
           insn_oracle_count, overlong, bad);
    assert_int_equal(bad, 0);
}

/* Every proper prefix of a valid instruction is refused, and never read past. */
static void oracle_truncations_are_refused(void **state)
{
    unsigned checked = 0, bad = 0;
    struct insn in;

    (void)state;
    for (unsigned i = 0; i < insn_oracle_count; i++) {
        size_t n;
        const uint8_t *p = oracle_form(i, &n);

        for (size_t k = 0; k < n; k++, checked++) {
            if (decode_exact(p, k, &in) == 0) {
                fprintf(stderr, "oracle %u: `%s`: its first %zu bytes decoded (len %u)\n", i,
                        insn_oracle_cases[i].text, k, in.len);
                bad++;
            }
        }
    }
    printf("# truncation: %u proper prefixes of oracle forms, %u decoded\n", checked, bad);
    assert_int_equal(bad, 0);
    assert_int_equal(checked, insn_oracle_offsets[insn_oracle_count] - insn_oracle_offsets[0]);
}

/* --- encodings no assembler writes --------------------------------------------------------- */

struct bytes_case {
    const char *what;
    uint8_t n;
    uint8_t b[INSN_MAX_LEN + 1];
    int len;                  /* -1: must be refused */
    enum insn_kind kind;
};

#define B(...) sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }

static const struct bytes_case hand_cases[] = {
    /* mov CR/DR ignore mod: no SIB, no displacement, always registers. */
    { "mov %cr0 with mod 0 rm 4", B(0x0f, 0x20, 0x04), 3, INSN_MOV_FROM_CR },
    { "mov to %cr3 with mod 1", B(0x0f, 0x22, 0x5d), 3, INSN_MOV_TO_CR },
    { "mov %dr7 with mod 2", B(0x0f, 0x21, 0xb8), 3, INSN_MOV_FROM_DR },
    { "mov to %dr0 with mod 0 rm 5", B(0x0f, 0x23, 0x05), 3, INSN_MOV_TO_DR },
    /* Aliases hardware accepts and assemblers do not write. */
    { "test r/m8, imm8 as F6 /1", B(0xf6, 0x08, 0x01), 3, INSN_OTHER },
    { "test r/m32, imm32 as F7 /1", B(0xf7, 0xc8, 1, 2, 3, 4), 6, INSN_OTHER },
    { "sal as D0 /6", B(0xd0, 0x30), 2, INSN_OTHER },
    { "rep ret", B(0xf3, 0xc3), 2, INSN_OTHER },
    { "pop %rax as 8F /0", B(0x8f, 0xc0), 2, INSN_OTHER },
    { "push %rcx as FF /6", B(0xff, 0xf1), 2, INSN_OTHER },
    { "mov $0x12, %cl as C6 /0", B(0xc6, 0xc1, 0x12), 3, INSN_MOV_STORE_IMM },
    { "sal $3, (%rax) as C1 /6", B(0xc1, 0x30, 0x03), 3, INSN_OTHER },
    { "hint nop 0f 19 with memory", B(0x0f, 0x19, 0x44, 0x24, 0x08), 5, INSN_OTHER },
    { "hint nop 0f 1c with a register", B(0x0f, 0x1c, 0xc0), 3, INSN_OTHER },
    { "hint nop 0f 18 /5 with a register", B(0x0f, 0x18, 0xe8), 3, INSN_OTHER },
    { "prefetch alias 0f 0d /4", B(0x0f, 0x0d, 0x60, 0x10), 4, INSN_OTHER },
    { "wbnoinvd", B(0xf3, 0x0f, 0x09), 3, INSN_WBINVD },
    { "forced-emulation cpuid after the prefix", B(0x0f, 0xa2), 2, INSN_CPUID },
    /* The 15-byte limit. */
    { "14 prefixes and nop: 15 bytes", B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x2e, 0x2e,
      0x2e, 0x2e, 0x3e, 0x3e, 0x3e, 0x90), 15, INSN_OTHER },
    { "15 prefixes and nop: 16 bytes", B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x2e, 0x2e,
      0x2e, 0x2e, 0x3e, 0x3e, 0x3e, 0x3e, 0x90), -1, 0 },
    { "movq $imm32, disp32(base, index) with 4 prefixes: 16 bytes", B(0x2e, 0x2e, 0x2e, 0x2e,
      0x48, 0xc7, 0x84, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8), -1, 0 },
    { "a REX then the 15-byte limit", B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x40,
      0x41, 0x42, 0x43, 0x48, 0x89, 0x03), 15, INSN_MOV_STORE },
    { "prefixes only", B(0x66, 0xf0, 0x48), -1, 0 },
    { "empty", 0, { 0 }, -1, 0 },
    /* Invalid in 64-bit mode. */
    { "06 push es", B(0x06), -1, 0 }, { "07 pop es", B(0x07), -1, 0 },
    { "0e push cs", B(0x0e), -1, 0 }, { "16 push ss", B(0x16), -1, 0 },
    { "17 pop ss", B(0x17), -1, 0 }, { "1e push ds", B(0x1e), -1, 0 },
    { "1f pop ds", B(0x1f), -1, 0 }, { "27 daa", B(0x27), -1, 0 },
    { "2f das", B(0x2f), -1, 0 }, { "37 aaa", B(0x37), -1, 0 }, { "3f aas", B(0x3f), -1, 0 },
    { "60 pusha", B(0x60), -1, 0 }, { "61 popa", B(0x61), -1, 0 },
    { "62 EVEX", B(0x62, 0xf1, 0x7c, 0x48, 0x10, 0x00), -1, 0 },
    { "82 alias of 80", B(0x82, 0xc0, 0x01), -1, 0 }, { "9a far call", B(0x9a), -1, 0 },
    { "c4 VEX3", B(0xc4, 0xe2, 0x79, 0x18, 0x00), -1, 0 },
    { "c5 VEX2", B(0xc5, 0xf8, 0x77), -1, 0 }, { "ce into", B(0xce), -1, 0 },
    { "d4 aam", B(0xd4, 0x0a), -1, 0 }, { "d5 aad", B(0xd5, 0x0a), -1, 0 },
    { "d6 salc", B(0xd6), -1, 0 }, { "ea far jmp", B(0xea), -1, 0 },
    { "8f /1 (XOP)", B(0x8f, 0xe9, 0x78, 0x01, 0xc0), -1, 0 },
    { "c6 /1", B(0xc6, 0x08, 0x01), -1, 0 }, { "c7 /7 (xbegin)", B(0xc7, 0xf8, 0, 0, 0, 0), -1, 0 },
    { "fe /2", B(0xfe, 0x10), -1, 0 }, { "ff /7", B(0xff, 0x38), -1, 0 },
    { "ff /3 with a register", B(0xff, 0xd8), -1, 0 },
    { "ff /5 with a register", B(0xff, 0xe8), -1, 0 },
    { "lea with a register", B(0x8d, 0xc0), -1, 0 },
    { "mov to %cs", B(0x8e, 0xc8), -1, 0 }, { "mov from Sreg 6", B(0x8c, 0xf0), -1, 0 },
    { "mov to Sreg 7", B(0x8e, 0xf8), -1, 0 },
    /* Outside the decoder's maps: refused, never guessed. */
    { "x87 d8", B(0xd8, 0xc0), -1, 0 }, { "x87 df", B(0xdf, 0xe0), -1, 0 },
    { "0f 38 map", B(0x0f, 0x38, 0x00, 0xc0), -1, 0 },
    { "0f 3a map", B(0x0f, 0x3a, 0x0f, 0xc0, 0x01), -1, 0 },
    { "3DNow!", B(0x0f, 0x0f, 0xc0, 0x9e), -1, 0 }, { "SSE movups", B(0x0f, 0x10, 0xc0), -1, 0 },
    { "sysenter", B(0x0f, 0x34), -1, 0 }, { "ud0", B(0x0f, 0xff, 0xc0), -1, 0 },
    { "0f 01 /5 with memory", B(0x0f, 0x01, 0x28), -1, 0 },
    { "0f 01 c1 vmcall", B(0x0f, 0x01, 0xc1), -1, 0 },
    { "f3 0f 01 f9 (not rdtscp)", B(0xf3, 0x0f, 0x01, 0xf9), -1, 0 },
    { "0f 00 /6", B(0x0f, 0x00, 0x30), -1, 0 },
    { "0f ba /3", B(0x0f, 0xba, 0x18, 0x01), -1, 0 },
    { "0f c7 /1 with a register", B(0x0f, 0xc7, 0xc8), -1, 0 },
    { "0f c7 /6 with memory (vmptrld)", B(0x0f, 0xc7, 0x30), -1, 0 },
    { "0f ae /0 with a register and no f3", B(0x0f, 0xae, 0xc0), -1, 0 },
    { "popcnt without f3 (jmpe)", B(0x0f, 0xb8, 0xc0), -1, 0 },
    { "movnti with a register", B(0x0f, 0xc3, 0xc0), -1, 0 },
    { "movnti with 66", B(0x66, 0x0f, 0xc3, 0x00), -1, 0 },
    { "0f 0d with a register", B(0x0f, 0x0d, 0xc0), -1, 0 },
    { "sfence with r/m 1", B(0x0f, 0xae, 0xf9), -1, 0 },
    { "wbinvd with 66", B(0x66, 0x0f, 0x09), -1, 0 },
    { "wbinvd with f2", B(0xf2, 0x0f, 0x09), -1, 0 },
    { "bsf with f2", B(0xf2, 0x0f, 0xbc, 0xc0), -1, 0 },
    { "bsr with f2", B(0xf2, 0x0f, 0xbd, 0xc0), -1, 0 },
    { "bsr with 66", B(0x66, 0x0f, 0xbd, 0xc0), 4, INSN_OTHER },
    /* LOCK only on a lockable instruction with a memory destination. */
    { "lock mov", B(0xf0, 0x89, 0x03), -1, 0 },
    { "lock add to a register", B(0xf0, 0x01, 0xc3), -1, 0 },
    { "lock cmp", B(0xf0, 0x39, 0x03), -1, 0 },
    { "lock mov %cr0 (cr8 on AMD)", B(0xf0, 0x0f, 0x20, 0xc0), -1, 0 },
    { "lock nop", B(0xf0, 0x90), -1, 0 },
    { "lock cmpxchg8b", B(0xf0, 0x0f, 0xc7, 0x08), 4, INSN_CMPXCHG8B },
    { "lock xchg", B(0xf0, 0x87, 0x03), 3, INSN_XCHG },
    { "lock or to memory", B(0xf0, 0x09, 0x03), 3, INSN_OR },
    { "lock bts imm8", B(0xf0, 0x0f, 0xba, 0x2b, 0x03), 5, INSN_BTS },
    /* 66 on a rel32 branch: 16-bit on AMD, ignored on Intel. */
    { "66 call rel", B(0x66, 0xe8, 1, 2, 3, 4), -1, 0 },
    { "66 jmp rel", B(0x66, 0xe9, 1, 2, 3, 4), -1, 0 },
    { "66 jcc rel", B(0x66, 0x0f, 0x84, 1, 2, 3, 4), -1, 0 },
};

static void hand_picked_encodings(void **state)
{
    struct insn in;

    (void)state;
    for (size_t i = 0; i < sizeof(hand_cases) / sizeof(hand_cases[0]); i++) {
        const struct bytes_case *c = &hand_cases[i];
        int rc = decode_exact(c->b, c->n, &in);

        if (c->len < 0 && rc == 0)
            fail_msg("%s: decoded (len %u), should be refused", c->what, in.len);
        if (c->len < 0)
            continue;
        if (rc != 0)
            fail_msg("%s: refused", c->what);
        if (in.len != c->len || in.kind != c->kind)
            fail_msg("%s: len %u kind %s, want len %d kind %s", c->what, in.len,
                     insn_kind_name(in.kind), c->len, insn_kind_name(c->kind));
    }
}

static void decode(const char *what, const uint8_t *b, size_t n, struct insn *in)
{
    if (decode_exact(b, n, in) != 0)
        fail_msg("%s: refused", what);
}
#define DECODE(in, ...) \
    decode(#__VA_ARGS__, (const uint8_t[]){ __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }), in)

static void mov_cr_reports_registers_not_memory(void **state)
{
    struct insn in;

    (void)state;
    DECODE(&in, 0x45, 0x0f, 0x22, 0x04);       /* REX.RB, mod 0 rm 4: mov %r12, %cr8 */
    assert_int_equal(in.len, 4);
    assert_false(in.mem);
    assert_false(in.has_sib);
    assert_int_equal(in.reg, 8);
    assert_int_equal(in.rm, 12);
    assert_int_equal(in.opsz, 8);
}

static void rex_counts_only_right_before_the_opcode(void **state)
{
    struct insn in;

    (void)state;
    DECODE(&in, 0x48, 0x66, 0x89, 0x03);       /* REX.W, then 66: the REX is cancelled */
    assert_int_equal(in.rex, 0);
    assert_int_equal(in.opsz, 2);
    DECODE(&in, 0x66, 0x48, 0x89, 0x03);       /* REX.W overrides 66 */
    assert_int_equal(in.rex, 0x48);
    assert_int_equal(in.opsz, 8);
    DECODE(&in, 0x49, 0x41, 0x89, 0x03);       /* two REX: the last one applies */
    assert_int_equal(in.rex, 0x41);
    assert_int_equal(in.opsz, 4);
    assert_int_equal(in.base, 11);
    DECODE(&in, 0x41, 0x3e, 0x88, 0xe0);       /* REX cancelled: 4 is %ah, not %spl */
    assert_true(insn_reg_is_high_byte(&in, in.reg));
    DECODE(&in, 0x40, 0x88, 0xe0);             /* REX 40: 4 is %spl */
    assert_false(insn_reg_is_high_byte(&in, in.reg));
    DECODE(&in, 0x48, 0x66, 0xb8, 0x34, 0x12); /* mov imm: 66 gives imm16 once REX is gone */
    assert_int_equal(in.imm_len, 2);
}

static void segment_overrides_keep_the_last_fs_or_gs(void **state)
{
    struct insn in;

    (void)state;
    DECODE(&in, 0x64, 0x2e, 0x89, 0x03);
    assert_int_equal(in.seg, 0x64);
    DECODE(&in, 0x2e, 0x65, 0x3e, 0x89, 0x03);
    assert_int_equal(in.seg, 0x65);
    DECODE(&in, 0x65, 0x64, 0x89, 0x03);
    assert_int_equal(in.seg, 0x64);
    DECODE(&in, 0x2e, 0x26, 0x89, 0x03);
    assert_int_equal(in.seg, 0x26);
}

static void modrm_quirks_of_rbp_r13_rsp_r12(void **state)
{
    struct insn in;

    (void)state;
    DECODE(&in, 0x41, 0x89, 0x05, 0x10, 0, 0, 0); /* mod 0 rm 5 with REX.B: still RIP-relative */
    assert_true(in.rip_rel);
    assert_int_equal(in.base, INSN_REG_NONE);
    DECODE(&in, 0x41, 0x89, 0x04, 0x25, 0x10, 0, 0, 0); /* SIB base 5, mod 0, REX.B: no base */
    assert_int_equal(in.base, INSN_REG_NONE);
    assert_int_equal(in.index, INSN_REG_NONE);
    assert_int_equal(in.disp, 0x10);
    DECODE(&in, 0x42, 0x89, 0x04, 0x63);       /* index 4 with REX.X is %r12 */
    assert_int_equal(in.index, 12);
    assert_int_equal(in.scale, 2);
    DECODE(&in, 0x89, 0x04, 0x63);             /* index 4 without REX.X: none, scale kept */
    assert_int_equal(in.index, INSN_REG_NONE);
    assert_int_equal(in.base, 3);
}

static void failed_decode_leaves_a_zeroed_result(void **state)
{
    struct insn in;

    (void)state;
    memset(&in, 0x5a, sizeof(in));
    assert_int_equal(decode_exact((const uint8_t[]){ 0xf0, 0x89, 0x03 }, 3, &in), -1);
    assert_int_equal(in.len, 0);
    assert_int_equal(in.kind, INSN_OTHER);
    assert_false(in.mem);
}

/* --- insn_mem_addr ------------------------------------------------------------------------- */

/* Registers with distinct low and high halves, so a missing 32-bit wrap shows. */
static uint64_t G(unsigned n)
{
    return 0x0000010000000000ULL * (n + 1) + 0x10001000ULL * (n + 1) + n;
}

struct addr_case {
    const char *what;
    uint8_t n;
    uint8_t b[INSN_MAX_LEN + 1];
    uint64_t want;
};

#define RIP_NEXT 0xffff800000401000ULL
#define FS_BASE  0x00007f0000001000ULL

static void mem_addr_cases(const struct addr_case *cases, size_t count)
{
    uint64_t gpr[16];
    struct insn in;

    for (unsigned i = 0; i < 16; i++)
        gpr[i] = G(i);
    for (size_t i = 0; i < count; i++) {
        const struct addr_case *c = &cases[i];
        uint64_t got;

        decode(c->what, c->b, c->n, &in);
        got = insn_mem_addr(&in, gpr, RIP_NEXT, FS_BASE);
        if (got != c->want)
            fail_msg("%s: %#llx, want %#llx", c->what, (unsigned long long)got,
                     (unsigned long long)c->want);
    }
}

static void mem_addr_of_modrm_operands(void **state)
{
    const struct addr_case cases[] = {
        { "(%rbx)", B(0x89, 0x03), G(3) },
        { "-8(%rbx,%rcx,4)", B(0x89, 0x44, 0x8b, 0xf8), G(3) + G(1) * 4 - 8 },
        { "0x1000(%rbp,%rsi,8)", B(0x89, 0x84, 0xf5, 0, 0x10, 0, 0), G(5) + G(6) * 8 + 0x1000 },
        { "-0x80000000(%r15)", B(0x41, 0x89, 0x87, 0, 0, 0, 0x80), G(15) - 0x80000000ULL },
        { "0x1000(,%rcx,4): no base", B(0x89, 0x04, 0x8d, 0, 0x10, 0, 0), G(1) * 4 + 0x1000 },
        { "(%rsp): index none", B(0x89, 0x04, 0x24), G(4) },
        { "(%rbx) with scale 2, index none", B(0x89, 0x04, 0x63), G(3) },
        { "(%rbx,%r12,2)", B(0x42, 0x89, 0x04, 0x63), G(3) + G(12) * 2 },
        { "(%r13,%r14,1)", B(0x43, 0x89, 0x44, 0x35, 0x00), G(13) + G(14) },
        { "absolute 0x12345678", B(0x89, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12), 0x12345678 },
        { "absolute -16", B(0x89, 0x04, 0x25, 0xf0, 0xff, 0xff, 0xff), (uint64_t)-16 },
        { "no base with REX.B", B(0x41, 0x89, 0x04, 0x25, 0, 1, 0, 0), 0x100 },
        { "0x10(%rip)", B(0x89, 0x05, 0x10, 0, 0, 0), RIP_NEXT + 0x10 },
        { "-0x10(%rip)", B(0x89, 0x05, 0xf0, 0xff, 0xff, 0xff), RIP_NEXT - 0x10 },
        { "(%r13) with disp8 0", B(0x41, 0x89, 0x45, 0x00), G(13) },
        { "(%ebx): 32-bit", B(0x67, 0x89, 0x03), (uint32_t)G(3) },
        { "-8(%ebx,%ecx,4): wraps at 32 bits", B(0x67, 0x89, 0x44, 0x8b, 0xf8),
          (uint32_t)(G(3) + G(1) * 4 - 8) },
        { "-0x10(%eip)", B(0x67, 0x89, 0x05, 0xf0, 0xff, 0xff, 0xff),
          (uint32_t)(RIP_NEXT - 0x10) },
        { "%fs:(%rbx)", B(0x64, 0x89, 0x03), G(3) + FS_BASE },
        { "%gs:0x28", B(0x65, 0x89, 0x04, 0x25, 0x28, 0, 0, 0), 0x28 + FS_BASE },
        { "%fs:-8(%ebx): wrap, then the base", B(0x64, 0x67, 0x89, 0x43, 0xf8),
          (uint32_t)(G(3) - 8) + FS_BASE },
        { "%ds:(%rbx): no base added", B(0x3e, 0x89, 0x03), G(3) },
        { "%fs:0x10(%rip)", B(0x64, 0x89, 0x05, 0x10, 0, 0, 0), RIP_NEXT + 0x10 + FS_BASE },
        { "cmpxchg16b (%rdi,%rdx,8)", B(0xf0, 0x48, 0x0f, 0xc7, 0x0c, 0xd7), G(7) + G(2) * 8 },
        { "invlpg 0x40(%rax)", B(0x0f, 0x01, 0x78, 0x40), G(0) + 0x40 },
    };

    (void)state;
    mem_addr_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void mem_addr_of_moffs_and_strings(void **state)
{
    const struct addr_case cases[] = {
        { "movabs %rax, moffs64", B(0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11),
          0x1122334455667788ULL },
        { "movabs %al, moffs32", B(0x67, 0xa2, 0x44, 0x33, 0x22, 0x11), 0x11223344 },
        { "movabs %eax, %fs:moffs64", B(0x64, 0xa3, 0, 0x10, 0, 0, 0, 0, 0, 0), 0x1000 + FS_BASE },
        { "stosq: %es:(%rdi)", B(0x48, 0xab), G(7) },
        { "stosb with 67: %es:(%edi)", B(0x67, 0xaa), (uint32_t)G(7) },
        { "stosb with fs: es cannot be overridden", B(0x64, 0xaa), G(7) },
        { "rep movsq: the destination", B(0xf3, 0x48, 0xa5), G(7) },
        { "insb: %es:(%rdi)", B(0x6c), G(7) },
        { "outsb: %fs:(%rsi)", B(0x64, 0x6e), G(6) + FS_BASE },
        { "lodsl: (%esi)", B(0x67, 0xad), (uint32_t)G(6) },
        { "scasb: %es:(%rdi)", B(0xae), G(7) },
    };
    uint64_t gpr[16];
    struct insn in;

    (void)state;
    mem_addr_cases(cases, sizeof(cases) / sizeof(cases[0]));
    for (unsigned i = 0; i < 16; i++)
        gpr[i] = G(i);
    DECODE(&in, 0x64, 0xa4);                   /* movsb %fs:(%rsi), %es:(%rdi) */
    assert_int_equal(insn_str_src_addr(&in, gpr, FS_BASE), G(6) + FS_BASE);
    assert_int_equal(insn_mem_addr(&in, gpr, 0, FS_BASE), G(7));
    DECODE(&in, 0x67, 0xa7);                   /* cmpsl (%esi), %es:(%edi) */
    assert_int_equal(insn_str_src_addr(&in, gpr, FS_BASE), (uint32_t)G(6));
    DECODE(&in, 0xab);
    assert_int_equal(insn_str_src_addr(&in, gpr, FS_BASE), 0);
    DECODE(&in, 0x89, 0xc3);                   /* register operand: no address */
    assert_false(in.mem);
    assert_int_equal(insn_mem_addr(&in, gpr, RIP_NEXT, FS_BASE), 0);
}

/* --- helpers ------------------------------------------------------------------------------- */

static void imm_operand_extends_as_the_opcode_does(void **state)
{
    const struct { const char *what; uint8_t n; uint8_t b[INSN_MAX_LEN + 1]; uint64_t want; }
    cases[] = {
        { "add $-1, %rax", B(0x48, 0x83, 0xc0, 0xff), ~0ULL },
        { "add $-1, %ax", B(0x66, 0x83, 0xc0, 0xff), 0xffff },
        { "add $-1, %eax", B(0x83, 0xc0, 0xff), 0xffffffff },
        { "addb $0xff", B(0x80, 0x00, 0xff), 0xff },
        { "movq $-0x80000000, (%rax)", B(0x48, 0xc7, 0x00, 0, 0, 0, 0x80), 0xffffffff80000000ULL },
        { "movl $0x80000000, (%rax)", B(0xc7, 0x00, 0, 0, 0, 0x80), 0x80000000 },
        { "movb $0x80, (%rax)", B(0xc6, 0x00, 0x80), 0x80 },
        { "movabs $imm64", B(0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 0x88), 0x8807060504030201ULL },
        { "mov $0xffffffff, %eax", B(0xb8, 0xff, 0xff, 0xff, 0xff), 0xffffffff },
        { "btsq $0xff: zero-extended", B(0x48, 0x0f, 0xba, 0x28, 0xff), 0xff },
        { "push $-1", B(0x6a, 0xff), ~0ULL },
        { "pushw $-1", B(0x66, 0x6a, 0xff), 0xffff },
        { "testq $-1, %rax", B(0x48, 0xa9, 0xff, 0xff, 0xff, 0xff), ~0ULL },
        { "in $0x80, %eax", B(0xe5, 0x80), 0x80 },
        { "int $0x82", B(0xcd, 0x82), 0x82 },
        { "jmp .-0x10 (rel8)", B(0xeb, 0xee), (uint64_t)-0x12 },
        { "shl $0x81, %eax: a count", B(0xc1, 0xe0, 0x81), 0x81 },
    };
    struct insn in;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        decode(cases[i].what, cases[i].b, cases[i].n, &in);
        if (insn_imm_operand(&in) != cases[i].want)
            fail_msg("%s: %#llx, want %#llx", cases[i].what,
                     (unsigned long long)insn_imm_operand(&in),
                     (unsigned long long)cases[i].want);
    }
}

static void xen_forced_emulation_prefix(void **state)
{
    static const uint8_t forced[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
    static const uint8_t plain_ud2[] = { 0x0f, 0x0b, 'x', 'e', 'm' };
    struct insn in;

    (void)state;
    assert_true(insn_is_xen_forced(forced, sizeof(forced)));
    assert_true(insn_is_xen_forced(forced, INSN_XEN_FORCED_LEN));
    assert_false(insn_is_xen_forced(forced, INSN_XEN_FORCED_LEN - 1));
    assert_false(insn_is_xen_forced(plain_ud2, sizeof(plain_ud2)));
    assert_int_equal(decode_exact(forced + INSN_XEN_FORCED_LEN, 2, &in), 0);
    assert_int_equal(in.kind, INSN_CPUID);
    assert_int_equal(in.len, 2);
    assert_int_equal(decode_exact(forced, 2, &in), 0);  /* alone, the prefix is a ud2 */
    assert_int_equal(in.kind, INSN_UD2);
}

static void every_kind_has_a_distinct_name(void **state)
{
    (void)state;
    for (int k = 0; k < INSN_KIND_COUNT; k++) {
        assert_string_not_equal(insn_kind_name(k), "?");
        for (int j = 0; j < k; j++)
            assert_string_not_equal(insn_kind_name(k), insn_kind_name(j));
    }
    assert_string_equal(insn_kind_name(INSN_KIND_COUNT), "?");
}

static int write_seeds(const char *dir)
{
    char path[4096];

    for (unsigned i = 0; i < insn_oracle_count; i += 8) {
        size_t n;
        const uint8_t *p = oracle_form(i, &n);
        FILE *f;

        snprintf(path, sizeof(path), "%s/oracle-%05u", dir, i);
        f = fopen(path, "wb");
        if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
            perror(path);
            return 1;
        }
    }
    return 0;
}

static int print_lengths(const char *path)
{
    uint8_t slot[32];
    struct insn in;
    FILE *f = fopen(path, "rb");

    if (!f) {
        perror(path);
        return 1;
    }
    while (fread(slot, 1, sizeof(slot), f) == sizeof(slot))
        printf("%d\n", insn_decode(slot, INSN_MAX_LEN, &in) == 0 ? in.len : -1);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    char oracle_name[128], trunc_name[128];
    unsigned bytes = insn_oracle_offsets[insn_oracle_count] - insn_oracle_offsets[0];
    struct CMUnitTest tests[] = {
        cmocka_unit_test(oracle_forms_decode_to_the_assembled_fields),
        cmocka_unit_test(oracle_truncations_are_refused),
        cmocka_unit_test(hand_picked_encodings),
        cmocka_unit_test(mov_cr_reports_registers_not_memory),
        cmocka_unit_test(rex_counts_only_right_before_the_opcode),
        cmocka_unit_test(segment_overrides_keep_the_last_fs_or_gs),
        cmocka_unit_test(modrm_quirks_of_rbp_r13_rsp_r12),
        cmocka_unit_test(failed_decode_leaves_a_zeroed_result),
        cmocka_unit_test(mem_addr_of_modrm_operands),
        cmocka_unit_test(mem_addr_of_moffs_and_strings),
        cmocka_unit_test(imm_operand_extends_as_the_opcode_does),
        cmocka_unit_test(xen_forced_emulation_prefix),
        cmocka_unit_test(every_kind_has_a_distinct_name),
    };

    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
        return write_seeds(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--lengths") == 0)
        return print_lengths(argv[2]);
    /* The counts in the TAP lines: forms, and proper prefixes (one per byte of each form). */
    snprintf(oracle_name, sizeof(oracle_name),
             "oracle: %u forms assembled by GNU as decode to their length and fields",
             insn_oracle_count);
    snprintf(trunc_name, sizeof(trunc_name),
             "oracle: all %u proper prefixes of those forms are refused", bytes);
    tests[0].name = oracle_name;
    tests[1].name = trunc_name;
    return cmocka_run_group_tests_name("instruction decoder", tests, NULL, NULL) != 0;
}
