#!/bin/sh
# make-sample.sh - regenerates report-page1.png: page 1 of the sample quarterly report (17 cultural houses), as printed to A4 by headless Chromium.
#
# Usage: evidence/sample/make-sample.sh [BUILDDIR]
#   BUILDDIR: a configured build tree (default: the current directory);
#   the helper tests/unit/html_sample is built there if missing.
# Needs chromium and poppler-utils (pdftoppm). Writes
# evidence/sample/report-page1.png next to this script, and leaves
# sample.html and sample.pdf in BUILDDIR/artifacts/sample/.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-.}" && pwd)
out="$build/artifacts/sample"

chrome=$(command -v chromium || command -v chromium-browser ||
	command -v google-chrome || true)
if [ -z "$chrome" ] || ! command -v pdftoppm >/dev/null; then
	echo "make-sample.sh: needs chromium and pdftoppm (poppler-utils)" >&2
	exit 1
fi
make -C "$build" tests/unit/html_sample >/dev/null
mkdir -p "$out"
"$build/tests/unit/html_sample" "$out/sample.html" vi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# As root Chromium needs --no-sandbox; no header/footer: the report
# carries its own.
HOME="$profile" "$chrome" --headless --no-sandbox --disable-gpu \
	--disable-dev-shm-usage --no-first-run --user-data-dir="$profile" \
	--no-pdf-header-footer --print-to-pdf="$out/sample.pdf" \
	"file://$out/sample.html" 2>/dev/null
pdftoppm -r 80 -f 1 -l 1 -png -singlefile "$out/sample.pdf" "$out/page1"
cp "$out/page1.png" "$here/report-page1.png"
echo "wrote $here/report-page1.png"
