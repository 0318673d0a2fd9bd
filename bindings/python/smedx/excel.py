"""Excel: read surveys from an .xlsx workbook, write the questionnaire template a city hands out.

The layout is the CSV survey layout (``docs/surveys.md``) on the first visible sheet. The header
row is the first row, among the first 20, that has an ``enterprise_id`` cell: it holds the ids or
codes of the columns. Rows above it are ignored, which is where the template puts its Chinese labels
(row 1 labels, row 2 ids, enterprises from row 3), and a plain export with one header row of ids
reads the same way. Needs openpyxl (``pip install 'smedx[excel]'``).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ._errors import SurveyError
from .rules import RuleSet

# The enterprise fields of the CSV layout; every other column is an answer or is ignored.
_ENTERPRISE = ("enterprise_id", "name", "industry", "district")
_ENTERPRISE_ZH = {
    "enterprise_id": "企业编号",
    "name": "企业名称",
    "industry": "所属行业",
    "district": "所在区县",
}
_KIND_ZH = {"single": "单选", "multi": "多选", "band": "区间（字母或百分数）", "trend": "趋势"}
_HEADER_SEARCH = 20  # rows searched for the header row
_TEMPLATE_ROWS = 1000  # rows of the template that carry the drop-downs
_MAX_LISTED = 20  # cell problems listed in the message of one SurveyError
# Bounds of a survey sheet: openpyxl holds every cell of a loaded sheet in memory (hundreds of
# bytes each), so a sheet is measured first, streamed, and one past these is refused with advice.
_MAX_ROWS = 50_000  # filled rows
_MAX_CELLS = 5_000_000  # filled cells


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as e:  # an optional dependency, as in pandas: the core needs no Excel
        raise ImportError(
            "reading and writing .xlsx files needs openpyxl: pip install 'smedx[excel]' "
            "(or pip install openpyxl)"
        ) from e
    return openpyxl


# --- reading ----------------------------------------------------------------------------------


def read_xlsx(path: str | PathLike[str]) -> pd.DataFrame:
    """Read the first visible sheet of an .xlsx workbook as a DataFrame in the CSV survey layout:
    cells as text (numbers as Excel shows them, to 15 significant digits, ``3.0`` as ``3``), empty
    cells as NaN, empty rows skipped, ready for :func:`smedx.score_frame`.
    ``smedx.read_surveys`` calls this for ``.xlsx`` and ``.xlsm`` files.

    A number in a cell whose number format shows it as a percentage (``0.725`` shown as
    ``72.5%``) is read as that percentage, ``72.5``. Formulas are read by their saved value.
    Raises :class:`smedx.SurveyError` naming the cells (``问卷!D7``) for what cannot be read:
    a formula with no saved value, a date, a true/false or an error value (``#DIV/0!``) in an
    answer column, merged cells in or below the header row, a header given twice, values under
    no header, or no header row at all. ``issues`` lists every such cell. Hidden sheets are
    skipped; a sheet of more than 50,000 filled rows (or 5,000,000 filled cells) is refused,
    before it is loaded, with the advice to save it as CSV.
    """
    openpyxl = _openpyxl()
    path = Path(path)
    index = _measure(openpyxl, path)
    book = openpyxl.load_workbook(path, data_only=True)
    sheet = book.worksheets[index]
    title = sheet.title
    rows = _filled_rows(sheet)
    header_row = _header_row(sheet, rows)
    problems: list[tuple[str, str]] = []  # (cell, message)

    for merged in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if merged.max_row < header_row:
            continue  # a merged title or label above the header is fine
        if merged.min_row <= header_row:
            problems.append(
                (_ref(title, merged.coord), "merged header cells: give each column its own cell")
            )
        else:  # openpyxl reads all but the first cell of a merged range as empty
            problems.append(
                (_ref(title, merged.coord), "merged cells: give each cell its own value")
            )

    columns: list[tuple[int, str]] = []  # (1-based column, name)
    seen: dict[str, str] = {}
    named = set()  # columns with a header
    for cell in rows.get(header_row, []):
        name = _text(cell.value).strip() if cell.value is not None else ""
        if not name:
            continue
        where = _ref(title, cell.coordinate)
        named.add(cell.column)
        if name in seen:
            problems.append((where, f"column '{name}' appears twice (also {seen[name]})"))
            continue
        seen[name] = where
        columns.append((cell.column, name))

    records: list[list[Any]] = []
    numbers: list[int] = []  # the sheet row of each record
    blanks: list[tuple[int, int, str]] = []  # cells read as empty: a formula may hide there
    for number in sorted(r for r in rows if r > header_row):
        row = rows[number]
        if all(_empty(c.value) for c in row):
            continue
        values: list[Any] = []
        by_column = {c.column: c for c in row}
        for column, name in columns:
            cell = by_column.get(column)
            value = cell.value if cell is not None else None
            if _empty(value):
                values.append(float("nan"))
                blanks.append((number, column, name))
                continue
            text, problem = _cell_text(cell, name)
            if problem:
                problems.append((_ref(title, cell.coordinate), problem))
            values.append(text)
        for cell in row:
            if cell.column not in named and not _empty(cell.value):
                problems.append(
                    (
                        _ref(title, cell.coordinate),
                        f"a value ({_shown(cell.value)}) under no header:"
                        " give the column a header or clear it",
                    )
                )
        records.append(values)
        numbers.append(number)
    if blanks:
        problems.extend(_unsaved_formulas(openpyxl, path, index, title, blanks))
    if problems:
        problems.sort(key=lambda p: _order(p[0]))
        _raise(str(path), problems)
    # dtype=str as read_csv(dtype=str) in read_surveys: the same frame whichever the file
    frame = pd.DataFrame(records, columns=[name for _, name in columns], dtype=str)
    # Where each row and column came from, so that score_frame and survey_issues name the Excel
    # cell of a problem (问卷!I5). Plain values (a string, a tuple, a dict of strings): cheap
    # for pandas to carry along.
    from openpyxl.utils import get_column_letter

    frame.attrs["smedx.cells"] = {
        "sheet": _ref(title, "A1")[: -len("!A1")],
        "rows": tuple(numbers),
        "columns": {name: get_column_letter(column) for column, name in columns},
    }
    return frame


def _measure(openpyxl: Any, path: Path) -> int:
    """The index of the sheet that holds the surveys (the first one a person sees: hidden
    sheets are skipped), after streaming it once to refuse a sheet too large to load. The stream
    keeps memory flat whatever size the sheet claims: a stray cell in the last row of a small
    workbook makes its stated size a million rows."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        visible = [k for k, ws in enumerate(book.worksheets) if ws.sheet_state == "visible"]
        if not visible:
            raise SurveyError(f"{path}: no visible sheet: show the sheet that holds the surveys")
        index = visible[0]
        sheet = book.worksheets[index]
        rows = cells = 0
        last = None
        for row in sheet.iter_rows(values_only=True):
            if row is last:  # openpyxl hands out one shared tuple for each missing row
                continue
            filled = sum(1 for v in row if not _empty(v))
            if not filled:
                last = row
                continue
            rows += 1
            cells += filled
            if rows > _MAX_ROWS + _HEADER_SEARCH or cells > _MAX_CELLS:
                raise SurveyError(
                    f"{path}: sheet '{sheet.title}' has more than {_MAX_ROWS:,} filled rows or "
                    f"{_MAX_CELLS:,} filled cells, more than reading .xlsx is made for: save it "
                    f"as CSV (UTF-8) and read that, which has no such limit",
                    path=str(path),
                )
    finally:
        book.close()
    return index


def _filled_rows(sheet: Any) -> dict[int, list[Any]]:
    """The cells the sheet holds, by row, in column order. Walking ``iter_rows`` instead would
    make a cell for every position up to the sheet's last row and column, filled or not."""
    rows: dict[int, list[Any]] = {}
    for (row, _column), cell in sorted(sheet._cells.items()):
        rows.setdefault(row, []).append(cell)
    return rows


def _header_row(sheet: Any, rows: dict[int, list[Any]]) -> int:
    for number in sorted(r for r in rows if r <= _HEADER_SEARCH):
        for cell in rows[number]:
            if isinstance(cell.value, str) and cell.value.strip() == "enterprise_id":
                return int(cell.row)
    raise SurveyError(
        f"{sheet.title}: no header row: expected a row with an 'enterprise_id' cell in rows "
        f"1-{_HEADER_SEARCH} (the ids or codes of the columns, as in the CSV survey layout)",
        path=sheet.title,
    )


def _cell_text(cell: Any, column: str) -> tuple[str | None, str | None]:
    """(the cell as the text the CSV layout holds, or a problem with it)."""
    value = cell.value
    answer = column not in _ENTERPRISE[1:]  # enterprise_id must be text or a number too
    if cell.data_type == "e":
        return (
            None,
            f"an error value ({value}) in column '{column}':"
            " correct the formula or enter the value",
        )
    if isinstance(value, bool):
        if answer:
            return None, f"a true/false value in column '{column}'"
        return ("true" if value else "false"), None
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time, _dt.timedelta)):
        if answer:
            return None, (
                f"a date or time ({_shown(value)}) in column '{column}': Excel may have "
                f"turned what was typed into a date; format the cell as text and retype it"
            )
        return _shown(value), None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None, f"a number that is not finite ({value}) in column '{column}'"
        # A float as Excel shows it, to 15 significant digits: a computed 20.000000000000004 is
        # the 20 the person sees (and its band), not a hair above it.
        number = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
        if _is_percent(cell.number_format):
            number = number.scaleb(2)  # 0.725 shown as 72.5% is 72.5 per cent
        return _plain(number), None
    return str(value).strip(), None


