#!/usr/bin/env bash
# The whole nightly run on the benchmark ledger after NIGHTS warm-up nights of a daily flow (issue 17:
# ≤ 60 s, ≤ 1 GB on the scale-1 night with about 20,000 reminders). Not a test.
#
# Builds (once, kept in bench-data/nightly-base-SCALE) a workspace from relance-gen's base files
# (BENCH_DATA, default bench-data/scale-SCALE, generated when missing): debtors, open and historical
# invoices, payments, and the base's dunning history (`relance-gen --reminder-history`: the reminders
# of the 60 days before AS_OF as if Relance had run every night, ingested with `ingest reminders`),
# so the debtors stand spread over the ladder instead of all at its foot (docs/GENERATOR.md). Copies
# it, and runs NIGHTS warm-up nights and then the measured night, the days after AS_OF, with e-mails
# going to Postfix's smtp-sink on loopback. Each night's inbox holds that day's exports, written by
# `relance-gen --flow-day DAY` (docs/GENERATOR.md, "The daily flow"): the day's new invoices and the
# day's bank receipts (which pay the base ledger's open invoices and earlier nights' invoices as
# the debtors' habits say), and debtors.csv (unchanged rows). Prints per night the wall time, peak
# memory, reminders, database size and each stage's seconds, and the measured night's stage lines.
# Backups keep one day (`[backup] keep_daily = 1, keep_monthly = 0`): fourteen copies of a scale-1
# database would not fit the disk; each night still makes and checks its backup.
#
#   scripts/bench-nightly.sh [SCALE] [AS_OF]      NIGHTS=30 warm-up nights (default)
#   FLOW_INVOICES=N: new invoices per working day before scaling (relance-gen's default otherwise)
#   BENCH_DATA=DIR: relance-gen's base files for SCALE and AS_OF (read only)
#   WARMUP_FULL=N: only the last N warm-up nights run `relance nightly` (default: all of them); the
#     ones before run only what changes the ledger (`ingest`, `dunning run`, `outbox flush`), without
#     forecast, reports, backup or the anomaly gate: about half the time of a night at scale 1
#   CATCHUP=K: after the measured night, K missed nights and the catch-up night after them (a bigger
#     night: the reminders of K + 1 days); a night the anomaly gate holds gets its release and flush timed
#   RELANCE_BIN=PATH: the relance executable to measure (default: this checkout's release build, built
#     first); with it nothing is built, and relance-gen is .build/release's (or RELANCE_GEN's)
#   RELANCE_GEN=PATH: the relance-gen executable (default: the one beside the build above)
#   NIGHTLY_BASE=DIR: a base workspace built earlier (read only: copied, never rebuilt nor written;
#     its .complete stamp must match SCALE, AS_OF and BENCH_DATA)
set -euo pipefail
scale=${1:-1}
as_of=${2:-2026-11-21}
nights=${NIGHTS:-30}
cd "$(dirname "$0")/.."
src=${NIGHTLY_BASE:-bench-data/nightly-base-$scale}
data=${BENCH_DATA:-bench-data/scale-$scale}
ws=bench-data/nightly-$scale
flow=bench-data/flow-$scale
if [ ! -x /usr/sbin/smtp-sink ] && ! /usr/bin/python3 -c "import aiosmtpd" 2>/dev/null; then
  echo "needs Postfix's smtp-sink (Debian package postfix), or python3-aiosmtpd" >&2; exit 69
fi
if [ -n "${RELANCE_BIN:-}" ]; then  # another build measured: no swift build; relance-gen from the last release build
  bin=.build/release
  [ -x "${RELANCE_GEN:-$bin/relance-gen}" ] || { echo "no $bin/relance-gen: swift build -c release --product relance-gen" >&2; exit 66; }
else
  swift build -c release --product relance >/dev/null
  swift build -c release --product relance-gen >/dev/null
  bin=$(swift build -c release --show-bin-path)
