/*
 * The x86-64 instruction decoder behind all of the host's emulation: the privileged
 * instructions a PV kernel in ring 3 still executes (#GP, or #UD after Xen's forced-emulation
 * prefix) and guest stores into its own read-only pagetables.  The bytes are guest memory: the
 * decoder reads at most `avail` of them and never more than 15, loops only over that bound, and
 * answers -1 for anything outside the opcode maps it knows (never a guessed length).
 */
#ifndef PVX_INSN_H
#define PVX_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INSN_MAX_LEN   15          /* the architectural limit; longer raises #GP */
#define INSN_REG_NONE  0xff        /* no base or no index register */

/* Xen's forced-emulation prefix: `ud2; .ascii "xen"` (0f 0b 78 65 6e) before an instruction. */
#define INSN_XEN_FORCED_LEN 5

/*
 * What an instruction is, for the emulators.  The store kinds (MOV_STORE ... MOVS) name the
 * operation on the memory operand: an ALU kind is given only to the forms whose destination is
 * the r/m operand (01 add r/m,r and 81 /0 add r/m,imm are ADD; 03 add r,r/m is OTHER), and an
 * instruction with a register r/m has the same kind with mem false.  OTHER: decoded, with a
 * correct length and fields, but no emulator wants it.
 */
enum insn_kind {
    INSN_OTHER = 0,
    /* Writers of memory, the ways a kernel updates a pagetable entry. */
    INSN_MOV_STORE,       /* 88 89 (r/m <- reg), A2 A3 (moffs <- rax), 0F C3 movnti */
    INSN_MOV_STORE_IMM,   /* C6 /0, C7 /0 */
    INSN_XCHG,            /* 86 87 */
    INSN_CMPXCHG,         /* 0F B0 0F B1 */
    INSN_CMPXCHG8B,       /* 0F C7 /1 */
    INSN_CMPXCHG16B,      /* REX.W 0F C7 /1 */
    INSN_XADD,            /* 0F C0 0F C1 */
    INSN_ADD, INSN_OR, INSN_ADC, INSN_SBB, INSN_AND, INSN_SUB, INSN_XOR,
                          /* 00 01 08 09 10 11 18 19 20 21 28 29 30 31 (source: reg),
                             80 81 83 /0-/6 (source: the immediate, insn_imm_operand()) */
    INSN_BTS, INSN_BTR, INSN_BTC,  /* 0F AB B3 BB (bit offset in reg, may leave the operand),
                                      0F BA /5 /6 /7 (offset imm8 modulo the operand size) */
    INSN_STOS,            /* AA AB */
    INSN_MOVS,            /* A4 A5 */
    /* Privileged or otherwise interesting to a PV host. */
    INSN_MOV_FROM_CR, INSN_MOV_TO_CR,   /* 0F 20, 0F 22: reg = CRn, rm = the GPR */
    INSN_MOV_FROM_DR, INSN_MOV_TO_DR,   /* 0F 21, 0F 23: reg = DRn, rm = the GPR */
    INSN_RDMSR, INSN_WRMSR, INSN_RDTSC, INSN_RDTSCP, INSN_RDPMC, INSN_CPUID,
    INSN_IN_IMM, INSN_IN_DX, INSN_OUT_IMM, INSN_OUT_DX, INSN_INS, INSN_OUTS,
    INSN_CLTS, INSN_WBINVD, INSN_INVD, INSN_HLT, INSN_CLI, INSN_STI,
    INSN_LMSW, INSN_SMSW, INSN_INVLPG, INSN_SWAPGS,
    INSN_LGDT, INSN_LIDT, INSN_LLDT, INSN_LTR, INSN_SGDT, INSN_SIDT, INSN_SLDT, INSN_STR,
    INSN_XGETBV, INSN_XSETBV, INSN_MONITOR, INSN_MWAIT, INSN_RDPKRU, INSN_WRPKRU,
    INSN_CLAC, INSN_STAC,
    INSN_RDFSBASE, INSN_RDGSBASE, INSN_WRFSBASE, INSN_WRGSBASE,
    INSN_INT3, INSN_INT_N, INSN_INT1, INSN_UD2, INSN_UD1,
    INSN_IRET, INSN_SYSCALL, INSN_SYSRET, INSN_PUSHF, INSN_POPF,
    INSN_KIND_COUNT
};

/*
 * One decoded instruction.  Registers are numbered as the encoding numbers them: rax 0, rcx 1,
 * rdx 2, rbx 3, rsp 4, rbp 5, rsi 6, rdi 7, r8-r15 8-15 (byte registers 4-7 without a REX
 * prefix are ah ch dh bh: see insn_reg_is_high_byte()).
 */
