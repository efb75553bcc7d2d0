#!/usr/bin/env bash
# Boot the pvx test guest as dom0 under Debian's Xen 4.17 in QEMU (TCG), the way the
# reference behaviour for pvx is measured.
#
#   scripts/xen.sh [-t SECONDS] [-l LOGFILE] [-a tcg|kvm] [-m DOM0_MEM] [-i] [-q QEMU_ARG]...
#                  [-k KERNEL] [-r INITRD] [-s FILE [-w REGEX]] [guest args...]
#
# -k boots another dom0 kernel than build/guest.elf (an ELF or a bzImage, e.g. Debian's
# /boot/vmlinuz-*); -r adds an initial ramdisk as the second module.
# -m sets dom0's memory (default 32M), as pvx's dom0_mem= does.  -i runs QEMU with
# `-icount shift=0,sleep=off` (scripts/qemu.sh -i: the TSC counts instructions); each -q adds
# one argument to QEMU's command line (e.g. -q -plugin -q build/tools/profile/libprofile.so,...).
# -s types FILE on the serial line, once the output matches REGEX if -w is given
# (scripts/qemu.sh -s/-w); Xen hands serial input to dom0 once it has booted.
#
# The guest leaves by writing QEMU's exit port after PHYSDEVOP_set_iopl (Xen emulates the
# write for dom0).  If that fails, Xen only halts ("Hardware Dom0 halted", thanks to
# `noreboot`) or reports a crash/panic and QEMU would run until the timeout: we watch the
# log for those lines and stop our own QEMU then.  Exit status as scripts/qemu.sh (0 = clean
# poweroff through the exit port); 3 when Xen halted or crashed and we had to stop QEMU.
set -u
cd "$(dirname "$0")/.."
timeout_s=120 log= accel=${ACCEL:-tcg} dom0_mem=32M icount= qemu_args=() input_args=()
kernel=build/guest.elf initrd=
while [ $# -gt 0 ]; do
  case "$1" in
    -t) timeout_s=$2; shift 2 ;;
    -m) dom0_mem=$2; shift 2 ;;
    -l) log=$2; shift 2 ;;
    -a) accel=$2; shift 2 ;;
    -i) icount=-i; shift ;;
    -q) qemu_args+=("$2"); shift 2 ;;
    -k) kernel=$2; shift 2 ;;
    -r) initrd=$2; shift 2 ;;
    -s|-w) input_args+=("$1" "$2"); shift 2 ;;
    --) shift; break ;;
    -*) echo "xen.sh: unknown option '$1'" >&2; exit 2 ;;
    *) break ;;
  esac
done
guest_args="$*"

xen_gz=/boot/xen-4.17-amd64.gz
xen_elf=build/xen-4.17.elf
if [ ! -s "$xen_elf" ]; then
  [ -r "$xen_gz" ] || { echo "xen.sh: $xen_gz missing (install xen-hypervisor-4.17-amd64: make deps)" >&2; exit 2; }
  mkdir -p build && gunzip -c "$xen_gz" > "$xen_elf.tmp" && mv "$xen_elf.tmp" "$xen_elf"
fi
for f in "$kernel" $initrd; do
  [ -s "$f" ] || { echo "xen.sh: $f missing (run make)" >&2; exit 2; }
done
# QEMU's multiboot loader separates modules with commas; a module's text after its file
# name is its command line.
modules="$kernel $guest_args${initrd:+,$initrd}"

xen_cmdline="console=com1 com1=115200 dom0_mem=$dom0_mem,max:$dom0_mem dom0_max_vcpus=1 noreboot loglvl=all guest_loglvl=all"
mkdir -p build/xen
[ -n "$log" ] || log=build/xen/last.log
: > "$log"

start=$(date +%s.%N)
# Own process group, so the watcher can stop exactly this QEMU and nothing else.
setsid scripts/qemu.sh -t "$timeout_s" -a "$accel" $icount "${input_args[@]}" -- "${qemu_args[@]}" \
  -kernel "$xen_elf" -append "$xen_cmdline" -initrd "$modules" \
  > "$log" 2> "$log.status" &
qpid=$!

stopped_by=
while kill -0 "$qpid" 2>/dev/null; do
  if grep -qE 'Hardware Dom0 (halted|crashed|shutdown)|Panic on CPU|Domain 0 crashed' "$log"; then
    sleep 1                             # let the last lines reach the log
    stopped_by=$(grep -m1 -oE 'Hardware Dom0 [a-z]+|Panic on CPU|Domain 0 crashed' "$log")
    kill -- -"$qpid" 2>/dev/null
    break
  fi
  sleep 0.2
done
wait "$qpid"
status=$?
end=$(date +%s.%N)
cat "$log"
printf 'xen.sh: QEMU ran %.2f s\n' "$(echo "$end - $start" | bc)"
if [ -n "$stopped_by" ]; then
  echo "xen.sh: Xen reported '$stopped_by' without the exit port being written; QEMU stopped" >&2
  exit 3
fi
cat "$log.status" >&2
exit $status
