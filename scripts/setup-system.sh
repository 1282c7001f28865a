#!/usr/bin/env bash
# Install the Debian packages cwn-ocr needs, only those that are missing (idempotent).
# As root it runs apt-get itself; otherwise it prints the exact command and stops.
set -euo pipefail
packages=(
  tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng  # the OCR engine and its system data
  tesseract-ocr-osd                                      # its script detection (pages in other scripts)
  poppler-utils                                          # pdftotext, pdftoppm (pdf2image)
  poppler-data                                           # CJK CMaps: without them poppler drops the Han of CID fonts
  qpdf                                                   # structural checks of repaired PDFs
  fonts-noto-cjk fonts-dejavu-core                       # to rebuild the samples
  unicode-data                                           # UCD files (source of cwn_ocr/data)
  chromium                                               # the review page's browser test
  python3-venv
)
# `make bench` and `make eval` compare against OCRmyPDF; the stress corpus (bench/corpus.py) sets text in six
# Debian CJK families and takes Chinese technical prose from the Chinese manual pages
if [ "${1:-}" = "--bench" ]; then
  packages+=(ocrmypdf manpages-zh fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai)
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "cwn-ocr needs these system packages: ${missing[*]}" >&2
  echo "Run as root:  $cmd" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
