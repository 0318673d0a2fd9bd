#!/usr/bin/env bash
# Opens an enterprise's diagnosis page (一企一档, with its 改造方案 from the example catalogue) and
# the cohort overview of examples/surveys/ in headless Chromium and checks what they show in the
# rendered DOM; then prints both to PDF as Chromium prints them and checks that they come out on
# A4 (595×842 pt), that a table running over pages repeats its header, and that the printed
# text shows no rule-set, catalogue or status id where a Chinese name exists. With
# SCREENSHOTS=DIR also saves the PDFs and screenshots there to look at.
# Usage: tests/diagnosis_pages_check.sh SMEDX_BINARY [WORKDIR]
# Exit 77 (CTest: skipped) when Chromium is not installed, or after the DOM checks when
# poppler-utils (pdfinfo, pdftotext) is not (scripts/bootstrap.sh installs both).
set -euo pipefail
smedx=$1
work=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=page_check.sh
. "$root/tests/page_check.sh"  # the browser (or exit 77), render, expect, print_pdf, a4, ...
rm -rf "$work/out" "$work/big" "$work/big.jsonl" "$work/strict"
mkdir -p "$work"

# The example cohort with the example catalogue; CN-2025-006 is below its target (level 0).
"$smedx" diagnose --rules "$root/indicators/miit-2024" "$root/examples/surveys/cohort.jsonl" \
  --catalogue "$root/catalogues/dongying-2026" --diagnosed-on 2026-03-15 \
  --organisation 东营市工业互联网促进中心 --diagnostician 张工 -o "$work/out" >/dev/null
# A cohort six times as large (ids made unique), whose rosters run over pages.
for k in 1 2 3 4 5 6; do
  sed "s/\"id\":\"\([A-Z]*-2025-[0-9]*\)\"/\"id\":\"\1-$k\"/" "$root/examples/surveys/cohort.jsonl"
done >"$work/big.jsonl"
"$smedx" diagnose --rules "$root/indicators/miit-2024" "$work/big.jsonl" -o "$work/big" >/dev/null

# The plan's figures as the enterprise's JSON gives them: the page must show the same.
plan_field() { sed -n "s/.*\"plan\":{.*\"reached\":true,.*\"level_after\":[0-9]*,\"$1\":\([0-9]*\),.*/\1/p" "$2"; }

page=$work/out/CN-2025-006
render "$page.html" >"$work/page.dom"
expect "$work/page.dom" '行业：特色化工新材料制造' "page: the industry by its Chinese name"
expect "$work/page.dom" "<span class=\"short\">总分差 [0-9.]+ 分</span>" "page: the failing condition with how far"
expect "$work/page.dom" '<span class="met">已满足</span>|差 [0-9]+ 个' "page: conditions marked"
expect "$work/page.dom" 'id="path"><b>把[^<]*即可达到二级。' "page: the path in one sentence"
expect "$work/page.dom" 'F2 设备数字化提升至超过 [0-9.]+%' "page: what an item must reach, in words"
refuse "$work/page.dom" '成本 [0-9]' "page: no abstract path cost"
expect "$work/page.dom" 'id="diagnosed-on">2026-03-15<' "page: the diagnosis date as given"
expect "$work/page.dom" 'id="organisation">东营市工业互联网促进中心<' "page: the organisation"
expect "$work/page.dom" 'id="diagnostician">张工<' "page: the diagnostician"
expect "$work/page.dom" 'id="signature".*诊断机构（盖章）.*诊断人（签字）' "page: the 签字/盖章 block"
cost=$(plan_field cost "$page.json")
[ -n "$cost" ] || { echo "FAIL: CN-2025-006.json has no reached plan"; exit 1; }
expect "$work/page.dom" "id=\"plan-cost\">$cost 元<" "page: the plan's total as in the JSON ($cost 元)"
expect "$work/page.dom" 'id="plan-products".*补齐的条件.*使 [0-9]+ 个场景达到二级' \
  "page: the plan's products and what each closes"

