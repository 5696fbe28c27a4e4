#!/usr/bin/env bash
# The HTML report, rendered in Debian's headless Chromium: no console errors, charts with
# content, a sortable/filterable table, a zoomable treemap, and a screenshot.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_apt chromium
build_cli
out="$REPO/.cache/html"
mkdir -p "$out"
inputs=("$REPO/assets/sample.rdb")
"$DCSKIT_BIN" analyze "${inputs[@]}" --format html --out "$out/report.html"
python3 tests/html/check_report.py "$out/report.html" "$out/report.png"
