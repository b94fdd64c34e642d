#!/usr/bin/env bash
# make report-check: renders every HTML report of the demo workspace in a real headless browser
# (Debian's chromium) to a PNG screenshot and an A4 PDF, and checks that every PDF page is A4.
# Not part of `make test` (it needs chromium, about 300 MB). Output: $out (default report-check/).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-report-check}
as_of=${2:-2026-11-21}
if ! command -v chromium >/dev/null; then
  echo "installing chromium (Debian package)…"
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y chromium >/dev/null; else sudo apt-get install -y chromium >/dev/null; fi
fi
command -v pdfinfo >/dev/null || { if [ "$(id -u)" -eq 0 ]; then apt-get install -y poppler-utils >/dev/null; else sudo apt-get install -y poppler-utils >/dev/null; fi; }
swift build --product relance >/dev/null
relance=$(swift build --show-bin-path)/relance
ws=$(mktemp -d)/demo
trap 'rm -rf "$(dirname "$ws")"' EXIT
scripts/demo.sh "$ws" "$as_of" >/dev/null 2>&1 || true   # the demo exits 65 on purpose (rejected rows)
# Tonight's reminders, when this build has the dunning run.
RELANCE_WORKSPACE=$ws "$relance" dunning run --as-of "$as_of" >/dev/null 2>&1 || true
rm -rf "$out" && mkdir -p "$out"
status=0
for kind in aging forecast dunning outbox worklist; do
  html="$out/$kind.html"
  RELANCE_WORKSPACE=$ws "$relance" report "$kind" --as-of "$as_of" --format html --out "$html" 2>/dev/null
  url="file://$(realpath "$html")"
  flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
         --user-data-dir="$(dirname "$ws")/chromium")
  chromium "${flags[@]}" --window-size=1000,1400 --screenshot="$(realpath "$out")/$kind.png" "$url" >/dev/null 2>&1
  chromium "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$(realpath "$out")/$kind.pdf" "$url" >/dev/null 2>&1
  pages=$(pdfinfo "$out/$kind.pdf" | awk '/^Pages:/ {print $2}')
  size=$(pdfinfo -l "$pages" "$out/$kind.pdf" | grep -E '^Page +[0-9]+ size:' | sort -u -k4)
  if echo "$size" | grep -vq '(A4)'; then
    echo "FAIL $kind: not A4 on every page:"; echo "$size"; status=1
  else
    printf 'ok   %-9s %2s A4 page(s), %s\n' "$kind" "$pages" "$out/$kind.png"
  fi
done
chmod 600 "$out"/*.png "$out"/*.pdf 2>/dev/null || true   # they show debtors' names
exit $status