fi
relance=${RELANCE_BIN:-$bin/relance}
gen=${RELANCE_GEN:-$bin/relance-gen}
full=${WARMUP_FULL:-$nights}
gen_flags=(--scale "$scale" --as-of "$as_of")
[ -n "${FLOW_INVOICES:-}" ] && gen_flags+=(--flow-invoices "$FLOW_INVOICES")

# The base workspace, built once per scale, as-of day and generator (its stamp says which).
stamp="scale $scale, as of $as_of, data $data"   # delete $src after changing the generator
if [ -n "${NIGHTLY_BASE:-}" ] && { [ ! -f "$src/.complete" ] || [ "$(cat "$src/.complete")" != "$stamp" ]; }; then
  echo "NIGHTLY_BASE=$src is not a base for $stamp (its .complete says: $(cat "$src/.complete" 2>/dev/null))" >&2; exit 66
fi
if [ ! -f "$src/.complete" ] || [ "$(cat "$src/.complete")" != "$stamp" ]; then
  if [ ! -f "$data/payments-history.csv" ]; then
    [ -z "${BENCH_DATA:-}" ] || { echo "no $data/payments-history.csv" >&2; exit 66; }
    rm -rf "$data"; "$gen" --out "$data" --scale "$scale" --as-of "$as_of" 2>/dev/null
  fi
  echo "Building the base workspace $src from $data (once per scale and data folder):"
  rm -rf "$src"
  "$relance" init "$src" >/dev/null
  python3 scripts/bench-company.py "$src/relance.toml"
  printf '\n[backup]\nkeep_daily = 1\nkeep_monthly = 0\n' >> "$src/relance.toml"
  "$gen" --out "$src/inbox" --scale "$scale" --as-of "$as_of" --reminder-history 2>/dev/null
  for step in "debtors $data/debtors.csv" "invoices $data/invoices-open.csv" "invoices $data/invoices-history.csv" \
      "payments --booked $data/payments-history.csv" "reminders $src/inbox/reminders-history.csv"; do
    t=$(mktemp)
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %M" -o "$t" "$relance" ingest $step --workspace "$src" --as-of "$as_of" >/dev/null
    read -r secs cpu kb < <(tail -n 1 "$t"); rm -f "$t"
    echo "== ingest $step: ${secs} s wall, ${cpu} s user, peak $((kb / 1024)) MB"
  done
  rm -f "$src/inbox/reminders-history.csv"
  echo "$stamp" > "$src/.complete"
fi

