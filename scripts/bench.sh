#!/usr/bin/env bash
# make bench: generates the benchmark ledger (200k debtors, 1M open invoices, 5M historical
# invoices with their payments, times BENCH_SCALE) and times each stage on a fresh workspace.
# Prints rows/s and peak memory (max RSS) per stage. Not a test: figures go to docs/PERFORMANCE.md.
set -euo pipefail
scale=${1:-1}
cd "$(dirname "$0")/.."
swift build -c release --product relance >/dev/null
swift build -c release --product relance-gen >/dev/null
bin=$(swift build -c release --show-bin-path)
data=bench-data/scale-$scale
ws=bench-data/workspace-$scale
results=$(mktemp)
trap 'rm -f "$results"' EXIT

measure() {  # measure NAME ROWS-SOURCE COMMAND...  (ROWS-SOURCE: a number, or "json" to sum "read")
  local name=$1 rows=$2; shift 2
  local out tfile
  tfile=$(mktemp)
  out=$(/usr/bin/time -f "%e %M" -o "$tfile" "$@" 2>/dev/null) || { rc=$?; [ $rc -eq 65 ] || { echo "stage $name failed ($rc)" >&2; exit $rc; }; }
  read -r secs kb < <(tail -n 1 "$tfile")
  rm -f "$tfile"
  if [ "$rows" = json ]; then rows=$(printf '%s\n' "$out" | python3 -c 'import sys,json; print(sum(json.loads(l)["read"] for l in sys.stdin if l.strip()))'); fi
  printf '%s\t%s\t%s\t%s\n' "$name" "$rows" "$secs" "$kb" >> "$results"
}

if [ ! -f "$data/.complete" ]; then
  rm -rf "$data"
  measure "generate (relance-gen)" 0 "$bin/relance-gen" --out "$data" --scale "$scale"
  python3 scripts/gen-bank.py "$data" "$(python3 -c "print(int(100000 * $scale))")" "$(python3 -c "print(int(10000 * $scale))")"
  touch "$data/.complete"
  gen_rows=$(cat "$data"/*.csv | wc -l)
  sed -i "s/^generate (relance-gen)\t0\t/generate (relance-gen)\t$gen_rows\t/" "$results"
fi
rm -rf "$ws"
"$bin/relance" init "$ws" >/dev/null
python3 scripts/bench-company.py "$ws/relance.toml"
export RELANCE_WORKSPACE=$ws
# The shipped rates.toml stops at the last published half-year; without 2026-H2 the run's reminders
# that claim interest wait (exit 79). A benchmark-only rate, labelled as such:
grep -q '^"2026-H2"' "$ws/rates.toml" || "$bin/relance" rates set 2026-H2 10.50 --as-of 2026-11-21 \
  --source "benchmark only: the last published rate repeated, not a published rate" >/dev/null
opts=(--format json --as-of 2026-11-21 --max-errors 5)
measure "ingest debtors" json "$bin/relance" ingest debtors "$data/debtors.csv" "${opts[@]}"
measure "ingest open invoices (new)" json "$bin/relance" ingest invoices "$data/invoices-open.csv" "${opts[@]}"
# The peers, on the same file in the same run (issue 17: Relance ≥ 2× the Python script, ≥ 0.6× .import).
peer=$(mktemp -d)
measure "peer: python csv + sqlite3 upsert" json python3 scripts/peer_ingest.py "$peer/peer.db" "$data/invoices-open.csv"
measure "peer: sqlite3 .import (no validation)" "$(($(wc -l < "$data/invoices-open.csv") - 1))" \
  sqlite3 "$peer/import.db" ".import --csv '$data/invoices-open.csv' invoice"
rm -rf "$peer"
measure "ingest open invoices (rerun, unchanged)" json "$bin/relance" ingest invoices "$data/invoices-open.csv" "${opts[@]}"
measure "ingest open invoices (--snapshot rerun)" json "$bin/relance" ingest invoices --snapshot "$data/invoices-open.csv" "${opts[@]}"
measure "ingest historical invoices" json "$bin/relance" ingest invoices "$data/invoices-history.csv" "${opts[@]}"
measure "ingest payments --booked (allocation)" json "$bin/relance" ingest payments --booked "$data/payments-history.csv" "${opts[@]}"
measure "ingest coda (credits matched)" json "$bin/relance" ingest coda "$data/bank-statement.cod" --format json --as-of 2026-11-21
measure "ingest ubl (files)" json "$bin/relance" ingest ubl "$data/ubl" --format json --as-of 2026-11-21
# The forecast learns from the paid history and forecasts every open invoice (issue 17: ≤ 8 s at scale 1).
measure "forecast run (open invoices)" "$(($(wc -l < "$data/invoices-open.csv") - 1))" "$bin/relance" forecast run --as-of 2026-11-21
debtors=$(python3 -c "print(int(200000 * $scale))")
measure "dunning plan (debtors)" "$debtors" sh -c "'$bin/relance' dunning plan --as-of 2026-11-21 --format csv > '$ws/out/plan.csv'"
measure "dunning run (debtors; letters, e-mails)" "$debtors" "$bin/relance" dunning run --as-of 2026-11-21 --ignore-stale

echo
echo "Relance benchmark — scale $scale — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(date -u +%Y-%m-%d)"
echo "database: $(du -h "$ws/relance.sqlite" | cut -f1)"
python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print(f"{'stage':<42} {'rows':>10} {'seconds':>8} {'rows/s':>10} {'peak MB':>8}")
for name, n, secs, kb in rows:
    n, secs, kb = int(n), float(secs), int(kb)
    rate = f"{n / secs:,.0f}" if secs > 0 and n else "-"
    print(f"{name:<42} {n:>10,} {secs:>8.2f} {rate:>10} {kb / 1024:>8.0f}")
secs = {name: float(s) for name, _, s, _ in rows}
ours = secs.get("ingest open invoices (new)")
for peer in ("peer: python csv + sqlite3 upsert", "peer: sqlite3 .import (no validation)"):
    if ours and peer in secs:
        print(f"ingest open invoices: {secs[peer] / ours:.2f}x the speed of {peer[6:]}")
PY
