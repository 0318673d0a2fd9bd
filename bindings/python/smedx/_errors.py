"""The errors smedx raises, split by who is at fault: the rule set's author or the survey."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional


class RuleSetError(ValueError):
    """The rule set has errors. ``str(e)`` is the C++ message: every issue in the diagnostic
    format. ``path``, ``line``, ``column`` and ``file`` are those of the first error."""

    def __init__(self, message: str, issues: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.issues = list(issues)
        first = next((i for i in self.issues if i.severity == "error"), None)
        self.path: Optional[str] = first.path if first else None
        self.file: Optional[str] = first.file if first else None
        self.line: Optional[int] = first.line if first and first.line else None
        self.column: Optional[int] = first.column if first and first.column else None
        self.item: Optional[str] = _item_of(self.path)
        self.record: Optional[int] = None


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
        path: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        record: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.issues = list(issues)
        self.path = path
        self.line = line
        self.column = column
        self.item: Optional[str] = _item_of(path)
        self.record = record


def _item_of(path: Optional[str]) -> Optional[str]:
    """'answers.network' -> 'network'; 'items.network.max' -> 'network'."""
    if not path:
        return None
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] in ("answers", "scenarios", "items"):
        return parts[1]
    return None
