#!/usr/bin/env bash
# `make debug`: the pvx host with the guest in QEMU (TCG), paused before the first
# instruction with QEMU's gdbstub listening, and gdb attached with the host's and the
# guest's symbols (scripts/pvx.gdb).  The serial console goes to build/debug/serial.log
# (DEBUG_DIR=... for another directory).  QEMU is stopped when gdb exits.
#
#   scripts/debug.sh [-p PORT] [-n] [-x GDB_FILE]...
#     -p PORT   gdbstub port (default GDB_PORT or 1234)
#     -n        start QEMU only and wait; attach with: gdb -x scripts/pvx.gdb
#     -x FILE   run gdb in batch mode with these commands after the set-up (for scripts)
#   HOST_ARGS=..., GUEST_ARGS=... as for `make boot`; DEBUG_HOST=build/host-debug.elf to
#   debug the host with the paging audit; TIMEOUT=seconds before QEMU is stopped (3600).
set -u
cd "$(dirname "$0")/.."
port=${GDB_PORT:-1234} qemu_only=0 batch=()
while [ $# -gt 0 ]; do
  case "$1" in
    -p) port=$2; shift 2 ;;
    -n) qemu_only=1; shift ;;
    -x) batch+=(-x "$2"); shift 2 ;;
    *) echo "debug.sh: unknown option '$1' (see the top of $0)" >&2; exit 2 ;;
  esac
done
host=${DEBUG_HOST:-build/host.elf}
for f in "$host" build/guest.elf; do
  [ -f "$f" ] || { echo "debug.sh: $f is missing (run 'make')" >&2; exit 1; }
done
command -v gdb >/dev/null || { echo "debug.sh: gdb not found (run 'make deps' as root)" >&2; exit 1; }
listening() { [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; }
if listening; then
  echo "debug.sh: port $port is in use; choose another with -p or GDB_PORT" >&2
  exit 1
fi

out=${DEBUG_DIR:-build/debug}; mkdir -p "$out"
rm -f "$out/qemu.pid"
scripts/qemu.sh -t "${TIMEOUT:-3600}" -l "$out/serial.log" -- -kernel "$host" \
  -append "${HOST_ARGS:-dom0_mem=32M}" -initrd "build/guest.elf ${GUEST_ARGS:-}" \
  -gdb "tcp:localhost:$port" -S -pidfile "$out/qemu.pid" > /dev/null 2> "$out/qemu.err" &
qemu_sh=$!
stop_qemu() {   # QEMU's own pid, only while the qemu.sh that started it still runs
  if kill -0 "$qemu_sh" 2>/dev/null && [ -s "$out/qemu.pid" ]; then
    kill "$(cat "$out/qemu.pid")" 2>/dev/null
  fi
  wait "$qemu_sh" 2>/dev/null
}
trap stop_qemu EXIT
for _ in $(seq 100); do
  listening && break
  kill -0 "$qemu_sh" 2>/dev/null || break
  sleep 0.1
done
if ! listening; then
  echo "debug.sh: QEMU's gdbstub did not come up on port $port: $(cat "$out/qemu.err")" >&2
  exit 1
fi
echo "debug.sh: QEMU paused, gdbstub on :$port; serial console in $out/serial.log"
if [ $qemu_only -eq 1 ]; then
  echo "debug.sh: attach with: gdb -ex 'set \$pvx_port = $port' -x scripts/pvx.gdb  (Ctrl-C here stops QEMU)"
  wait "$qemu_sh"
  exit
fi
gdb_args=(-q -ex "set \$pvx_port = $port" -ex "set \$pvx_host = \"$host\"" -x scripts/pvx.gdb)
if [ ${#batch[@]} -gt 0 ]; then
  gdb -batch "${gdb_args[@]}" "${batch[@]}"
else
  gdb "${gdb_args[@]}"
fi
