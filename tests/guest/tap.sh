# TAP helpers shared by the guest boot suites (30-boot-native, 32-boot-xen, 40/41-guest-mm).
# Sourced, not run.  Each helper prints exactly one TAP line.

# tap NAME CONDITION-STATUS [WHY]: "ok - NAME" if status is 0, else "not ok - NAME (WHY)".
tap() {
  if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1${3:+ ($3)}"; fi
}

# tap_grep NAME REGEX LOG: the log has a line matching REGEX.
tap_grep() {
  grep -qE "$2" "$3"; tap "$1" $? "no line matching '$2' in $3"
}

# tap_walk NAME LOG: the guest's pagetable audit checked N > 0 mappings with 0 mismatches.
tap_walk() {
  local line n m
  line=$(grep -m1 -E 'pagetable walk: [0-9]+ mappings checked' "$2")
  n=$(sed -E 's/.*walk: ([0-9]+) mappings checked, ([0-9]+) mismatches.*/\1/' <<<"$line")
  m=$(sed -E 's/.*walk: ([0-9]+) mappings checked, ([0-9]+) mismatches.*/\2/' <<<"$line")
  [ -n "$line" ] && [ "${n:-0}" -gt 0 ] && [ "${m:-1}" -eq 0 ]
  tap "$1 (${line:-no verdict line})" $? "want N > 0 checked, 0 mismatches"
}

# median of the numbers given
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
