#!/usr/bin/env bash
# Runs the whole test suite: format check, then every C++ test (unit and conformance tests, CLI
# tests, the find_package consumer, the example, the replay of the fuzz corpus) in the
# release-with-asserts build and again under AddressSanitizer and UndefinedBehaviorSanitizer;
# with clang, all of them once more built by clang++, the threaded ones under ThreadSanitizer,
# and the library compiled against libc++; then the Python package's tests and notebook with
# pytest. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/format.sh --check
# Configures, builds and runs the tests of each preset named.
test_presets() {
  for preset in "$@"; do
    echo "== preset $preset"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
    ctest --preset "$preset" -j "$(nproc)"
  done
}

test_presets default asan
if command -v clang++ >/dev/null 2>&1; then
  test_presets clang tsan
  echo "== preset clang-libcxx (compiles, does not link: Debian's yaml-cpp is a libstdc++ build)"
  cmake --preset clang-libcxx >/dev/null
  cmake --build --preset clang-libcxx
fi
echo "== python"
scripts/python.sh
python3 -m pytest
