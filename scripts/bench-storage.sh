#!/usr/bin/env bash
# Database bytes per reminder (not a test): a fresh demo workspace, then `relance nightly --as-of`
# for NIGHTS consecutive days (default 5) from FIRST (default 2026-11-21), e-mails to a local SMTP
# server (python3-aiosmtpd) so they end up sent. Prints, after a VACUUM of a copy, the database size,
# the reminders written and the bytes per reminder, and the biggest tables (SQLite's dbstat).
#   scripts/bench-storage.sh [NIGHTS] [FIRST]       RELANCE=path/to/relance  (default: the debug build)
#   GEN_SCALE=0.01 scripts/bench-storage.sh 30      a larger ledger: the demo's configuration, and the
#                                                   debtors and open invoices of `relance-gen --scale
#                                                   0.01` (2,000 debtors) put in the inbox every night
# For 30 nights the bench workspace gets the b2b legal rates of 2026-H2 and 2027-H1 (assumed equal to
# 2026-H1; without them reminders with interest are held, exit 79), and a night held by a gate
# (exit 80) is released (`relance dunning release DAY`) so its messages are sent the next night.
# KEEP=file keeps a copy of the database.
set -uo pipefail
nights=${1:-5}
first=${2:-2026-11-21}
cd "$(dirname "$0")/.."
relance=${RELANCE:-$(swift build --show-bin-path)/relance}
dir=$(mktemp -d)
trap 'kill ${smtp:-} 2>/dev/null; rm -rf "$dir"' EXIT
"$relance" init "$dir/w" --demo >/dev/null || exit $?
export RELANCE_WORKSPACE="$dir/w"
sed -i 's|^"2026-H1" = .*|&\n"2026-H2" = { rate = "10.50", source = "bench-storage.sh: assumed" }\n"2027-H1" = { rate = "10.50", source = "bench-storage.sh: assumed" }|' "$dir/w/rates.toml"
if [ -n "${GEN_SCALE:-}" ]; then
  gen=${RELANCE_GEN:-$(dirname "$relance")/relance-gen}
  "$gen" --out "$dir/gen" --scale "$GEN_SCALE" --as-of "$first" >/dev/null 2>&1 || exit $?
  rm -f "$dir/w/inbox/"*.csv
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$dir/smtp/"{tmp,new,cur}
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$dir/smtp" &
smtp=$!
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break; sleep 0.1; done
for i in $(seq 0 $((nights - 1))); do
  day=$(date -u -d "$first + $i day" +%F)
  [ -n "${GEN_SCALE:-}" ] && cp "$dir/gen/debtors.csv" "$dir/gen/invoices-open.csv" "$dir/w/inbox/"
  RELANCE_SMTP_URL="smtp://127.0.0.1:$port" RELANCE_SMTP_TLS=none RELANCE_MAIL_FROM=boekhouding@demo-facturatie.example \
    "$relance" nightly --as-of "$day" >/dev/null 2>&1
  status=$?
  echo "night $day: exit $status"
  if [ "$status" = 80 ]; then "$relance" dunning release "$day" >/dev/null 2>&1; echo "  released: exit $?"; fi
