/*
 * The x86-64 instruction decoder (interface and coverage: insn.h).  Portable C with no host
 * dependency, so it also runs as an ordinary program under ASan and UBSan.  Its input is
 * guest-controlled: every byte is fetched through one bounds-checked cursor limited to
 * min(avail, 15), so no loop runs longer than 15 steps and nothing past `avail` is read.
 * Decoding is table-driven: prefixes, opcode (one- or two-byte map), ModRM/SIB/displacement,
 * then the group that ModRM.reg selects, the prefix rules, and the immediate.
 */
#include "arch/x86/insn.h"

/* What follows the opcode as an immediate. */
enum imm_type {
    IMM_NONE,
    IMM_B,      /* 1 byte */
    IMM_W,      /* 2 bytes (ret/retf imm16) */
    IMM_Z,      /* 2 with 66 (and no REX.W), else 4 */
    IMM_V,      /* mov reg, imm: 8 with REX.W, 2 with 66, else 4 */
    IMM_ENTER,  /* enter: imm16 then imm8 */
    IMM_MOFFS,  /* A0-A3: an 8-byte address, 4 with 67 */
    IMM_REL32,  /* call/jmp/jcc rel32; 66 refused (its length differs between vendors) */
};

/* How the operand size follows from 66 and REX.W (insn.h, struct insn, opsz). */
enum size_type {
    SZ_NONE,
    SZ_B,       /* 1 */
    SZ_W,       /* 2 */
    SZ_Z,       /* 2 with 66, else 4 (in/out, ins/outs: REX.W has no effect) */
    SZ_V,       /* 8 with REX.W, 2 with 66, else 4 */
    SZ_D64,     /* defaults to 8: 2 with 66 unless REX.W (push, pop, enter, leave) */
    SZ_F64,     /* always 8 (near branches, mov CR/DR) */
    SZ_MW,      /* 2 for a memory operand, else as SZ_V (smsw, sldt, str, mov Sreg) */
    SZ_DQ,      /* cmpxchg8b/16b: 8, 16 with REX.W */
};

#define F_OK     0x001  /* defined in 64-bit mode */
#define F_MODRM  0x002  /* a ModRM byte follows the opcode */
#define F_GROUP  0x004  /* ModRM.reg (and more) selects the instruction: group_op() */
#define F_LOCK   0x008  /* LOCK is allowed, with a memory operand */
#define F_MEM    0x010  /* r/m must be memory */
#define F_REGS   0x020  /* mov CR/DR: mod is ignored, r/m is always a register */
#define F_OPREG  0x040  /* a register in the opcode's low three bits */
#define F_STR    0x080  /* string instruction: implicit rsi/rdi memory operand */
#define F_SEXT   0x100  /* the immediate is sign-extended to a wider operand size */
#define F_NO66   0x200  /* with 66, F2 or F3 it would be another (unknown) instruction */
#define F_NOF2   0x400
#define F_NOF3   0x800
#define F_NOPFX  (F_NO66 | F_NOF2 | F_NOF3)
#define F_NEEDF3 0x1000 /* defined only with F3 (popcnt) */

struct op {
    uint16_t flags;
    uint8_t imm;    /* enum imm_type */
    uint8_t size;   /* enum size_type */
    uint8_t kind;   /* enum insn_kind */
};

#define OP(f, i, s, k) { (uint16_t)(F_OK | (f)), (i), (s), (k) }
#define BAD            { 0, 0, 0, 0 }

/* An ALU block (add, or, adc, sbb, and, sub, xor, cmp): r/m,r; r,r/m; accumulator,imm. */
#define ALU(o, k, lk)                                        \
    [(o) + 0] = OP(F_MODRM | (lk), 0, SZ_B, (k)),            \
    [(o) + 1] = OP(F_MODRM | (lk), 0, SZ_V, (k)),            \
    [(o) + 2] = OP(F_MODRM, 0, SZ_B, INSN_OTHER),            \
    [(o) + 3] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),            \
    [(o) + 4] = OP(0, IMM_B, SZ_B, INSN_OTHER),                 \
    [(o) + 5] = OP(F_SEXT, IMM_Z, SZ_V, INSN_OTHER)

/* The one-byte map in 64-bit mode.  Absent: invalid in 64-bit mode (06 07 0E 16 17 1E 1F 27
 * 2F 37 3F 60-62 82 9A C4 C5 CE D4-D6 EA), prefixes (handled before), x87 (D8-DF). */
