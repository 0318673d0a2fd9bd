#!/usr/bin/env bash
# Runs the whole test suite: format check, build, and every test (C++ unit and conformance
# tests, the find_package consumer). Installs what is missing first, like setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/format.sh --check
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default -j "$(nproc)"
