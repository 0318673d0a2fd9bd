"""The committed stubs must match the compiled module (regenerate: scripts/stubs.sh)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pybind11_stubgen")


def test_stubs_match_the_compiled_module(root: Path, tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pybind11_stubgen", "smedx._core", "-o", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    generated = (tmp_path / "smedx" / "_core.pyi").read_text(encoding="utf-8")
    committed = (root / "bindings" / "python" / "smedx" / "_core.pyi").read_text(encoding="utf-8")
    assert generated == committed, "smedx/_core.pyi is out of date: run scripts/stubs.sh"


def test_the_package_ships_its_stubs_and_py_typed() -> None:
    import smedx

    here = Path(smedx.__file__).parent
    assert (here / "py.typed").exists()
    assert (here / "_core.pyi").exists()
