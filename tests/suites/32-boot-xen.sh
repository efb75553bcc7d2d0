#!/usr/bin/env bash
# Boot build/guest.elf as dom0 under Debian's Xen 4.17 in QEMU (TCG) and check that Xen
# accepted the image and that the guest found Xen, used both hypercall paths, read a sane
# start_info, passed its own pagetable audit and left through the exit port.  The boot runs
# three times (the median wall time is printed); each check must hold in all three.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/32-boot-xen; mkdir -p "$out"

if [ ! -r /boot/xen-4.17-amd64.gz ]; then
  echo "ok - Xen boot # SKIP /boot/xen-4.17-amd64.gz not installed (make deps as root)"
  exit 0
fi

run() { scripts/xen.sh -t 120 -l "$out/boot$1.log" exit=poweroff > /dev/null 2> "$out/boot$1.err"; }
timed_thrice run
cat "$out/boot1.log" "$out/boot1.err"
checks() {  # checks N: run N's log and status
  local log=$out/boot$1.log rc=${rcs[$1-1]}
  tap_grep "xen: Xen built a PV dom0 from guest.elf" 'Loaded kernel: ffffffff80100000' "$log"
  tap_grep "xen: guest banner" '^pvx-guest: hello from the pvx test guest' "$log"
  tap_grep "xen: platform detected as Xen 4.17" '^pvx-guest: platform: Xen 4\.17' "$log"
  tap_grep "xen: hypercall page and bare syscall agree" 'hypercall page and bare syscall agree' "$log"
  tap_grep "xen: start_info magic and facts" '^start_info: magic "xen-3.0-x86_64p?" nr_pages 8192 ' "$log"
  tap_walk "xen: pagetable walk" "$log"
  tap "xen: clean poweroff through the exit port (dom0 iopl)" "$rc" \
      "xen.sh status $rc: $(cat "$out/boot$1.err")"
}
every_run checks

echo "Xen boot wall time (TCG): median $(median "${times[@]}") s of ${times[*]}"

# The fallback: without the exit port, SCHEDOP_shutdown only halts Xen ("Hardware Dom0
# halted", thanks to noreboot); scripts/xen.sh must notice, stop QEMU and say so (status 3).
s=$(date +%s)
scripts/xen.sh -t 120 -l "$out/halt.log" exitport=off > /dev/null 2> "$out/halt.err"
rc=$?
cat "$out/halt.err"
grep -q 'Hardware Dom0 halted' "$out/halt.log" && [ $rc -eq 3 ] && [ $(( $(date +%s) - s )) -lt 60 ]
tap "xen: SCHEDOP_shutdown alone halts Xen and xen.sh stops QEMU (status 3)" $? "xen.sh status $rc"
