#!/usr/bin/env bash
# Run the in-guest memory tests (`test=mm-*`) in the guest under the pvx host (TCG), one TAP
# line per test, then one TAP line per test comparing the pvx outcome with real Xen's.
# A difference fails unless docs/abi.md names the test (a documented, deliberate
# difference); a test that ran under only one of the two fails too.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/40-guest-mm-pvx; mkdir -p "$out"

if [ ! -f build/host.elf ]; then
  echo "not ok - pvx: build/host.elf missing (make build/host.elf)"
  exit 1
fi
log=$out/pvx.log
scripts/qemu.sh -t 120 -l "$log" -- -kernel build/host.elf -append "dom0_mem=32M" \
  -initrd "build/guest.elf test=mm-*" > /dev/null 2> "$out/pvx.err"
rc=$?
cat "$log" "$out/pvx.err"
tap_xtf pvx "$log"
tap_grep "pvx: test summary line" "^(\\(d0\\) )?xtf: summary: [0-9]+ success" "$log"
tap "pvx: guest powered off cleanly after the tests" $rc "qemu.sh status $rc: $(cat "$out/pvx.err")"

# The same tests on the debug host, which audits every paging invariant after every
# hypercall and crashes the domain on the first violation.
if [ -f build/host-debug.elf ]; then
  dlog=$out/pvx-debug.log
  scripts/qemu.sh -t 120 -l "$dlog" -- -kernel build/host-debug.elf -append "dom0_mem=32M" \
    -initrd "build/guest.elf test=mm-*" > /dev/null 2> "$out/pvx-debug.err"
  drc=$?
  tap_xtf pvx-debug "$dlog"
  ! grep -q "audit failed" "$dlog"
  tap "pvx-debug: no paging invariant violated, audited after every hypercall" $? \
    "$(grep -m1 'audit failed' "$dlog")"
  tap "pvx-debug: guest powered off cleanly after the tests" $drc "qemu.sh status $drc"
else
  echo "not ok - pvx-debug: build/host-debug.elf missing (make build/host-debug.elf)"
fi

xtf_outcomes "$log" "$out/pvx.outcomes"
if [ ! -r /boot/xen-4.17-amd64.gz ]; then
  echo "ok - compare pvx with Xen # SKIP Xen 4.17 not installed"
  exit 0
fi
xen_reference "$out/xen.outcomes"
for name in $(cut -d' ' -f1 "$out/pvx.outcomes" "$out/xen.outcomes" | sort -u); do
  p=$(awk -v n="$name" '$1 == n {print $2}' "$out/pvx.outcomes")
  x=$(awk -v n="$name" '$1 == n {print $2}' "$out/xen.outcomes")
  if [ "$p" = "$x" ]; then
    echo "ok - compare $name: pvx and Xen both $p"
  elif [ -n "$p" ] && [ -n "$x" ] && documented_difference "$name"; then
    echo "ok - compare $name: pvx $p, Xen $x (difference documented in docs/abi.md)"
  else
    echo "not ok - compare $name: pvx ${p:-not run}, Xen ${x:-not run} (undocumented difference)"
  fi
done
