#!/usr/bin/env bash
# Formats the C++ sources with clang-format and the Python files with ruff (format, then the lint
# fixes it can make; settings in pyproject.toml); with --check, fails on unformatted files or lint
# findings instead.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files -co --exclude-standard -- '*.h' '*.cpp' | grep -v '^build/')
if [ "${1:-}" = "--check" ]; then
  clang-format --dry-run --Werror "${files[@]}"
  echo "format: ${#files[@]} files clean"
else
  clang-format -i "${files[@]}"
fi

mapfile -t python < <(git ls-files -co --exclude-standard -- '*.py' | grep -v '^build/')
if [ "${1:-}" = "--check" ]; then
  python3 -m ruff format --check --quiet "${python[@]}"
  python3 -m ruff check --quiet "${python[@]}"
  echo "format: ${#python[@]} Python files clean"
else
  python3 -m ruff format --quiet "${python[@]}"
  python3 -m ruff check --fix --quiet "${python[@]}"
fi
