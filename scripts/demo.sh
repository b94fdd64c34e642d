#!/usr/bin/env bash
# Runs the main job on the shipped demo data: a fresh demo workspace, then the nightly job end to end
# (inbox ingest, billing, forecast, dunning run, outbox flush to a local SMTP server, reports, backup).
# Exit code 65 from the night is expected: the demo exports contain a few deliberate mistakes, which
# end up in the workspace's rejects/ folder.
set -uo pipefail
dir=${1:-demo-workspace}
as_of=${2:-2026-11-21}
relance=$(swift build --show-bin-path)/relance
rm -rf "$dir"
"$relance" init "$dir" --demo || exit $?
export RELANCE_WORKSPACE="$dir"
abs=$(cd "$dir" && pwd)

# A local SMTP server (Debian's python3-aiosmtpd) that keeps every message in a maildir.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$abs/out/smtp-received/"{tmp,new,cur}
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$abs/out/smtp-received" &
smtp=$!
trap 'kill $smtp 2>/dev/null' EXIT
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break; sleep 0.1; done

echo
echo "== relance nightly --as-of $as_of   (SMTP: 127.0.0.1:$port)"
RELANCE_SMTP_URL="smtp://127.0.0.1:$port" RELANCE_SMTP_TLS=none RELANCE_MAIL_FROM=boekhouding@demo-facturatie.example \
  "$relance" nightly --as-of "$as_of"
status=$?
if [ $status -eq 65 ]; then echo "(exit 65: rejected rows are in $dir/rejects/, as the demo intends)"; status=0; fi
echo
echo "== relance status --as-of $as_of"
"$relance" status --as-of "$as_of" || status=$?
"$relance" dunning plan --as-of "$as_of" --all --format csv > "$dir/out/dunning-plan.csv" || true
echo
received=$(find "$abs/out/smtp-received" -type f -path '*/new/*' | wc -l)
echo "Demo workspace: $dir"
echo "  rejected rows:   $dir/rejects/"
echo "  letters:         $dir/out/letters/$as_of/"
echo "  e-mails:         $received received by the local SMTP server, in $dir/out/smtp-received/new/"
echo "  reports:         $abs/out/reports/$as_of/index.html (the morning page: what needs a look, every report, debtor pages)"
echo "  backup:          $dir/backups/"
exit $status
