#!/usr/bin/env bash
# Letter rendering benchmark (not a test): builds the test bundle in release and renders
# LETTERS letters (default 2000, 3 open items each, each with its own EPC QR code) with
# LetterRenderer.renderAll on WORKERS threads (default 2), after a first pass that renders the
# same letters in memory only. Prints letters/s, CPU ms per letter and the peak memory (max RSS)
# of the process. Figures go to docs/LETTERS.md with the machine and its load.
#   scripts/bench-letters.sh [LETTERS] [WORKERS]
#   SCRATCH=.build-letters   use another build folder      NO_BUILD=1   measure the last build again
#   RELANCE_BENCH_OUT=DIR    write the letters under DIR (default: the temporary folder)
set -euo pipefail
letters=${1:-2000}
workers=${2:-2}
scratch=${SCRATCH:-.build}
cd "$(dirname "$0")/.."
# Other test targets use @testable imports, which a release build allows only with -enable-testing.
if [ "${NO_BUILD:-}" != 1 ]; then
  log=$(mktemp)
  if ! swift build -c release --build-tests -Xswiftc -enable-testing --scratch-path "$scratch" >"$log" 2>&1; then
    grep -E 'error' "$log" | head -n 20 >&2
    rm -f "$log"
    echo "the release build failed; nothing measured" >&2
    exit 1
  fi
  rm -f "$log"
fi
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
bundle="$bin/RelancePackageTests.xctest"
[ -x "$bundle" ] || { echo "no test bundle at $bundle (did the build fail?)" >&2; exit 1; }
load=$(cut -d" " -f1-3 /proc/loadavg)
timing=$(mktemp)
out=$(mktemp)
trap 'rm -f "$timing" "$out"' EXIT
RELANCE_BENCH_LETTERS=$letters RELANCE_BENCH_WORKERS=$workers /usr/bin/time -f "%e %M" -o "$timing" \
  "$bundle" --testing-library swift-testing --filter LetterBenchmark >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
read -r wall kb < <(tail -n 1 "$timing")
line=$(grep -o 'BENCH .*' "$out")
[ -n "$line" ] || { cat "$out" >&2; echo "the benchmark did not run" >&2; exit 1; }
echo "Relance letters benchmark — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(date -u +%Y-%m-%d)"
echo "load average before the run: $load"
echo "$line"
echo "process: ${wall} s wall (building the letters and both passes), peak memory $((kb / 1024)) MB"
