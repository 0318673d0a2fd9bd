"""The pilot programme from Python: acceptance, progress, provider rating and case candidates
as pandas DataFrames, computed by the same code as ``smedx pilot`` (docs/programmes.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any, Union

import pandas as pd

from . import _core
from .rules import RuleSet, load_rules

_Path = Union[str, "PathLike[str]"]


class PilotResult:
    """What :func:`pilot` returns. Unpacks as ``acceptance, progress, providers, cases``.

    Attributes:
        acceptance: one row per registered enterprise (register order): decision, reasons,
            level and total before and after, dates, on-time.
        progress: one row per group (``group`` is total, industry, district, batch or
            provider) with the counts and shares of ``progress.json``.
        providers: the provider rating, ranked.
        cases: the 典型案例 candidates, ranked, with ``suggested`` (by the rule), ``selected``
            (by the city) and a summary.
        follow_up: the follow-up list (督办清单), register order: district, batch, providers,
            kind, reasons and next actions (Chinese).
        records: the acceptance records as dicts (every dimension, item and scenario).
        progress_detail: ``progress.json`` as a dict (calendar, focus districts, targets,
            enterprises at risk).
        errors: every error in the inputs, as the located diagnostic text (a bad record may
            have several).
        counts: records read and kept per input, and ``error_records``: how many input records
            had errors.
        subsidy: with ``investments``, the 奖补 per enterprise (``subsidy.json``'s
            ``enterprises``; amounts in integer fen), else None.
        subsidy_detail: ``subsidy.json`` as a dict (rule, totals, fund split), or None.
        projects: with ``projects``, each enterprise's stage, status and overdue milestones
            (``projects.json``'s ``enterprises``), else None.
        projects_detail: ``projects.json`` as a dict (milestones, funnels), or None.
        products: with ``catalogue``, the product rating (以评促建), one row a catalogue
            product (catalogue order): the enterprises whose register ``solutions`` name it,
            pass rate, mean level gain, cost per level step (integer fen) and satisfaction;
            else None.
        product_matrix: with ``catalogue``, the 产品矩阵 over the cohort's baselines, one row
            a product: plans using it, by industry and district, revenue and demand; else None.
        products_detail: ``products.json`` as a dict (the matrix with its gaps by level
            condition, the rating, the warnings), or None.
        warnings: the register's solutions that name no catalogue product, as the located
            warnings ``smedx pilot`` prints (not errors).
        needs: the 改造需求清单 from the baselines below the target level, a row per enterprise
            and requirement (``common``: 共性 in its industry), when the rule set has diagnosis
            settings, else None.
        needs_detail: ``needs.json`` as a dict (per industry the counts and the 共性
            requirements; per enterprise its requirements), or None.
    """

    def __init__(self, raw: dict[str, Any]) -> None:
        load = lambda text: json.loads(text, parse_float=Decimal)  # noqa: E731
        self.records: list[dict[str, Any]] = [load(line) for line in raw["acceptance"]]
        self.progress_detail: dict[str, Any] = load(raw["progress"])
        self.errors: list[str] = list(raw["errors"])
        self.counts: dict[str, int] = dict(raw["counts"])
        # Chinese names of the programme's industries and batches, as its pages show them.
        names = {
            group: {r["key"]: r["zh"] for r in self.progress_detail["by_" + group]}
            for group in ("industry", "batch")
        }
        acceptance = pd.DataFrame([_flat(r) for r in self.records], columns=_ACCEPTANCE)
        _beside(acceptance, "industry", acceptance["industry"].map(names["industry"]))
        _beside(acceptance, "batch", acceptance["batch"].map(names["batch"]))
        _beside(acceptance, "decision", acceptance["decision"].map(_DECISION_ZH))
        self.acceptance = _typed(acceptance)
        rows = [dict(group="total", **self.progress_detail["total"])]
        for group in ("industry", "district", "batch", "provider"):
            rows += [dict(group=group, **r) for r in self.progress_detail["by_" + group]]
        self.progress = _typed(pd.DataFrame(rows))
        self.providers = _typed(pd.DataFrame(load(raw["providers"])))
        cases = pd.DataFrame(load(raw["cases"]))
        if "industry" in cases:
            _beside(cases, "industry", cases["industry"].map(names["industry"]))
        self.cases = _typed(cases)
        self.follow_up = pd.DataFrame(
            [
                {**f, "reasons": "；".join(f["reasons"]), "actions": "；".join(f["actions"])}
                for f in self.progress_detail["follow_up"]
            ],
            columns=_FOLLOW_UP,
        )
        sub = raw.get("subsidy")
        self.subsidy_detail: dict[str, Any] | None = load(sub) if sub is not None else None
        self.subsidy: pd.DataFrame | None = (
            pd.DataFrame(self.subsidy_detail["enterprises"]) if self.subsidy_detail else None
        )
        proj = raw.get("projects")
        self.projects_detail: dict[str, Any] | None = load(proj) if proj is not None else None
        self.projects: pd.DataFrame | None = (
            pd.DataFrame(self.projects_detail["enterprises"]) if self.projects_detail else None
        )
        self.warnings: list[str] = list(raw.get("warnings") or [])
        prod = raw.get("products")
        self.products_detail: dict[str, Any] | None = load(prod) if prod is not None else None
        self.products: pd.DataFrame | None = None
        self.product_matrix: pd.DataFrame | None = None
        if self.products_detail is not None:
            self.products = _typed(pd.DataFrame(self.products_detail["ratings"]))
            self.product_matrix = _typed(
                pd.DataFrame(self.products_detail["matrix"]["products"], columns=_MATRIX)
            )

        nd = raw.get("needs")
        self.needs_detail: dict[str, Any] | None = load(nd) if nd is not None else None
        self.needs: pd.DataFrame | None = (
            pd.DataFrame(
                [
                    {
                        "id": e["id"],
                        "industry": e["industry"],
                        "level": e["level"],
                        "kind": r["kind"],
                        "requirement": r["id"],
                        "code": r["code"],
                        "zh": r["zh"],
                        "change": r["change"],
                        "common": r["common"],
                        "priority": r["priority"],
                    }
                    for e in self.needs_detail["enterprises"]
                    for r in e["requirements"]
                ],
                columns=_NEEDS,
            )
            if self.needs_detail is not None
            else None
        )

    def to_excel(self, path: _Path) -> None:
        """Write the operator's tables as one .xlsx workbook for Chinese Excel: 督办清单 (the
        follow-up list, by district), 验收结果 and 服务商评星; with ``investments`` 奖补 (amounts
        in 元), with ``projects`` 项目阶段 (a date column per milestone), with a catalogue 产品评价;
        Chinese headers and values, providers by name.
        Needs openpyxl (``pip install 'smedx[excel]'``). The command writes the same tables as
        CSV files with a byte order mark; this is the Python door's extra."""
        from .excel import _openpyxl

        openpyxl = _openpyxl()
        names = {r["id"]: r["name"] or r["id"] for r in self.providers.to_dict("records")}
        batches = {b["batch"]: b["zh"] for b in self.progress_detail["calendar"]}
        book = openpyxl.Workbook()
        sheets = [
            (
                "督办清单",
                _FOLLOW_UP_ZH,
                [
                    [
                        f["district"],
                        f["id"],
                        f["name"],
                        batches.get(f["batch"], f["batch"]),
                        "、".join(names.get(p, p) for p in f["providers"]),
                        f["kind_zh"],
                        f["due"],
                        f["level"],
                        "；".join(f["reasons"]),
                        "；".join(f["actions"]),
                    ]
                    for f in sorted(
                        self.progress_detail["follow_up"], key=lambda f: f["district"]
                    )  # stable: register order within a district
                ],
            ),
            (
                "验收结果",
                _ACCEPTANCE_ZH,
                _rows(self._acceptance_zh()[_ACCEPTANCE]),
            ),
            (
                "服务商评星",
                _PROVIDERS_ZH,
                _provider_rows(self.providers),
            ),
        ]
        if self.products is not None:  # with a catalogue: the product rating, by name
            sheets.append(("产品评价", _PRODUCTS_ZH, _rows(self.products[_PRODUCTS])))
        industries = {r["key"]: r["zh"] for r in self.progress_detail["by_industry"]}
        if self.subsidy_detail is not None:
            sheets.append(
                ("奖补", _SUBSIDY_ZH, _subsidy_rows(self.subsidy_detail, industries, batches))
            )
        if self.projects_detail is not None:
            milestones = self.projects_detail["milestones"]
            sheets.append(
                (
                    "项目阶段",
                    _PROJECTS_ZH + [m["zh"] for m in milestones] + ["逾期节点"],
                    _projects_rows(self.projects_detail, industries, batches, names),
                )
            )
        book.remove(book.active)
        for title, header, rows in sheets:
            sheet = book.create_sheet(title)
            sheet.append(header)
            for row in rows:
                sheet.append([_cell(v) for v in row])
            sheet.freeze_panes = "A2"
        book.save(str(path))

    def _acceptance_zh(self) -> pd.DataFrame:
        """The acceptance frame with the values people read in Chinese, as ``--headers zh``
        writes acceptance.csv: industry, batch and decision by name, reasons in Chinese, 是/否."""
        frame = self.acceptance.copy()
        for column in ("industry", "batch", "decision"):
            frame[column] = frame[column + "_zh"].fillna(frame[column])
        frame["reasons"] = [
            "；".join(x.get("zh") or x["message"] for x in r["reasons"]) for r in self.records
        ]
        frame["on_time"] = frame["on_time"].map({True: "是", False: "否"})
        return frame

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return iter((self.acceptance, self.progress, self.providers, self.cases))

    def __repr__(self) -> str:
        d = self.acceptance["decision"].value_counts() if len(self.acceptance) else {}
        return (
            f"<PilotResult enterprises={len(self.acceptance)} passed={d.get('passed', 0)} "
            f"failed={d.get('failed', 0)} incomplete={d.get('incomplete', 0)} "
            f"providers={len(self.providers)} cases={len(self.cases)} errors={len(self.errors)}>"
        )


