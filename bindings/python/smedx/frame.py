"""pandas in, pandas out: score a DataFrame of surveys, read survey files."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._errors import SurveyError
from .rules import RuleSet


def score_frame(
    df: Any,
    rules: RuleSet,
    *,
    missing: str = "error",
    threads: int | None = None,
    warnings: bool = False,
    keep: Sequence[str] | None = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """Score a table of surveys in the CSV survey layout (``docs/surveys.md``): a pandas
    DataFrame, a pyarrow Table or a Polars DataFrame with an ``enterprise_id`` column, one
    column per item and per scenario, named by id or code, and any other columns (enterprise
    fields such as ``name``, ``industry``, ``district``, or anything else), which pass through.
    A column a couple of letters away from an item or scenario name is an error, as in
    ``smedx score``: a misspelt item would otherwise pass as an unanswered one. Multi answers
    are letters joined with ``|`` (a list of letters works too), band answers a letter or a
    percentage, scenarios 0-4. A missing value (NaN, None, NA, empty) is a missing answer,
    handled by ``missing`` (``"error"`` or ``"zero"``).

    Returns a pandas DataFrame with one row per input row, in the same order and with the same
    index (a pandas input's), with the columns of ``smedx score --format csv``:
    ``enterprise_id``, the enterprise columns in ``keep`` (default: every column that is not
    an item or a scenario, in input order), ``level``, ``total``, one column per dimension, one
    per scenario, and ``error`` (``None`` when the row scored): every problem of the row, in
    Chinese (``lang="en"``: English, for platform logs), joined with "；" ("; "), each led by
    its Excel cell (``问卷!I5：``) when the frame came from :func:`smedx.read_xlsx`;
    :func:`survey_issues` gives the same problems one a row, with codes. With ``warnings=True`` also
    ``warnings``: the consistency and plausibility messages of the row, in ``lang`` as the
    errors are, joined with "; " (``None`` when none). Rows with errors have ``<NA>`` scores.

    Columns go to the engine whole, not one dict per row: Arrow-backed columns (pandas' default
    strings with pyarrow installed, pyarrow, Polars) and categoricals are read straight from
    their buffers and codes with the GIL released, and so are object columns' str cells (each
    distinct value read once). Rows are scored on ``threads`` threads (default: every core).

    >>> scores = smedx.score_frame(pd.read_csv("cohort.csv"), rules, keep=["industry"])
    >>> scores.groupby("industry")["level"].value_counts()
    """
    table, columns, fields, id_name = _engine_columns(df, rules)
    if keep is None:
        keep = fields
    else:
        keep = list(keep)
        for name in keep:
            if name not in fields:
                raise ValueError(
                    f"keep: '{name}' is not an enterprise column of the frame"
                    f" (columns: {', '.join(map(str, fields)) or 'none'})"
                )
    _check_lang(lang)
    result = _core.score_arrays(
        rules._loaded,
        columns,
        table.cells(id_name),
        table.rows,
        missing,
        threads or 0,
        warnings,
        lang,
    )

    failed = result["failed"]
    IntegerArray, FloatingArray = pd.arrays.IntegerArray, pd.arrays.FloatingArray
    out: dict[str, Any] = {"enterprise_id": table.values(id_name)}
    for name in keep:
        out[str(name)] = table.values(name)

    def texts(cells: np.ndarray) -> pd.Series:  # str or None, kept as objects (not inferred)
        return pd.Series(cells, index=table.index, dtype=object, copy=False)

    # Nullable columns straight over the engine's arrays; each its own mask, since pandas may
    # write into a mask when a cell is set: the rows of one block, allocated once. With no failed
    # row, fresh zeros: memory the system hands out zeroed, not a copy written page by page (tens
    # of columns of a byte a row).
    count = 2 + len(rules.dimension_ids) + len(rules.scenario_ids)
    if failed.any():
        masks = iter(np.repeat(failed[np.newaxis, :], count, axis=0))
    else:
        masks = iter(np.zeros((count, table.rows), dtype=bool))

    def mask() -> np.ndarray:
        return next(masks)

    out["level"] = IntegerArray(result["level"], mask())
    out["total"] = FloatingArray(result["total"], mask())
    for d, dim in enumerate(rules.dimension_ids):
        out[dim] = FloatingArray(result["points"][d], mask())
    for s, scenario in enumerate(rules.scenario_ids):
        out[scenario] = IntegerArray(result["scenarios"][s], mask())
    out["error"] = texts(result["errors"])
    if result["issues"]:  # every problem of each failed row, placed (issue 20)
        errors = out["error"].copy()
        places = _Places(df, table)
        join = "；" if lang == "zh" else "; "
        for row, issues in result["issues"]:
            errors.iat[row] = join.join(
                (f"{cell}：" if lang == "zh" else f"{cell}: ") + i.text(lang)
                if (cell := places.cell(row, i))
                else i.text(lang)
                for i in issues
            )
        out["error"] = errors
    if warnings:
        out["warnings"] = texts(result["warnings"])
    return pd.DataFrame(out, index=table.index, copy=False)


def survey_issues(
    df: Any, rules: RuleSet, *, missing: str = "error", lang: str = "zh"
) -> pd.DataFrame:
    """Every problem of every row of a survey table, one a row, as :func:`score_frame` finds
    them (the same problems as ``smedx score`` of the same table): ``row`` (the frame's index
    label), ``enterprise_id``, ``code`` (stable, ``docs/messages.md``), ``severity``, ``cell``
    (the Excel cell, ``问卷!I5``, for a frame read by :func:`smedx.read_xlsx`; else None),
    ``column`` (the frame's column, where the problem has one), ``path``
    (``answers.network``), ``message`` (Chinese, or English with ``lang="en"``) and
    ``suggestion`` (the option or name meant, ``C（多个业务环节（2个及以上））``, or None). Empty
    when every row scores.

    >>> smedx.survey_issues(smedx.read_surveys("问卷.xlsx"), rules)[["cell", "message"]]
    """
    _check_lang(lang)
    table, columns, _fields, id_name = _engine_columns(df, rules)
    result = _core.score_arrays(
        rules._loaded, columns, table.cells(id_name), table.rows, missing, 0, False
    )
    places = _Places(df, table)
    ids = table.values(id_name)
    records = []
    for row, issues in result["issues"]:
        label = table.index[row]
        for i in issues:
            records.append(
                {
                    "row": label,
                    "enterprise_id": _plain_id(ids, row),
                    "code": i.code or None,
                    "severity": i.severity,
                    "cell": places.cell(row, i),
                    "column": places.column(i),
                    "path": i.path or None,
                    "message": i.text(lang),
                    "suggestion": i.suggestion or None,
                }
            )
    names = ["row", "enterprise_id", "code", "severity", "cell", "column", "path", "message"]
    return pd.DataFrame(records, columns=[*names, "suggestion"], dtype=object)


def _check_lang(lang: str) -> None:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang: expected 'zh' or 'en', got {lang!r}")


def _plain_id(ids: Any, row: int) -> Any:
    value = ids.iloc[row] if hasattr(ids, "iloc") else ids[row]
    return None if value is None or (isinstance(value, float) and value != value) else value


class _Places:
    """Where a frame's problem is: its column, and for a frame read from a workbook (which
    carries ``attrs["smedx.cells"]``: the sheet, each row label's sheet row, each column's
    letter) the Excel cell, ``问卷!I5``; the row (``问卷!5:5``) for a problem of the whole row."""

    def __init__(self, df: Any, table: Any) -> None:
        self.table = table
        attrs = getattr(df, "attrs", None) or {}
        self.cells = attrs.get("smedx.cells") if isinstance(df, pd.DataFrame) else None
        self.names = {str(n) for n in table.names()}

    def column(self, issue: Any) -> str | None:
        path = issue.path or ""
        name = path.split(".", 1)[1] if path.startswith(("answers.", "scenarios.")) else None
        if name is None:
            return None
        if name in self.names:
            return name
        for part in (".before", ".after"):  # a trend item's figures, from their two columns
            arg = issue.args[0] if issue.args else ""
            if arg.endswith(part) and arg in self.names:
                return arg
        return name

    def cell(self, row: int, issue: Any) -> str | None:
        if not self.cells:
            return None
        sheet, rows, letters = self.cells["sheet"], self.cells["rows"], self.cells["columns"]
        label = self.table.index[row]
        if not isinstance(label, (int, np.integer)) or not 0 <= label < len(rows):
            return None
        number = rows[int(label)]
        column = self.column(issue)
        if column is None or column not in letters:
            figures = [letters[n] for n in letters if column and n.startswith(column + ".")]
            return f"{sheet}!{figures[0]}{number}" if figures else f"{sheet}!{number}:{number}"
        return f"{sheet}!{letters[column]}{number}"


def _check_columns(df: pd.DataFrame, rules: RuleSet) -> dict[str, str]:
    """The frame's item and scenario columns by name, after the library's column rule (a
    misspelt item, a column named twice or no enterprise_id raise ValueError)."""
    roles = _core.table_columns(rules._loaded, [str(c) for c in df.columns])
    return {
        str(c): kind for c, (kind, _id) in zip(df.columns, roles) if kind in ("item", "scenario")
    }


class _PandasTable:
    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df
        self.rows = len(df)
        self.index = df.index

    def names(self) -> list[Any]:
        return list(self.df.columns)

    def cells(self, name: Any) -> Any:
        """A column as the engine reads it: an Arrow stream for Arrow-backed columns, (codes,
        categories) for categoricals, else a numpy array (numbers as they are, anything else
        as objects: strings, lists of letters, None/NaN/NA for missing)."""
        series = self.df[name]
        dtype = series.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            categories = dtype.categories
            codes = series.array.codes  # the Categorical's own codes: a view, not a copy
            if _arrow_backed(categories.dtype) and hasattr(categories.array, "__arrow_array__"):
                # pandas' default strings: read from Arrow, no Python str made of each category
                return (codes, categories.array.__arrow_array__().__arrow_c_stream__())
            return (
                codes,
                categories.to_numpy()
                if categories.dtype.kind in "iuf"
                else categories.to_numpy(dtype=object),
            )
        if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
            return series.to_numpy()
        if dtype.kind == "b":
            return series.astype(str).to_numpy(dtype=object)
        if _arrow_backed(dtype):
            # The array's own chunks: Series.__arrow_c_stream__ goes through pa.array.
            array = series.array
            if hasattr(array, "__arrow_array__"):
                return array.__arrow_array__().__arrow_c_stream__()
            if hasattr(series, "__arrow_c_stream__"):
                return series.__arrow_c_stream__()
        return series.to_numpy(dtype=object)

    def values(self, name: Any) -> pd.Series:
        return self.df[name]  # the same index: no alignment, no copy


def _arrow_backed(dtype: Any) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return dtype.storage == "pyarrow"
    return type(dtype).__name__ == "ArrowDtype"


class _ArrowTable:
    """A pyarrow Table or a Polars DataFrame: anything whose columns export Arrow streams."""

    def __init__(self, df: Any, polars: bool) -> None:
        self.df = df
        self.polars = polars
        self.rows = df.height if polars else df.num_rows
        self.index = pd.RangeIndex(self.rows)

    def names(self) -> list[Any]:
        return list(self.df.columns) if self.polars else list(self.df.column_names)

    def column(self, name: Any) -> Any:
        return self.df[name] if self.polars else self.df.column(name)

    def cells(self, name: Any) -> Any:
        return self.column(name).__arrow_c_stream__()

    def values(self, name: Any) -> Any:
        column = self.column(name)
        try:
            return column.to_pandas().array
        except ImportError:  # Polars without pyarrow
            return pd.Series(column.to_list(), index=self.index, dtype=object)


def _engine_columns(df: Any, rules: Any) -> tuple[Any, list, list, Any]:
    """A frame as the engine takes it, for score_frame and diagnose_frame alike: its table, the
    (name, cells) of its item and scenario columns, the names of its enterprise fields, and the
    name of its enterprise_id column. C++ classifies the columns and raises for a misspelt
    item, a column named twice or no enterprise_id."""
    table = _table(df)
    names = table.names()
    roles = _core.table_columns(rules._loaded, [str(n) for n in names])
    columns = [
        (str(n), table.cells(n))
        for n, (kind, _id) in zip(names, roles)
        if kind in ("item", "scenario")
    ]
    fields = [n for n, (kind, _id) in zip(names, roles) if kind == "field"]
    id_name = names[[kind for kind, _id in roles].index("enterprise_id")]
    return table, columns, fields, id_name


def _table(df: Any) -> Any:
    if isinstance(df, pd.DataFrame):
        return _PandasTable(df)
    module = type(df).__module__.split(".")[0]
    if module == "polars" and type(df).__name__ == "DataFrame":
        return _ArrowTable(df, polars=True)
    if module == "pyarrow" and type(df).__name__ == "Table":
        return _ArrowTable(df, polars=False)
    raise TypeError(
        "score_frame takes a pandas DataFrame, a pyarrow Table or a Polars "
        f"DataFrame, got {type(df).__name__}"
    )


def read_surveys(
    path: str | PathLike[str],
    *,
    encoding: str = "auto",
    rules: RuleSet | None = None,
    records: bool = False,
) -> Any:
    """Read a survey file as a DataFrame in the CSV survey layout (``docs/surveys.md``), ready
    for :func:`score_frame` and :func:`smedx.diagnose_frame`, whatever its format: ``.csv``
    (cells as text, empty cells as NaN), ``.jsonl`` (one survey a line), ``.json`` (a survey or
    a list of them), ``.xlsx`` (the first sheet, :mod:`smedx.excel`).

    A JSON survey becomes one row: ``enterprise_id``, its enterprise fields, one column per item
    and per scenario under the rule set's ids (a key written as a code, ``F1`` or ``S06``, goes
    under its id), multi answers as letters joined with ``|``, percentages as they were written.
    A trend answer given as ``{"before": x, "after": y}`` becomes the letter the rule set gives
    those figures (the library codes the survey, as ``smedx score`` does); in a survey that does
    not score, such a cell keeps the figures as JSON text, which :func:`score_frame` then
    reports in that row's error. ``rules`` is the rule set whose ids and trend rule apply
    (default: the bundled ``miit-2024``). ``records=True`` gives a JSON file's surveys as dicts
    instead, for :meth:`RuleSet.score` and :meth:`RuleSet.score_many` (what this function
    returned for JSON before issue 20).

    ``encoding`` is ``"auto"`` (UTF-8 with or without a byte order mark, or GB18030 as Excel
    on Chinese Windows saves CSV, told apart as ``smedx score`` does), ``"utf-8"`` or
    ``"gb18030"``. A byte that does not decode, a NUL byte or a byte order mark past the start
    raises :class:`SurveyError` naming the file, the line and the byte offset.

    >>> frame = smedx.read_surveys("examples/surveys/cohort.jsonl")
    >>> smedx.score_frame(frame, rules)
    >>> surveys = smedx.read_surveys("examples/surveys/cohort.jsonl", records=True)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):  # the first sheet, as a .csv file's frame (smedx.excel)
        from .excel import read_xlsx

        return read_xlsx(path)
    form = _core.input_format(path.name.lower())  # the library's rule of extensions
    if form not in ("csv", "jsonl", "json"):
        raise ValueError(
            f"{path}: cannot tell the format from the name (expected .csv, .jsonl, .json or .xlsx)"
        )
    text = _decode(path, encoding)
    if form == "csv":
        if records:
            raise ValueError(f"{path}: records=True reads JSON surveys; a CSV file is a frame")
        _check_rows(path, text)
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    if form == "jsonl":
        # Lines end at "\n" only, as smedx score reads them: U+2028 and the like may sit inside
        # a JSON string.
        surveys = [
            _json(path, line, number)
            for number, line in enumerate(text.split("\n"), 1)
            if line.strip()
        ]
    else:
        data = _json(path, text, 1)
        surveys = data if isinstance(data, list) else [data]
    if records:
        return surveys
    return survey_frame(surveys, rules)