static const struct op one_byte[256] = {
    ALU(0x00, INSN_ADD, F_LOCK), ALU(0x08, INSN_OR, F_LOCK),
    ALU(0x10, INSN_ADC, F_LOCK), ALU(0x18, INSN_SBB, F_LOCK),
    ALU(0x20, INSN_AND, F_LOCK), ALU(0x28, INSN_SUB, F_LOCK),
    ALU(0x30, INSN_XOR, F_LOCK), ALU(0x38, INSN_OTHER, 0),
    [0x50 ... 0x57] = OP(F_OPREG, 0, SZ_D64, INSN_OTHER),          /* push r */
    [0x58 ... 0x5f] = OP(F_OPREG, 0, SZ_D64, INSN_OTHER),          /* pop r */
    [0x63] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),                     /* movsxd */
    [0x68] = OP(F_SEXT, IMM_Z, SZ_D64, INSN_OTHER),                /* push imm */
    [0x69] = OP(F_MODRM | F_SEXT, IMM_Z, SZ_V, INSN_OTHER),        /* imul r, r/m, imm */
    [0x6a] = OP(F_SEXT, IMM_B, SZ_D64, INSN_OTHER),
    [0x6b] = OP(F_MODRM | F_SEXT, IMM_B, SZ_V, INSN_OTHER),
    [0x6c] = OP(F_STR, 0, SZ_B, INSN_INS), [0x6d] = OP(F_STR, 0, SZ_Z, INSN_INS),
    [0x6e] = OP(F_STR, 0, SZ_B, INSN_OUTS), [0x6f] = OP(F_STR, 0, SZ_Z, INSN_OUTS),
    [0x70 ... 0x7f] = OP(F_SEXT, IMM_B, SZ_F64, INSN_OTHER),       /* jcc rel8 */
    [0x80] = OP(F_MODRM | F_GROUP, IMM_B, SZ_B, INSN_OTHER),
    [0x81] = OP(F_MODRM | F_GROUP | F_SEXT, IMM_Z, SZ_V, INSN_OTHER),
    [0x83] = OP(F_MODRM | F_GROUP | F_SEXT, IMM_B, SZ_V, INSN_OTHER),
    [0x84] = OP(F_MODRM, 0, SZ_B, INSN_OTHER), [0x85] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),
    [0x86] = OP(F_MODRM | F_LOCK, 0, SZ_B, INSN_XCHG),
    [0x87] = OP(F_MODRM | F_LOCK, 0, SZ_V, INSN_XCHG),
    [0x88] = OP(F_MODRM, 0, SZ_B, INSN_MOV_STORE), [0x89] = OP(F_MODRM, 0, SZ_V, INSN_MOV_STORE),
    [0x8a] = OP(F_MODRM, 0, SZ_B, INSN_OTHER), [0x8b] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),
    [0x8c] = OP(F_MODRM | F_GROUP, 0, SZ_MW, INSN_OTHER),          /* mov r/m, Sreg */
    [0x8d] = OP(F_MODRM | F_MEM, 0, SZ_V, INSN_OTHER),             /* lea */
    [0x8e] = OP(F_MODRM | F_GROUP, 0, SZ_W, INSN_OTHER),           /* mov Sreg, r/m */
    [0x8f] = OP(F_MODRM | F_GROUP, 0, SZ_D64, INSN_OTHER),         /* pop r/m (else XOP) */
    [0x90 ... 0x97] = OP(F_OPREG, 0, SZ_V, INSN_OTHER),            /* xchg rAX, r; nop; pause */
    [0x98] = OP(0, 0, SZ_V, INSN_OTHER), [0x99] = OP(0, 0, SZ_V, INSN_OTHER),
    [0x9b] = OP(0, 0, SZ_NONE, INSN_OTHER),                        /* fwait */
    [0x9c] = OP(0, 0, SZ_D64, INSN_PUSHF), [0x9d] = OP(0, 0, SZ_D64, INSN_POPF),
    [0x9e] = OP(0, 0, SZ_NONE, INSN_OTHER), [0x9f] = OP(0, 0, SZ_NONE, INSN_OTHER),
    [0xa0] = OP(0, IMM_MOFFS, SZ_B, INSN_OTHER), [0xa1] = OP(0, IMM_MOFFS, SZ_V, INSN_OTHER),
    [0xa2] = OP(0, IMM_MOFFS, SZ_B, INSN_MOV_STORE),
    [0xa3] = OP(0, IMM_MOFFS, SZ_V, INSN_MOV_STORE),
    [0xa4] = OP(F_STR, 0, SZ_B, INSN_MOVS), [0xa5] = OP(F_STR, 0, SZ_V, INSN_MOVS),
    [0xa6] = OP(F_STR, 0, SZ_B, INSN_OTHER), [0xa7] = OP(F_STR, 0, SZ_V, INSN_OTHER),
    [0xa8] = OP(0, IMM_B, SZ_B, INSN_OTHER), [0xa9] = OP(F_SEXT, IMM_Z, SZ_V, INSN_OTHER),
    [0xaa] = OP(F_STR, 0, SZ_B, INSN_STOS), [0xab] = OP(F_STR, 0, SZ_V, INSN_STOS),
    [0xac] = OP(F_STR, 0, SZ_B, INSN_OTHER), [0xad] = OP(F_STR, 0, SZ_V, INSN_OTHER),
    [0xae] = OP(F_STR, 0, SZ_B, INSN_OTHER), [0xaf] = OP(F_STR, 0, SZ_V, INSN_OTHER),
    [0xb0 ... 0xb7] = OP(F_OPREG, IMM_B, SZ_B, INSN_OTHER),        /* mov r8, imm8 */
    [0xb8 ... 0xbf] = OP(F_OPREG, IMM_V, SZ_V, INSN_OTHER),        /* mov r, imm */
    [0xc0] = OP(F_MODRM, IMM_B, SZ_B, INSN_OTHER), [0xc1] = OP(F_MODRM, IMM_B, SZ_V, INSN_OTHER),
    [0xc2] = OP(0, IMM_W, SZ_F64, INSN_OTHER), [0xc3] = OP(0, 0, SZ_F64, INSN_OTHER),
    [0xc6] = OP(F_MODRM | F_GROUP, IMM_B, SZ_B, INSN_OTHER),
    [0xc7] = OP(F_MODRM | F_GROUP | F_SEXT, IMM_Z, SZ_V, INSN_OTHER),
    [0xc8] = OP(0, IMM_ENTER, SZ_D64, INSN_OTHER), [0xc9] = OP(0, 0, SZ_D64, INSN_OTHER),
    [0xca] = OP(0, IMM_W, SZ_V, INSN_OTHER), [0xcb] = OP(0, 0, SZ_V, INSN_OTHER),
    [0xcc] = OP(0, 0, SZ_NONE, INSN_INT3), [0xcd] = OP(0, IMM_B, SZ_NONE, INSN_INT_N),
    [0xcf] = OP(0, 0, SZ_V, INSN_IRET),
    [0xd0] = OP(F_MODRM, 0, SZ_B, INSN_OTHER), [0xd1] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),
    [0xd2] = OP(F_MODRM, 0, SZ_B, INSN_OTHER), [0xd3] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),
    [0xd7] = OP(0, 0, SZ_B, INSN_OTHER),                           /* xlat */
    [0xe0 ... 0xe3] = OP(F_SEXT, IMM_B, SZ_F64, INSN_OTHER),       /* loop*, jrcxz */
    [0xe4] = OP(0, IMM_B, SZ_B, INSN_IN_IMM), [0xe5] = OP(0, IMM_B, SZ_Z, INSN_IN_IMM),
    [0xe6] = OP(0, IMM_B, SZ_B, INSN_OUT_IMM), [0xe7] = OP(0, IMM_B, SZ_Z, INSN_OUT_IMM),
    [0xe8] = OP(F_SEXT, IMM_REL32, SZ_F64, INSN_OTHER),            /* call rel32 */
    [0xe9] = OP(F_SEXT, IMM_REL32, SZ_F64, INSN_OTHER),            /* jmp rel32 */
    [0xeb] = OP(F_SEXT, IMM_B, SZ_F64, INSN_OTHER),
    [0xec] = OP(0, 0, SZ_B, INSN_IN_DX), [0xed] = OP(0, 0, SZ_Z, INSN_IN_DX),
    [0xee] = OP(0, 0, SZ_B, INSN_OUT_DX), [0xef] = OP(0, 0, SZ_Z, INSN_OUT_DX),
    [0xf1] = OP(0, 0, SZ_NONE, INSN_INT1),
    [0xf4] = OP(0, 0, SZ_NONE, INSN_HLT), [0xf5] = OP(0, 0, SZ_NONE, INSN_OTHER),
    [0xf6] = OP(F_MODRM | F_GROUP, 0, SZ_B, INSN_OTHER),
    [0xf7] = OP(F_MODRM | F_GROUP, 0, SZ_V, INSN_OTHER),
    [0xf8] = OP(0, 0, SZ_NONE, INSN_OTHER), [0xf9] = OP(0, 0, SZ_NONE, INSN_OTHER),
    [0xfa] = OP(0, 0, SZ_NONE, INSN_CLI), [0xfb] = OP(0, 0, SZ_NONE, INSN_STI),
    [0xfc] = OP(0, 0, SZ_NONE, INSN_OTHER), [0xfd] = OP(0, 0, SZ_NONE, INSN_OTHER),
    [0xfe] = OP(F_MODRM | F_GROUP, 0, SZ_B, INSN_OTHER),
    [0xff] = OP(F_MODRM | F_GROUP, 0, SZ_V, INSN_OTHER),
};

