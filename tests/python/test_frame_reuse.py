"""score_frame keeps its column buffers from one call for the next (issue 20: fresh pages each
call were a quarter of its time), and result columns give theirs back when Python frees them.
A result still held is never written by a later call, whatever the sizes and kinds in between."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import smedx


def cohort(cohort_csv: Path, copies: int) -> pd.DataFrame:
    base = pd.read_csv(cohort_csv, dtype=object, keep_default_na=False)
    frame = pd.concat([base] * copies, ignore_index=True)
    frame["enterprise_id"] = [f"{e}-{i}" for i, e in enumerate(frame["enterprise_id"])]
    return frame


def test_results_held_stay_as_they_were(rules: smedx.RuleSet, cohort_csv: Path) -> None:
    small, large = cohort(cohort_csv, 3), cohort(cohort_csv, 200)
    broken = large.copy()
    broken.loc[::7, "network"] = "Q"  # every seventh row an error, the rest scored
    first = smedx.score_frame(large, rules)
    kept = first.copy(deep=True)
    # Larger, smaller, with errors, categoricals, one thread: each reuses what the last gave back.
    for frame in (broken, small, large.astype("category"), large, broken):
        one = smedx.score_frame(frame, rules, threads=1)
        pd.testing.assert_frame_equal(smedx.score_frame(frame, rules), one)
    pd.testing.assert_frame_equal(first, kept)
    pd.testing.assert_frame_equal(smedx.score_frame(large, rules), kept)


def test_a_freed_result_gives_its_columns_to_the_next(
    rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    frame = cohort(cohort_csv, 50)
    want = smedx.score_frame(frame, rules).copy(deep=True)
    for _ in range(4):  # each result freed before the next call takes its columns
        pd.testing.assert_frame_equal(smedx.score_frame(frame, rules), want)
    broken = frame.copy()
    broken.loc[::3, "quality"] = "9"
    errors = smedx.score_frame(broken, rules)
    assert errors.loc[::3, "level"].isna().all()
    assert not errors.loc[1::3, "level"].isna().any()
    pd.testing.assert_frame_equal(smedx.score_frame(frame, rules), want)
