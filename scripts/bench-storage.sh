#!/usr/bin/env bash
# Database bytes per reminder (not a test): a fresh demo workspace, then `relance nightly --as-of`
# for NIGHTS consecutive days (default 5) from FIRST (default 2026-11-21), e-mails to a local SMTP
# server (python3-aiosmtpd) so they end up sent. Prints, after a VACUUM of a copy, the database size,
# the reminders written and the bytes per reminder, and the biggest tables (SQLite's dbstat).
#   scripts/bench-storage.sh [NIGHTS] [FIRST]       RELANCE=path/to/relance  (default: the debug build)
set -uo pipefail
nights=${1:-5}
first=${2:-2026-11-21}
cd "$(dirname "$0")/.."
relance=${RELANCE:-$(swift build --show-bin-path)/relance}
dir=$(mktemp -d)
trap 'kill $smtp 2>/dev/null; rm -rf "$dir"' EXIT
"$relance" init "$dir/w" --demo >/dev/null || exit $?
export RELANCE_WORKSPACE="$dir/w"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$dir/smtp/"{tmp,new,cur}
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$dir/smtp" &
smtp=$!
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break; sleep 0.1; done
for i in $(seq 0 $((nights - 1))); do
  day=$(date -u -d "$first + $i day" +%F)
  RELANCE_SMTP_URL="smtp://127.0.0.1:$port" RELANCE_SMTP_TLS=none RELANCE_MAIL_FROM=boekhouding@demo-facturatie.example \
    "$relance" nightly --as-of "$day" >/dev/null 2>&1
  echo "night $day: exit $?"
done
db="$dir/w/relance.sqlite"
sqlite3 "$db" "SELECT as_of, count(*) FROM dunning_event GROUP BY as_of" | sed "s/^/  reminders on /"
sqlite3 "$db" "SELECT 'avg text/html body bytes: ' || CAST(avg(length(text_body)) AS INT) || ' / ' || CAST(avg(length(html_body)) AS INT) FROM outbox_message"
[ -n "${KEEP:-}" ] && cp "$db" "$KEEP"
sqlite3 "$db" "VACUUM INTO '$dir/vacuumed.sqlite'"
v="$dir/vacuumed.sqlite"
reminders=$(sqlite3 "$v" "SELECT count(*) FROM dunning_event")
messages=$(sqlite3 "$v" "SELECT count(*) FROM outbox_message")
bytes=$(stat -c %s "$v")
echo "nights: $nights from $first; reminders (dunning_event rows): $reminders; outbox messages: $messages"
echo "database after VACUUM: $bytes bytes; per reminder: $((bytes / (reminders > 0 ? reminders : 1))) bytes"
echo "largest tables and indexes (bytes, dbstat):"
sqlite3 "$v" "SELECT name, sum(pgsize) AS b FROM dbstat GROUP BY name ORDER BY b DESC LIMIT 8" | sed 's/^/  /'
per=$(sqlite3 "$v" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'outbox%' OR name LIKE 'dunning_event%' OR name = 'dunning_item_by_invoice'")
echo "the reminders' own tables and indexes (outbox_*, dunning_event*): $per bytes; per reminder: $((per / (reminders > 0 ? reminders : 1))) bytes"
echo "  of which outbox_message: $(sqlite3 "$v" "SELECT sum(pgsize) FROM dbstat WHERE name = 'outbox_message'") bytes; dunning_event: $(sqlite3 "$v" "SELECT sum(pgsize) FROM dbstat WHERE name = 'dunning_event'") bytes (computation JSON $(sqlite3 "$v" "SELECT CAST(avg(length(computation)) AS INT) FROM dunning_event") bytes each)"
