#!/usr/bin/env bash
# `make boot`: boot the pvx host with the pvops guest in QEMU and show the boot (the main
# job, `make run`, is scripts/run.sh; `make run GUEST=linux` comes here).
#
#   ACCEL=tcg|kvm   accelerator (default tcg; kvm only where /dev/kvm works)
#   GUEST_ARGS=...  the guest's command line
#   HOST_ARGS=...   the host's command line (e.g. dom0_mem=64M)
#   GUEST=linux     boot Debian's kernel (the newest /boot/vmlinuz-*, or $PVX_VMLINUZ) with
#                   the project's busybox initramfs instead of the pvx guest: /init runs its
#                   processes, then gives an interactive shell on the serial line (exit it
#                   to power off).  GUEST_ARGS replaces Linux's command line.
set -u
cd "$(dirname "$0")/.."
accel=${ACCEL:-tcg}
if [ "${GUEST:-pvx}" = linux ]; then
  vmlinuz=${PVX_VMLINUZ:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)}
  [ -n "$vmlinuz" ] && [ -r "$vmlinuz" ] ||
    { echo "boot: no /boot/vmlinuz-* (install linux-image-amd64: make deps)" >&2; exit 1; }
  [ -s build/linux/initramfs.cpio ] ||
    { echo "boot: build/linux/initramfs.cpio is missing (install busybox-static: make deps)" >&2; exit 1; }
  echo "boot: Debian's kernel $vmlinuz as dom0 under pvx; the shell is on this terminal"
  mkdir -p build/boot
  QEMU_MEM=${QEMU_MEM:-512M} exec scripts/qemu.sh -I -a "$accel" -t "${TIMEOUT:-3600}" \
    -l build/boot/serial.log -- -kernel build/host.elf -append "${HOST_ARGS:-dom0_mem=256M}" \
    -initrd "$vmlinuz ${GUEST_ARGS:-console=hvc0 earlyprintk=xen shell=1},build/linux/initramfs.cpio"
elif [ "${GUEST:-pvx}" != pvx ]; then
  echo "boot: GUEST must be pvx or linux, not '$GUEST'" >&2; exit 1
fi
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
