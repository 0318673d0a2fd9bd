"""read_surveys decodes as smedx score does: UTF-8 with or without a BOM, GB18030 from Excel on
Chinese Windows, and bad bytes as a SurveyError naming file, line and byte offset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import smedx


def test_gb18030_and_bom_csv_read_as_their_utf8_twin(root: Path, rules: smedx.RuleSet) -> None:
    data = root / "tests" / "data"
    twin = smedx.read_surveys(root / "examples" / "surveys" / "cohort.csv").head(3)
    for name, encoding in [
        ("gb18030.csv", "auto"),
        ("gb18030.csv", "gb18030"),
        ("utf8-bom.csv", "auto"),
        ("utf8-bom.csv", "utf-8"),
    ]:
        frame = smedx.read_surveys(data / name, encoding=encoding)
        pd.testing.assert_frame_equal(frame, twin)
    assert frame.loc[2, "name"] == "润泽特种涂料有限公司"
    scores = smedx.score_frame(smedx.read_surveys(data / "gb18030.csv"), rules)
    assert list(scores["total"]) == list(smedx.score_frame(twin, rules)["total"])


@pytest.mark.parametrize(
    "name, message",
    [
        ("invalid-utf8.csv", "invalid UTF-8 byte 0xff on line 3 at byte offset 706"),
        ("nul-byte.csv", "a NUL byte on line 3 at byte offset 706"),
        ("bom-mid.csv", "a byte order mark (U+FEFF) on line 3 at byte offset 673"),
    ],
)
def test_bad_bytes_raise_survey_error_with_line_and_offset(
    root: Path, name: str, message: str
) -> None:
    path = root / "tests" / "data" / name
    with pytest.raises(smedx.SurveyError) as e:
        smedx.read_surveys(path)
    assert str(e.value) == f"{path}: {message}"
    assert e.value.line == 3
    assert e.value.issues == [{"message": message, "path": None, "line": 3}]


def test_gb18030_read_as_utf8_is_a_survey_error(root: Path) -> None:
    path = root / "tests" / "data" / "gb18030.csv"
    message = "invalid UTF-8 byte 0xbb on line 2 at byte offset 487"
    with pytest.raises(smedx.SurveyError, match=message):
        smedx.read_surveys(path, encoding="utf-8")


def test_jsonl_in_gb18030(tmp_path: Path, root: Path) -> None:
    text = (root / "examples" / "surveys" / "cohort.jsonl").read_text(encoding="utf-8")
    path = tmp_path / "cohort.jsonl"
    path.write_bytes(text.encode("gb18030"))
    assert smedx.read_surveys(path, records=True) == smedx.read_surveys(
        root / "examples/surveys/cohort.jsonl", records=True
    )


def test_unknown_encoding(root: Path) -> None:
    with pytest.raises(ValueError, match="unknown encoding 'latin-1'"):
        smedx.read_surveys(root / "examples" / "surveys" / "cohort.csv", encoding="latin-1")


def test_score_frame_warns_how_a_band_value_of_at_most_1_was_read(
    root: Path, rules: smedx.RuleSet
) -> None:
    frame = smedx.read_surveys(root / "examples" / "surveys" / "cohort.csv").head(2).copy()
    frame["funding"] = ["0.725", "72.5%"]
    out = smedx.score_frame(frame, rules, warnings=True)  # in Chinese, as the errors are
    assert (
        "M4 资金保障的百分数 0.725 按 0.725% 计；如是比例（72.5%），请填 72.5 或“72.5%”"
        in out.loc[0, "warnings"]
    )
    assert "百分数" not in str(out.loc[1, "warnings"])
    en = smedx.score_frame(frame, rules, warnings=True, lang="en")
    assert (
        "percentage 0.725 for item 'funding' read as 0.725%; if it is a share (72.5%), write 72.5 "
        'or "72.5%"' in en.loc[0, "warnings"]
    )
    assert "percentage" not in str(en.loc[1, "warnings"])


def test_csv_rows_with_a_field_too_many_or_too_few_are_located(tmp_path: Path, root: Path) -> None:
    lines = (root / "examples" / "surveys" / "cohort.csv").read_text(encoding="utf-8").split("\n")
    lines[2] += ",extra"
    lines[4] = lines[4].rsplit(",", 1)[0]
    path = tmp_path / "shifted.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    fields = lines[0].count(",") + 1
    with pytest.raises(smedx.SurveyError) as e:
        smedx.read_surveys(path)
    assert str(e.value) == (
        f"{path}:3: the row has {fields + 1} fields, the header {fields} (and 1 more rows)"
    )
    assert e.value.line == 3
    assert [i["line"] for i in e.value.issues] == [3, 5]
    assert e.value.issues[1]["message"] == f"the row has {fields - 1} fields, the header {fields}"


def test_malformed_jsonl_line_is_located(tmp_path: Path, root: Path) -> None:
    lines = (root / "examples" / "surveys" / "cohort.jsonl").read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3][:40]
    path = tmp_path / "cut.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(smedx.SurveyError) as e:
        smedx.read_surveys(path)
    assert str(e.value).startswith(f"{path}:4:41: malformed JSON: ")
    assert (e.value.line, e.value.column) == (4, 41)


def test_jsonl_lines_end_at_newline_only(tmp_path: Path) -> None:
    # U+2028 is a line break to str.splitlines, but JSON allows it inside a string.
    path = tmp_path / "sep.jsonl"
    path.write_text(
        '{"enterprise": {"id": "A", "name": "甲\u2028乙"}}\n{"enterprise": {"id": "B"}}\n',
        encoding="utf-8",
    )
    surveys = smedx.read_surveys(path, records=True)
    assert [s["enterprise"]["id"] for s in surveys] == ["A", "B"]
    assert surveys[0]["enterprise"]["name"] == "甲\u2028乙"


def test_the_format_comes_from_the_name_as_smedx_score_reads_it(tmp_path: Path, root: Path) -> None:
    lines = (root / "examples" / "surveys" / "cohort.jsonl").read_text(encoding="utf-8")
    path = tmp_path / "COHORT.NDJSON"  # any case, .ndjson as .jsonl
    path.write_text(lines, encoding="utf-8")
    assert smedx.read_surveys(path, records=True) == smedx.read_surveys(
        root / "examples/surveys/cohort.jsonl", records=True
    )
    for name in ("cohort.txt", "cohort.yaml", "cohort"):
        with pytest.raises(ValueError, match="cannot tell the format from the name"):
            smedx.read_surveys(tmp_path / name)


def test_csv_rows_are_read_as_smedx_score_reads_them(tmp_path: Path, root: Path) -> None:
    # A quoted field may span lines; a quote left open is the error of its row's line.
    lines = (root / "examples" / "surveys" / "cohort.csv").read_text(encoding="utf-8").split("\n")
    name = lines[1].split(",")[1]
    lines[1] = lines[1].replace(name, f'"{name}\n(line two)"', 1)
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    frame = smedx.read_surveys(path)
    assert frame.loc[0, "name"] == f"{name}\n(line two)"
    assert len(frame) == len(smedx.read_surveys(root / "examples" / "surveys" / "cohort.csv"))

    lines[1] = lines[1].replace("\n(line two)", "").replace(f'"{name}"', f'"{name}', 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(smedx.SurveyError) as e:
        smedx.read_surveys(path)
    message = "malformed CSV row: a quoted field opened at column 13 is not closed on this line"
    assert str(e.value) == f"{path}:2: {message}"
    assert e.value.issues == [{"message": message, "path": None, "line": 2}]
