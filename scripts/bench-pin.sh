#!/usr/bin/env bash
# `make bench-pin`: the longest single hypercall, measured.  A pin validates a whole
# pagetable tree before it returns; these probes (tests/guest/bench_pin.c) pin trees of one
# table up to as many tables as dom0's free frames allow, one call at a time under -icount,
# under pvx and under Xen 4.17, and print instructions per call and per entry checked, how
# many calls the hypervisor preempted and continued, and the worst case for the default dom0
# sizes (32 MiB, and the 256 MiB of the Linux boot) from the measured cost per entry.
#
#   scripts/bench-pin.sh [-b BATCHES] [-p PLATFORM]...
#
# -b: timed calls per probe (default 8; each probe also makes a warm-up and a profiled call);
# -p: pvx or xen (default both).  The figure is the smallest call.  Long calls are hit by
# timer interrupts (Xen's every ~5 ms of virtual time: it then preempts the pin and restarts
# it), so most calls need not take the same count as `make bench` requires; instead each
# platform runs twice and every probe's smallest call must be identical, which only a TSC
# that counts instructions gives, and the short pin-l1 and pin-l2 probes must pass bench's
# check.  What depends on where an interrupt lands (the largest call, the calls continued,
# the timer's lateness) can differ by a few instructions between two Xen runs under
# -icount; those are shown from the first run.  Logs: build/bench-pin/.
set -u
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh

batches=8 platforms=()
while [ $# -gt 0 ]; do
  case "$1" in
    -b) batches=$2; shift 2 ;;
    -p) platforms+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-pin: unknown option '$1' (see scripts/bench-pin.sh -h)" >&2; exit 2 ;;
  esac
done
[ ${#platforms[@]} -gt 0 ] || platforms=(pvx xen)
[[ $batches =~ ^[1-9][0-9]*$ ]] && [ "$batches" -le 64 ] ||
  { echo "bench-pin: -b wants a number from 1 to 64" >&2; exit 2; }

PROBES="pin-l1 pin-l2 pin-l2-16 pin-l2-64 pin-l2-256 pin-l1-256 unpin-l2-256 pin-l2-max"
LATENCY=pin-latency                # last: it stops the periodic timer the others run with
SHORT="pin-l1 pin-l2"              # one table each: must pass bench_check
DOM0_MIB="32 256"                  # the default dom0 and the Linux boot's
args="test=$(printf 'bench-%s+' $PROBES $LATENCY | sed 's/+$//') batches=$batches"
out=build/bench-pin
mkdir -p "$out"
for f in build/host.elf build/guest.elf; do
  [ -f "$f" ] || { echo "bench-pin: $f is missing (run make)" >&2; exit 2; }
done

# pin_lines LOG: "NAME CONTINUED CALLS FREE" from the probes' "pin:" lines, and
# "latency-CALL LATE_MIN LATE_MAX RUNS CALL_LENGTH" from bench-pin-latency's.
pin_lines() {
  tr -d '\r' < "$1" | sed -E 's/^\(d[0-9]+\) //' |
    sed -nE -e 's/^pin: ([a-z0-9-]+) continued=([0-9]+) calls=([0-9]+) free=([0-9]+)$/\1 \2 \3 \4/p' \
      -e 's/^pin: (latency-[a-z0-9-]+) late_min=([0-9]+) late_max=([0-9]+) runs=([0-9]+) call=([0-9]+)$/\1 \2 \3 \4 \5/p'
}

# run_twice PLATFORM: $out/PLATFORM.results (bench_lines) and .pin (pin_lines) of the first
# run; every probe SUCCESS in both, the smallest calls the same, the short probes exact.
run_twice() {
  local p=$1 k short
  for k in 1 2; do
    echo "bench-pin: $p, run $k of 2: $args" >&2
    if ! bench_boot "$p" "$out/$p.$k.log" "$args"; then
      echo "bench-pin: $p run $k failed: $(cat "$out/$p.$k.log.err") (log $out/$p.$k.log)" >&2
      return 1
    fi
    if [ "$(grep -cE "xtf: bench-[a-z0-9-]+: SUCCESS" "$out/$p.$k.log")" -ne "$(echo $PROBES $LATENCY | wc -w)" ]; then
      echo "bench-pin: $p: not every probe succeeded:" >&2
      grep -E "xtf: bench-[a-z0-9-]+: [A-Z]+" "$out/$p.$k.log" | grep -v SUCCESS >&2
      return 1
    fi
    short=$(printf '%s|' $SHORT)
    grep -E "bench: (${short%|}) unit" "$out/$p.$k.log" > "$out/$p.$k.short"
    bench_check "$out/$p.$k.short" || return 1
    bench_lines "$out/$p.$k.log" > "$out/$p.$k.results"
    pin_lines "$out/$p.$k.log" > "$out/$p.$k.pin"
  done
  for k in 1 2; do cut -d' ' -f1-5 "$out/$p.$k.results" > "$out/$p.$k.figures"; done
  if ! cmp -s "$out/$p.1.figures" "$out/$p.2.figures"; then
    echo "bench-pin: $p: two runs under -icount gave different counts; they must be identical:" >&2
    diff "$out/$p.1.figures" "$out/$p.2.figures" >&2
    return 1
  fi
  cp "$out/$p.1.results" "$out/$p.results"
  cp "$out/$p.1.pin" "$out/$p.pin"
}

ran=()
for p in "${platforms[@]}"; do
  case $p in pvx|xen) ;; *) echo "bench-pin: unknown platform '$p' (pvx or xen)" >&2; exit 2 ;; esac
  if ! bench_have "$p"; then
    echo "bench-pin: $p cannot run here (Xen 4.17 not installed: make deps)" >&2
    continue
  fi
  run_twice "$p" || exit 1
  ran+=("$p")
