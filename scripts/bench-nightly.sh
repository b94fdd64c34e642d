#!/usr/bin/env bash
# The whole nightly run on the benchmark ledger after NIGHTS warm-up nights of a daily flow (issue 17:
# ≤ 60 s, ≤ 1 GB on the scale-1 night with about 20,000 reminders). Not a test.
#
# Needs the workspace `make bench` leaves (bench-data/workspace-SCALE: debtors, open and historical
# invoices, payments, and the catch-up dunning night of AS_OF). Copies it, fills in a creditor, and
# runs NIGHTS warm-up nights and then the measured night, the days after AS_OF, with e-mails going to
# Postfix's smtp-sink on loopback. Each night's inbox holds that day's exports, written by
# `relance-gen --flow-day DAY` (docs/GENERATOR.md, "The daily flow"): the day's new invoices and the
# day's bank receipts (which pay the base ledger's open invoices and earlier nights' invoices as
# the debtors' habits say), and debtors.csv (unchanged rows). Prints per night the wall time, peak
# memory, reminders, database size and each stage's seconds, and the measured night's stage lines.
#
#   scripts/bench-nightly.sh [SCALE] [AS_OF]      NIGHTS=30 warm-up nights (default)
#   FLOW_INVOICES=N: new invoices per working day before scaling (relance-gen's default otherwise)
set -euo pipefail
scale=${1:-1}
as_of=${2:-2026-11-21}
nights=${NIGHTS:-30}
cd "$(dirname "$0")/.."
src=bench-data/workspace-$scale
data=bench-data/scale-$scale
ws=bench-data/nightly-$scale
flow=bench-data/flow-$scale
[ -f "$src/relance.sqlite" ] || { echo "no $src: run 'make bench BENCH_SCALE=$scale' first" >&2; exit 66; }
[ -f "$data/debtors.csv" ] || { echo "no $data/debtors.csv: run 'make bench BENCH_SCALE=$scale' first" >&2; exit 66; }
if [ ! -x /usr/sbin/smtp-sink ] && ! /usr/bin/python3 -c "import aiosmtpd" 2>/dev/null; then
  echo "needs Postfix's smtp-sink (Debian package postfix), or python3-aiosmtpd" >&2; exit 69
fi
swift build -c release --product relance >/dev/null
swift build -c release --product relance-gen >/dev/null
bin=$(swift build -c release --show-bin-path)
gen_flags=(--scale "$scale" --as-of "$as_of")
[ -n "${FLOW_INVOICES:-}" ] && gen_flags+=(--flow-invoices "$FLOW_INVOICES")

rm -rf "$ws" "$flow"
mkdir -p "$flow"
cp -a "$src" "$ws"
python3 scripts/bench-company.py "$ws/relance.toml"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ -x /usr/sbin/smtp-sink ]; then
  /usr/sbin/smtp-sink $( [ "$(id -u)" = 0 ] && echo "-u nobody") "127.0.0.1:$port" 1000 >/dev/null &
else  # slower than smtp-sink: the outbox stage's figures are then the sink's as much as Relance's
  echo "(no smtp-sink: e-mails go to /usr/bin/python3 -m aiosmtpd with its Sink handler)"
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Sink >/dev/null 2>&1 &
fi
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break; sleep 0.1; done
export RELANCE_WORKSPACE=$ws RELANCE_SMTP_URL="smtp://127.0.0.1:$port" RELANCE_SMTP_TLS=none \
  RELANCE_MAIL_FROM=boekhouding@bench.example

day_after() { python3 -c "import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=int(sys.argv[2])))" "$1" "$2"; }

# One line per night: the stages' seconds and counts from the run's key=value log lines.
summarise() {  # summarise LOG
  python3 - "$1" <<'PY'
import re, sys
stages, counts = [], {}
for line in open(sys.argv[1], errors="replace"):
    kv = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
    if "stage" not in kv or "seconds" not in kv:
        continue
    stages.append(f'{kv["stage"]} {float(kv["seconds"]):.1f}')
    for k in ("reminders", "emails", "letters", "sent"):
        if k in kv and kv["stage"] in ("dunning", "outbox"):
            counts[f'{kv["stage"]}.{k}'] = kv[k].strip('"')
print("   stages (s): " + ", ".join(stages))
if counts:
    print("   counts: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
PY
}

night() {  # night DAY LABEL
  local day=$1 t log flowlog
  flowlog=$flow/gen-$day.log
  "$bin/relance-gen" --out "$flow" "${gen_flags[@]}" --flow-day "$day" 2> "$flowlog"
  cp "$data/debtors.csv" "$flow/invoices-$day.csv" "$flow/payments-$day.csv" "$ws/inbox/"
  rm -f "$flow/invoices-$day.csv" "$flow/payments-$day.csv"
  t=$(mktemp); log=$ws/nightly-$day.log
  /usr/bin/time -f "%e %M" -o "$t" "$bin/relance" nightly --as-of "$day" 2> "$log" || echo "   (exit $? — see $log)"
  read -r secs kb < <(tail -n 1 "$t"); rm -f "$t"
  local reminders
  reminders=$(sqlite3 "$ws/relance.sqlite" "SELECT COUNT(*) FROM dunning_event WHERE as_of = '$day'")
  echo "== $2 $day: ${secs} s, peak $((kb / 1024)) MB, $reminders reminders, database $(du -h "$ws/relance.sqlite" | cut -f1)" \
    "($(awk '/invoices-/ {printf "%s new invoices", $2} /payments-/ {printf ", %s receipts", $2}' "$flowlog"))"
  summarise "$log"
}

echo "Relance nightly benchmark — scale $scale, $nights warm-up nights after $as_of — $(nproc) cores," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d)"
t=$(mktemp)
/usr/bin/time -f "%e %M" -o "$t" "$bin/relance" db migrate >/dev/null
read -r secs kb < <(tail -n 1 "$t"); rm -f "$t"
echo "== relance db migrate (the workspace's pending migrations): ${secs} s, peak $((kb / 1024)) MB"
# The shipped rates.toml stops at the last published half-year; without the nights' half-year every
# step that claims interest waits (exit 79) and the ladder cannot escalate. A benchmark-only rate:
for h in $(python3 -c "import sys; y, m = int(sys.argv[1][:4]), int(sys.argv[1][5:7]); print(*sorted({f'{y + (m - 1 + k) // 12}-H{1 if (m - 1 + k) % 12 < 6 else 2}' for k in range(0, 4)}))" "$as_of"); do
  grep -q "^\"$h\"" "$ws/rates.toml" || "$bin/relance" rates set "$h" 10.50 --as-of "$as_of" \
    --source "benchmark only: the last published rate repeated, not a published rate" >/dev/null
done
for n in $(seq 1 "$nights"); do
  night "$(day_after "$as_of" "$n")" "warm-up night $n:"
done
measured=$(day_after "$as_of" $((nights + 1)))
night "$measured" "MEASURED night:"
echo "   the measured night's stage lines:"
grep -E 'stage=' "$ws/nightly-$measured.log" | sed 's/^/   /'
echo "database: $(du -h "$ws/relance.sqlite" | cut -f1); workspace: $(du -sh "$ws" | cut -f1); load $(cut -d' ' -f1-3 /proc/loadavg)"
