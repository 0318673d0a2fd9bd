"""The friendly API: loading, repr, lint, pickling, reading files, threads."""

from __future__ import annotations

import json
import pickle
import threading
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import smedx


def test_load_by_name_works_from_any_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rules = smedx.load_rules("miit-2024")
    assert repr(rules).startswith("<RuleSet miit-2024 2024.1 hash=sha256:")
    assert repr(rules).endswith("items=15 scenarios=16>")
    assert "smedx/indicators/miit-2024" in rules.path.as_posix()


def test_load_by_path_and_lint(root: Path) -> None:
    rules = smedx.load_rules(root / "indicators" / "miit-2024")
    assert rules.issues == []
    text = rules.lint()
    assert "points: 100 in 3 dimensions, 9 sub-indicators, 15 items" in text
    assert rules.item_ids[0] == "network" and rules.scenario_ids[-1] == "decision_support"
    assert rules.levels()[1] == (2, "二级", 40.0, 6, 3)


def test_assessment_attributes_and_exact_points(rules: smedx.RuleSet, root: Path) -> None:
    survey = json.loads(
        (root / "examples" / "surveys" / "parts-04-haoyang.json").read_text("utf-8")
    )
    a = rules.score(survey)
    assert (a.level, a.level_name) == (2, "二级")
    assert a.total == Decimal("49.8")
    assert a.dimensions == {
        "foundation": Decimal("23.55"),
        "management": Decimal("9.75"),
        "outcomes": Decimal("16.5"),
    }
    assert list(a.scenarios) == rules.scenario_ids  # keyed by id even when the survey used codes
    assert [w["rule"] for w in a.warnings] == ["network_e_needs_b_c_d"]
    assert a.provenance["rule_set"] == "miit-2024"
    assert a.explanation[1]["level"] == 3 and a.explanation[1]["met"] is False
    d = a.to_dict()
    assert d["total"] == Decimal("49.8") and d["level"] == 2
    html = a._repr_html_()
    assert "EP-2025-004" in html and "二级" in html
    assert "level 3 not reached" in a.why()


def test_rules_pickle_by_path(rules: smedx.RuleSet) -> None:
    again = pickle.loads(pickle.dumps(rules))
    assert again.hash == rules.hash


def test_read_surveys_formats(root: Path) -> None:
    surveys = root / "examples" / "surveys"
    frame = smedx.read_surveys(surveys / "cohort.csv")
    assert len(frame) == 12 and frame.loc[0, "enterprise_id"] == "CN-2025-001"
    lines = smedx.read_surveys(surveys / "cohort.jsonl", records=True)
    assert len(lines) == 12 and lines[0]["enterprise"]["id"] == "CN-2025-001"
    one = smedx.read_surveys(surveys / "chem-01-huaxin.json", records=True)
    assert len(one) == 1


def test_scoring_from_several_threads_at_once(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    surveys = smedx.read_surveys(cohort_jsonl, records=True)
    want = [rules.score(s).total for s in surveys]
    results: dict = {}

    def work(k: int) -> None:
        got = []
        for _ in range(30):
            got.extend(rules.score(s).total for s in surveys)
        results[k] = got

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[k] == want * 30 for k in range(4))


@pytest.mark.parametrize("threads", [-1, 5000, 2**70, True, "2", 1.5])
def test_a_bad_thread_count_is_a_plain_value_error(rules: smedx.RuleSet, threads) -> None:
    # Once a 2,900-character dump of pybind11's signatures (issue 21).
    frame = pd.DataFrame({"enterprise_id": ["E1"]})
    with pytest.raises(ValueError) as e:
        smedx.score_frame(frame, rules, missing="zero", threads=threads)
    assert len(str(e.value)) < 120
    assert str(e.value).startswith("threads ")


def test_read_surveys_gives_a_frame_for_every_format(
    rules: smedx.RuleSet, root: Path, tmp_path: Path
) -> None:
    surveys = root / "examples" / "surveys"
    from_csv = smedx.score_frame(smedx.read_surveys(surveys / "cohort.csv"), rules)
    frame = smedx.read_surveys(surveys / "cohort.jsonl")
    assert list(frame.columns[:4]) == ["enterprise_id", "name", "industry", "district"]
    # Codes (S06) go under ids; trend figures become the library's letters.
    assert set(rules.item_ids + rules.scenario_ids) <= set(frame.columns)
    assert frame["energy_intensity"].isin(["A", "B", "C"]).all()
    by_line = {
        a.enterprise_id: a
        for a in rules.score_many(smedx.read_surveys(surveys / "cohort.jsonl", records=True))
    }
    scores = smedx.score_frame(frame, rules)
    assert scores["error"].isna().all()
    for eid, level, total in scores[["enterprise_id", "level", "total"]].itertuples(
        index=False, name=None
    ):
        assert level == by_line[eid].level and Decimal(str(total)) == by_line[eid].total
    reqs = smedx.diagnose_frame(frame, rules).requirements
    assert set(reqs["enterprise_id"]) <= set(frame["enterprise_id"])
    # One survey alone (.json), a frame of one row, and the CSV example's levels by id.
    one = smedx.read_surveys(surveys / "chem-01-huaxin.json")
    assert len(one) == 1
    want = dict(zip(from_csv["enterprise_id"], from_csv["level"]))
    got = smedx.score_frame(one, rules)
    assert got.loc[0, "level"] == want[one.loc[0, "enterprise_id"]]
    # A survey that does not score keeps its figures as text, and score_frame says so.
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"enterprise": {"id": "X"}, "answers": {"network": ["Q"], '
        '"energy_intensity": {"before": 1, "after": 2}}, "scenarios": {}}\n',
        encoding="utf-8",
    )
    out = smedx.score_frame(smedx.read_surveys(bad), rules, missing="zero")
    assert "before" in out.loc[0, "error"] or "Q" in out.loc[0, "error"]


def test_rules_dimensions_and_questionnaire(rules: smedx.RuleSet) -> None:
    dims = rules.dimensions()
    assert [d for d, _zh, _m in dims] == rules.dimension_ids
    assert sum(m for _d, _zh, m in dims) == Decimal(100)
    assert all(isinstance(m, Decimal) for _d, _zh, m in dims)
    q = rules.questionnaire()
    items = q[q["kind"] == "item"]
    assert list(dict.fromkeys(items["id"])) == rules.item_ids
    f5 = items[items["code"] == "F5"].set_index("option")
    assert f5.loc["C", "text"] == "多个业务环节" or "多个业务环节" in f5.loc["C", "text"]
    # An item's top points are what the rule set gives its best answer.
    scenarios = q[q["kind"] == "scenario"]
    assert list(dict.fromkeys(scenarios["id"])) == rules.scenario_ids
    assert set(scenarios["option"]) == {"1", "2", "3", "4"}
    assert scenarios["points"].isna().all()
    assert items["points"].map(lambda p: isinstance(p, Decimal)).all()
