#!/usr/bin/env bash
# Builds and installs the Python package (smedx, with smedx._core compiled from this tree) and
# what its tests and notebook need, into the python3 on PATH. A second run rebuilds only what
# changed (scikit-build-core keeps its build folder under build/python).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --root-user-action=ignore --disable-pip-version-check ".[test]"
