#!/usr/bin/env bash
# The userspace unit tests (tests/unit/, cmocka, ASan + UBSan): one program per portable
# module, each named on a unit_program line of tests/unit/build.mk (mm-unit: host/mm over the
# fake machine; lib-unit: the shared lib/; elf-unit: the ELF reader; elfnote-unit: the Xen
# notes; dom0_layout-unit: the dom0 layout; pvops-unit: the pvops hypercall backend over a
# recording fake hypervisor; ...).  Each test case is one TAP line; a program that is
# missing or fails as a whole fails the suite.
set -u
cd "$(dirname "$0")/../.."
progs=$(sed -nE 's/^\$\(eval \$\(call unit_program,([a-z0-9_-]+),.*/\1/p' tests/unit/build.mk)
if [ -z "$progs" ]; then
  echo "not ok - unit: no unit_program line in tests/unit/build.mk"
  exit 1
fi
rc=0
for p in $progs; do
  bin=build/tests/unit/$p
  if [ ! -x "$bin" ]; then
    echo "not ok - unit: $bin is not built (run make $bin)"
    rc=1
    continue
  fi
  echo "# $p"
  CMOCKA_MESSAGE_OUTPUT=TAP "$bin" || { echo "# $p exited with status $?"; rc=1; }
done
exit $rc