/* The two-byte map (0F xx): system instructions and the integer ones a kernel uses.  Absent:
 * SSE/AVX, the 0F 38 / 0F 3A maps, 3DNow!, sysenter/sysexit, rsm, ud0, the VMX group. */
static const struct op two_byte[256] = {
    [0x00] = OP(F_MODRM | F_GROUP, 0, SZ_NONE, INSN_OTHER),        /* group 6: sldt ... verw */
    [0x01] = OP(F_MODRM | F_GROUP, 0, SZ_NONE, INSN_OTHER),        /* group 7: lgdt ... rdtscp */
    [0x05] = OP(0, 0, SZ_NONE, INSN_SYSCALL),
    [0x06] = OP(0, 0, SZ_NONE, INSN_CLTS),
    [0x07] = OP(0, 0, SZ_V, INSN_SYSRET),
    [0x08] = OP(0, 0, SZ_NONE, INSN_INVD),
    [0x09] = OP(F_NO66 | F_NOF2, 0, SZ_NONE, INSN_WBINVD),         /* F3: wbnoinvd */
    [0x0b] = OP(0, 0, SZ_NONE, INSN_UD2),
    [0x0d] = OP(F_MODRM | F_MEM, 0, SZ_NONE, INSN_OTHER),          /* prefetch, prefetchw */
    [0x18] = OP(F_MODRM, 0, SZ_NONE, INSN_OTHER),                  /* prefetchh, hint nop */
    [0x19 ... 0x1f] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),            /* nop r/m, endbr64 */
    [0x20] = OP(F_MODRM | F_REGS, 0, SZ_F64, INSN_MOV_FROM_CR),
    [0x21] = OP(F_MODRM | F_REGS, 0, SZ_F64, INSN_MOV_FROM_DR),
    [0x22] = OP(F_MODRM | F_REGS, 0, SZ_F64, INSN_MOV_TO_CR),
    [0x23] = OP(F_MODRM | F_REGS, 0, SZ_F64, INSN_MOV_TO_DR),
    [0x30] = OP(0, 0, SZ_NONE, INSN_WRMSR), [0x31] = OP(0, 0, SZ_NONE, INSN_RDTSC),
    [0x32] = OP(0, 0, SZ_NONE, INSN_RDMSR), [0x33] = OP(0, 0, SZ_NONE, INSN_RDPMC),
    [0x40 ... 0x4f] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),            /* cmovcc */
    [0x80 ... 0x8f] = OP(F_SEXT, IMM_REL32, SZ_F64, INSN_OTHER),   /* jcc rel32 */
    [0x90 ... 0x9f] = OP(F_MODRM, 0, SZ_B, INSN_OTHER),            /* setcc */
    [0xa0] = OP(0, 0, SZ_D64, INSN_OTHER), [0xa1] = OP(0, 0, SZ_D64, INSN_OTHER),  /* fs */
    [0xa2] = OP(0, 0, SZ_NONE, INSN_CPUID),
    [0xa3] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),                     /* bt */
    [0xa4] = OP(F_MODRM, IMM_B, SZ_V, INSN_OTHER), [0xa5] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),
    [0xa8] = OP(0, 0, SZ_D64, INSN_OTHER), [0xa9] = OP(0, 0, SZ_D64, INSN_OTHER),  /* gs */
    [0xab] = OP(F_MODRM | F_LOCK, 0, SZ_V, INSN_BTS),
    [0xac] = OP(F_MODRM, IMM_B, SZ_V, INSN_OTHER), [0xad] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),
    [0xae] = OP(F_MODRM | F_GROUP, 0, SZ_NONE, INSN_OTHER),        /* group 15 */
    [0xaf] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),                     /* imul r, r/m */
    [0xb0] = OP(F_MODRM | F_LOCK, 0, SZ_B, INSN_CMPXCHG),
    [0xb1] = OP(F_MODRM | F_LOCK, 0, SZ_V, INSN_CMPXCHG),
    [0xb2] = OP(F_MODRM | F_MEM, 0, SZ_V, INSN_OTHER),             /* lss */
    [0xb3] = OP(F_MODRM | F_LOCK, 0, SZ_V, INSN_BTR),
    [0xb4] = OP(F_MODRM | F_MEM, 0, SZ_V, INSN_OTHER),             /* lfs */
    [0xb5] = OP(F_MODRM | F_MEM, 0, SZ_V, INSN_OTHER),             /* lgs */
    [0xb6] = OP(F_MODRM, 0, SZ_V, INSN_OTHER), [0xb7] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),
    [0xb8] = OP(F_MODRM | F_NEEDF3, 0, SZ_V, INSN_OTHER),          /* popcnt */
    [0xb9] = OP(F_MODRM, 0, SZ_V, INSN_UD1),
    [0xba] = OP(F_MODRM | F_GROUP, IMM_B, SZ_V, INSN_OTHER),       /* group 8: bt* imm8 */
    [0xbb] = OP(F_MODRM | F_LOCK, 0, SZ_V, INSN_BTC),
    [0xbc] = OP(F_MODRM | F_NOF2, 0, SZ_V, INSN_OTHER),            /* bsf; F3: tzcnt */
    [0xbd] = OP(F_MODRM | F_NOF2, 0, SZ_V, INSN_OTHER),            /* bsr; F3: lzcnt */
    [0xbe] = OP(F_MODRM, 0, SZ_V, INSN_OTHER), [0xbf] = OP(F_MODRM, 0, SZ_V, INSN_OTHER),
    [0xc0] = OP(F_MODRM | F_LOCK, 0, SZ_B, INSN_XADD),
    [0xc1] = OP(F_MODRM | F_LOCK, 0, SZ_V, INSN_XADD),
    [0xc3] = OP(F_MODRM | F_MEM | F_NOPFX, 0, SZ_V, INSN_MOV_STORE), /* movnti */
    [0xc7] = OP(F_MODRM | F_GROUP, 0, SZ_NONE, INSN_OTHER),        /* group 9 */
    [0xc8 ... 0xcf] = OP(F_OPREG, 0, SZ_V, INSN_OTHER),            /* bswap */
};

