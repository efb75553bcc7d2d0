# Sourced by the suites that run libFuzzer targets (22, 25).
#
# fuzz_run TARGET RUNS: build/tests/fuzz/TARGET-fuzz for exactly RUNS executions from seed 1
# and tests/fuzz/seeds/TARGET, in a scratch corpus; one TAP line, and any crash, leak,
# timeout or out-of-memory input kept as build/tests/fuzz-TARGET-<file>.  The log goes to
# standard output (the suite's log).  Fails (status 1) unless libFuzzer finished every run
# without a report.
fuzz_run() {
  local t=$1 runs=$2 bin=build/tests/fuzz/$1-fuzz work frc execs why f
  if [ ! -x "$bin" ]; then
    echo "not ok - fuzz $t: $bin is not built (run make $bin)"
    return 1
  fi
  work=$(mktemp -d)
  "$bin" -seed=1 -runs="$runs" -artifact_prefix="$work/" "$work" "tests/fuzz/seeds/$t" \
    > "$work/log" 2>&1
  frc=$?
  cat "$work/log"
  execs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$work/log" | tail -1)
  if [ $frc -eq 0 ] && [ "${execs:-0}" -eq "$runs" ]; then
    echo "ok - fuzz $t: $execs executions from seed 1, no sanitizer report, no broken invariant"
    rm -rf "$work"
    return 0
  fi
  why=$(grep -m1 -E '^fuzz(-[a-z]+)?: |ERROR: |runtime error' "$work/log")
  echo "not ok - fuzz $t: stopped after ${execs:-?} of $runs executions (status $frc): ${why:-see the log}"
  for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -e "$f" ] && cp "$f" "build/tests/fuzz-$t-$(basename "$f")" &&
      echo "reproducer kept as build/tests/fuzz-$t-$(basename "$f")"
  done
  rm -rf "$work"
  return 1
}
