#!/usr/bin/env bash
# Sets everything up on a fresh Debian machine and runs the main job on the bundled data:
# installs what is missing, builds smedx, checks the 2024 national rule set and scores the
# bundled example cohort of 12 pilot enterprises, writes their diagnosis files (一企一档) to
# out/diagnosis/, runs the example pilot programme (examples/pilot/) into out/pilot/, matches
# the enterprises to the example catalogue's products (out/match/), and
# installs the Python package (import smedx).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
cmake --preset default >/dev/null
cmake --build --preset default
echo "== installing the Python package"
scripts/python.sh

echo
echo "== smedx lint indicators/miit-2024"
build/default/smedx lint indicators/miit-2024

echo
echo "== smedx score --rules indicators/miit-2024 examples/surveys/cohort.jsonl --format table"
build/default/smedx score --rules indicators/miit-2024 examples/surveys/cohort.jsonl --format table

echo
echo "== smedx diagnose --rules indicators/miit-2024 examples/surveys/cohort.jsonl --catalogue catalogues/dongying-2026 -o out/diagnosis"
build/default/smedx diagnose --rules indicators/miit-2024 examples/surveys/cohort.jsonl \
  --catalogue catalogues/dongying-2026 --organisation 东营市中小企业数字化转型服务中心（示例） \
  -o out/diagnosis
echo "   open out/diagnosis/CN-2025-004.html (one enterprise, with its 改造方案) or out/diagnosis/cohort.html in a browser"

echo
echo "== smedx pilot --programme programmes/dongying-2026 … examples/pilot/ -o out/pilot"
build/default/smedx pilot --programme programmes/dongying-2026 \
  --providers examples/pilot/providers.csv --register examples/pilot/register.csv \
  --evidence examples/pilot/evidence.csv --satisfaction examples/pilot/satisfaction.jsonl \
  --selected examples/pilot/selected.csv \
  --investments examples/pilot/investments.csv --projects examples/pilot/projects.csv \
  --report midterm --catalogue catalogues/dongying-2026 \
  --surveys examples/pilot/baseline.jsonl examples/pilot/acceptance.jsonl \
  --as-of 2027-03-15 -o out/pilot
echo "   open out/pilot/dashboard.html in a browser (each enterprise's acceptance page beside it: out/pilot/<id>.html)"
echo "   奖补: out/pilot/subsidy.csv and subsidy_ledger.csv; 项目阶段: out/pilot/projects.csv; 绩效自评: out/pilot/self_evaluation.html"
echo "   follow-up lists for the 县区 and the providers: out/pilot/follow_up_by_district.csv, follow_up_by_provider.csv"
echo "   产品矩阵 and product rating (以评促建): out/pilot/product_matrix.csv, product_rating.csv, products.json"
echo "   改造需求清单: out/pilot/needs_common.csv (共性, per industry) and needs_individual.csv (个性); 典型案例集: out/pilot/cases.html"

echo
echo "== smedx match --rules indicators/miit-2024 --catalogue catalogues/dongying-2026 … -o out/match/plans.jsonl"
mkdir -p out/match
build/default/smedx match --rules indicators/miit-2024 --catalogue catalogues/dongying-2026 \
  examples/surveys/cohort.jsonl examples/pilot/baseline.jsonl \
  --matrix out/match/matrix.json -o out/match/plans.jsonl
echo "   each enterprise's cheapest products to level 2: out/match/plans.jsonl; the 产品矩阵: out/match/matrix.json"

echo
echo "== python3 -c \"import smedx; print(smedx.load_rules('miit-2024'))\""
python3 -c "import smedx; print(smedx.load_rules('miit-2024'))"
