"""Excel: the questionnaire template, reading .xlsx surveys, and what cannot be read."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest
import smedx

openpyxl = pytest.importorskip("openpyxl")

# Columns whose cohort.csv cells may be numbers: Excel holds them as numbers, not text.
NUMERIC_ITEMS = ("equipment_digitization", "equipment_networking", "funding")


def fill(book_path: Path, frame: pd.DataFrame, rules: smedx.RuleSet, *, first: int = 3) -> None:
    """Type a frame into the template as a person would: numbers as numbers, letters as text."""
    book = openpyxl.load_workbook(book_path)
    sheet = book["问卷"]
    ids = [c.value for c in sheet[2]]
    numeric = set(NUMERIC_ITEMS) | set(rules.scenario_ids)
    for r, (_i, row) in enumerate(frame.iterrows(), start=first):
        for name, value in row.items():
            if pd.isna(value):
                continue
            if name in numeric and value[0].isdigit():
                value = float(value) if "." in value else int(value)
            sheet.cell(row=r, column=ids.index(name) + 1, value=value)
    book.save(book_path)


@pytest.fixture()
def template(tmp_path: Path, rules: smedx.RuleSet) -> Path:
    return smedx.write_template(rules, tmp_path / "问卷.xlsx", rows=50)


def test_template_filled_with_the_cohort_scores_as_the_csv(
    template: Path, rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    csv = smedx.read_surveys(cohort_csv)
    fill(template, csv, rules)
    frame = smedx.read_surveys(template)
    figures = [c for c in frame.columns if c.endswith((".before", ".after"))]
    assert len(figures) == 8 and frame[figures].isna().all().all()  # R1-R4, left empty
    pd.testing.assert_frame_equal(frame.drop(columns=figures), csv)  # the same text, cell for cell
    want = smedx.score_frame(csv, rules)
    got = smedx.score_frame(frame, rules)
    pd.testing.assert_frame_equal(got, want)
    assert got["error"].isna().all() and len(got) == 12


def test_template_headers_drop_downs_and_explanation(template: Path, rules: smedx.RuleSet) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["问卷", "说明", "选项"]
    assert book["选项"].sheet_state == "hidden"
    form = book["问卷"]
    labels = [c.value for c in form[1]]
    ids = [c.value for c in form[2]]
    trends = {item_id: code for item_id, code, kind, _zh in rules.items() if kind == "trend"}
    item_columns = [
        name
        for item_id in rules.item_ids
        for name in (
            [item_id, f"{trends[item_id]}.before", f"{trends[item_id]}.after"]
            if item_id in trends
            else [item_id]
        )
    ]
    assert ids == [
        "enterprise_id",
        "name",
        "industry",
        "district",
        *item_columns,
        *rules.scenario_ids,
    ]
    assert "R2 产品质量（基期数值）" in labels
    assert labels[:5] == ["企业编号", "企业名称", "所属行业", "所在区县", "F1 网络建设（多选）"]
    assert "S01 产品设计 ★" in labels and "S02 工艺设计" in labels
    assert "F2 设备数字化（区间）" in labels
    empty = smedx.read_surveys(template)  # nothing filled in yet: no rows, every column
    assert len(empty) == 0 and list(empty.columns) == ids

    column = {name: openpyxl.utils.get_column_letter(i) for i, name in enumerate(ids, start=1)}
    by_range = {str(v.sqref): v for v in form.data_validations.dataValidation}
    lists = book["选项"]

    def listed(v: object) -> list[str]:  # the values of a drop-down's range on 选项
        ref = v.formula1.split("!")[1].replace("$", "")
        return [c.value for row in lists[ref] for c in row]

    planning = by_range[f"{column['planning']}3:{column['planning']}52"]
    assert planning.type == "list" and listed(planning)[0] == "A（无）"
    assert len(listed(planning)) == 6
    info = by_range[f"{column['information_systems']}3:{column['information_systems']}52"]
    assert listed(info)[2] == "C（多个业务环节（2个及以上））"
    trend = by_range[f"{column['pass_rate']}3:{column['pass_rate']}52"]
    assert listed(trend) == ["A（降低）", "B（持平）", "C（增加）"]
    before = by_range[f"{column['R2.before']}3:{column['R2.before']}52"]
    assert before.type == "decimal" and before.showErrorMessage
    band = by_range[f"{column['funding']}3:{column['funding']}52"]
    assert len(listed(band)) == 5 and not band.showErrorMessage  # 12.5 is fine too
    quality = by_range[f"{column['quality']}3:{column['quality']}52"]
    assert quality.formula1 == '"0,1,2,3,4"'
    network = by_range[f"{column['network']}3:{column['network']}52"]
    assert network.type == "list" and listed(network)[0] == "A（无）"
    assert network.errorStyle == "information"  # several typed letters are an answer too
    industry = by_range[f"{column['industry']}3:{column['industry']}52"]
    assert listed(industry) == ["特色化工新材料制造", "特色装备零部件加工制造"]
    # Excel refuses a validation formula over 255 characters (data_collection has 15 options)
    too_long = [(str(v.sqref), len(v.formula1)) for v in form.data_validations.dataValidation]
    assert [(r, n) for r, n in too_long if n > 255] == []
    assert "B、C" in network.prompt

    notes = list(book["说明"].iter_rows(values_only=True))
    f1 = next(i for i, row in enumerate(notes) if row[0] == "F1")
    assert notes[f1][:8] == (
        "F1",
        "network",
        "网络建设",
        "企业网络建设连接情况",
        "多选",
        "A",
        "无（只能单独选择）",
        0,
    )
    assert notes[f1 + 1][5:8] == ("B", "企业车间建成工控网络，支持自动化控制应用", 2)
    f4 = next(row for row in notes if row[0] == "F4")
    assert f4[4] == "多选"
    assert (None, None, None, None, None, "B", "产品设计", 0.7) in notes
    s01 = next(i for i, row in enumerate(notes) if row[0] == "S01")
    assert notes[s01][:7] == ("S01", "product_design", "产品设计", "★", None, 0, "未达到一级")
    assert notes[s01 + 1][5:7] == (1, "通过设计软件工具（如CAD、CAE、EDA等）辅助开展产品设计。")
    assert (2, "二级", 40, 6, 3) in [row[:5] for row in notes]


def test_percent_formatted_cell_is_a_percentage(
    template: Path, rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    csv = smedx.read_surveys(cohort_csv)
    fill(template, csv.iloc[:1], rules)
    book = openpyxl.load_workbook(template)
    sheet = book["问卷"]
    ids = [c.value for c in sheet[2]]
    networking = sheet.cell(row=3, column=ids.index("equipment_networking") + 1, value=0.725)
    networking.number_format = "0.0%"
    literal = sheet.cell(row=3, column=ids.index("funding") + 1, value=30)  # C, as in cohort.csv
    literal.number_format = '0.0"%"'  # a % sign as text: the number is not scaled
    book.save(template)
    frame = smedx.read_surveys(template)
    assert frame.loc[0, "equipment_networking"] == "72.5"
    assert frame.loc[0, "funding"] == "30"
    assert (
        smedx.score_frame(frame, rules).loc[0, "total"]
        == smedx.score_frame(csv.iloc[:1], rules).loc[0, "total"]
    )


def test_plain_export_numbers_empty_rows_and_a_title(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["导出：评测问卷"])
    sheet.merge_cells("A1:D1")  # a merged title above the header is fine
    sheet.append(["enterprise_id", "F2", "S01", "name"])
    sheet.append([20250001, 45.0, 3.0, "甲公司"])
    sheet.append([])
    sheet.append([None, "  ", None, None])
    sheet.append(["E-2", 1e20, 0, True])
    sheet.append(["E-3", 0.1 + 0.2, 2, None])  # a computed number is read as Excel shows it
    sheet.append(["E-4", 20.000000000000004, 1, None])
    book.save(tmp_path / "export.xlsx")
    frame = smedx.read_surveys(tmp_path / "export.xlsx")
    assert frame.fillna("").to_dict("records") == [
        {"enterprise_id": "20250001", "F2": "45", "S01": "3", "name": "甲公司"},
        {"enterprise_id": "E-2", "F2": "100000000000000000000", "S01": "0", "name": "true"},
        {"enterprise_id": "E-3", "F2": "0.3", "S01": "2", "name": ""},
        {"enterprise_id": "E-4", "F2": "20", "S01": "1", "name": ""},
    ]


def test_cells_that_cannot_be_read_name_sheet_and_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["enterprise_id", "network", "funding", "quality", "industry"])
    sheet.append(["E1", "B|C", "=1/0", 3, datetime.date(2025, 3, 4)])  # a date in industry is text
    sheet.append(["E2", datetime.date(2025, 3, 4), 12.5, True, "x"])
    sheet["F3"] = "stray"
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(smedx.SurveyError) as e:
        smedx.read_surveys(tmp_path / "bad.xlsx")
    messages = [i["message"] for i in e.value.issues]
    assert messages == [
        "Sheet1!C2: a formula with no saved value (=1/0) in column 'funding': open and save the "
        "workbook in Excel or LibreOffice, or enter the value",
        "Sheet1!B3: a date or time (2025-03-04) in column 'network': Excel may have turned what "
        "was typed into a date; format the cell as text and retype it",
        "Sheet1!D3: a true/false value in column 'quality'",
        "Sheet1!F3: a value (stray) under no header: give the column a header or clear it",
    ]
    assert str(e.value).startswith(f"{tmp_path / 'bad.xlsx'}: 4 cells cannot be read:\nSheet1!C2: ")
    assert e.value.path == "Sheet1!C2" and e.value.line == 2


def test_merged_header_twice_named_column_and_no_header(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "企业 问卷"
    sheet.append(["enterprise_id", "network", "", "network"])
    sheet.merge_cells("B1:C1")
    sheet.append(["E1", "B", None, "C"])
    sheet.append(["E2", "B", None, "C"])
    sheet.append(["E3", "B", None, "C"])
    sheet.merge_cells("B2:B3")
    book.save(tmp_path / "merged.xlsx")
    with pytest.raises(smedx.SurveyError) as e:
        smedx.read_surveys(tmp_path / "merged.xlsx")
    assert [i["message"] for i in e.value.issues] == [
        "'企业 问卷'!B1:C1: merged header cells: give each column its own cell",
        "'企业 问卷'!D1: column 'network' appears twice (also '企业 问卷'!B1)",
        "'企业 问卷'!B2:B3: merged cells: give each cell its own value",
    ]

    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["id", "network"])
    book.save(tmp_path / "nohead.xlsx")
    with pytest.raises(
        smedx.SurveyError,
        match=r"^Sheet1: no header row: expected a row with an "
        r"'enterprise_id' cell in rows 1-20",
    ):
        smedx.read_surveys(tmp_path / "nohead.xlsx")


def test_error_values_from_formulas(tmp_path: Path) -> None:
    # What Excel saves for =1/0: the formula and its cached error value.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["enterprise_id", "funding"])
    sheet.append(["E1", "#DIV/0!"])
    sheet["B2"].data_type = "e"
    book.save(tmp_path / "err.xlsx")
    with pytest.raises(smedx.SurveyError) as e:
        smedx.read_surveys(tmp_path / "err.xlsx")
    assert [i["message"] for i in e.value.issues] == [
        "Sheet1!B2: an error value (#DIV/0!) in column 'funding':"
        " correct the formula or enter the value"
    ]


def test_missing_openpyxl_is_a_clear_import_error(monkeypatch, tmp_path: Path) -> None:
    import builtins

    real = builtins.__import__

    def no_openpyxl(name, *args, **kwargs):
        if name == "openpyxl":
            raise ImportError("No module named 'openpyxl'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    with pytest.raises(ImportError, match=r"needs openpyxl: pip install 'smedx\[excel\]'"):
        smedx.read_surveys(tmp_path / "x.xlsx")


def test_hidden_sheets_are_skipped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "旧数据"
    hidden.append(["enterprise_id", "name"])
    hidden.append(["OLD-1", "不应读取"])
    hidden.sheet_state = "hidden"
    form = book.create_sheet("问卷")
    form.append(["enterprise_id", "name"])
    form.append(["NEW-1", "应读取"])
    book.save(tmp_path / "hidden.xlsx")
    frame = smedx.read_surveys(tmp_path / "hidden.xlsx")
    assert frame["enterprise_id"].tolist() == ["NEW-1"]


def test_a_stray_cell_in_the_last_row_is_named_not_loaded_as_a_million_rows(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    form = book.active
    form.append(["enterprise_id", "name"])
    form.append(["E1", "甲"])
    form["XFD1048576"] = "x"  # the sheet now states 1,048,576 rows of 16,384 columns
    book.save(tmp_path / "stray.xlsx")
    with pytest.raises(smedx.SurveyError) as e:
        smedx.read_surveys(tmp_path / "stray.xlsx")
    assert "XFD1048576: a value (x) under no header" in str(e.value)


def test_a_sheet_past_the_row_limit_is_refused_before_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smedx.excel

    monkeypatch.setattr(smedx.excel, "_MAX_ROWS", 100)
    book = openpyxl.Workbook(write_only=True)
    form = book.create_sheet("问卷")
    form.append(["enterprise_id", "name"])
    for k in range(150):
        form.append([f"E{k}", "甲"])
    book.save(tmp_path / "big.xlsx")
    with pytest.raises(smedx.SurveyError, match="more than 100 filled rows.*save it as CSV"):
        smedx.read_surveys(tmp_path / "big.xlsx")
