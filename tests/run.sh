#!/usr/bin/env bash
# The test runner behind `make test`.  Every executable tests/suites/NN-name.sh is one suite;
# it prints TAP lines ("ok - what", "not ok - what", "ok - what # SKIP why") and may print
# anything else, which is kept in build/tests/<suite>.log.  Suites run in name order; the
# runner prints each result and closes with one "N passed, N failed, N skipped" line.
#
#   tests/run.sh            all suites
#   tests/run.sh NAME...    only suites whose file name contains NAME
set -u
cd "$(dirname "$0")/.."
mkdir -p build/tests
pass=0 fail=0 skip=0
for suite in tests/suites/*.sh; do
  name=$(basename "$suite" .sh)
  if [ $# -gt 0 ]; then
    want=0; for f in "$@"; do case "$name" in *"$f"*) want=1 ;; esac; done
    [ $want -eq 1 ] || continue
  fi
  log=build/tests/$name.log
  echo "== $name"
  start=$(date +%s)
  "$suite" > "$log" 2>&1
  rc=$?
  spass=0 sfail=0
  while IFS= read -r line; do
    case "$line" in
      "not ok"*) echo "  FAIL ${line#not ok }"; fail=$((fail+1)); sfail=$((sfail+1)) ;;
      "ok"*"# SKIP"*) echo "  SKIP ${line#ok }"; skip=$((skip+1)) ;;
      "ok"*) echo "  pass ${line#ok }"; pass=$((pass+1)); spass=$((spass+1)) ;;
    esac
  done < <(grep -E '^(ok|not ok)( |$)' "$log")
  if [ $rc -ne 0 ] && [ $sfail -eq 0 ]; then
    echo "  FAIL $name exited with status $rc (see $log)"; fail=$((fail+1))
  elif [ $spass -eq 0 ] && [ $sfail -eq 0 ] && ! grep -q '# SKIP' "$log"; then
    echo "  FAIL $name reported no result (see $log)"; fail=$((fail+1))
  fi
  echo "   ($name: $(( $(date +%s) - start ))s, log $log)"
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