render "$work/out/cohort.html" >"$work/cohort.dom"
expect "$work/cohort.dom" '<h2 id="group-1">特色化工新材料制造</h2>' "cohort: Chinese group headings"
expect "$work/cohort.dom" '在 [0-9]+ 家未达标企业中' "cohort: 共性 counted among those below target"
expect "$work/cohort.dom" '<a href="CN-2025-006.html">诊断档案</a>' "cohort: the roster links each page"
# A threshold no requirement reaches: the 共性 table is a clear 无.
"$smedx" diagnose --rules "$root/indicators/miit-2024" "$root/examples/surveys/cohort.jsonl" \
  --threshold 1 -o "$work/strict" >/dev/null
render "$work/strict/cohort.html" >"$work/strict.dom"
expect "$work/strict.dom" 'id="common-[0-9]+">无（' "cohort: 无 when nothing is common"

need_poppler
# No id of the rule set, the catalogue or a status where the page has a Chinese name for it:
# industry, scenario and item ids, product ids, status words, and no lowercase English word
# (smedx, the engine's name in the provenance line, aside).
ids="$(ls "$root/indicators/miit-2024/industries" | sed 's/\.yaml$//')
$(sed -n 's/^ *- id: *\([a-z_0-9]*\).*/\1/p' "$root/indicators/miit-2024/scenarios.yaml" "$root/indicators/miit-2024/items.yaml")
$(sed -n 's/^ *- id: *\([A-Z][A-Z0-9-]*\).*/\1/p' "$root/catalogues/dongying-2026/catalogue.yaml")"
no_ids() {  # no_ids TEXT WHAT
  local w
  for w in $ids reachable unreachable already common individual high medium normal points \
    scenarios constraint true false; do
    if grep -Eq "(^|[^A-Za-z0-9_-])$w([^A-Za-z0-9_-]|$)" "$1"; then
      echo "FAIL: $2 shows the id '$w'"; exit 1
    fi
  done
  w=$(grep -Eo '[A-Za-z][A-Za-z0-9_]*' "$1" | grep -Ex '[a-z]{3,}' | grep -vx smedx | head -1 || true)
  [ -z "$w" ] || { echo "FAIL: $2 shows the English word '$w'"; exit 1; }
  echo "ok: $2 shows no id where a Chinese name exists, nor English words"
}

print_pdf "$page.html" "$work/page.pdf"
a4 "$work/page.pdf" "page CN-2025-006"
pdftotext -layout "$work/page.pdf" "$work/page.txt"
# The scenario table (16 rows of full level texts) runs over pages: its header on each.
[ "$(grep -c "编号 *场景 *等级 *当前等级含义" "$work/page.txt")" -ge 2 ] ||
  { echo "FAIL: page: the scenario table's header is not repeated"; exit 1; }
echo "ok: page: the scenario table's header repeats on the next page"
expect "$work/page.txt" "第 2 页，共 [0-9]+ 页" "page: page numbers"
expect "$work/page.txt" "企业负责人（签字）" "page: the signature block on paper"
no_ids "$work/page.txt" "page CN-2025-006"

print_pdf "$work/big/cohort.html" "$work/cohort.pdf"
a4 "$work/cohort.pdf" "cohort of 72"
pdftotext -layout "$work/cohort.pdf" "$work/cohort.txt"
# Two groups, each with one roster: more header lines than rosters means a roster's header
# repeated on a later page.
[ "$(grep -c "企业编号 *企业名称 *当前等级 *目标等级" "$work/cohort.txt")" -gt 2 ] ||
  { echo "FAIL: cohort: the roster's header is not repeated"; exit 1; }
echo "ok: cohort: the roster's header repeats on the next page"
no_ids "$work/cohort.txt" "cohort"
print_pdf "$work/out/cohort.html" "$work/cohort-small.pdf"
pdftotext -layout "$work/cohort-small.pdf" "$work/cohort-small.txt"
no_ids "$work/cohort-small.txt" "cohort of the examples"

if [ -n "${SCREENSHOTS:-}" ]; then
  mkdir -p "$SCREENSHOTS"
  cp "$work/page.pdf" "$work/cohort.pdf" "$SCREENSHOTS/"
  for f in "$page.html" "$work/out/cohort.html"; do
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
      --window-size=1200,2400 --screenshot="$SCREENSHOTS/$(basename "$f" .html).png" \
      "file://$f" 2>/dev/null
  done
  echo "screenshots in $SCREENSHOTS"
fi
