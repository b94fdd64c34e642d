#!/usr/bin/env bash
# Times the finance reports, a backup and an export on a benchmark workspace (default the one
# `make bench` leaves, bench-data/workspace-1). Not a test: figures go to docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ws=${1:-bench-data/workspace-1}
as_of=${2:-2026-11-21}
swift build -c release --product relance >/dev/null 2>&1
bin=$(swift build -c release --show-bin-path)/relance
export RELANCE_WORKSPACE=$ws
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" db migrate >/dev/null
echo "Relance reports — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(du -h "$ws/relance.sqlite" | cut -f1) database, $(date -u +%Y-%m-%d)"
printf '%-34s %9s %9s %10s\n' "command" "seconds" "peak MB" "output"
run() {  # run NAME FILE ARGS...
  local name=$1 file=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$out/time" "$bin" "$@" >/dev/null 2>&1
  read -r secs kb < "$out/time"
  printf '%-34s %9s %9.0f %10s\n' "$name" "$secs" "$((kb / 1024))" "$(du -h "$file" 2>/dev/null | cut -f1)"
}
for kind in aging worklist forecast dunning outbox; do
  for format in html csv; do
    run "report $kind --format $format" "$out/$kind.$format" report "$kind" --as-of "$as_of" --format "$format" --out "$out/$kind.$format"
  done
done
run "db backup" "$ws/backups" db backup
run "db export" "$out/export.tar.gz" db export --out "$out/export.tar.gz"
