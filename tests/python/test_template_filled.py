"""The questionnaire template filled in as an enterprise fills it: drop-down labels, the option's
wording, 、 between letters, full-width and lower-case letters, a trend item's two figures, an
industry by its Chinese name. Read back, it scores as the letter form does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import smedx

openpyxl = pytest.importorskip("openpyxl")


def _fill(path: Path, rows: list[dict[str, object]]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["问卷"]
    ids = [c.value for c in sheet[2]]
    for r, row in enumerate(rows, start=3):
        for name, value in row.items():
            sheet.cell(row=r, column=ids.index(name) + 1, value=value)
    book.save(path)


def _as_written(letters: dict[str, object]) -> dict[str, object]:
    """CN-2025-002 as a person writes it, answer for answer the same options."""
    row = dict(letters)
    row.update(
        industry="特色化工新材料制造",
        network="b、c",  # lower case, 、
        data_collection="Ｇ，Ｈ，I，J；K;L|M | n",  # full width, mixed separators
        information_systems="D（绝大部分业务环节（大于80%））",  # the drop-down's label
        planning="e",
        mechanisms="B、C、D",
        talent="配备专职/兼职的数字化人才|D",  # the wording of B
    )
    del row["energy_intensity"]  # C (降低): given as its two figures instead
    row["R1.before"], row["R1.after"] = 0.386, 0.352
    return row


def test_a_template_filled_as_people_write_scores_as_the_letters(
    tmp_path: Path, rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    csv = smedx.read_surveys(cohort_csv)
    letters = csv[csv["enterprise_id"] == "CN-2025-002"].reset_index(drop=True)
    row = {k: v for k, v in letters.iloc[0].items() if not pd.isna(v)}
    for name in ("equipment_digitization", "equipment_networking", "funding", *rules.scenario_ids):
        row[name] = float(row[name]) if "." in row[name] else int(row[name])
    path = smedx.write_template(rules, tmp_path / "问卷.xlsx", rows=10, points=False)
    _fill(path, [_as_written(row)])

    frame = smedx.read_surveys(path)
    got = smedx.score_frame(frame, rules)
    want = smedx.score_frame(letters, rules)
    assert got["error"].isna().all()
    assert got.loc[0, "level"] == want.loc[0, "level"]
    assert got.loc[0, "total"] == want.loc[0, "total"]
    assert frame.loc[0, "industry"] == "特色化工新材料制造"
    # The industry written as its Chinese name is the profile's (not the default's).
    assert smedx.diagnose_frame(frame, rules).enterprises.loc[0, "profile"] == "chem_new_materials"


def test_a_wrong_value_is_named_with_the_option_it_may_mean(
    tmp_path: Path, rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    csv = smedx.read_surveys(cohort_csv)
    row = {k: v for k, v in csv.iloc[1].items() if not pd.isna(v)}
    row["information_systems"] = "多个业务"  # a word short of C's wording
    path = smedx.write_template(rules, tmp_path / "问卷.xlsx", rows=10)
    _fill(path, [row])
    got = smedx.score_frame(smedx.read_surveys(path), rules)
    assert "did you mean C（多个业务环节（2个及以上））?" in got.loc[0, "error"]


def test_points_can_be_left_out_of_the_explanation(tmp_path: Path, rules: smedx.RuleSet) -> None:
    shown = openpyxl.load_workbook(smedx.write_template(rules, tmp_path / "a.xlsx", rows=5))
    hidden = openpyxl.load_workbook(
        smedx.write_template(rules, tmp_path / "b.xlsx", rows=5, points=False)
    )
    head = ("代码", "标识", "名称", "题目", "类型", "字母/等级", "内容")
    assert head + ("分值",) in list(shown["说明"].iter_rows(values_only=True))
    rows = list(hidden["说明"].iter_rows(values_only=True))
    assert any(r[:7] == head and all(v is None for v in r[7:]) for r in rows)
    f1 = next(r for r in rows if r[0] == "F1")
    assert all(v is None for v in f1[7:])  # no points beside the options
