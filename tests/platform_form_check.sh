#!/usr/bin/env bash
# Opens examples/platform/form.html in headless Chromium against a running `smedx serve`: the page
# renders the questionnaire from /schema, answers every question at its best (demo=1), posts to
# /score and shows the result, which must be level 4 with 100 points.
# Usage: tests/platform_form_check.sh SMEDX_BINARY [WORKDIR]; exit 77 (skipped) without Chromium.
set -euo pipefail
smedx=$1
work=${2:-$(mktemp -d)}
mkdir -p "$work"
root=$(cd "$(dirname "$0")/.." && pwd)
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "chromium not installed: skipped"; exit 77; }

"$smedx" serve --rules "$root/indicators/miit-2024" --port 0 --cors-origin '*' 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
# Up to 30 s for the server to listen: a sanitizer build on a busy 2-core machine starts slowly.
for _ in $(seq 300); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
api=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.log" | head -1)
[ -n "$api" ] || { echo "FAIL: the server did not start"; cat "$work/serve.log"; exit 1; }

timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
  --user-data-dir="$work/profile" --virtual-time-budget=10000 \
  --dump-dom "file://$root/examples/platform/form.html?api=$api&demo=1" 2>/dev/null >"$work/form.dom"
expect() {  # expect REGEX WHAT
  grep -Eq "$1" "$work/form.dom" || { echo "FAIL: $2 (no match for $1 in $work/form.dom)"; exit 1; }
  echo "ok: $2"
}
expect '<h1 id="title">中小企业数字化水平评测指标' "the title from the schema"
expect 'F5 信息系统' "an item with its code and wording"
expect 'S01 产品设计' "a scenario with its code and wording"
expect 'id="level">等级：四级<' "scored: level 4"
expect 'id="total">总分：100<' "scored: 100 points"
grep -q '"OPTIONS /v1/rulesets/miit-2024/score" 204' "$work/serve.log" && echo "ok: CORS preflight"
