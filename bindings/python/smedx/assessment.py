"""The result of scoring one survey."""

from __future__ import annotations

import copy
import html
import json
from decimal import Decimal
from typing import Any


class Assessment:
    """One enterprise's scores, level and explanation, as ``smedx score`` writes them.

    Points are exact :class:`decimal.Decimal` values (``Decimal('52.475')``).

    Attributes: ``enterprise_id``, ``enterprise`` (other fields, passed through), ``ok``,
    ``error`` (``None`` when scored), ``level`` (0-4), ``level_name`` (``"二级"``), ``total``,
    ``dimensions`` (``{"foundation": Decimal, ...}``), ``sub_indicators``, ``items``,
    ``scenarios`` (``{"product_design": 2, ...}``), ``scenario_counts``, ``explanation``,
    ``warnings``, ``provenance``.

    >>> a = rules.score(survey)
    >>> a.level, a.dimensions["foundation"]
    (2, Decimal('22.35'))
    >>> a.to_dict()["explanation"][1]["conditions"][0]
    {'what': 'points', 'required': Decimal('60'), 'has': Decimal('52.475'), 'short': Decimal('7.525')}
    """  # noqa: E501 (a doctest's output line cannot wrap)

    def __init__(self, record: dict[str, Any]) -> None:
        self._record = record
        self.enterprise_id: str = record.get("enterprise_id", "")
        self.enterprise: dict[str, str] = record.get("enterprise", {})
        self.error: dict[str, Any] | None = record.get("error")
        self.ok: bool = self.error is None
        self.level: int | None = record.get("level")
        self.level_name: str | None = record.get("level_name")
        self.total: Decimal | None = _dec(record.get("total"))
        self.dimensions: dict[str, Decimal] = {
            k: _dec(v) for k, v in record.get("dimensions", {}).items()
        }
        self.sub_indicators: dict[str, Decimal] = {
            k: _dec(v) for k, v in record.get("sub_indicators", {}).items()
        }
        self.items: dict[str, dict[str, Any]] = record.get("items", {})
        self.scenarios: dict[str, int] = record.get("scenarios", {})
        self.scenario_counts: list[dict[str, int]] = record.get("scenario_counts", [])
        self.explanation: list[dict[str, Any]] = record.get("explanation", [])
        self.warnings: list[dict[str, str]] = record.get("warnings", [])
        self.provenance: dict[str, str] = record.get("provenance", {})

    @classmethod
    def from_json(cls, text: str) -> Assessment:
        record = json.loads(text, parse_float=Decimal)
        for item in record.get("items", {}).values():
            item["points"] = _dec(item["points"])
        for check in record.get("explanation", []):
            for c in check["conditions"]:
                for key in ("required", "has", "short"):
                    c[key] = _dec(c[key])
        return cls(record)

    def to_dict(self) -> dict[str, Any]:
        """The whole record as a dict (the JSON Lines record of ``smedx score``), points as
        :class:`decimal.Decimal`."""
        record = copy.deepcopy(self._record)
        if "total" in record:
            record["total"] = self.total
            record["dimensions"] = dict(self.dimensions)
            record["sub_indicators"] = dict(self.sub_indicators)
        return record

    def why(self) -> str:
        """In words: the conditions of the level reached and of the next level up.

        >>> print(a.why())
        level 2 (二级) reached: points 52.475 >= 40; scenarios 8 >= 6; constraint 6 >= 3
        level 3 not reached: points 52.475 < 60 (7.525 short); scenarios 0 < 8 (8 short); ...
        """
        if not self.ok:
            return f"not scored: {self.error['message'] if self.error else ''}"
        lines = []
        for check in self.explanation:
            parts = []
            for c in check["conditions"]:
                if c["has"] >= c["required"]:
                    parts.append(f"{c['what']} {c['has']} >= {c['required']}")
                else:
                    parts.append(f"{c['what']} {c['has']} < {c['required']} ({c['short']} short)")
            state = "reached" if check["met"] else "not reached"
            lines.append(f"level {check['level']} {state}: " + "; ".join(parts))
        return "\n".join(lines)

    def __repr__(self) -> str:
        if not self.ok:
            message = self.error["message"] if self.error else ""
            return f"<Assessment {self.enterprise_id} error: {message}>"
        dims = " ".join(f"{k}={v}" for k, v in self.dimensions.items())
        return (
            f"<Assessment {self.enterprise_id} level={self.level} ({self.level_name})"
            f" total={self.total} {dims}>"
        )

    def _repr_html_(self) -> str:
        e = html.escape
        if not self.ok:
            return f"<p><b>{e(self.enterprise_id)}</b>: error: {e(str(self.error))}</p>"
        rows = "".join(
            f"<tr><td>{e(k)}</td><td style='text-align:right'>{v}</td></tr>"
            for k, v in self.dimensions.items()
        )
        checks = "".join(
            "<tr><td>level {}</td><td>{}</td><td>{}</td></tr>".format(
                c["level"],
                "✔" if c["met"] else "✘",
                "; ".join(f"{x['what']}: {x['has']} / {x['required']}" for x in c["conditions"]),
            )
            for c in self.explanation
        )
        warnings = "".join(f"<li>{e(w['message'])}</li>" for w in self.warnings)
        return (
            f"<div><p><b>{e(self.enterprise_id)}</b> {e(self.enterprise.get('name', ''))}: "
            f"<b>level {self.level} ({e(self.level_name or '')})</b>, {self.total} points</p>"
            f"<table><tr><th>dimension</th><th>points</th></tr>{rows}</table>"
            f"<table><tr><th></th><th>met</th><th>has / required</th></tr>{checks}</table>"
            + (f"<ul>{warnings}</ul>" if warnings else "")
            + f"<p style='color:gray'>{e(self.provenance.get('rule_set', ''))} "
            f"{e(self.provenance.get('version', ''))} {e(self.provenance.get('hash', ''))}"
            "</p></div>"
        )


def _dec(value: Any) -> Any:
    """Points as exact decimals: JSON gives 40 as an int and 52.475 as a Decimal already."""
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
