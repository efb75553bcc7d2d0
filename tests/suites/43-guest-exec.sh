#!/usr/bin/env bash
# The execution-model tests (tests/guest/ex_*.c, `test=ex-*`) under real Xen 4.17 (the
# reference), under pvx and under the debug host; every pvx outcome compared with Xen's.
#
# Resilient: when the guest dies in a test (the platform crashed it, or QEMU ended), that
# test is a FAILURE with the platform's reason, and the group goes on in a fresh boot from
# the next test (`test=ex-*>NAME`), so one crash hides no other verdict.
#
# The tests whose right ending is the domain being crashed (ex-crash-*, explicit-only) boot
# alone on each platform: Xen must print its reason and "Domain 0 ... crashed", pvx its
# "pvx: d0 crashed: <reason>" and end QEMU with the crash status.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/43-guest-exec; mkdir -p "$out"

# Crash-expected tests and the line Xen 4.17 prints for each (measured).
CRASH_TESTS=(
  "ex-crash-kstack-unmapped|domain_crash_sync called from entry.S"
  "ex-crash-kernel-stack|domain_crash_sync called from entry.S"
  "ex-crash-no-handler|Unhandled: vec 6, #UD"
  "ex-crash-iret-no-user-l4|Guest switching to user mode with no user page tables"
  "ex-crash-iret-unreadable|Fault while reading IRET context from guest stack"
)

group_platforms

# --- The in-guest verdicts, platform by platform; then the audit and pvx against Xen ---
for p in "${platforms[@]}"; do
  s=$(date +%s)
  run_group "$p" "$(group_boot_fn "$p")" "ex-*" "$out"
  echo "# $p: $(cat "$out/$p.boots") boot(s), $(( $(date +%s) - s ))s"
  group_verdicts "$p" "$out"
done
group_audit_and_compare "$out"

# --- Tests whose right ending is a crashed domain, one boot each ---
for entry in "${CRASH_TESTS[@]}"; do
  name=${entry%%|*} xen_says=${entry#*|}
  if [ $have_xen -eq 1 ]; then
    log=$out/xen.$name.log
    boot_xen "$log" "test=$name"; rc=$?
    grep -q 'Domain 0 (vcpu#0) crashed' "$log" && grep -qF -- "$xen_says" "$log"
    ok=$?                         # (a command substitution below would reset $?)
    tap "xen: $name: domain crashed ($(grep -m1 -oF -- "$xen_says" "$log"))" $ok \
      "status $rc, $(grep -m1 -E "xtf: $name: [A-Z]+" "$log" || crash_reason xen "$log")"
  fi
  for p in pvx pvx-debug; do
    log=$out/$p.$name.log
    if [ $p = pvx ]; then boot_pvx "$log" "test=$name"; else boot_pvx_debug "$log" "test=$name"; fi
    grep -q 'the guest crashed (status 39)' "$log.err" && grep -q 'pvx: d0 crashed: ' "$log"
    ok=$?
    tap "$p: $name: domain crashed ($(crash_reason "$p" "$log"))" $ok \
      "$(grep -m1 -E "xtf: $name: [A-Z]+" "$log" | tr -d '\r' || true) $(cat "$log.err")"
    if [ $p = pvx-debug ]; then
      ! grep -q "audit failed" "$log"
      tap "pvx-debug: $name: no paging invariant violated" $? "$(grep -m1 'audit failed' "$log")"
    fi
  done
done
