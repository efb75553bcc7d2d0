#!/usr/bin/env bash
# `make bench`: the measurement matrix (docs/bench.md).  Five columns, one boot each:
# native, pvx with pvx.batch=off and =on, Xen 4.17 with pvx.batch=off and =on.  Every boot
# runs the microbenchmark probes (tests/guest/bench_*.c) and the lmbench-style workloads
# (bench=all preempt=off), under QEMU's -icount shift=0,sleep=off, where the guest TSC counts
# executed instructions (the hypervisor's too: same virtual CPU), so each figure is exact.
# That is checked, not assumed: each column runs twice and both runs must print identical
# lines, and in each run most timed probe batches must take exactly the same count.
#
#   scripts/bench.sh [-n ITERS] [-b BATCHES] [-p COLUMN]... [-r RUNS] [-q]
#
# Tables: the probes (instructions per operation, native, pvx, Xen, pvx/Xen); the
# workloads (instructions, hypercalls, world switches and TLB flushes per operation in the
# five columns, with ratios to native and pvx/Xen); then, unless -q, the same workloads and
# probes without -icount, RUNS boots per column (default 5): the median and min-max of host
# TSC cycles per operation, i.e. how fast TCG runs each path.  -n/-b: probe operations per
# batch and batches (64, 8); -p: only these columns (native, pvx-off, pvx-on, xen-off,
# xen-on; pvx and xen mean both).  Logs and parsed lines: build/bench/.
set -u
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh

iters=64 batches=8 columns=() runs=5 quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n) iters=$2; shift 2 ;;
    -b) batches=$2; shift 2 ;;
    -p) case $2 in
          pvx|xen) columns+=("$2-off" "$2-on") ;;
          *) columns+=("$2") ;;
        esac
        shift 2 ;;
    -r) runs=$2; shift 2 ;;
    -q) quick=1; shift ;;
    -w) shift ;;            # the wall-clock tables are on unless -q
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option '$1' (see scripts/bench.sh -h)" >&2; exit 2 ;;
  esac
done
[ ${#columns[@]} -gt 0 ] || columns=(native pvx-off pvx-on xen-off xen-on)
[[ $iters =~ ^[1-9][0-9]*$ ]] && [[ $batches =~ ^[1-9][0-9]*$ ]] && [ "$batches" -le 64 ] &&
  [[ $runs =~ ^[1-9][0-9]*$ ]] ||
  { echo "bench: -n, -b and -r want positive numbers (-b at most 64)" >&2; exit 2; }
for c in "${columns[@]}"; do
  case $c in native|pvx-off|pvx-on|xen-off|xen-on) ;;
    *) echo "bench: unknown column '$c' (native, pvx-off, pvx-on, xen-off, xen-on)" >&2; exit 2 ;;
  esac
done

# The probe rows, in order: probe, unit, what it measures.  A probe that cannot run on a
# platform (a hypercall natively) SKIPs there and shows "-".
ROWS=(
  "empty|op|the harness's own loop, included in every row below"
  "null|op|xen_version(XENVER_version): enter and leave the hypervisor"
  "uvm|op|update_va_mapping of one page, INVLPG (native: PTE store + invlpg)"
  "uvm-multi|page|multicall of 64 update_va_mappings, INVLPG each"
  "mmu-64|page|mmu_update of 64 L1 entries + one TLB flush (native: cr3 reload)"
  "syscall|op|user syscall round trip: PV iret (VGCF_in_syscall) to user, syscall to the callback (native: sysretq + syscall)"
  "trap|op|exception bounce + iret: int3 in guest kernel mode, handler irets back (native: int3 + iretq)"
  "mov-cr3|op|one emulated mov %cr3,%rax in guest kernel mode (native: the instruction)"
  "ptwr|op|one writable-pagetable store into an own L1 entry, validated and applied (native: PTE store + invlpg)"
  "pin-l1|entry|one MMUEXT_PIN_L1_TABLE: an L1 of 512 entries mapping one frame writable, validated"
  "pin-l2|entry|one MMUEXT_PIN_L2_TABLE: an L2 of 512 entries to one pinned L1, validated"
)
# The workload rows (guest/user/bench.c), in the order they run.
WORKLOADS="fork-exit fork-exec ctxsw mmap-touch-munmap-64 pagefault mprotect-64 build"

tests=
for row in "${ROWS[@]}"; do tests+="bench-${row%%|*}+"; done
args="test=${tests%+} iters=$iters batches=$batches bench=all preempt=off"
out=build/bench
mkdir -p "$out"
for f in build/host.elf build/guest.elf; do
  [ -f "$f" ] || { echo "bench: $f is missing (run make)" >&2; exit 2; }
