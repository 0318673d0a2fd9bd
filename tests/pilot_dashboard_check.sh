#!/usr/bin/env bash
# Opens the pilot dashboard and one acceptance page of examples/pilot/ in headless Chromium and
# checks their key numbers in the rendered DOM; with SCREENSHOTS=DIR also saves screenshots
# there to look at. Usage: tests/pilot_dashboard_check.sh SMEDX_BINARY [WORKDIR]
# Exit 77 (CTest: skipped) when Chromium is not installed (scripts/bootstrap.sh installs it).
set -euo pipefail
smedx=$1
work=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "chromium not installed: skipped"; exit 77; }

ex=$root/examples/pilot
"$smedx" pilot --programme "$root/programmes/dongying-2026" --providers "$ex/providers.csv" \
  --register "$ex/register.csv" --evidence "$ex/evidence.csv" \
  --satisfaction "$ex/satisfaction.jsonl" --surveys "$ex/baseline.jsonl" "$ex/acceptance.jsonl" \
  --as-of 2027-03-15 -o "$work/out" 2>/dev/null

render() {  # the DOM after Chromium has loaded the page
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --dump-dom "file://$1" 2>/dev/null
}
expect() {  # expect FILE REGEX WHAT
  grep -Eq "$2" "$1" || { echo "FAIL: $3 (no match for $2 in $1)"; exit 1; }
  echo "ok: $3"
}

render "$work/out/dashboard.html" >"$work/dashboard.dom"
expect "$work/dashboard.dom" 'id="kpi-registered"[^>]*>60 / 730<' "dashboard: 60 of 730 registered"
expect "$work/dashboard.dom" 'id="kpi-passed"[^>]*>28<' "dashboard: 28 passed"
expect "$work/dashboard.dom" 'id="kpi-failed"[^>]*>12<' "dashboard: 12 failed"
expect "$work/dashboard.dom" 'id="kpi-incomplete"[^>]*>2<' "dashboard: 2 incomplete"
expect "$work/dashboard.dom" '28 / 730（3\.8%）' "dashboard: total progress bar"
expect "$work/dashboard.dom" '16 / 415（3\.9%）' "dashboard: 化工 progress bar"
expect "$work/dashboard.dom" '<td class="n">1</td><td>胜利工业互联网服务有限公司</td><td class="n">86\.844</td>' \
  "dashboard: provider ranked first with its composite"
expect "$work/dashboard.dom" '东营经济技术开发区' "dashboard: uncovered focus district"

render "$work/out/CN-DY-001.html" >"$work/page.dom"
expect "$work/page.dom" 'id="decision"[^>]*>通过<' "page CN-DY-001: passed"
expect "$work/page.dom" 'id="level-before">0<.*id="level-after">2<' "page CN-DY-001: level 0 -> 2"
expect "$work/page.dom" 'id="total-before">13\.75<.*id="total-after">40<' "page CN-DY-001: 13.75 -> 40"

if [ -n "${SCREENSHOTS:-}" ]; then
  mkdir -p "$SCREENSHOTS"
  for f in dashboard.html CN-DY-001.html; do
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
      --window-size=1200,2400 --screenshot="$SCREENSHOTS/$(basename "$f" .html).png" \
      "file://$work/out/$f" 2>/dev/null
  done
  echo "screenshots in $SCREENSHOTS"
fi
