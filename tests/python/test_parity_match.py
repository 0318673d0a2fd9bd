"""`smedx match`, `smedx.match`, `POST /v1/rulesets/{id}/match` (smedx serve) and
`smedx_match_jsonl` (the C API) give the same plans and the same 产品矩阵: all are doors over the
one C++ driver (include/smedx/match.h)."""

from __future__ import annotations

import json
import subprocess
import sysconfig
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import smedx

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [Path(sysconfig.get_path("scripts")) / "smedx", ROOT / "build" / "default" / "smedx"]
CLI = next((c for c in CANDIDATES if c.is_file()), None)
RULES = ROOT / "indicators" / "miit-2024"
CATALOGUE = ROOT / "catalogues" / "dongying-2026"
INPUTS = [
    ROOT / "examples" / "surveys" / "cohort.jsonl",
    ROOT / "examples" / "pilot" / "baseline.jsonl",
    ROOT / "examples" / "pilot" / "acceptance.jsonl",
]

OPTIONS = {
    "defaults": ({}, []),
    "alternatives and years": (
        {"alternatives": 2, "years": 3},
        ["--alternatives", "2", "--years", "3"],
    ),
    "budget": ({"budget": 60000}, ["--budget", "60000"]),
    "target 1": ({"target": 1}, ["--target", "1"]),
}


def run_cli(inputs: list[Path], tmp: Path, args: list[str]) -> tuple[list[dict], dict]:
    if CLI is None:
        pytest.skip("no smedx command: install the package or build the default preset")
    plans, matrix = tmp / "plans.jsonl", tmp / "matrix.json"
    done = subprocess.run(
        [
            str(CLI),
            "match",
            "--rules",
            str(RULES),
            "--catalogue",
            str(CATALOGUE),
            *map(str, inputs),
            "-o",
            str(plans),
            "--matrix",
            str(matrix),
            *args,
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    records = [
        json.loads(line, parse_float=Decimal)
        for line in plans.read_text(encoding="utf-8").splitlines()
    ]
    return records, json.loads(matrix.read_text(encoding="utf-8"))


def same(df: pd.DataFrame, records: list[dict], matrix: dict) -> None:
    assert len(df) == len(records)
    for row, record in zip(df.to_dict(orient="records"), records):
        for key, value in record.items():
            assert row[key] == value, (record["enterprise_id"], key)
        # Keys a record does not have are empty in the frame.
        for key, value in row.items():
            if key not in record:
                assert value is None or (isinstance(value, float) and pd.isna(value)), key
    assert df.attrs["matrix"] == matrix


@pytest.mark.parametrize("name", OPTIONS)
def test_cli_and_python_give_the_same_plans(tmp_path: Path, name: str) -> None:
    kwargs, args = OPTIONS[name]
    records, matrix = run_cli(INPUTS, tmp_path, args)
    assert len(records) == 12 + 53 + 42
    if name == "defaults":
        assert any(r["reached"] and not r["already"] for r in records)
    df = smedx.match(
        smedx.load_rules(RULES), CATALOGUE, [str(p) for p in INPUTS], **{"target": 2, **kwargs}
    )
    same(df, records, matrix)


def test_survey_dicts_give_the_same_plans_as_the_file(tmp_path: Path) -> None:
    source = INPUTS[1]
    records, matrix = run_cli([source], tmp_path, [])
    surveys = [
        json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    same(smedx.match("miit-2024", CATALOGUE, surveys), records, matrix)


def test_a_bad_survey_is_one_error_row(tmp_path: Path) -> None:
    surveys = [{"enterprise": {"id": "BAD-1"}, "answers": {}, "scenarios": {}}]
    df = smedx.match("miit-2024", CATALOGUE, surveys)
    assert list(df["enterprise_id"]) == ["BAD-1"]
    assert isinstance(df.loc[0, "error"], dict)
    assert df.attrs["matrix"]["errors"] == 1


def http_query(kwargs: dict) -> str:
    return "".join(f"{'&' if k else '?'}{key}={v}" for k, (key, v) in enumerate(kwargs.items()))


@pytest.mark.parametrize("name", OPTIONS)
def test_cli_http_and_c_give_the_same_bytes(tmp_path: Path, name: str) -> None:
    """The plans byte for byte through every door but Python (compared above as values)."""
    from test_capi import LIBRARY, C
    from test_serve import Server

    kwargs, args = OPTIONS[name]
    run_cli(INPUTS, tmp_path, args)
    cli = (tmp_path / "plans.jsonl").read_bytes()
    cli_matrix = (tmp_path / "matrix.json").read_bytes()
    text = b"".join(p.read_bytes() for p in INPUTS)
    assert cli.count(b"\n") == text.count(b"\n") == 12 + 53 + 42

    server = Server("--catalogue", str(CATALOGUE))
    try:
        status, headers, body = server.request(
            "POST",
            "/v1/rulesets/miit-2024/match" + http_query(kwargs),
            text,
            {"Content-Type": "application/x-ndjson"},
        )
    finally:
        assert server.stop() == 0
    assert status == 200 and headers["Content-Type"] == "application/x-ndjson"
    assert body == cli

    if not LIBRARY.is_file():
        pytest.skip("no libsmedx_c.so: build the default preset")
    c = C(LIBRARY)
    status, rules, error = c.load(str(RULES))
    assert status == 0, error
    status, catalogue, error = c.load_catalogue(rules, str(CATALOGUE))
    assert status == 0, error
    try:
        options = {"target": 0, "years": 1, "budget": None, "alternatives": 0, **kwargs}
        status, records, matrix, error = c.match_lines(catalogue, text, **options)
        assert status == 0, error
        assert records == cli
        assert matrix is not None and matrix + b"\n" == cli_matrix
    finally:
        c.lib.smedx_catalogue_free(catalogue)
        c.lib.smedx_rules_free(rules)