struct insn {
    uint8_t len;               /* total length in bytes, 1..15 */
    /* Legacy prefixes seen, in any order (repeats allowed, up to the 15-byte limit). */
    bool lock, rep, repne;     /* F0, F3, F2 (rep/repne: both set if both were present) */
    bool opsize16, addr32;     /* 66, 67 */
    uint8_t seg;               /* 64 or 65 (the last FS/GS override) if any; else the last of
                                  2E 36 3E 26, which 64-bit mode ignores; else 0 */
    uint8_t rex;               /* REX byte (40-4F) that applies, 0 if none: only a REX
                                  immediately before the opcode counts */
    uint16_t opcode;           /* one-byte opcodes 0x00-0xff; two-byte 0x0f00 | second byte */

    /* ModRM.  reg and rm are extended by REX.R and REX.B.  Opcodes that carry a register in
     * their low three bits (push, pop, xchg rAX, mov imm, bswap) put it, extended by REX.B, in
     * rm, with has_modrm false.  0F 20-23 (mov CR/DR) ignore mod: always registers. */
    bool has_modrm;
    uint8_t mod, reg, rm;

    /*
     * The memory operand insn_mem_addr() locates, if mem: a ModRM memory operand (mod != 3),
     * the moffs of A0-A3 (kept in imm), or a string instruction's rdi/rsi operand.  For a ModRM
     * operand, base and index are the registers used (extended by REX.B / REX.X) or
     * INSN_REG_NONE, with or without a SIB byte; scale is the SIB factor 1/2/4/8 (0 without
     * SIB).  disp is the displacement sign-extended from its disp_len (0, 1 or 4) bytes.
     */
    bool mem;
    bool has_sib;
    uint8_t scale, index, base;
    bool rip_rel;
    uint8_t disp_len;
    int32_t disp;

    /* The immediate, zero-extended from its imm_len bytes as encoded.  enter (C8) packs its
     * Iw and Ib as imm_len 3, imm = iw | ib << 16; relative branches keep rel8/rel32 here;
     * A0-A3 their 8-byte (4 with 67) moffs, with reg 0 for the accumulator they move.
     * imm_signed: the opcode sign-extends it to a wider operand (never for byte operands). */
    uint8_t imm_len;
    bool imm_signed;
    uint64_t imm;

    /*
     * Operand size in bytes, from the opcode, 66 and REX.W: 1, 2, 4 or 8, and 16 for
     * cmpxchg16b.  Instructions defaulting to 64-bit (push, pop, near branches) give 8 unless
     * 66; mov CR/DR give 8; in/out/ins/outs give 1, 2 or 4; smsw/sldt/str to memory give 2.
     * 0: no data operand (cpuid, hlt, invlpg, lgdt ...).
     */
    uint8_t opsz;
    enum insn_kind kind;
};

/*
 * Decode the instruction at `bytes`, of which `avail` are readable (15 are always enough).
 * Returns 0 with *out filled in, or -1 when the bytes are not a complete x86-64 instruction
 * this decoder knows the length of: truncated, longer than 15 bytes, undefined or #UD in
 * 64-bit mode (LOCK on a non-lockable instruction or a register operand, lea with a register),
 * VEX/EVEX/XOP, x87, SSE and the 0F 38 / 0F 3A maps, and encodings whose length differs
 * between vendors (66 on a rel32 branch).  *out is written in either case.
 */
int insn_decode(const uint8_t *bytes, size_t avail, struct insn *out);

/*
 * The linear address of the memory operand of a decoded instruction (in->mem must be true;
 * returns 0 otherwise).  gpr[] holds the guest registers in encoding order; rip_next is the
 * address of the next instruction (for RIP-relative operands); seg_base is the base of the
 * segment in->seg names, added when that is FS or GS and the operand takes an override.  With
 * a 67 prefix the effective address wraps at 32 bits before the base is added.  String
 * instructions: the ES:rdi operand (never overridden) of movs stos ins scas cmps, the rsi
 * operand of lods and outs.
 */
uint64_t insn_mem_addr(const struct insn *in, const uint64_t gpr[16], uint64_t rip_next,
                       uint64_t seg_base);

/* The source (rsi, segment override applies) of movs and cmps; 0 for any other instruction. */
uint64_t insn_str_src_addr(const struct insn *in, const uint64_t gpr[16], uint64_t seg_base);

/* The immediate as the instruction uses it: sign-extended where the opcode does, then cut to
 * opsz bytes (kept whole when opsz is 0). */
uint64_t insn_imm_operand(const struct insn *in);

/* Whether bytes start with Xen's forced-emulation prefix (all INSN_XEN_FORCED_LEN readable).
 * The instruction it forces is decoded from bytes + INSN_XEN_FORCED_LEN. */
bool insn_is_xen_forced(const uint8_t *bytes, size_t avail);

/* A short name for a kind ("mov-store", "cpuid", ...), for logs. */
const char *insn_kind_name(enum insn_kind kind);

/* Whether r, naming a byte register of in, means ah, ch, dh or bh (4-7 with no REX). */
static inline bool insn_reg_is_high_byte(const struct insn *in, uint8_t r)
{
    return in->rex == 0 && r >= 4 && r < 8;
}

#endif
