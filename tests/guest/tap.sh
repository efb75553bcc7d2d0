# TAP helpers shared by the guest boot suites (30-boot-native, 32-boot-xen, 40/41-guest-mm).
# Sourced, not run.  Each helper prints exactly one TAP line.

# tap NAME CONDITION-STATUS [WHY]: "ok - NAME" if status is 0, else "not ok - NAME (WHY)".
tap() {
  if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}

# tap_grep NAME REGEX LOG: the log has a line matching REGEX.
tap_grep() {
  grep -qE "$2" "$3"; tap "$1" $? "no line matching '$2' in $3"
}

# tap_walk NAME LOG: every pagetable audit in LOG (at boot, and again once the direct map
# is built) checked N > 0 mappings with 0 mismatches; there must be at least one.
tap_walk() {
  local lines bad first
  lines=$(grep -E 'pagetable walk: [0-9]+ mappings checked' "$2")
  first=$(head -1 <<<"$lines")
  bad=$(grep -vE 'walk: [1-9][0-9]* mappings checked, 0 mismatches' <<<"$lines")
  [ -n "$lines" ] && [ -z "$bad" ]
  tap "$1 ($(wc -l <<<"$lines") audits; ${first:-no verdict line})" $? \
    "want N > 0 checked, 0 mismatches in every audit: ${bad}"
}

# timed_thrice FN: run `FN N` for N = 1, 2, 3 (N names that run's log); sets `times` (wall
# seconds of each run, for the median the suites report) and `first_rc` (run 1's status).
timed_thrice() {
  local i s rc
  times=()
  for i in 1 2 3; do
    s=$(date +%s.%N); "$1" "$i"; rc=$?
    times+=("$(printf "%.2f" "$(echo "$(date +%s.%N) - $s" | bc)")")
    [ "$i" -eq 1 ] && first_rc=$rc
  done
}

# median of the numbers given
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# Guest lines may carry the hypervisor's per-domain prefix ("(d0) " under pvx).
XTF_LINE='^(\(d[0-9]+\) )?xtf: '

# xtf_outcomes LOG OUT: write "name OUTCOME" lines for every verdict line in LOG.
xtf_outcomes() {
  tr -d '\r' < "$1" |
    sed -nE "s/${XTF_LINE}([a-z0-9-]+): (SUCCESS|SKIP|ERROR|FAILURE)( *:.*)?\$/\\2 \\3/p" > "$2"
}

# tap_xtf PLATFORM LOG: one TAP line per in-guest test verdict in LOG (a failing line if none).
tap_xtf() {
  local platform=$1 log=$2 n=0 name outcome why
  while IFS= read -r line; do
    line=${line%$'\r'}
    line=${line#(d*) }
    name=$(sed -E 's/^xtf: ([a-z0-9-]+): .*/\1/' <<<"$line")
    outcome=$(sed -E 's/^xtf: [a-z0-9-]+: ([A-Z]+).*/\1/' <<<"$line")
    why=$(sed -nE 's/^xtf: [a-z0-9-]+: [A-Z]+: (.*)/\1/p' <<<"$line")
    case $outcome in
      SUCCESS) echo "ok - $platform: $name" ;;
      SKIP) echo "ok - $platform: $name # SKIP $why" ;;
      *) echo "not ok - $platform: $name ($outcome: $why)" ;;
    esac
    n=$((n + 1))
  done < <(grep -E "${XTF_LINE}[a-z0-9-]+: (SUCCESS|SKIP|ERROR|FAILURE)" "$log")
  [ $n -gt 0 ] || echo "not ok - $platform: no in-guest test verdicts in $log"
}

# xen_reference OUT: the in-guest test outcomes under real Xen ("name OUTCOME" lines),
# reusing build/tests/xen-mm.outcomes when it is newer than build/guest.elf.
xen_reference() {
  local ref=build/tests/xen-mm.outcomes
  if [ ! -s "$ref" ] || [ "$ref" -ot build/guest.elf ]; then
    mkdir -p build/tests/41-guest-mm-xen
    scripts/xen.sh -t 180 -l build/tests/41-guest-mm-xen/xen.log test=all > /dev/null 2>&1
    xtf_outcomes build/tests/41-guest-mm-xen/xen.log "$ref"
  fi
  cp "$ref" "$1"
}
