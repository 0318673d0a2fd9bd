"""score_frame on every kind of column (arrow-backed strings, object strings, categoricals, a
pyarrow Table, a Polars DataFrame) gives what `smedx score` gives for the same CSV, row by row:
the same levels, totals and error messages, and the same pass-through columns."""

from __future__ import annotations

import json
import subprocess
import sysconfig
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest
import smedx

CLI = Path(sysconfig.get_path("scripts")) / "smedx"  # the command the wheel installs


def run_cli(rules_dir: Path, csv: Path, fmt: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CLI), "score", "--rules", str(rules_dir), str(csv), "--format", fmt],
        capture_output=True,
        text=True,
    )


def messy_frame(cohort_csv: Path) -> pd.DataFrame:
    """The cohort four times over as object strings, with a pass-through column, and missing
    and bad cells in item and scenario columns."""
    base = pd.read_csv(cohort_csv, dtype=object, keep_default_na=False)
    frame = pd.concat([base] * 4, ignore_index=True)
    frame["enterprise_id"] = [f"{e}-{i}" for i, e in enumerate(frame["enterprise_id"])]
    frame.insert(
        4, "contact_phone", [f"0571-{8800 + i}" if i % 5 else None for i in range(len(frame))]
    )
    frame = frame.astype(object)
    frame.loc[1, "network"] = "B|Q"
    frame.loc[2, "equipment_networking"] = "137.5"
    frame.loc[3, "quality"] = "2.5"
    frame.loc[5, "network"] = None
    frame.loc[6, "quality"] = None
    frame.loc[7, "planning"] = "Z"
    frame.loc[8, "data_collection"] = " C|D "
    frame.loc[9, "equipment_digitization"] = "37.5"
    frame.loc[10, "marketing"] = "seven"
    frame.loc[11, "enterprise_id"] = None
    frame.loc[12, "talent"] = "B|多个"
    frame.loc[13, "process_design"] = "5"
    return frame


def kinds() -> dict[str, Callable[[pd.DataFrame], Any]]:
    out: dict[str, Callable[[pd.DataFrame], Any]] = {
        "object": lambda f: f,
        "categorical": lambda f: f.astype("category"),
    }
    try:  # without them (a pandas-only install), the numpy kinds still run
        import polars as pl
        import pyarrow as pa
    except ImportError:
        return out
    out["pandas str (arrow)"] = lambda f: f.astype("str")
    out["arrow large_string"] = lambda f: f.astype(pd.ArrowDtype(pa.large_string()))
    out["pyarrow Table"] = lambda f: pa.Table.from_pandas(f, preserve_index=False)
    out["pyarrow dictionaries"] = lambda f: pa.table(
        {c: pa.array(f[c]).dictionary_encode() for c in f.columns}
    )
    out["Polars"] = lambda f: pl.from_pandas(f)  # String columns go out as Arrow string views
    out["Polars categoricals"] = lambda f: pl.from_pandas(f).with_columns(
        pl.exclude("enterprise_id").cast(pl.Categorical)
    )
    return out


