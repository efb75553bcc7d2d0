# TAP helpers shared by the guest suites (30-32 boots, 40-46 in-guest tests).  Sourced, not
# run.  Each tap* helper prints exactly one TAP line, unless told otherwise.

# tap NAME STATUS [WHY]: "ok - NAME" if STATUS is 0, else "not ok - NAME (WHY)".  Inside
# every_run the result is recorded for the merge instead of printed.
tap() {
  if [ -n "${TAP_RECORD:-}" ]; then
    printf '%s\t%s\t%s\n' "$2" "$1" "${3:-}" >> "$TAP_RECORD"
  elif [ "$2" -eq 0 ]; then
    echo "ok - $1"
  else
    echo "not ok - $1${3:+ ($3)}"
  fi
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

# --- boots timed three times ---------------------------------------------------------------

# timed_thrice FN: run `FN N` for N = 1, 2, 3 (N names that run's log); sets `times` (wall
# seconds of each run, for the median the suites report) and `rcs` (each run's status).
timed_thrice() {
  local i s
  times=() rcs=()
  for i in 1 2 3; do
    s=$(date +%s.%N); "$1" "$i"; rcs+=($?)
    times+=("$(printf "%.2f" "$(echo "$(date +%s.%N) - $s" | bc)")")
  done
}

# every_run CHECKS: run `CHECKS N` for every timed run N; CHECKS makes its checks with tap,
# tap_grep and tap_walk on run N's log and status (${rcs[N-1]}), the same checks in the same
# order each time.  Each check is then printed once, named as in run 1: ok only if it held
# in every run, else not ok naming the runs where it did not and why.
every_run() {
  local fn=$1 dir i
  dir=$(mktemp -d)
  for i in "${!rcs[@]}"; do
    : > "$dir/$((i + 1))"
    TAP_RECORD=$dir/$((i + 1)) "$fn" $((i + 1))
  done
  local n=${#rcs[@]}
  if [ "$(for f in "$dir"/*; do wc -l < "$f"; done | sort -u | wc -l)" -ne 1 ]; then
    echo "not ok - $fn: the $n runs did not make the same number of checks (see $dir)"
    return
  fi
  paste "$dir"/* | awk -F'\t' -v n="$n" '{
      bad = ""
      for (r = 0; r < n; r++)
        if ($(3 * r + 1) != 0) bad = bad (bad == "" ? "" : "; ") "run " r + 1 ": " $(3 * r + 3)
      if (bad == "") printf "ok - %s (all %d runs)\n", $2, n
      else printf "not ok - %s (%s)\n", $2, bad
    }'
  rm -rf "$dir"
}

# median of the numbers given
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# --- in-guest test verdicts -----------------------------------------------------------------

# Guest lines may carry the hypervisor's per-domain prefix ("(d0) " under pvx).
XTF_LINE='^(\(d[0-9]+\) )?xtf: '
XTF_VERDICT="${XTF_LINE}[a-z0-9-]+: (SUCCESS|SKIP|ERROR|FAILURE)"

# xtf_outcomes LOG OUT: write "name OUTCOME [why]" lines for every verdict line in LOG.
xtf_outcomes() {
  tr -d '\r' < "$1" |
    sed -nE "s/${XTF_LINE}([a-z0-9-]+): (SUCCESS|SKIP|ERROR|FAILURE)(: (.*))?\$/\\2 \\3 \\5/p" |
    sed -E 's/ +$//' > "$2"
}

# outcome_of NAME OUTCOMES: the outcome (field 2) and why (the rest) of NAME, or nothing.
outcome_of() { awk -v n="$1" '$1 == n { print $2; exit }' "$2"; }
why_of() { awk -v n="$1" '$1 == n { $1 = $2 = ""; sub(/^ +/, ""); print; exit }' "$2"; }

# tap_xtf PLATFORM LOG [REFERENCE]: one TAP line per in-guest test verdict in LOG; a SKIP is
# a TAP skip, ERROR and FAILURE fail.  With REFERENCE (an xtf_outcomes file of another run
# of the same tests), every test it names that has no verdict in LOG fails too.  No verdict
# at all is one failing line.
tap_xtf() {
  local platform=$1 log=$2 ref=${3:-} mine name outcome why
  mine=$(mktemp)
  xtf_outcomes "$log" "$mine"
  while read -r name outcome why; do
    case $outcome in
      SUCCESS) echo "ok - $platform: $name" ;;
      SKIP) echo "ok - $platform: $name # SKIP ${why:-no reason given}" ;;
      *) echo "not ok - $platform: $name ($outcome: $why)" ;;
    esac
  done < "$mine"
  [ -s "$mine" ] || echo "not ok - $platform: no in-guest test verdicts in $log"
  if [ -n "$ref" ]; then
    for name in $(cut -d' ' -f1 "$ref"); do
      [ -n "$(outcome_of "$name" "$mine")" ] ||
        echo "not ok - $platform: $name: no verdict (it ran in the reference run)"
    done
  fi
  rm -f "$mine"
}

# tap_xtf_summary PLATFORM LOG: the runner's summary line is there and its four counts are
# those of the verdict lines above it (nothing lost, nothing counted twice).
tap_xtf_summary() {
  local platform=$1 log=$2 line want got
  line=$(tr -d '\r' < "$log" | grep -m1 -E "${XTF_LINE}summary: ")
  want=$(sed -nE 's/.*summary: ([0-9]+) success, ([0-9]+) skip, ([0-9]+) error, ([0-9]+) failure.*/\1 \2 \3 \4/p' <<<"$line")
  got=$(tr -d '\r' < "$log" | grep -E "$XTF_VERDICT" |
        sed -nE "s/${XTF_LINE}[a-z0-9-]+: ([A-Z]+).*/\\2/p" | awk '
          { c[$1]++ } END { printf "%d %d %d %d", c["SUCCESS"], c["SKIP"], c["ERROR"], c["FAILURE"] }')
  [ -n "$want" ] && [ "$want" = "$got" ]
  tap "$platform: summary line agrees with the verdicts (success skip error failure: $got)" $? \
      "summary says '${want:-no summary line}'"
}

# --- pvx against Xen --------------------------------------------------------------------------

# abi_differences: docs/abi.md's table of differences (the table under "## Differences from
# Xen"), one "test<TAB>why" line per test named, in backquotes, in the row's "test" cell.
# Status 2 (and a message) if the table or its "test" or "why" column is missing.
abi_differences() {
  awk '
    function trim(s) { gsub(/^ +| +$/, "", s); return s }
    /^## / { insec = ($0 ~ /^## Differences from Xen/); next }
    !insec || !/^\|/ { next }
    {
      line = $0; gsub(/\\\|/, "\001", line)         # an escaped | is not a cell border
      n = split(line, c, "|")
      if (!tcol) {
        for (i = 2; i < n; i++) {
          h = trim(c[i]); if (h == "test") tcol = i; if (h == "why") wcol = i
        }
        if (!tcol || !wcol) exit
        next
      }
      if (c[tcol] ~ /^[ :-]+$/) next                 # the separator row
      why = trim(c[wcol]); gsub(/\001/, "|", why)
      cell = c[tcol]
      while (match(cell, /`[^`]+`/)) {
        printf "%s\t%s\n", substr(cell, RSTART + 1, RLENGTH - 2), why
        cell = substr(cell, RSTART + RLENGTH)
      }
    }
    END { if (!tcol || !wcol) { print "docs/abi.md: no table of differences with test and why columns" > "/dev/stderr"; exit 2 } }' docs/abi.md
}

# abi_difference NAME: does test NAME have a row in docs/abi.md's table of differences?
# Prints the row's "why"; status 0 if it has one.
abi_difference() {
  abi_differences | awk -F'\t' -v n="$1" '$1 == n { print $2; found = 1; exit } END { exit !found }'
}

# abi_difference_names PREFIX: the test names in the table of differences that start with
# PREFIX, one per line.
abi_difference_names() {
  abi_differences | awk -F'\t' -v p="$1" 'index($1, p) == 1 { print $1 }'
}

# tap_compare A OUTCOMES_A B OUTCOMES_B: one TAP line per test in either file.  Both SUCCESS:
# ok.  Both SKIP: a TAP skip (nothing was compared).  Both ERROR or FAILURE: not ok (no
# verdict to compare).  Different: ok only if the test has a row in docs/abi.md's table of
# differences; a test with no verdict on one side is never ok.
tap_compare() {
  local a=$1 fa=$2 b=$3 fb=$4 name oa ob why
  for name in $(cut -d' ' -f1 "$fa" "$fb" | sort -u); do
    oa=$(outcome_of "$name" "$fa"); ob=$(outcome_of "$name" "$fb")
    if [ -z "$oa" ] || [ -z "$ob" ]; then
      echo "not ok - compare $name: $a ${oa:-no verdict}, $b ${ob:-no verdict}"
    elif [ "$oa" = "$ob" ]; then
      case $oa in
        SUCCESS) echo "ok - compare $name: $a and $b both SUCCESS" ;;
        SKIP) echo "ok - compare $name # SKIP both skipped ($a: $(why_of "$name" "$fa"))" ;;
        *) echo "not ok - compare $name: $a and $b both $oa, nothing to compare" ;;
      esac
    elif why=$(abi_difference "$name"); then
      echo "ok - compare $name: $a $oa, $b $ob (docs/abi.md: $why)"
    else
      echo "not ok - compare $name: $a $oa, $b $ob (no row for it in docs/abi.md's differences)"
    fi
  done
}

# xen_reference OUT: the in-guest test outcomes under real Xen (xtf_outcomes lines), reusing
# build/tests/xen-mm.outcomes when it is newer than build/guest.elf.
xen_reference() {
  local ref=build/tests/xen-mm.outcomes
  if [ ! -s "$ref" ] || [ "$ref" -ot build/guest.elf ]; then
    mkdir -p build/tests/41-guest-mm-xen
    scripts/xen.sh -t 180 -l build/tests/41-guest-mm-xen/xen.log "test=mm-*" > /dev/null 2>&1
    xtf_outcomes build/tests/41-guest-mm-xen/xen.log "$ref"
  fi
  cp "$ref" "$1"
}

# --- in-guest test groups, one boot after another until each test has a verdict ------------

# boot_xen / boot_pvx / boot_pvx_debug LOG GUEST_ARGS [SCRIPT_OPTION...]: one boot of the test
# guest under Xen 4.17, pvx or pvx's debug host, its serial output in LOG and the script's
# complaint in LOG.err; status as scripts/xen.sh or scripts/qemu.sh.  The options go to that
# script (e.g. -s FILE -w REGEX to type on the serial line).  BOOT_TIMEOUT (seconds) bounds
# one boot: 180 under Xen and 120 under pvx unless set.
boot_xen() {
  local log=$1 args=$2; shift 2
  scripts/xen.sh -t "${BOOT_TIMEOUT:-180}" "$@" -l "$log" "$args" > /dev/null 2> "$log.err"
}
boot_pvx() {
  local log=$1 args=$2; shift 2
  scripts/qemu.sh -t "${BOOT_TIMEOUT:-120}" "$@" -l "$log" -- -kernel build/host.elf \
    -append "dom0_mem=32M" -initrd "build/guest.elf $args" > /dev/null 2> "$log.err"
}
boot_pvx_debug() {
  local log=$1 args=$2; shift 2
  scripts/qemu.sh -t "${BOOT_TIMEOUT:-120}" "$@" -l "$log" -- -kernel build/host-debug.elf \
    -append "dom0_mem=32M" -initrd "build/guest.elf $args" > /dev/null 2> "$log.err"
}

# crash_reason PLATFORM LOG: one line saying how the platform ended this boot.
crash_reason() {
  local r
  case $1 in
    xen) r=$(grep -m1 -oE '\(XEN\) (d0v0 .*|domain_crash.*|Panic.*)' "$2" | tr -d '\r') ;;
    *) r=$(grep -m1 -oE 'pvx: (d0 crashed: .*|audit failed.*|panic.*)' "$2" | tr -d '\r') ;;
  esac
  [ -n "$r" ] || r=$(tail -n1 "$2.err" 2>/dev/null)
  echo "${r:-no reason printed}"
}

# run_group PLATFORM BOOTFN GROUP OUT: run the tests of GROUP (a runner selector such as
# "ex-*") under BOOTFN until every one has a verdict, each boot resuming after the test the
# platform died in (that test is a FAILURE with the platform's reason), so one crash hides
# no other verdict.  Writes OUT/PLATFORM.verdicts ("xtf: name: OUTCOME[: why]" lines) and
# OUT/PLATFORM.boots (how many boots it took).
run_group() {
  local platform=$1 boot=$2 group=$3 out=$4 sel=$3 n=0 log last
  : > "$out/$platform.verdicts"
  while [ $n -lt 80 ]; do
    n=$((n + 1))
    log=$out/$platform.$n.log
    "$boot" "$log" "test=$sel"
    tr -d '\r' < "$log" | sed -E 's/^\(d[0-9]+\) //' |
      grep -E '^xtf: [a-z0-9-]+: (SUCCESS|SKIP|ERROR|FAILURE)' >> "$out/$platform.verdicts"
    grep -qE "${XTF_LINE}summary: " "$log" && break
    last=$(tr -d '\r' < "$log" | sed -nE "s/${XTF_LINE}start ([a-z0-9-]+)\$/\\2/p" | tail -n1)
    if [ -z "$last" ]; then
      echo "xtf: boot-$n: FAILURE: $platform died before any test ($(crash_reason "$platform" "$log"))" \
        >> "$out/$platform.verdicts"
      break
    fi
    grep -qE "^xtf: $last: " "$out/$platform.verdicts" ||
      echo "xtf: $last: FAILURE: the platform ended the run in this test: $(crash_reason "$platform" "$log")" \
        >> "$out/$platform.verdicts"
    sel="$group>$last"
  done
  echo "$n" > "$out/$platform.boots"
}

# run_alone PLATFORM BOOTFN TEST OUT [SCRIPT_OPTION...]: TEST in a boot of its own (an
# explicit-only test that needs a fresh vCPU or serial input); its verdict line, or a
# FAILURE with the platform's reason, is appended to OUT/PLATFORM.verdicts.
run_alone() {
  local platform=$1 boot=$2 name=$3 out=$4 log; shift 4
  log=$out/$platform.$name.log
  "$boot" "$log" "test=$name" "$@"
  if ! tr -d '\r' < "$log" | sed -E 's/^\(d[0-9]+\) //' |
       grep -E "^xtf: $name: (SUCCESS|SKIP|ERROR|FAILURE)" >> "$out/$platform.verdicts"; then
    echo "xtf: $name: FAILURE: no verdict; the platform ended the run: $(crash_reason "$platform" "$log")" \
      >> "$out/$platform.verdicts"
  fi
}

# group_platforms: the platforms a compared in-guest group runs on, Xen first when it is
# installed (have_xen=1), into the array `platforms`; a missing image is a failed suite.
group_platforms() {
  local f
  for f in build/host.elf build/host-debug.elf build/guest.elf; do
    [ -f "$f" ] || { echo "not ok - $f missing (make)"; exit 1; }
  done
  have_xen=1
  [ -r /boot/xen-4.17-amd64.gz ] || have_xen=0
  platforms=(pvx pvx-debug)
  [ $have_xen -eq 1 ] && platforms=(xen pvx pvx-debug)
  return 0
}

# group_boot_fn PLATFORM: the boot function of a platform of group_platforms.
group_boot_fn() {
  case $1 in
    xen) echo boot_xen ;;
    pvx) echo boot_pvx ;;
    pvx-debug) echo boot_pvx_debug ;;
  esac
}

# group_verdicts PLATFORM OUT: print OUT/PLATFORM.verdicts, keep its outcomes, one TAP line
# per test; the debug host must give a verdict for every test the release host ran.
group_verdicts() {
  local p=$1 out=$2
  cat "$out/$p.verdicts"
  xtf_outcomes "$out/$p.verdicts" "$out/$p.outcomes"
  case $p in
    pvx-debug) tap_xtf "$p" "$out/$p.verdicts" "$out/pvx.outcomes" ;;
    *) tap_xtf "$p" "$out/$p.verdicts" ;;
  esac
}

# group_audit_and_compare OUT: the debug host's audit held in every boot of OUT, and pvx's
# outcomes equal Xen's (a difference passes only with a row in docs/abi.md's table).
group_audit_and_compare() {
  local out=$1
  ! grep -h "audit failed" "$out"/pvx-debug.*.log
  tap "pvx-debug: no paging invariant violated, audited after every hypercall" $? \
    "$(grep -h -m1 'audit failed' "$out"/pvx-debug.*.log)"
  if [ "$have_xen" -eq 1 ]; then
    tap_compare pvx "$out/pvx.outcomes" Xen "$out/xen.outcomes"
  else
    echo "ok - compare pvx with Xen # SKIP Xen 4.17 not installed"
  fi
}