def _plain(number: Decimal) -> str:
    """72.500 -> '72.5', 3.0 -> '3', 1E+2 -> '100': the digits as a person would type them."""
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _is_percent(number_format: str | None) -> bool:
    """A '%' in a number format scales the number by 100, except as quoted or escaped text
    ('0.0"%"', '0\\%') or inside a [colour] or [condition]."""
    return bool(number_format) and "%" in _QUOTED.sub("", str(number_format))


def _unsaved_formulas(
    openpyxl: Any, path: Path, index: int, title: str, blanks: list[tuple[int, int, str]]
) -> list[tuple[str, str]]:
    """Cells that read as empty but hold a formula: the workbook was written by a program that
    saves formulas without their values. Only then is the workbook read a second time."""
    book = openpyxl.load_workbook(path, data_only=False)
    sheet = book.worksheets[index]
    out = []
    for row, column, name in blanks:
        cell = sheet.cell(row=row, column=column)
        formula = cell.value
        if cell.data_type == "f" or (isinstance(formula, str) and formula.startswith("=")):
            text = getattr(formula, "text", formula)  # an array formula keeps its text apart
            out.append(
                (
                    _ref(title, cell.coordinate),
                    f"a formula with no saved value ({text}) in column '{name}': open and save "
                    f"the workbook in Excel or LibreOffice, or enter the value",
                )
            )
    return out