/*
 * Groups: the entry ModRM.reg selects refines the opcode's (group_op, refine).  Its flags are
 * added; a nonzero imm or size replaces the opcode's; its kind is the instruction's.
 */
#define G(f, i, s, k) OP(f, i, s, k)

static const struct op group1[8] = {      /* 80 81 83 */
    G(F_LOCK, 0, 0, INSN_ADD), G(F_LOCK, 0, 0, INSN_OR), G(F_LOCK, 0, 0, INSN_ADC),
    G(F_LOCK, 0, 0, INSN_SBB), G(F_LOCK, 0, 0, INSN_AND), G(F_LOCK, 0, 0, INSN_SUB),
    G(F_LOCK, 0, 0, INSN_XOR), G(0, 0, 0, INSN_OTHER),
};
static const struct op group1a[8] = { G(0, 0, 0, INSN_OTHER) };             /* 8F: pop */
static const struct op group11[8] = { G(0, 0, 0, INSN_MOV_STORE_IMM) };     /* C6 C7 */
static const struct op group3_b[8] = {    /* F6: test imm8 (/1 an alias), not, neg, mul... */
    G(0, IMM_B, 0, INSN_OTHER), G(0, IMM_B, 0, INSN_OTHER),
    G(F_LOCK, 0, 0, INSN_OTHER), G(F_LOCK, 0, 0, INSN_OTHER),
    G(0, 0, 0, INSN_OTHER), G(0, 0, 0, INSN_OTHER), G(0, 0, 0, INSN_OTHER), G(0, 0, 0, INSN_OTHER),
};
static const struct op group3_v[8] = {    /* F7 */
    G(F_SEXT, IMM_Z, 0, INSN_OTHER), G(F_SEXT, IMM_Z, 0, INSN_OTHER),
    G(F_LOCK, 0, 0, INSN_OTHER), G(F_LOCK, 0, 0, INSN_OTHER),
    G(0, 0, 0, INSN_OTHER), G(0, 0, 0, INSN_OTHER), G(0, 0, 0, INSN_OTHER), G(0, 0, 0, INSN_OTHER),
};
static const struct op group4[8] = {      /* FE: inc, dec */
    G(F_LOCK, 0, 0, INSN_OTHER), G(F_LOCK, 0, 0, INSN_OTHER),
};
static const struct op group5[8] = {      /* FF: inc, dec, call, callf, jmp, jmpf, push */
    G(F_LOCK, 0, 0, INSN_OTHER), G(F_LOCK, 0, 0, INSN_OTHER), G(0, 0, SZ_F64, INSN_OTHER),
    G(F_MEM, 0, 0, INSN_OTHER), G(0, 0, SZ_F64, INSN_OTHER), G(F_MEM, 0, 0, INSN_OTHER),
    G(0, 0, SZ_D64, INSN_OTHER),
};
static const struct op sreg_store[8] = {  /* 8C: es cs ss ds fs gs */
    G(0, 0, 0, 0), G(0, 0, 0, 0), G(0, 0, 0, 0), G(0, 0, 0, 0), G(0, 0, 0, 0), G(0, 0, 0, 0),
};
static const struct op sreg_load[8] = {   /* 8E: loading cs is #UD */
    G(0, 0, 0, 0), BAD, G(0, 0, 0, 0), G(0, 0, 0, 0), G(0, 0, 0, 0), G(0, 0, 0, 0),
};
static const struct op group6[8] = {      /* 0F 00 */
    G(0, 0, SZ_MW, INSN_SLDT), G(0, 0, SZ_MW, INSN_STR), G(0, 0, SZ_W, INSN_LLDT),
    G(0, 0, SZ_W, INSN_LTR), G(0, 0, SZ_W, INSN_OTHER), G(0, 0, SZ_W, INSN_OTHER),
};
static const struct op group8[8] = {      /* 0F BA: bt, bts, btr, btc with imm8 */
    [4] = G(0, 0, 0, INSN_OTHER), G(F_LOCK, 0, 0, INSN_BTS), G(F_LOCK, 0, 0, INSN_BTR),
    G(F_LOCK, 0, 0, INSN_BTC),
};
static const struct op group7_mem[8] = {  /* 0F 01 with a memory operand */
    G(0, 0, 0, INSN_SGDT), G(0, 0, 0, INSN_SIDT), G(0, 0, 0, INSN_LGDT), G(0, 0, 0, INSN_LIDT),
    G(0, 0, SZ_MW, INSN_SMSW), BAD, G(0, 0, SZ_W, INSN_LMSW), G(0, 0, 0, INSN_INVLPG),
};
static const struct op bad_op = BAD;

