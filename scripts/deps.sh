#!/usr/bin/env bash
# Install the Debian packages pvx needs.  As root: installs what is missing.  Otherwise: prints
# the apt-get line to run and fails, so nothing silently lacks a dependency.
set -eu
pkgs=(make gcc clang lld binutils gdb iproute2 qemu-system-x86 libcmocka-dev libxen-dev
      xen-hypervisor-4.17-amd64 xen-utils-common libclang-rt-14-dev gnuplot-nox python3 bc gzip
      xz-utils busybox-static linux-image-amd64)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "pvx needs these Debian packages: ${missing[*]}" >&2
  echo "run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
