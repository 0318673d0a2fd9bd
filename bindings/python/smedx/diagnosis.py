"""Diagnosis: the path to a target level and the 个性/共性 requirements, from Python."""

from __future__ import annotations

import copy
import html as _html
import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from . import _core
from .assessment import Assessment


class Diagnosis:
    """One enterprise's file (一企一档): its assessment, the cheapest path to the target level
    and the requirements that path stands for, tagged 个性 or 共性.

    Attributes: ``enterprise_id``, ``industry``, ``profile``, ``target``, ``assessment``
    (:class:`Assessment`), ``path`` (``{"target", "status", "cost", "changes"}``; changes in the
    survey format so they can be applied), ``requirements`` (list of dicts: kind, id, code, zh,
    from, to, meaning, constraint, gain, priority, tag, evidence), ``warnings``.

    >>> d = rules.diagnose(survey, target=2)
    >>> d.path["status"], [c["id"] for c in d.path["changes"]]
    ('reachable', ['production_control'])
    """

    def __init__(self, record: dict[str, Any], html: str = "") -> None:
        self._record = record
        self._html = html
        self.enterprise_id: str = record["enterprise_id"]
        self.industry: str = record.get("industry", "")
        self.profile: str = record.get("profile", "")
        self.target: int = record.get("target", 0)
        self.assessment = Assessment(record["assessment"])
        self.path: dict[str, Any] = record.get("path", {})
        self.requirements: list[dict[str, Any]] = record.get("requirements", [])
        self.warnings: list[dict[str, str]] = record.get("warnings", [])

    @classmethod
    def from_json(cls, text: str, html: str = "") -> Diagnosis:
        return cls(json.loads(text, parse_float=Decimal), html)

    def to_dict(self) -> dict[str, Any]:
        """The enterprise file's JSON as a dict (what ``smedx diagnose`` writes as <id>.json);
        fractional numbers as :class:`decimal.Decimal`."""
        return copy.deepcopy(self._record)

    def __repr__(self) -> str:
        status = self.path.get("status", "error")
        return (
            f"<Diagnosis {self.enterprise_id} level={self.assessment.level} target={self.target} "
            f"path={status} requirements={len(self.requirements)}>"
        )

    def _repr_html_(self) -> str:
        return self._html or f"<pre>{_html.escape(repr(self))}</pre>"


# The enterprise fields a diagnosis reads (the profile by industry, groups by district) and
# shows (the name); a frame's other columns are left out, as a CSV file's would be.
_DIAGNOSIS_FIELDS = ("name", "industry", "district")


def _check_target(target: int | None) -> int | None:
    """The target's type; whether the rule set has that level is checked once, in C++ (the
    cohort driver), whose ValueError says which levels exist."""
    if target is None:
        return None
    if isinstance(target, bool) or not isinstance(target, int):
        raise TypeError(f"target is a whole level number, got {target!r}")
    return target


def _threshold_text(threshold: float | None) -> str | None:
    if threshold is None:
        return None
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float, Decimal))
        or (isinstance(threshold, float) and not math.isfinite(threshold))
    ):
        raise ValueError(f"threshold takes a share above 0 and at most 1, got {threshold!r}")
    return repr(float(threshold)) if not isinstance(threshold, Decimal) else str(threshold)


def diagnose(
    rules: Any, survey: Mapping[str, Any], target: int | None = None, missing: str = "error"
) -> Diagnosis:
    from ._errors import SurveyError
    from .rules import _dumps

    results, _cohort = _core.diagnose_text(
        rules._loaded,
        _dumps(survey),
        "jsonl",
        target=_check_target(target),
        missing=missing,
        html=True,
    )
    ((record, html),) = results
    d = Diagnosis.from_json(record, html)
    if not d.assessment.ok:
        error = d.assessment.error or {}
        issues = error.get("issues", [])
        first = issues[0] if issues else {}
        raise SurveyError(
            error.get("message", "the survey cannot be scored"), issues, path=first.get("path")
        )
    return d


