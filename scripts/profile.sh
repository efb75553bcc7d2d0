#!/usr/bin/env bash
# Per-symbol instruction profile of the in-guest probes, under pvx and under Xen 4.17 in the
# same run, printed side by side (`make profile`).
#
#   scripts/profile.sh [-n ITERS] [-m MIN] [-p PLATFORM]... [PROBE...]
#
# PROBE is a probe of tests/guest/bench_*.c without its "bench-" prefix (default: null uvm
# uvm-multi mmu-64).  -p picks the platforms (native, pvx, xen; default pvx and xen), -n
# the iterations of the profiled loop (default 64), -m the smallest call-tree node shown,
# in instructions per iteration (default 0.5).  Each platform boots once under -icount with
# the profiler plugin (build/tools/profile/libprofile.so), which counts every instruction
# the virtual CPU executes between the probe's window markers, the hypervisor's included,
# and attributes it to a symbol of the guest, the pvx host or Xen.  Full reports:
# build/profile/<probe>.<platform>.txt (call tree with entries per iteration, and the flat
# profile with each symbol's callers).
set -u
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh

iters=64 min=0.5 platforms=() probes=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) iters=$2; shift 2 ;;
    -m) min=$2; shift 2 ;;
    -p) platforms+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "profile: unknown option '$1' (see scripts/profile.sh -h)" >&2; exit 2 ;;
    *) probes+=("$1"); shift ;;
  esac
