#!/usr/bin/env python3
"""The decoder against a second, independent decoder: GNU objdump (libopcodes).

Writes COUNT random candidates (legacy prefixes, maybe a REX, a one- or two-byte opcode, random
bytes), each at the start of its own 32-byte slot padded with nops so objdump falls back in
step; asks the decoder (insn-unit --lengths) and objdump for the length of each slot's first
instruction.  Every candidate the decoder accepts must be one objdump decodes, to the same
length; the decoder may refuse what objdump knows (SSE, x87, VEX...).  Prints one TAP line.
One known difference is tolerated: objdump marks MPX operands in the 0F 1A/1B hint space
"(bad)" where hardware without MPX executes a nop of the same length.

    insn_vs_objdump.py INSN_UNIT COUNT SEED
"""
import os
import random
import re
import subprocess
import sys
import tempfile

SLOT = 32
LEGACY = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65]
# objdump prints prefixes it cannot attach as instructions of their own: merge them.
PREFIX_WORDS = set('data16 addr32 lock repz repnz rep repe repne cs ds es ss fs gs rex rex64 '
                   'xacquire xrelease bnd notrack'.split())


def candidates(count, seed):
    """Prefixes, then REX, then the opcode: a REX before a legacy prefix is a case objdump
    shows differently (as a separate instruction), so it is not generated here."""
    rng = random.Random(seed)
    not_opcode = set(LEGACY) | set(range(0x40, 0x50)) | {0x0f, 0x9b}   # 9b: objdump's fwait
    one = [o for o in range(256) if o not in not_opcode]
    two = [o for o in range(256) if o not in (0x0f, 0x38, 0x3a)]
    blob = bytearray()
    for _ in range(count):
        b = [rng.choice(LEGACY) for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3]))]
        if rng.random() < 0.4:
            b.append(0x40 | rng.randrange(16))
        b += [0x0f, rng.choice(two)] if rng.random() < 0.5 else [rng.choice(one)]
        b = (b + [rng.randrange(256) for _ in range(14)])[:15]
        blob += bytes(b) + b'\x90' * (SLOT - len(b))
    return bytes(blob)


def objdump_lengths(path):
    """{address: (length, text)} of every instruction objdump prints."""
    out = subprocess.run(['objdump', '-D', '-b', 'binary', '-m', 'i386:x86-64', path],
                         capture_output=True, text=True, check=True).stdout
    insns, order, cur = {}, [], None
    for line in out.split('\n'):
        m = re.match(r'^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*(\t(.*))?$', line)
        if not m:
            continue
        addr, n = int(m.group(1), 16), len(m.group(2).split())
        if m.group(3) is None and cur is not None:    # continuation of a long instruction
            insns[cur][0] += n
            continue
        cur = addr
        insns[addr] = [n, (m.group(4) or '').strip()]
        order.append(addr)
    return insns, order


def prefix_only(text):
    words = text.split()
    return bool(words) and all(w in PREFIX_WORDS or w.startswith('rex.') for w in words)


def objdump_first(insns, order, pos, addr):
    """Length and text of the instruction at addr, with prefixes objdump split off."""
    n, total, text = pos[addr], 0, ''
    while True:
        length, t = insns[order[n]]
        total, text = total + length, text + ' ' + t
        if not prefix_only(t) or total >= 15 or n + 1 == len(order):
            return total, text.strip()
        n += 1


def main():
    unit, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'candidates.bin')
        blob = candidates(count, seed)
        with open(path, 'wb') as f:
            f.write(blob)
        ours = subprocess.run([unit, '--lengths', path], capture_output=True, text=True,
                              check=True).stdout.split()
        insns, order = objdump_lengths(path)
    pos = {a: i for i, a in enumerate(order)}
    decoded, bad = 0, []
    for i in range(count):
        mine = int(ours[i])
        if mine < 0:
            continue
        decoded += 1
        addr = i * SLOT
        if addr not in pos:
            bad.append((i, mine, None, 'objdump lost step'))
            continue
        length, text = objdump_first(insns, order, pos, addr)
        mpx = bool(re.search(r'\bbnd', text))
        if length != mine or ('(bad)' in text and not mpx):
            bad.append((i, mine, length, text))
    for i, mine, length, text in bad[:20]:
        print('# %s: decoder %d, objdump %s: %s' % (
            blob[i * SLOT:i * SLOT + 15].hex(' '), mine, length, text))
    what = 'decoder vs objdump: %d random candidates (seed %d), %d decoded' % (
        count, seed, decoded)
    if bad or decoded == 0:
        print('not ok - %s, %d disagree' % (what, len(bad)))
        return 1
    print('ok - %s, every length agrees' % what)
    return 0


if __name__ == '__main__':
    sys.exit(main())