# The decisions as the pilot's pages word them (decision_zh in src/pilot/pilot_html.cpp; the
# test in tests/python/test_pilot.py finds each on the pages).
_DECISION_ZH = {"passed": "通过", "failed": "未通过", "incomplete": "待补"}

# Columns of whole levels (0-4) and of counts; every other column of numbers is a figure.
_LEVELS = ("level_before", "level_after", "stars", "level_steps")


def _beside(frame: pd.DataFrame, column: str, labels: pd.Series) -> None:
    """Puts the Chinese labels of a column of codes right after it, as ``<column>_zh``."""
    frame.insert(frame.columns.get_loc(column) + 1, f"{column}_zh", labels)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """One nullable dtype a column: levels Int8, counts and ranks Int64, figures (points,
    shares, ratings) exact decimals, text ``string``, flags ``boolean``."""
    types: dict[str, str] = {}
    for name in frame.columns:
        values = frame[name].dropna()
        if values.map(lambda v: isinstance(v, bool)).all() and len(values):
            types[name] = "boolean"
        elif values.map(lambda v: isinstance(v, int) and not isinstance(v, bool)).all() and (
            len(values) or name in _LEVELS
        ):
            types[name] = "Int8" if name in _LEVELS else "Int64"
        elif (
            len(values)
            and values.map(
                lambda v: isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
            ).all()
        ):
            whole = values.map(lambda v: float(v).is_integer()).all()
            types[name] = (
                "Int8"
                if name in _LEVELS and whole
                else ("Int64" if name in ("target", "rank") and whole else "Float64")
            )
        elif values.map(lambda v: isinstance(v, str)).all():
            types[name] = "string"
    for name, kind in types.items():
        column = frame[name]
        if kind == "Float64":
            frame[name] = _figures(column)
        else:
            frame[name] = column.astype(kind)
    return frame


