#!/usr/bin/env bash
# A few seconds' check of the measuring tools, not a benchmark: the profiler plugin counts
# the same instructions as the guest's TSC under -icount and attributes the null hypercall
# to the host's entry, entered once per iteration; the bench scripts read probe lines and
# refuse a TSC that did not count instructions; Xen's symbols come from an image whose code
# matches the one booted.  The figures themselves are `make bench` (docs/bench.md).
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
. scripts/bench-lib.sh
out=build/tests/45-bench-smoke; mkdir -p "$out"

# Parsing: a line as the guest prints it, with pvx's domain prefix.
printf '(d0) bench: null unit=op n=64 batches=8 min=11084 max=11090 same=7 per_unit=173.19 tsc=exact\r\n' > "$out/exact.log"
[ "$(bench_lines "$out/exact.log")" = "null 173.19 op 64 11084 11090 7 8 exact" ]
tap "bench: a probe line is parsed into its fields" $? "got '$(bench_lines "$out/exact.log")'"
bench_check "$out/exact.log" 2> /dev/null
tap "bench: exact TSC deltas are accepted" $?
printf 'bench: null unit=op n=64 batches=8 min=90411 max=131072 same=1 per_unit=1412.67 tsc=noisy\n' > "$out/noisy.log"
! bench_check "$out/noisy.log" 2> "$out/noisy.err" && grep -q 'icount' "$out/noisy.err"
tap "bench: TSC deltas that are not exact are refused, naming -icount" $? "$(cat "$out/noisy.err")"

# The probes run to the end under the debug host: each operation checks what it did (a
# handler entry, cr3's value, the entry read back, a pin's result) and the host audits every
# paging invariant after every hypercall, so a path the host breaks shows here, not first in
# `make bench`; the pin probes also take their trees apart again.  The same probes under Xen
# 4.17, the oracle, must end as they do under pvx.  A few operations each, without -icount:
# this checks the paths, not counts.
if [ -f build/host-debug.elf ]; then
  exec_probes="null uvm uvm-multi mmu-64 syscall trap mov-cr3 ptwr pin-l1 pin-l2 pin-l2-16 unpin-l2-256"
  probe_args="test=$(printf 'bench-%s+' $exec_probes | sed 's/+$//') iters=4 batches=2"
  scripts/qemu.sh -t 120 -l "$out/exec.log" -- -kernel build/host-debug.elf -append dom0_mem=32M \
    -initrd "build/guest.elf $probe_args" > /dev/null 2> "$out/exec.log.err"
  tap "bench: the probes boot the debug host to a clean poweroff" $? "$(cat "$out/exec.log.err")"
  for p in $exec_probes; do
    grep -q "xtf: bench-$p: SUCCESS" "$out/exec.log"
    tap "bench: bench-$p runs to SUCCESS on pvx" $? \
      "$(grep -m1 -E "xtf: bench-$p: [A-Z]+.*" "$out/exec.log" | tr -d '\r')"
  done
  ! grep -q "audit failed" "$out/exec.log"
  tap "bench: no paging invariant violated by the probes" $? \
    "$(grep -m1 'audit failed' "$out/exec.log")"
  if [ -r /boot/xen-4.17-amd64.gz ]; then
    boot_xen "$out/xen-exec.log" "$probe_args"
    xtf_outcomes "$out/exec.log" "$out/pvx.outcomes"
    xtf_outcomes "$out/xen-exec.log" "$out/xen.outcomes"
    tap_compare pvx "$out/pvx.outcomes" Xen "$out/xen.outcomes"
  else
    echo "ok - bench: the probes under Xen # SKIP Xen 4.17 not installed"
  fi
else
  echo "not ok - bench: build/host-debug.elf missing (make)"
fi

plugin=build/tools/profile/libprofile.so
if [ ! -f "$plugin" ] || [ ! -f build/host.elf ]; then
  echo "not ok - profile: $plugin or build/host.elf missing (make)"
  exit 1
fi
nm -n -S build/host.elf > "$out/host.syms"
nm -n -S build/guest.elf > "$out/guest.syms"
iters=16
bench_boot pvx "$out/pvx.log" "test=bench-null iters=$iters batches=2" \
  -plugin "$plugin,syms=host:$out/host.syms,syms=guest:$out/guest.syms,out=$out/pvx.prof"
tap "profile: pvx with the plugin runs bench-null to a clean poweroff" $? "$(cat "$out/pvx.log.err")"
cat "$out/pvx.prof"
grep -q "^profile: window 1: [0-9]* instructions, $iters iterations" "$out/pvx.prof"
tap "profile: one window of $iters marked iterations" $? "see $out/pvx.prof"

# The window holds the same loop as a timed batch, so the two counts differ only by the
# few instructions around the loop (the rdtsc reads, the call), not per iteration.
total=$(sed -nE 's/^profile: window 1: ([0-9]+) instructions.*/\1/p' "$out/pvx.prof")
tsc=$(bench_lines "$out/pvx.log" | awk '{print $5}')
[ -n "$total" ] && [ -n "$tsc" ] && [ $(( total > tsc ? total - tsc : tsc - total )) -le 8 ]
tap "profile: plugin count ($total) agrees with the TSC under -icount ($tsc) within 8" $?

# The call tree: under the hypercall page, one frame of the host entered exactly once per
# iteration (the syscall entry, whatever its name); and every instruction has a symbol.
sed -n '/^call tree/,/^flat profile/p' "$out/pvx.prof" > "$out/tree"
awk '/\[guest\] hypercall_page$/ { d = index($0, "["); next }
     d && index($0, "[") == d + 2 && $3 == "1.00" && /\[host\]/ { found = 1 }
     d && index($0, "[") <= d { d = 0 }
     END { exit !found }' "$out/tree"
tap "profile: the null hypercall enters the host from the hypercall page once per iteration" $? \
    "see $out/tree"
! grep -q '\[?\]' "$out/pvx.prof"
tap "profile: every instruction in the window belongs to a symbol of the host or the guest" $? \
    "$(grep -m3 '\[?\]' "$out/pvx.prof")"

if [ -r "$XEN_GZ" ] && [ -r "$XEN_EFI" ]; then
  xen_symbols "$out/xen.syms" 2> "$out/xen.err" && grep -q ' T do_update_va_mapping$' "$out/xen.syms"
  tap "profile: Xen's symbols from xen.efi, whose .text matches the booted image" $? "$(cat "$out/xen.err")"
else
  echo "ok - profile: Xen's symbols # SKIP Xen 4.17 (hypervisor and xen.efi) not installed"
fi