def _raise(source: str, problems: list[tuple[str, str]]) -> None:
    lines = [f"{cell}: {message}" for cell, message in problems]
    shown = lines[:_MAX_LISTED]
    more = len(lines) - len(shown)
    text = "\n".join(shown) + (f"\n... and {more} more" if more else "")
    first_cell = problems[0][0]
    raise SurveyError(
        f"{source}: {len(problems)} cell{'s' if len(problems) > 1 else ''} cannot be read:\n{text}",
        [
            {"message": f"{cell}: {message}", "path": cell, "line": _row_of(cell)}
            for cell, message in problems
        ],
        path=first_cell,
        line=_row_of(first_cell),
    )


def _ref(sheet: str, coordinate: str) -> str:
    """Excel's own way to name a cell: Sheet1!D7, or 'My sheet'!D7 when the name needs quotes."""
    if re.fullmatch(r"[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff.]*", sheet):
        return f"{sheet}!{coordinate}"
    return "'" + sheet.replace("'", "''") + f"'!{coordinate}"


def _row_of(ref: str) -> int | None:
    m = re.search(r"!\$?[A-Z]+\$?(\d+)", ref)
    return int(m.group(1)) if m else None


def _order(ref: str) -> tuple[int, int]:
    m = re.search(r"!([A-Z]+)(\d+)", ref)
    if not m:
        return (0, 0)
    column = 0
    for ch in m.group(1):
        column = column * 26 + ord(ch) - 64
    return (int(m.group(2)), column)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return (
            value.isoformat(sep=" ", timespec="seconds")
            if value.time() != _dt.time()
            else value.date().isoformat()
        )
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


# --- the template -----------------------------------------------------------------------------