def _figures(column: pd.Series) -> pd.Series:
    """A column of exact figures as an exact decimal column (pyarrow's decimal128, to the
    places its values have), or Float64 where pyarrow is not installed."""
    values = [None if v is None or v != v else Decimal(str(v)) for v in column]
    try:
        import pyarrow as pa
    except ImportError:
        return pd.Series(
            [None if v is None else float(v) for v in values], index=column.index, dtype="Float64"
        )
    places = max((-v.as_tuple().exponent for v in values if v is not None), default=0)
    kind = pa.decimal128(28, max(places, 0))
    return pd.Series(pa.array(values, type=kind), index=column.index, dtype=pd.ArrowDtype(kind))


_MATRIX = [
    "product",
    "name",
    "provider",
    "plans",
    "by_industry",
    "by_district",
    "revenue",
    "addressable",
]

# The product rating's sheet: its columns and their headers (as product_rating.csv's, with
# --headers zh), money in 元 from integer fen.
_PRODUCTS = [
    "product",
    "name",
    "provider_name",
    "category",
    "enterprises",
    "accepted",
    "passed",
    "pass_rate_percent",
    "mean_level_gain",
    "cost_fen",
    "cost_per_level_step_fen",
    "satisfaction",
]
_PRODUCTS_ZH = [
    "产品编号",
    "产品名称",
    "服务商名称",
    "类别",
    "使用企业数",
    "已验收",
    "通过",
    "通过率（%）",
    "平均提升等级",
    "产品费用（分）",
    "每提升一级费用（分）",
    "企业满意度",
]

