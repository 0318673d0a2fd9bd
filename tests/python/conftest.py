from __future__ import annotations

from pathlib import Path

import pytest
import smedx

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def rules() -> smedx.RuleSet:
    return smedx.load_rules("miit-2024")


@pytest.fixture(scope="session")
def cohort_csv() -> Path:
    return ROOT / "examples" / "surveys" / "cohort.csv"


@pytest.fixture(scope="session")
def cohort_jsonl() -> Path:
    return ROOT / "examples" / "surveys" / "cohort.jsonl"