/* 66, F2 or F3: in much of the 0F map they select another instruction, not a size or rep. */
static bool has_66_f2_f3(const struct insn *in)
{
    return in->opsize16 || in->rep || in->repne;
}

/* 0F 01 with a register operand: smsw and lmsw by reg, the rest by the whole ModRM byte. */
static const struct { uint8_t modrm, kind; } group7_reg[] = {
    { 0xc8, INSN_MONITOR }, { 0xc9, INSN_MWAIT }, { 0xca, INSN_CLAC }, { 0xcb, INSN_STAC },
    { 0xd0, INSN_XGETBV }, { 0xd1, INSN_XSETBV }, { 0xee, INSN_RDPKRU }, { 0xef, INSN_WRPKRU },
    { 0xf8, INSN_SWAPGS }, { 0xf9, INSN_RDTSCP },
};

/* 0F 01: memory forms by reg; register forms as above, without 66/F2/F3 (which select other
 * instructions there). */
static struct op group7(const struct insn *in)
{
    static const struct op smsw = G(0, 0, SZ_MW, INSN_SMSW), lmsw = G(0, 0, SZ_W, INSN_LMSW);
    uint8_t modrm = 0xc0 | (in->reg & 7) << 3 | (in->rm & 7);
    struct op op = G(0, 0, 0, INSN_OTHER);

    if (in->mod != 3)
        return group7_mem[in->reg & 7];
    if ((in->reg & 7) == 4)
        return smsw;
    if ((in->reg & 7) == 6)
        return lmsw;
    if (has_66_f2_f3(in))
        return bad_op;
    for (size_t i = 0; i < sizeof(group7_reg) / sizeof(group7_reg[0]); i++) {
        if (group7_reg[i].modrm == modrm) {
            op.kind = group7_reg[i].kind;
            return op;
        }
    }
    return bad_op;
}

/* 0F AE.  Memory: fxsave fxrstor ldmxcsr stmxcsr xsave xrstor xsaveopt clflush, and with 66
 * clwb (/6) and clflushopt (/7).  Register: lfence mfence sfence (/5-/7, r/m 0 as assemblers
 * write them), and with F3 rd/wr fs/gs base (/0-/3). */
static struct op group15(const struct insn *in)
{
    static const struct op fsgs[4] = {
        G(0, 0, SZ_V, INSN_RDFSBASE), G(0, 0, SZ_V, INSN_RDGSBASE),
        G(0, 0, SZ_V, INSN_WRFSBASE), G(0, 0, SZ_V, INSN_WRGSBASE),
    };
    static const struct op plain = G(0, 0, 0, INSN_OTHER);
    unsigned reg = in->reg & 7;

    if (in->mod != 3) {
        if (!has_66_f2_f3(in) || (in->opsize16 && !in->rep && !in->repne && reg >= 6))
            return plain;
        return bad_op;
    }
    if (!has_66_f2_f3(in) && reg >= 5 && (in->rm & 7) == 0)
        return plain;
    if (in->rep && !in->repne && !in->opsize16 && reg < 4)
        return fsgs[reg];
    return bad_op;
}

/* 0F C7.  Memory: cmpxchg8b/16b (/1, F2/F3 allowed as the HLE hints of a locked one),
 * xrstors xsavec xsaves (/3-/5).  Register: rdrand (/6), rdseed (/7), with F3 rdpid (/7). */
