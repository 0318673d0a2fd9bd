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


def test_pilot_rules_given_are_checked_against_the_programme(root: Path) -> None:
    same = run(root, rules="miit-2024")
    assert same.acceptance.equals(run(root).acceptance)
    with pytest.raises(
        ValueError, match="the programme names rule set miit-2024 2024.1, the folder holds mini 1"
    ):
        run(root, rules=root / "tests" / "data" / "minimal.yaml")


def test_pilot_survey_file_at_rules(root: Path) -> None:
    ex = root / "examples" / "pilot"
    rules = root / "indicators" / "miit-2024"
    result = run(root, surveys=[ex / "baseline.jsonl", f"{ex / 'acceptance.jsonl'}@{rules}"])
    assert result.errors == []
    assert result.acceptance.equals(run(root).acceptance)


def test_pilot_bad_programme_raises_its_diagnostics(root: Path) -> None:
    with pytest.raises(
        ValueError, match=r"broken.yaml:1:1: unknown key 'ruleset' in the programme"
    ):
        smedx.pilot(
            root / "tests" / "data" / "broken.yaml",
            register=root / "examples" / "pilot" / "register.csv",
            providers=root / "examples" / "pilot" / "providers.csv",
            surveys=[],
        )


def test_pilot_writes_its_folder(root: Path, tmp_path: Path) -> None:
    result = run(root, output=tmp_path / "out", pages=False)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        ".smedx-manifest",
        "acceptance.csv",
        "acceptance.jsonl",
        "cases.json",
        "dashboard.html",
        "progress.json",
        "providers.csv",
        "providers.json",
    ]
    lines = (tmp_path / "out" / "acceptance.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == len(result.records) == 60


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


def test_pilot_misspelt_register_column_is_an_error_not_an_empty_column(
    root: Path, tmp_path: Path
) -> None:
    text = (root / "examples" / "pilot" / "register.csv").read_text("utf-8")
    header, rest = text.split("\n", 1)
    register = tmp_path / "register.csv"
    register.write_text(header.replace(",providers,", ",provider,") + "\n" + rest, "utf-8")
    result = run(root, register=register)
    assert result.errors[0].startswith(
        f"error: {register}:1:38: unknown column 'provider' in the register "
        "(did you mean 'providers'?)\n"
    )
    # Nobody is judged on a register read without its providers.
    assert len(result.acceptance) == 0


def test_pilot_threads_out_of_range_raises(root: Path) -> None:
    with pytest.raises(ValueError, match="threads 5000 is out of range: 1 to 1024, or 0 for all"):
        run(root, threads=5000)


def test_pilot_frames_are_typed_with_chinese_labels_beside_the_codes(
    root: Path, tmp_path: Path
) -> None:
    result = run(root, output=tmp_path / "out")
    acc = result.acceptance
    assert str(acc["level_before"].dtype) == "Int8" and str(acc["level_after"].dtype) == "Int8"
    # Figures are exact: the decimals the records hold, not floats.
    for name in ("total_before", "total_after"):
        assert "decimal" in str(acc[name].dtype)
        record_totals = [
            (r.get("baseline") or {}).get("total")
            if name == "total_before"
            else (r.get("acceptance") or {}).get("total")
            for r in result.records
        ]
        got = [None if pd.isna(v) else v for v in acc[name]]
        assert got == [None if v is None else Decimal(str(v)) for v in record_totals]
    cols = list(acc.columns)
    for code in ("industry", "batch", "decision"):
        assert cols[cols.index(code) + 1] == f"{code}_zh"
    assert acc["industry_zh"].isin(["特色化工新材料制造", "特色装备零部件加工制造"]).all()
    # The decisions in Chinese are the words of the pilot's own pages.
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.html"))
    for word in acc["decision_zh"].unique():
        assert word in pages
    assert str(result.progress["target"].dtype) == "Int64"
    assert "decimal" in str(result.providers["composite"].dtype)
    assert str(result.providers["stars"].dtype) == "Int8"
    assert "industry_zh" in result.cases.columns
    for frame in result:
        assert not [c for c in frame.columns if frame[c].dtype == object and c != "notes"], frame
