#!/usr/bin/env bash
# Regenerates bindings/python/smedx/_core.pyi from the installed smedx._core (after
# `pip install .`); tests/python/test_stubs.py fails until the committed stubs match.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
python3 -m pybind11_stubgen smedx._core -o "$out" >/dev/null
cp "$out/smedx/_core.pyi" bindings/python/smedx/_core.pyi
rm -rf "$out"
echo "stubs: bindings/python/smedx/_core.pyi regenerated"