_FOLLOW_UP = [
    "id",
    "name",
    "district",
    "batch",
    "providers",
    "kind",
    "kind_zh",
    "due",
    "level",
    "decision",
    "reasons",
    "actions",
]

_FOLLOW_UP_ZH = [
    "区县",
    "企业编号",
    "企业名称",
    "批次",
    "服务商",
    "督办类型",
    "验收截止日期",
    "当前等级",
    "原因",
    "下一步",
]
_ACCEPTANCE_ZH = [
    "企业编号",
    "企业名称",
    "行业",
    "区县",
    "批次",
    "服务商",
    "验收结论",
    "原因",
    "改造前等级",
    "改造后等级",
    "改造前总分",
    "改造后总分",
    "基线评测日期",
    "验收评测日期",
    "按时验收",
]

# The provider rating's sheet: its columns and their headers (as providers.csv's, with
# --headers zh); tied and the dynamic-adjustment flag in Chinese, as the pilot's page words them.
_PROVIDERS = [
    "rank",
    "tied",
    "id",
    "name",
    "composite",
    "stars",
    "flag",
    "performance",
    "satisfaction",
    "enterprises",
    "accepted",
    "passed",
    "failed",
    "incomplete",
    "pass_rate_percent",
    "mean_level_gain",
    "mean_point_gain",
    "on_time_percent",
    "ratings",
    "mean_satisfaction",
    "notes",
]
_PROVIDERS_ZH = [
    "排名",
    "并列",
    "服务商编号",
    "服务商名称",
    "综合得分",
    "星级",
    "动态调整",
    "服务绩效",
    "企业满意度",
    "服务企业数",
    "已验收",
    "通过",
    "未通过",
    "待补",
    "通过率（%）",
    "平均提升等级",
    "平均提升分数",
    "按时率（%）",
    "满意度评价数",
    "平均满意度",
    "说明",
]
_FLAG_ZH = {"ok": "正常", "warn": "预警", "insufficient_data": "数据不足"}


