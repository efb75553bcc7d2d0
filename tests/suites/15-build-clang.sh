#!/usr/bin/env bash
# pvx builds with clang as well as gcc (-Wall -Wextra -Werror on both), and the clang-built
# host runs the clang-built guest to a clean poweroff.  Built into build/clang/ so the gcc
# build the other suites use is left alone.
set -u
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null; then
  echo "ok - clang build # SKIP clang is not installed (make deps)"
  exit 0
fi
out=build/clang
make -s BUILD=$out CC=clang all > build/tests/15-build-clang.make.log 2>&1
rc=$?
[ $rc -eq 0 ] || tail -20 build/tests/15-build-clang.make.log
echo "$( [ $rc -eq 0 ] && echo ok || echo 'not ok') - make CC=clang builds host, debug host and guest"
[ $rc -eq 0 ] || exit 1
scripts/qemu.sh -t 60 -l $out/boot.log -- -kernel $out/host.elf -append "dom0_mem=32M" \
  -initrd "$out/guest.elf" > /dev/null
rc=$?
grep -q 'pagetable walk: [1-9][0-9]* mappings checked, 0 mismatches' $out/boot.log
walk=$?
echo "$( [ $walk -eq 0 ] && echo ok || echo 'not ok') - clang host + clang guest: pagetable walk clean"
echo "$( [ $rc -eq 0 ] && echo ok || echo 'not ok') - clang host + clang guest: clean poweroff"
