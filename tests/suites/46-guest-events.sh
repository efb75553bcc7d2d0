#!/usr/bin/env bash
# Events, time and preemption (tests/guest/ev_*.c, `test=ev-*`) under real Xen 4.17 (the
# reference), under pvx and under the debug host; every pvx outcome compared with Xen's.
#
# The group runs as suite 43 runs its own (tests/guest/tap.sh run_group): a test the
# platform dies in is a FAILURE with the platform's reason and the group resumes after it.
# Three explicit-only tests boot alone on each platform: ev-timer-periodic-boot and
# ev-register-vcpu-info need the vCPU as it started, ev-console-input needs bytes typed on
# the serial line, which this suite types once the test says it is ready.
set -u
cd "$(dirname "$0")/../.."
. tests/guest/tap.sh
out=build/tests/46-guest-events; mkdir -p "$out"

ALONE=(ev-timer-periodic-boot ev-register-vcpu-info ev-console-input)
CONSOLE_INPUT=pvx-console-input-1234       # what ev-console-input expects (ev_console.c)
CONSOLE_READY='ev-console-input: note: ready for console input'
printf '%s' "$CONSOLE_INPUT" > "$out/console-input"
# One boot of the group takes seconds under Xen; a platform that hangs in a test is
# stopped well before the default timeouts.
export BOOT_TIMEOUT=60

group_platforms
for p in "${platforms[@]}"; do
  boot=$(group_boot_fn "$p")
  s=$(date +%s)
  run_group "$p" "$boot" "ev-*" "$out"
  for name in "${ALONE[@]}"; do
    if [ "$name" = ev-console-input ]; then
      run_alone "$p" "$boot" "$name" "$out" -s "$out/console-input" -w "$CONSOLE_READY"
    else
      run_alone "$p" "$boot" "$name" "$out"
    fi
  done
  echo "# $p: $(cat "$out/$p.boots") boot(s) for the group, ${#ALONE[@]} alone, $(( $(date +%s) - s ))s"
  group_verdicts "$p" "$out"
done
group_audit_and_compare "$out"
