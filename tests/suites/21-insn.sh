#!/usr/bin/env bash
# The instruction decoder (host/arch/x86/insn.c), three ways: the unit program (the oracle of
# forms GNU as assembled, truncations, hand-picked encodings, memory addresses; one TAP line
# per test), random candidates against objdump's decoder, and a short fixed-seed libFuzzer
# run started from the oracle's forms.  `make fuzz-insn FUZZ_SECONDS=600` fuzzes longer.
set -u
cd "$(dirname "$0")/../.."
unit=build/tests/unit/insn-unit
fuzz=build/tests/fuzz/insn-fuzz
runs=${PVX_INSN_FUZZ_RUNS:-2000000}
rc=0
if [ ! -x "$unit" ]; then
  echo "not ok - insn: $unit is not built (run make $unit)"
  exit 1
fi
CMOCKA_MESSAGE_OUTPUT=TAP "$unit" || rc=1
python3 tests/unit/insn_vs_objdump.py "$unit" "${PVX_INSN_DIFF_COUNT:-50000}" 1 || rc=1

if [ ! -x "$fuzz" ]; then
  if ! command -v clang >/dev/null 2>&1; then
    echo "ok - insn fuzz # SKIP clang (with libFuzzer) is not installed"
    exit $rc
  fi
  echo "not ok - insn fuzz: $fuzz is not built (run make $fuzz)"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
"$unit" --write-seeds "$work/corpus" || rc=1
seeds=$(ls "$work/corpus" | wc -l)
"$fuzz" -seed=1 -runs="$runs" -max_len=32 -max_total_time=60 -artifact_prefix="$work/" \
  "$work/corpus" > "$work/log" 2>&1
frc=$?
tail -5 "$work/log"
execs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$work/log" | tail -1)
if [ $frc -eq 0 ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
  echo "ok - insn fuzz: $execs executions from $seeds oracle forms, no crash or broken promise"
else
  why=$(grep -m1 -E '^fuzz_insn: |ERROR: ' "$work/log")
  echo "not ok - insn fuzz: failed after ${execs:-?} executions (status $frc): ${why:-see the log}"
  for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
    keep=build/tests/insn-$(basename "$f")
    [ -e "$f" ] && cp "$f" "$keep" && echo "reproducer kept as $keep"
  done
  rc=1
fi
exit $rc
