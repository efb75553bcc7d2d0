#!/usr/bin/env bash
# `make bench`: the in-guest probes (tests/guest/bench_*.c) natively, under pvx and under
# Xen 4.17, in instructions per operation, side by side with the ratio pvx/Xen.
#
#   scripts/bench.sh [-n ITERS] [-b BATCHES] [-p PLATFORM]... [-w]
#
# Every run is under QEMU's -icount shift=0,sleep=off, where the guest TSC counts executed
# instructions (the hypervisor's too: same virtual CPU), so each figure is exact.  That is
# checked, not assumed: each platform runs twice and both runs must print identical lines,
# and in each run most timed batches must take exactly the same count (the guest's
# tsc=exact); otherwise the benchmark fails.  Per probe: a warm-up batch, BATCHES timed
# batches of ITERS operations (defaults 8 and 64), the smallest batch divided by its
# operations (or pages).  -p limits the platforms (native, pvx, xen); -w adds the
# wall-clock table: host TSC cycles per operation without -icount, median of 5 runs and
# min-max (TCG's speed, not the hardware's).  Logs: build/bench/.
set -u
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh

iters=64 batches=8 platforms=() wall=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n) iters=$2; shift 2 ;;
    -b) batches=$2; shift 2 ;;
    -p) platforms+=("$2"); shift 2 ;;
    -w) wall=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option '$1' (see scripts/bench.sh -h)" >&2; exit 2 ;;
  esac
done
[ ${#platforms[@]} -gt 0 ] || read -ra platforms <<< "$BENCH_PLATFORMS"
[[ $iters =~ ^[1-9][0-9]*$ ]] && [[ $batches =~ ^[1-9][0-9]*$ ]] && [ "$batches" -le 64 ] ||
  { echo "bench: -n and -b want positive numbers (-b at most 64)" >&2; exit 2; }

# The rows, in order: probe, unit, what it measures.  A probe that cannot run on a platform
# (a hypercall natively) SKIPs there and shows "-".
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
# Planned rows, printed so the table says what it does not cover yet.
PLANNED="boot and workload timings"

tests=
for row in "${ROWS[@]}"; do tests+="bench-${row%%|*}+"; done
tests=${tests%+}
args="test=$tests iters=$iters batches=$batches"
out=build/bench
mkdir -p "$out"
for f in build/host.elf build/guest.elf; do
  [ -f "$f" ] || { echo "bench: $f is missing (run make)" >&2; exit 2; }
done

# run_twice PLATFORM: two runs under -icount, checked exact and identical; results in
# $out/PLATFORM.results ("NAME PER_UNIT ..." lines, bench_lines' format).
run_twice() {
  local p=$1 k
  for k in 1 2; do
    echo "bench: $p, run $k of 2: $args" >&2
    if ! bench_boot "$p" "$out/$p.$k.log" "$args"; then
      echo "bench: $p run $k failed: $(cat "$out/$p.$k.log.err") (log $out/$p.$k.log)" >&2
      return 1
    fi
    if grep -qE "xtf: bench-[a-z0-9-]+: (ERROR|FAILURE)" "$out/$p.$k.log"; then
      echo "bench: $p: a probe failed:" >&2
      grep -E "xtf: bench-[a-z0-9-]+: (ERROR|FAILURE)" "$out/$p.$k.log" >&2
      return 1
    fi
    bench_check "$out/$p.$k.log" || return 1
    bench_lines "$out/$p.$k.log" > "$out/$p.$k.results"
  done
  if ! cmp -s "$out/$p.1.results" "$out/$p.2.results"; then
    echo "bench: $p: two runs under -icount gave different counts; they must be identical:" >&2
    diff "$out/$p.1.results" "$out/$p.2.results" >&2
    return 1
  fi
  [ -s "$out/$p.1.results" ] || { echo "bench: $p printed no probe results" >&2; return 1; }
  cp "$out/$p.1.results" "$out/$p.results"
}

ran=()
for p in "${platforms[@]}"; do
  case $p in native|pvx|xen) ;; *) echo "bench: unknown platform '$p'" >&2; exit 2 ;; esac
  if ! bench_have "$p"; then
    echo "bench: $p cannot run here (Xen 4.17 not installed: make deps); its column is empty" >&2
    continue
  fi
  run_twice "$p" || exit 1
  ran+=("$p")
