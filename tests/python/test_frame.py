"""score_frame: pandas in and out, in order, exact, and equal to scoring row by row."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import smedx


def expected_table(root: Path) -> pd.DataFrame:
    return pd.read_csv(
        root / "examples" / "surveys" / "expected.tsv", sep="\t", dtype=str, keep_default_na=False
    )


def test_cohort_scores_as_expected(rules: smedx.RuleSet, cohort_csv: Path, root: Path) -> None:
    out = smedx.score_frame(smedx.read_surveys(cohort_csv), rules, warnings=True)
    want = expected_table(root)
    assert list(out["enterprise_id"]) == list(want["enterprise_id"])
    assert [int(x) for x in out["level"]] == [int(x) for x in want["level"]]
    for col in ("foundation", "management", "outcomes", "total"):
        assert [f"{x:g}" for x in out[col]] == [f"{float(x):g}" for x in want[col]], col
    assert out["error"].isna().all()
    assert out.loc[9, "warnings"].startswith("F1 选项E")


def test_output_columns_and_dtypes_follow_the_csv_output(
    rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    out = smedx.score_frame(smedx.read_surveys(cohort_csv), rules)
    assert list(out.columns) == (
        ["enterprise_id", "name", "industry", "district", "level", "total"]
        + rules.dimension_ids
        + rules.scenario_ids
        + ["error"]
    )
    assert (
        list(smedx.score_frame(smedx.read_surveys(cohort_csv), rules, warnings=True).columns)[-1]
        == "warnings"
    )
    assert out["level"].dtype == "Int8"
    assert out["total"].dtype == "Float64"
    assert out["product_design"].dtype == "Int8"


def test_order_and_index_are_kept(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    frame = smedx.read_surveys(cohort_csv)
    shuffled = frame.sample(frac=1.0, random_state=7)
    shuffled.index = [f"row{i}" for i in range(len(shuffled))]
    out = smedx.score_frame(shuffled, rules)
    assert list(out.index) == list(shuffled.index)
    assert list(out["enterprise_id"]) == list(shuffled["enterprise_id"])
    straight = smedx.score_frame(frame, rules).set_index("enterprise_id")
    assert (
        out.set_index("enterprise_id")["total"] == straight.loc[out["enterprise_id"], "total"]
    ).all()


def test_missing_answers_follow_the_policy(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    frame = smedx.read_surveys(cohort_csv)
    frame.loc[2, "network"] = np.nan
    frame.loc[3, "quality"] = None
    out = smedx.score_frame(frame, rules, lang="en")  # the English kept for platform logs
    assert out.loc[2, "error"] == "missing answers for items: F1 network"
    assert out.loc[3, "error"] == "missing levels for scenarios: S07 quality"
    assert pd.isna(out.loc[2, "level"]) and pd.isna(out.loc[2, "total"])
    assert out["error"].isna().sum() == len(frame) - 2

    zero = smedx.score_frame(frame, rules, missing="zero", warnings=True)
    assert zero["error"].isna().all()
    assert zero.loc[2, "warnings"] == "F1 网络建设未作答，按选项 A（0 分）计"
    zero_en = smedx.score_frame(frame, rules, missing="zero", warnings=True, lang="en")
    assert (
        zero_en.loc[2, "warnings"]
        == "missing answer for item 'network' scored as option A (0 points)"
    )
    full = smedx.score_frame(smedx.read_surveys(cohort_csv), rules)
    assert zero.loc[2, "foundation"] < full.loc[2, "foundation"]


def test_a_lone_surrogate_fails_its_row_only(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    # A cell with no UTF-8 (text decoded with errors="surrogateescape", say) once failed the
    # whole frame with a UnicodeEncodeError (issue 21).
    frame = smedx.read_surveys(cohort_csv).astype(object)
    frame.loc[4, "planning"] = "D\udc80"
    out = smedx.score_frame(frame, rules, lang="en")
    assert out.loc[4, "error"].startswith("unknown option 'D")
    assert "D\\udc80" in out.loc[4, "error"]
    assert out["error"].isna().sum() == len(frame) - 1
    reqs = smedx.diagnose_frame(frame, rules).requirements
    assert len(reqs) > 0


def test_numbers_lists_and_codes_are_cells_too(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    frame = smedx.read_surveys(cohort_csv)
    typed = frame.copy()
    typed["equipment_networking"] = pd.to_numeric(
        typed["equipment_networking"].replace(
            {"A": "5", "B": "15", "C": "30", "D": "50", "E": "80"}
        )
    )
    typed["network"] = typed["network"].str.split("|")
    typed = typed.rename(columns={"quality": "S07"})
    typed["S07"] = typed["S07"].astype(float)
    a = smedx.score_frame(frame, rules)
    b = smedx.score_frame(typed, rules)
    assert (a["total"] == b["total"]).all()
    assert (a["quality"].astype(int) == b["quality"].astype(int)).all()


def test_bad_cells_are_errors_in_their_row_only(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    frame = smedx.read_surveys(cohort_csv)
    frame.loc[0, "network"] = "B|Q"
    frame.loc[1, "equipment_networking"] = "137.5"
    frame.loc[4, "quality"] = "2.5"
    out = smedx.score_frame(frame, rules, lang="en")
    assert out.loc[0, "error"] == "unknown option 'Q' for item 'network' (valid: A–E)"
    assert (
        out.loc[1, "error"] == "percentage 137.5 for item 'equipment_networking' is outside 0–100"
    )
    assert out.loc[4, "error"] == "expected a whole-number scenario level for 'quality', got '2.5'"
    assert out["error"].notna().sum() == 3


def random_frame(rules: smedx.RuleSet, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols = {"enterprise_id": [f"R{i:06d}" for i in range(n)]}
    for item_id, _code, kind, _zh in rules.items():
        if kind == "multi":
            letters = np.array(list("BCDE"))
            picks = rng.random((n, 4)) < 0.5
            cells = ["|".join(letters[row]) or "A" for row in picks]
        elif kind == "band":
            cells = [f"{x:.1f}" for x in rng.uniform(0, 100, n)]
        else:
            cells = list(rng.choice(list("ABC"), n))
        cols[item_id] = cells
    for scenario_id in rules.scenario_ids:
        cols[scenario_id] = rng.integers(0, 5, n)
    return pd.DataFrame(cols)


def row_survey(row: pd.Series, rules: smedx.RuleSet) -> dict:
    kinds = {i[0]: i[2] for i in rules.items()}
    answers = {}
    for item_id, kind in kinds.items():
        cell = row[item_id]
        if kind == "multi":
            answers[item_id] = cell.split("|")
        elif kind == "band" and cell[0].isdigit():
            answers[item_id] = float(cell)
        else:
            answers[item_id] = cell
    return {
        "enterprise": {"id": row["enterprise_id"]},
        "answers": answers,
        "scenarios": {s: int(row[s]) for s in rules.scenario_ids},
    }


def test_a_100k_frame_equals_scoring_row_by_row(rules: smedx.RuleSet) -> None:
    frame = random_frame(rules, 100_000, seed=1)
    out = smedx.score_frame(frame, rules)
    assert len(out) == 100_000 and out["error"].isna().all()
    singles = list(rules.score_many(row_survey(r, rules) for _, r in frame.iterrows()))
    assert [a.level for a in singles] == out["level"].astype(int).tolist()
    assert [float(a.total) for a in singles] == out["total"].astype(float).tolist()
    # A sample one at a time through score(), the plainest path of all.
    for i in range(0, 100_000, 9_973):
        a = rules.score(row_survey(frame.iloc[i], rules))
        assert a.level == out["level"].iloc[i]
        assert math.isclose(float(a.total), out["total"].iloc[i])


def test_score_frame_rejects_what_is_not_a_frame(rules: smedx.RuleSet) -> None:
    with pytest.raises(TypeError):
        smedx.score_frame([{"enterprise_id": "x"}], rules)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="enterprise_id"):
        smedx.score_frame(pd.DataFrame({"network": ["B"]}), rules)


def test_partitions_scored_in_other_processes_match(rules: smedx.RuleSet) -> None:
    """What Dask's map_partitions or a Spark UDF does: ship the rules to workers, score parts."""
    import concurrent.futures
    import multiprocessing

    frame = random_frame(rules, 3_000, seed=3)
    parts = [frame.iloc[i : i + 1_000] for i in range(0, 3_000, 1_000)]
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        scored = list(pool.map(smedx.score_frame, parts, [rules] * len(parts)))
    pd.testing.assert_frame_equal(pd.concat(scored), smedx.score_frame(frame, rules))


