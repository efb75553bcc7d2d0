#!/usr/bin/env bash
# Boot build/guest.elf natively in QEMU (PVH entry, ring 0, TCG) and check what it reports:
# banner, platform, the pagetable audit, a clean poweroff through the exit port, and that a
# deliberate crash ends as a crash.  The boot runs three times (the median wall time is
# printed); each check must hold in all three.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/30-boot-native; mkdir -p "$out"

boot() {  # boot LOG ARGS... -> qemu.sh status
  local log=$1; shift
  scripts/qemu.sh -t 30 -- -kernel build/guest.elf -append "$*" > "$log" 2>&1
}

run() { boot "$out/boot$1.log" "exit=poweroff"; }
timed_thrice run
cat "$out/boot1.log"
checks() {  # checks N: run N's log and status
  local log=$out/boot$1.log rc=${rcs[$1-1]}
  tap_grep "native: guest banner" '^pvx-guest: hello from the pvx test guest' "$log"
  tap_grep "native: platform detected as native" '^pvx-guest: platform: native ' "$log"
  tap_walk "native: pagetable walk" "$log"
  tap "native: clean poweroff through the exit port" "$rc" "qemu.sh status $rc"
}
every_run checks

boot "$out/crash.log" "crash=gp"; rc=$?
cat "$out/crash.log"
grep -q 'native: exception 13' "$out/crash.log" && [ $rc -ne 0 ] &&
  grep -q 'guest crashed (status 39)' "$out/crash.log"
tap "native: crash=gp reports #GP and exits as a crash (status 39)" $? "rc $rc"

echo "native boot wall time (TCG): median $(median "${times[@]}") s of ${times[*]}"
