#!/usr/bin/env bash
# The kernel-image decompressors (lib/inflate.c, lib/xz.c, lib/lzma2.c, lib/bzimage.c): the
# unit tests against files made by Debian's gzip and xz (one TAP line per test), then a
# fixed-seed, fixed-length run of each libFuzzer target.  `make fuzz-decomp` fuzzes longer.
#   PVX_VMLINUZ=/path/to/vmlinuz   also test that kernel (default: /boot/vmlinuz-*, if any)
set -u
cd "$(dirname "$0")/../.."
. tests/fuzz/run.sh
rc=0
unit=build/tests/unit/decomp-unit data=build/tests/decomp
if [ ! -x "$unit" ] || [ ! -e "$data/manifest" ]; then
  echo "not ok - decompress: $unit or $data/manifest is not built (run make $unit $data/manifest)"
  exit 1
fi
# cmocka writes a skipped test as "not ok N # SKIP name"; TAP (and tests/run.sh) wants
# "ok N - name # SKIP reason", the reason being the test's last "# " line before it.
CMOCKA_MESSAGE_OUTPUT=TAP "$unit" "$data" 2>&1 | awk '
  /^# / { why = substr($0, 3) }
  /^not ok [0-9]+ # SKIP / { print "ok " $3 " - " $6 " # SKIP " why; next }
  { print }'
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1

runs=${PVX_DECOMP_FUZZ_RUNS:-300000}
for t in gzip xz bzimage; do
  if [ ! -x "build/tests/fuzz/$t-fuzz" ] && ! command -v clang >/dev/null 2>&1; then
    echo "ok - fuzz $t # SKIP clang (with libFuzzer) is not installed"
    continue
  fi
  fuzz_run "$t" "$runs" || rc=1
done
exit $rc
