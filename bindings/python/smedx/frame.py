"""pandas in, pandas out: score a DataFrame of surveys, read survey files."""

from __future__ import annotations

import codecs
import difflib
import io
import json
from os import PathLike
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from ._errors import SurveyError
from .rules import RuleSet


def score_frame(
    df: pd.DataFrame,
    rules: RuleSet,
    *,
    missing: str = "error",
    threads: Optional[int] = None,
    warnings: bool = False,
) -> pd.DataFrame:
    """Score a DataFrame of surveys in the CSV survey layout (``docs/surveys.md``): an
    ``enterprise_id`` column, one column per item and per scenario, named by id or code; other
    columns are ignored. Multi answers are letters joined with ``|`` (a list of letters works
    too), band answers a letter or a percentage, scenarios 0-4. A missing value (NaN, None,
    empty) is a missing answer, handled by ``missing`` (``"error"`` or ``"zero"``).

    Returns one row per input row, in the same order and with the same index, with the columns
    of ``smedx score --format csv``: ``enterprise_id``, ``level``, ``total``, one column per
    dimension, one per scenario, and ``error`` (``None`` when the row scored); with
    ``warnings=True`` also ``warnings``: the consistency and plausibility messages of the row,
    joined with "; " (``None`` when none). Rows with errors have ``<NA>`` scores.

    The frame goes to the engine as numpy columns, not one dict per row: each column's distinct
    values are read once, and the GIL is released while rows are scored on ``threads`` threads
    (default: every core).

    >>> scores = smedx.score_frame(pd.read_csv("cohort.csv"), rules)
    >>> scores.groupby(frame["industry"])["level"].value_counts()
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"score_frame takes a pandas DataFrame, got {type(df).__name__}")
    if "enterprise_id" not in df.columns:
        raise ValueError("the frame has no 'enterprise_id' column")
    rows = len(df)
    names = _check_columns(df, rules)

    columns = [(str(name), _cells(df[name])) for name in df.columns if str(name) in names]
    ids = df["enterprise_id"]
    has_id = (ids.notna() & (ids != "")).to_numpy(dtype=np.uint8)
    result = _core.score_arrays(rules._loaded, columns, has_id, missing, threads or 0, warnings)

    errors = pd.Series(result["errors"], dtype=object, index=df.index)
    notes = pd.Series(result["warnings"], dtype=object, index=df.index) if warnings else None
    ok = errors.isna().to_numpy()
    out: Dict[str, Any] = {"enterprise_id": ids.to_numpy()}
    out["level"] = pd.array(result["level"], dtype="Int8")
    out["level"][~ok] = pd.NA
    out["total"] = _points(result["total"], ok)
    for d, dim in enumerate(rules.dimension_ids):
        out[dim] = _points(result["dimensions"][:, d], ok)
    for s, scenario in enumerate(rules.scenario_ids):
        col = pd.array(result["scenarios"][:, s], dtype="Int8")
        col[~ok] = pd.NA
        out[scenario] = col
    out["error"] = errors
    if warnings:
        out["warnings"] = notes
    return pd.DataFrame(out, index=df.index)


def _check_columns(df: pd.DataFrame, rules: RuleSet) -> Dict[str, str]:
    """The frame's item and scenario columns by name (id or code). A column named twice, or one
    a letter or two away from an item or scenario name, is an error: a misspelt item would
    otherwise pass as an unanswered one. Other columns are left alone."""
    names: Dict[str, str] = {}
    for item_id, code, _kind, _zh in rules.items():
        names[item_id] = names[code] = "item"
    for scenario_id, code, _c, _zh in rules.scenarios():
        names[scenario_id] = names[code] = "scenario"
    seen = set()
    for column in df.columns:
        name = str(column)
        if name in seen:
            raise ValueError(f"column '{name}' appears twice in the frame")
        seen.add(name)
        if name in names or name in ("enterprise_id", "name", "industry", "district"):
            continue
        close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.8)
        if close:
            raise ValueError(f"unknown column '{name}' (did you mean '{close[0]}'?)")
    return names


def _points(thousandths: np.ndarray, ok: np.ndarray) -> pd.arrays.FloatingArray:
    """Exact thousandths as Float64 points (52475 -> 52.475); <NA> where the row has errors."""
    col = pd.array(thousandths / 1000.0, dtype="Float64")
    col[~ok] = pd.NA
    return col


def _cells(series: pd.Series) -> np.ndarray:
    """A column as a numpy array the engine reads: numbers as they are, anything else as objects
    (strings, lists of letters, None/NaN for missing). Categories are expanded."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    if series.dtype.kind in "iuf":
        return series.to_numpy()
    if series.dtype.kind == "b":
        return series.astype(str).to_numpy(dtype=object)
    return series.to_numpy(dtype=object)  # missing cells stay NaN or NA: the engine reads both


