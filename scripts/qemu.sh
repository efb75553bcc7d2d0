#!/usr/bin/env bash
# Run QEMU the one way pvx runs it, and turn the isa-debug-exit contract into a shell status.
#
#   scripts/qemu.sh [-t SECONDS] [-l LOGFILE] [-a tcg|kvm] [-i] [-I] [-s FILE [-w REGEX]]
#                   -- <extra qemu args>
#
# -I puts this script's standard input on the serial line (an interactive guest console).
# QEMU_MEM (default 512M) sets the machine's memory.
# Always: -no-reboot, -display none, serial on stdio (tee'd to LOGFILE if given), the exit
# device at port 0xf4, under `timeout`.  -i adds `-icount shift=0,sleep=off` (deterministic
# TSC).  Serial input is empty (stdin /dev/null) unless -s gives a FILE whose bytes are
# typed on the serial line: at once, or with -w once the serial output has a line matching
# the extended REGEX (so a guest can say when it is ready for them).  Exit status: 0 for a clean poweroff (QEMU status 33 = 0x10 written to port 0xf4);
# otherwise non-zero with one line on stderr saying what happened.
set -u
timeout_s=60 log= accel=${ACCEL:-tcg} icount= input= input_after= interactive=
while [ $# -gt 0 ]; do
  case "$1" in
    -t) timeout_s=$2; shift 2 ;;
    -l) log=$2; shift 2 ;;
    -a) accel=$2; shift 2 ;;
    -i) icount="-icount shift=0,sleep=off"; shift ;;
    -I) interactive=1; shift ;;
    -s) input=$2; shift 2 ;;
    -w) input_after=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "qemu.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

case "$accel" in
  tcg) cpu="-accel tcg -cpu max,-smap" ;;
  # kvm_pvm here rejects the arch-capabilities MSR that -cpu host asks for.
  kvm) cpu="-accel kvm -cpu host,-smap,-arch-capabilities" ;;
  *) echo "qemu.sh: ACCEL must be tcg or kvm, not '$accel'" >&2; exit 2 ;;
esac

[ -z "$input" ] || [ -r "$input" ] ||
  { echo "qemu.sh: serial input file '$input' not readable" >&2; exit 2; }
[ -z "$input_after" ] || [ -n "$input" ] ||
  { echo "qemu.sh: -w needs -s (what to type once REGEX is seen)" >&2; exit 2; }

command -v qemu-system-x86_64 >/dev/null ||
  { echo "qemu.sh: qemu-system-x86_64 not found (run 'make deps' as root)" >&2; exit 2; }

# shellcheck disable=SC2086
cmd=(timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 $cpu $icount -m "${QEMU_MEM:-512M}"
     -no-reboot -display none -vga none -serial stdio -monitor none
     -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@")
# Serial input: stdin is a FIFO a feeder writes FILE into, after REGEX shows up in the
# output (the log, or a temporary copy of it).  The feeder holds the FIFO open until QEMU
# ends, so QEMU never sees the end of its input.
stdin=/dev/null feeder= tmpdir=
[ -n "$interactive" ] && stdin=/dev/stdin
if [ -n "$input" ]; then
  tmpdir=$(mktemp -d)
  mkfifo "$tmpdir/serial-in"
  [ -n "$log" ] || log=$tmpdir/out
  : > "$log"
  (
    exec 3> "$tmpdir/serial-in"
    if [ -n "$input_after" ]; then
      until grep -qE -- "$input_after" "$log" 2>/dev/null; do sleep 0.2; done
    fi
    cat -- "$input" >&3
    while :; do sleep 1; done
  ) &
  feeder=$!
  stdin=$tmpdir/serial-in
fi
if [ -n "$log" ]; then
  "${cmd[@]}" < "$stdin" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
else
  "${cmd[@]}" < "$stdin"
  status=$?
fi
if [ -n "$feeder" ]; then
  kill "$feeder" 2>/dev/null
  wait "$feeder" 2>/dev/null
  rm -rf "$tmpdir"
fi

# The exit device gives (v << 1) | 1; pvx writes v = 0x10 + the SHUTDOWN_* reason, and 0x1f
# when the host itself panics.
case $status in
  33) exit 0 ;;
  35) echo "qemu.sh: the guest asked for a reboot (status 35)" >&2 ;;
  37) echo "qemu.sh: the guest suspended (status 37)" >&2 ;;
  39) echo "qemu.sh: the guest crashed (status 39)" >&2 ;;
  41) echo "qemu.sh: the guest watchdog fired (status 41)" >&2 ;;
  63) echo "qemu.sh: the pvx host panicked (status 63)" >&2 ;;
  124|137) echo "qemu.sh: QEMU did not finish within ${timeout_s}s and was stopped" >&2 ;;
  0) echo "qemu.sh: QEMU exited without the exit device being written (status 0)" >&2 ;;
  *) echo "qemu.sh: QEMU failed with status $status" >&2 ;;
esac
exit 1
