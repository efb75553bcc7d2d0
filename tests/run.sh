#!/usr/bin/env bash
# The test runner behind `make test`.  Every executable tests/suites/NN-name.sh is one suite;
# it prints TAP lines ("ok - what", "not ok - what", "ok - what # SKIP why") and may print
# anything else, which is kept in build/tests/<suite>.log.  Suites run in name order; the
# runner prints each result as it comes, then a table of the suites (passed, failed, skipped,
# seconds) and one closing "N passed, N failed, N skipped" line.
#   passed   an "ok" line without "# SKIP": a check that ran and held
#   failed   a "not ok" line, or a suite that exited non-zero without one, or printed nothing
#   skipped  an "ok ... # SKIP" line: a check that could not run here (never a pass)
#
#   tests/run.sh            all suites
#   tests/run.sh NAME...    only suites whose file name contains NAME
set -u
cd "$(dirname "$0")/.."
mkdir -p build/tests
pass=0 fail=0 skip=0 secs=0
table=()
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
  spass=0 sfail=0 sskip=0
  while IFS= read -r line; do
    case "$line" in
      "not ok"*) echo "  FAIL ${line#not ok }"; sfail=$((sfail+1)) ;;
      "ok"*"# SKIP"*) echo "  SKIP ${line#ok }"; sskip=$((sskip+1)) ;;
      "ok"*) echo "  pass ${line#ok }"; spass=$((spass+1)) ;;
    esac
  done < <(grep -E '^(ok|not ok)( |$)' "$log")
  if [ $rc -ne 0 ] && [ $sfail -eq 0 ]; then
    echo "  FAIL $name exited with status $rc (see $log)"; sfail=$((sfail+1))
  elif [ $((spass + sfail + sskip)) -eq 0 ]; then
    echo "  FAIL $name reported no result (see $log)"; sfail=$((sfail+1))
  fi
  t=$(( $(date +%s) - start ))
  echo "   ($name: ${t}s, log $log)"
  table+=("$(printf '%-24s %7d %7d %8d %8d' "$name" $spass $sfail $sskip $t)")
  pass=$((pass+spass)) fail=$((fail+sfail)) skip=$((skip+sskip)) secs=$((secs+t))
done
echo
printf '%-24s %7s %7s %8s %8s\n' suite passed failed skipped seconds
printf '%s\n' "${table[@]}"
printf '%-24s %7d %7d %8d %8d\n' total $pass $fail $skip $secs
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
