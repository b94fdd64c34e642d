#!/usr/bin/env bash
# Outbox benchmark (not a test; figures go to docs/OUTBOX.md and docs/PERFORMANCE.md):
# queues COUNT reminder e-mails, each with a ~30 KB PDF-like attachment, flushes them with the
# release build to Postfix's smtp-sink on loopback over one connection, and runs Postfix's own
# smtp-source with the same message size for comparison. Also flushes a tenth of the queue, to
# show that peak memory does not grow with the queue's length.
#
#   scripts/bench-outbox.sh [COUNT] [ATTACHMENT_BYTES]      (defaults 10000 and 30000)
#   SCRATCH=.build-outbox scripts/bench-outbox.sh           (build folder, default .build)
set -euo pipefail
count=${1:-10000}
size=${2:-30000}
scratch=${SCRATCH:-.build}
cd "$(dirname "$0")/.."

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
if [ ! -x /usr/sbin/smtp-sink ] || [ ! -x /usr/sbin/smtp-source ]; then
  echo "installing postfix for smtp-sink and smtp-source (no mail configuration; its daemon is stopped)"
  echo "postfix postfix/main_mailer_type select No configuration" | "${sudo_cmd[@]}" debconf-set-selections
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq postfix >/dev/null
  "${sudo_cmd[@]}" postfix stop >/dev/null 2>&1 || true
fi
[ -x /usr/bin/time ] || { DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq time >/dev/null; }

swift build -c release --product relance --scratch-path "$scratch" >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/relance
work=bench-data/outbox
rm -rf "$work"
mkdir -p "$work"
sink_pid=
cleanup() { [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

# A PDF-like attachment and COUNT reminders in JSON Lines, generated deterministically.
python3 - "$work" "$count" "$size" <<'PY'
import json, random, sys
work, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(42)
body = b"%PDF-1.7\n" + bytes(rnd.getrandbits(8) for _ in range(size - 9))
open(f"{work}/herinnering.pdf", "wb").write(body)
text = ("Beste klant,\n\nVolgens onze boekhouding staat factuur {inv} van € {amt} nog open sinds {due}.\n"
        "Gelieve het bedrag te storten op BE68 5390 0754 7034 met mededeling +++090/9337/55493+++.\n\n"
        "Met vriendelijke groeten,\nBoekhouding Demo Facturatie BV\n")
with open(f"{work}/reminders.jsonl", "w") as f:
    for i in range(1, count + 1):
        inv, amt = f"F-2026-{i:06d}", f"{rnd.randint(100, 999999) / 100:,.2f}"
        f.write(json.dumps({
            "key": f"bench:2026-11-21:D{i:06d}:1",
            "to": [{"address": f"debiteur{i}@klant.example", "name": f"Debiteur nr. {i} — Łódź"}],
            "subject": f"Herinnering: factuur {inv} staat open",
            "text": text.format(inv=inv, amt=amt, due="2026-10-01"),
            "html": "<p>" + text.format(inv=inv, amt=amt, due="2026-10-01").replace("\n", "<br>") + "</p>",
            "attachments": [{"path": "herinnering.pdf", "filename": f"herinnering-{inv}.pdf"}],
            "debtor": f"D{i:06d}", "invoices": [inv],
        }) + "\n")
PY
head -n $((count / 10)) "$work/reminders.jsonl" > "$work/reminders-tenth.jsonl"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sink_user=()
[ "$(id -u)" -eq 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" 127.0.0.1:"$port" 256 &
sink_pid=$!
sleep 0.5

export RELANCE_SMTP_URL=smtp://127.0.0.1:$port RELANCE_SMTP_TLS=none RELANCE_MAIL_FROM=boekhouding@demo-facturatie.example
timed() {  # timed LABEL MESSAGES COMMAND... → "LABEL<TAB>MESSAGES<TAB>SECONDS<TAB>PEAK_KB"
  local label=$1 n=$2 tfile; shift 2
  tfile=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$tfile" "$@" >/dev/null
  read -r secs kb < <(tail -n 1 "$tfile")
  rm -f "$tfile"
  printf '%s\t%s\t%s\t%s\n' "$label" "$n" "$secs" "$kb"
}

results=$(mktemp)
for run in tenth full; do
  ws=$work/ws-$run
  file=$work/reminders.jsonl; n=$count
  [ $run = tenth ] && { file=$work/reminders-tenth.jsonl; n=$((count / 10)); }
  "$bin" init "$ws" --demo >/dev/null
  timed "queue ($run: outbox enqueue)" "$n" "$bin" outbox enqueue --workspace "$ws" "$file" >> "$results"
  timed "flush ($run: relance outbox flush)" "$n" "$bin" outbox flush --workspace "$ws" >> "$results"
  sent=$("$bin" outbox list --workspace "$ws" --state sent --limit 100000000 2>/dev/null | wc -l)
  [ "$sent" -eq "$n" ] || { echo "error: only $sent of $n messages sent" >&2; exit 1; }
done
msg_bytes=$("$bin" outbox export 1 --workspace "$work/ws-full" | wc -c)
timed "smtp-source -d (same size, 1 connection)" "$count" \
  /usr/sbin/smtp-source -d -s 1 -m "$count" -l "$msg_bytes" -f boekhouding@demo-facturatie.example -t debiteur@klant.example \
  127.0.0.1:"$port" >> "$results"

echo
echo "Outbox benchmark — $count messages of $msg_bytes bytes (attachment $size bytes) to smtp-sink on loopback"
echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(date -u +%Y-%m-%d)"
echo "database: $(du -h "$work/ws-full/relance.sqlite" | cut -f1)"
python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print(f"{'step':<44} {'messages':>9} {'seconds':>8} {'msg/s':>8} {'peak MB':>8}")
rates = {}
for name, n, secs, kb in rows:
    n, secs, kb = int(n), float(secs), int(kb)
    rate = n / secs if secs > 0 else float("inf")
    rates[name] = rate
    print(f"{name:<44} {n:>9,} {secs:>8.2f} {rate:>8,.0f} {kb / 1024:>8.0f}")
flush = rates["flush (full: relance outbox flush)"]
source = next(v for k, v in rates.items() if k.startswith("smtp-source"))
print(f"relance flush / smtp-source: {flush / source:.2f} (target ≥ 0.5, and ≥ 1,000 msg/s)")
PY
rm -f "$results"
