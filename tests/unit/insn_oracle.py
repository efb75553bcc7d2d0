#!/usr/bin/env python3
"""The instruction decoder's oracle (host/arch/x86/insn.c), generated.

Writes OUT/insn_oracle.s: thousands of instruction forms in GNU as syntax, one label before
each, and a table of label offsets, so GNU as decides every length; and OUT/insn_oracle_cases.c:
for each form the struct insn fields this script predicts from what it wrote (opcode, prefixes,
REX, ModRM/SIB/displacement, immediate, operand size, kind).  tests/unit/test_insn.c decodes
each form and checks both.  Every opcode the decoder supports appears with register and memory
operands, every base, index and scale, disp8/disp32/none, RIP-relative, no base, 32-bit
addressing, FS/GS, LOCK/REP/REX and legacy prefixes in other orders and repeated.

    insn_oracle.py OUTDIR
"""
import random
import sys

NONE = 0xff
R64 = 'rax rcx rdx rbx rsp rbp rsi rdi r8 r9 r10 r11 r12 r13 r14 r15'.split()
R32 = 'eax ecx edx ebx esp ebp esi edi r8d r9d r10d r11d r12d r13d r14d r15d'.split()
R16 = 'ax cx dx bx sp bp si di r8w r9w r10w r11w r12w r13w r14w r15w'.split()
R8 = 'al cl dl bl spl bpl sil dil r8b r9b r10b r11b r12b r13b r14b r15b'.split()
HIGH8 = {4: 'ah', 5: 'ch', 6: 'dh', 7: 'bh'}
REGS = {8: R8, 16: R16, 32: R32, 64: R64}
SUFFIX = {8: 'b', 16: 'w', 32: 'l', 64: 'q'}
SEG = {'fs': 0x64, 'gs': 0x65, 'ds': 0x3e, 'es': 0x26, 'cs': 0x2e, 'ss': 0x36}

rng = random.Random(7)


class Reg:
    """A register operand: its number, width, and whether it forces (spl..dil) or forbids
    (ah..bh) a REX prefix."""

    def __init__(self, size, num, high=False):
        self.size, self.num, self.high = size, num, high
        self.name = '%' + (HIGH8[num] if high else REGS[size][num])
        self.rex40 = size == 8 and 4 <= num <= 7 and not high


class Mem:
    """A memory operand and how GNU as encodes it."""

    def __init__(self, base=None, index=None, scale=1, disp=0, force=None, rip=False,
                 a32=False, seg=None):
        self.base, self.index, self.scale, self.disp = base, index, scale, disp
        self.force, self.rip, self.a32, self.seg = force, rip, a32, seg

    def text(self):
        names = R32 if self.a32 else R64
        seg = '%%%s:' % self.seg if self.seg else ''
        d = ('%#x' % self.disp) if self.disp >= 0 else ('-%#x' % -self.disp)
        if self.rip:
            return '%s%s(%%%s)' % (seg, d, 'eip' if self.a32 else 'rip')
        if self.base is None and self.index is None:
            return seg + d
        inner = '%' + names[self.base] if self.base is not None else ''
        if self.index is not None:
            inner += ',%%%s,%d' % (names[self.index], self.scale)
        dtext = d if (self.disp or self.base is None) else ''
        return '%s%s(%s)' % (seg, dtext, inner)

    def pseudo(self):
        return {'8': '{disp8} ', '32': '{disp32} '}.get(self.force, '')

    def encode(self):
        """mod, rm (low 3 bits), the fields insn.h documents, and REX.X / REX.B."""
        e = dict(mem=1, has_sib=0, scale=0, index=NONE, base=NONE, rip_rel=0, disp_len=0,
                 disp=0, X=0, B=0)
        if self.rip:
            e.update(mod=0, rmlow=5, rip_rel=1, disp_len=4, disp=self.disp)
            return e
        if self.base is None:
            e.update(mod=0, rmlow=4, has_sib=1, disp_len=4, disp=self.disp,
                     scale=self.scale if self.index is not None else 1)
            if self.index is not None:
                e.update(index=self.index, X=int(self.index >= 8))
            return e
        b = self.base
        if self.force == '32' or not -128 <= self.disp <= 127:
            mod = 2
        elif self.force == '8' or self.disp != 0 or (b & 7) == 5:
            mod = 1
        else:
            mod = 0
        e.update(mod=mod, base=b, B=int(b >= 8), disp_len={0: 0, 1: 1, 2: 4}[mod],
                 disp=self.disp if mod else 0)
        if self.index is not None or (b & 7) == 4:
            e.update(rmlow=4, has_sib=1, scale=self.scale if self.index is not None else 1)
            if self.index is not None:
                e.update(index=self.index, X=int(self.index >= 8))
        else:
            e.update(rmlow=b & 7)
        return e

    def needs_rex(self):
        e = self.encode()
        return e['X'] or e['B']


def memory_forms():
    """Every base with no, 8- and 32-bit displacement; every index and scale; no base;
    absolute; RIP-relative; 32-bit addressing; segment overrides; forced displacements."""
    forms = []
    for b in range(16):
        forms.append(Mem(base=b))
        forms.append(Mem(base=b, disp=rng.choice([8, 0x7f, -8, -0x80])))
        forms.append(Mem(base=b, disp=rng.choice([0x1234, -0x1000, 0x7fffffff, -0x80000000])))
    for i in range(16):
        if i == 4:
            continue
        forms.append(Mem(base=rng.randrange(16), index=i, scale=rng.choice([1, 2, 4, 8]),
                         disp=rng.choice([0, 0x10, -0x20, 0x4000])))
        forms.append(Mem(index=i, scale=rng.choice([1, 2, 4, 8]),
                         disp=rng.choice([0, 0x10, -0x20, 0x12345678])))
    for s in (1, 2, 4, 8):
        forms.append(Mem(base=5, index=13, scale=s))
        forms.append(Mem(base=13, index=12, scale=s, disp=-1))
    forms += [Mem(disp=0x1234), Mem(disp=0x7ffffff0), Mem(disp=-0x10),
              Mem(rip=True, disp=0x100), Mem(rip=True, disp=-0x10), Mem(rip=True, disp=0),
              Mem(base=3, force='32'), Mem(base=3, disp=4, force='32'),
              Mem(base=0, force='8'), Mem(base=12, force='8'),
              Mem(base=0, a32=True), Mem(base=13, a32=True, disp=8),
              Mem(base=4, a32=True, disp=-4), Mem(base=1, index=9, scale=4, a32=True),
              Mem(rip=True, a32=True, disp=0x40),
              Mem(base=0, seg='fs'), Mem(base=9, disp=0x28, seg='gs'),
              Mem(disp=0x28, seg='gs'), Mem(rip=True, disp=8, seg='fs'),
              Mem(base=7, index=6, scale=8, disp=0x100, seg='fs')]
    return forms


MEMS = memory_forms()


def some_mems(n):
    """A sample of the forms that need no pseudo-prefix ({disp8}, {disp32}) before the
    mnemonic; the families that iterate over all of MEMS write Mem.pseudo()."""
    plain = [m for m in MEMS if not m.force]
    return rng.sample(plain, min(n, len(plain)))


class Out:
    def __init__(self):
        self.cases = []

    def add(self, text, f, pre=''):
        """One case: `pre` (raw .byte prefixes) then `text`, expecting fields f."""
        self.cases.append((pre, text, f))


def fields(**kw):
    f = dict(lock=0, rep=0, repne=0, opsize16=0, addr32=0, seg=0, rex=0, opcode=0,
             has_modrm=0, mod=0, reg=0, rm=0, mem=0, has_sib=0, scale=0, index=NONE,
             base=NONE, rip_rel=0, disp_len=0, disp=0, imm_len=0, imm_signed=0, imm=0,
             opsz=0, kind='OTHER')
    f.update(kw)
    return f


