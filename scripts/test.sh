#!/usr/bin/env bash
# Runs the whole test suite: format check, then every test (C++ unit and conformance tests, CLI
# tests, the find_package consumer) in the release-with-asserts build and again under
# AddressSanitizer and UndefinedBehaviorSanitizer. Installs what is missing first.
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
