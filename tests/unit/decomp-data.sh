#!/usr/bin/env bash
# Make the decompressor tests' files with Debian's own gzip and xz: every input compressed
# with several levels, checks, block sizes and the x86 BCJ filter as Linux uses it, plus
# concatenations.  Writes DIR/manifest: one "compressed-file expected-output" pair a line.
#   tests/unit/decomp-data.sh DIR [ELF]     (ELF: a real executable to include, e.g. guest.elf)
set -eu
dir=$1 elf=${2:+$(realpath "$2")}
rm -rf "$dir"
mkdir -p "$dir/in"
cd "$dir"
for tool in gzip xz python3; do
  command -v $tool >/dev/null || { echo "decomp-data: $tool is not installed" >&2; exit 1; }
done

# Inputs: the edge cases, then data of each kind a kernel image holds.  Random data comes
# from a fixed seed, so every run makes the same files.
python3 - "$elf" <<'EOF'
import random, sys
r = random.Random(1952)
def put(name, data):
    open('in/' + name, 'wb').write(data)
put('empty', b'')
put('tiny', b'a')
put('random', bytes(r.getrandbits(8) for _ in range(256 << 10)))
put('repeat', b'pvx ' * (1 << 18) + b'\0' * (1 << 20))
# x86 BCJ stress: call/jmp opcodes, 00/ff high bytes and near misses packed together, so
# the filter's every rule (and its memory of skipped opcodes) is exercised.
alphabet = [0xe8, 0xe9, 0x00, 0xff, 0xe8, 0x00, 0xff, 0x0f, 0xea, 0x01, 0xfe]
put('bcj', bytes(r.choice(alphabet) if r.random() < 0.8 else r.getrandbits(8)
                 for _ in range(192 << 10)))
# Small files whose every truncation point and bit is tried: text with calls in it (dynamic
# Huffman blocks, BCJ conversions), and noise (stored blocks, LZMA2 uncompressed chunks).
put('small', b''.join(b'%d: call \xe8%s\n' % (i, bytes([i & 0xff, 0, 0, 0])) for i in range(300)))
put('noise', bytes(r.getrandbits(8) for _ in range(2048)))
text = b''.join(b'line %d: the quick brown fox %x\n' % (i, r.getrandbits(20)) for i in range(60000))
elf = open(sys.argv[1], 'rb').read() if sys.argv[1] else b''
put('mixed', (elf + text + bytes(r.getrandbits(8) for _ in range(1 << 20))) * 2)
if elf:
    put('elf', elf)
EOF

: > manifest
add() { echo "$1 $2" >> manifest; }
for f in in/*; do
  name=$(basename "$f")
  for lvl in 1 6 9; do
    gzip -$lvl -c "$f" > "$name.gz$lvl.gz"; add "$name.gz$lvl.gz" "$f"
  done
  gzip -9 --no-name < "$f" > "$name.gzn.gz"; add "$name.gzn.gz" "$f"
  xz -0 -c "$f" > "$name.xz0.xz"; add "$name.xz0.xz" "$f"
  for check in crc32 crc64 none; do
    xz -6 --check=$check -c "$f" > "$name.$check.xz"; add "$name.$check.xz" "$f"
  done
  xz -6 --block-size=65536 -c "$f" > "$name.blocks.xz"; add "$name.blocks.xz" "$f"
  # As Linux's scripts/xz_wrap.sh makes a bzImage payload (with a smaller dictionary).
  xz --check=crc32 --x86 --lzma2=preset=6,dict=4MiB -c "$f" > "$name.x86.xz"
  add "$name.x86.xz" "$f"
  xz --check=crc64 --x86=start=4096 --lzma2=preset=1 --block-size=100000 -c "$f" \
    > "$name.x86start.xz"
  add "$name.x86start.xz" "$f"
done
# The slowest preset only where it finishes quickly.
for name in tiny repeat bcj elf; do
  [ -e in/$name ] || continue
  xz -9e -c in/$name > $name.xz9e.xz; add $name.xz9e.xz in/$name
done
# Several gzip members, several xz streams with stream padding between and after them.
cat in/tiny in/repeat > in/tiny+repeat
cat tiny.gz9.gz repeat.gz1.gz > concat.gz; add concat.gz in/tiny+repeat
{ cat tiny.crc32.xz; head -c 8 /dev/zero; cat repeat.blocks.xz; head -c 4 /dev/zero; } > concat.xz
add concat.xz in/tiny+repeat
# Refused on purpose (the tests expect each refusal): SHA-256, other filters.
xz --check=sha256 -c in/tiny > refuse.sha256.xz
xz --delta --lzma2 -c in/tiny > refuse.delta.xz
xz --arm --lzma2 -c in/tiny > refuse.arm.xz
xz --format=lzma -c in/tiny > refuse.lzma1.xz
echo "decomp-data: $(wc -l < manifest) files in $dir"
