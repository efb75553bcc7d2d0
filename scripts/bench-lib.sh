# Shared by scripts/bench.sh and scripts/profile.sh (sourced, not run): booting the probe
# guest on each platform under -icount, reading its "bench:" lines, and the symbol files
# the profiler needs.  Every function fails with one clear line on stderr.

BENCH_PLATFORMS="native pvx xen"
XEN_GZ=/boot/xen-4.17-amd64.gz
XEN_EFI=/boot/xen-4.17-amd64.efi
XEN_ELF=build/xen-4.17.elf

# bench_boot PLATFORM LOG GUEST_ARGS [QEMU_ARG...]: boot the guest natively, under the pvx
# host or under Xen 4.17, with -icount shift=0,sleep=off (the TSC then counts instructions)
# unless BENCH_ICOUNT is set empty.  The serial output goes to LOG, QEMU's complaints to
# LOG.err.
bench_boot() {
  local platform=$1 log=$2 args=$3 q icount=${BENCH_ICOUNT--i}
  shift 3
  case $platform in
    native)
      scripts/qemu.sh $icount -t 300 -l "$log" -- "$@" -kernel build/guest.elf -append "$args" \
        > /dev/null 2> "$log.err" ;;
    pvx)
      scripts/qemu.sh $icount -t 300 -l "$log" -- "$@" -kernel build/host.elf \
        -append "dom0_mem=32M" -initrd "build/guest.elf $args" > /dev/null 2> "$log.err" ;;
    xen)
      local xq=()
      for q in "$@"; do xq+=(-q "$q"); done
      # shellcheck disable=SC2086
      scripts/xen.sh $icount -t 300 -l "$log" "${xq[@]}" $args > /dev/null 2> "$log.err" ;;
    *) echo "bench: unknown platform '$platform' (native, pvx or xen)" >&2; return 2 ;;
  esac
}

# bench_have PLATFORM: whether this machine can run PLATFORM (Xen needs Debian's hypervisor).
bench_have() {
  case $1 in
    xen) [ -r "$XEN_GZ" ] ;;
    *) [ -f build/guest.elf ] ;;
  esac
}

# bench_lines LOG: the probe results in LOG, one per line:
#   NAME PER_UNIT UNIT N MIN MAX SAME BATCHES TSC
bench_lines() {
  tr -d '\r' < "$1" | sed -E 's/^\(d[0-9]+\) //' |
    sed -nE 's/^bench: ([a-z0-9-]+) unit=([a-z]+) n=([0-9]+) batches=([0-9]+) min=([0-9]+) max=([0-9]+) same=([0-9]+) per_unit=([0-9.]+) tsc=([a-z]+)$/\1 \8 \2 \3 \5 \6 \7 \4 \9/p'
}

# bench_workloads LOG: the workloads' results in LOG (guest/user/bench.c's two lines each),
# one per workload, as totals over its operations:
#   NAME OPS TSC/OP HYPERCALLS FLUSHES KERNEL_ENTRIES
bench_workloads() {
  tr -d '\r' < "$1" | sed -E 's/^\(d[0-9]+\) //' | awk '
    $1 == "bench:" && $3 ~ /^ops=/ {
      for (i = 3; i <= NF; i++) { split($i, kv, "="); v[$2, kv[1]] = kv[2] }
      order[++n] = $2 }
    $1 == "bench:" && $3 == "more:" {
      for (i = 4; i <= NF; i++) { split($i, kv, "="); v[$2, kv[1]] = kv[2] } }
    END { for (k = 1; k <= n; k++) { w = order[k]
            print w, v[w, "ops"], v[w, "tsc/op"], v[w, "hypercalls"], v[w, "flushes"],
                  v[w, "kentries"] } }'
}

# bench_check LOG: every probe line says the TSC counted instructions (most batches equal);
# prints the offending lines and fails otherwise.
bench_check() {
  local bad
  bad=$(bench_lines "$1" | awk '$9 != "exact" || 2 * $7 < $8')
  [ -z "$bad" ] && return 0
  echo "bench: the TSC did not count instructions (is -icount shift=0,sleep=off missing?):" >&2
  echo "$bad" | sed 's/^/  /' >&2
  return 1
}

# xen_elf: unpack Debian's Xen image once (as scripts/xen.sh does).
xen_elf() {
  [ -s "$XEN_ELF" ] && return 0
  [ -r "$XEN_GZ" ] || { echo "bench: $XEN_GZ missing (make deps)" >&2; return 2; }
  mkdir -p build && gunzip -c "$XEN_GZ" > "$XEN_ELF.tmp" && mv "$XEN_ELF.tmp" "$XEN_ELF"
}

# xen_symbols OUT: Xen 4.17's text symbols in `nm -n` form.  The multiboot image Debian
# boots (xen-4.17-amd64.gz) is stripped; the EFI build of the same hypervisor
# (xen-4.17-amd64.efi) keeps a COFF symbol table, and its .text is the same code at the same
# addresses.  That is checked, not assumed: the two .text images must agree byte for byte
# except in isolated runs of at most 4 bytes (the rel32 displacements to data, which the two
# links place differently), else the symbols are refused.  Xen's per-CPU SYSCALL entry stubs
# are written at boot into a page just below XEN_VIRT_END (0xffff82d080000000); that page
# (CPU 0's) gets the name xen_syscall_stubs_cpu0.
xen_symbols() {
  local out=$1 tmp=$1.tmp
  xen_elf || return 2
  [ -r "$XEN_EFI" ] || { echo "bench: $XEN_EFI missing: no symbols for Xen" >&2; return 2; }
  local efi_off efi_vma size elf_off elf_paddr
  read -r size efi_vma efi_off < <(objdump -h "$XEN_EFI" | awk '$2 == ".text" {print $3, $4, $6}')
  read -r elf_off elf_paddr < <(readelf -lW "$XEN_ELF" | awk '$1 == "LOAD" {print $2, $4; exit}')
  [ -n "$size" ] && [ -n "$elf_off" ] ||
    { echo "bench: cannot find .text in $XEN_EFI or the load segment of $XEN_ELF" >&2; return 2; }
  local skip=$(( 0x$efi_vma - 0xffff82d040000000 - elf_paddr + elf_off ))
  dd if="$XEN_EFI" of="$tmp.efi" bs=4096 iflag=skip_bytes,count_bytes \
     skip=$((0x$efi_off)) count=$((0x$size)) status=none
  dd if="$XEN_ELF" of="$tmp.elf" bs=4096 iflag=skip_bytes,count_bytes \
     skip=$skip count=$((0x$size)) status=none
  local verdict
  verdict=$(cmp -l "$tmp.efi" "$tmp.elf" | awk -v n=$((0x$size)) '
    { if ($1 == last + 1) run++; else run = 1; if (run > maxrun) maxrun = run; last = $1; d++ }
    END { printf "%d %d %s", d, maxrun, (d * 20 <= n && maxrun <= 4) ? "ok" : "bad" }')
  rm -f "$tmp.efi" "$tmp.elf"
  case $verdict in
    *ok) ;;
    *) echo "bench: $XEN_EFI's .text does not match $XEN_ELF (differing bytes, longest run: ${verdict% *}): its symbols would lie" >&2
       return 1 ;;
  esac
  { nm -n "$XEN_EFI"; echo "ffff82d07fffe000 t xen_syscall_stubs_cpu0"; } > "$out"
}
