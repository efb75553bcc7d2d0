#!/usr/bin/env bash
# The mm unit tests (tests/unit/, cmocka, ASan + UBSan): each test case is one TAP line.
set -u
cd "$(dirname "$0")/../.."
bin=build/tests/unit/mm-unit
if [ ! -x "$bin" ]; then
  echo "not ok - unit: $bin is not built (run make $bin)"
  exit 1
fi
CMOCKA_MESSAGE_OUTPUT=TAP "$bin"