done

# figure PLATFORM PROBE: the probe's instructions per unit on that platform, or "-".
figure() {
  local v
  v=$(awk -v n="$2" '$1 == n {print $2}' "$out/$1.results" 2>/dev/null)
  echo "${v:--}"
}

have() { local x; for x in "${ran[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }

echo
echo "Instructions per operation (-icount shift=0,sleep=off: exact; every platform run twice, identical)"
echo "$iters operations per batch, smallest of $batches batches; per page = per operation / 64"
echo "pin rows: one pin per batch, per entry = per pin / 512 (longer pins: make bench-pin)"
echo
printf '%-10s %-5s %10s %10s %10s %8s  %s\n' probe unit native pvx "Xen 4.17" pvx/Xen "what"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name unit what <<< "$row"
  n=- v=- x=- r=-
  have native && n=$(figure native "$name")
  have pvx && v=$(figure pvx "$name")
  have xen && x=$(figure xen "$name")
  [ "$v" != - ] && [ "$x" != - ] && r=$(printf '%.2f' "$(echo "$v / $x" | bc -l)")
  printf '%-10s %-5s %10s %10s %10s %8s  %s\n' "$name" "$unit" "$n" "$v" "$x" "$r" "$what"
done
echo
echo "Not measured yet: $PLANNED."
echo "Logs and raw lines: $out/"

[ $wall -eq 1 ] || exit 0

# Wall clock: the same probes without -icount; the TSC is then the host's, so the figure is
# host TSC cycles per operation under TCG -- how fast QEMU emulates each path, for scale.
echo
echo "Wall clock without -icount: host TSC cycles per operation under TCG, median of 5 runs (min-max)"
printf '%-10s %-5s %22s %22s %22s\n' probe unit native pvx "Xen 4.17"
for p in "${ran[@]}"; do
  for k in 1 2 3 4 5; do
    echo "bench: wall clock, $p, run $k of 5" >&2
    case $p in
      native) scripts/qemu.sh -t 300 -l "$out/$p.wall$k.log" -- -kernel build/guest.elf \
                -append "$args" > /dev/null 2>&1 ;;
      pvx) scripts/qemu.sh -t 300 -l "$out/$p.wall$k.log" -- -kernel build/host.elf \
             -append "dom0_mem=32M" -initrd "build/guest.elf $args" > /dev/null 2>&1 ;;
      xen) scripts/xen.sh -t 300 -l "$out/$p.wall$k.log" $args > /dev/null 2>&1 ;;
    esac || { echo "bench: wall-clock run $k on $p failed (log $out/$p.wall$k.log)" >&2; exit 1; }
    bench_lines "$out/$p.wall$k.log" > "$out/$p.wall$k.results"
  done
done
# wall PLATFORM PROBE: "median (min-max)" over the five runs, or "-".
wall() {
  local vals
  vals=$(cat "$out/$1".wall[1-5].results 2>/dev/null | awk -v n="$2" '$1 == n {print $2}' | sort -g)
  [ "$(echo "$vals" | grep -c .)" -eq 5 ] || { echo -; return; }
  echo "$vals" | awk '{a[NR] = $1} END {printf "%.0f (%.0f-%.0f)", a[3], a[1], a[5]}'
}
for row in "${ROWS[@]}"; do
  IFS='|' read -r name unit what <<< "$row"
  n=- v=- x=-
  have native && n=$(wall native "$name")
  have pvx && v=$(wall pvx "$name")
  have xen && x=$(wall xen "$name")
  printf '%-10s %-5s %22s %22s %22s\n' "$name" "$unit" "$n" "$v" "$x"
done
