#!/usr/bin/env bash
# Runs the whole test suite: format check, then every C++ test (unit and conformance tests, CLI
# tests, the find_package consumer, the example) in the release-with-asserts build and again
# under AddressSanitizer and UndefinedBehaviorSanitizer, then the Python package's tests and
# notebook with pytest. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/format.sh --check
for preset in default asan; do
  echo "== preset $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset" -j "$(nproc)"
done
echo "== python"
scripts/python.sh
python3 -m pytest
