#!/usr/bin/env bash
# A short, fixed-seed run of the mm fuzzer (tests/fuzz/): random guest hypercall sequences
# against two simulated domains, the audit after every action.  `make fuzz` runs longer.
set -u
cd "$(dirname "$0")/../.."
bin=build/tests/fuzz/mm-fuzz
runs=${PVX_FUZZ_RUNS:-200000}
secs=${PVX_FUZZ_SECONDS:-60}
if [ ! -x "$bin" ]; then
  if ! command -v clang >/dev/null 2>&1; then
    echo "ok - fuzz # SKIP clang (with libFuzzer) is not installed"
    exit 0
  fi
  echo "not ok - fuzz: $bin is not built (run make $bin)"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" -seed=1 -runs="$runs" -max_total_time="$secs" -artifact_prefix="$work/" \
  "$work" tests/fuzz/seeds > "$work/log" 2>&1
rc=$?
cat "$work/log"
execs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$work/log" | tail -1)
if [ $rc -eq 0 ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
  echo "ok - fuzz: $execs executions, 0 invariant violations"
else
  why=$(grep -m1 -E '^fuzz: |ERROR: ' "$work/log")
  echo "not ok - fuzz: failed after ${execs:-?} executions (status $rc): ${why:-see the log}"
  for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
    [ -e "$f" ] && cp "$f" build/tests/ && echo "reproducer kept as build/tests/$(basename "$f")"
  done
  exit 1
fi
