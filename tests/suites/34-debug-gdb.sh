#!/usr/bin/env bash
# `make debug` works: scripts/debug.sh starts the pvx host with the guest in QEMU paused at
# the reset vector with its gdbstub, and gdb (batch mode, scripts/pvx.gdb) loads both symbol
# files and attaches.  With a breakpoint in the guest (mmu_update1, the in-guest tests'
# mmu_update wrapper) and one in the host (do_mmu_update), `test=mm-update-normal` must stop
# first in the guest, then in the host's handler reached from the x86 syscall entry, each at
# the symbol's own address.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/34-debug-gdb; mkdir -p "$out"
if ! command -v gdb >/dev/null; then
  echo "ok - gdb # SKIP gdb is not installed (make deps)"
  exit 0
fi

# A free port of our own: other users of the machine may be debugging on 1234.
port=$((20000 + $$ % 20000))
while [ -n "$(ss -Hltn "sport = :$port")" ]; do port=$((port + 1)); done

cat > "$out/cmds.gdb" <<'GDB'
break mmu_update1
break do_mmu_update
continue
printf "stop 1: pc at mmu_update1: %d\n", $pc == (long)&mmu_update1
bt 1
continue
printf "stop 2: pc at do_mmu_update: %d\n", $pc == (long)&do_mmu_update
bt 4
kill
GDB
GUEST_ARGS="test=mm-update-normal" TIMEOUT=60 DEBUG_DIR=$out timeout 90 scripts/debug.sh -p "$port" \
  -x "$out/cmds.gdb" > "$out/gdb.log" 2>&1
rc=$?
cat "$out/gdb.log"

grep -q '^0x0*fff0 in ?? ()' "$out/gdb.log" &&
  grep -qE '^Breakpoint 1 at 0xffffffff8[0-9a-f]+: file tests/guest/mm\.c' "$out/gdb.log" &&
  grep -qE '^Breakpoint 2 at 0xffff8300[0-9a-f]+: file host/hypercall\.c' "$out/gdb.log"
tap "gdb: QEMU paused at the reset vector, host and guest symbols both loaded" $? "status $rc"
grep -qE '^Breakpoint 1, mmu_update1 \(.* at tests/guest/mm\.c:[0-9]+' "$out/gdb.log" &&
  grep -q '^stop 1: pc at mmu_update1: 1' "$out/gdb.log"
tap "gdb: stopped in the guest at mmu_update1" $? "see $out/gdb.log"
grep -qE '^Breakpoint 2, do_mmu_update \(.* at host/hypercall\.c:[0-9]+' "$out/gdb.log" &&
  grep -q '^stop 2: pc at do_mmu_update: 1' "$out/gdb.log" &&
  grep -qE '^#[1-3] .* at host/arch/x86/' "$out/gdb.log"
tap "gdb: then stopped in the host at do_mmu_update, called from the syscall entry" $? \
    "see $out/gdb.log"