@pytest.fixture(scope="module")
def messy(cohort_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    frame = messy_frame(cohort_csv)
    path = tmp_path_factory.mktemp("messy") / "messy.csv"
    frame.to_csv(path, index=False)
    return frame, path


def cli_scores(root: Path, path: Path) -> pd.DataFrame:
    done = run_cli(root / "indicators" / "miit-2024", path, "csv")
    assert done.returncode == 1, done.stderr  # some rows have errors
    from io import StringIO

    return pd.read_csv(StringIO(done.stdout), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("kind", list(kinds()))
def test_every_column_kind_scores_as_the_cli_does(
    rules: smedx.RuleSet, root: Path, messy: Any, kind: str
) -> None:
    frame, path = messy
    want = cli_scores(root, path)
    got = smedx.score_frame(kinds()[kind](frame), rules)
    assert list(got.columns) == list(want.columns)
    errors = [e if isinstance(e, str) else "" for e in got["error"]]
    assert errors == list(want["error"])
    assert sum(1 for e in errors if e) == 10
    ok = want["error"] == ""
    assert [str(x) for x in got.loc[ok.to_numpy(), "level"]] == list(want.loc[ok, "level"])
    for col in ["total"] + rules.dimension_ids:
        assert got.loc[ok.to_numpy(), col].tolist() == [float(x) for x in want.loc[ok, col]], col
    for s in rules.scenario_ids:
        assert [str(x) for x in got.loc[ok.to_numpy(), s]] == list(want.loc[ok, s]), s
    assert got.loc[~ok.to_numpy(), "level"].isna().all()
    phones = [p if isinstance(p, str) else "" for p in got["contact_phone"]]
    assert phones == list(want["contact_phone"])


def test_the_row_messages_are_the_csv_messages(rules: smedx.RuleSet, messy: Any) -> None:
    frame, _ = messy
    out = smedx.score_frame(frame, rules, lang="en")  # the English kept for platform logs
    assert out.loc[1, "error"] == "unknown option 'Q' for item 'network' (valid: A–E)"
    assert out.loc[3, "error"] == "expected a whole-number scenario level for 'quality', got '2.5'"
    assert out.loc[11, "error"] == "missing enterprise.id"
    assert out.loc[8, "error"] is None and out.loc[9, "error"] is None


def test_integer_columns_with_nulls(rules: smedx.RuleSet, messy: Any) -> None:
    pl = pytest.importorskip("polars")
    frame, _ = messy
    clean = frame.iloc[14:].reset_index(drop=True).copy()
    clean.loc[0, "quality"] = None
    want = smedx.score_frame(clean, rules)
    ints = clean.astype({s: "Int64" for s in rules.scenario_ids})
    pd.testing.assert_frame_equal(smedx.score_frame(ints, rules), want)
    polars = pl.from_pandas(clean).with_columns(pl.col(rules.scenario_ids).cast(pl.Int64))
    got = smedx.score_frame(polars, rules)
    assert got["error"].tolist() == want["error"].tolist()
    assert got["total"].equals(want["total"])
    assert want.loc[0, "error"].startswith("以下场景未填等级：S07 ")


def test_pass_through_columns_reach_the_json_output(root: Path, messy: Any) -> None:
    _, path = messy
    done = run_cli(root / "indicators" / "miit-2024", path, "jsonl")
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records[1]["enterprise"]["contact_phone"] == "0571-8801"
    assert records[3]["enterprise"]["contact_phone"] == "0571-8803"
    # A cell that does not read (2.5 for a scenario) still leaves the row's fields.
    assert records[3]["error"]["message"].startswith("场景“quality”的等级应为整数")
    assert records[3]["error"]["issues"][0]["code"] == "E-LEVEL-FORMAT"
    assert records[4]["level"] >= 0 and records[4]["enterprise"]["name"]


def test_a_misspelt_column_is_the_same_error_in_both(
    rules: smedx.RuleSet, root: Path, messy: Any, tmp_path: Path
) -> None:
    frame, _ = messy
    bad = frame.rename(columns={"network": "netwrk"})
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    want = cli_scores(root, path)
    # The header's problem once, on the first row; every later row points at the header.
    assert (
        want["error"].iloc[0] == "CSV 表头有误：unknown column 'netwrk' (did you mean 'network'?)"
    )
    assert set(want["error"].iloc[1:]) == {"未读取：第 1 行的 CSV 表头有错误"}
    with pytest.raises(ValueError) as e:
        smedx.score_frame(bad, rules)
    assert str(e.value) == "unknown column 'netwrk' (did you mean 'network'?)"


def test_keep_picks_the_enterprise_columns(rules: smedx.RuleSet, messy: Any) -> None:
    frame, _ = messy
    default = smedx.score_frame(frame, rules)
    assert list(default.columns[:6]) == [
        "enterprise_id",
        "name",
        "industry",
        "district",
        "contact_phone",
        "level",
    ]
    some = smedx.score_frame(frame, rules, keep=["district", "name"])
    assert list(some.columns[:4]) == ["enterprise_id", "district", "name", "level"]
    assert some["name"].equals(frame["name"])
    assert list(smedx.score_frame(frame, rules, keep=[]).columns[:2]) == ["enterprise_id", "level"]
    with pytest.raises(ValueError, match="keep: 'network' is not an enterprise column"):
        smedx.score_frame(frame, rules, keep=["network"])


def test_results_own_their_masks(rules: smedx.RuleSet, messy: Any) -> None:
    frame, _ = messy
    out = smedx.score_frame(frame, rules)
    out.loc[1, "level"] = 3  # a row with an error: setting one cell unmasks only that cell
    assert out.loc[1, "total"] is pd.NA and out.loc[1, "quality"] is pd.NA
    assert np.isnan(out["total"].to_numpy(dtype=float, na_value=np.nan)[1])


def test_padded_and_blank_short_texts_read_alike_on_every_kind(
    rules: smedx.RuleSet, cohort_csv: Path
) -> None:
    # Arrow columns read short texts 8 bytes at a time; blanks at either end, a blank id and
    # the last cell of a buffer must read as in an object column.
    frame = pd.read_csv(cohort_csv, dtype=object, keep_default_na=False).astype(object)
    frame.loc[0, "planning"] = " D"
    frame.loc[1, "information_systems"] = "E\t"
    frame.loc[2, "network"] = "B|C "
    frame.loc[3, "equipment_digitization"] = "37.5 "
    frame.loc[4, "enterprise_id"] = "  "
    frame.loc[len(frame) - 1, "planning"] = "C"
    want = smedx.score_frame(frame, rules)
    assert want.loc[4, "error"] == "缺少企业编号（enterprise.id）"
    assert want["error"].drop(index=4).isna().all()
    for kind, make in kinds().items():
        got = smedx.score_frame(make(frame), rules)
        assert got["error"].tolist() == want["error"].tolist(), kind
        assert got["level"].equals(want["level"]), kind
        assert got["total"].equals(want["total"]), kind


def test_object_cells_python_must_read_score_as_their_text(
    rules: smedx.RuleSet, messy: Any
) -> None:
    # Exact ASCII str, None and float cells are read without the GIL; any other cell (pandas' NA,
    # a list of letters, a str subclass, text that is not ASCII, an int) waits for it. Either
    # way a cell scores as its text would.
    frame, _ = messy
    frame = frame.iloc[14:].reset_index(drop=True)
    as_text = frame.copy()
    odd = frame.copy()
    odd.loc[0, "network"] = ["B", "C"]
    as_text.loc[0, "network"] = "B|C"
    odd.loc[1, "planning"] = np.str_(frame.loc[1, "planning"])
    odd.loc[2, "talent"] = pd.NA
    as_text.loc[2, "talent"] = None
    odd.loc[3, "quality"] = 3
    as_text.loc[3, "quality"] = "3"
    odd.loc[4, "planning"] = "Ｑ"  # a full-width letter: an unknown option, as in CSV
    as_text.loc[4, "planning"] = "Ｑ"
    odd.loc[5, "enterprise_id"] = "企业-5"
    as_text.loc[5, "enterprise_id"] = "企业-5"
    got = smedx.score_frame(odd, rules)
    want = smedx.score_frame(as_text, rules)
    pd.testing.assert_frame_equal(
        got.drop(columns="enterprise_id"), want.drop(columns="enterprise_id")
    )
    assert got.loc[2, "error"] == want.loc[2, "error"] and got.loc[2, "error"] is not None
    assert "“Ｑ”" in got.loc[4, "error"]  # E-ANSWER-OPTION, in Chinese by default
    assert got.loc[[0, 1, 3, 5], "error"].isna().all()
