"""Diagnosis: the path to a target level and the 个性/共性 requirements, from Python."""

from __future__ import annotations

import copy
import html as _html
import json
import math
import warnings
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
    diagnosed_on: str | None = None,
    organisation: str | None = None,
    diagnostician: str | None = None,
    catalogue: str | PathLike[str] | None = None,
    years: int = 1,
    budget: int | None = None,
) -> CohortDiagnosis:
    """Diagnose a DataFrame of surveys (the CSV survey layout) as a cohort.

    Returns a :class:`CohortDiagnosis`. Its ``requirements`` frame has one row per requirement:
    ``enterprise_id``, ``industry``, ``kind``, ``id``, ``code``, ``zh``, ``from``, ``to`` (the
    answer now and the one needed, as text: a scenario's level, an item's letter, a multi
    item's letters joined with ``|``), ``from_level``, ``to_level`` (a scenario's levels, Int8;
    missing for items), ``priority``, ``tag`` (共性 when at least ``threshold`` of the
    enterprise's group — its industry, and district with ``by_district`` — has it; else 个性),
    ``constraint``, ``meaning``; every column of one dtype, so it writes to Parquet. Its
    ``enterprises`` frame has one row per enterprise, ``cohort`` the cohort summary (level
    distribution per group, share at or above the target, common requirements with their
    enterprises, errors) and ``diagnoses`` each enterprise's :class:`Diagnosis`, in input order.
    None of them rides in ``DataFrame.attrs``, so later pandas operations cost what they cost
    on a plain frame. Cells read
    as in :func:`smedx.score_frame`; columns other than the enterprise fields, items and
    scenarios are left out.

    With ``output``, also writes the folder ``smedx diagnose`` writes (each enterprise's JSON
    and HTML file, ``index.tsv``, ``cohort.json``, ``cohort.html``), through the same C++
    driver: a new or empty folder, or one an earlier diagnosis wrote (``force`` writes into a
    folder holding other files). Surveys are diagnosed on ``threads`` threads (default: every
    core). The pages show ``diagnosed_on`` (YYYY-MM-DD; default: the survey's ``assessed_on``,
    else a blank), ``organisation`` and ``diagnostician`` (default: blanks to fill in); with
    ``catalogue`` (and ``years``, ``budget`` in 元, as :func:`smedx.match`) each enterprise's
    files gain its 改造方案, as ``smedx diagnose --catalogue`` writes them.

    >>> reqs = smedx.diagnose_frame(frame, rules, target=2).requirements
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
        **_page_options(diagnosed_on, organisation, diagnostician, catalogue, years, budget),
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
    diagnosed_on: str | None = None,
    organisation: str | None = None,
    diagnostician: str | None = None,
    catalogue: str | PathLike[str] | None = None,
    years: int = 1,
    budget: int | None = None,
) -> CohortDiagnosis:
    """Diagnose survey files (.jsonl, .csv, .json, .yaml; ``input_format`` overrides the
    extension) as one cohort, as ``smedx diagnose`` reads them: what
    :func:`diagnose_frame` returns, and with ``output`` the very folder the command writes,
    byte for byte (the page options and ``catalogue`` as in :func:`diagnose_frame`).

    >>> result = smedx.diagnose_files("cohort.jsonl", rules, output="out/diagnosis")
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
        **_page_options(diagnosed_on, organisation, diagnostician, catalogue, years, budget),
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


def _page_options(
    diagnosed_on: str | None,
    organisation: str | None,
    diagnostician: str | None,
    catalogue: str | PathLike[str] | None,
    years: int,
    budget: int | None,
) -> dict[str, Any]:
    """The pages' signatories and the 改造方案, as `smedx diagnose` takes them; C++ checks them."""
    if catalogue is not None and not Path(catalogue).exists():
        raise FileNotFoundError(f"{catalogue}: no such file or folder")
    return {
        "diagnosed_on": diagnosed_on or "",
        "organisation": organisation or "",
        "diagnostician": diagnostician or "",
        "catalogue": None if catalogue is None else str(catalogue),
        "years": years,
        "budget": budget,
    }


def _requirements(results: list[tuple[str, str]], cohort: str) -> CohortDiagnosis:
    """The diagnoses, their requirements as a frame and the cohort summary, in one result."""
    return CohortDiagnosis(
        [Diagnosis.from_json(record) for record, _ in results],
        json.loads(cohort, parse_float=Decimal),
    )


# Every column has one type, so a frame round-trips through Parquet and Arrow: a scenario's
# level and an item's letters are both text in `from`/`to` (a multi item's letters joined with
# `|` as in the CSV survey layout), and a scenario's levels are also numbers in
# `from_level`/`to_level` (missing for items).
_REQUIREMENT_COLUMNS = {
    "enterprise_id": "string",
    "industry": "string",
    "kind": "string",
    "id": "string",
    "code": "string",
    "zh": "string",
    "from": "string",
    "to": "string",
    "from_level": "Int8",
    "to_level": "Int8",
    "priority": "string",
    "tag": "string",
    "constraint": "boolean",
    "meaning": "string",
}