static struct op group9(const struct insn *in)
{
    static const struct op plain = G(0, 0, 0, INSN_OTHER), sized = G(0, 0, SZ_V, INSN_OTHER);
    static const struct op cx8 = G(F_LOCK, 0, SZ_DQ, INSN_CMPXCHG8B);
    static const struct op cx16 = G(F_LOCK, 0, SZ_DQ, INSN_CMPXCHG16B);
    static const struct op rdpid = G(0, 0, SZ_F64, INSN_OTHER);
    unsigned reg = in->reg & 7;

    if (in->mod != 3) {
        if (reg == 1 && !in->opsize16)
            return in->rex & 8 ? cx16 : cx8;
        return reg >= 3 && reg <= 5 && !has_66_f2_f3(in) ? plain : bad_op;
    }
    if (reg < 6 || in->repne)
        return bad_op;
    if (!in->rep)
        return sized;
    return reg == 7 && !in->opsize16 ? rdpid : bad_op;
}

/* The group entry for in's opcode and ModRM. */
static struct op group_op(const struct insn *in)
{
    unsigned r = in->reg & 7;

    switch (in->opcode) {
    case 0x80: case 0x81: case 0x83: return group1[r];
    case 0x8c:   return sreg_store[r];
    case 0x8e:   return sreg_load[r];
    case 0x8f:   return group1a[r];
    case 0xc6: case 0xc7: return group11[r];
    case 0xf6:   return group3_b[r];
    case 0xf7:   return group3_v[r];
    case 0xfe:   return group4[r];
    case 0xff:   return group5[r];
    case 0x0f00: return group6[r];
    case 0x0f01: return group7(in);
    case 0x0fae: return group15(in);
    case 0x0fba: return group8[r];
    case 0x0fc7: return group9(in);
    default:     return bad_op;
    }
}

static struct op refine(struct op op, const struct insn *in)
{
    struct op g = group_op(in);

    if (!(g.flags & F_OK))
        return g;
    op.flags |= g.flags;
    if (g.imm)
        op.imm = g.imm;
    if (g.size)
        op.size = g.size;
    op.kind = g.kind;
    return op;
}

/* The only way bytes are read: a cursor that stops at min(avail, INSN_MAX_LEN). */
struct cursor {
    const uint8_t *p;
    size_t lim, pos;
};

static bool fetch(struct cursor *c, uint8_t *b)
{
    if (c->pos >= c->lim)
        return false;
    *b = c->p[c->pos++];
    return true;
}

/* A little-endian value of len (<= 8) bytes. */
static bool fetch_le(struct cursor *c, unsigned len, uint64_t *v)
{
    uint64_t x = 0;

    if (c->lim - c->pos < len)
        return false;
    for (unsigned i = 0; i < len; i++)
        x |= (uint64_t)c->p[c->pos + i] << (8 * i);
    c->pos += len;
    *v = x;
    return true;
}

/* Record a legacy prefix; false if b is not one. */
static bool legacy_prefix(struct insn *in, uint8_t b)
{
    switch (b) {
    case 0xf0: in->lock = true; return true;
    case 0xf2: in->repne = true; return true;
    case 0xf3: in->rep = true; return true;
    case 0x66: in->opsize16 = true; return true;
    case 0x67: in->addr32 = true; return true;
    case 0x64: case 0x65: in->seg = b; return true;
    case 0x26: case 0x2e: case 0x36: case 0x3e:
        if (in->seg != 0x64 && in->seg != 0x65)
            in->seg = b;
        return true;
    default:
        return false;
    }
}

/* Prefixes, then the first opcode byte.  A legacy prefix after a REX cancels it. */
static bool prefixes(struct cursor *c, struct insn *in, uint8_t *opcode)
{
    uint8_t b;

    while (fetch(c, &b)) {
        if (legacy_prefix(in, b))
            in->rex = 0;
        else if ((b & 0xf0) == 0x40)
            in->rex = b;
        else {
            *opcode = b;
            return true;
        }
    }
    return false;
}

/* The memory operand after a ModRM byte with mod != 3: SIB, displacement. */
static bool memory_operand(struct cursor *c, struct insn *in)
{
    unsigned disp_len = in->mod == 1 ? 1 : in->mod == 2 ? 4 : 0;
    uint8_t sib;
    uint64_t d;

    in->mem = true;
    if ((in->rm & 7) == 4) {
        unsigned index;

        if (!fetch(c, &sib))
            return false;
        index = (sib >> 3 & 7) | (in->rex & 2) << 2;
        in->has_sib = true;
        in->scale = 1 << (sib >> 6);
        in->index = index == 4 ? INSN_REG_NONE : index;
        if ((sib & 7) == 5 && in->mod == 0)
            disp_len = 4;
        else
            in->base = (sib & 7) | (in->rex & 1) << 3;
    } else if ((in->rm & 7) == 5 && in->mod == 0) {
        in->rip_rel = true;
        disp_len = 4;
    } else {
        in->base = in->rm;
    }
    if (!fetch_le(c, disp_len, &d))
        return false;
    in->disp_len = disp_len;
    in->disp = disp_len == 1 ? (int8_t)d : (int32_t)(uint32_t)d;
    return true;
}

static bool modrm(struct cursor *c, struct insn *in, const struct op *op)
{
    uint8_t m;

    if (!fetch(c, &m))
        return false;
    in->has_modrm = true;
    in->mod = m >> 6;
    in->reg = (m >> 3 & 7) | (in->rex & 4) << 1;
    in->rm = (m & 7) | (in->rex & 1) << 3;
    if (in->mod == 3 || (op->flags & F_REGS))
        return true;
    return memory_operand(c, in);
}

