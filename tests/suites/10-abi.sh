#!/usr/bin/env bash
# ABI conformance: include/public/ against Debian's Xen headers.  Prints TAP lines:
#  - every constant, sizeof and offsetof in tests/abi/checks.def, pvx value vs Xen's
#    (build/tests/abi/abi-test, built by `make test`);
#  - every constant and struct defined in include/public/ is listed in checks.def
#    (or, for the few that are not numbers, in tests/abi/pvx-only.txt);
#  - every header compiles on its own, freestanding, with gcc and clang, and under
#    __ASSEMBLY__; and includes nothing but <stdint.h> and its sibling headers.
set -u
cd "$(dirname "$0")/../.."

bin=build/tests/abi/abi-test
if [ -x "$bin" ]; then
  "$bin"
else
  echo "not ok - ABI table comparison: $bin is missing (run make test, needs libxen-dev)"
fi

# Coverage: names defined in a header but absent from checks.def (headers pvx-only.txt
# names as a whole are pvx's own formats, with nothing of Xen's to compare).
for h in include/public/*.h; do
  grep -q "^$(basename "$h")[[:space:]]" tests/abi/pvx-only.txt && continue
  missing=""
  for m in $(sed -n 's/^#define[[:space:]]\+\([A-Za-z_][A-Za-z0-9_]*\)\([[:space:]].*\)\{0,1\}$/\1/p' "$h"); do
    case "$m" in PVX_PUBLIC_*) continue ;; esac
    grep -q "^CONST($m)\$" tests/abi/checks.def && continue
    grep -q "^$m[[:space:]]" tests/abi/pvx-only.txt && continue
    missing="$missing $m"
  done
  for s in $(sed -n 's/^struct[[:space:]]\+\([A-Za-z_0-9]*\)[[:space:]]*{.*/\1/p' "$h"); do
    grep -q "^SIZE(struct $s)\$" tests/abi/checks.def || missing="$missing struct:$s"
  done
  if [ -z "$missing" ]; then
    echo "ok - $(basename "$h"): every constant and struct is in checks.def"
  else
    echo "not ok - $(basename "$h"): not in checks.def:$missing"
  fi
done

# Each header alone, freestanding: only the compiler's own headers are reachable.
for cc in gcc clang; do
  if ! command -v "$cc" >/dev/null 2>&1; then
    echo "ok - headers compile standalone with $cc # SKIP $cc not installed"
    continue
  fi
  sysinc=$("$cc" -print-file-name=include)
  for h in include/public/*.h; do
    name=$(basename "$h")
    if out=$(echo "#include <public/$name>" | "$cc" -x c -std=gnu11 -Wall -Wextra -Werror \
             -ffreestanding -nostdinc -isystem "$sysinc" -Iinclude -fsyntax-only - 2>&1); then
      echo "ok - $name compiles standalone with $cc"
    else
      echo "not ok - $name compiles standalone with $cc"; echo "$out"
    fi
  done
done
for h in include/public/*.h; do
  name=$(basename "$h")
  if out=$(echo "#include <public/$name>" | cc -x assembler-with-cpp -D__ASSEMBLY__ \
           -nostdinc -Iinclude -E -o /dev/null - 2>&1); then
    echo "ok - $name preprocesses under __ASSEMBLY__"
  else
    echo "not ok - $name preprocesses under __ASSEMBLY__"; echo "$out"
  fi
done

bad=$(grep -h '^[[:space:]]*#[[:space:]]*include' include/public/*.h \
      | grep -v -E '#[[:space:]]*include[[:space:]]+(<stdint\.h>|"[a-z0-9_-]+\.h")' || true)
if [ -z "$bad" ]; then
  echo "ok - include/public includes nothing but <stdint.h> and its own headers"
else
  echo "not ok - include/public includes nothing but <stdint.h> and its own headers"; echo "$bad"
fi