def _provider_rows(providers: pd.DataFrame) -> list[list[Any]]:
    frame = providers.reindex(columns=_PROVIDERS).copy()
    frame["tied"] = frame["tied"].map({True: "是", False: "否"})
    frame["flag"] = frame["flag"].map(lambda f: _FLAG_ZH.get(f, f))
    return _rows(frame)


_NEEDS = [
    "id",
    "industry",
    "level",
    "kind",
    "requirement",
    "code",
    "zh",
    "change",
    "common",
    "priority",
]

_SUBSIDY_ZH = [
    "企业编号",
    "企业名称",
    "行业",
    "区县",
    "批次",
    "验收结论",
    "验收等级",
    "奖补状态",
    "投入（元）",
    "可计入基数（元）",
    "比例（%）",
    "按比例计算（元）",
    "上限（元）",
    "封顶",
    "奖补（元）",
    "兑现批次",
    "说明",
]
_PROJECTS_ZH = [
    "企业编号",
    "企业名称",
    "行业",
    "区县",
    "批次",
    "服务商",
    "状态",
    "当前阶段",
    "下一节点",
    "下一节点期限",
]


def _yuan(fen: int | None) -> Decimal | None:
    """Integer fen as exact 元 (two places), as subsidy.csv writes them."""
    return None if fen is None else Decimal(int(fen)).scaleb(-2)


def _subsidy_rows(
    detail: dict[str, Any], industries: dict[str, str], batches: dict[str, str]
) -> list[list[Any]]:
    payouts = {p["key"]: p["zh"] for p in detail["by_payout"]}
    return [
        [
            e["id"],
            e["name"],
            industries.get(e["industry"], e["industry"]),
            e["district"],
            batches.get(e["batch"], e["batch"]),
            _DECISION_ZH.get(e["decision"], e["decision"]),
            e.get("level"),
            e["status_zh"],
            _yuan(e["invested_fen"]),
            _yuan(e["base_fen"]),
            e["rate_percent"],
            _yuan(e["computed_fen"]),
            _yuan(e["cap_fen"]),
            "是" if e["capped"] else "否",
            _yuan(e["subsidy_fen"]),
            payouts.get(e["payout"], e["payout"]) if e["payout"] else None,
            "；".join(e["reasons"]),
        ]
        for e in detail["enterprises"]
    ]


