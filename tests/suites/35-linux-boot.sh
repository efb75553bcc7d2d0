#!/usr/bin/env bash
# Debian's own kernel (a bzImage from linux-image-amd64, built with CONFIG_XEN_PV) boots as
# dom0 under pvx and under Xen 4.17 (TCG, -icount, dom0_mem=256M) with the project's
# initramfs (scripts/mkinitramfs.py): /init forks and execs $LINUX_FORKS processes (300) and
# powers off.  Checked: /init ran and every process did, under both; pvx ends with a clean
# poweroff (SCHEDOP_shutdown, status 33), Xen with Linux's ACPI S5 poweroff; the kernel's
# console lines, timestamps stripped and numbers masked, differ only where docs/abi.md's
# "Linux's boot console" table explains it.  Reported: the TSC (instructions, under
# -icount) at /init and after the forks under both, and pvx's hypercall counts.
set -u
cd "$(dirname "$0")/../.."
out=build/tests/35-linux-boot; mkdir -p "$out"
vmlinuz=${PVX_VMLINUZ:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)}
initrd=build/linux/initramfs.cpio
forks=${LINUX_FORKS:-300}
cmdline="console=hvc0 earlyprintk=xen forks=$forks"

if [ -z "$vmlinuz" ] || [ ! -r "$vmlinuz" ]; then
  echo "ok - Linux boot # SKIP no /boot/vmlinuz-* (install linux-image-amd64: make deps)"
  exit 0
fi
if [ ! -s "$initrd" ]; then
  echo "ok - Linux boot # SKIP $initrd not built (install busybox-static: make deps, then make test)"
  exit 0
fi
tap() { echo "$([ "$2" -eq 0 ] && echo ok || echo 'not ok') - $1"; }

start=$(date +%s)
QEMU_MEM=512M scripts/qemu.sh -t 400 -i -l "$out/pvx.log" -- -kernel build/host.elf \
  -append "dom0_mem=256M trace=hypercalls" -initrd "$vmlinuz $cmdline,$initrd" \
  > /dev/null 2> "$out/pvx.status"
pvx_rc=$?
mid=$(date +%s)
if [ -r /boot/xen-4.17-amd64.gz ]; then
  scripts/xen.sh -t 400 -i -m 256M -k "$vmlinuz" -r "$initrd" -l "$out/xen.log" $cmdline \
    > /dev/null 2> "$out/xen.status"
else
  : > "$out/xen.log"
fi
end=$(date +%s)
echo "# $(basename "$vmlinuz"): pvx $((mid - start)) s, Xen $((end - mid)) s of wall time under TCG"

# /init and its processes, under both.
for hv in pvx xen; do
  grep -q "init: $forks of $forks processes ran" "$out/$hv.log" && grep -q 'init: SUCCESS' "$out/$hv.log"
  tap "$hv: Debian's kernel ran /init, which forked and exec'd $forks processes" $?
done
grep -q '^pvx: d0 shut down: poweroff' "$out/pvx.log" && [ "$pvx_rc" -eq 0 ]
r=$?
tap "pvx: Linux powered off cleanly (SCHEDOP_shutdown, QEMU status 33)$([ "$pvx_rc" -ne 0 ] && echo ": $(tail -1 "$out/pvx.status")")" $r
grep -q 'reboot: Power down' "$out/xen.log" && grep -q 'Entering ACPI S5 state' "$out/xen.log"
tap "xen: Linux powered off cleanly (ACPI S5 through Xen; QEMU's own poweroff)" $?

# The TSC counts instructions under -icount: machine start to /init, and the forks.
tsc() { sed -nE "s/^(\(d0\) )?init: $2, tsc ([0-9]+).*/\2/p" "$out/$1.log" | head -1; }
pi=$(tsc pvx started) xi=$(tsc xen started) pd=$(tsc pvx done) xd=$(tsc xen done)
[ -n "$pi" ] && [ -n "$xi" ] && [ -n "$pd" ] && [ -n "$xd" ]
r=$?
tap "time to /init in instructions (TSC under -icount): pvx ${pi:-?}, Xen ${xi:-?}" $r
if [ -n "$pi" ] && [ -n "$xi" ] && [ -n "$pd" ] && [ -n "$xd" ]; then
  echo "# to /init: pvx/Xen $(echo "scale=3; $pi / $xi" | bc); $forks fork+exec: pvx $((pd - pi)), Xen $((xd - xi)) instructions, pvx/Xen $(echo "scale=3; ($pd - $pi) / ($xd - $xi)" | bc)"
  for hv in pvx xen; do
    echo "# $hv: Linux's uptime at /init $(sed -nE 's/^(\(d0\) )?\[ *([0-9.]+)\] Run \/init.*/\2/p' "$out/$hv.log") s"
  done
fi

# The kernel's console lines: Linux's own ("[ time] text") and /init's, timestamps
# stripped, hex and decimal numbers masked, then cut at 110 characters (pvx breaks lines over
# 160), compared as multisets (the order of a few asynchronous lines varies); every line
# found under one hypervisor only must match docs/abi.md's table of explained differences.
console() {
  sed -nE 's/^(\(d0\) )?(\[ *[0-9]+\.[0-9]+\] |init: )/\2/p' "$out/$1.log" | tr -d '\r' |
    sed -E 's/^\[ *[0-9]+\.[0-9]+\] //; s/0x[0-9a-fA-F]+/0xN/g; s/[0-9a-f]{8,}/H/g; s/[0-9]+/N/g' |
    cut -c1-110 | sort > "$out/$1.console"
}
console pvx; console xen
awk '/^### Linux.s boot console/{on=1; next} /^#/{on=0} on && /^\| `/{
       s=$0; sub(/^\| `/, "", s); sub(/` \|.*/, "", s); print s }' docs/abi.md > "$out/explained.txt"
diff "$out/xen.console" "$out/pvx.console" | sed -nE 's/^([<>]) (.*)/\1 \2/p' > "$out/console.diff"
unexplained=0
while IFS= read -r line; do
  text=${line#? }
  if ! printf '%s\n' "$text" | grep -qEf "$out/explained.txt"; then
    unexplained=$((unexplained + 1))
    [ "$unexplained" -le 20 ] && echo "# unexplained: $( [ "${line:0:1}" = "<" ] && echo "Xen only" || echo "pvx only"): $text"
  fi
done < "$out/console.diff"
[ -s "$out/xen.console" ] && [ -s "$out/pvx.console" ] && [ -s "$out/explained.txt" ] && [ "$unexplained" -eq 0 ]
r=$?
tap "console: pvx $(wc -l < "$out/pvx.console") lines, Xen $(wc -l < "$out/xen.console"), $(grep -c '^<' "$out/console.diff") only under Xen and $(grep -c '^>' "$out/console.diff") only under pvx, $unexplained of them not explained in docs/abi.md" $r

calls=$(sed -nE 's/^pvx: hypercall trace: ([0-9]+) calls, ([0-9]+) kinds.*/\1 calls of \2 kinds/p' "$out/pvx.log")
[ -n "$calls" ]
r=$?
tap "pvx: hypercall trace of the whole run: ${calls:-none}" $r