rm -rf "$ws" "$flow"
mkdir -p "$flow"
cp -a "$src" "$ws"

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
  "$gen" --out "$flow" "${gen_flags[@]}" --flow-day "$day" 2> "$flowlog"
  cp "$data/debtors.csv" "$flow/invoices-$day.csv" "$flow/payments-$day.csv" "$ws/inbox/"
  rm -f "$flow/invoices-$day.csv" "$flow/payments-$day.csv"
  [ "${3:-full}" != missed ] || return 0  # a missed night: its exports wait in the inbox
  t=$(mktemp); log=$ws/nightly-$day.log
  if [ "${3:-full}" = full ]; then
    /usr/bin/time -f "%e %M" -o "$t" "$relance" nightly --as-of "$day" 2> "$log" || echo "   (exit $? — see $log)"
  else  # a quick warm-up night: only the stages that change the ledger (ingest, dunning run, outbox flush)
    /usr/bin/time -f "%e %M" -o "$t" sh -c '
      r=$1; d=$2; i=$3/inbox
      "$r" ingest debtors "$i/debtors.csv" --as-of "$d" && "$r" ingest invoices "$i/invoices-$d.csv" --as-of "$d" &&
        "$r" ingest payments "$i/payments-$d.csv" --as-of "$d" && rm -f "$i"/*.csv &&
        { "$r" dunning run --as-of "$d"; rc=$?; "$r" outbox flush; [ $rc = 0 ]; }' sh "$relance" "$day" "$ws" > "$log" 2>&1 ||
      echo "   (exit $? — see $log)"
  fi
  read -r secs kb < <(tail -n 1 "$t"); rm -f "$t"
  local reminders
  reminders=$(sqlite3 -separator ' ' "$ws/relance.sqlite" "SELECT COUNT(*), SUM(status <> 'worklist') FROM dunning_event WHERE as_of = '$day'" |
    awk '{printf "%s reminders (%d messages, %d worklist)", $1, $2, $1 - $2}')
  echo "== $2 $day: ${secs} s, peak $((kb / 1024)) MB, $reminders, database $(du -h "$ws/relance.sqlite" | cut -f1)" \
    "($(awk '/invoices-/ {printf "%s new invoices", $2} /payments-/ {printf ", %s receipts", $2}' "$flowlog"))"
  [ "${3:-full}" != full ] || summarise "$log"
}

echo "Relance nightly benchmark — scale $scale, $nights warm-up nights after $as_of — $(nproc) cores," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d)"
t=$(mktemp)
/usr/bin/time -f "%e %M" -o "$t" "$relance" db migrate >/dev/null
read -r secs kb < <(tail -n 1 "$t"); rm -f "$t"
echo "== relance db migrate (the workspace's pending migrations): ${secs} s, peak $((kb / 1024)) MB"
# The shipped rates.toml stops at the last published half-year; without the nights' half-year every
# step that claims interest waits (exit 79) and the ladder cannot escalate. A benchmark-only rate:
for h in $(python3 -c "import sys; y, m = int(sys.argv[1][:4]), int(sys.argv[1][5:7]); print(*sorted({f'{y + (m - 1 + k) // 12}-H{1 if (m - 1 + k) % 12 < 6 else 2}' for k in range(0, 4)}))" "$as_of"); do
  grep -q "^\"$h\"" "$ws/rates.toml" || "$relance" rates set "$h" 10.50 --as-of "$as_of" \
    --source "benchmark only: the last published rate repeated, not a published rate" >/dev/null
done
for n in $(seq 1 "$nights"); do
  if [ "$n" -gt $((nights - full)) ]; then night "$(day_after "$as_of" "$n")" "warm-up night $n:"
  else night "$(day_after "$as_of" "$n")" "warm-up night $n (quick):" quick; fi
done
measured=$(day_after "$as_of" $((nights + 1)))
night "$measured" "MEASURED night:"
echo "   the measured night's stage lines:"
grep -E 'stage=' "$ws/nightly-$measured.log" | sed 's/^/   /'
echo "database: $(du -h "$ws/relance.sqlite" | cut -f1); workspace: $(du -sh "$ws" | cut -f1); load $(cut -d' ' -f1-3 /proc/loadavg)"
# CATCHUP=K: then K missed nights (their exports pile up in the inbox) and the night after them, whose
# reminders are the K + 1 days' (one per debtor at most): a bigger night of the same ledger. When the
# anomaly gate holds it (exit 80), its release and the flush of its e-mails are timed apart.
catchup=${CATCHUP:-0}
if [ "$catchup" -gt 0 ]; then
  for k in $(seq 1 "$catchup"); do night "$(day_after "$measured" "$k")" "" missed; done
  late=$(day_after "$measured" $((catchup + 1)))
  night "$late" "CATCH-UP night after $catchup missed:"
  if [ -n "$("$relance" dunning release 2>/dev/null | grep -F "$late" || true)" ]; then
    t=$(mktemp)
    /usr/bin/time -f "%e %M" -o "$t" sh -c '"$1" dunning release "$2" && "$1" outbox flush' sh "$relance" "$late" > "$ws/release-$late.log" 2>&1 ||
      echo "   (exit $? — see $ws/release-$late.log)"
    read -r secs kb < <(tail -n 1 "$t"); rm -f "$t"
    echo "   held by the anomaly gate; dunning release $late and outbox flush: ${secs} s, peak $((kb / 1024)) MB"
  fi
  echo "database: $(du -h "$ws/relance.sqlite" | cut -f1); load $(cut -d' ' -f1-3 /proc/loadavg)"
fi