def _projects_rows(
    detail: dict[str, Any],
    industries: dict[str, str],
    batches: dict[str, str],
    providers: dict[str, str],
) -> list[list[Any]]:
    zh = {m["id"]: m["zh"] for m in detail["milestones"]}
    return [
        [
            p["id"],
            p["name"],
            industries.get(p["industry"], p["industry"]),
            p["district"],
            batches.get(p["batch"], p["batch"]),
            "、".join(providers.get(x, x) for x in p["providers"]),
            p["status_zh"],
            p["stage_zh"] or None,
            zh.get(p["next"]) if p["next"] else None,
            p["next_due"],
            *[p["dates"].get(m["id"]) for m in detail["milestones"]],
            "；".join(
                f"{o['zh']}（应于 {o['due']}，逾期 {o['days_over']} 天）" for o in p["overdue"]
            ),
        ]
        for p in detail["enterprises"]
    ]


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    """A frame's rows as plain Python values (missing: None), for openpyxl."""
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def _cell(v: Any) -> Any:
    """A value as a cell: exact decimals as numbers Excel shows as written, lists joined."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    return v


_ACCEPTANCE = [
    "id",
    "name",
    "industry",
    "district",
    "batch",
    "providers",
    "decision",
    "reasons",
    "level_before",
    "level_after",
    "total_before",
    "total_after",
    "baseline_on",
    "acceptance_on",
    "on_time",
]


def _flat(r: dict[str, Any]) -> dict[str, Any]:
    b, a = r.get("baseline") or {}, r.get("acceptance") or {}
    return {
        "id": r["id"],
        "name": r["name"],
        "industry": r["industry"],
        "district": r["district"],
        "batch": r["batch"],
        "providers": "|".join(r["providers"]),
        "decision": r["decision"],
        "reasons": "; ".join(f"{x['check']}: {x['message']}" for x in r["reasons"]),
        "level_before": b.get("level"),
        "level_after": a.get("level"),
        "total_before": b.get("total"),
        "total_after": a.get("total"),
        "baseline_on": b.get("assessed_on"),
        "acceptance_on": a.get("assessed_on"),
        "on_time": r["on_time"],
    }


def pilot(
    programme: _Path,
    *,
    register: _Path,
    providers: _Path,
    surveys: Sequence[_Path],
    evidence: _Path | None = None,
    satisfaction: _Path | None = None,
    selected: _Path | None = None,
    headers: str = "en",
    as_of: str | None = None,
    rules: None | str | PathLike[str] | RuleSet = None,
    threads: int = 0,
    output: _Path | None = None,
    force: bool = False,
    pages: bool = True,
    investments: _Path | None = None,
    projects: _Path | None = None,
    report: str | None = None,
    catalogue: _Path | None = None,
) -> PilotResult:
    """Run a pilot programme (``programmes/<id>/``) over its inputs, as ``smedx pilot`` does
    (the same driver).

    ``rules``: the rule set the surveys are scored under (a :class:`RuleSet`, a bundled name or
    a path); by default the programme's own ``rule_set.path``. A survey file given as
    ``"FILE@RULES"`` is assessed under the rule set at RULES. Bad input records do not raise:
    they are in ``result.errors`` and the rest is processed. A bad programme, rule set, date or
    input file raises ``ValueError`` with the diagnostics ``smedx pilot`` prints.

    ``output``: a folder to write the same files as ``smedx pilot -o`` into (refused, with a
    ``ValueError``, when it holds an input, or files smedx did not write unless ``force``);
    ``pages=False`` leaves out the per-enterprise pages, as ``--no-pages``. ``selected``: the
    典型案例 the city selected (``enterprise_id`` per record), as ``--selected``.
    ``headers="zh"``: Chinese column headers in the CSV files, as ``--headers zh``.
    ``investments``: the 投入清单 for the programme's subsidy rule, as ``--investments``.
    ``projects``: the project milestones' dates for the programme's stages, as ``--projects``.
    ``report``: ``"midterm"`` or ``"final"``: also the city's 绩效自评 in ``output``, as
    ``--report``. ``catalogue``: a solution catalogue (folder, ``catalogue.yaml`` or name):
    the 产品矩阵 and product rating in ``result.products`` / ``product_matrix``, as
    ``--catalogue``.

    >>> acceptance, progress, providers, cases = smedx.pilot(
    ...     "programmes/dongying-2026", register="examples/pilot/register.csv",
    ...     providers="examples/pilot/providers.csv",
    ...     surveys=["examples/pilot/baseline.jsonl", "examples/pilot/acceptance.jsonl"],
    ...     evidence="examples/pilot/evidence.csv",
    ...     satisfaction="examples/pilot/satisfaction.jsonl", as_of="2027-03-15")
    """
    if isinstance(surveys, (str, PathLike)):
        surveys = [surveys]
    if rules is not None and not isinstance(rules, RuleSet):
        rules = load_rules(rules)
    raw = _core.pilot_files(
        str(Path(programme)),
        rules._loaded if rules is not None else None,
        str(providers),
        str(register),
        [str(s) for s in surveys],
        str(evidence) if evidence is not None else None,
        str(satisfaction) if satisfaction is not None else None,
        as_of,
        threads,
        pages,
        str(output) if output is not None else None,
        force,
        str(selected) if selected is not None else None,
        headers,
        str(investments) if investments is not None else None,
        str(projects) if projects is not None else None,
        report,
        str(catalogue) if catalogue is not None else None,
    )
    return PilotResult(raw)
