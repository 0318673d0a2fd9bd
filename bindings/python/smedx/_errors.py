"""The errors smedx raises, split by who is at fault: the rule set's author or the survey."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class RuleSetError(ValueError):
    """The rule set has errors. ``str(e)`` is the C++ message: every issue in the diagnostic
    format. ``path``, ``line``, ``column`` and ``file`` are those of the first error."""

    def __init__(self, message: str, issues: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.issues = list(issues)
        first = next((i for i in self.issues if i.severity == "error"), None)
        self.path: str | None = first.path if first else None
        self.file: str | None = first.file if first else None
        self.line: int | None = first.line if first and first.line else None
        self.column: int | None = first.column if first and first.column else None
        self.item: str | None = _item_of(self.path)
        self.record: int | None = None


class SurveyError(ValueError):
    """A survey cannot be scored. ``str(e)`` is the first error's message, as the C++ engine
    words it; ``issues`` holds every error, each a dict with ``message``, ``path`` and ``line``.
    ``item`` is the item or scenario at fault where known, ``record`` the survey's number in a
    batch (1-based)."""

    def __init__(
        self,
        message: str,
        issues: Sequence[dict] = (),
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        record: int | None = None,
    ) -> None:
        super().__init__(message)
        self.issues = list(issues)
        self.path = path
        self.line = line
        self.column = column
        self.item: str | None = _item_of(path)
        self.record = record


def _item_of(path: str | None) -> str | None:
    """'answers.network' -> 'network'; 'items.network.max' -> 'network'."""
    if not path:
        return None
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] in ("answers", "scenarios", "items"):
        return parts[1]
    return None