def rexbyte(W=0, R=0, X=0, B=0, force=0):
    if W or R or X or B or force:
        return 0x40 | W << 3 | R << 2 | X << 1 | B
    return 0


def modrm_fields(opcode, reg, rm, *, W=0, force40=0, **kw):
    """Fields of a ModRM instruction: reg is a number (a register or a /digit), rm a register
    number or a Mem."""
    f = fields(opcode=opcode, has_modrm=1, reg=reg, **kw)
    if isinstance(rm, Mem):
        e = rm.encode()
        f.update({k: e[k] for k in ('mem', 'has_sib', 'scale', 'index', 'base', 'rip_rel',
                                    'disp_len', 'disp')})
        f.update(mod=e['mod'], rm=e['rmlow'] | e['B'] << 3)
        if rm.a32:
            f['addr32'] = 1
        if rm.seg:
            f['seg'] = SEG[rm.seg]
        X, B = e['X'], e['B']
    else:
        f.update(mod=3, rm=rm)
        X, B = 0, int(rm >= 8)
    f['rex'] = rexbyte(W, int(reg >= 8), X, B, force40)
    return f


def operand(rm):
    return rm.text() if isinstance(rm, Mem) else rm.name


def pseudo(rm):
    return rm.pseudo() if isinstance(rm, Mem) else ''


def rmnum(rm):
    return rm if isinstance(rm, Mem) else rm.num


def pick_reg(size, i, other=None):
    """Register i of a size; for bytes 4-7, ah..bh when nothing else needs a REX prefix."""
    n = i % 16
    if size == 8 and 4 <= n <= 7:
        other_rex = (isinstance(other, Mem) and other.needs_rex()) or \
                    (isinstance(other, Reg) and (other.num >= 8 or other.rex40))
        if not other_rex and i % 3 == 0:
            return Reg(8, n, high=True)
    return Reg(size, n)