def survey_frame(surveys: Sequence[Any], rules: RuleSet | None = None) -> pd.DataFrame:
    """Survey dicts (the JSON survey format) as a DataFrame in the CSV survey layout: what
    :func:`read_surveys` returns for a JSON file, for surveys already in memory."""
    if rules is None:
        from .rules import load_rules

        rules = load_rules("miit-2024")
    items = rules.items()
    item_id = {k: i for i, code, _kind, _zh in items for k in (i, code)}
    kinds = {i: kind for i, _code, kind, _zh in items}
    scenario_id = {k: i for i, code, *_ in rules.scenarios() for k in (i, code)}
    figures: list[int] = []  # surveys with a trend answer given as figures
    rows: list[dict[str, Any]] = []
    fields: dict[str, None] = {}  # enterprise fields in order of first appearance
    for n, survey in enumerate(surveys):
        if not isinstance(survey, dict):
            raise ValueError(f"survey {n + 1}: expected a JSON object, got {survey!r}")
        enterprise = survey.get("enterprise") or {}
        row: dict[str, Any] = {"enterprise_id": _text(enterprise.get("id"))}
        for key, value in enterprise.items():
            if key != "id":
                fields.setdefault(key, None)
                row[key] = _text(value)
        for key, value in (survey.get("answers") or {}).items():
            name = item_id.get(key, key)
            if isinstance(value, dict):
                figures.append(n)
                row[name] = json.dumps(value, ensure_ascii=False)
            elif isinstance(value, list):
                row[name] = "|".join(map(str, value))
            else:
                row[name] = _text(value)
        for key, value in (survey.get("scenarios") or {}).items():
            row[scenario_id.get(key, key)] = _text(value)
        rows.append(row)
    if figures:
        _trend_letters(rows, [surveys[n] for n in figures], figures, rules, kinds)
    columns = ["enterprise_id", *fields]
    columns += [i for i, *_ in items] + [i for i, *_ in rules.scenarios()]
    extra = sorted({k for r in rows for k in r} - set(columns))  # unknown keys: score_frame says
    return pd.DataFrame(rows, columns=columns + extra, dtype=object)


