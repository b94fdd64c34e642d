#!/usr/bin/env bash
# make report-check: renders the demo workspace's morning folder (index.html, every report, trends
# and two debtor pages) in a real headless browser (Debian's chromium) to a PNG screenshot and an A4
# PDF, and fails when a PDF page is not A4 or a table is wider than the printable A4 width.
# Not part of `make test` (it needs chromium, about 300 MB). Output: $out (default report-check/).
#
# The table check renders a copy of each page with its Content-Security-Policy removed and a small
# measuring script added (the shipped pages never run scripts), at the printable width of A4
# (210 mm − 2 × 12 mm = 186 mm = 703 CSS px), and reads the widths back from the dumped DOM.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-report-check}
as_of=${2:-2026-11-21}
install() { if [ "$(id -u)" -eq 0 ]; then apt-get install -y "$@" >/dev/null; else sudo apt-get install -y "$@" >/dev/null; fi; }
command -v chromium >/dev/null || { echo "installing chromium (Debian package)…"; install chromium; }
command -v pdfinfo >/dev/null || install poppler-utils
swift build --product relance >/dev/null
relance=$(swift build --show-bin-path)/relance
ws=$(mktemp -d)/demo
[ -n "${KEEP_WS:-}" ] || trap 'rm -rf "$(dirname "$ws")"' EXIT
scripts/demo.sh "$ws" "$as_of" >/dev/null 2>&1 || true   # the demo exits 65 on purpose (rejected rows)
RELANCE_WORKSPACE=$ws "$relance" dunning run --as-of "$as_of" >/dev/null 2>&1 || true
rm -rf "$out" && mkdir -p "$out"
folder=$(dirname "$ws")/reports
RELANCE_WORKSPACE=$ws "$relance" report morning --as-of "$as_of" --folder "$folder" >/dev/null
day="$folder/$as_of"
pages=(index aging forecast dunning outbox worklist trends)
for f in $(ls "$day/debtors" | sort -n | head -n 2); do pages+=("debtors/${f%.html}"); done
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
       --user-data-dir="$(dirname "$ws")/chromium")
measure='<script>addEventListener("load",function(){var w=703,bad=[];document.querySelectorAll("table,figure").forEach(function(t,i){var r=t.getBoundingClientRect();if(Math.ceil(r.width)>w||t.scrollWidth>w+1){var s=t.closest("section")||t;bad.push((s.querySelector("h3,title")||{textContent:t.tagName}).textContent+" "+Math.ceil(Math.max(r.width,t.scrollWidth))+"px")}});var p=document.createElement("pre");p.textContent="WIDTH"+":"+(bad.length?"FAIL "+bad.join(" | "):"OK");document.body.appendChild(p)})</script>'
status=0
for page in "${pages[@]}"; do
  name=${page//\//-}
  html="$day/$page.html"
  url="file://$(realpath "$html")"
  chromium "${flags[@]}" --window-size=1000,1400 --screenshot="$(realpath "$out")/$name.png" "$url" >/dev/null 2>&1
  chromium "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$(realpath "$out")/$name.pdf" "$url" >/dev/null 2>&1
  n=$(pdfinfo "$out/$name.pdf" | awk '/^Pages:/ {print $2}')
  size=$(pdfinfo -l "$n" "$out/$name.pdf" | grep -E '^Page +[0-9]+ size:' | sort -u -k4)
  # The measuring copy: print layout (no screen padding), the A4 printable width.
  probe="$(dirname "$ws")/probe-$name.html"
  sed -e 's#<meta http-equiv="Content-Security-Policy"[^>]*>##' \
      -e 's#</head>#<style>body{padding:0!important;max-width:none!important;margin:0!important}</style></head>#' \
      -e "s#</body>#$measure</body>#" "$html" > "$probe"
  width=$(chromium "${flags[@]}" --window-size=703,1000 --virtual-time-budget=2000 --dump-dom "file://$probe" 2>/dev/null \
          | grep -o 'WIDTH:[^<]*' | tail -n 1 || echo "WIDTH:FAIL no measurement")
  if echo "$size" | grep -vq '(A4)'; then
    echo "FAIL $name: not A4 on every page:"; echo "$size"; status=1
  elif [[ "$width" != "WIDTH:OK" ]]; then
    echo "FAIL $name: a table is wider than A4: ${width#WIDTH:FAIL }"; status=1
  else
    printf 'ok   %-16s %2s A4 page(s), tables fit, %s\n' "$name" "$n" "$out/$name.png"
  fi
done
chmod 600 "$out"/*.png "$out"/*.pdf 2>/dev/null || true   # they show debtors' names
exit $status
