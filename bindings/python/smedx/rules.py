"""Rule sets: load one by name or path, inspect it, score surveys with it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

from . import _core
from ._errors import RuleSetError, SurveyError
from .assessment import Assessment

if False:  # pragma: no cover - for type checkers only
    from .diagnosis import Diagnosis

_BATCH = 10_000  # surveys per call into the engine in score_many


def bundled_rule_sets() -> list[str]:
    """Names of the rule sets shipped with the package, e.g. ``['miit-2024']``."""
    root = resources.files("smedx") / "indicators"
    return sorted(p.name for p in root.iterdir() if p.is_dir())


# The package's own data (indicators/, programmes/) is a folder of the search path the C++
# library keeps (SMEDX_PATH first): Python, the command and C++ resolve names alike.
_core.add_data_folder(str(resources.files("smedx")))


def _resolve(name_or_path: str | PathLike[str]) -> Path:
    found, problem = _core.find_data(str(name_or_path), "rule_set")
    if found is not None:
        return Path(found)
    raise FileNotFoundError(
        f"no rule set '{name_or_path}': {problem} (bundled: {', '.join(bundled_rule_sets())})"
    )


def load_rules(name_or_path: str | PathLike[str]) -> RuleSet:
    """Load a rule set by name (``"miit-2024"``: ``SMEDX_PATH``, then the package's own rule
    sets; docs/installed-data.md) or by path (a folder or YAML file).

    Raises :class:`RuleSetError` (a ``ValueError``) when the rule set has errors; its message
    is the C++ diagnostic text, and ``path``, ``line`` and ``column`` name the first error.

    >>> rules = smedx.load_rules("miit-2024")
    >>> rules
    <RuleSet miit-2024 2024.1 hash=sha256:… items=15 scenarios=16>
    """
    path = _resolve(name_or_path)
    loaded = _core.load(str(path))
    if not loaded.ok:
        raise RuleSetError(loaded.error_message(), loaded.issues)
    return RuleSet(loaded, path)


class RuleSet:
    """A validated, compiled rule set. Scoring is exact and safe from many threads at once.

    Create with :func:`load_rules`. Pickles by absolute path and content hash, so it can be
    shipped to Dask or Spark workers that have smedx installed and see the same files (bundled
    rule sets go by name); unpickling a rule set whose files changed raises RuleSetError.
    """

    def __init__(self, loaded: Any, path: Path) -> None:
        self._loaded = loaded
        self._path = path
        self._origin = path.resolve()  # for pickling: now, before the working folder changes
        self._items = loaded.items()
        self._scenarios = loaded.scenarios()

    # --- what it is -------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The rule set's id, e.g. ``"miit-2024"``."""
        return str(self._loaded.id)

    @property
    def version(self) -> str:
        return str(self._loaded.version)

    @property
    def hash(self) -> str:
        """Content hash of the rule-set files (the provenance of every result)."""
        return str(self._loaded.hash)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def issues(self) -> list:
        """Warnings and notes found when loading (errors would have raised)."""
        return list(self._loaded.issues)

    @property
    def item_ids(self) -> list[str]:
        return [i[0] for i in self._items]

    @property
    def scenario_ids(self) -> list[str]:
        return [s[0] for s in self._scenarios]

    @property
    def dimension_ids(self) -> list[str]:
        return [d[0] for d in self._loaded.dimensions()]

    def items(self) -> list[tuple]:
        """``(id, code, kind, zh)`` of every item, in rule-set order."""
        return list(self._items)

    def scenarios(self) -> list[tuple]:
        """``(id, code, constraint, zh)`` of every scenario, in rule-set order."""
        return list(self._scenarios)

    def levels(self) -> list[tuple]:
        """``(level, zh, min_points, min_scenarios, min_constraint)`` of every level."""
        return list(self._loaded.levels())

    def lint(self) -> str:
        """What ``smedx lint`` prints: the diagnostics (if any), then the one-screen summary.

        >>> print(rules.lint())
        miit-2024 2024.1  中小企业数字化水平评测指标（2024年版）
        ...
        """
        text = _core.format_issues(self._loaded.issues) if self._loaded.issues else ""
        return text + self._loaded.summary()

    def __repr__(self) -> str:
        return (
            f"<RuleSet {self.id} {self.version} hash={self.hash} "
            f"items={len(self._items)} scenarios={len(self._scenarios)}>"
        )

    def __reduce__(self) -> Any:
        # By absolute path, so a worker started in another folder finds the files, and with the
        # content hash, so a worker that finds different files fails instead of scoring with
        # other rules. A bundled rule set also goes by name: a worker on another machine has
        # smedx installed elsewhere.
        bundled = Path(str(resources.files("smedx") / "indicators")).resolve()
        name = self._origin.name if self._origin.parent == bundled else None
        return (_unpickle, (str(self._origin), self.hash, name))

    # --- scoring ----------------------------------------------------------------------------
    def score(self, survey: Mapping[str, Any], *, missing: str = "error") -> Assessment:
        """Score one survey (a dict in the survey format of ``docs/surveys.md``).

        Raises :class:`SurveyError` (a ``ValueError``) when the survey cannot be scored, with
        the engine's message. ``missing="zero"`` scores a missing answer as its lowest option,
        with a warning, instead.

        >>> a = rules.score({"enterprise": {"id": "E1"}, "answers": {...}, "scenarios": {...}})
        >>> a.level, a.level_name, a.total
        (2, '二级', Decimal('52.475'))
        """
        record, errors = _core.score_json(self._loaded, _dumps(survey), missing)
        if errors:
            first = errors[0]
            raise SurveyError(
                first.message,
                [{"message": e.message, "path": e.path, "line": e.line or None} for e in errors],
                path=first.path or None,
                line=None,
                column=None,
                record=None,
            )
        return Assessment.from_json(record)

    def diagnose(
        self, survey: Mapping[str, Any], target: int | None = None, *, missing: str = "error"
    ) -> Diagnosis:
        """Diagnose one survey: the cheapest path to ``target`` (default: the industry profile's,
        else the rule set's; 2 for the 2024 rules) and its requirements.

        >>> d = rules.diagnose(survey, target=2)
        >>> d.path["status"], d.path["cost"]
        ('reachable', Decimal('6'))
        """
        from .diagnosis import diagnose

        return diagnose(self, survey, target, missing)

    def score_many(
        self,
        surveys: Iterable[Mapping[str, Any]],
        *,
        missing: str = "error",
        threads: int | None = None,
    ) -> Iterator[Assessment]:
        """Score many surveys (dicts), in order, on ``threads`` threads, the calling one included
        (default: all cores). Never raises for a bad survey: its Assessment has ``ok == False``
        and an ``error``; the others still score.

        >>> [a.level for a in rules.score_many(surveys)]
        """
        batch: list[str] = []
        for survey in surveys:
            batch.append(_dumps(survey))
            if len(batch) == _BATCH:
                yield from self._score_lines(batch, missing, threads)
                batch = []
        if batch:
            yield from self._score_lines(batch, missing, threads)

    def _score_lines(
        self, lines: list[str], missing: str, threads: int | None
    ) -> Iterator[Assessment]:
        records = _core.score_jsonl(
            self._loaded, "\n".join(lines) + "\n", "<surveys>", missing, threads or 0
        )
        for record in records:
            yield Assessment.from_json(record)