done
[ ${#ran[@]} -gt 0 ] || exit 1

label() { case $1 in pvx) echo pvx ;; xen) echo "Xen 4.17" ;; esac; }
# field PLATFORM PROBE N: field N of the probe's bench line (2 per entry, 4 entries, 5 per call).
field() { awk -v n="$2" -v f="$3" '$1 == n {print $f}' "$out/$1.results"; }
cont() { awk -v n="$2" '$1 == n {print $2 "/" $3}' "$out/$1.pin"; }

echo
echo "One pin (or unpin) per call, in instructions (-icount: exact; each platform run twice, smallest calls identical)"
echo "smallest of $batches calls; cont = calls the hypervisor preempted and restarted, of all the probe made"
echo
printf '%-13s %8s' probe entries
for p in "${ran[@]}"; do printf ' | %13s %9s %6s' "$(label "$p"): call" "per entry" cont; done
echo
for probe in $PROBES; do
  printf '%-13s %8s' "$probe" "$(field "${ran[0]}" "$probe" 4)"
  for p in "${ran[@]}"; do
    printf ' | %13s %9s %6s' "$(field "$p" "$probe" 5)" "$(field "$p" "$probe" 2)" "$(cont "$p" "$probe")"
  done
  echo
done

# How long a call holds the CPU: a timer falls due during it, with events unmasked, and the
# guest notes when its upcall came.  A hypervisor that preempts the call answers within its
# preemption granule; one that does not, when the call ends.
echo
echo "A timer due during a call (events unmasked; 16 due times spread over the call): instructions"
echo "from the due time to the guest's upcall, least and most, and the call's own length"
printf '%-16s' call
for p in "${ran[@]}"; do printf ' | %22s %11s' "$(label "$p"): late" "call"; done
echo
for name in pin-l1-256 mmuext-pairs multicall-pairs; do
  printf '%-16s' "$name"
  for p in "${ran[@]}"; do
    awk -v n="latency-$name" '$1 == n { printf " | %10d-%-11d %11d", $2, $3, $5 }' "$out/$p.pin"
  done
  echo
done
echo "(pin-l1-256: the pin of 256 L1s above; mmuext-pairs: one mmuext_op of 32 pin + unpin pairs"
echo "of the 16-L2 tree; multicall-pairs: the same mmuext_op as the one entry of a multicall)"

# The cost of one more L2 entry: the slope between the 16- and 256-L2 pins (the call's
# fixed cost drops out); a pin's worst case is every frame of dom0 an L2 of 512 such
# entries, or an L1 of 512 writable entries, whichever costs more per entry.  pvx checks for
# preemption right after any request that validated or devalidated a table, so a batch adds
# nothing to that: its longest stretch is one pin (an unpin of the same tree is cheaper).
echo
echo "Worst cases, every frame of dom0 a leaf table of 512 entries (cost per entry x 512 x frames;"
echo "instructions, and seconds at 1 instruction/ns).  What pvx runs in one stretch; Xen preempts it:"
for p in "${ran[@]}"; do
  l2=$(echo "($(field "$p" pin-l2-256 5) - $(field "$p" pin-l2-16 5)) / (($(field "$p" pin-l2-256 4) - $(field "$p" pin-l2-16 4)))" | bc -l)
  l1=$(field "$p" pin-l1-256 2)
  un=$(field "$p" unpin-l2-256 2)
  worst=$(echo "if ($l2 > $l1) $l2 else $l1" | bc -l)
  printf '%s: %.2f per L2 entry (slope 16 -> 256 L2s), %.2f per L1 entry, %.2f per entry unpinned
' \
    "$(label "$p")" "$l2" "$l1" "$un"
  for mib in $DOM0_MIB; do
    awk -v f="$((mib * 256))" -v c="$worst" -v u="$un" -v m="$mib" 'BEGIN {
      i = f * 512 * c
      printf "  dom0 %3d MiB (%5d frames): one pin %12.0f (%6.3f s)\n", m, f, i, i / 1e9 }'
  done
  awk -v f="$(awk '$1 == "pin-l2-max" {print $4}' "$out/$p.pin")" \
      -v n="$(field "$p" pin-l2-max 4)" -v c="$(field "$p" pin-l2-max 5)" 'BEGIN {
    printf "  measured, dom0 32 MiB (%d frames free): one pin of %d L2s, %d entries: %d (%.3f s)\n", f, n / 512, n, c, c / 1e9 }'
done
if [[ " ${ran[*]} " == *" xen "* ]]; then
  echo "Xen 4.17 checks for preemption before every request of a batch (inside a multicall too) and"
  echo "every L2, L3 and L4 entry it validates; an L1 (512 entries) it validates whole, so it answers"
  echo "within about one L1: pin-l1 above, $(field xen pin-l1 5) instructions per call."
fi
echo "Logs and raw lines: $out/"
