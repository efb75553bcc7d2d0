#!/usr/bin/env bash
# The guest kernel's own tests of its address spaces and frame allocator
# (tests/guest/vm.c, frames.c: `test=vm-*`, `test=frames-*`) natively, under real Xen 4.17
# (the reference), under pvx and under the debug host; every pvx outcome compared with
# Xen's.  Each group runs as suite 43 runs its own (tests/guest/tap.sh run_group).
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
export BOOT_TIMEOUT=60

boot_native() {
  local log=$1 args=$2; shift 2
  scripts/qemu.sh -t "$BOOT_TIMEOUT" "$@" -l "$log" -- -kernel build/guest.elf \
    -append "$args" > /dev/null 2> "$log.err"
}

group_platforms
for group in vm frames; do
  out=build/tests/48-guest-vm/$group; mkdir -p "$out"
  run_group native boot_native "$group-*" "$out"
  cat "$out/native.verdicts"
  tap_xtf native "$out/native.verdicts"
  for p in "${platforms[@]}"; do
    run_group "$p" "$(group_boot_fn "$p")" "$group-*" "$out"
    group_verdicts "$p" "$out"
  done
  group_audit_and_compare "$out"
done
