#!/usr/bin/env bash
# Render a run's report and check it in a headless browser (Chromium), not in the test suite:
#   bench/check_report.sh OUTPUT_DIR
# Writes OUTPUT_DIR/report.html (tools/report.py), then OUTPUT_DIR/report_check/{dom.html,report.png}:
# Chromium loads a copy of the page with a probe script appended, which records on <html> how many
# images the browser decoded; the dumped DOM must show every image decoded from a data:image/png URI,
# no external resource, the summary table, the curves and the gallery rows (or the line saying why
# the gallery is absent); the screenshot must be a non-trivial PNG. Needs `apt-get install chromium`.
set -euo pipefail

if [[ $# -ne 1 || ! -d "$1" ]]; then
    echo "usage: $0 OUTPUT_DIR  (a training run's Global.save_model_dir)" >&2
    exit 2
fi
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="$(cd "$1" && pwd)"
py="${PYTHON:-$repo/.venv/bin/python}"
[[ -x "$py" ]] || py="python3"
browser="${CHROMIUM:-chromium}"
command -v "$browser" >/dev/null || { echo "error: $browser not found (apt-get install -y chromium)" >&2; exit 2; }

report="$run/report.html"
check="$run/report_check"
mkdir -p "$check"
(cd "$repo" && "$py" tools/report.py "$run" --out "$report")

# the probe: runs after every image has loaded (or failed), writes its counts on <html>
probe='<script>window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  var data = imgs.filter(function (i) { return i.currentSrc.indexOf("data:image/png;base64,") === 0; });
  var root = document.documentElement;
  root.setAttribute("data-images", imgs.length);
  root.setAttribute("data-decoded", ok.length);
  root.setAttribute("data-data-uris", data.length);
  root.setAttribute("data-probe", "done");
});</script>'
"$py" - "$report" "$check/probe.html" "$probe" <<'EOF'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
assert page.count("</body>") == 1, "no single </body> in the report"
open(sys.argv[2], "w", encoding="utf-8").write(page.replace("</body>", sys.argv[3] + "</body>"))
EOF

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=10000)
"$browser" "${flags[@]}" --dump-dom "file://$check/probe.html" >"$check/dom.html" 2>"$check/chromium.log"
"$browser" "${flags[@]}" --window-size=1200,2400 --screenshot="$check/report.png" "file://$report" \
    >>"$check/chromium.log" 2>&1

"$py" - "$check/dom.html" "$check/report.png" <<'EOF'
import re
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []  # (tag, attrs)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


text = open(sys.argv[1], encoding="utf-8").read()
dom = Dom()
dom.feed(text)
html = next(a for t, a in dom.tags if t == "html")
imgs = [a for t, a in dom.tags if t == "img"]
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


check(html.get("data-probe") == "done", "the page loaded and the probe ran")
check(len(imgs) > 0 and html.get("data-images") == str(len(imgs)), f"{len(imgs)} <img> in the DOM")
check(html.get("data-decoded") == str(len(imgs)), f"browser decoded {html.get('data-decoded')}/{len(imgs)} images")
check(html.get("data-data-uris") == str(len(imgs)) and all(
    a.get("src", "").startswith("data:image/png;base64,") for a in imgs), "every image is a data:image/png URI")
external = [v for _, a in dom.tags for k, v in a.items()
            if k in ("src", "href") and v and not v.startswith("data:")]
check(not external, f"no external resources {external[:3]}")
rows = [a for t, a in dom.tags if t == "tr" and a.get("data-key")]
keys = {a["data-key"] for a in rows}
check({"steps", "best", "best_step", "final", "config", "weights"} <= keys, f"summary table rows: {sorted(keys)}")
curves = [a for a in imgs if "curve" in a.get("class", "").split()]
check(len(curves) >= 1, f"{len(curves)} curve(s): {[a.get('data-curve') for a in curves]}")
items = [a for t, a in dom.tags if t == "tr" and "item" in a.get("class", "").split()]
absent = any(a.get("id") == "gallery-absent" for _, a in dom.tags)
kind = next((a.get("data-kind") for t, a in dom.tags if t == "table" and a.get("id") == "gallery"), None)
check(bool(items) or absent, f"gallery ({kind}): {len(items)} row(s)" if not absent else "gallery absent, with its reason")
check(len(re.findall(r'class="truth"', text)) == len(items) == len(re.findall(r'class="prediction"', text)),
      "each gallery row has truth and prediction")
png = open(sys.argv[2], "rb").read()
check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, f"screenshot {sys.argv[2]} ({len(png)} bytes)")
sys.exit(1 if failures else 0)
EOF
echo "report check passed: $report (screenshot $check/report.png)"
