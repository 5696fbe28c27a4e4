"""Renders a dcskit HTML report in headless Chromium and checks it like a reader would:
the page renders with no console errors, every chart has content, the table sorts and
filters, and a screenshot is written.

Usage: check_report.py REPORT.html SCREENSHOT.png
Prints 'N passed, M failed' and exits non-zero on any failure.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,2200",
]

# Runs after the page's own script: exercises the table and reports what it sees.
PROBE = r"""
<script>
window.addEventListener('load', function () {
  var out = {};
  out.rendered = document.body.getAttribute('data-rendered');
  out.cards = document.querySelectorAll('#cards .card').length;
  out.typeBytesBars = document.querySelectorAll('#type-bytes rect').length;
  out.typeNumBars = document.querySelectorAll('#type-num rect').length;
  out.treemapCells = document.querySelectorAll('#treemap rect').length;
  out.keyRows = document.querySelectorAll('#keys tbody tr').length;
  var bytesHeader = document.querySelector('#keys th[data-col="bytes"]');
  var firstBefore = document.querySelector('#keys tbody tr td') ? document.querySelector('#keys tbody tr td').textContent : '';
  if (bytesHeader) bytesHeader.click();
  var firstAfter = document.querySelector('#keys tbody tr td') ? document.querySelector('#keys tbody tr td').textContent : '';
  out.sortChangesOrder = out.keyRows < 2 || firstBefore !== firstAfter;
  if (bytesHeader) bytesHeader.click();
  var filter = document.getElementById('key-filter');
  if (filter && firstBefore) {
    filter.value = firstBefore; filter.dispatchEvent(new Event('input'));
    out.filteredRows = document.querySelectorAll('#keys tbody tr').length;
    filter.value = ''; filter.dispatchEvent(new Event('input'));
  }
  var cell = document.querySelector('#treemap rect');
  if (cell) { cell.dispatchEvent(new MouseEvent('click')); out.zoomCrumbs = document.querySelectorAll('#crumbs a').length; }
  var pre = document.createElement('pre'); pre.id = 'probe-result'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def run(html_path, shot_path):
    checks = []
    html = open(html_path, encoding="utf-8").read()
    checks.append(("no external resources", not re.search(r"""(src|href)\s*=\s*["']?https?:""", html)))
    with tempfile.TemporaryDirectory() as tmp:
        probe_page = os.path.join(tmp, "probe.html")
        with open(probe_page, "w", encoding="utf-8") as f:
            f.write(html.replace("</body>", PROBE + "</body>"))
        profile = os.path.join(tmp, "profile")
        dom = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
             "--virtual-time-budget=5000", "--dump-dom", "file://" + probe_page],
            capture_output=True, text=True, timeout=120)
        console_errors = [l for l in dom.stderr.splitlines()
                          if "CONSOLE" in l and ("Uncaught" in l or "Error" in l or ":ERROR:" in l)]
        checks.append(("no console errors", not console_errors))
        for l in console_errors:
            print("console:", l)
        m = re.search(r'<pre id="probe-result">(.*?)</pre>', dom.stdout, re.S)
        probe = json.loads(m.group(1).replace("&quot;", '"')) if m else {}
        print("probe:", json.dumps(probe))
        checks.append(("page script finished", probe.get("rendered") == "true"))
        checks.append(("summary cards", probe.get("cards", 0) >= 3))
        checks.append(("bytes-per-type bars", probe.get("typeBytesBars", 0) >= 1))
        checks.append(("keys-per-type bars", probe.get("typeNumBars", 0) >= 1))
        checks.append(("prefix treemap cells", probe.get("treemapCells", 0) >= 1))
        checks.append(("top-keys rows", probe.get("keyRows", 0) >= 1))
        checks.append(("sorting reorders", probe.get("sortChangesOrder") is True))
        checks.append(("filter narrows", probe.get("filteredRows", 0) >= 1 and probe.get("filteredRows", 0) <= probe.get("keyRows", 0)))
        checks.append(("treemap zooms", probe.get("zoomCrumbs", 0) >= 2))
        subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot_path}",
             "--virtual-time-budget=5000", "file://" + os.path.abspath(html_path)],
            capture_output=True, text=True, timeout=120)
        checks.append(("screenshot written", os.path.exists(shot_path) and os.path.getsize(shot_path) > 10_000))
    failed = [name for name, ok in checks if not ok]
    for name, ok in checks:
        print(("ok   " if ok else "FAIL ") + name)
    print(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], sys.argv[2]))
