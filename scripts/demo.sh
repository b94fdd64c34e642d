#!/usr/bin/env bash
# Runs the main job on the shipped demo data: a fresh demo workspace, the three ingests, the status.
# Exit code 65 from an ingest is expected: the demo exports contain a few deliberate mistakes,
# which end up in the workspace's rejects/ folder.
set -uo pipefail
dir=${1:-demo-workspace}
as_of=${2:-2026-11-21}
relance=$(swift build --show-bin-path)/relance
rm -rf "$dir"
"$relance" init "$dir" --demo || exit $?
export RELANCE_WORKSPACE="$dir"
status=0
for kind in debtors invoices payments; do
  echo
  echo "== relance ingest $kind inbox/$kind.csv --as-of $as_of"
  "$relance" ingest "$kind" "$dir/inbox/$kind.csv" --as-of "$as_of"
  rc=$?
  if [ $rc -eq 65 ]; then echo "(exit 65: rejected rows are in $dir/rejects/, as the demo intends)"
  elif [ $rc -ne 0 ]; then status=$rc; fi
done
echo
echo "== relance status --as-of $as_of"
"$relance" status --as-of "$as_of" || status=$?
echo
echo "== relance forecast run --as-of $as_of"
"$relance" forecast run --as-of "$as_of" || status=$?
echo
echo "== relance dunning plan --as-of $as_of --format csv > $dir/out/dunning-plan.csv"
"$relance" dunning plan --as-of "$as_of" --format csv > "$dir/out/dunning-plan.csv" || status=$?
cut -d, -f4,5 "$dir/out/dunning-plan.csv" | tail -n +2 | sort | uniq -c | sort -rn
echo
echo "== relance dunning run --as-of $as_of"
"$relance" dunning run --as-of "$as_of" || status=$?
echo
echo "== relance outbox flush   (a fresh workspace writes .eml files to $dir/out/mail until SMTP is configured)"
"$relance" outbox flush || status=$?
echo
echo "Demo workspace: $dir (rejected rows in $dir/rejects/, tonight's plan in $dir/out/dunning-plan.csv,"
echo "letters in $dir/out/letters/$as_of/, e-mails in $dir/out/mail/)"
exit $status
