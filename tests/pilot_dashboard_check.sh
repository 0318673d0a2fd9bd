#!/usr/bin/env bash
# Opens the pilot dashboard and one acceptance page of examples/pilot/ in headless Chromium and
# checks their key numbers in the rendered DOM; then prints both to PDF as Chromium prints them
# and checks that they come out on A4 (595×842 pt) with page numbers and a long table's header
# repeated on the next page; with SCREENSHOTS=DIR also saves screenshots and the PDFs there to
# look at. Usage: tests/pilot_dashboard_check.sh SMEDX_BINARY [WORKDIR]
# Exit 77 (CTest: skipped) when Chromium is not installed, or after the DOM checks when
# poppler-utils (pdfinfo, pdftotext) is not (scripts/bootstrap.sh installs both).
set -euo pipefail
smedx=$1
work=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=page_check.sh
. "$root/tests/page_check.sh"  # the browser (or exit 77), render, expect, print_pdf, a4, ...

ex=$root/examples/pilot
"$smedx" pilot --programme "$root/programmes/dongying-2026" --providers "$ex/providers.csv" \
  --register "$ex/register.csv" --evidence "$ex/evidence.csv" \
  --satisfaction "$ex/satisfaction.jsonl" --selected "$ex/selected.csv" --surveys "$ex/baseline.jsonl" "$ex/acceptance.jsonl" \
  --as-of 2027-03-15 -o "$work/out" 2>/dev/null


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

expect "$work/dashboard.dom" 'id="bar-cases"[^>]*>.*6 / 30（20\.0%）' \
  "dashboard: the cases target counts the 6 selected candidates (CN-DY-009 has not passed)"
expect "$work/dashboard.dom" 'id="kpi-follow-up"[^>]*>18<' "dashboard: 18 enterprises to follow up"
expect "$work/dashboard.dom" 'id="needs-below-chem_new_materials">32<' \
  "dashboard: 共性 of 化工 counted among its 32 enterprises below the target"

need_poppler

print_pdf "$work/out/dashboard.html" "$work/dashboard.pdf"
a4 "$work/dashboard.pdf" "dashboard"
# 结论 is only in the header of the table of every enterprise, which runs over pages.
[ "$(pages_with "$work/dashboard.pdf" 结论)" -ge 2 ] ||
  { echo "FAIL: dashboard: the long table's header is not repeated"; exit 1; }
echo "ok: dashboard: the long table's header repeats on the next page"
pdftotext "$work/dashboard.pdf" "$work/dashboard.txt"
expect "$work/dashboard.txt" "第 2 页，共 [0-9]+ 页" "dashboard: page numbers"
expect "$work/dashboard.txt" "截至 2027-03-15" "dashboard: the as-of date on paper"
expect "$work/dashboard.txt" "审核人" "dashboard: the 编制/审核 block"
print_pdf "$work/out/CN-DY-001.html" "$work/page.pdf"
a4 "$work/page.pdf" "page CN-DY-001"
# The items table runs over pages: its header (指标项 改造前 改造后 变化) on each.
pdftotext -layout "$work/page.pdf" "$work/page.txt"
[ "$(grep -c "指标项 *改造前 *改造后 *变化" "$work/page.txt")" -ge 2 ] ||
  { echo "FAIL: page CN-DY-001: the items table's header is not repeated"; exit 1; }
echo "ok: page CN-DY-001: the items table's header repeats"

# The same pilot with its 投入清单, project milestones and the final 绩效自评: the dashboard's
# 奖补 and 项目阶段 sections, and the self-evaluation page on A4 with its headings and signature.
"$smedx" pilot --programme "$root/programmes/dongying-2026" --providers "$ex/providers.csv" \
  --register "$ex/register.csv" --evidence "$ex/evidence.csv" \
  --satisfaction "$ex/satisfaction.jsonl" --selected "$ex/selected.csv" \
  --investments "$ex/investments.csv" --projects "$ex/projects.csv" --report final \
  --catalogue "$root/catalogues/dongying-2026" \
  --surveys "$ex/baseline.jsonl" "$ex/acceptance.jsonl" --as-of 2027-03-15 -o "$work/out2" 2>/dev/null
render "$work/out2/dashboard.html" >"$work/dashboard2.dom"
expect "$work/dashboard2.dom" 'id="subsidy-total"' "dashboard: the 奖补 section"
expect "$work/dashboard2.dom" 'id="subsidy-example"' "dashboard: the example-values warning"
expect "$work/dashboard2.dom" 'id="stages-by-provider"' "dashboard: the stage funnel by provider"
expect "$work/dashboard2.dom" 'id="product-matrix"' "dashboard: the 产品矩阵"
expect "$work/dashboard2.dom" 'id="product-rating"' "dashboard: the product rating (以评促建)"
render "$work/out2/self_evaluation.html" >"$work/self.dom"
expect "$work/self.dom" '终期绩效自评报告' "绩效自评: title"
expect "$work/self.dom" '一、数字化改造.*五、专项资金使用' "绩效自评: the plan's headings in order"
print_pdf "$work/out2/self_evaluation.html" "$work/self.pdf"
a4 "$work/self.pdf" "绩效自评"
pdftotext "$work/self.pdf" "$work/self.txt"
expect "$work/self.txt" "第 1 页，共 [0-9]+ 页" "绩效自评: page numbers"
expect "$work/self.txt" "审核人" "绩效自评: the 编制/审核 block"
print_pdf "$work/out2/dashboard.html" "$work/dashboard2.pdf"
a4 "$work/dashboard2.pdf" "dashboard with 奖补 and stages"

if [ -n "${SCREENSHOTS:-}" ]; then
  mkdir -p "$SCREENSHOTS"
  cp "$work/dashboard.pdf" "$work/page.pdf" "$SCREENSHOTS/"
  for f in dashboard.html CN-DY-001.html; do
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
      --window-size=1200,2400 --screenshot="$SCREENSHOTS/$(basename "$f" .html).png" \
      "file://$work/out/$f" 2>/dev/null
  done
  echo "screenshots in $SCREENSHOTS"
fi