done
db="$dir/w/relance.sqlite"
sqlite3 "$db" "SELECT as_of, count(*) FROM dunning_event GROUP BY as_of" | sed "s/^/  reminders on /"
sqlite3 "$db" "SELECT 'stored body blob per message: ' || CAST(avg(length(bodies_z)) AS INT) || ' bytes' FROM outbox_message"
[ -n "${KEEP:-}" ] && cp "$db" "$KEEP"
sqlite3 "$db" "VACUUM INTO '$dir/vacuumed.sqlite'"
v="$dir/vacuumed.sqlite"
reminders=$(sqlite3 "$v" "SELECT count(*) FROM dunning_event")
messages=$(sqlite3 "$v" "SELECT count(*) FROM outbox_message")
bytes=$(stat -c %s "$v")
r=$((reminders > 0 ? reminders : 1))
echo "nights: $nights from $first; ledger: ${GEN_SCALE:+relance-gen scale }${GEN_SCALE:-demo}; reminders (dunning_event rows): $reminders; outbox messages: $messages"
echo "database after VACUUM: $bytes bytes; per reminder: $((bytes / r)) bytes"
echo "largest tables and indexes (bytes, dbstat):"
sqlite3 "$v" "SELECT name, sum(pgsize) AS b FROM dbstat GROUP BY name ORDER BY b DESC LIMIT 8" | sed 's/^/  /'
per=$(sqlite3 "$v" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'outbox%' OR name LIKE 'dunning_event%' OR name = 'dunning_item_by_invoice' OR name = 'dunning_held_reason' OR name = 'dunning_letter_folder' OR name = 'dunning_step_name'")
echo "the reminders' own tables and indexes (outbox_*, dunning_event*, dunning_held_reason, dunning_letter_folder, dunning_step_name): $per bytes; per reminder: $((per / r)) bytes"
# The same with the indexes SQLite makes for UNIQUE constraints (sqlite_autoindex_outbox_message_1: the
# idempotency key; _2: the Message-ID; dunning_event's key; recipients): rounds before 2026-12-03's third
# left them out of the figure above.
# dunning_held_reason (2026-12-03's fourth round) holds what dunning_event held before. Since the fifth
# round (migrations 0031a, 0031b) a reminder's message stores no outbox_reference rows and only its
# event id's digits as its key (read through dunning_event), and its letter's path once. Since the sixth
# (0032a, 0032b) a night's instant and letter folder are stored once: dunning_event_instant,
# dunning_letter_folder, outbox_event_instant. Since the seventh (0033a) a sent message's instant is
# stored once (outbox_message.sent_at). Since the eighth (0039a) a reminder's key is its digest
# (dunning_event.key_digest), held once by dunning_event_by_debtor instead of the key's autoindex.
# Since the ninth (0040a) a reminder's subject is kept inside its bodies' blob, outbox_message.subject ''.
# Since the tenth (0041a) an item's last and first reminder days and first channel before its reminder are
# packed in one integer, dunning_event_item.prev_state. Since the eleventh (0042a) an item's step before is an id into
# dunning_step_name (counted here with its UNIQUE index), and the computation leaves out what dunning_event's own
# columns hold (formats 5 and 6).
ours="SELECT name FROM sqlite_master WHERE tbl_name LIKE 'outbox%' OR tbl_name LIKE 'dunning_event%' OR tbl_name IN ('dunning_held_reason', 'dunning_letter_folder', 'dunning_step_name')"
all=$(sqlite3 "$v" "SELECT sum(pgsize) FROM dbstat WHERE name IN ($ours)")
echo "  with SQLite's indexes of their UNIQUE constraints: $all bytes; per reminder: $((all / r)) bytes"
echo "  per reminder, by table and index (bytes; payload: the rows' own bytes without page slack):"
sqlite3 "$v" "SELECT name, sum(pgsize) / $r, sum(payload) / $r FROM dbstat WHERE name IN ($ours) GROUP BY name ORDER BY 2 DESC" | sed 's/^/    /'
echo "  of which outbox_message: $(sqlite3 "$v" "SELECT sum(pgsize) FROM dbstat WHERE name = 'outbox_message'") bytes; dunning_event: $(sqlite3 "$v" "SELECT sum(pgsize) FROM dbstat WHERE name = 'dunning_event'") bytes (computation stored: $(sqlite3 "$v" "SELECT CAST(avg(length(computation) + COALESCE(length(computation_z), 0)) AS INT) FROM dunning_event" 2>/dev/null || sqlite3 "$v" "SELECT CAST(avg(length(computation)) AS INT) FROM dunning_event") bytes each)"
