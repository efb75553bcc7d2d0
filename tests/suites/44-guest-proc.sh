#!/usr/bin/env bash
# The guest kernel's processes: the user tests (`user=full`, each in its own process, one
# XTF verdict each, the timer on) and the lmbench-style workloads (`bench=all preempt=off`,
# so every run does the same work), natively and as dom0 under Xen 4.17 with pvx.batch=on
# and off.  For every workload the two Xen runs must differ only in packaging: the
# unbatched hypercall count equals the batched one minus its multicalls plus the entries
# they carried; the pvx counts must equal Xen's.  Under pvx the rows run when the host can
# run user code, and otherwise report, as a skip, the reason the guest printed.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/44-guest-proc; mkdir -p "$out"
WORKLOADS="fork-exit fork-exec ctxsw mmap-touch-munmap-64 pagefault mprotect-64 build"

# bench_field LOG WORKLOAD FIELD: the value of FIELD= on the workload's result line.
bench_field() {
  tr -d '\r' < "$1" | sed -nE "s|^(\(d0\) )?bench: $2 .* $3=([0-9.]+).*|\2|p" | head -1
}

# check_user PLATFORM LOG STATUS: one verdict per user test, the summary, a clean end.
check_user() {
  tap_xtf "$1" "$2"
  tap_grep "$1: user tests summary, none failed" 'usertests: [0-9]+ success, [0-9]+ skip, 0 failed' "$2"
  check_end "$@"
}

# check_bench PLATFORM LOG STATUS: every workload's line, a clean end.
check_bench() {
  local w
  for w in $WORKLOADS; do
    tap_grep "$1: workload $w reports its line" "bench: $w ops=[0-9]+ tsc/op=[0-9]+ hypercalls=" "$2"
  done
  check_end "$@"
}

check_end() {
  ! grep -qE 'BUG|crashed' "$2"
  tap "$1: no kernel bug or crash" $? "$(grep -m1 -E 'BUG|crashed' "$2")"
  tap "$1: powered off cleanly" "$3" "status $3"
}

scripts/qemu.sh -t 120 -l "$out/native.log" -- -kernel build/guest.elf \
  -append "user=full" > /dev/null 2> "$out/native.err"
check_user native "$out/native.log" $?
scripts/qemu.sh -t 120 -l "$out/native-bench.log" -- -kernel build/guest.elf \
  -append "bench=all preempt=off" > /dev/null 2> "$out/native-bench.err"
check_bench native "$out/native-bench.log" $?

if [ -f build/host.elf ]; then
  scripts/qemu.sh -t 60 -l "$out/pvx.log" -- -kernel build/host.elf -append "dom0_mem=32M" \
    -initrd "build/guest.elf user=full" > /dev/null 2> "$out/pvx.err"
  rc=$?
  why=$(tr -d '\r' < "$out/pvx.log" | sed -nE 's/^(\(d0\) )?proc: (this platform cannot run user code yet: .*)/\2/p' | head -1)
  if [ -n "$why" ]; then
    echo "ok - pvx: user tests and workloads # SKIP the guest says: $why (no trap table, iret or user mode in the pvx host yet)"
    tap "pvx: guest still powers off cleanly" $rc "status $rc"
  else
    check_user pvx "$out/pvx.log" $rc
    scripts/qemu.sh -t 60 -l "$out/pvx-bench.log" -- -kernel build/host.elf -append "dom0_mem=32M" \
      -initrd "build/guest.elf bench=all preempt=off" > /dev/null 2> "$out/pvx-bench.err"
    check_bench pvx "$out/pvx-bench.log" $?
    scripts/qemu.sh -t 60 -l "$out/pvx-off.log" -- -kernel build/host.elf -append "dom0_mem=32M" \
      -initrd "build/guest.elf bench=all preempt=off pvx.batch=off" > /dev/null 2> "$out/pvx-off.err"
    check_bench pvx-batch-off "$out/pvx-off.log" $?
  fi
else
  echo "not ok - pvx: build/host.elf missing"
fi

if [ ! -r /boot/xen-4.17-amd64.gz ]; then
  echo "ok - xen: user tests and workloads # SKIP Xen 4.17 not installed"
  exit 0
fi
scripts/xen.sh -t 180 -l "$out/xen-user.log" user=full > /dev/null 2> "$out/xen-user.err"
check_user xen "$out/xen-user.log" $?
scripts/xen.sh -t 180 -l "$out/xen.log" bench=all preempt=off > /dev/null 2> "$out/xen.err"
check_bench xen "$out/xen.log" $?
scripts/xen.sh -t 180 -l "$out/xen-off-user.log" user=quick pvx.batch=off > /dev/null 2> "$out/xen-off-user.err"
check_user xen-batch-off "$out/xen-off-user.log" $?
scripts/xen.sh -t 180 -l "$out/xen-off.log" bench=all preempt=off pvx.batch=off > /dev/null 2> "$out/xen-off.err"
check_bench xen-batch-off "$out/xen-off.log" $?

for w in $WORKLOADS; do
  h=$(bench_field "$out/xen.log" "$w" hypercalls); m=$(bench_field "$out/xen.log" "$w" multicalls)
  e=$(bench_field "$out/xen.log" "$w" entries); off=$(bench_field "$out/xen-off.log" "$w" hypercalls)
  offm=$(bench_field "$out/xen-off.log" "$w" multicalls)
  [ -n "$h" ] && [ -n "$off" ] && [ "$off" -eq $((h - m + e)) ] && [ "$offm" -eq 0 ]
  tap "xen: $w: batching changes only packaging (batch=off ${off:-?} = batch=on ${h:-?} - ${m:-?} multicalls + ${e:-?} entries)" $?
done
if [ -s "$out/pvx-bench.log" ]; then
  for w in $WORKLOADS; do
    for f in hypercalls multicalls entries; do
      p=$(bench_field "$out/pvx-bench.log" "$w" $f); x=$(bench_field "$out/xen.log" "$w" $f)
      [ -n "$p" ] && [ "$p" = "$x" ]
      tap "pvx and Xen: $w: the same $f (pvx ${p:-?}, Xen ${x:-?})" $?
    done
    p=$(bench_field "$out/pvx-off.log" "$w" hypercalls); x=$(bench_field "$out/xen-off.log" "$w" hypercalls)
    [ -n "$p" ] && [ "$p" = "$x" ]
    tap "pvx and Xen, batch=off: $w: the same hypercalls (pvx ${p:-?}, Xen ${x:-?})" $?
  done
fi
echo "# hypercalls per operation (batch=on / batch=off), under Xen 4.17 and under pvx:"
for w in $WORKLOADS; do
  echo "#   $w: Xen $(bench_field "$out/xen.log" "$w" hypercalls/op) / $(bench_field "$out/xen-off.log" "$w" hypercalls/op), pvx $(bench_field "$out/pvx-bench.log" "$w" hypercalls/op) / $(bench_field "$out/pvx-off.log" "$w" hypercalls/op)"
done