def reg_fields(size, g, rm, opcode, **kw):
    force = int(g.rex40 or (isinstance(rm, Reg) and rm.rex40))
    return modrm_fields(opcode, g.num, rmnum(rm), W=int(size == 64), force40=force,
                        opsize16=int(size == 16), opsz=size // 8, **kw)


def digit_fields(size, digit, rm, opcode, **kw):
    """Fields of a ModRM instruction whose reg field is an opcode extension (/digit)."""
    force = int(isinstance(rm, Reg) and rm.rex40)
    return modrm_fields(opcode, digit, rmnum(rm), W=int(size == 64), force40=force,
                        opsize16=int(size == 16), opsz=size // 8, **kw)


def rm_operands(size, n_mem, n_reg, i0=0):
    """A sample of r/m operands: memory forms, then registers."""
    ops = some_mems(n_mem)
    ops += [pick_reg(size, i0 + k * 5 + 1) for k in range(n_reg)]
    return ops


# ---------------------------------------------------------------------------------------------
# Families


STORES = [  # mnemonic, byte opcode, other opcode, kind, lockable
    ('mov', 0x88, 0x89, 'MOV_STORE', 0), ('xchg', 0x86, 0x87, 'XCHG', 1),
    ('add', 0x00, 0x01, 'ADD', 1), ('or', 0x08, 0x09, 'OR', 1), ('adc', 0x10, 0x11, 'ADC', 1),
    ('sbb', 0x18, 0x19, 'SBB', 1), ('and', 0x20, 0x21, 'AND', 1), ('sub', 0x28, 0x29, 'SUB', 1),
    ('xor', 0x30, 0x31, 'XOR', 1), ('cmp', 0x38, 0x39, 'OTHER', 0),
    ('test', 0x84, 0x85, 'OTHER', 0), ('cmpxchg', 0x0fb0, 0x0fb1, 'CMPXCHG', 1),
    ('xadd', 0x0fc0, 0x0fc1, 'XADD', 1), ('bts', None, 0x0fab, 'BTS', 1),
    ('btr', None, 0x0fb3, 'BTR', 1), ('btc', None, 0x0fbb, 'BTC', 1),
    ('bt', None, 0x0fa3, 'OTHER', 0),
]


def family_stores(out):
    """op %reg, r/m: every memory form for the PTE writers, registers for all."""
    for mn, op8, opv, kind, lockable in STORES:
        for size in (8, 16, 32, 64):
            if size == 8 and op8 is None:
                continue
            opcode = op8 if size == 8 else opv
            mems = MEMS if kind != 'OTHER' else some_mems(20)
            for i, m in enumerate(mems):
                g = pick_reg(size, i, m)
                f = reg_fields(size, g, m, opcode, kind=kind)
                out.add('%s%s %s, %s' % (m.pseudo(), mn, g.name, m.text()), f)
                if lockable and i % 4 == 0:
                    f = dict(f, lock=1)
                    out.add('%slock %s %s, %s' % (m.pseudo(), mn, g.name, m.text()), f)
            for i in range(16):
                g = pick_reg(size, i)
                r = pick_reg(size, i + 3 + (i & 1), g)
                if mn == 'xchg' and size > 8 and 0 in (g.num, r.num):
                    continue            # GNU as uses 90+r with the accumulator
                if g.high != r.high and (g.num >= 8 or r.num >= 8 or g.rex40 or r.rex40):
                    continue
                f = reg_fields(size, g, r, opcode, kind=kind)
                out.add('%s %s, %s' % (mn, g.name, r.name), f)


LOADS = [  # mnemonic, byte opcode, other opcode, prefix (rep), reg-reg allowed, sizes
    ('mov', 0x8a, 0x8b, 0, 0, (8, 16, 32, 64)), ('add', 0x02, 0x03, 0, 0, (8, 16, 32, 64)),
    ('or', 0x0a, 0x0b, 0, 0, (8, 16, 32, 64)), ('adc', 0x12, 0x13, 0, 0, (8, 16, 32, 64)),
    ('sbb', 0x1a, 0x1b, 0, 0, (8, 16, 32, 64)), ('and', 0x22, 0x23, 0, 0, (8, 16, 32, 64)),
    ('sub', 0x2a, 0x2b, 0, 0, (8, 16, 32, 64)), ('xor', 0x32, 0x33, 0, 0, (8, 16, 32, 64)),
    ('cmp', 0x3a, 0x3b, 0, 0, (8, 16, 32, 64)),
    ('imul', None, 0x0faf, 0, 1, (16, 32, 64)), ('bsf', None, 0x0fbc, 0, 1, (16, 32, 64)),
    ('bsr', None, 0x0fbd, 0, 1, (16, 32, 64)), ('popcnt', None, 0x0fb8, 1, 1, (16, 32, 64)),
    ('lzcnt', None, 0x0fbd, 1, 1, (16, 32, 64)), ('tzcnt', None, 0x0fbc, 1, 1, (16, 32, 64)),
    ('lea', None, 0x8d, 0, 0, (16, 32, 64)), ('lss', None, 0x0fb2, 0, 0, (16, 32)),
    ('lfs', None, 0x0fb4, 0, 0, (16, 32)), ('lgs', None, 0x0fb5, 0, 0, (16, 32)),
] + [('cmov' + cc, None, 0x0f40 + n, 0, 1, (16, 32, 64)) for n, cc in enumerate(
    'o no b ae e ne be a s ns p np l ge le g'.split())]


def family_loads(out):
    """op r/m, %reg."""
    for mn, op8, opv, rep, regreg, sizes in LOADS:
        for size in sizes:
            opcode = op8 if size == 8 else opv
            mems = some_mems(3 if mn.startswith('cmov') else 6 if op8 else 12)
            for i, m in enumerate(m for m in mems if not (mn == 'lea' and m.seg)):
                g = pick_reg(size, i + 2, m)
                f = reg_fields(size, g, m, opcode, rep=rep)
                out.add('%s%s %s, %s' % (m.pseudo(), mn, m.text(), g.name), f)
            if regreg:
                for i in range(0, 16, 3 if mn.startswith('cmov') else 1):
                    g, r = Reg(size, i), Reg(size, (i * 7 + 3) % 16)
                    f = reg_fields(size, g, r, opcode, rep=rep)
                    out.add('%s %s, %s' % (mn, r.name, g.name), f)
    # {load} picks the other direction for register pairs.
    for mn, op8, opv, rep, regreg, sizes in LOADS:
        if op8 is None:
            continue
        for i, size in enumerate((8, 16, 32, 64, 8, 32)):
            g = pick_reg(size, i * 5 + 2)
            r = pick_reg(size, i * 3 + 7, g)
            if g.high and (r.num >= 8 or r.rex40):
                continue
            out.add('{load} %s %s, %s' % (mn, r.name, g.name),
                    reg_fields(size, g, r, op8 if size == 8 else opv))
    # movzx/movsx (source byte or word), movsxd.
    for mn, opcode, ssize, dsizes in (('movzb', 0x0fb6, 8, (16, 32, 64)),
                                      ('movzw', 0x0fb7, 16, (32, 64)),
                                      ('movsb', 0x0fbe, 8, (16, 32, 64)),
                                      ('movsw', 0x0fbf, 16, (32, 64)),
                                      ('movsl', 0x63, 32, (64, 32))):
        for dsize in dsizes:
            name = mn + SUFFIX[dsize]
            if mn == 'movsl' and dsize == 32:
                name = 'movsxd'
            for i, m in enumerate(some_mems(6)):
                g = Reg(dsize, (i * 5 + 1) % 16)
                out.add('%s %s, %s' % (name, m.text(), g.name),
                        reg_fields(dsize, g, m, opcode))
            for i in range(0, 16, 4):
                g = Reg(dsize, i)
                s = Reg(ssize, 15 - i) if name != 'movsxd' else Reg(32, 15 - i)
                f = reg_fields(dsize, g, s, opcode)
                f['rex'] = rexbyte(int(dsize == 64), int(g.num >= 8), 0, int(s.num >= 8),
                                   int(s.rex40))
                out.add('%s %s, %s' % (name, s.name, g.name), f)


def imm_text(v):
    return '$%#x' % v if v >= 0 else '$-%#x' % -v


def fits8(v):
    return -128 <= v <= 127


def le(v, n):
    return v & ((1 << (8 * n)) - 1)


ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp']
ALU_KIND = ['ADD', 'OR', 'ADC', 'SBB', 'AND', 'SUB', 'XOR', 'OTHER']


def family_alu_imm(out):
    """Group 1 (80 81 83) with memory and registers, and the accumulator forms."""
    for digit, mn in enumerate(ALU):
        for size in (8, 16, 32, 64):
            zlen = 2 if size == 16 else 4 if size > 8 else 1
            for i, rm in enumerate(rm_operands(size, 14, 6, digit) + [Reg(size, 0)]):
                v = rng.choice([1, -1, 0x7f, -0x80, 0x1234, -0x1234, 0x7fff]) if size == 16 \
                    else rng.choice([1, -1, 0x7f, -0x80, 0x12345, -0x70000000, 0x7fffffff])
                if size == 8:
                    v = rng.choice([1, 0x7f, -0x80, -1])
                acc = isinstance(rm, Reg) and rm.num == 0 and not rm.high
                kind = ALU_KIND[digit]
                text = '%s%s%s %s, %s' % (pseudo(rm), mn, SUFFIX[size], imm_text(v), operand(rm))
                if size == 8 and acc:
                    f = fields(opcode=digit * 8 + 4, imm_len=1, imm=le(v, 1), opsz=1)
                elif size > 8 and fits8(v):
                    f = digit_fields(size, digit, rm, 0x83, kind=kind, imm_len=1,
                                   imm=le(v, 1), imm_signed=1)
                elif size > 8 and acc:
                    f = fields(opcode=digit * 8 + 5, imm_len=zlen, imm=le(v, zlen), imm_signed=1,
                               opsz=size // 8, opsize16=int(size == 16),
                               rex=rexbyte(W=int(size == 64)))
                else:
                    op = 0x80 if size == 8 else 0x81
                    f = digit_fields(size, digit, rm, op, kind=kind, imm_len=zlen,
                                     imm=le(v, zlen), imm_signed=int(size > 8))
                out.add(text, f)
                if isinstance(rm, Mem) and digit != 7 and i % 3 == 0:
                    out.add('lock ' + text, dict(f, lock=1))


def family_mov_imm(out):
    for size in (8, 16, 32, 64):
        zlen = {8: 1, 16: 2, 32: 4, 64: 4}[size]
        for i, m in enumerate(MEMS):
            v = rng.choice([0, 1, -1, 0x7f, 0x1234, -0x1000, 0x7fffffff, -0x80000000])
            if size == 8:
                v = rng.choice([0, 1, 0xff, 0x80])
            if size == 16:
                v = rng.choice([0, 1, 0xffff, 0x8000, 0x1234])
            f = digit_fields(size, 0, m, 0xc6 if size == 8 else 0xc7,
                           kind='MOV_STORE_IMM', imm_len=zlen, imm=le(v, zlen),
                             imm_signed=int(size > 8))
            out.add('%smov%s %s, %s' % (m.pseudo(), SUFFIX[size], imm_text(v), m.text()), f)
        for n in range(16):
            r = pick_reg(size, n)
            if size == 64 and n % 2 == 0:   # movq $imm32, %r: C7 /0, sign-extended
                v = rng.choice([-1, 0x7fffffff, -0x80000000, 5])
                f = digit_fields(64, 0, r, 0xc7, kind='MOV_STORE_IMM', imm_len=4,
                               imm=le(v, 4), imm_signed=1)
                out.add('movq %s, %s' % (imm_text(v), r.name), f)
                continue
            ilen = {8: 1, 16: 2, 32: 4, 64: 8}[size]
            v = rng.choice([0x11, 0x7f, 0xff]) if size == 8 else \
                rng.choice([0x1234, 0xffff]) if size == 16 else \
                rng.choice([0x12345678, 0xffffffff]) if size == 32 else \
                rng.choice([0x123456789abcdef0, 0xffffffff80000000, 0x100000000])
            f = fields(opcode=(0xb0 if size == 8 else 0xb8) + (n & 7), rm=n, imm_len=ilen,
                       imm=v, opsz=size // 8, opsize16=int(size == 16),
                       rex=rexbyte(W=int(size == 64), B=int(n >= 8), force=int(r.rex40)))
            out.add('mov%s %s, %s' % ('abs' if size == 64 else '', imm_text(v), r.name), f)


def family_test_imm(out):
    for size in (8, 16, 32, 64):
        zlen = {8: 1, 16: 2, 32: 4, 64: 4}[size]
        for i, rm in enumerate(rm_operands(size, 10, 6, 1) + [Reg(size, 0)]):
            v = rng.choice([1, 0x7f]) if size == 8 else rng.choice([1, 0x100, 0x7fff])
            text = 'test%s %s, %s' % (SUFFIX[size], imm_text(v), operand(rm))
            if isinstance(rm, Reg) and rm.num == 0 and not rm.high:
                f = fields(opcode=0xa8 if size == 8 else 0xa9, imm_len=zlen, imm=v,
                           imm_signed=int(size > 8), opsz=size // 8, opsize16=int(size == 16),
                           rex=rexbyte(W=int(size == 64)))
            else:
                f = digit_fields(size, 0, rm, 0xf6 if size == 8 else 0xf7,
                                      imm_len=zlen, imm=v, imm_signed=int(size > 8))
            out.add(text, f)


SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', None, 'sar']


def family_shifts(out):
    for digit, mn in enumerate(SHIFTS):
        if mn is None:
            continue
        for size in (8, 16, 32, 64):
            b = size == 8
            for i, rm in enumerate(rm_operands(size, 4, 3, digit)):
                sfx = SUFFIX[size]
                out.add('%s%s $3, %s' % (mn, sfx, operand(rm)),
                        digit_fields(size, digit, rm, 0xc0 if b else 0xc1,
                                          imm_len=1, imm=3))
                out.add('%s%s $1, %s' % (mn, sfx, operand(rm)),
                        digit_fields(size, digit, rm, 0xd0 if b else 0xd1))
                out.add('%s%s %%cl, %s' % (mn, sfx, operand(rm)),
                        digit_fields(size, digit, rm, 0xd2 if b else 0xd3))


def family_unary(out):
    """F6/F7 /2-/7, FE/FF inc/dec, setcc."""
    for digit, mn in ((2, 'not'), (3, 'neg'), (4, 'mul'), (5, 'imul'), (6, 'div'), (7, 'idiv')):
        for size in (8, 16, 32, 64):
            for i, rm in enumerate(rm_operands(size, 5, 3, digit)):
                f = digit_fields(size, digit, rm, 0xf6 if size == 8 else 0xf7)
                out.add('%s%s %s' % (mn, SUFFIX[size], operand(rm)), f)
                if digit < 4 and isinstance(rm, Mem):
                    out.add('lock %s%s %s' % (mn, SUFFIX[size], operand(rm)), dict(f, lock=1))
    for digit, mn in ((0, 'inc'), (1, 'dec')):
        for size in (8, 16, 32, 64):
            for i, rm in enumerate(rm_operands(size, 5, 3, digit)):
                f = digit_fields(size, digit, rm, 0xfe if size == 8 else 0xff)
                out.add('%s%s %s' % (mn, SUFFIX[size], operand(rm)), f)
                if isinstance(rm, Mem) and i % 2 == 0:
                    out.add('lock %s%s %s' % (mn, SUFFIX[size], operand(rm)), dict(f, lock=1))
    for n, cc in enumerate('o no b ae e ne be a s ns p np l ge le g'.split()):
        for rm in rm_operands(8, 2, 2, n):
            f = digit_fields(8, 0, rm, 0x0f90 + n)
            out.add('set%s %s' % (cc, operand(rm)), f)


def family_misc_modrm(out):
    """imul with an immediate, shld/shrd, bt* imm8, push/pop/call/jmp r/m, mov Sreg."""
    for size in (16, 32, 64):
        zlen = 2 if size == 16 else 4
        for i, rm in enumerate(rm_operands(size, 6, 4, 2)):
            g = Reg(size, (i * 3 + 2) % 16)
            out.add('imul $5, %s, %s' % (operand(rm), g.name),
                    reg_fields(size, g, rm, 0x6b, imm_len=1, imm=5, imm_signed=1))
            out.add('imul $0x1234, %s, %s' % (operand(rm), g.name),
                    reg_fields(size, g, rm, 0x69, imm_len=zlen, imm=0x1234, imm_signed=1))
            for mn, op in (('shld', 0x0fa4), ('shrd', 0x0fac)):
                out.add('%s $7, %s, %s' % (mn, g.name, operand(rm)),
                        reg_fields(size, g, rm, op, imm_len=1, imm=7))
                out.add('%s %%cl, %s, %s' % (mn, g.name, operand(rm)),
                        reg_fields(size, g, rm, op + 1))
        for digit, mn, kind in ((4, 'bt', 'OTHER'), (5, 'bts', 'BTS'), (6, 'btr', 'BTR'),
                                (7, 'btc', 'BTC')):
            for i, rm in enumerate(rm_operands(size, 12, 3, digit)):
                v = rng.choice([0, 3, 31, 63, 0x80, 0xff])
                f = digit_fields(size, digit, rm, 0x0fba, kind=kind, imm_len=1, imm=v)
                out.add('%s%s %s, %s' % (mn, SUFFIX[size], imm_text(v), operand(rm)), f)
                if kind != 'OTHER' and isinstance(rm, Mem) and i % 2 == 0:
                    out.add('lock %s%s %s, %s' % (mn, SUFFIX[size], imm_text(v), operand(rm)),
                            dict(f, lock=1))
    # push/pop r/m (default 64-bit), call/jmp r/m (64-bit), far call/jmp through memory.
    for i, m in enumerate(some_mems(16)):
        out.add('pushq %s' % m.text(), modrm_fields(0xff, 6, m, opsz=8))
        out.add('popq %s' % m.text(), modrm_fields(0x8f, 0, m, opsz=8))
        out.add('call *%s' % m.text(), modrm_fields(0xff, 2, m, opsz=8))
        out.add('jmp *%s' % m.text(), modrm_fields(0xff, 4, m, opsz=8))
        out.add('lcall *%s' % m.text(), modrm_fields(0xff, 3, m, opsz=4))
        out.add('ljmp *%s' % m.text(), modrm_fields(0xff, 5, m, opsz=4))
        if i % 4 == 0:
            out.add('pushw %s' % m.text(), modrm_fields(0xff, 6, m, opsz=2, opsize16=1))
            out.add('popw %s' % m.text(), modrm_fields(0x8f, 0, m, opsz=2, opsize16=1))
            out.add('rex64 lcall *%s' % m.text(), modrm_fields(0xff, 3, m, opsz=8, W=1))
    for n in range(16):
        out.add('call *%%%s' % R64[n], modrm_fields(0xff, 2, n, opsz=8))
        out.add('jmp *%%%s' % R64[n], modrm_fields(0xff, 4, n, opsz=8))
    # mov Sreg: 8C to memory (2 bytes) or a register, 8E from either.
    for s, name in enumerate(('es', 'cs', 'ss', 'ds', 'fs', 'gs')):
        for m in some_mems(3):
            out.add('mov %%%s, %s' % (name, m.text()), modrm_fields(0x8c, s, m, opsz=2))
            if name != 'cs':
                out.add('mov %s, %%%s' % (m.text(), name), modrm_fields(0x8e, s, m, opsz=2))
        for n in (0, 9):
            out.add('mov %%%s, %%%s' % (name, R32[n]), modrm_fields(0x8c, s, n, opsz=4))
            out.add('mov %%%s, %%%s' % (name, R16[n]),
                    modrm_fields(0x8c, s, n, opsz=2, opsize16=1))
            if name != 'cs':
                out.add('mov %%%s, %%%s' % (R32[n], name), modrm_fields(0x8e, s, n, opsz=2))


def family_system_modrm(out):
    """0F 00, 0F 01 with memory, cmpxchg8b/16b, movnti, group 15, prefetch, nop r/m."""
    for mn, op, digit, kind, opsz in (
            ('sgdt', 0x0f01, 0, 'SGDT', 0), ('sidt', 0x0f01, 1, 'SIDT', 0),
            ('lgdt', 0x0f01, 2, 'LGDT', 0), ('lidt', 0x0f01, 3, 'LIDT', 0),
            ('smsw', 0x0f01, 4, 'SMSW', 2), ('lmsw', 0x0f01, 6, 'LMSW', 2),
            ('invlpg', 0x0f01, 7, 'INVLPG', 0),
            ('sldt', 0x0f00, 0, 'SLDT', 2), ('str', 0x0f00, 1, 'STR', 2),
            ('lldt', 0x0f00, 2, 'LLDT', 2), ('ltr', 0x0f00, 3, 'LTR', 2),
            ('verr', 0x0f00, 4, 'OTHER', 2), ('verw', 0x0f00, 5, 'OTHER', 2)):
        for m in (MEMS if mn == 'invlpg' else some_mems(10)):
            out.add('%s%s %s' % (m.pseudo(), mn, m.text()),
                    modrm_fields(op, digit, m, kind=kind, opsz=opsz))
    for n in range(16):
        out.add('lmsw %%%s' % R16[n], modrm_fields(0x0f01, 6, n, kind='LMSW', opsz=2))
        out.add('lldt %%%s' % R16[n], modrm_fields(0x0f00, 2, n, kind='LLDT', opsz=2))
        out.add('ltr %%%s' % R16[n], modrm_fields(0x0f00, 3, n, kind='LTR', opsz=2))
        out.add('verw %%%s' % R16[n], modrm_fields(0x0f00, 5, n, opsz=2))
        out.add('verr %%%s' % R16[n], modrm_fields(0x0f00, 4, n, opsz=2))
        out.add('smsw %%%s' % R32[n], modrm_fields(0x0f01, 4, n, kind='SMSW', opsz=4))
        out.add('sldt %%%s' % R32[n], modrm_fields(0x0f00, 0, n, kind='SLDT', opsz=4))
        out.add('str %%%s' % R32[n], modrm_fields(0x0f00, 1, n, kind='STR', opsz=4))
    for n in (0, 5, 11):
        out.add('smsw %%%s' % R64[n], modrm_fields(0x0f01, 4, n, kind='SMSW', opsz=8, W=1))
        out.add('smsw %%%s' % R16[n],
                modrm_fields(0x0f01, 4, n, kind='SMSW', opsz=2, opsize16=1))
    for i, m in enumerate(MEMS):
        out.add('%scmpxchg8b %s' % (m.pseudo(), m.text()),
                modrm_fields(0x0fc7, 1, m, kind='CMPXCHG8B', opsz=8))
        out.add('%slock cmpxchg16b %s' % (m.pseudo(), m.text()),
                modrm_fields(0x0fc7, 1, m, kind='CMPXCHG16B', opsz=16, W=1, lock=1))
        if i % 3 == 0:
            out.add('%slock cmpxchg8b %s' % (m.pseudo(), m.text()),
                    modrm_fields(0x0fc7, 1, m, kind='CMPXCHG8B', opsz=8, lock=1))
            out.add('%scmpxchg16b %s' % (m.pseudo(), m.text()),
                    modrm_fields(0x0fc7, 1, m, kind='CMPXCHG16B', opsz=16, W=1))
        g = i % 16
        out.add('%smovnti %%%s, %s' % (m.pseudo(), R64[g], m.text()),
                modrm_fields(0x0fc3, g, m, kind='MOV_STORE', opsz=8, W=1))
        if i % 2:
            out.add('%smovnti %%%s, %s' % (m.pseudo(), R32[g], m.text()),
                    modrm_fields(0x0fc3, g, m, kind='MOV_STORE', opsz=4))
    for m in some_mems(8):
        for mn, digit, W in (('fxsave', 0, 0), ('fxrstor', 1, 0), ('ldmxcsr', 2, 0),
                             ('stmxcsr', 3, 0), ('xsave', 4, 0), ('xrstor', 5, 0),
                             ('xsaveopt', 6, 0), ('clflush', 7, 0), ('fxsave64', 0, 1),
                             ('xsaveopt64', 6, 1)):
            out.add('%s %s' % (mn, m.text()), modrm_fields(0x0fae, digit, m, W=W))
        for mn, digit in (('clwb', 6), ('clflushopt', 7)):
            out.add('%s %s' % (mn, m.text()), modrm_fields(0x0fae, digit, m, opsize16=1))
        for mn, digit in (('xrstors', 3), ('xsavec', 4), ('xsaves', 5)):
            out.add('%s %s' % (mn, m.text()), modrm_fields(0x0fc7, digit, m))
        for mn, op, digit in (('prefetch', 0x0f0d, 0), ('prefetchw', 0x0f0d, 1),
                              ('prefetchwt1', 0x0f0d, 2),
                              ('prefetchnta', 0x0f18, 0), ('prefetcht0', 0x0f18, 1),
                              ('prefetcht1', 0x0f18, 2), ('prefetcht2', 0x0f18, 3)):
            out.add('%s %s' % (mn, m.text()), modrm_fields(op, digit, m))
        out.add('nopl %s' % m.text(), modrm_fields(0x0f1f, 0, m, opsz=4))
        out.add('nopw %s' % m.text(), modrm_fields(0x0f1f, 0, m, opsz=2, opsize16=1))
    for n in range(0, 16, 5):
        out.add('nopl %%%s' % R32[n], modrm_fields(0x0f1f, 0, n, opsz=4))
        for mn, digit, kind in (('rdfsbase', 0, 'RDFSBASE'), ('rdgsbase', 1, 'RDGSBASE'),
                                ('wrfsbase', 2, 'WRFSBASE'), ('wrgsbase', 3, 'WRGSBASE')):
            out.add('%s %%%s' % (mn, R64[n]),
                    modrm_fields(0x0fae, digit, n, kind=kind, opsz=8, W=1, rep=1))
            out.add('%s %%%s' % (mn, R32[n]),
                    modrm_fields(0x0fae, digit, n, kind=kind, opsz=4, rep=1))
        for mn, digit in (('rdrand', 6), ('rdseed', 7)):
            out.add('%s %%%s' % (mn, R64[n]), modrm_fields(0x0fc7, digit, n, opsz=8, W=1))
            out.add('%s %%%s' % (mn, R16[n]),
                    modrm_fields(0x0fc7, digit, n, opsz=2, opsize16=1))
        out.add('rdpid %%%s' % R64[n], modrm_fields(0x0fc7, 7, n, opsz=8, rep=1))
    for mn, byte in (('lfence', 0xe8), ('mfence', 0xf0), ('sfence', 0xf8)):
        out.add(mn, modrm_fields(0x0fae, byte >> 3 & 7, byte & 7))
    out.add('endbr64', modrm_fields(0x0f1e, 7, 2, rep=1, opsz=4))
    for n in (0, 3, 9):
        out.add('ud1 %%%s, %%%s' % (R32[n], R32[15 - n]),
                reg_fields(32, Reg(32, 15 - n), Reg(32, n), 0x0fb9, kind='UD1'))
        out.add('ud1 %s, %%%s' % (MEMS[n * 3].text(), R32[n]),
                reg_fields(32, Reg(32, n), MEMS[n * 3], 0x0fb9, kind='UD1'))


def family_cr_dr(out):
    for cr in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15):
        for n in range(16):
            if cr not in (0, 3, 4, 8) and n % 4:
                continue
            out.add('mov %%cr%d, %%%s' % (cr, R64[n]),
                    modrm_fields(0x0f20, cr, n, kind='MOV_FROM_CR', opsz=8))
            out.add('mov %%%s, %%cr%d' % (R64[n], cr),
                    modrm_fields(0x0f22, cr, n, kind='MOV_TO_CR', opsz=8))
    for dr in range(8):
        for n in range(0, 16, 3):
            out.add('mov %%db%d, %%%s' % (dr, R64[n]),
                    modrm_fields(0x0f21, dr, n, kind='MOV_FROM_DR', opsz=8))
            out.add('mov %%%s, %%db%d' % (R64[n], dr),
                    modrm_fields(0x0f23, dr, n, kind='MOV_TO_DR', opsz=8))


FIXED = [  # text, opcode, kind, opsz, extra fields
    ('rdmsr', 0x0f32, 'RDMSR', 0, {}), ('wrmsr', 0x0f30, 'WRMSR', 0, {}),
    ('rdtsc', 0x0f31, 'RDTSC', 0, {}), ('rdpmc', 0x0f33, 'RDPMC', 0, {}),
    ('cpuid', 0x0fa2, 'CPUID', 0, {}), ('clts', 0x0f06, 'CLTS', 0, {}),
    ('wbinvd', 0x0f09, 'WBINVD', 0, {}), ('wbnoinvd', 0x0f09, 'WBINVD', 0, {'rep': 1}),
    ('invd', 0x0f08, 'INVD', 0, {}), ('hlt', 0xf4, 'HLT', 0, {}), ('cli', 0xfa, 'CLI', 0, {}),
    ('sti', 0xfb, 'STI', 0, {}), ('int3', 0xcc, 'INT3', 0, {}), ('int1', 0xf1, 'INT1', 0, {}),
    ('ud2', 0x0f0b, 'UD2', 0, {}), ('syscall', 0x0f05, 'SYSCALL', 0, {}),
    ('sysretq', 0x0f07, 'SYSRET', 8, {'rex': 0x48}), ('sysretl', 0x0f07, 'SYSRET', 4, {}),
    ('iretq', 0xcf, 'IRET', 8, {'rex': 0x48}), ('iretl', 0xcf, 'IRET', 4, {}),
    ('iretw', 0xcf, 'IRET', 2, {'opsize16': 1}),
    ('pushfq', 0x9c, 'PUSHF', 8, {}), ('popfq', 0x9d, 'POPF', 8, {}),
    ('pushfw', 0x9c, 'PUSHF', 2, {'opsize16': 1}), ('popfw', 0x9d, 'POPF', 2, {'opsize16': 1}),
    ('nop', 0x90, 'OTHER', 4, {}), ('pause', 0x90, 'OTHER', 4, {'rep': 1}),
    ('cbtw', 0x98, 'OTHER', 2, {'opsize16': 1}), ('cwtl', 0x98, 'OTHER', 4, {}),
    ('cltq', 0x98, 'OTHER', 8, {'rex': 0x48}), ('cwtd', 0x99, 'OTHER', 2, {'opsize16': 1}),
    ('cltd', 0x99, 'OTHER', 4, {}), ('cqto', 0x99, 'OTHER', 8, {'rex': 0x48}),
    ('fwait', 0x9b, 'OTHER', 0, {}), ('sahf', 0x9e, 'OTHER', 0, {}),
    ('lahf', 0x9f, 'OTHER', 0, {}), ('ret', 0xc3, 'OTHER', 8, {}),
    ('rep ret', 0xc3, 'OTHER', 8, {'rep': 1}), ('leave', 0xc9, 'OTHER', 8, {}),
    ('leavew', 0xc9, 'OTHER', 2, {'opsize16': 1}), ('lretl', 0xcb, 'OTHER', 4, {}),
    ('lretq', 0xcb, 'OTHER', 8, {'rex': 0x48}), ('xlat', 0xd7, 'OTHER', 1, {}),
    ('cmc', 0xf5, 'OTHER', 0, {}), ('clc', 0xf8, 'OTHER', 0, {}), ('stc', 0xf9, 'OTHER', 0, {}),
    ('cld', 0xfc, 'OTHER', 0, {}), ('std', 0xfd, 'OTHER', 0, {}),
    ('pushq %fs', 0x0fa0, 'OTHER', 8, {}), ('popq %fs', 0x0fa1, 'OTHER', 8, {}),
    ('pushq %gs', 0x0fa8, 'OTHER', 8, {}), ('popq %gs', 0x0fa9, 'OTHER', 8, {}),
    ('pushw %fs', 0x0fa0, 'OTHER', 2, {'opsize16': 1}),
    ('in (%dx), %al', 0xec, 'IN_DX', 1, {}), ('in (%dx), %ax', 0xed, 'IN_DX', 2, {'opsize16': 1}),
    ('in (%dx), %eax', 0xed, 'IN_DX', 4, {}), ('out %al, (%dx)', 0xee, 'OUT_DX', 1, {}),
    ('out %ax, (%dx)', 0xef, 'OUT_DX', 2, {'opsize16': 1}),
    ('out %eax, (%dx)', 0xef, 'OUT_DX', 4, {}),
]
GROUP7_REG = [('monitor', 0xc8, 'MONITOR'), ('mwait', 0xc9, 'MWAIT'), ('clac', 0xca, 'CLAC'),
              ('stac', 0xcb, 'STAC'), ('xgetbv', 0xd0, 'XGETBV'), ('xsetbv', 0xd1, 'XSETBV'),
              ('rdpkru', 0xee, 'RDPKRU'), ('wrpkru', 0xef, 'WRPKRU'),
              ('swapgs', 0xf8, 'SWAPGS'), ('rdtscp', 0xf9, 'RDTSCP')]


def family_fixed(out):
    for text, op, kind, opsz, extra in FIXED:
        out.add(text, fields(opcode=op, kind=kind, opsz=opsz, **extra))
    for mn, byte, kind in GROUP7_REG:
        out.add(mn, modrm_fields(0x0f01, byte >> 3 & 7, byte & 7, kind=kind))
    for v in (0, 4, 0x80, 0x82, 0xff):     # (GNU as writes int $3 as int3)
        out.add('int $%#x' % v, fields(opcode=0xcd, kind='INT_N', imm_len=1, imm=v))
        out.add('in $%#x, %%al' % v,
                fields(opcode=0xe4, kind='IN_IMM', opsz=1, imm_len=1, imm=v))
        out.add('in $%#x, %%ax' % v, fields(opcode=0xe5, kind='IN_IMM', opsz=2, imm_len=1,
                                            imm=v, opsize16=1))
        out.add('in $%#x, %%eax' % v,
                fields(opcode=0xe5, kind='IN_IMM', opsz=4, imm_len=1, imm=v))
        out.add('out %%al, $%#x' % v,
                fields(opcode=0xe6, kind='OUT_IMM', opsz=1, imm_len=1, imm=v))
        out.add('out %%ax, $%#x' % v, fields(opcode=0xe7, kind='OUT_IMM', opsz=2, imm_len=1,
                                             imm=v, opsize16=1))
        out.add('out %%eax, $%#x' % v,
                fields(opcode=0xe7, kind='OUT_IMM', opsz=4, imm_len=1, imm=v))
    for v in (0, 8, 0xfff8):
        out.add('ret $%#x' % v, fields(opcode=0xc2, opsz=8, imm_len=2, imm=v))
        out.add('lretl $%#x' % v, fields(opcode=0xca, opsz=4, imm_len=2, imm=v))
    for a, b in ((0x10, 0), (0x1000, 1), (0xffff, 0x1f)):
        out.add('enter $%#x, $%#x' % (a, b),
                fields(opcode=0xc8, opsz=8, imm_len=3, imm=a | b << 16))
    for v in (1, -1, 0x7f, -0x80):
        out.add('pushq %s' % imm_text(v), fields(opcode=0x6a, opsz=8, imm_len=1, imm=le(v, 1),
                                                 imm_signed=1))
        out.add('pushw %s' % imm_text(v), fields(opcode=0x6a, opsz=2, imm_len=1, imm=le(v, 1),
                                                 imm_signed=1, opsize16=1))
    for v in (0x80, -0x81, 0x7fffffff, -0x80000000):
        out.add('pushq %s' % imm_text(v), fields(opcode=0x68, opsz=8, imm_len=4, imm=le(v, 4),
                                                 imm_signed=1))
    out.add('pushw $0x1234', fields(opcode=0x68, opsz=2, imm_len=2, imm=0x1234, imm_signed=1,
                                    opsize16=1))
    # Opcodes with a register in the low bits.
    for n in range(16):
        B = int(n >= 8)
        out.add('push %%%s' % R64[n], fields(opcode=0x50 + (n & 7), rm=n, opsz=8,
                                             rex=rexbyte(B=B)))
        out.add('pop %%%s' % R64[n], fields(opcode=0x58 + (n & 7), rm=n, opsz=8,
                                            rex=rexbyte(B=B)))
        out.add('push %%%s' % R16[n], fields(opcode=0x50 + (n & 7), rm=n, opsz=2, opsize16=1,
                                             rex=rexbyte(B=B)))
        out.add('bswap %%%s' % R64[n], fields(opcode=0x0fc8 + (n & 7), rm=n, opsz=8,
                                              rex=rexbyte(W=1, B=B)))
        out.add('bswap %%%s' % R32[n], fields(opcode=0x0fc8 + (n & 7), rm=n, opsz=4,
                                              rex=rexbyte(B=B)))
        if n:
            out.add('xchg %%rax, %%%s' % R64[n], fields(opcode=0x90 + (n & 7), rm=n, opsz=8,
                                                        rex=rexbyte(W=1, B=B)))
            out.add('xchg %%%s, %%eax' % R32[n], fields(opcode=0x90 + (n & 7), rm=n, opsz=4,
                                                        rex=rexbyte(B=B)))
            out.add('xchg %%ax, %%%s' % R16[n], fields(opcode=0x90 + (n & 7), rm=n, opsz=2,
                                                       opsize16=1, rex=rexbyte(B=B)))


def family_moffs(out):
    for size in (8, 16, 32, 64):
        acc = REGS[size][0]
        for a32 in (0, 1):
            addr = 0x11223344 if a32 else rng.choice([0x1122334455667788, 0xffffffff80001000])
            n = 4 if a32 else 8
            pre = 'addr32 ' if a32 else ''
            common = dict(opsz=size // 8, opsize16=int(size == 16), addr32=a32, mem=1,
                          imm_len=n, imm=addr, rex=rexbyte(W=int(size == 64)))
            out.add('%smovabs %%%s, %#x' % (pre, acc, addr),
                    fields(opcode=0xa2 if size == 8 else 0xa3, kind='MOV_STORE', **common))
            out.add('%smovabs %#x, %%%s' % (pre, addr, acc),
                    fields(opcode=0xa0 if size == 8 else 0xa1, **common))
            for seg in ('fs', 'gs'):
                out.add('%smovabs %%%s, %%%s:%#x' % (pre, acc, seg, addr),
                        fields(opcode=0xa2 if size == 8 else 0xa3, kind='MOV_STORE',
                               seg=SEG[seg], **common))


STRINGS = [  # mnemonic stem, byte opcode, kind, uses rsi (override allowed), sizes
    ('movs', 0xa4, 'MOVS', 1, (8, 16, 32, 64)), ('cmps', 0xa6, 'OTHER', 1, (8, 16, 32, 64)),
    ('stos', 0xaa, 'STOS', 0, (8, 16, 32, 64)), ('lods', 0xac, 'OTHER', 1, (8, 16, 32, 64)),
    ('scas', 0xae, 'OTHER', 0, (8, 16, 32, 64)), ('ins', 0x6c, 'INS', 0, (8, 16, 32)),
    ('outs', 0x6e, 'OUTS', 1, (8, 16, 32)),
]


def string_operands(stem, size, a32, seg):
    """Explicit operands, so that a segment override on the rsi operand can be written."""
    si = '%%%s:' % seg if seg else ''
    s, d = ('%esi', '%edi') if a32 else ('%rsi', '%rdi')
    acc = '%' + REGS[size][0]
    return {'movs': '%s(%s), %%es:(%s)' % (si, s, d), 'cmps': '%%es:(%s), %s(%s)' % (d, si, s),
            'stos': '%s, %%es:(%s)' % (acc, d), 'lods': '%s(%s), %s' % (si, s, acc),
            'scas': '%%es:(%s), %s' % (d, acc), 'ins': '(%%dx), %%es:(%s)' % d,
            'outs': '%s(%s), (%%dx)' % (si, s)}[stem]


def family_strings(out):
    for stem, op, kind, rsi, sizes in STRINGS:
        for size in sizes:
            opsz = size // 8
            for rep in ('', 'rep ', 'repne '):
                if rep == 'repne ' and stem not in ('cmps', 'scas'):
                    continue
                if rep == 'rep ' and stem in ('cmps', 'scas'):
                    rep = 'repe '
                for a32 in (0, 1):
                    for seg in ((None, 'fs', 'gs') if rsi else (None,)):
                        text = '%s%s%s %s' % (rep, stem, SUFFIX[size],
                                              string_operands(stem, size, a32, seg))
                        out.add(text, fields(
                            opcode=op + int(size > 8), kind=kind, opsz=opsz, mem=1,
                            rep=int(rep in ('rep ', 'repe ')), repne=int(rep == 'repne '),
                            addr32=a32, opsize16=int(size == 16), seg=SEG[seg] if seg else 0,
                            rex=rexbyte(W=int(size == 64))))


def family_branches(out):
    for n, cc in enumerate('o no b ae e ne be a s ns p np l ge le g'.split()):
        out.add('j%s .+0x40' % cc, fields(opcode=0x70 + n, opsz=8, imm_len=1, imm=0x40 - 2,
                                          imm_signed=1))
        out.add('j%s .-0x40' % cc, fields(opcode=0x70 + n, opsz=8, imm_len=1,
                                          imm=le(-0x40 - 2, 1), imm_signed=1))
        out.add('j%s .+0x1000' % cc, fields(opcode=0x0f80 + n, opsz=8, imm_len=4,
                                            imm=0x1000 - 6, imm_signed=1))
        out.add('j%s .-0x100000' % cc, fields(opcode=0x0f80 + n, opsz=8, imm_len=4,
                                              imm=le(-0x100000 - 6, 4), imm_signed=1))
    for d in (0x10, -0x10, 0x7f + 2):
        out.add('jmp .%+#x' % d if d > 0 else 'jmp .-%#x' % -d,
                fields(opcode=0xeb, opsz=8, imm_len=1, imm=le(d - 2, 1), imm_signed=1))
        for mn, op in (('loop', 0xe2), ('loope', 0xe1), ('loopne', 0xe0), ('jrcxz', 0xe3)):
            out.add('%s .%s%#x' % (mn, '+' if d > 0 else '-', abs(d)),
                    fields(opcode=op, opsz=8, imm_len=1, imm=le(d - 2, 1), imm_signed=1))
    for d in (0x1000, -0x1000, 0x12345678):
        sign = '+' if d > 0 else '-'
        out.add('jmp .%s%#x' % (sign, abs(d)),
                fields(opcode=0xe9, opsz=8, imm_len=4, imm=le(d - 5, 4), imm_signed=1))
        out.add('call .%s%#x' % (sign, abs(d)),
                fields(opcode=0xe8, opsz=8, imm_len=4, imm=le(d - 5, 4), imm_signed=1))
    out.add('jecxz .+0x20', fields(opcode=0xe3, opsz=8, imm_len=1, imm=0x20 - 3, imm_signed=1,
                                   addr32=1))


NULL_SEGS = (0x2e, 0x36, 0x3e, 0x26)


def family_prefixes(out, base_cases):
    """Legacy prefixes GNU as would not write, as raw bytes before its encoding: ignored
    segment overrides, FS/GS, repeats of its own 66 and F0, 66 under REX.W, HLE hints, 67 on
    ModRM memory forms, and REX bytes that a later legacy prefix cancels or a later REX
    replaces."""
    stores = [c for c in base_cases if c[2]['kind'] != 'OTHER' and c[2]['has_modrm']
              and c[2]['mem'] and not c[0]]
    rng.shuffle(stores)
    for k, (_, text, orig) in enumerate(stores[:600]):
        f, pb = dict(orig), []
        for _ in range(1 + k % 4):
            choice = rng.choice(['null', 'null', 'fsgs', 'dup', 'a32', 'rep', 'o16w'])
            if choice == 'null':
                pb.append(rng.choice(NULL_SEGS))
            elif choice == 'fsgs' and not orig['seg']:
                pb.append(rng.choice([0x64, 0x65]))
            elif choice == 'dup' and (orig['opsize16'] or orig['lock']):
                pb.append(0x66 if orig['opsize16'] else 0xf0)
            elif choice == 'a32':
                pb.append(0x67)
                f['addr32'] = 1
            elif choice == 'o16w' and orig['rex'] & 8 and orig['opcode'] not in (0x0fc3, 0x0fc7):
                pb.append(0x66)     # REX.W overrides it: sizes and length stay
                f['opsize16'] = 1
            elif choice == 'rep' and orig['lock']:
                b = rng.choice([0xf2, 0xf3])
                pb.append(b)
                f['rep' if b == 0xf3 else 'repne'] = 1
        if not pb:
            continue
        # Ours come first, then as's own override: the last FS/GS wins, else the last null one.
        segs = [b for b in pb if b in NULL_SEGS + (0x64, 0x65)] + \
            ([orig['seg']] if orig['seg'] else [])
        fsgs = [b for b in segs if b in (0x64, 0x65)]
        f['seg'] = fsgs[-1] if fsgs else segs[-1] if segs else 0
        # A REX of ours last: cancelled by a legacy prefix as writes after it, or replaced by
        # its REX.  (Never neither: then ours would apply.)
        as_legacy = orig['opsize16'] or orig['lock'] or orig['rep'] or orig['repne'] or \
            orig['addr32'] or orig['seg']
        if k % 5 == 0 and (as_legacy or orig['rex']):
            pb.append(0x48 if k % 2 else 0x41)
        out.add(text, f, pre='.byte ' + ', '.join('%#x' % b for b in pb) + '; ')
    # {rex} on instructions without one, and a REX that does apply.
    for n in range(8):
        m = Mem(base=n, disp=n * 8)
        f = modrm_fields(0x89, n, m, opsz=4, kind='MOV_STORE', force40=1)
        out.add('{rex} mov %%%s, %s' % (R32[n], m.text()), f)
        f = modrm_fields(0x89, n, m, opsz=8, kind='MOV_STORE', W=1)
        out.add('mov %%%s, %s' % (R32[n], m.text()), dict(f), pre='.byte 0x48; ')
        f = modrm_fields(0x89, n, m, opsz=8, kind='MOV_STORE', W=1)
        out.add('mov %%%s, %s' % (R32[n], m.text()), f, pre='.byte 0x41, 0x41, 0x48; ')
    # Long runs of prefixes up to the 15-byte limit.
    for n in range(1, 14):
        out.add('nop', fields(opcode=0x90, opsz=2, opsize16=1),
                pre='.byte ' + ', '.join(['0x66'] * n) + '; ')
        m = Mem(base=3)
        f = modrm_fields(0x89, 0, m, opsz=4, kind='MOV_STORE', seg=0x3e)
        out.add('mov %%eax, %s' % m.text(), f, pre='.byte ' + ', '.join(['0x3e'] * n) + '; ')
    # A 12-byte instruction behind 1 to 6 prefixes: 13 to 18 bytes, so the last three are
    # over the limit and must be refused (test_insn.c expects that of any form over 15).
    m = Mem(base=0, index=3, scale=4, disp=0x12345678)
    for n in range(1, 7):
        f = digit_fields(64, 0, m, 0x81, kind='ADD', imm_len=4, imm=0x7fffffff, imm_signed=1,
                         seg=0x2e)
        out.add('addq $0x7fffffff, %s' % m.text(), f,
                pre='.byte ' + ', '.join(['0x2e'] * n) + '; ')
    for pre, text, f in (('xacquire lock ', 'add %eax, (%rbx)', dict(repne=1, lock=1)),
                         ('xrelease lock ', 'add %eax, (%rbx)', dict(rep=1, lock=1)),
                         ('xrelease ', 'mov %eax, (%rbx)', dict(rep=1))):
        kind = 'ADD' if 'add' in text else 'MOV_STORE'
        g = modrm_fields(0x01 if kind == 'ADD' else 0x89, 0, Mem(base=3), opsz=4, kind=kind,
                         **f)
        out.add(pre + text, g)


# ---------------------------------------------------------------------------------------------


def main():
    outdir = sys.argv[1]
    out = Out()
    for fam in (family_stores, family_loads, family_alu_imm, family_mov_imm, family_test_imm,
                family_shifts, family_unary, family_misc_modrm, family_system_modrm,
                family_cr_dr, family_fixed, family_moffs, family_strings, family_branches):
        fam(out)
    family_prefixes(out, list(out.cases))

    with open(outdir + '/insn_oracle.s', 'w') as s:
        s.write('# Generated by tests/unit/insn_oracle.py: never executed, only decoded.\n')
        s.write('\t.section .rodata.insn_oracle,"a"\n\t.globl insn_oracle_code\n')
        s.write('insn_oracle_code:\n')
        for i, (pre, text, f) in enumerate(out.cases):
            s.write('.Lc%d: %s%s\n' % (i, pre, text))
        s.write('.Lc%d:\n' % len(out.cases))
        s.write('\t.section .rodata\n\t.p2align 2\n\t.globl insn_oracle_offsets\n')
        s.write('insn_oracle_offsets:\n')
        for i in range(len(out.cases) + 1):
            s.write('\t.long .Lc%d - insn_oracle_code\n' % i)
        s.write('\t.section .note.GNU-stack,"",@progbits\n')

    keys = ['lock', 'rep', 'repne', 'opsize16', 'addr32', 'seg', 'rex', 'opcode', 'has_modrm',
            'mod', 'reg', 'rm', 'mem', 'has_sib', 'scale', 'index', 'base', 'rip_rel',
            'disp_len', 'disp', 'imm_len', 'imm_signed', 'imm', 'opsz']
    with open(outdir + '/insn_oracle_cases.c', 'w') as c:
        c.write('/* Generated by tests/unit/insn_oracle.py: what each form in insn_oracle.s\n'
                ' * must decode to (len comes from the assembler). */\n')
        c.write('#include "insn_oracle.h"\n\n')
        c.write('const struct oracle_case insn_oracle_cases[] = {\n')
        for pre, text, f in out.cases:
            body = ', '.join('.%s = %#x' % (k, f[k]) if k != 'disp' else '.disp = %d' % f[k]
                             for k in keys)
            src = (pre + text).replace('\\', '\\\\').replace('"', '\\"')
            c.write('    { "%s", { %s, .kind = INSN_%s } },\n' % (src, body, f['kind']))
        c.write('};\n')
        c.write('const unsigned insn_oracle_count = %d;\n' % len(out.cases))
    print('insn_oracle.py: %d cases' % len(out.cases))


if __name__ == '__main__':
    main()
