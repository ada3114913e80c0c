#!/usr/bin/env bash
# nic_pps.sh — simulated packets per host second, 64-byte native TX (issue 3 item 9; each packet
# is sent and, looped back, received and verified by the same driver): runs
# tx64.lua.in through `vmksim run` with --timing=on and --timing=off and prints both rates and
# their ratio. Host time is the process's CPU time (user + system), so a busy machine does not
# skew it. Each mode runs a long and a short workload; the rate is (N_long - N_short) /
# (t_long - t_short), so boot, module load and process start cancel out. Numbers only, not a test.
#
# usage: bench/nic_pps/nic_pps.sh [VMKSIM_BINARY] [N_LONG]     (default build/vmksim, 200000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../../build/vmksim}"
n_long="${2:-200000}"
n_short=$((n_long / 10))
[ -x "$bin" ] || { echo "nic_pps: $bin is not an executable vmksim (build first)" >&2; exit 2; }
[ "$n_short" -ge 1 ] || { echo "nic_pps: N_LONG must be at least 10" >&2; exit 2; }
tmp="$(mktemp -d /tmp/vmksim_nic_pps.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

# host CPU nanoseconds (user + system) one `vmksim run` of N frames takes in timing mode M
run_ns() {
  local n="$1" mode="$2"
  sed "s/@COUNT@/$n/g" "$here/tx64.lua.in" >"$tmp/tx64_$n.lua"
  local TIMEFORMAT='%3U %3S' t
  t=$( { time "$bin" run "$tmp/tx64_$n.lua" --timing="$mode" --out "$tmp/out_${mode}_$n" \
           >/dev/null 2>"$tmp/err"; } 2>&1 ) || { cat "$tmp/err" >&2; exit 1; }
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d\n", (a[1] + a[2]) * 1e9 }'
}

declare -A pps
for mode in on off; do
  s=$(run_ns "$n_short" "$mode")
  l=$(run_ns "$n_long" "$mode")
  d=$((l - s))
  [ "$d" -gt 0 ] || { echo "nic_pps: no measurable difference for timing=$mode" >&2; exit 1; }
  pps[$mode]=$(( (n_long - n_short) * 1000000000 / d ))
  printf 'timing=%-3s  %9d simulated packets per host CPU second  (%d packets in %d.%03d s)\n' \
    "$mode" "${pps[$mode]}" $((n_long - n_short)) $((d / 1000000000)) $((d / 1000000 % 1000))
done
awk -v on="${pps[on]}" -v off="${pps[off]}" \
  'BEGIN { printf "ratio off/on: %.2f (functional mode is %.2fx the speed of timed mode)\n", off / on, off / on }'