done

# column_boot COLUMN LOG: one boot of that column (BENCH_ICOUNT= for none, bench-lib.sh).
column_boot() {
  local c=$1 log=$2 batch=on
  [ "${c#*-}" = off ] && batch=off
  bench_boot "${c%-*}" "$log" "$args pvx.batch=$batch"
}

# run_twice COLUMN: two runs under -icount, checked exact and identical; the probe lines in
# $out/COLUMN.results, the workload lines in $out/COLUMN.workloads.
run_twice() {
  local c=$1 k
  for k in 1 2; do
    echo "bench: $c, run $k of 2: $args" >&2
    if ! column_boot "$c" "$out/$c.$k.log"; then
      echo "bench: $c run $k failed: $(cat "$out/$c.$k.log.err") (log $out/$c.$k.log)" >&2
      return 1
    fi
    if grep -qE "xtf: bench-[a-z0-9-]+: (ERROR|FAILURE)" "$out/$c.$k.log"; then
      echo "bench: $c: a probe failed:" >&2
      grep -E "xtf: bench-[a-z0-9-]+: (ERROR|FAILURE)" "$out/$c.$k.log" >&2
      return 1
    fi
    bench_check "$out/$c.$k.log" || return 1
    bench_lines "$out/$c.$k.log" > "$out/$c.$k.results"
    bench_workloads "$out/$c.$k.log" > "$out/$c.$k.workloads"
  done
  for what in results workloads; do
    if ! cmp -s "$out/$c.1.$what" "$out/$c.2.$what"; then
      echo "bench: $c: two runs under -icount gave different counts; they must be identical:" >&2
      diff "$out/$c.1.$what" "$out/$c.2.$what" >&2
      return 1
    fi
    cp "$out/$c.1.$what" "$out/$c.$what"
  done
  [ "$(wc -l < "$out/$c.workloads")" -eq "$(echo $WORKLOADS | wc -w)" ] ||
    { echo "bench: $c did not report every workload (log $out/$c.1.log)" >&2; return 1; }
}

ran=()
for c in "${columns[@]}"; do
  if ! bench_have "${c%-*}"; then
    echo "bench: $c cannot run here (Xen 4.17 not installed: make deps); its column is empty" >&2
    continue
  fi
  run_twice "$c" || exit 1
  ran+=("$c")
done
have() { local x; for x in "${ran[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }

# probe COLUMN PROBE: instructions per unit, or "-".
probe() {
  local v=
  have "$1" && v=$(awk -v n="$2" '$1 == n {print $2}' "$out/$1.results")
  echo "${v:--}"
}

# metric COLUMN WORKLOAD FIELD: a workload's figure per operation (tsc, hypercalls,
# flushes, world = hypercalls + kernel entries through a hypervisor, 0 natively), or "-".
metric() {
  local v=
  if have "$1"; then
    v=$(awk -v n="$2" -v f="$3" -v native="$([ "$1" = native ] && echo 1 || echo 0)" '
      $1 == n { ops = $2
                if (f == "tsc") print $3
                else if (f == "hypercalls") printf "%.2f\n", $4 / ops
                else if (f == "flushes") printf "%.2f\n", $5 / ops
                else if (f == "world") printf "%.2f\n", native ? 0 : ($4 + $6) / ops }' \
        "$out/$1.workloads")
  fi
  echo "${v:--}"
}

# ratio A B: A / B to two decimals, or "-".
ratio() {
  case "$1|$2" in *-*|*"|0"|*"|0.00") echo -; return ;; esac
  printf '%.2f' "$(echo "$1 / $2" | bc -l)"
}

echo
echo "Probes: instructions per operation (-icount shift=0,sleep=off: exact; every column run twice, identical)"
echo "$iters operations per batch, smallest of $batches batches; per page = per operation / 64; pvx and Xen with pvx.batch=on"
echo "pin rows: one pin per batch, per entry = per pin / 512 (longer pins: make bench-pin)"
echo
printf '%-10s %-5s %10s %10s %10s %8s  %s\n' probe unit native pvx "Xen 4.17" pvx/Xen "what"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name unit what <<< "$row"
  n=$(probe native "$name") v=$(probe pvx-on "$name") x=$(probe xen-on "$name")
  printf '%-10s %-5s %10s %10s %10s %8s  %s\n' "$name" "$unit" "$n" "$v" "$x" "$(ratio "$v" "$x")" "$what"
done

echo
echo "Workloads: per operation (-icount: instructions; each column run twice, identical; bench=all preempt=off)"
echo "world switches = hypercalls + kernel entries through the hypervisor; TLB flushes = those the kernel asked for"
echo
hdr=$(printf '%-22s %-15s %10s %10s %10s %10s %10s  %8s %8s %8s %8s' workload "per operation" \
      native "pvx off" "pvx on" "Xen off" "Xen on" "pvx/nat" "Xen/nat" "pvx/Xen" "pvx/Xen")
echo "$hdr"
printf '%-22s %-15s %54s  %8s %8s %8s %8s\n' "" "" "" "(on)" "(on)" "(off)" "(on)"
csv=$out/workloads.csv
echo "workload,metric,native,pvx_off,pvx_on,xen_off,xen_on" > "$csv"
for w in $WORKLOADS; do
  first=1
  for m in tsc hypercalls world flushes; do
    case $m in tsc) title=instructions ;; world) title="world switches" ;;
               flushes) title="TLB flushes" ;; *) title=$m ;; esac
    n=$(metric native "$w" $m) po=$(metric pvx-off "$w" $m) pn=$(metric pvx-on "$w" $m)
    xo=$(metric xen-off "$w" $m) xn=$(metric xen-on "$w" $m)
    r1=- r2=-
    if [ $m = tsc ]; then r1=$(ratio "$pn" "$n"); r2=$(ratio "$xn" "$n"); fi
    printf '%-22s %-15s %10s %10s %10s %10s %10s  %8s %8s %8s %8s\n' \
      "$([ $first = 1 ] && echo "$w")" "$title" "$n" "$po" "$pn" "$xo" "$xn" "$r1" "$r2" \
      "$(ratio "$po" "$xo")" "$(ratio "$pn" "$xn")"
    echo "$w,$m,$n,$po,$pn,$xo,$xn" | sed 's/,-/,/g' >> "$csv"
    first=0
  done
