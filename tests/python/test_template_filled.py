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
    assert "是否应为 C（多个业务环节（2个及以上））？" in got.loc[0, "error"]


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


# --- issue 20 item 2: every problem of a row at once --------------------------------------------


def _cli() -> str:
    """The command installed beside this Python (pip install . puts it there), else the build's."""
    import os
    import shutil
    import sys

    found = os.environ.get("SMEDX_CLI") or shutil.which(
        "smedx", path=str(Path(sys.executable).parent)
    )
    if found:
        return found
    built = Path(__file__).resolve().parents[2] / "build" / "default" / "smedx"
    if built.is_file() and os.access(built, os.X_OK):
        return str(built)
    pytest.skip("no smedx command to compare with (SMEDX_CLI is not set)")


def _letters_row(rules: smedx.RuleSet, cohort_csv: Path, enterprise: str) -> dict[str, object]:
    csv = smedx.read_surveys(cohort_csv)
    letters = csv[csv["enterprise_id"] == enterprise].reset_index(drop=True)
    row = {k: v for k, v in letters.iloc[0].items() if not pd.isna(v)}
    for name in ("equipment_digitization", "equipment_networking", "funding", *rules.scenario_ids):
        row[name] = float(row[name]) if "." in row[name] else int(row[name])
    return row


def test_a_filled_template_gives_every_problem_in_one_pass_with_cells_and_suggestions(
    tmp_path: Path, rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    good = _as_written(_letters_row(rules, cohort_csv, "CN-2025-002"))
    bad = dict(good)
    bad["information_systems"] = "多个业务"  # a wrong value: a word short of C's wording
    bad["product_design"] = "三级"  # a second wrong cell in the same row: a level is a number
    del bad["talent"]  # a blank
    path = smedx.write_template(rules, tmp_path / "问卷.xlsx", rows=10, points=False)
    _fill(path, [good, bad])
    frame = smedx.read_surveys(path)
    book = openpyxl.load_workbook(path)
    column = {c.value: c.column_letter for c in book["问卷"][2]}

    issues = smedx.survey_issues(frame, rules)
    assert set(issues["row"]) == {1}  # the first enterprise, written every way, reads
    by_code = {c: g for c, g in issues.groupby("code")}
    assert set(by_code) == {"E-ANSWER-OPTION", "E-LEVEL-FORMAT", "E-ANSWER-MISSING"}
    option = by_code["E-ANSWER-OPTION"].iloc[0]
    assert option["cell"] == f"问卷!{column['information_systems']}4"
    assert option["suggestion"] == "C（多个业务环节（2个及以上））"
    assert option["message"].endswith("是否应为 C（多个业务环节（2个及以上））？")
    assert by_code["E-LEVEL-FORMAT"].iloc[0]["cell"] == f"问卷!{column['product_design']}4"
    assert "M3 人才建设" in by_code["E-ANSWER-MISSING"].iloc[0]["message"]  # talent
    assert by_code["E-ANSWER-MISSING"].iloc[0]["cell"] == "问卷!4:4"  # the row: no one cell

    # score_frame's error column says the same, every problem, each at its cell.
    scores = smedx.score_frame(frame, rules)
    assert pd.isna(scores.loc[0, "error"])
    text = scores.loc[1, "error"]
    assert text.count("问卷!") == len(issues)
    assert f"问卷!{column['information_systems']}4：" in text
    english = smedx.score_frame(frame, rules, lang="en").loc[1, "error"]
    assert "did you mean C（多个业务环节（2个及以上））?" in english
    assert smedx.survey_issues(frame, rules, lang="en")["code"].tolist() == issues["code"].tolist()

    # Fixed as suggested, the row scores as the letter form does.
    fixed = dict(bad, information_systems="多个业务环节", product_design=good["product_design"])
    fixed["talent"] = good["talent"]
    path = smedx.write_template(rules, tmp_path / "改正.xlsx", rows=10, points=False)
    _fill(path, [fixed])
    got = smedx.score_frame(smedx.read_surveys(path), rules)
    letters = smedx.read_surveys(cohort_csv)
    letters = letters[letters["enterprise_id"] == "CN-2025-002"].reset_index(drop=True)
    want = smedx.score_frame(letters, rules)
    assert got["error"].isna().all()
    assert got.loc[0, "level"] == want.loc[0, "level"]


def test_the_command_and_python_give_the_same_problems(
    tmp_path: Path, rules: smedx.RuleSet, cohort_csv: Path, root: Path
) -> None:
    import json
    import subprocess

    frame = smedx.read_surveys(cohort_csv).head(6).copy()
    frame.loc[0, "network"] = "多个业务"
    frame.loc[0, "data_collection"] = "Z|c"
    frame.loc[0, "product_design"] = "x"
    frame.loc[1, "information_systems"] = None
    frame.loc[2, "equipment_digitization"] = "120"
    frame.loc[3, "planning"] = "B|C"
    frame.loc[4, "enterprise_id"] = None
    data = tmp_path / "surveys.csv"
    frame.to_csv(data, index=False)

    run = subprocess.run(
        [_cli(), "score", "--rules", str(root / "indicators" / "miit-2024"), str(data)],
        capture_output=True,
        text=True,
    )
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(records) == len(frame)  # one record a row, problems or not
    cli = {
        (n, i["code"], i.get("path"), i["message"])
        for n, r in enumerate(records)
        for i in r.get("error", {}).get("issues", [])
    }
    issues = smedx.survey_issues(smedx.read_surveys(data), rules)
    python = {
        (row, code, path, message)
        for row, code, path, message in issues[["row", "code", "path", "message"]].itertuples(
            index=False
        )
    }
    assert python == cli
    assert {code for _, code, _, _ in cli} >= {
        "E-ANSWER-OPTION",
        "E-LEVEL-FORMAT",
        "E-ANSWER-MISSING",
        "E-ANSWER-RANGE",
        "E-ANSWER-SINGLE",
        "E-ID-MISSING",
    }
    # The command places each at its cell (line:column of the CSV file).
    cells = {
        (i["path"], i["line"], i.get("column"))
        for i in records[0]["error"]["issues"]
        if i.get("path", "").startswith("answers.network")
    }
    header = data.read_text(encoding="utf-8").splitlines()[0].split(",")
    line2 = data.read_text(encoding="utf-8").splitlines()[1]
    at = len(",".join(line2.split(",")[: header.index("network")])) + 2
    assert cells == {("answers.network", 2, at)}