def diagnose_frame(
    df: pd.DataFrame,
    rules: Any,
    *,
    target: int | None = None,
    threshold: float | None = None,
    by_district: bool = False,
    missing: str = "error",
    output: str | PathLike[str] | None = None,
    force: bool = False,
    threads: int | None = None,
) -> pd.DataFrame:
    """Diagnose a DataFrame of surveys (the CSV survey layout) as a cohort.

    Returns one row per requirement: ``enterprise_id``, ``kind``, ``id``, ``code``, ``zh``,
    ``from``, ``to``, ``priority``, ``tag`` (共性 when at least ``threshold`` of the enterprise's
    group — its industry, and district with ``by_district`` — has it; else 个性), ``constraint``,
    ``meaning``. ``df.attrs["cohort"]`` holds the cohort summary (level distribution per group,
    share at or above the target, common requirements with their enterprises, errors) and
    ``df.attrs["diagnoses"]`` each enterprise's :class:`Diagnosis`, in input order. Cells read
    as in :func:`smedx.score_frame`; columns other than the enterprise fields, items and
    scenarios are left out.

    With ``output``, also writes the folder ``smedx diagnose`` writes (each enterprise's JSON
    and HTML file, ``index.tsv``, ``cohort.json``, ``cohort.html``), through the same C++
    driver: a new or empty folder, or one an earlier diagnosis wrote (``force`` writes into a
    folder holding other files). Surveys are diagnosed on ``threads`` threads (default: every
    core).

    >>> reqs = smedx.diagnose_frame(frame, rules, target=2)
    >>> reqs[reqs["tag"] == "共性"].groupby("id").size()
    """
    # Coded column by column as score_frame reads a frame (no detour through CSV text), then
    # diagnosed by the same C++ driver as `smedx diagnose`.
    from .frame import _engine_columns

    table, answers, fields, id_name = _engine_columns(df, rules)
    results, cohort = _core.diagnose_columns(
        rules._loaded,
        answers,
        table.cells(id_name),
        [(str(f), table.cells(f)) for f in fields if str(f) in _DIAGNOSIS_FIELDS],
        table.rows,
        **_driver_options(target, threshold, by_district, missing, output, force, threads),
    )
    return _requirements(results, cohort)


def diagnose_files(
    paths: str | PathLike[str] | Sequence[str | PathLike[str]],
    rules: Any,
    *,
    target: int | None = None,
    threshold: float | None = None,
    by_district: bool = False,
    missing: str = "error",
    encoding: str = "auto",
    input_format: str | None = None,
    output: str | PathLike[str] | None = None,
    force: bool = False,
    threads: int | None = None,
) -> pd.DataFrame:
    """Diagnose survey files (.jsonl, .csv, .json, .yaml; ``input_format`` overrides the
    extension) as one cohort, as ``smedx diagnose`` reads them: what
    :func:`diagnose_frame` returns, and with ``output`` the very folder the command writes,
    byte for byte.

    >>> reqs = smedx.diagnose_files("cohort.jsonl", rules, output="out/diagnosis")
    """
    files = [paths] if isinstance(paths, (str, PathLike)) else list(paths)
    for f in files:
        if not Path(f).is_file():
            raise FileNotFoundError(f"{f}: no such file")
    results, cohort = _core.diagnose_files(
        rules._loaded,
        [str(f) for f in files],
        format=input_format,
        encoding=encoding,
        **_driver_options(target, threshold, by_district, missing, output, force, threads),
    )
    return _requirements(results, cohort)


def _driver_options(
    target: int | None,
    threshold: float | None,
    by_district: bool,
    missing: str,
    output: str | PathLike[str] | None,
    force: bool,
    threads: int | None,
) -> dict[str, Any]:
    """The cohort driver's options as every entry passes them; C++ checks their values."""
    return {
        "target": _check_target(target),
        "threshold": _threshold_text(threshold),
        "by_district": by_district,
        "missing": missing,
        "output": None if output is None else str(output),
        "force": force,
        "threads": threads or 0,
    }


def _requirements(results: list[tuple[str, str]], cohort: str) -> pd.DataFrame:
    """One row per requirement of every diagnosis, the cohort and the diagnoses in attrs."""
    diagnoses = [Diagnosis.from_json(record) for record, _ in results]
    rows = [
        {
            "enterprise_id": d.enterprise_id,
            "industry": d.industry,
            "kind": r["kind"],
            "id": r["id"],
            "code": r["code"],
            "zh": r["zh"],
            "from": r["from"],
            "to": r["to"],
            "priority": r["priority"],
            "tag": r["tag"],
            "constraint": r["constraint"],
            "meaning": r["meaning"],
        }
        for d in diagnoses
        for r in d.requirements
    ]
    columns = [
        "enterprise_id",
        "industry",
        "kind",
        "id",
        "code",
        "zh",
        "from",
        "to",
        "priority",
        "tag",
        "constraint",
        "meaning",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out.attrs["cohort"] = json.loads(cohort, parse_float=Decimal)
    out.attrs["diagnoses"] = diagnoses
    return out
