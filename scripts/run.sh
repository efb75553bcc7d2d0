#!/usr/bin/env bash
# `make run`, the main job: boot the pvops guest under the traced pvx host with batching off
# and on, run the workloads with the guest's and the host's traces on, print the two side
# by side, and write the report (docs/trace.md):
#
#   build/report/index.html      the tables and the plots in one self-contained page
#   build/report/compare.*       the side-by-side table: text, CSV, JSON
#   build/report/summary-RUN.*   each run per workload operation: text, CSV, JSON
#   build/report/*.png, *.svg    the plots (gnuplot; their data and scripts beside them)
#   build/report/raw/            the captures, serial logs, host traces for xenalyze,
#                                Trace Event Format files (Perfetto, chrome://tracing)
#   build/report/commands.txt    every command line that produced them
#
# Options (environment, or make variables: make run WORKLOADS=fork-exit ITERS=5):
#   WORKLOADS="fork-exit ctxsw ..."  default all: fork-exit fork-exec ctxsw
#                                    mmap-touch-munmap pagefault mprotect build
#   ITERS=N             operations per workload (default: each workload's own)
#   PLATFORMS="pvx xen native"       default pvx; xen and native add their runs
#   ACCEL=tcg|kvm       default tcg; under tcg the TSC counts instructions (-icount) unless
#   ICOUNT=off          says otherwise; kvm runs without -icount
#   HOST_ARGS=...       the pvx host's command line (default dom0_mem=32M)
#   REPORT=DIR          default build/report
#   GUEST=linux         instead: Debian's kernel under pvx with a shell, as `make boot`
set -u
cd "$(dirname "$0")/.."
# GUEST=linux: Debian's kernel as dom0 with a shell, not the workloads (scripts/boot.sh).
[ "${GUEST:-pvx}" = linux ] && exec scripts/boot.sh
workloads=${WORKLOADS:-all}
iters=${ITERS:-}
platforms=${PLATFORMS:-pvx}
accel=${ACCEL:-tcg}
icount=${ICOUNT:-on}
host_args=${HOST_ARGS:-dom0_mem=32M}
report=${REPORT:-build/report}
tool=build/tools/pvxtrace

die() { echo "run: $*" >&2; exit 1; }

for f in build/host-trace.elf build/guest.elf "$tool"; do
  [ -f "$f" ] || die "$f is missing (run make)"
done
case $accel in
  tcg) ;;
  kvm) [ -w /dev/kvm ] || die "ACCEL=kvm but /dev/kvm is not usable here; use ACCEL=tcg"
       icount=off ;;
  *) die "ACCEL must be tcg or kvm, not '$accel'" ;;
esac
[ -z "$iters" ] || [[ $iters =~ ^[1-9][0-9]*$ ]] || die "ITERS wants a positive number, not '$iters'"
for p in $platforms; do
  case $p in
    pvx|native) ;;
    xen) [ -r /boot/xen-4.17-amd64.gz ] || die "PLATFORMS has xen but Xen 4.17 is not installed (make deps)" ;;
    *) die "unknown platform '$p' in PLATFORMS (pvx, xen, native)" ;;
  esac
done
known="fork-exit fork-exec ctxsw mmap-touch-munmap pagefault mprotect build all"
for w in $workloads; do
  [[ " $known " == *" $w "* ]] || die "unknown workload '$w' (one of: $known)"
done

bench="bench=$(echo "$workloads" | tr ' ' '+')${iters:++iters=$iters}"
guest_args="$bench preempt=off"
icount_flag=
[ "$icount" = on ] || icount_flag=-I
raw=$report/raw
rm -rf "$report"
mkdir -p "$raw"
cmds=$report/commands.txt
{
  echo "# make run, $(date -u '+%Y-%m-%d %H:%M UTC'), pvx $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "# WORKLOADS=\"$workloads\" ITERS=${iters:-default} PLATFORMS=\"$platforms\" ACCEL=$accel ICOUNT=$icount"
} > "$cmds"

