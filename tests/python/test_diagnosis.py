"""Diagnosis from Python: paths, requirements, the cohort's 共性."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
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
    result = smedx.diagnose_frame(frame, rules, target=3)
    cohort, reqs = result.cohort, result.requirements
    assert {g["industry"] for g in cohort["groups"]} == {"chem_new_materials", "equipment_parts"}
    for group in cohort["groups"]:
        common = {r["id"] for r in group["common_requirements"]}
        mine = reqs[reqs["industry"] == group["industry"]]
        assert set(mine.loc[mine["tag"] == "共性", "id"]) == common
        # Counted among the group's enterprises below their target (the only ones with a path).
        for r in group["common_requirements"]:
            assert Decimal(r["count"]) / group["below_target"] >= Decimal("0.5")
            assert group["below_target"] == group["scored"] - group["at_or_above_target"]
    assert len(result.diagnoses) == len(frame)
    # A higher threshold makes fewer requirements common.
    strict = smedx.diagnose_frame(frame, rules, target=3, threshold=0.9).requirements
    assert (strict["tag"] == "共性").sum() < (reqs["tag"] == "共性").sum()


def test_a_survey_with_errors_is_in_the_cohort_as_an_error(
    rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    frame = smedx.read_surveys(cohort_csv)
    frame.loc[0, "network"] = "Q"
    result = smedx.diagnose_frame(frame, rules)
    errors = [e for g in result.cohort["groups"] for e in g["errors"]]
    assert errors == [
        {
            "enterprise_id": "CN-2025-001",
            "message": "unknown option 'Q' for item 'network' (valid: A–E)",
        }
    ]


def test_the_enterprise_file_renders(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    survey = smedx.read_surveys(cohort_jsonl, records=True)[3]
    d = rules.diagnose(survey)
    assert d.target == 2 and d.profile == "chem_new_materials"
    page = d._repr_html_()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "转型需求" in page


def test_targets_are_checked(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    survey = smedx.read_surveys(cohort_jsonl, records=True)[0]
    with pytest.raises(ValueError, match="target level 5 does not exist: the levels are 1–4"):
        rules.diagnose(survey, target=5)
    with pytest.raises(ValueError, match="target level 0"):
        rules.diagnose(survey, target=0)
    with pytest.raises(TypeError):
        rules.diagnose(survey, target=True)


def test_a_bad_survey_raises_survey_error(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    survey = smedx.read_surveys(cohort_jsonl, records=True)[0]
    survey["answers"]["network"] = ["Q"]
    with pytest.raises(smedx.SurveyError, match="没有选项“Q”") as info:  # Chinese by default
        rules.diagnose(survey)
    assert info.value.item == "network"


def test_one_survey_alone_has_only_its_own_requirements(
    rules: smedx.RuleSet, cohort_jsonl: Path
) -> None:
    d = rules.diagnose(smedx.read_surveys(cohort_jsonl, records=True)[5], target=2)
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
    assert len(out.diagnoses) == len(frame)
    assert all(d.assessment.ok for d in out.diagnoses)
    assert len(out.requirements) >= len(plain.requirements)


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
    survey = smedx.read_surveys(cohort_jsonl, records=True)[0]
    survey["scenarios"] = {k: 0 for k in survey["scenarios"]}
    d = rules.diagnose(survey, target=2)
    raised = [r for r in d.requirements if r["kind"] == "scenario"]
    assert raised
    for r in raised:
        assert r["meaning"] == levels[r["id"]][2]["zh"]
        assert r["meaning"] != levels[r["id"]][2]["zh_short"]
    page = d._repr_html_()
    assert "<h2>场景现状</h2>" in page and raised[0]["meaning"] in page


def test_the_result_holds_plain_frames_that_round_trip_through_parquet(
    rules: smedx.RuleSet, cohort_csv: Path, tmp_path: Path
) -> None:
    pytest.importorskip("pyarrow")
    result = smedx.diagnose_frame(smedx.read_surveys(cohort_csv), rules, target=3)
    for name in ("requirements", "enterprises"):
        frame = getattr(result, name)
        assert frame.attrs == {}  # nothing for pandas to copy on every operation
        assert len(frame) > 0
        frame.to_parquet(tmp_path / f"{name}.parquet")
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        pd.testing.assert_frame_equal(back, frame)
    reqs = result.requirements
    # from/to are text in the survey's terms; a scenario's levels are numbers beside them.
    scenarios = reqs[reqs["kind"] == "scenario"]
    assert (scenarios["from"] == scenarios["from_level"].astype("string")).all()
    assert reqs.loc[reqs["kind"] == "item", "to_level"].isna().all()
    by_id = {d.enterprise_id: d for d in result.diagnoses}
    for eid, rid, got in reqs[["enterprise_id", "id", "from"]].itertuples(index=False, name=None):
        want = next(r["from"] for r in by_id[eid].requirements if r["id"] == rid)
        assert got == ("|".join(want) if isinstance(want, list) else str(want))
    ent = result.enterprises
    assert list(ent["enterprise_id"]) == [d.enterprise_id for d in result.diagnoses]
    assert list(ent["level"]) == [d.assessment.level for d in result.diagnoses]
    assert str(ent["level"].dtype) == "Int8"
    assert result.diagnosis("CN-2025-004") is by_id["CN-2025-004"]
    with pytest.raises(KeyError, match="CN-1"):
        result.diagnosis("CN-1")


def test_the_old_frame_spelling_still_works_with_a_warning(
    rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    result = smedx.diagnose_frame(smedx.read_surveys(cohort_csv), rules, target=3)
    with pytest.warns(FutureWarning, match="result.cohort"):
        assert result.attrs["cohort"] is result.cohort
    with pytest.warns(FutureWarning, match=r"result.requirements\[...\]"):
        tags = result["tag"]
    pd.testing.assert_series_equal(tags, result.requirements["tag"])
    with pytest.warns(FutureWarning, match="result.requirements.groupby"):
        sizes = result.groupby("id").size()
    pd.testing.assert_series_equal(sizes, result.requirements.groupby("id").size())
    with pytest.warns(FutureWarning):
        assert len(result) == len(result.requirements)
