/*
 * libFuzzer target for the instruction decoder (host/arch/x86/insn.c), built with ASan and
 * UBSan: arbitrary bytes, as a guest could place them, must never make it read past `avail`,
 * trap, or return a decoding that breaks the promises of insn.h.  A broken promise aborts with
 * the reason, which libFuzzer keeps as a crash input.
 */
#include <stdio.h>
#include <stdlib.h>
#include "arch/x86/insn.h"

static void broken(const char *why, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz_insn: %s:", why);
    for (size_t i = 0; i < size && i < 16; i++)
        fprintf(stderr, " %02x", data[i]);
    fprintf(stderr, "\n");
    abort();
}

static bool is_reg(uint8_t r)
{
    return r < 16;
}

/* The structural promises of insn.h for one successful decoding. */
static const char *inconsistent(const struct insn *in, size_t avail)
{
    if (in->len < 1 || in->len > INSN_MAX_LEN || in->len > avail)
        return "len outside 1..min(15, avail)";
    if ((unsigned)in->kind >= INSN_KIND_COUNT)
        return "kind out of range";
    if (in->rex && (in->rex & 0xf0) != 0x40)
        return "rex is not a REX byte";
    if (in->seg && in->seg != 0x26 && in->seg != 0x2e && in->seg != 0x36 && in->seg != 0x3e &&
        in->seg != 0x64 && in->seg != 0x65)
        return "seg is not a segment prefix";
    if (!is_reg(in->reg) || !is_reg(in->rm) || in->mod > 3)
        return "ModRM fields out of range";
    if ((in->base != INSN_REG_NONE && !is_reg(in->base)) ||
        (in->index != INSN_REG_NONE && !is_reg(in->index)))
        return "base or index out of range";
    if (in->has_sib && (!in->has_modrm || !in->mem || in->mod == 3))
        return "SIB without a ModRM memory operand";
    if (in->has_modrm && in->mem && in->mod == 3)
        return "mod 3 with a memory operand";
    if (in->rip_rel && (in->has_sib || in->mod != 0 || in->base != INSN_REG_NONE))
        return "RIP-relative with a base or SIB";
    if (in->disp_len != 0 && in->disp_len != 1 && in->disp_len != 4)
        return "disp_len not 0, 1 or 4";
    if (in->disp_len == 0 && in->disp != 0)
        return "a displacement without bytes";
    if (in->scale != 0 && in->scale != 1 && in->scale != 2 && in->scale != 4 && in->scale != 8)
        return "scale not 0, 1, 2, 4 or 8";
    if (in->imm_len > 8 || (in->imm_len < 8 && (in->imm >> (8 * in->imm_len)) != 0))
        return "immediate wider than imm_len";
    if (in->opsz != 0 && in->opsz != 1 && in->opsz != 2 && in->opsz != 4 && in->opsz != 8 &&
        in->opsz != 16)
        return "opsz not 0, 1, 2, 4, 8 or 16";
    if (in->lock && !in->mem)
        return "LOCK without a memory operand";
    return NULL;
}

static bool same(const struct insn *a, const struct insn *b)
{
    return a->len == b->len && a->lock == b->lock && a->rep == b->rep &&
           a->repne == b->repne && a->opsize16 == b->opsize16 && a->addr32 == b->addr32 &&
           a->seg == b->seg && a->rex == b->rex && a->opcode == b->opcode &&
           a->has_modrm == b->has_modrm && a->mod == b->mod && a->reg == b->reg &&
           a->rm == b->rm && a->mem == b->mem && a->has_sib == b->has_sib &&
           a->scale == b->scale && a->index == b->index && a->base == b->base &&
           a->rip_rel == b->rip_rel && a->disp_len == b->disp_len && a->disp == b->disp &&
           a->imm_len == b->imm_len && a->imm_signed == b->imm_signed && a->imm == b->imm &&
           a->opsz == b->opsz && a->kind == b->kind;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t gpr[16];
    struct insn in, again;
    const char *why;

    for (unsigned i = 0; i < 16; i++)
        gpr[i] = 0x0123456789abcdefULL * (i + 1);
    if (insn_is_xen_forced(data, size)) {
        data += INSN_XEN_FORCED_LEN;
        size -= INSN_XEN_FORCED_LEN;
    }
    if (insn_decode(data, size, &in) != 0)
        return 0;
    if ((why = inconsistent(&in, size)))
        broken(why, data, size);
    /* Exactly len bytes decode the same; one fewer is refused. */
    if (insn_decode(data, in.len, &again) != 0 || !same(&again, &in))
        broken("decoding only len bytes differs", data, size);
    if (insn_decode(data, in.len - 1, &again) == 0)
        broken("a proper prefix decoded", data, size);
    /* The helpers are total over whatever decoded (UBSan watches the arithmetic). */
    (void)insn_mem_addr(&in, gpr, 0xffff800000000000ULL + in.len, 0x7f0000000000ULL);
    (void)insn_str_src_addr(&in, gpr, 0x7f0000000000ULL);
    (void)insn_imm_operand(&in);
    (void)insn_kind_name(in.kind);
    return 0;
}