echo "run: $(echo "$platforms" | wc -w) platform(s), workloads: $workloads${iters:+, $iters operations each}"
echo "run: accelerator $accel, TSC $([ "$icount" = on ] && echo "counts instructions (-icount shift=0,sleep=off)" || echo "is the host's (no -icount)")"

# One boot: the serial output becomes a progress line per workload.
boot() {
  local label=$1 platform=$2 args=$3 start end rc
  start=$(date +%s.%N)
  echo "run: [$label] booting ($platform, $args)"
  scripts/trace-run.sh -p "$platform" -o "$raw/$label.cap" -l "$raw/$label.log" -c "$cmds" \
    -a "$accel" $icount_flag -H "$host_args" -- $args |
    tr -d '\r' | sed -u -E 's/^\(d0\) //' |
    while IFS= read -r line; do
      case $line in
        "bench: "*" ops="*)
          set -- $line
          local name=$2 fields=" ${line#* } "
          local hc=${fields##* hypercalls/op=}; hc=${hc%% *}
          local tsc=${fields##* tsc/op=}; tsc=${tsc%% *}
          printf 'run: [%s] %-22s %9s hypercalls/op %12s TSC/op\n' "$label" "$name" "$hc" "$tsc" ;;
        "trace: "*" lost"*) echo "run: [$label] guest ${line#trace: }" ;;
        "pvx: trace: "*) echo "run: [$label] host ${line#pvx: trace: }" ;;
      esac
    done
  rc=${PIPESTATUS[0]}
  end=$(date +%s.%N)
  [ "$rc" -eq 0 ] || die "[$label] failed (status $rc): see $raw/$label.log"
  printf 'run: [%s] done in %.1f s\n' "$label" "$(echo "$end - $start" | bc)"
}

labels=()
for p in $platforms; do
  if [ "$p" = native ]; then
    boot native native "$guest_args"
    labels+=(native)
  else
    for b in off on; do
      boot "$p-$b" "$p" "$guest_args pvx.batch=$b"
      labels+=("$p-$b")
    done
  fi
done

# Every run on its own, then all of them side by side.
caps=()
for l in "${labels[@]}"; do
  caps+=("$raw/$l.cap")
  for f in text csv json; do
    ext=$f; [ "$f" = text ] && ext=txt
    "$tool" summary "$raw/$l.cap" -l "$l" -f "$f" -o "$report/summary-$l.$ext" ||
      die "pvxtrace summary of $l failed"
  done
  "$tool" dump "$raw/$l.cap" -f tef -o "$raw/$l.trace.json" || die "pvxtrace dump of $l failed"
  echo "$tool summary $raw/$l.cap -l $l" >> "$cmds"
  if [[ $l == pvx-* ]]; then
    "$tool" xentrace "$raw/$l.cap" -o "$raw/$l.xentrace" || die "pvxtrace xentrace of $l failed"
    if command -v xenalyze > /dev/null; then
      xenalyze --summary "$raw/$l.xentrace" > "$raw/$l.xenalyze.txt" 2>&1
      echo "xenalyze --summary $raw/$l.xentrace" >> "$cmds"
    fi
  fi
done
names=$(IFS=,; echo "${labels[*]}")
for f in text csv json; do
  ext=$f; [ "$f" = text ] && ext=txt
  "$tool" compare "${caps[@]}" -l "$names" -f "$f" -o "$report/compare.$ext" ||
    die "pvxtrace compare failed"
done
echo "$tool compare ${caps[*]} -l $names" >> "$cmds"
"$tool" plot "${caps[@]}" -l "$names" -d "$report" || die "pvxtrace plot failed"
echo "$tool plot ${caps[*]} -l $names -d $report" >> "$cmds"
python3 scripts/report-html.py "$report" "${labels[@]}" > "$report/index.html" ||
  die "the HTML report could not be written"

echo
cat "$report/compare.txt"
echo
echo "run: report in $report/: index.html (tables and plots), compare.{txt,csv,json},"
echo "run: summary-*.{txt,csv,json}, plots *.png *.svg, raw/ (captures, logs, xentrace and"
echo "run: Trace Event Format files for Perfetto), commands.txt"