/* The prefix rules that make an otherwise decoded instruction undefined (or unknown here). */
static bool prefixes_allowed(const struct op *op, const struct insn *in)
{
    if (in->lock && !((op->flags & F_LOCK) && in->mem))
        return false;
    if ((op->flags & F_MEM) && !in->mem)
        return false;
    if (((op->flags & F_NO66) && in->opsize16) || ((op->flags & F_NOF2) && in->repne) ||
        ((op->flags & F_NOF3) && in->rep))
        return false;
    if ((op->flags & F_NEEDF3) && !(in->rep && !in->repne))
        return false;
    return !(op->imm == IMM_REL32 && in->opsize16);
}

static unsigned imm_bytes(unsigned type, const struct insn *in)
{
    bool w = in->rex & 8;

    switch (type) {
    case IMM_B:     return 1;
    case IMM_W:     return 2;
    case IMM_Z:     return in->opsize16 && !w ? 2 : 4;
    case IMM_V:     return w ? 8 : in->opsize16 ? 2 : 4;
    case IMM_ENTER: return 3;
    case IMM_MOFFS: return in->addr32 ? 4 : 8;
    case IMM_REL32: return 4;
    default:        return 0;
    }
}

static uint8_t operand_size(unsigned type, const struct insn *in)
{
    bool w = in->rex & 8;
    uint8_t v = w ? 8 : in->opsize16 ? 2 : 4;

    switch (type) {
    case SZ_B:   return 1;
    case SZ_W:   return 2;
    case SZ_Z:   return in->opsize16 ? 2 : 4;
    case SZ_V:   return v;
    case SZ_D64: return w || !in->opsize16 ? 8 : 2;
    case SZ_F64: return 8;
    case SZ_MW:  return in->mem ? 2 : v;
    case SZ_DQ:  return w ? 16 : 8;
    default:     return 0;
    }
}

/* The decoder proper: fills *in in place (no copy of the whole struct on the way: under
 * emulation every instruction counts), and leaves it partly filled when it fails. */
static int decode(const uint8_t *bytes, size_t avail, struct insn *in)
{
    struct cursor c = { bytes, avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN, 0 };
    struct op op;
    uint8_t b;

    if (!prefixes(&c, in, &b))
        return -1;
    if (b == 0x0f) {
        if (!fetch(&c, &b))
            return -1;
        in->opcode = 0x0f00 | b;
        op = two_byte[b];
    } else {
        in->opcode = b;
        op = one_byte[b];
    }
    if (!(op.flags & F_OK))
        return -1;
    if ((op.flags & F_MODRM) && !modrm(&c, in, &op))
        return -1;
    if (op.flags & F_GROUP)
        op = refine(op, in);
    if (!(op.flags & F_OK))
        return -1;
    if (op.flags & F_OPREG)
        in->rm = (in->opcode & 7) | (in->rex & 1) << 3;
    if (op.flags & F_STR)
        in->mem = true;
    if (op.imm == IMM_MOFFS)
        in->mem = true;              /* reg stays 0: the accumulator */
    if (!prefixes_allowed(&op, in))
        return -1;
    in->imm_len = imm_bytes(op.imm, in);
    if (!fetch_le(&c, in->imm_len, &in->imm))
        return -1;
    in->imm_signed = op.flags & F_SEXT;
    in->opsz = operand_size(op.size, in);
    in->kind = op.kind;
    in->len = c.pos;
    return 0;
}

int insn_decode(const uint8_t *bytes, size_t avail, struct insn *out)
{
    static const struct insn empty = { .base = INSN_REG_NONE, .index = INSN_REG_NONE };

    *out = empty;
    if (decode(bytes, avail, out) == 0)
        return 0;
    *out = empty;                       /* a failed decode leaves nothing half-filled */
    return -1;
}

static bool fs_or_gs(const struct insn *in)
{
    return in->seg == 0x64 || in->seg == 0x65;
}

/* Wrap to the address size, then add the FS/GS base if the operand takes the override. */
static uint64_t linear(const struct insn *in, uint64_t ea, bool overridable, uint64_t seg_base)
{
    if (in->addr32)
        ea = (uint32_t)ea;
    if (overridable && fs_or_gs(in))
        ea += seg_base;
    return ea;
}

/* String instructions whose only memory operand is DS:rsi. */
static bool str_uses_rsi_only(uint16_t opcode)
{
    return opcode == 0x6e || opcode == 0x6f || opcode == 0xac || opcode == 0xad;
}

uint64_t insn_mem_addr(const struct insn *in, const uint64_t gpr[16], uint64_t rip_next,
                       uint64_t seg_base)
{
    uint64_t ea;

    if (!in->mem)
        return 0;
    if (in->has_modrm) {
        ea = (uint64_t)(int64_t)in->disp;
        if (in->rip_rel)
            ea += rip_next;
        if (in->base != INSN_REG_NONE)
            ea += gpr[in->base & 15];
        if (in->index != INSN_REG_NONE)
            ea += gpr[in->index & 15] * in->scale;
        return linear(in, ea, true, seg_base);
    }
    if (in->opcode >= 0xa0 && in->opcode <= 0xa3)
        return linear(in, in->imm, true, seg_base);
    if (str_uses_rsi_only(in->opcode))
        return linear(in, gpr[6], true, seg_base);
    return linear(in, gpr[7], false, 0);
}

uint64_t insn_str_src_addr(const struct insn *in, const uint64_t gpr[16], uint64_t seg_base)
{
    if (in->opcode < 0xa4 || in->opcode > 0xa7)
        return 0;
    return linear(in, gpr[6], true, seg_base);
}

