"""RuleSetError and SurveyError: ValueErrors with the C++ messages and their places."""

from __future__ import annotations

import json
import subprocess
import sysconfig
from pathlib import Path

import pytest
import smedx


def test_rule_set_error_carries_the_place_and_the_cxx_message(root: Path) -> None:
    broken = root / "tests" / "data" / "broken.yaml"
    with pytest.raises(smedx.RuleSetError) as info:
        smedx.load_rules(broken)
    e = info.value
    assert isinstance(e, ValueError)
    assert (e.line, e.column) == (24, 17)
    assert e.path == "items.network.options[1]"
    assert e.item == "network"
    assert e.file == str(broken)
    # The message is the C++ diagnostic text, the same that `smedx lint` prints.
    cli = Path(sysconfig.get_path("scripts")) / "smedx"  # the command the wheel installs
    lint = subprocess.run([str(cli), "lint", str(broken)], capture_output=True, text=True)
    assert lint.returncode == 1
    assert str(e) == "rule set has errors:\n" + lint.stderr.rstrip("\n")


def test_unknown_rule_set_name(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="miit-2024"):
        smedx.load_rules("miit-2099")


def test_survey_error_names_the_item(rules: smedx.RuleSet, root: Path) -> None:
    survey = json.loads((root / "examples" / "surveys" / "chem-03-runze.json").read_text("utf-8"))
    survey["answers"]["network"] = ["B", "Q"]
    with pytest.raises(smedx.SurveyError) as info:
        rules.score(survey)
    e = info.value
    assert isinstance(e, ValueError)
    assert str(e) == "unknown option 'Q' for item 'network' (valid: A–E)"
    assert e.item == "network"
    assert e.path == "answers.network"
    assert e.issues[0]["message"] == str(e)


def test_batches_never_raise_for_a_bad_survey(rules: smedx.RuleSet, cohort_jsonl: Path) -> None:
    surveys = smedx.read_surveys(cohort_jsonl, records=True)
    surveys[4]["answers"]["planning"] = ["D"]
    out = list(rules.score_many(surveys))
    assert len(out) == len(surveys)
    assert [a.ok for a in out].count(False) == 1
    assert out[4].error["issues"][0]["code"] == "E-ANSWER-SINGLE"
    assert out[4].error["message"].endswith("只能选一项，收到 多项")  # Chinese by default
    assert out[4].error["issues"][0]["line"] == 5  # the record's number in the batch


def test_missing_policy_is_checked(rules: smedx.RuleSet, root: Path) -> None:
    survey = json.loads((root / "examples" / "surveys" / "chem-03-runze.json").read_text("utf-8"))
    with pytest.raises(ValueError, match="missing must be"):
        rules.score(survey, missing="maybe")
