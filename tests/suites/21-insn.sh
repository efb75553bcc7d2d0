#!/usr/bin/env bash
# The instruction decoder (host/arch/x86/insn.c) against a second decoder nobody here wrote:
# random candidates whose decoded lengths must equal objdump's (tests/unit/insn_vs_objdump.py,
# one TAP line).  Its oracle of forms GNU as assembled runs in 20-unit (insn-unit), its
# fuzzer in 25-fuzz (insn-fuzz).
set -u
cd "$(dirname "$0")/../.."
unit=build/tests/unit/insn-unit
if [ ! -x "$unit" ]; then
  echo "not ok - insn vs objdump: $unit is not built (run make $unit)"
  exit 1
fi
python3 tests/unit/insn_vs_objdump.py "$unit" "${PVX_INSN_DIFF_COUNT:-50000}" 1
