"""Diagnosis from Python: paths, requirements, the cohort's 共性."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import smedx

import yaml

ROOT = Path(__file__).resolve().parents[2]
PATH_CASES = [
    case
    for case in yaml.safe_load(
        (ROOT / "indicators" / "miit-2024" / "tests.yaml").read_text("utf-8")
    )["cases"]
    if "path" in case["expect"]
]


@pytest.mark.parametrize(
    "case", PATH_CASES, ids=[c["survey"]["enterprise"]["id"] for c in PATH_CASES]
)
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


def test_a_survey_with_errors_is_in_the_cohort_as_an_error(
    rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    frame = smedx.read_surveys(cohort_csv)
    frame.loc[0, "network"] = "Q"
    reqs = smedx.diagnose_frame(frame, rules)
    errors = [e for g in reqs.attrs["cohort"]["groups"] for e in g["errors"]]
    assert errors == [
        {
            "enterprise_id": "CN-2025-001",
            "message": "unknown option 'Q' for item 'network' (valid: A–E)",
        }
    ]


def test_the_enterprise_file_renders(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    survey = smedx.read_surveys(cohort_jsonl)[3]
    d = rules.diagnose(survey)
    assert d.target == 2 and d.profile == "chem_new_materials"
    page = d._repr_html_()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "转型需求" in page


def test_targets_are_checked(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    survey = smedx.read_surveys(cohort_jsonl)[0]
    with pytest.raises(ValueError, match="target level 5 does not exist: the levels are 1–4"):
        rules.diagnose(survey, target=5)
    with pytest.raises(ValueError, match="target level 0"):
        rules.diagnose(survey, target=0)
    with pytest.raises(TypeError):
        rules.diagnose(survey, target=True)


def test_a_bad_survey_raises_survey_error(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    survey = smedx.read_surveys(cohort_jsonl)[0]
    survey["answers"]["network"] = ["Q"]
    with pytest.raises(smedx.SurveyError, match="unknown option 'Q'") as info:
        rules.diagnose(survey)
    assert info.value.item == "network"


def test_one_survey_alone_has_only_its_own_requirements(
    rules: smedx.RuleSet, cohort_jsonl: Path
) -> None:
    d = rules.diagnose(smedx.read_surveys(cohort_jsonl)[5], target=2)
    assert d.requirements and all(r["tag"] == "个性" for r in d.requirements)


def test_diagnose_frame_reads_cells_as_score_frame_does(
    rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    frame = smedx.read_surveys(cohort_csv)
    plain = smedx.diagnose_frame(frame, rules)
    typed = frame.copy()
    typed["quality"] = typed["quality"].astype(float)
    typed.loc[0, "quality"] = None  # a NaN makes the column float: 2.0 must still read as 2
    typed["network"] = typed["network"].str.split("|")
    typed["notes"] = "extra column, left out"
    out = smedx.diagnose_frame(typed, rules, missing="zero")
    assert len(out.attrs["diagnoses"]) == len(frame)
    assert all(d.assessment.ok for d in out.attrs["diagnoses"])
    assert len(out) >= len(plain)


def test_thresholds_are_checked(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    frame = smedx.read_surveys(cohort_csv)
    for bad in (0, -0.5, 1.5, 1 / 3, float("nan")):
        with pytest.raises(ValueError, match="threshold"):
            smedx.diagnose_frame(frame, rules, threshold=bad)


def test_a_scenario_requirement_means_the_full_text_of_its_level(
    rules: smedx.RuleSet, cohort_jsonl: Path
) -> None:
    scenarios = yaml.safe_load(
        (ROOT / "indicators" / "miit-2024" / "scenarios.yaml").read_text("utf-8")
    )
    levels = {s["id"]: s["levels"] for s in scenarios["scenarios"]}
    survey = smedx.read_surveys(cohort_jsonl)[0]
    survey["scenarios"] = {k: 0 for k in survey["scenarios"]}
    d = rules.diagnose(survey, target=2)
    raised = [r for r in d.requirements if r["kind"] == "scenario"]
    assert raised
    for r in raised:
        assert r["meaning"] == levels[r["id"]][2]["zh"]
        assert r["meaning"] != levels[r["id"]][2]["zh_short"]
    page = d._repr_html_()
    assert "<h2>场景现状</h2>" in page and raised[0]["meaning"] in page
