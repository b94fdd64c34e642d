#!/usr/bin/env bash
# Billing benchmark (not a test): generates CONTRACTS contracts (default 50,000) for CONTRACTS/2
# debtors, a usage row for every fifth contract and the example index series, ingests them into a
# fresh workspace with the release build, then times the January run (indexation, numbers, PDFs on
# both cores, e-mails queued) with GNU time: wall seconds and peak memory. Figures go to
# docs/PERFORMANCE.md with the machine and its load.
#   scripts/bench-billing.sh [CONTRACTS]
#   SCRATCH=.build-bench   use another build folder     NO_BUILD=1   measure the last build again
#   KEEP=1                 keep the workspace (bench-data/billing-N) to look at the invoices
#   RELANCE=PATH           measure that release binary instead of building one (e.g. a build of
#                          main, to compare before and after a change)
set -euo pipefail
n=${1:-50000}
scratch=${SCRATCH:-.build}
cd "$(dirname "$0")/.."
if [ -n "${RELANCE:-}" ]; then
  bin=$(cd "$(dirname "$RELANCE")" && pwd)/$(basename "$RELANCE")
else
  if [ "${NO_BUILD:-}" != 1 ]; then
    swift build -c release --product relance --scratch-path "$scratch" >/dev/null
  fi
  bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/relance
fi
ws=bench-data/billing-$n
rm -rf "$ws"
mkdir -p bench-data
"$bin" init "$ws" --demo >/dev/null
export RELANCE_WORKSPACE=$PWD/$ws
gen=$(mktemp -d)
trap 'rm -rf "$gen"; [ "${KEEP:-}" = 1 ] || rm -rf "$ws"' EXIT
python3 - "$n" "$gen" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
langs = ["nl", "fr", "nl", "de", "en"]
series = ["agoria-digital", "agoria-manufacturing", "agoria-national", ""]
with open(f"{out}/debtors.csv", "w") as f:
    f.write("debtor_id,name,kind,email,language,street,postal_code,city,country\n")
    for d in range((n + 1) // 2):
        f.write(f"D{d:06d},Klant {d} BV,b2b,factuur{d}@klant.example,{langs[d % 5]},Stationsstraat {d % 200 + 1},{1000 + d % 8000},Gemeente {d % 300},BE\n")
with open(f"{out}/contracts.csv", "w") as f:
    f.write("contract_id,debtor_id,plan,monthly_price,currency,activation_date,price_adjusted_on,index_series,billing_day,payment_terms_days,index_floor,status,end_date\n")
    for c in range(n):
        s = series[c % 4]
        adjusted = ["2026-01-01", "2025-03-15", "2025-09-10", ""][c % 4]
        f.write(f"C{c:06d},D{c // 2:06d},Plan {c % 7},{19 + c % 281}.{c % 100:02d},EUR,2024-06-01,{adjusted},{s},{1 + c % 28},14,{'true' if c % 10 == 0 else 'false'},active,\n")
with open(f"{out}/usage.csv", "w") as f:
    f.write("contract_id,month,item,quantity,unit_price\n")
    for c in range(0, n, 5):
        f.write(f"C{c:06d},2026-12,SMS reminders,{c % 300 + 1},0.085\n")
PY
"$bin" ingest debtors "$gen/debtors.csv" >/dev/null
"$bin" ingest contracts "$gen/contracts.csv" >/dev/null
"$bin" ingest usage "$gen/usage.csv" >/dev/null
"$bin" ingest index Examples/billing/index.csv >/dev/null
load=$(cut -d" " -f1-3 /proc/loadavg)
timing=$(mktemp)
/usr/bin/time -f "%e %U %S %M" -o "$timing" "$bin" billing run --period 2027-01 >/dev/null 2>"$gen/run.err" || { cat "$gen/run.err" >&2; exit 1; }
read -r wall user sys kb < <(tail -n 1 "$timing")
rm -f "$timing"
pdfs=$(find "$ws/out/invoices/2027-01" -name '*.pdf' | wc -l)
mails=$(sqlite3 "$ws/relance.sqlite" "SELECT COUNT(*) FROM outbox_message" 2>/dev/null || echo "?")
echo "Relance billing benchmark — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(date -u +%Y-%m-%d)"
echo "load average before the run: $load"
echo "billing run --period 2027-01: $n contracts, $pdfs PDFs, $mails e-mails queued"
echo "  ${wall} s wall, ${user} s user + ${sys} s system CPU, peak memory $((kb / 1024)) MB, $(awk -v n="$pdfs" -v w="$wall" 'BEGIN { printf "%.0f", n / w }') invoices/s"
head -n 1 "$gen/run.err"