done
[ ${#platforms[@]} -gt 0 ] || platforms=(pvx xen)
[ ${#probes[@]} -gt 0 ] || probes=(null uvm uvm-multi mmu-64)
[[ $iters =~ ^[1-9][0-9]*$ ]] || { echo "profile: -n wants a positive number, not '$iters'" >&2; exit 2; }

plugin=build/tools/profile/libprofile.so
for f in "$plugin" build/host.elf build/guest.elf; do
  [ -f "$f" ] || { echo "profile: $f is missing (run make)" >&2; exit 2; }
done
out=build/profile
mkdir -p "$out"
nm -n -S build/guest.elf > "$out/guest.syms"
nm -n -S build/host.elf > "$out/host.syms"

tests=$(printf 'bench-%s+' "${probes[@]}")
tests=${tests%+}
names=()
for p in "${platforms[@]}"; do
  case $p in
    native) syms="syms=guest:$out/guest.syms"; names+=(native) ;;
    pvx) syms="syms=host:$out/host.syms,syms=guest:$out/guest.syms"; names+=(pvx) ;;
    xen)
      if ! bench_have xen; then
        echo "profile: Xen 4.17 is not installed ($XEN_GZ): no Xen column (make deps)" >&2
        continue
      fi
      xen_symbols "$out/xen.syms" || exit 1
      syms="syms=xen:$out/xen.syms,syms=guest:$out/guest.syms"; names+=(xen) ;;
    *) echo "profile: unknown platform '$p' (native, pvx or xen)" >&2; exit 2 ;;
  esac
  [ "${names[-1]}" = "$p" ] || continue
  echo "profile: $p: test=$tests iters=$iters batches=1" >&2
  rm -f "$out"/*."$p".txt "$out/$p.prof"
  bench_boot "$p" "$out/$p.log" "test=$tests iters=$iters batches=1" \
    -plugin "$plugin,$syms,out=$out/$p.prof,min=$min"
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "profile: $p run failed (status $rc; see $out/$p.log, $out/$p.log.err):" >&2
    cat "$out/$p.log.err" >&2
    exit 1
  fi
  if grep -qE "xtf: bench-[a-z0-9-]+: (ERROR|FAILURE)" "$out/$p.log"; then
    echo "profile: $p: a probe did not run:" >&2
    grep -E "xtf: bench-[a-z0-9-]+: (ERROR|FAILURE)" "$out/$p.log" >&2
    exit 1
  fi
  # One window per probe that printed its line, in the same order.
  mapfile -t ran < <(bench_lines "$out/$p.log" | awk '{print $1}')
  nwin=$(grep -c '^profile: window [0-9]*:' "$out/$p.prof")
  if [ "$nwin" -ne ${#ran[@]} ]; then
    echo "profile: $p: $nwin profile windows but ${#ran[@]} probe results in $out/$p.log" >&2
    grep -E 'xtf: bench-' "$out/$p.log" >&2
    exit 1
  fi
  for i in "${!ran[@]}"; do
    awk -v w=$((i + 1)) '/^profile: window [0-9]+/ { on = ($3 + 0 == w) }
                         on { print } /^profile: end of window/ { on = 0 }' \
        "$out/$p.prof" > "$out/${ran[$i]}.$p.txt"
  done
done
[ ${#names[@]} -gt 0 ] || exit 1

label() { case $1 in native) echo native ;; pvx) echo pvx ;; xen) echo "Xen 4.17" ;; esac; }

# per_iter FILE: the window's instructions per iteration.
per_iter() { sed -nE 's/^profile: window [0-9]+: .* ([0-9.]+) per iteration$/\1/p' "$1"; }

# column FILE WIDTH: the flat profile's symbol lines, "self  [image] symbol", cut to WIDTH.
column() {
  awk '/^flat profile/ {on = 1; next} /^profile: end/ {on = 0}
       on && $1 ~ /^[0-9.]+$/ && $2 ~ /%$/ { line = sprintf("%9s  %s %s", $1, $3, $4); print substr(line, 1, w) }' \
      w="$2" "$1"
}

# tree FILE WIDTH: the call tree, "inclusive self  symbol" indented by depth, cut to WIDTH.
tree() {
  awk '/^call tree/ {on = 1; getline; next} /^flat profile/ {on = 0}
       on && /^  *[0-9]/ { line = sprintf("%9s %8s  %s", $1, $2, substr($0, 35)); print substr(line, 1, w) }
       on && /^  \(/ { print substr($0, 1, w) }' w="$2" "$1"
}

# side_by_side WIDTH FILE...: the files as columns of WIDTH characters.
side_by_side() {
  local w=$1; shift
  awk -v w="$w" -v n=$# '
    { rows[FILENAME, FNR] = $0; if (FNR > max) max = FNR; if (!(FILENAME in seen)) { seen[FILENAME] = ++k; f[k] = FILENAME } }
    END { for (r = 1; r <= max; r++) { line = ""
            for (i = 1; i <= n; i++) { c = rows[f[i], r]; line = line (i < n ? sprintf("%-" w "s | ", substr(c, 1, w)) : c) }
            print line } }' "$@"
}

for probe in "${probes[@]}"; do
  files=() have=()
  for p in "${names[@]}"; do
    [ -s "$out/$probe.$p.txt" ] && files+=("$out/$probe.$p.txt") && have+=("$p")
  done
  for p in "${names[@]}"; do
    [ -s "$out/$probe.$p.txt" ] ||
      echo "== bench-$probe on $p: no profile: $(grep -m1 -oE "xtf: bench-$probe: .*" "$out/$p.log")"
  done
  [ ${#files[@]} -gt 0 ] || continue
  echo
  # The window's own count: a probe that times one call per batch runs one iteration.
  n=$(sed -nE 's/^profile: window [0-9]+: [0-9]+ instructions, ([0-9]+) iterations.*/\1/p' "${files[0]}")
  n=${n:-$iters}
  echo "== bench-$probe: instructions per iteration of the probe loop ($n iteration$([ "$n" = 1 ] || echo s), -icount)"
  printf '  %-10s' ""; for p in "${have[@]}"; do printf ' %12s' "$(label "$p")"; done
  [ ${#have[@]} -eq 2 ] && printf ' %9s' "$(label "${have[0]}")/$(label "${have[1]}" | cut -d' ' -f1)"
  echo
  printf '  %-10s' total; t=()
  for f in "${files[@]}"; do t+=("$(per_iter "$f")"); printf ' %12s' "${t[-1]}"; done
  [ ${#t[@]} -eq 2 ] && printf ' %9.2f' "$(echo "${t[0]} / ${t[1]}" | bc -l)"
  echo
  cols=()
  for i in "${!files[@]}"; do
    column "${files[$i]}" 60 > "$out/.col$i"
    { printf '%9s  %s\n' self "$(label "${have[$i]}"): flat profile"; head -25 "$out/.col$i"; } > "$out/.colh$i"
    cols+=("$out/.colh$i")
  done
  side_by_side 60 "${cols[@]}"
  echo
  cols=()
  for i in "${!files[@]}"; do
    { printf '%9s %8s  %s\n' inclusive self "$(label "${have[$i]}"): call tree"; tree "${files[$i]}" 60; } > "$out/.colt$i"
    cols+=("$out/.colt$i")
  done
  side_by_side 60 "${cols[@]}"
  rm -f "$out"/.col*
  echo "  call trees and callers: ${files[*]}"
done
