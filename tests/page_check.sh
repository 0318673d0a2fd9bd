# Sourced by the Chromium page checks (diagnosis pages, pilot dashboard, case booklet): finding
# the browser, the DOM as it renders, the PDF as it prints, and the checks on both. The caller
# sets `work` (its scratch folder) first. Exits 77 (CTest: skipped) when Chromium is not there;
# need_poppler does the same, after the DOM checks, when pdfinfo and pdftotext are not
# (scripts/bootstrap.sh installs all three).
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "chromium not installed: skipped"; exit 77; }

render() {  # render HTML: the DOM after Chromium has loaded the page
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --dump-dom "file://$1" 2>/dev/null
}
expect() {  # expect FILE REGEX WHAT
  grep -Eq "$2" "$1" || { echo "FAIL: $3 (no match for $2 in $1)"; exit 1; }
  echo "ok: $3"
}
refuse() {  # refuse FILE REGEX WHAT
  if grep -Eq "$2" "$1"; then echo "FAIL: $3 ($2 found in $1)"; exit 1; fi
  echo "ok: $3"
}

# The print checks need poppler-utils: without it the DOM checks before still ran, and the test
# says it was skipped rather than passed.
need_poppler() {
  if ! command -v pdfinfo >/dev/null || ! command -v pdftotext >/dev/null; then
    echo "poppler-utils (pdfinfo, pdftotext) not installed: A4 print checks skipped"
    exit 77
  fi
}
print_pdf() {  # print_pdf HTML PDF: as Chromium prints it, without its own header and footer
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --no-pdf-header-footer --print-to-pdf="$2" "file://$1" \
    >/dev/null 2>&1
}
pages_of() { pdfinfo "$1" | sed -n 's/^Pages: *//p'; }  # pages_of PDF
a4() {  # a4 PDF WHAT: every page 595×842 pt (pdfinfo gives the first; -l the rest)
  local sizes
  sizes=$(pdfinfo -f 1 -l 999 "$1" | sed -n 's/^Page *[0-9]* size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p' | sort -u)
  [ "$(echo "$sizes" | awk '{printf "%.0f %.0f\n", $1, $2}' | sort -u)" = "595 842" ] ||
    { echo "FAIL: $2 is not A4 (pages: $sizes)"; exit 1; }
  echo "ok: $2 prints on A4 ($(pages_of "$1") pages)"
}
pages_with() {  # pages_with PDF TEXT: how many pages show TEXT
  local n k=0
  n=$(pages_of "$1")
  for ((i = 1; i <= n; i++)); do
    pdftotext -f "$i" -l "$i" -layout "$1" "$work/one-page.txt"
    grep -q "$2" "$work/one-page.txt" && k=$((k + 1))
  done
  echo "$k"
}
