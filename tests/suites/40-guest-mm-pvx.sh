#!/usr/bin/env bash
# Run the in-guest memory tests (`test=mm-*`) in the guest under the pvx host and under the
# debug host (TCG): one TAP line per test and platform (a SKIP is a TAP skip), the runner's
# summary checked against the verdicts, and every test the release host ran must have a
# verdict on the debug host.  Then one TAP line per test comparing pvx's outcome with real
# Xen's (tap_compare): both SUCCESS passes, both SKIP is a skip, a test with no verdict on
# one side fails, and a difference passes only if the test has a row in docs/abi.md's table
# of differences.
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
xtf_outcomes "$log" "$out/pvx.outcomes"
tap_xtf pvx "$log"
tap_xtf_summary pvx "$log"
tap "pvx: guest powered off cleanly after the tests" $rc "qemu.sh status $rc: $(cat "$out/pvx.err")"

# The same tests on the debug host, which audits every paging invariant after every
# hypercall and crashes the domain on the first violation.
if [ -f build/host-debug.elf ]; then
  dlog=$out/pvx-debug.log
  scripts/qemu.sh -t 120 -l "$dlog" -- -kernel build/host-debug.elf -append "dom0_mem=32M" \
    -initrd "build/guest.elf test=mm-*" > /dev/null 2> "$out/pvx-debug.err"
  drc=$?
  tap_xtf pvx-debug "$dlog" "$out/pvx.outcomes"
  tap_xtf_summary pvx-debug "$dlog"
  ! grep -q "audit failed" "$dlog"
  tap "pvx-debug: no paging invariant violated, audited after every hypercall" $? \
    "$(grep -m1 'audit failed' "$dlog")"
  tap "pvx-debug: guest powered off cleanly after the tests" $drc "qemu.sh status $drc"
else
  echo "not ok - pvx-debug: build/host-debug.elf missing (make build/host-debug.elf)"
fi

if [ ! -r /boot/xen-4.17-amd64.gz ]; then
  echo "ok - compare pvx with Xen # SKIP Xen 4.17 not installed"
  exit 0
fi
xen_reference "$out/xen.outcomes"
tap_compare pvx "$out/pvx.outcomes" Xen "$out/xen.outcomes"
