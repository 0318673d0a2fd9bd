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
    lines = smedx.read_surveys(surveys / "cohort.jsonl")
    assert len(lines) == 12 and lines[0]["enterprise"]["id"] == "CN-2025-001"
    one = smedx.read_surveys(surveys / "chem-01-huaxin.json")
    assert len(one) == 1


def test_scoring_from_several_threads_at_once(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    surveys = smedx.read_surveys(cohort_jsonl)
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
