#!/usr/bin/env bash
# The pvx domain builder lays the same kernel out exactly as Xen 4.17's dom0 builder does:
# for each dom0 size, the "VIRTUAL MEMORY ARRANGEMENT" lines both print (kernel, p2m list,
# start_info, bootstrap pagetables, stack, region end, entry) must be identical.  Sizes are
# chosen so the p2m list, and with it the number of bootstrap pagetable frames and the
# 4 MiB-rounded region end, differ from one to the next (1536M needs an 8 MiB region).
# The guest's own pagetable walk must come out clean under both, and the hypercall pages
# the two hypervisors wrote must be byte for byte the same.  "32M+initrd" adds a second
# module of 10243 bytes: the initial ramdisk, which both map after the kernel ("Init.
# ramdisk" line, mod_start, mod_len, and the p2m and the rest moved up).
set -u
cd "$(dirname "$0")/../.."
out=build/tests/33-layout-vs-xen; mkdir -p "$out"
if [ ! -r /boot/xen-4.17-amd64.gz ]; then
  echo "ok - layout vs Xen # SKIP Xen 4.17 not installed (make deps)"
  exit 0
fi
fields='(Loaded kernel|Init. ramdisk|Phys-Mach map|Start info|Page tables|Boot stack|TOTAL|ENTRY ADDRESS):'
head -c 10243 /dev/urandom > "$out/initrd.bin"
for case in 4M 32M 1G 1536M 32M+initrd; do
  mem=${case%+*} want=7 initrd= mod=
  if [ "$case" != "$mem" ]; then want=8 initrd=$out/initrd.bin mod=,$initrd; fi
  export QEMU_MEM=2G
  scripts/qemu.sh -t 60 -l "$out/pvx-$case.log" -- -kernel build/host.elf \
    -append "dom0_mem=$mem" -initrd "build/guest.elf exit=poweroff$mod" > /dev/null 2>&1
  scripts/xen.sh -t 120 -m "$mem" ${initrd:+-r "$initrd"} -l "$out/xen-$case.log" exit=poweroff \
    > /dev/null 2>&1
  mem=$case
  # The virtual layout only: Xen's physical "Init. ramdisk" line gives machine addresses.
  sed -n '/VIRTUAL MEMORY ARRANGEMENT/,/ENTRY ADDRESS/p' "$out/pvx-$mem.log" |
    sed -nE "s/^pvx: +($fields.*)/\1/p" | tr -d '\r' | tr -s ' ' > "$out/pvx-$mem.txt"
  sed -n '/VIRTUAL MEMORY ARRANGEMENT/,/ENTRY ADDRESS/p' "$out/xen-$mem.log" |
    sed -nE "s/^\(XEN\) +($fields.*)/\1/p" | tr -d '\r' | tr -s ' ' > "$out/xen-$mem.txt"
  n=$(wc -l < "$out/xen-$mem.txt")
  if [ "$n" -eq "$want" ] && diff -u "$out/xen-$mem.txt" "$out/pvx-$mem.txt" > "$out/diff-$mem.txt"; then
    echo "ok - dom0_mem=$mem: pvx layout identical to Xen's ($(grep TOTAL "$out/pvx-$mem.txt"))"
  else
    echo "not ok - dom0_mem=$mem: layouts differ (Xen printed $n of $want lines)"
    cat "$out/diff-$mem.txt"
  fi
  # What the guest read from start_info, with the two fields that must differ masked: the
  # machine address of shared_info, and SIF_PM_MASK (bits 8-15, Xen's processor
  # power-management bits, which pvx does not offer).
  for hv in pvx xen; do
    sed -nE 's/^(\(d0\) )?(start_info: .*)/\2/p' "$out/$hv-$mem.log" | tr -d '\r' |
      sed -E 's/shared_info 0x[0-9a-f]+/shared_info X/' |
      while IFS= read -r line; do
        if [[ $line =~ flags\ (0x[0-9a-f]+) ]]; then
          line=${line/flags ${BASH_REMATCH[1]}/flags $(printf '0x%x' $((BASH_REMATCH[1] & 0xff)))}
        fi
        echo "$line"
      done > "$out/$hv-$mem.si"
  done
  if [ -s "$out/xen-$mem.si" ] && diff -u "$out/xen-$mem.si" "$out/pvx-$mem.si" > "$out/si-diff-$mem.txt"; then
    echo "ok - dom0_mem=$mem: start_info as the guest reads it identical to Xen's ($(wc -l < "$out/pvx-$mem.si") lines)"
  else
    echo "not ok - dom0_mem=$mem: start_info differs from Xen's"; cat "$out/si-diff-$mem.txt"
  fi
  # The hypercall page as each hypervisor filled it, hashed by the guest.
  hp=$(sed -nE 's/.*hypercall page (fnv1a 0x[0-9a-f]+).*/\1/p' "$out/pvx-$mem.log" | head -1)
  hx=$(sed -nE 's/.*hypercall page (fnv1a 0x[0-9a-f]+).*/\1/p' "$out/xen-$mem.log" | head -1)
  [ -n "$hp" ] && [ "$hp" = "$hx" ]
  echo "$([ $? -eq 0 ] && echo ok || echo 'not ok') - dom0_mem=$mem: hypercall page byte-identical to Xen's (pvx ${hp:-none}, Xen ${hx:-none})"
  for hv in pvx xen; do
    walk=$(grep -m1 -E 'pagetable walk: [0-9]+ mappings checked, 0 mismatches' "$out/$hv-$mem.log")
    [ -n "$walk" ] && ! grep -q 'pagetable walk: 0 mappings' "$out/$hv-$mem.log"
    tap_ok=$?
    echo "$([ $tap_ok -eq 0 ] && echo ok || echo 'not ok') - dom0_mem=$mem: guest's walk against the p2m clean under $hv (${walk#*walk: })"
  done
done
