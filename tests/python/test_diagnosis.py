"""Diagnosis from Python: paths, requirements, the cohort's 共性."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import smedx

ROOT = Path(__file__).resolve().parents[2]
PATH_CASES = [
    case
    for case in yaml.safe_load((ROOT / "indicators" / "miit-2024" / "tests.yaml").read_text("utf-8"))["cases"]
    if "path" in case["expect"]
]


@pytest.mark.parametrize("case", PATH_CASES, ids=[c["survey"]["enterprise"]["id"] for c in PATH_CASES])
def test_expected_paths(rules: smedx.RuleSet, case: dict) -> None:
    want = case["expect"]["path"]
    d = rules.diagnose(case["survey"], target=want["target"])
    assert d.path["status"] == want["status"]
    assert d.path.get("cost", 0) == Decimal(str(want["cost"]))
    got = [(c["kind"], c["id"], c["from"], c["to"]) for c in d.path["changes"]]
    assert got == [(c["kind"], c["id"], c["from"], c["to"]) for c in want.get("changes", [])]
    assert len(d.requirements) == len(d.path["changes"])


def test_diagnose_frame_tags_common_requirements(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    frame = smedx.read_surveys(cohort_csv)
    reqs = smedx.diagnose_frame(frame, rules, target=3)
    cohort = reqs.attrs["cohort"]
    assert {g["industry"] for g in cohort["groups"]} == {"chem_new_materials", "equipment_parts"}
    for group in cohort["groups"]:
        common = {r["id"] for r in group["common_requirements"]}
        mine = reqs[reqs["industry"] == group["industry"]]
        assert set(mine.loc[mine["tag"] == "共性", "id"]) == common
        for r in group["common_requirements"]:
            assert Decimal(r["count"]) / group["scored"] >= Decimal("0.5")
    assert len(reqs.attrs["diagnoses"]) == len(frame)
    # A higher threshold makes fewer requirements common.
    strict = smedx.diagnose_frame(frame, rules, target=3, threshold=0.9)
    assert (strict["tag"] == "共性").sum() < (reqs["tag"] == "共性").sum()


def test_a_survey_with_errors_is_in_the_cohort_as_an_error(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    frame = smedx.read_surveys(cohort_csv)
    frame.loc[0, "network"] = "Q"
    reqs = smedx.diagnose_frame(frame, rules)
    errors = [e for g in reqs.attrs["cohort"]["groups"] for e in g["errors"]]
    assert errors == [{"enterprise_id": "CN-2025-001",
                       "message": "unknown option 'Q' for item 'network' (valid: A–E)"}]


def test_the_enterprise_file_renders(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    survey = smedx.read_surveys(cohort_jsonl)[3]
    d = rules.diagnose(survey)
    assert d.target == 2 and d.profile == "chem_new_materials"
    page = d._repr_html_()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "转型需求" in page
