#!/usr/bin/env bash
# Every libFuzzer target (tests/fuzz/build.mk) for a fixed number of executions from a fixed
# seed, so two runs of `make test` do the same work: mm-fuzz (random guest hypercall
# sequences against two simulated domains, the paging audit after every action), elf-fuzz
# (any bytes as a kernel image through the ELF reader), elfnote-fuzz (a kernel image and a
# domain size through the ELF reader, the Xen notes and the dom0 layout, every accepted
# layout checked), insn-fuzz (any bytes as guest code through the instruction decoder) and
# pvxtrace-fuzz (any bytes as a trace file).  No time limit cuts a run short; the counts are
# chosen for about a minute and a half in all on a 2-core machine.  `make fuzz` runs longer.
# One TAP line per target.
set -u
cd "$(dirname "$0")/../.."
. tests/fuzz/run.sh

# Executions per target: mm about 50 s, elfnote about 15 s, elf, insn (small modules) and
# pvxtrace about 5 s each.
runs_for() {
  case $1 in
    mm) echo 100000 ;;
    elf) echo 2000000 ;;
    elfnote) echo 500000 ;;
    insn) echo 2000000 ;;
    pvxtrace) echo 50000 ;;
    *) return 1 ;;
  esac
}

targets=$(sed -nE 's/^\$\(eval \$\(call fuzz_target,([a-z0-9]+),.*/\1/p' tests/fuzz/build.mk)
if [ -z "$targets" ]; then
  echo "not ok - fuzz: no fuzz_target line in tests/fuzz/build.mk"
  exit 1
fi
if ! command -v clang >/dev/null 2>&1; then
  echo "ok - fuzz # SKIP clang (with libFuzzer) is not installed"
  exit 0
fi

rc=0
for t in $targets; do
  if ! runs=$(runs_for "$t"); then
    echo "not ok - fuzz $t: no execution count for it in $0"; rc=1; continue
  fi
  fuzz_run "$t" "$runs" || rc=1
done
exit $rc