uint64_t insn_imm_operand(const struct insn *in)
{
    unsigned bits = in->imm_len * 8;
    uint64_t v = in->imm;

    if (in->imm_signed && bits > 0 && bits < 64 && (v >> (bits - 1) & 1))
        v |= ~0ULL << bits;
    if (in->opsz > 0 && in->opsz < 8)
        v &= (1ULL << (in->opsz * 8)) - 1;
    return v;
}

/* Register r as an operand of `size` bytes (ah-bh for byte registers 4-7 without REX). */
static uint64_t reg_value(const struct insn *in, const uint64_t gpr[16], uint8_t r,
                          unsigned size)
{
    uint64_t v = gpr[r & 15];

    if (size == 1 && insn_reg_is_high_byte(in, r))
        return (gpr[r & 3] >> 8) & 0xff;
    return size < 8 ? v & ((1ULL << (size * 8)) - 1) : v;
}

uint64_t insn_src_value(const struct insn *in, const uint64_t gpr[16])
{
    switch (in->kind) {
    case INSN_MOV_STORE: case INSN_MOV_STORE_IMM: case INSN_XCHG: case INSN_CMPXCHG:
    case INSN_XADD: case INSN_ADD: case INSN_OR: case INSN_ADC: case INSN_SBB: case INSN_AND:
    case INSN_SUB: case INSN_XOR: case INSN_BTS: case INSN_BTR: case INSN_BTC:
    case INSN_STOS:
        break;
    default:
        return 0;
    }
    if (in->imm_len && !(in->opcode >= 0xa0 && in->opcode <= 0xa3))
        return insn_imm_operand(in);
    return reg_value(in, gpr, in->has_modrm ? in->reg : 0, in->opsz);
}

bool insn_is_xen_forced(const uint8_t *bytes, size_t avail)
{
    static const uint8_t sig[INSN_XEN_FORCED_LEN] = { 0x0f, 0x0b, 'x', 'e', 'n' };

    if (avail < INSN_XEN_FORCED_LEN)
        return false;
    for (unsigned i = 0; i < INSN_XEN_FORCED_LEN; i++)
        if (bytes[i] != sig[i])
            return false;
    return true;
}

static const char *const kind_names[INSN_KIND_COUNT] = {
    [INSN_OTHER] = "other", [INSN_MOV_STORE] = "mov-store", [INSN_MOV_STORE_IMM] = "mov-store-imm",
    [INSN_XCHG] = "xchg", [INSN_CMPXCHG] = "cmpxchg", [INSN_CMPXCHG8B] = "cmpxchg8b",
    [INSN_CMPXCHG16B] = "cmpxchg16b", [INSN_XADD] = "xadd", [INSN_ADD] = "add",
    [INSN_OR] = "or", [INSN_ADC] = "adc", [INSN_SBB] = "sbb", [INSN_AND] = "and",
    [INSN_SUB] = "sub", [INSN_XOR] = "xor", [INSN_BTS] = "bts", [INSN_BTR] = "btr",
    [INSN_BTC] = "btc", [INSN_STOS] = "stos", [INSN_MOVS] = "movs",
    [INSN_MOV_FROM_CR] = "mov-from-cr", [INSN_MOV_TO_CR] = "mov-to-cr",
    [INSN_MOV_FROM_DR] = "mov-from-dr", [INSN_MOV_TO_DR] = "mov-to-dr",
    [INSN_RDMSR] = "rdmsr", [INSN_WRMSR] = "wrmsr", [INSN_RDTSC] = "rdtsc",
    [INSN_RDTSCP] = "rdtscp", [INSN_RDPMC] = "rdpmc", [INSN_CPUID] = "cpuid",
    [INSN_IN_IMM] = "in-imm", [INSN_IN_DX] = "in-dx", [INSN_OUT_IMM] = "out-imm",
    [INSN_OUT_DX] = "out-dx", [INSN_INS] = "ins", [INSN_OUTS] = "outs", [INSN_CLTS] = "clts",
    [INSN_WBINVD] = "wbinvd", [INSN_INVD] = "invd", [INSN_HLT] = "hlt", [INSN_CLI] = "cli",
    [INSN_STI] = "sti", [INSN_LMSW] = "lmsw", [INSN_SMSW] = "smsw", [INSN_INVLPG] = "invlpg",
    [INSN_SWAPGS] = "swapgs", [INSN_LGDT] = "lgdt", [INSN_LIDT] = "lidt", [INSN_LLDT] = "lldt",
    [INSN_LTR] = "ltr", [INSN_SGDT] = "sgdt", [INSN_SIDT] = "sidt", [INSN_SLDT] = "sldt",
    [INSN_STR] = "str", [INSN_XGETBV] = "xgetbv", [INSN_XSETBV] = "xsetbv",
    [INSN_MONITOR] = "monitor", [INSN_MWAIT] = "mwait", [INSN_RDPKRU] = "rdpkru",
    [INSN_WRPKRU] = "wrpkru", [INSN_CLAC] = "clac", [INSN_STAC] = "stac",
    [INSN_RDFSBASE] = "rdfsbase", [INSN_RDGSBASE] = "rdgsbase", [INSN_WRFSBASE] = "wrfsbase",
    [INSN_WRGSBASE] = "wrgsbase", [INSN_INT3] = "int3", [INSN_INT_N] = "int-n",
    [INSN_INT1] = "int1", [INSN_UD2] = "ud2", [INSN_UD1] = "ud1", [INSN_IRET] = "iret",
    [INSN_SYSCALL] = "syscall", [INSN_SYSRET] = "sysret", [INSN_PUSHF] = "pushf",
    [INSN_POPF] = "popf",
};

const char *insn_kind_name(enum insn_kind kind)
{
    if ((unsigned)kind >= INSN_KIND_COUNT || !kind_names[kind])
        return "?";
    return kind_names[kind];
}