def test_column_mistakes_are_errors(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    frame = smedx.read_surveys(cohort_csv)
    with pytest.raises(
        ValueError, match="unknown column 'netwrok' \\(did you mean 'network'\\?\\)"
    ):
        smedx.score_frame(frame.rename(columns={"network": "netwrok"}), rules)
    doubled = pd.concat([frame, frame[["network"]]], axis=1)
    with pytest.raises(ValueError, match="column 'network' appears twice"):
        smedx.score_frame(doubled, rules)
    out = smedx.score_frame(frame.assign(notes="anything"), rules)  # other columns pass through
    assert out["error"].isna().all()
    assert (out["notes"] == "anything").all()


def test_error_and_warning_cells_are_none_when_fine(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    out = smedx.score_frame(smedx.read_surveys(cohort_csv), rules, warnings=True)
    assert out.loc[0, "error"] is None
    assert out.loc[2, "warnings"] is None  # CN-2025-003 trips no check
    assert isinstance(out.loc[0, "warnings"], str)


def test_extreme_integers_are_errors_not_a_crash(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    frame = smedx.read_surveys(cohort_csv)
    frame["quality"] = frame["quality"].astype("int64")
    frame.loc[0, "quality"] = -(2**63)
    out = smedx.score_frame(frame, rules, lang="en")
    assert "scenario level" in out.loc[0, "error"]
    assert out["error"].notna().sum() == 1
