"""smedx.pilot: the pilot programme as DataFrames, the same results as `smedx pilot`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import smedx


def run(root: Path, **kw):
    ex = root / "examples" / "pilot"
    args = dict(
        register=ex / "register.csv",
        providers=ex / "providers.csv",
        surveys=[ex / "baseline.jsonl", ex / "acceptance.jsonl"],
        evidence=ex / "evidence.csv",
        satisfaction=ex / "satisfaction.jsonl",
        as_of="2027-03-15",
    )
    args.update(kw)
    return smedx.pilot(root / "programmes" / "dongying-2026", **args)


def test_pilot_returns_the_four_frames(root: Path) -> None:
    result = run(root)
    acceptance, progress, providers, cases = result
    assert isinstance(acceptance, pd.DataFrame)
    assert len(acceptance) == 60
    assert acceptance["decision"].value_counts().to_dict() == {
        "passed": 28,
        "incomplete": 20,
        "failed": 12,
    }
    total = progress[progress["group"] == "total"].iloc[0]
    assert (total["registered"], total["passed"], total["target"]) == (60, 28, 730)
    assert providers.iloc[0]["id"] == "P03"
    assert providers.iloc[0]["composite"] == Decimal("86.844")
    assert providers[providers["id"] == "P06"].iloc[0]["flag"] == "insufficient_data"
    assert cases["selected"].sum() == 28
    assert result.errors == []
    assert result.counts["survey_records"] == 95
    assert result.counts["error_records"] == 0
    assert repr(result) == (
        "<PilotResult enterprises=60 passed=28 failed=12 incomplete=20 "
        "providers=6 cases=28 errors=0>"
    )


def test_pilot_record_has_every_part(root: Path) -> None:
    record = run(root).records[0]
    assert record["id"] == "CN-DY-001"
    assert record["level"] == {"before": 0, "after": 2, "delta": 2}
    assert [d["id"] for d in record["dimensions"]] == ["foundation", "management", "outcomes"]
    assert len(record["scenarios"]) == 16


def test_pilot_bad_records_are_listed_not_raised(root: Path) -> None:
    result = run(
        root,
        surveys=[
            root / "examples" / "pilot" / "baseline.jsonl",
            root / "tests" / "data" / "pilot" / "surveys-bad.jsonl",
        ],
    )
    assert len(result.errors) == 1
    assert result.counts["error_records"] == 1
    assert "a survey for enterprise 'XX-404', which is not in the register" in result.errors[0]


def test_pilot_bad_date_raises(root: Path) -> None:
    with pytest.raises(ValueError, match="as_of '2027-02-30' is not a date"):
        run(root, as_of="2027-02-30")


def test_pilot_matches_the_command_line(root: Path, tmp_path: Path) -> None:
    import json
    import shutil
    import subprocess
    import sys

    cli = shutil.which("smedx", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("the smedx command is not installed beside this Python")
    ex = root / "examples" / "pilot"
    subprocess.run(
        [
            cli,
            "pilot",
            "--programme",
            str(root / "programmes" / "dongying-2026"),
            "--register",
            str(ex / "register.csv"),
            "--providers",
            str(ex / "providers.csv"),
            "--surveys",
            str(ex / "baseline.jsonl"),
            str(ex / "acceptance.jsonl"),
            "--evidence",
            str(ex / "evidence.csv"),
            "--satisfaction",
            str(ex / "satisfaction.jsonl"),
            "--as-of",
            "2027-03-15",
            "--no-pages",
            "-o",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    result = run(root)
    load = lambda text: json.loads(text, parse_float=Decimal)  # noqa: E731
    lines = (tmp_path / "acceptance.jsonl").read_text("utf-8").splitlines()
    assert result.records == [load(line) for line in lines]
    assert result.progress_detail == load((tmp_path / "progress.json").read_text("utf-8"))
    providers = load((tmp_path / "providers.json").read_text("utf-8"))
    assert result.providers["id"].tolist() == [p["id"] for p in providers]
    assert result.providers["composite"].tolist() == [p["composite"] for p in providers]
