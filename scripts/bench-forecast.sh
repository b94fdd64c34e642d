#!/usr/bin/env bash
# Times `relance forecast run` on the benchmark ledger: 200k debtors, 5M paid and 1M open invoices
# at scale 1 (figures in docs/FORECAST.md, "Performance"). Not a test.
#
#   scripts/bench-forecast.sh [SCALE]
#
# Needs bench-data/workspace-SCALE loaded the way scripts/bench.sh loads it (debtors, open and
# historical invoices, payments --booked: about 5 minutes at scale 1; `make bench` does it). That
# workspace is copied to bench-data/workspace-SCALE-forecast and never modified. Runs the forecast
# twice for the same day: a first run, then a rerun that replaces it. Extra build flags (e.g.
# `--scratch-path .build-forecast`) come from SWIFT_BUILD_FLAGS.
set -euo pipefail
scale=${1:-1}
cd "$(dirname "$0")/.."
flags=${SWIFT_BUILD_FLAGS:-}
# shellcheck disable=SC2086
swift build -c release $flags --product relance >/dev/null
# shellcheck disable=SC2086
bin=$(swift build -c release $flags --show-bin-path)
src=bench-data/workspace-$scale
work=bench-data/workspace-$scale-forecast
as_of=2026-11-21
if [ ! -f "$src/relance.sqlite" ]; then
  echo "no loaded workspace at $src: run \`make bench BENCH_SCALE=$scale\` first" >&2
  exit 1
fi
rm -rf "$work"
cp -r "$src" "$work"
"$bin/relance" db migrate --workspace "$work" >/dev/null   # so the timings are the forecast's own
tfile=$(mktemp)
summary=$(mktemp)
trap 'rm -f "$tfile" "$summary"' EXIT

echo "Relance forecast benchmark — scale $scale — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(date -u +%Y-%m-%d)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Wall seconds, CPU seconds (user + system, both cores: a machine shared with other work shows in
# the gap between the two), peak resident memory.
printf '%-28s %8s %8s %8s\n' "command" "seconds" "CPU s" "peak MB"
measure() {  # measure NAME OUTPUT-FILE COMMAND...
  local name=$1 output=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$tfile" "$@" > "$output"
  read -r secs user sys kb < "$tfile"
  awk -v n="$name" -v s="$secs" -v c="$(awk -v u="$user" -v y="$sys" 'BEGIN { print u + y }')" -v k="$kb" \
    'BEGIN { printf "%-28s %8.2f %8.2f %8.0f\n", n, s, c, k / 1024 }'
}
measure "forecast run (first)" "$summary" "$bin/relance" forecast run --as-of "$as_of" --workspace "$work"
measure "forecast run (rerun)" /dev/null "$bin/relance" forecast run --as-of "$as_of" --workspace "$work"
measure "forecast show --format csv" /dev/null "$bin/relance" forecast show --format csv --workspace "$work"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
cat "$summary"
