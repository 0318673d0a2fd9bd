#!/usr/bin/env bash
# Opens the 典型案例集 (cases.html) of examples/pilot/ in headless Chromium and checks its
# structure in the rendered DOM (a cover, one section per selected case, each with industry,
# provider, before/after and what changed); then prints it to PDF and checks that it comes out
# on A4 (595×842 pt), with page numbers, the cover alone on page 1 and each case starting a page
# of its own. Usage: tests/case_booklet_check.sh SMEDX_BINARY [WORKDIR]
# Exit 77 (CTest: skipped) when Chromium is not installed, or after the DOM checks when
# poppler-utils (pdfinfo, pdftotext) is not (scripts/bootstrap.sh installs both).
set -euo pipefail
smedx=$1
work=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=page_check.sh
. "$root/tests/page_check.sh"  # the browser (or exit 77), render, expect, print_pdf, a4, ...

ex=$root/examples/pilot
rm -rf "$work/out"
"$smedx" pilot --programme "$root/programmes/dongying-2026" --providers "$ex/providers.csv" \
  --register "$ex/register.csv" --evidence "$ex/evidence.csv" \
  --satisfaction "$ex/satisfaction.jsonl" --selected "$ex/selected.csv" \
  --surveys "$ex/baseline.jsonl" "$ex/acceptance.jsonl" --as-of 2027-03-15 --no-pages \
  -o "$work/out" 2>/dev/null

render "$work/out/cases.html" >"$work/cases.dom"
# The selected candidates, as cases.json counts them: the booklet has exactly those.
selected=$(grep -o '"selected":true' "$work/out/cases.json" | wc -l)
[ "$selected" -ge 2 ] || { echo "FAIL: the example selects fewer than 2 passed cases"; exit 1; }
expect "$work/cases.dom" "id=\"case-count\">$selected<" "booklet: the cover counts $selected cases"
[ "$(grep -o "<section class=\"case\"" "$work/cases.dom" | wc -l)" -eq "$selected" ] ||
  { echo "FAIL: booklet: not one section per selected case"; exit 1; }
echo "ok: booklet: one section per selected case"
for cls in industry provider solutions level-before level-after; do
  [ "$(grep -o "class=\"[^\"]*\\b$cls\\b" "$work/cases.dom" | wc -l)" -eq "$selected" ] ||
    { echo "FAIL: booklet: not every case shows its $cls"; exit 1; }
done
echo "ok: booklet: every case shows industry, provider, solutions and levels before and after"
expect "$work/cases.dom" '<td class="industry">特色(化工新材料|装备零部件加工)制造' "booklet: industry in Chinese"
expect "$work/cases.dom" 'class="changes"' "booklet: what changed"
expect "$work/cases.dom" 'id="signature"' "booklet: the 编制/审核 block"

need_poppler
print_pdf "$work/out/cases.html" "$work/cases.pdf"
a4 "$work/cases.pdf" booklet
pages=$(pages_of "$work/cases.pdf")
[ "$pages" -ge $((selected + 1)) ] || { echo "FAIL: booklet: fewer pages than cover + cases"; exit 1; }
# Page 1 is the cover alone; case k starts a page: its heading is first on that page.
pdftotext -f 1 -l 1 -layout "$work/cases.pdf" "$work/p1.txt"
grep -q "典型案例集" "$work/p1.txt" && ! grep -q "案例1" "$work/p1.txt" ||
  { echo "FAIL: booklet: page 1 is not the cover alone"; exit 1; }
for ((k = 1; k <= selected; k++)); do
  found=0
  for ((i = 2; i <= pages; i++)); do
    pdftotext -f "$i" -l "$i" -layout "$work/cases.pdf" "$work/pk.txt"
    first=$(grep -m1 -v '^[[:space:]]*$' "$work/pk.txt" || true)
    # pdftotext gives the ideographic space after 案例k as a space or as it is.
    if echo "$first" | grep -Eq "^[[:space:]]*案例$k([[:space:]]|　)"; then found=1; fi
  done
  [ "$found" = 1 ] || { echo "FAIL: booklet: case $k does not start a page"; exit 1; }
done
echo "ok: booklet: each case starts a page of its own"
pdftotext "$work/cases.pdf" "$work/cases.txt"
expect "$work/cases.txt" "第 2 页，共 [0-9]+ 页" "booklet: page numbers"
expect "$work/cases.txt" "截至 2027-03-15" "booklet: the as-of date on paper"
