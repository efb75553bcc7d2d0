#!/usr/bin/env bash
# `make boot`: boot the pvx host with the pvops guest in QEMU and show the boot (the main
# job, `make run`, is scripts/run.sh).
#
#   ACCEL=tcg|kvm   accelerator (default tcg; kvm only where /dev/kvm works)
#   GUEST_ARGS=...  the guest's command line
#   HOST_ARGS=...   the host's command line (e.g. dom0_mem=64M)
set -u
cd "$(dirname "$0")/.."
accel=${ACCEL:-tcg}
for f in build/host.elf build/guest.elf; do
  [ -f "$f" ] || { echo "boot: $f is missing (run 'make')" >&2; exit 1; }
done
if [ "$accel" = kvm ] && [ ! -w /dev/kvm ]; then
  echo "boot: ACCEL=kvm but /dev/kvm is not usable here; use ACCEL=tcg" >&2; exit 1
fi
case "$accel" in
  tcg) echo "boot: accelerator TCG (-accel tcg -cpu max,-smap)" ;;
  kvm) echo "boot: accelerator KVM (-accel kvm)" ;;
esac
mkdir -p build/boot
exec scripts/qemu.sh -a "$accel" -t "${TIMEOUT:-120}" -l build/boot/serial.log -- \
  -kernel build/host.elf -append "${HOST_ARGS:-dom0_mem=32M}" \
  -initrd "build/guest.elf ${GUEST_ARGS:-}"