def write_template(
    rules: RuleSet,
    path: str | PathLike[str],
    *,
    rows: int = _TEMPLATE_ROWS,
    points: bool = True,
    industries: Sequence[str] = (),
) -> Path:
    """Write the questionnaire template of ``rules`` to ``path`` (.xlsx) and return the path.

    Sheet ``问卷``: row 1 the Chinese label of each column (``F1 网络建设（多选）``,
    ``S01 产品设计 ★``), row 2 the ids that :func:`read_xlsx` reads (keep it), one enterprise a
    row from row 3. Every item offers a drop-down of its options as ``字母（选项文字）``
    (``C（多个业务环节（2个及以上））``), which the readers take as they take the letter; a
    letter, the wording or, for a multi item, several of them joined with ``、`` or ``|``
    (``B、C``) may be typed instead. Band items also take a percentage 0-100. A trend item has
    two more columns, ``R1.before`` and ``R1.after``, for its two figures (fill either the
    letter or both figures). ``所属行业`` offers the rule set's industry profiles by Chinese
    name, then ``industries`` (a programme's, say); another industry may be typed. Scenarios
    get a drop-down of the levels 0-4. The first ``rows`` enterprise rows carry the checks. The
    option lists are on the hidden sheet ``选项`` (a list written into a check would run past
    Excel's 255 characters). Sheet ``说明``: how to fill in the form, then every item's code,
    question, type, options with letters, labels and, unless ``points=False`` (a form the
    enterprise fills in need not show what each answer earns), points, every scenario's level
    descriptions, and the level rule.

    >>> smedx.write_template(rules, "问卷模板.xlsx", points=False)
    """
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    book = openpyxl.Workbook()
    form = book.active
    form.title = "问卷"
    details = {d[0]: d for d in rules._loaded.item_details()}
    levels_of = dict(rules._loaded.scenario_levels())

    header: list[tuple[str, str]] = [(_ENTERPRISE_ZH[f], f) for f in _ENTERPRISE]
    for item_id, code, kind, zh in rules.items():
        header.append((f"{code} {zh}（{_KIND_ZH.get(kind, kind).split('（')[0]}）", item_id))
        if kind == "trend":
            header.append((f"{code} {zh}（基期数值）", f"{code}.before"))
            header.append((f"{code} {zh}（当期数值）", f"{code}.after"))
    for scenario_id, code, constraint, zh in rules.scenarios():
        header.append((f"{code} {zh}{' ★' if constraint else ''}", scenario_id))
    bold = Font(bold=True)
    grey = Font(color="808080", size=9)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, (label, name) in enumerate(header, start=1):
        top = form.cell(row=1, column=column, value=label)
        top.font, top.fill = bold, fill
        top.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        form.cell(row=2, column=column, value=name).font = grey
        form.column_dimensions[get_column_letter(column)].width = 24 if column <= 2 else 14
    form.row_dimensions[1].height = 48
    form.freeze_panes = "C3"

    first, last = 3, 2 + rows
    column_of = {name: get_column_letter(i) for i, (_label, name) in enumerate(header, start=1)}

    # The drop-downs' lists, one column each on a hidden sheet: a range has no length limit.
    lists = book.create_sheet("选项")
    lists.sheet_state = "hidden"

    def listed(values: list[str]) -> str:
        column = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=column, value=value)
        letter = get_column_letter(column)
        return f"'选项'!${letter}$1:${letter}${len(values)}"

    def check(name: str, validation: Any) -> None:
        # openpyxl's defaults show neither the prompt nor the error: a check Excel never applies
        validation.showInputMessage = True
        validation.showErrorMessage = validation.error is not None
        form.add_data_validation(validation)
        validation.add(f"{column_of[name]}{first}:{column_of[name]}{last}")

    names = [zh for pid, zh in rules._loaded.profiles() if pid != "default"]
    names += [n for n in industries if n not in names]
    if names:
        v = DataValidation(type="list", formula1=listed(names), allow_blank=True)
        v.errorStyle = "information"  # another industry may be typed: it gets the default profile
        v.errorTitle = "行业不在列表中"
        v.error = "该行业没有专门的行业画像，将按通用画像诊断。"
        v.promptTitle = "所属行业"
        v.prompt = "选择行业（可填写其他行业，按通用画像诊断）"
        check("industry", v)

    for item_id, code, kind, zh in rules.items():
        options = details[item_id][2]
        letters = [o[0] for o in options]
        span = f"{letters[0]}–{letters[-1]}"
        labels = [f"{letter}（{label}）" for letter, label, _points, _none in options]
        v = DataValidation(type="list", formula1=listed(labels), allow_blank=True)
        # A typed letter, wording or list is read as the drop-down's choice: Excel only informs.
        v.errorStyle = "information"
        v.errorTitle = "请确认答案"
        if kind == "multi":
            v.error = f"{code} {zh}：多选可填写多个字母，用 、 或 | 分隔，如 B、C；无则只填 A"
            v.prompt = f"多选：选一项，或填写字母 {span}，用 、 或 | 分隔，如 B、C；无则只填 A"
        elif kind == "band":
            v.error = None  # a percentage 0-100 is an answer too
            v.prompt = "选择一项，或填写百分数 0–100（如 37.5）。区间见“说明”表"
        elif kind == "trend":
            v.error = f"{code} {zh}：请选择 {span} 中的一项，或在后两列填写基期与当期数值"
            v.prompt = "选择一项，或在后两列填写基期与当期数值（二者择一）"
        else:
            v.error = f"{code} {zh}：请选择 {span} 中的一项"
            v.prompt = f"选择 {span} 中的一项。选项见“说明”表"
        v.promptTitle = f"{code} {zh}"[:32]
        check(item_id, v)
        if kind == "trend":
            for part, when in ((".before", "基期"), (".after", "当期")):
                figure = DataValidation(
                    type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
                )
                figure.errorTitle = "数值不符合要求"
                figure.error = f"{code} {zh}：{when}数值应为不小于 0 的数"
                figure.promptTitle = f"{code} {when}数值"[:32]
                figure.prompt = f"{when}数值（与前一列的字母二者择一）"
                check(code + part, figure)
    for scenario_id, code, _constraint, zh in rules.scenarios():
        top = len(levels_of.get(scenario_id, [])) or 4
        v = DataValidation(
            type="list",
            formula1='"' + ",".join(str(n) for n in range(top + 1)) + '"',
            allow_blank=True,
        )
        v.errorTitle = "等级不符合要求"
        v.error = f"{code} {zh}：请选择等级 0–{top}（0 为未达到一级）"
        v.promptTitle = f"{code} {zh}"[:32]
        v.prompt = f"等级 0–{top}，0 为未达到一级。各级描述见“说明”表"
        check(scenario_id, v)

    _explanation(book.create_sheet("说明", 1), rules, details, levels_of, points)
    book.save(path)
    return path


