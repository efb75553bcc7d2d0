#!/usr/bin/env bash
# Run the in-guest memory tests (tests/guest/, `test=mm-*`) in the guest as dom0 under real
# Xen 4.17 (TCG).  One TAP line per test (a SKIP is a TAP skip) and the runner's summary
# checked against the verdicts; Xen is the reference the pvx suite compares with.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/41-guest-mm-xen; mkdir -p "$out"

if [ ! -r /boot/xen-4.17-amd64.gz ]; then
  echo "ok - xen: in-guest tests # SKIP /boot/xen-4.17-amd64.gz not installed (make deps as root)"
  exit 0
fi
log=$out/xen.log
scripts/xen.sh -t 180 -l "$log" "test=mm-*" > /dev/null 2> "$out/xen.err"
rc=$?
grep -vE '^\(XEN\) ' "$log"; cat "$out/xen.err"
xtf_outcomes "$log" build/tests/xen-mm.outcomes
tap_xtf xen "$log"
tap_xtf_summary xen "$log"
tap "xen: guest powered off cleanly after the tests" $rc "xen.sh status $rc"
