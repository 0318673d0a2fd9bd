"""pandas in, pandas out: score a DataFrame of surveys, read survey files."""

from __future__ import annotations

import json
import math
from os import PathLike
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from .rules import RuleSet


def score_frame(
    df: pd.DataFrame,
    rules: RuleSet,
    *,
    missing: str = "error",
    threads: Optional[int] = None,
) -> pd.DataFrame:
    """Score a DataFrame of surveys in the CSV survey layout (``docs/surveys.md``): an
    ``enterprise_id`` column, one column per item and per scenario, named by id or code; other
    columns are ignored. Multi answers are letters joined with ``|`` (a list of letters works
    too), band answers a letter or a percentage, scenarios 0-4. A missing value (NaN, None,
    empty) is a missing answer, handled by ``missing`` (``"error"`` or ``"zero"``).

    Returns one row per input row, in the same order and with the same index, with the columns
    of ``smedx score --format csv``: ``enterprise_id``, ``level``, ``total``, one column per
    dimension, one per scenario, and ``error`` (``None`` when the row scored), plus
    ``warnings`` (``None`` when none). Rows with errors have ``<NA>`` scores.

    The frame goes to the engine as factorized columns, not one dict per row, and the GIL is
    released while rows are scored on ``threads`` threads (default: every core).

    >>> scores = smedx.score_frame(pd.read_csv("cohort.csv"), rules)
    >>> scores.groupby(frame["industry"])["level"].value_counts()
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"score_frame takes a pandas DataFrame, got {type(df).__name__}")
    if "enterprise_id" not in df.columns:
        raise ValueError("the frame has no 'enterprise_id' column")
    rows = len(df)
    names = {}
    for item_id, code, _kind, _zh in rules.items():
        names[item_id] = names[code] = "item"
    for scenario_id, code, _c, _zh in rules.scenarios():
        names[scenario_id] = names[code] = "scenario"

    columns = []
    for name in df.columns:
        kind = names.get(str(name))
        if kind is None:
            continue
        codes, values = _factorize(df[name], scenario=kind == "scenario")
        columns.append((str(name), codes, values))

    ids = df["enterprise_id"]
    has_id = (ids.notna() & (ids.astype(str).str.strip() != "")).to_numpy(dtype=np.uint8)
    result = _core.score_columns(rules._loaded, rows, columns, has_id, missing, threads or 0)

    errors = np.array([e if e else None for e in result["errors"]], dtype=object)
    ok = np.array([not e for e in result["errors"]], dtype=bool)
    out: Dict[str, Any] = {"enterprise_id": ids.to_numpy()}
    out["level"] = pd.array(np.where(ok, result["level"], 0), dtype="Int8")
    out["level"][~ok] = pd.NA
    out["total"] = _points(result["total"], ok)
    for d, dim in enumerate(rules.dimension_ids):
        out[dim] = _points(result["dimensions"][:, d], ok)
    for s, scenario in enumerate(rules.scenario_ids):
        col = pd.array(result["scenarios"][:, s], dtype="Int8")
        col[~ok] = pd.NA
        out[scenario] = col
    out["error"] = errors
    out["warnings"] = np.array([w if w else None for w in result["warnings"]], dtype=object)
    return pd.DataFrame(out, index=df.index)


def _points(thousandths: np.ndarray, ok: np.ndarray) -> pd.arrays.FloatingArray:
    """Exact thousandths as Float64 points (52475 -> 52.475); <NA> where the row has errors."""
    col = pd.array(thousandths / 1000.0, dtype="Float64")
    col[~ok] = pd.NA
    return col


def _factorize(series: pd.Series, *, scenario: bool) -> tuple:
    """A column as int32 codes into its distinct cell texts (-1 for a missing cell)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy(dtype=np.int32)
        values = [_cell_text(v, scenario) for v in series.cat.categories]
    else:
        if series.dtype == object and series.map(lambda v: isinstance(v, (list, tuple))).any():
            series = series.map(lambda v: "|".join(v) if isinstance(v, (list, tuple)) else v)
        raw_codes, uniques = pd.factorize(series, use_na_sentinel=True)
        codes = raw_codes.astype(np.int32, copy=False)
        values = [_cell_text(v, scenario) for v in uniques]
    # A cell that reads as empty is missing, like an empty CSV cell.
    empty = [i for i, v in enumerate(values) if v == ""]
    if empty:
        codes = codes.copy()
        codes[np.isin(codes, empty)] = -1
    return codes, values


def _cell_text(value: Any, scenario: bool) -> str:
    """One distinct value as the text of a CSV cell."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        if scenario and float(value).is_integer():
            return str(int(value))  # 2.0 from a column with NaN is level 2
        return repr(float(value))  # the shortest text that reads back as the same number
    return str(value)


def read_surveys(path: Union[str, "PathLike[str]"]) -> Union[pd.DataFrame, List[Dict[str, Any]]]:
    """Read survey files: a ``.csv`` file as a DataFrame in the CSV survey layout (cells as
    text, empty cells as NaN), ready for :func:`score_frame`; a ``.jsonl`` file as a list of
    survey dicts, one a line; a ``.json`` file as a list holding its one survey (or its list
    of surveys). Dicts go to :meth:`RuleSet.score` or :meth:`RuleSet.score_many`.

    >>> frame = smedx.read_surveys("examples/surveys/cohort.csv")
    >>> surveys = smedx.read_surveys("examples/surveys/cohort.jsonl")
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    if suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, list) else [data]
    raise ValueError(f"{path}: cannot tell the format from the name (expected .csv, .jsonl or .json)")