def read_surveys(
    path: Union[str, "PathLike[str]"], *, encoding: str = "auto"
) -> Union[pd.DataFrame, List[Dict[str, Any]]]:
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
    if suffix not in (".csv", ".jsonl", ".ndjson", ".json"):
        raise ValueError(
            f"{path}: cannot tell the format from the name (expected .csv, .jsonl, .json or .xlsx)"
        )
    text = _decode(path, encoding)
    if suffix == ".csv":
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    if suffix in (".jsonl", ".ndjson"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    return data if isinstance(data, list) else [data]


_BOMS = {"utf-8": b"\xef\xbb\xbf", "gb18030": b"\x84\x31\x95\x33"}
_SAMPLE = 1 << 20  # as the C++ reader: the first non-ASCII line and the rest of a 1 MiB block


def _decode(path: Path, encoding: str) -> str:
    """A survey file's text, decoded by the rule of ``docs/surveys.md`` (Encodings)."""
    if encoding in ("utf8", "UTF-8"):
        encoding = "utf-8"
    if encoding not in ("auto", "utf-8", "gb18030"):
        raise ValueError(f"unknown encoding '{encoding}' (expected auto, utf-8 or gb18030)")
    data = path.read_bytes()
    bom = 0
    for name, mark in _BOMS.items():
        if encoding in ("auto", name) and data.startswith(mark):
            bom, encoding = len(mark), name
            break
    body = data[bom:]
    if encoding == "auto":
        encoding = _detect(body)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as e:
        utf8 = encoding == "utf-8"
        bad = " ".join(f"0x{b:02x}" for b in body[e.start : e.start + (1 if utf8 else 4)])
        what = f"invalid UTF-8 byte {bad}" if utf8 else f"invalid GB18030 bytes {bad}"
        raise _bad_bytes(path, data, bom + e.start, what) from None
    for char, what in (("\x00", "a NUL byte"), ("\ufeff", "a byte order mark (U+FEFF)")):
        at = text.find(char)
        if at >= 0:
            raise _bad_bytes(path, data, bom + len(text[:at].encode(encoding)), what)
    return text


def _detect(body: bytes) -> str:
    """UTF-8 or GB18030: the one under which a sample reads further before an invalid byte,
    UTF-8 on a tie. ASCII reads the same in both, so the sample starts at the first line that
    is not ASCII."""
    high = next((i for i, b in enumerate(body) if b >= 0x80), None)
    if high is None:
        return "utf-8"
    start = body.rfind(b"\n", 0, high) + 1
    sample = body[start : start + _SAMPLE]

    def reads(encoding: str) -> int:
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return len(sample)
        except UnicodeDecodeError as e:
            return e.start

    utf8 = reads("utf-8")
    if utf8 == len(sample):
        return "utf-8"
    return "gb18030" if reads("gb18030") > utf8 else "utf-8"


def _bad_bytes(path: Path, data: bytes, offset: int, what: str) -> SurveyError:
    line = data.count(b"\n", 0, offset) + 1
    message = f"{what} on line {line} at byte offset {offset}"
    return SurveyError(
        f"{path}: {message}", [{"message": message, "path": None, "line": line}], line=line
    )