_ENTERPRISE_COLUMNS = {
    "enterprise_id": "string",
    "industry": "string",
    "profile": "string",
    "level": "Int8",
    "target": "Int8",
    "status": "string",
    "cost": "object",  # exact: Decimal (None when no path is needed or none exists)
    "requirements": "Int32",
    "error": "string",
}


def _answer_text(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


def _exact(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _level(kind: str, value: Any) -> int | None:
    return value if kind == "scenario" and isinstance(value, int) else None


def _typed(rows: list[dict[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns)).astype(dict(columns))


class CohortDiagnosis:
    """What :func:`diagnose_frame` and :func:`diagnose_files` return: plain frames beside the
    Python objects, so pandas costs on ``requirements`` what it costs on any frame (the
    diagnoses used to ride in ``DataFrame.attrs``, which pandas deep-copies on every operation).

    Attributes: ``requirements`` (one row per requirement of every enterprise; every column of
    one type, Parquet-safe), ``enterprises`` (one row per enterprise: level, target, path status
    and cost, number of requirements, error), ``cohort`` (the cohort summary as ``smedx
    diagnose`` writes cohort.json; shares as :class:`decimal.Decimal`), ``diagnoses`` (each
    enterprise's :class:`Diagnosis`, in input order).

    >>> result = smedx.diagnose_frame(frame, rules, target=2)
    >>> result.requirements.groupby("id").size()
    >>> result.diagnosis("CN-2025-004").path["changes"]

    Until the next minor version the result also answers as the requirements frame did
    (``result["tag"]``, ``result.groupby(...)``, ``result.attrs["cohort"]``), with a
    :class:`FutureWarning` naming the new spelling.
    """

    def __init__(self, diagnoses: list[Diagnosis], cohort: dict[str, Any]) -> None:
        self.diagnoses: list[Diagnosis] = diagnoses
        self.cohort: dict[str, Any] = cohort
        self.requirements: pd.DataFrame = _typed(
            [
                {
                    "enterprise_id": d.enterprise_id,
                    "industry": d.industry,
                    "kind": r["kind"],
                    "id": r["id"],
                    "code": r["code"],
                    "zh": r["zh"],
                    "from": _answer_text(r["from"]),
                    "to": _answer_text(r["to"]),
                    "from_level": _level(r["kind"], r["from"]),
                    "to_level": _level(r["kind"], r["to"]),
                    "priority": r["priority"],
                    "tag": r["tag"],
                    "constraint": r["constraint"],
                    "meaning": r["meaning"],
                }
                for d in diagnoses
                for r in d.requirements
            ],
            _REQUIREMENT_COLUMNS,
        )
        self.enterprises: pd.DataFrame = _typed(
            [
                {
                    "enterprise_id": d.enterprise_id,
                    "industry": d.industry,
                    "profile": d.profile,
                    "level": d.assessment.level,
                    "target": d.target,
                    "status": d.path.get("status"),
                    "cost": _exact(d.path.get("cost")),
                    "requirements": len(d.requirements),
                    "error": None
                    if d.assessment.ok
                    else (d.assessment.error or {}).get("message", ""),
                }
                for d in diagnoses
            ],
            _ENTERPRISE_COLUMNS,
        )
        self._by_id: dict[str, Diagnosis] | None = None

    def diagnosis(self, enterprise_id: str) -> Diagnosis:
        """The enterprise's :class:`Diagnosis` (the first, when an id repeats)."""
        if self._by_id is None:
            self._by_id = {}
            for d in self.diagnoses:
                self._by_id.setdefault(d.enterprise_id, d)
        try:
            return self._by_id[enterprise_id]
        except KeyError:
            raise KeyError(f"no enterprise {enterprise_id!r} in this cohort") from None

    def __repr__(self) -> str:
        return (
            f"<CohortDiagnosis enterprises={len(self.diagnoses)} "
            f"requirements={len(self.requirements)}>"
        )

    def _repr_html_(self) -> str:
        return self.requirements._repr_html_() or ""

    # The deprecation path: the result stood for the requirements frame with its attrs.
    @property
    def attrs(self) -> dict[str, Any]:
        _deprecated("attrs", "result.cohort and result.diagnoses")
        return {"cohort": self.cohort, "diagnoses": self.diagnoses}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("requirements", "enterprises", "cohort", "diagnoses"):
            raise AttributeError(name)
        value = getattr(self.requirements, name)
        _deprecated(name, f"result.requirements.{name}")
        return value

    def __getitem__(self, key: Any) -> Any:
        _deprecated("[...]", "result.requirements[...]")
        return self.requirements[key]

    def __len__(self) -> int:
        _deprecated("len()", "len(result.requirements)")
        return len(self.requirements)


def _deprecated(what: str, instead: str) -> None:
    warnings.warn(
        f"diagnose_frame/diagnose_files return a CohortDiagnosis; {what} on it stands for the "
        f"requirements frame and will go: use {instead}",
        FutureWarning,
        stacklevel=3,
    )
