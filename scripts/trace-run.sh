#!/usr/bin/env bash
# Boot the guest once with its trace on (pvx.trace=on) and QEMU's debug console captured:
# natively, under the traced pvx host (build/host-trace.elf, whose records follow the
# guest's), or as dom0 under Xen 4.17.  docs/trace.md.
#
#   scripts/trace-run.sh -p native|pvx|xen -o CAPTURE [-l LOG] [-c CMDFILE] [-a tcg|kvm]
#                        [-I] [-t SECONDS] [-H HOST_ARGS] -- GUEST_ARGS...
#
# -o: where the debug console goes (the capture pvxtrace reads); -l: the serial log (default
# CAPTURE.log); -c: append the QEMU command line used to CMDFILE; -I: no -icount (the TSC is
# then the host's, not an instruction count); -H: the pvx host's command line (default
# dom0_mem=32M).  The serial output is also written to standard output.  Exit status: 0
# for a clean poweroff with a non-empty capture, otherwise non-zero with the reason.
set -u
cd "$(dirname "$0")/.."
platform= out= log= cmdfile= accel=${ACCEL:-tcg} icount=-i timeout_s=300 host_args="dom0_mem=32M"
while [ $# -gt 0 ]; do
  case "$1" in
    -p) platform=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    -l) log=$2; shift 2 ;;
    -c) cmdfile=$2; shift 2 ;;
    -a) accel=$2; shift 2 ;;
    -I) icount=; shift ;;
    -t) timeout_s=$2; shift 2 ;;
    -H) host_args=$2; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "trace-run: unknown option '$1' (see -h)" >&2; exit 2 ;;
  esac
done
[ -n "$platform" ] && [ -n "$out" ] || { echo "trace-run: -p PLATFORM and -o CAPTURE are needed" >&2; exit 2; }
[ -n "$log" ] || log=$out.log
args="$* pvx.trace=on"
mkdir -p "$(dirname "$out")" "$(dirname "$log")"
rm -f "$out"

note() {
  [ -z "$cmdfile" ] || echo "$*" >> "$cmdfile"
}

case $platform in
  native)
    [ -f build/guest.elf ] || { echo "trace-run: build/guest.elf missing (run make)" >&2; exit 2; }
    note "scripts/qemu.sh $icount -a $accel -- -debugcon file:$out -kernel build/guest.elf -append \"$args\""
    scripts/qemu.sh $icount -a "$accel" -t "$timeout_s" -l "$log" -- -debugcon "file:$out" \
      -kernel build/guest.elf -append "$args" ;;
  pvx)
    for f in build/host-trace.elf build/guest.elf; do
      [ -f "$f" ] || { echo "trace-run: $f missing (run make)" >&2; exit 2; }
    done
    note "scripts/qemu.sh $icount -a $accel -- -debugcon file:$out -kernel build/host-trace.elf -append \"$host_args\" -initrd \"build/guest.elf $args\""
    scripts/qemu.sh $icount -a "$accel" -t "$timeout_s" -l "$log" -- -debugcon "file:$out" \
      -kernel build/host-trace.elf -append "$host_args" -initrd "build/guest.elf $args" ;;
  xen)
    note "scripts/xen.sh $icount -a $accel -q -debugcon -q file:$out $args"
    # shellcheck disable=SC2086
    scripts/xen.sh $icount -a "$accel" -t "$timeout_s" -l "$log" -q -debugcon -q "file:$out" $args ;;
  *) echo "trace-run: unknown platform '$platform' (native, pvx or xen)" >&2; exit 2 ;;
esac
rc=$?
if [ $rc -ne 0 ]; then
  echo "trace-run: $platform did not power off cleanly (status $rc); serial log: $log" >&2
  exit $rc
fi
if [ ! -s "$out" ]; then
  echo "trace-run: $platform wrote nothing to the debug console ($out); serial log: $log" >&2
  exit 1
fi
