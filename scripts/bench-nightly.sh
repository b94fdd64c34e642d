#!/usr/bin/env bash
# The whole nightly run on the benchmark ledger (issue: nightly; target ≤ 120 s, ≤ 1.5 GB on 2 cores).
# Needs the workspace `make bench` leaves (bench-data/workspace-SCALE: debtors, open and historical
# invoices, payments). Copies it, fills in a creditor, and runs two nights with e-mails going to
# Postfix's smtp-sink on loopback:
#   night 1 (AS_OF - 1): the catch-up night of a ledger that has never been dunned (every late
#                        debtor at once), with the day's exports (debtors, open invoices) in the inbox;
#   night 2 (AS_OF):     the measured night: the same exports again, the ladder moving one day on.
# Prints the wall time, peak memory and each stage's summary line. Not a test.
set -euo pipefail
scale=${1:-1}
as_of=${2:-2026-11-21}
cd "$(dirname "$0")/.."
src=bench-data/workspace-$scale
data=bench-data/scale-$scale
ws=bench-data/nightly-$scale
[ -f "$src/relance.sqlite" ] || { echo "no $src: run 'make bench BENCH_SCALE=$scale' first" >&2; exit 66; }
[ -x /usr/sbin/smtp-sink ] || { echo "needs Postfix's smtp-sink (Debian package postfix)" >&2; exit 69; }
swift build -c release --product relance >/dev/null
bin=$(swift build -c release --show-bin-path)
before=$(python3 -c "import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) - datetime.timedelta(days=1))" "$as_of")

rm -rf "$ws"
cp -a "$src" "$ws"
python3 - "$ws/relance.toml" <<'PY'
import re, sys
p = sys.argv[1]
t = open(p).read()
company = {"name": "Bench Facturatie BV", "enterprise_number": "0428.759.497", "street": "Kunstlaan 1",
           "postal_code": "1000", "city": "Brussel", "iban": "BE68 5390 0754 7034", "bic": "GKCCBEBB",
           "email": "boekhouding@bench.example", "phone": "+32 2 123 45 67"}
for k, v in company.items():
    t = re.sub(rf'(?m)^{k} = "[^"]*"', f'{k} = "{v}"', t, count=1)
open(p, "w").write(t)
PY

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/sbin/smtp-sink $( [ "$(id -u)" = 0 ] && echo "-u nobody") "127.0.0.1:$port" 1000 >/dev/null &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break; sleep 0.1; done
export RELANCE_WORKSPACE=$ws RELANCE_SMTP_URL="smtp://127.0.0.1:$port" RELANCE_SMTP_TLS=none \
  RELANCE_MAIL_FROM=boekhouding@bench.example

night() {  # night DAY LABEL
  cp "$data/debtors.csv" "$data/invoices-open.csv" "$ws/inbox/"
  local t log
  t=$(mktemp); log=$ws/nightly-$1.log
  /usr/bin/time -f "%e %M" -o "$t" "$bin/relance" nightly --as-of "$1" 2> "$log" || echo "(exit $? — see $log)"
  read -r secs kb < <(tail -n 1 "$t"); rm -f "$t"
  echo "== $2: relance nightly --as-of $1: ${secs} s, peak $((kb / 1024)) MB"
  grep -E '^(ts=|\{)?.*stage=' "$log" | sed 's/^/   /' || cat "$log"
}
echo "Relance nightly benchmark — scale $scale — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d)"
t=$(mktemp)
/usr/bin/time -f "%e %M" -o "$t" "$bin/relance" db migrate >/dev/null
read -r secs kb < <(tail -n 1 "$t"); rm -f "$t"
echo "== relance db migrate (the workspace's pending migrations): ${secs} s, peak $((kb / 1024)) MB"
night "$before" "catch-up night"
night "$as_of" "measured night"
echo "database: $(du -h "$ws/relance.sqlite" | cut -f1); workspace: $(du -sh "$ws" | cut -f1)"