def _text(value: Any) -> Any:
    if value is None:
        return np.nan
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, str) else json.dumps(value)


def _trend_letters(
    rows: list[dict[str, Any]],
    surveys: list[Any],
    where: list[int],
    rules: RuleSet,
    kinds: dict[str, str],
) -> None:
    """Trend figures to the letters the library gives them, for the surveys that score."""
    from .rules import _dumps

    scored = _core.score_jsonl(
        rules._loaded, "\n".join(_dumps(s) for s in surveys) + "\n", "<surveys>", "zero", 0
    )
    for n, record in zip(where, scored):
        items = json.loads(record).get("items")
        if not items:
            continue  # not scored: the figures stay as text, and score_frame says why
        for name, value in list(rows[n].items()):
            if kinds.get(name) == "trend" and isinstance(value, str) and value.startswith("{"):
                options = items.get(name, {}).get("options") or []
                if len(options) == 1:
                    rows[n][name] = options[0]


def _json(path: Path, text: str, number: int) -> Any:
    """One JSON text starting on line `number`; malformed JSON is a located SurveyError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        line = number + e.lineno - 1
        message = f"malformed JSON: {e.msg} (line {line}, column {e.colno})"
        raise SurveyError(
            f"{path}:{line}:{e.colno}: {message}",
            [{"message": message, "path": None, "line": line}],
            line=line,
            column=e.colno,
        ) from None


def _check_rows(path: Path, text: str) -> None:
    """Every row of a CSV file has the header's number of fields, as smedx score requires (the
    library reads the rows): a row with a field too few or too many would put answers under the
    wrong columns. Raises a SurveyError naming every such row's line."""
    issues = [
        {"message": message, "path": None, "line": line}
        for line, message in _core.check_csv_rows(text)
    ]
    if issues:
        first = issues[0]
        more = f" (and {len(issues) - 1} more rows)" if len(issues) > 1 else ""
        raise SurveyError(
            f"{path}:{first['line']}: {first['message']}{more}", issues, line=first["line"]
        )


def _decode(path: Path, encoding: str) -> str:
    """A survey file's text, decoded by the library's rule (``docs/surveys.md``, Encodings)."""
    text, _found, problem, line = _core.decode_text(path.read_bytes(), encoding)
    if problem is not None:
        raise SurveyError(
            f"{path}: {problem}", [{"message": problem, "path": None, "line": line}], line=line
        )
    return text