done
echo
echo "Logs and raw lines: $out/ (workloads.csv: the table above)"

[ $quick -eq 0 ] || exit 0

# Wall clock: the same boots without -icount; the TSC is then the host's, so the figures
# are host TSC cycles per operation under TCG -- how fast QEMU emulates each path.
for c in "${ran[@]}"; do
  for k in $(seq 1 "$runs"); do
    echo "bench: wall clock, $c, run $k of $runs" >&2
    BENCH_ICOUNT= column_boot "$c" "$out/$c.wall$k.log" ||
      { echo "bench: wall-clock run $k of $c failed (log $out/$c.wall$k.log)" >&2; exit 1; }
    bench_lines "$out/$c.wall$k.log" > "$out/$c.wall$k.results"
    bench_workloads "$out/$c.wall$k.log" > "$out/$c.wall$k.workloads"
  done
done

# wall COLUMN KIND NAME: "median (min-max)" over the runs, or "-".
wall() {
  local vals n
  have "$1" || { echo -; return; }
  vals=$(for k in $(seq 1 "$runs"); do
           awk -v n="$3" -v col="$([ "$2" = workloads ] && echo 3 || echo 2)" \
             '$1 == n {print $col}' "$out/$1.wall$k.$2"
         done | sort -g)
  n=$(echo "$vals" | grep -c .)
  [ "$n" -eq "$runs" ] || { echo -; return; }
  echo "$vals" | awk '{a[NR] = $1} END {
    m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "%.0f (%.0f-%.0f)", m, a[1], a[NR] }'
}

echo
echo "Wall clock without -icount: host TSC cycles per operation under TCG, median of $runs runs (min-max)"
echo
printf '%-22s %24s %24s %24s %24s %24s\n' "workload or probe" native "pvx off" "pvx on" "Xen off" "Xen on"
for w in $WORKLOADS; do
  printf '%-22s %24s %24s %24s %24s %24s\n' "$w" "$(wall native workloads "$w")" \
    "$(wall pvx-off workloads "$w")" "$(wall pvx-on workloads "$w")" \
    "$(wall xen-off workloads "$w")" "$(wall xen-on workloads "$w")"
done
for row in "${ROWS[@]}"; do
  name=${row%%|*}
  printf '%-22s %24s %24s %24s %24s %24s\n' "probe $name" "$(wall native results "$name")" \
    "$(wall pvx-off results "$name")" "$(wall pvx-on results "$name")" \
    "$(wall xen-off results "$name")" "$(wall xen-on results "$name")"
done
