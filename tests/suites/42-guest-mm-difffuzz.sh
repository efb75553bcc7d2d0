#!/usr/bin/env bash
# Differential fuzz of the memory hypercalls: the in-guest test mm-diff-fuzz runs the same
# seeded stream of operations under pvx, under the debug host (paging invariants audited
# after every hypercall) and under real Xen 4.17; every 100 operations it prints a running
# hash of all return codes.  TAP: the guest survived and cleaned up on each platform, no
# audit failed, and pvx's hash sequence equals Xen's.  On a mismatch the first differing
# window is named and both are rerun with verbose=1 to print the first differing operation.
# A divergence passes only if docs/abi.md's table of differences has a row for exactly that
# seed and window ("mm-diff-fuzz seed=S ops A-B"); a documented window the stream no longer
# reaches fails too, so the table stays true.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/42-guest-mm-difffuzz; mkdir -p "$out"

SEEDS=${DIFFFUZZ_SEEDS:-"2 9 1"}   # 2 agrees for all 3000 ops; 9 and 1 up to a documented divergence
OPS=${DIFFFUZZ_OPS:-3000}
DEBUG_OPS=500      # the debug host audits every frame after every hypercall: ~12 ms each
[ "$OPS" -lt "$DEBUG_OPS" ] && DEBUG_OPS=$OPS

args() { echo "test=mm-diff-fuzz seed=$1 ops=$2${3:+ $3}"; }

run_pvx() {   # run_pvx HOST_ELF LOG SEED OPS [EXTRA]
  scripts/qemu.sh -t 120 -l "$2" -- -kernel "$1" -append "dom0_mem=32M" \
    -initrd "build/guest.elf $(args "$3" "$4" "${5:-}")" > /dev/null 2> "$2.err"
}

run_xen() {   # run_xen LOG SEED OPS [EXTRA]
  scripts/xen.sh -t 180 -l "$1" $(args "$2" "$3" "${4:-}") > /dev/null 2> "$1.err"
}

# checkpoints LOG: "N HASH" per checkpoint line
checkpoints() {
  tr -d '\r' < "$1" | sed -nE 's/^(\(d0\) )?difffuzz: ([0-9]+) ops hash ([0-9a-f]+).*/\2 \3/p'
}

# verdict NAME LOG STATUS: survived (SUCCESS verdict) and powered off cleanly
verdict() {
  local why
  why=$(tr -d '\r' < "$2" | sed -nE 's/^(\(d0\) )?xtf: mm-diff-fuzz: (.*)/\2/p' | head -1)
  [ "$why" = "SUCCESS" ] && [ "$3" -eq 0 ]
  tap "$1: guest survived, cleanup dropped every pin, entry and type" $? \
    "verdict '${why:-none}', exit status $3"
}

# first_op_diff SEED OPS: rerun both verbosely and print the first differing operation
first_op_diff() {
  local p=$out/pvx-$1-verbose.log x=$out/xen-$1-verbose.log d
  run_pvx build/host.elf "$p" "$1" "$2" verbose=1
  run_xen "$x" "$1" "$2" verbose=1
  d=$(diff <(tr -d '\r' < "$p" | sed -nE 's/^(\(d0\) )?(difffuzz: op .*)/\2/p' | grep -v 'cache bits') \
           <(tr -d '\r' < "$x" | sed -nE 's/^(\(d0\) )?(difffuzz: op .*)/\2/p' | grep -v 'cache bits'))
  grep -m1 '^<' <<<"$d" | sed 's/^</#   pvx:/'
  grep -m1 '^>' <<<"$d" | sed 's/^>/#   Xen:/'
  echo "#   (logs: $p $x; dump=N before op N, watch=F to see when frame F took a type)"
}

if [ ! -f build/host.elf ] || [ ! -f build/guest.elf ]; then
  echo "not ok - build/host.elf or build/guest.elf missing (make)"
  exit 1
fi
have_xen=1
[ -r /boot/xen-4.17-amd64.gz ] || have_xen=0

for seed in $SEEDS; do
  plog=$out/pvx-$seed.log
  run_pvx build/host.elf "$plog" "$seed" "$OPS"
  verdict "pvx seed=$seed ops=$OPS" "$plog" $?
  checkpoints "$plog" > "$out/pvx-$seed.hashes"

  if [ -f build/host-debug.elf ]; then
    dlog=$out/pvx-debug-$seed.log
    run_pvx build/host-debug.elf "$dlog" "$seed" "$DEBUG_OPS"
    verdict "pvx-debug seed=$seed ops=$DEBUG_OPS" "$dlog" $?
    ! grep -q "audit failed" "$dlog"
    tap "pvx-debug seed=$seed: no paging invariant violated after any hypercall" $? \
      "$(grep -m1 'audit failed' "$dlog")"
    checkpoints "$dlog" > "$out/pvx-debug-$seed.hashes"
    n=$(wc -l < "$out/pvx-debug-$seed.hashes")
    [ "$n" -gt 0 ] && cmp -s "$out/pvx-debug-$seed.hashes" <(head -n "$n" "$out/pvx-$seed.hashes")
    tap "pvx-debug seed=$seed: the debug host answers exactly as the release host ($n checkpoints)" $?
  else
    echo "not ok - pvx-debug: build/host-debug.elf missing (make build/host-debug.elf)"
  fi

  if [ $have_xen -eq 0 ]; then
    echo "ok - compare seed=$seed with Xen # SKIP Xen 4.17 not installed"
    continue
  fi
  xlog=$out/xen-$seed.log
  run_xen "$xlog" "$seed" "$OPS"
  verdict "xen seed=$seed ops=$OPS" "$xlog" $?
  checkpoints "$xlog" > "$out/xen-$seed.hashes"

  name="compare seed=$seed: pvx's hash after every 100 ops equals Xen's"
  n=$(wc -l < "$out/pvx-$seed.hashes")
  if [ "$n" -eq 0 ] || [ "$n" -ne "$(wc -l < "$out/xen-$seed.hashes")" ]; then
    echo "not ok - $name (checkpoints: pvx $n, Xen $(wc -l < "$out/xen-$seed.hashes"))"
    continue
  fi
  first=$(paste -d' ' "$out/pvx-$seed.hashes" "$out/xen-$seed.hashes" |
          awk '$2 != $4 {print $1; exit}')
  documented=$(abi_difference_names "mm-diff-fuzz seed=$seed " | tr '\n' ' ')
  if [ -z "$first" ] && [ -z "$documented" ]; then
    echo "ok - $name ($n checkpoints)"
  elif [ -z "$first" ]; then
    echo "not ok - $name (agrees everywhere, but docs/abi.md documents a difference at" \
         "${documented% }: update its table of differences)"
  elif window="mm-diff-fuzz seed=$seed ops $((first - 99))-$first" && why=$(abi_difference "$window"); then
    echo "ok - $name up to op $((first - 100)), then the documented difference ($window: $why)"
  else
    echo "not ok - $name (first difference in ops $((first - 99))-$first, no row for" \
         "'$window' in docs/abi.md's differences${documented:+; documented: ${documented% }})"
    first_op_diff "$seed" "$first"
  fi
done
