#!/usr/bin/env bash
# The guest kernel's processes: the user tests (`user=full`, each in its own process, one
# XTF verdict each) and the lmbench-style workloads (`bench=all`), natively and as dom0
# under Xen 4.17 with pvx.batch=on and off.  For every workload the two Xen runs must
# differ only in packaging: the unbatched hypercall count equals the batched one minus its
# multicalls plus the entries they carried.  Under pvx the row runs when the host can run
# user code, and otherwise reports, as a skip, the reason the guest printed.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/43-guest-proc; mkdir -p "$out"
WORKLOADS="fork-exit fork-exec ctxsw mmap-touch-munmap-64 pagefault mprotect-64 build"

# bench_field LOG WORKLOAD FIELD: the value of FIELD= on the workload's result line.
bench_field() {
  tr -d '\r' < "$1" | sed -nE "s|^(\(d0\) )?bench: $2 .* $3=([0-9.]+).*|\2|p" | head -1
}

# check_run PLATFORM LOG STATUS: verdicts, the summary, the workloads, a clean poweroff.
check_run() {
  local platform=$1 log=$2 rc=$3 w
  tap_xtf "$platform" "$log"
  tap_grep "$platform: user tests summary, none failed" 'usertests: [0-9]+ success, [0-9]+ skip, 0 failed' "$log"
  for w in $WORKLOADS; do
    tap_grep "$platform: workload $w reports its line" "bench: $w ops=[0-9]+ tsc/op=[0-9]+ hypercalls=" "$log"
  done
  ! grep -qE 'BUG|crashed' "$log"
  tap "$platform: no kernel bug or crash" $? "$(grep -m1 -E 'BUG|crashed' "$log")"
  tap "$platform: powered off cleanly" "$rc" "status $rc"
}

scripts/qemu.sh -t 120 -l "$out/native.log" -- -kernel build/guest.elf \
  -append "user=full bench=all" > /dev/null 2> "$out/native.err"
check_run native "$out/native.log" $?

if [ -f build/host.elf ]; then
  scripts/qemu.sh -t 60 -l "$out/pvx.log" -- -kernel build/host.elf -append "dom0_mem=32M" \
    -initrd "build/guest.elf user=quick bench=all" > /dev/null 2> "$out/pvx.err"
  rc=$?
  why=$(tr -d '\r' < "$out/pvx.log" | sed -nE 's/^(\(d0\) )?proc: (this platform cannot run user code yet: .*)/\2/p' | head -1)
  if [ -n "$why" ]; then
    echo "ok - pvx: user tests and workloads # SKIP the guest says: $why (no trap table, iret or user mode in the pvx host yet)"
    tap "pvx: guest still powers off cleanly" $rc "status $rc"
  else
    check_run pvx "$out/pvx.log" $rc
  fi
else
  echo "not ok - pvx: build/host.elf missing"
fi

if [ ! -r /boot/xen-4.17-amd64.gz ]; then
  echo "ok - xen: user tests and workloads # SKIP Xen 4.17 not installed"
  exit 0
fi
scripts/xen.sh -t 180 -l "$out/xen.log" user=full bench=all > /dev/null 2> "$out/xen.err"
check_run xen "$out/xen.log" $?
scripts/xen.sh -t 180 -l "$out/xen-off.log" user=quick bench=all pvx.batch=off > /dev/null 2> "$out/xen-off.err"
check_run xen-batch-off "$out/xen-off.log" $?

for w in $WORKLOADS; do
  h=$(bench_field "$out/xen.log" "$w" hypercalls); m=$(bench_field "$out/xen.log" "$w" multicalls)
  e=$(bench_field "$out/xen.log" "$w" entries); off=$(bench_field "$out/xen-off.log" "$w" hypercalls)
  offm=$(bench_field "$out/xen-off.log" "$w" multicalls)
  [ -n "$h" ] && [ -n "$off" ] && [ "$off" -eq $((h - m + e)) ] && [ "$offm" -eq 0 ]
  tap "xen: $w: batching changes only packaging (batch=off ${off:-?} = batch=on ${h:-?} - ${m:-?} multicalls + ${e:-?} entries)" $?
done
echo "# hypercalls per operation under Xen 4.17, batch=on / batch=off:"
for w in $WORKLOADS; do
  echo "#   $w: $(bench_field "$out/xen.log" "$w" hypercalls/op) / $(bench_field "$out/xen-off.log" "$w" hypercalls/op)"
done
