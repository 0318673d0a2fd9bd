"""Every conformance case of every bundled rule set, through the Python API."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import smedx

import yaml

ROOT = Path(__file__).resolve().parents[2]
CASES = [
    (folder, case)
    for folder in sorted((ROOT / "indicators").iterdir())
    if (folder / "tests.yaml").exists()
    for case in yaml.safe_load((folder / "tests.yaml").read_text(encoding="utf-8"))["cases"]
]


@pytest.mark.parametrize(("folder", "case"), CASES, ids=[c["name"][:60] for _, c in CASES])
def test_case(folder: Path, case: dict) -> None:
    rules = smedx.load_rules(folder)
    a = rules.score(case["survey"])
    expect = case["expect"]
    for dim, points in expect.get("dimensions", {}).items():
        assert a.dimensions[dim] == Decimal(str(points)), dim
    assert a.total == Decimal(str(expect["total"]))
    assert a.level == expect["level"]
    if "warnings" in expect:
        assert [w["rule"] for w in a.warnings] == expect["warnings"]


def test_there_are_cases() -> None:
    assert len(CASES) >= 20
