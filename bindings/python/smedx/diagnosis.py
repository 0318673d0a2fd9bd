"""Diagnosis: the path to a target level and the 个性/共性 requirements, from Python."""

from __future__ import annotations

import html as _html
import json
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional

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

    def __init__(self, record: Dict[str, Any], html: str = "") -> None:
        self._record = record
        self._html = html
        self.enterprise_id: str = record["enterprise_id"]
        self.industry: str = record.get("industry", "")
        self.profile: str = record.get("profile", "")
        self.target: int = record.get("target", 0)
        self.assessment = Assessment(record["assessment"])
        self.path: Dict[str, Any] = record.get("path", {})
        self.requirements: List[Dict[str, Any]] = record.get("requirements", [])
        self.warnings: List[Dict[str, str]] = record.get("warnings", [])

    @classmethod
    def from_json(cls, text: str, html: str = "") -> "Diagnosis":
        return cls(json.loads(text, parse_float=Decimal), html)

    def to_dict(self) -> Dict[str, Any]:
        """The enterprise file's JSON as a dict (what ``smedx diagnose`` writes as <id>.json)."""
        return json.loads(json.dumps(self._record, default=str), parse_float=Decimal)

    def __repr__(self) -> str:
        status = self.path.get("status", "error")
        return (f"<Diagnosis {self.enterprise_id} level={self.assessment.level} target={self.target} "
                f"path={status} requirements={len(self.requirements)}>")

    def _repr_html_(self) -> str:
        return self._html or f"<pre>{_html.escape(repr(self))}</pre>"


def diagnose(rules: Any, survey: Mapping[str, Any], target: Optional[int] = None,
             missing: str = "error") -> Diagnosis:
    from .rules import _dumps

    results, _cohort = _core.diagnose_text(rules._loaded, _dumps(survey), "jsonl", target, None,
                                           False, missing, True)
    (record, html), = results
    return Diagnosis.from_json(record, html)


def diagnose_frame(
    df: pd.DataFrame,
    rules: Any,
    *,
    target: Optional[int] = None,
    threshold: Optional[float] = None,
    by_district: bool = False,
    missing: str = "error",
) -> pd.DataFrame:
    """Diagnose a DataFrame of surveys (the CSV survey layout) as a cohort.

    Returns one row per requirement: ``enterprise_id``, ``kind``, ``id``, ``code``, ``zh``,
    ``from``, ``to``, ``priority``, ``tag`` (共性 when at least ``threshold`` of the enterprise's
    group — its industry, and district with ``by_district`` — has it; else 个性), ``constraint``,
    ``meaning``. ``df.attrs["cohort"]`` holds the cohort summary (level distribution per group,
    share at or above the target, common requirements with their enterprises, errors) and
    ``df.attrs["diagnoses"]`` each enterprise's :class:`Diagnosis`, in input order.

    >>> reqs = smedx.diagnose_frame(frame, rules, target=2)
    >>> reqs[reqs["tag"] == "共性"].groupby("id").size()
    """
    results, cohort = _core.diagnose_text(rules._loaded, df.to_csv(index=False), "csv", target,
                                          threshold, by_district, missing, False)
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
    columns = ["enterprise_id", "industry", "kind", "id", "code", "zh", "from", "to", "priority",
               "tag", "constraint", "meaning"]
    out = pd.DataFrame(rows, columns=columns)
    out.attrs["cohort"] = json.loads(cohort, parse_float=Decimal)
    out.attrs["diagnoses"] = diagnoses
    return out