def _unpickle(path: str, content_hash: str, bundled: str | None = None) -> RuleSet:
    """Load a pickled rule set again and check that it is the same rule set."""
    if bundled is not None and not Path(path).exists():
        path = str(resources.files("smedx") / "indicators" / bundled)
    rules = load_rules(path)
    if content_hash.startswith("fnv1a64:"):
        # Pickled by smedx before the hash became SHA-256 (docs/provenance.md): the old hash
        # cannot be checked against the files, so the rule set is not trusted to be the same.
        raise RuleSetError(
            f"rule set '{rules.path}' was pickled by an older smedx, whose hash {content_hash} "
            f"(FNV-1a) cannot be checked against the files now hashed {rules.hash} (SHA-256); "
            "load it again and pickle it anew"
        )
    if rules.hash != content_hash:
        raise RuleSetError(
            f"rule set '{rules.path}' changed since it was pickled: its hash was {content_hash}, "
            f"now {rules.hash}; load it again and pickle it anew"
        )
    return rules


def _dumps(survey: Mapping[str, Any]) -> str:
    if not isinstance(survey, Mapping):
        raise TypeError(f"a survey is a dict, got {type(survey).__name__}")
    # One survey a line: JSON text has no raw newlines, so the batch reader sees one record.
    return json.dumps(survey, ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    try:
        import numpy as np

        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return float(value)
    except ImportError:  # pragma: no cover
        pass
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    raise TypeError(f"cannot write {type(value).__name__} in a survey")
