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
    per scenario, and ``error`` (``None`` when the row scored); with ``warnings=True`` also
    ``warnings``: the consistency and plausibility messages of the row, joined with "; "
    (``None`` when none). Rows with errors have ``<NA>`` scores.

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
    result = _core.score_arrays(
        rules._loaded, columns, table.cells(id_name), table.rows, missing, threads or 0, warnings
    )

    failed = result["failed"]
    IntegerArray, FloatingArray = pd.arrays.IntegerArray, pd.arrays.FloatingArray
    out: dict[str, Any] = {"enterprise_id": table.values(id_name)}
    for name in keep:
        out[str(name)] = table.values(name)

    def texts(cells: np.ndarray) -> pd.Series:  # str or None, kept as objects (not inferred)
        return pd.Series(cells, index=table.index, dtype=object, copy=False)

    # Nullable columns straight over the engine's arrays; each its own mask, since pandas may
    # write into a mask when a cell is set. With no failed row, fresh zeros: memory the system
    # hands out zeroed, not a copy written page by page (tens of columns of a byte a row).
    any_failed = bool(failed.any())

    def mask() -> np.ndarray:
        return failed.copy() if any_failed else np.zeros(table.rows, dtype=bool)

    out["level"] = IntegerArray(result["level"], mask())
    out["total"] = FloatingArray(result["total"], mask())
    for d, dim in enumerate(rules.dimension_ids):
        out[dim] = FloatingArray(result["points"][d], mask())
    for s, scenario in enumerate(rules.scenario_ids):
        out[scenario] = IntegerArray(result["scenarios"][s], mask())
    out["error"] = texts(result["errors"])
    if warnings:
        out["warnings"] = texts(result["warnings"])
    return pd.DataFrame(out, index=table.index, copy=False)


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
            return (
                series.array.codes,  # the Categorical's own codes: a view, not a copy
                categories.to_numpy()
                if categories.dtype.kind in "iuf"
                else categories.to_numpy(dtype=object),
            )
        if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
            return series.to_numpy()
        if dtype.kind == "b":
            return series.astype(str).to_numpy(dtype=object)
        if _arrow_backed(dtype) and hasattr(series, "__arrow_c_stream__"):
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
    path: str | PathLike[str], *, encoding: str = "auto"
) -> pd.DataFrame | list[dict[str, Any]]:
    """Read survey files: a ``.csv`` file as a DataFrame in the CSV survey layout (cells as
    text, empty cells as NaN), ready for :func:`score_frame`; a ``.jsonl`` file as a list of
    survey dicts, one a line; a ``.json`` file as a list holding its one survey (or its list
    of surveys). Dicts go to :meth:`RuleSet.score` or :meth:`RuleSet.score_many`. A ``.xlsx``
    file's first sheet reads as a ``.csv`` file's frame (:mod:`smedx.excel`).

    ``encoding`` is ``"auto"`` (UTF-8 with or without a byte order mark, or GB18030 as Excel
    on Chinese Windows saves CSV, told apart as ``smedx score`` does), ``"utf-8"`` or
    ``"gb18030"``. A byte that does not decode, a NUL byte or a byte order mark past the start
    raises :class:`SurveyError` naming the file, the line and the byte offset.

    >>> frame = smedx.read_surveys("examples/surveys/cohort.csv")
    >>> surveys = smedx.read_surveys("examples/surveys/cohort.jsonl")
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
        _check_rows(path, text)
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    if form == "jsonl":
        # Lines end at "\n" only, as smedx score reads them: U+2028 and the like may sit inside
        # a JSON string.
        return [
            _json(path, line, number)
            for number, line in enumerate(text.split("\n"), 1)
            if line.strip()
        ]
    data = _json(path, text, 1)
    return data if isinstance(data, list) else [data]


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