def _explanation(
    sheet: Any,
    rules: RuleSet,
    details: dict[str, tuple],
    levels_of: dict[str, list[str]],
    points: bool = True,
) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    rows: list[list[Any]] = [
        [f"{rules._loaded.title}（{rules.id} {rules.version}，{rules.hash}）"],
        [
            "填写方法：在“问卷”表中每家企业填一行，从第 3 行起；"
            "第 2 行是程序读取的列名，请勿修改或删除。"
        ],
        [
            "单选、趋势：从下拉列表选一项，或填一个字母。多选：选一项，或填多个字母，"
            "用 、 或 | 分隔，如 B、C；“无”（A）只能单独填写。"
            "趋势也可在其后两列填写基期与当期数值（二者择一）。"
        ],
        [
            "区间：填字母，或填百分数 0–100（37.5 表示 37.5%；"
            "设为百分比格式的单元格填 37.5% 亦可）。"
        ],
        ["场景：填等级 0–4，0 为未达到一级；★ 为约束性场景。企业编号必填。"],
        [],
        ["代码", "标识", "名称", "题目", "类型", "字母/等级", "内容"]
        + (["分值"] if points else []),
    ]
    heads = {len(rows)}
    for item_id, code, kind, zh in rules.items():
        _id, question, options = details[item_id]
        for k, (letter, label, value, none) in enumerate(options):
            lead = [code, item_id, zh, question, _KIND_ZH.get(kind, kind)] if k == 0 else [None] * 5
            rows.append(
                lead
                + [letter, label + ("（只能单独选择）" if none and kind == "multi" else "")]
                + ([_number(value)] if points else [])
            )
    rows.append([])
    rows.append(["代码", "标识", "场景", "约束性", None, "等级", "描述"])
    heads.add(len(rows))
    for scenario_id, code, constraint, zh in rules.scenarios():
        rows.append([code, scenario_id, zh, "★" if constraint else None, None, 0, "未达到一级"])
        for level, text in enumerate(levels_of.get(scenario_id, []), start=1):
            rows.append([None] * 5 + [level, text])
    rows.append([])
    rows.append(["等级", "名称", "总分不低于", "达到该级的场景数不少于", "其中约束性场景不少于"])
    heads.add(len(rows))
    for level, zh, points, scenarios, constraint in rules.levels():
        rows.append([level, zh, _number(Decimal(repr(points))), scenarios, constraint])
    for row in rows:
        sheet.append(row)
    for r in heads:
        for cell in sheet[r]:
            cell.font = bold
    sheet["A1"].font = Font(bold=True, size=13)
    for letter, width in zip("ABCDEFGH", (8, 22, 14, 36, 18, 10, 60, 8)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=8):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _number(points: str | Decimal) -> int | float:
    """Exact points text ('0.7', '2') as the number Excel shows: an int when whole."""
    value = Decimal(points)
    return int(value) if value == value.to_integral_value() else float(value)
