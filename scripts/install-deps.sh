#!/usr/bin/env bash
# Installs the Debian packages Relance needs, only those that are missing.
#   libsqlite3-dev  SQLite headers and library for GRDB
#   zlib1g-dev      zlib, for the outbox's compressed message bodies
#   time            GNU time, for peak-memory figures in `make bench`
#   libcurl4-openssl-dev  libcurl for the Outbox's SMTP transport
#   python3-aiosmtpd      the real SMTP server the Outbox tests talk to (/usr/bin/python3 -m aiosmtpd)
#   libcairo2-dev libpango1.0-dev libqrencode-dev fonts-dejavu-core  PDF letters with an EPC QR code
#   libharfbuzz-dev       hb-subset, the letters' font subsets (already pulled in by libpango1.0-dev)
#   poppler-utils zbar-tools  the tests read letters back (pdftotext, pdffonts, pdftoppm) and scan their QR codes
#   saxonche lxml (pip)   the Peppol validator ../shared/tools/peppol/validate the billing tests run on their UBL
set -euo pipefail
packages=(libsqlite3-dev time libcurl4-openssl-dev python3-aiosmtpd libcairo2-dev libpango1.0-dev libharfbuzz-dev libqrencode-dev
  fonts-dejavu-core poppler-utils zbar-tools pkg-config zlib1g-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v swift >/dev/null 2>&1; then
  echo "error: swift is not on PATH; install the Swift 6 toolchain first (https://www.swift.org/install/linux/)" >&2
  exit 1
fi
# The Peppol validator's Python modules, for the python3 on PATH (the validator's #! line), when missing.
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import saxonche, lxml" >/dev/null 2>&1; then
  echo "installing Python modules for the Peppol validator: saxonche lxml"
  python3 -m pip install -q saxonche lxml 2>/dev/null \
    || python3 -m pip install -q --user --break-system-packages saxonche lxml
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
