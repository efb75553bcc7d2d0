#!/usr/bin/env bash
# The userspace unit tests (tests/unit/, cmocka, ASan + UBSan): the mm core over the fake
# machine (mm-unit), the shared string/format library (lib-unit) and the pvops hypercall
# backend over a recording fake hypervisor (pvops-unit).  Each test case is one
# TAP line; a program that is missing or fails as a whole fails the suite.
set -u
cd "$(dirname "$0")/../.."
rc=0
for bin in build/tests/unit/mm-unit build/tests/unit/lib-unit build/tests/unit/pvops-unit; do
  if [ ! -x "$bin" ]; then
    echo "not ok - unit: $bin is not built (run make $bin)"
    rc=1
    continue
  fi
  CMOCKA_MESSAGE_OUTPUT=TAP "$bin" || rc=1
done
exit $rc
