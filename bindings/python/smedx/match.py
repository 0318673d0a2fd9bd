"""Matching (精准匹配): each enterprise's cheapest set of catalogue products, in 元, that brings it
to the target level, from Python. A door over the same C++ driver as ``smedx match``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from os import PathLike, fspath
from typing import Any

import pandas as pd

from . import _core

# The columns every plan row has, in this order; the rest (alternatives, gap, reason, error)
# follow when some row has them.
_COLUMNS = [
    "enterprise_id",
    "industry",
    "district",
    "level_before",
    "target",
    "reached",
    "already",
    "level_after",
    "cost",
    "price",
    "annual",
    "eligible",
    "weeks",
    "products",
    "allowed",
    "explanation",
    "conditions",
]


def _rules(rules: Any) -> Any:
    if hasattr(rules, "_loaded"):
        return rules
    from .rules import load_rules

    return load_rules(rules)


def match(
    rules: Any,
    catalogue: str | PathLike[str],
    surveys_or_frame: Any,
    target: int | None = 2,
    years: int = 1,
    budget: int | None = None,
    alternatives: int = 0,
    *,
    missing: str = "error",
    threads: int | None = None,
) -> pd.DataFrame:
    """Match surveys to a catalogue's products: one row per survey, in input order.

    ``rules``: a :class:`RuleSet` or its name or path; ``catalogue``: an installed name
    (``dongying-2026``), a catalogue folder
    (``catalogues/<id>``) or its ``catalogue.yaml``; ``surveys_or_frame``: a survey file's path
    or a list of them (.jsonl, .csv, .json, .yaml), a list of survey dicts, or a DataFrame in the
    CSV survey layout. Each row: ``enterprise_id``, ``level_before``, ``target``, ``reached``,
    ``level_after``, ``cost`` / ``price`` / ``annual`` / ``eligible`` (whole 元), ``weeks``,
    ``products`` (ids), ``explanation`` (per product: points, scenarios, constraint, enables and
    ``zh``), ``conditions``, and when asked or when not reached ``alternatives``, ``gap`` and
    ``reason``; a survey that cannot be scored has ``error``. ``df.attrs["matrix"]`` holds the
    产品矩阵 (per product: plans by industry and district, revenue, addressable enterprises; per
    condition: the enterprises no product brings to the target). Points are
    :class:`decimal.Decimal` as text in the JSON (``"40.5"``).

    >>> plans = smedx.match("miit-2024", "catalogues/dongying-2026", "surveys.jsonl")
    >>> plans[["enterprise_id", "cost", "products"]]
    """
    loaded = _rules(rules)._loaded
    common = {
        "target": target,
        "years": years,
        "budget": budget,
        "alternatives": alternatives,
        "missing": missing,
        "threads": threads or 0,
    }
    catalogue = fspath(catalogue)
    if isinstance(surveys_or_frame, pd.DataFrame):
        text = surveys_or_frame.to_csv(index=False)
        lines, matrix = _core.match_text(loaded, catalogue, text, "csv", **common)
    elif isinstance(surveys_or_frame, (str, PathLike)):
        lines, matrix = _core.match_files(loaded, catalogue, [fspath(surveys_or_frame)], **common)
    elif isinstance(surveys_or_frame, Iterable):
        items = list(surveys_or_frame)
        if all(isinstance(s, Mapping) for s in items):
            from .rules import _dumps

            text = "".join(_dumps(s) + "\n" for s in items)
            lines, matrix = _core.match_text(loaded, catalogue, text, "jsonl", **common)
        elif all(isinstance(s, (str, PathLike)) for s in items):
            lines, matrix = _core.match_files(
                loaded, catalogue, [fspath(s) for s in items], **common
            )
        else:
            raise TypeError(
                "surveys_or_frame: a path, a list of paths or of survey dicts, or a DataFrame"
            )
    else:
        raise TypeError(
            "surveys_or_frame: a path, a list of paths or of survey dicts, or a DataFrame"
        )
    return _frame(lines, matrix)


def _frame(lines: Sequence[str], matrix: str) -> pd.DataFrame:
    records = [json.loads(line, parse_float=Decimal) for line in lines]
    extra: list[str] = []
    for r in records:
        extra.extend(k for k in r if k not in _COLUMNS and k not in extra)
    df = pd.DataFrame.from_records(records, columns=_COLUMNS + extra)
    df.attrs["matrix"] = json.loads(matrix)
    return df
