#!/usr/bin/env bash
# The kernel-image decompressors (lib/inflate.c, lib/xz.c, lib/lzma2.c, lib/bzimage.c): the
# unit tests against files made by Debian's gzip and xz (one TAP line per test), then a
# fixed-seed, fixed-length run of each libFuzzer target.  `make fuzz-decomp` fuzzes longer.
#   PVX_VMLINUZ=/path/to/vmlinuz   also test that kernel (default: /boot/vmlinuz-*, if any)
set -u
cd "$(dirname "$0")/../.."
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
  bin=build/tests/fuzz/$t-fuzz
  if [ ! -x "$bin" ]; then
    if ! command -v clang >/dev/null 2>&1; then
      echo "ok - fuzz $t # SKIP clang (with libFuzzer) is not installed"
      continue
    fi
    echo "not ok - fuzz $t: $bin is not built (run make $bin)"
    rc=1
    continue
  fi
  work=$(mktemp -d)
  "$bin" -seed=1 -runs="$runs" -artifact_prefix="$work/" "$work" "tests/fuzz/seeds/$t" \
    > "$work/log" 2>&1
  frc=$?
  tail -5 "$work/log"
  execs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$work/log" | tail -1)
  if [ $frc -eq 0 ] && [ "${execs:-0}" -eq "$runs" ]; then
    echo "ok - fuzz $t: $execs executions from seed 1, no crash, overrun or failed cross-check"
  else
    why=$(grep -m1 -E '^fuzz: |ERROR: ' "$work/log")
    echo "not ok - fuzz $t: failed after ${execs:-?} executions (status $frc): ${why:-see the log}"
    for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [ -e "$f" ] && cp "$f" "build/tests/fuzz-$t-$(basename "$f")" &&
        echo "reproducer kept as build/tests/fuzz-$t-$(basename "$f")"
    done
    rc=1
  fi
  rm -rf "$work"
done
exit $rc
