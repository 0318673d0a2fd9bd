"""Columns whose own integers are read in place as codes (a categorical's codes, whole numbers
below 128, an Arrow dictionary's indices, one chunk of Arrow whole numbers) score exactly as
the same cells given as object strings: the same levels, points, errors and warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import smedx
from test_frame import random_frame


def survey_frame(rules: smedx.RuleSet, n: int, seed: int) -> pd.DataFrame:
    """n surveys as object strings, with many distinct band percentages (more than 127: a
    categorical's codes of two bytes), and a few missing, bad and noted cells."""
    frame = random_frame(rules, n, seed).astype(object)
    for scenario_id in rules.scenario_ids:
        frame[scenario_id] = [str(v) for v in frame[scenario_id]]
    frame.loc[3, "network"] = None  # a missing answer
    frame.loc[4, "planning"] = "Z"  # an unknown option
    frame.loc[5, "equipment_digitization"] = "0.5"  # read as 50%, with a note
    frame.loc[6, "quality"] = None  # a missing level
    frame.loc[7, "enterprise_id"] = None
    return frame


def assert_same_scores(got: pd.DataFrame, want: pd.DataFrame) -> None:
    # enterprise_id passes through as given (its dtype follows the input); the rest is ours.
    pd.testing.assert_frame_equal(
        got.drop(columns="enterprise_id"), want.drop(columns="enterprise_id")
    )


@pytest.fixture(scope="module")
def texts(rules: smedx.RuleSet) -> pd.DataFrame:
    return survey_frame(rules, 600, seed=7)


@pytest.fixture(scope="module")
def want(rules: smedx.RuleSet, texts: pd.DataFrame) -> pd.DataFrame:
    out = smedx.score_frame(texts, rules, warnings=True)
    assert out["error"].notna().sum() == 4 and out["warnings"].notna().any()
    return out


def test_categoricals_read_in_place(
    rules: smedx.RuleSet, texts: pd.DataFrame, want: pd.DataFrame
) -> None:
    cats = texts.astype("category")
    assert cats["equipment_digitization"].cat.codes.dtype == np.int16
    assert cats["network"].cat.codes.dtype == np.int8
    assert_same_scores(smedx.score_frame(cats, rules, warnings=True), want)


def test_categoricals_with_unused_reordered_or_padded_categories(
    rules: smedx.RuleSet, texts: pd.DataFrame, want: pd.DataFrame
) -> None:
    cats = texts.astype("category")
    # Categories no row holds, even ones that would not read, change nothing.
    cats["planning"] = cats["planning"].cat.add_categories(["Q", "", "F"])
    cats["quality"] = cats["quality"].cat.add_categories(["9", "seven"])
    # Categories in another order: codes that are not in text order.
    cats["network"] = cats["network"].cat.reorder_categories(
        list(reversed(cats["network"].cat.categories))
    )
    assert_same_scores(smedx.score_frame(cats, rules, warnings=True), want)
    # Categories that read alike once trimmed (" B" and "B"), or blank, are coded by their text.
    padded = texts.copy()
    padded.loc[10, "information_systems"] = " " + padded.loc[10, "information_systems"]
    padded.loc[11, "information_systems"] = "  "
    cats = padded.astype("category")
    assert_same_scores(
        smedx.score_frame(cats, rules, warnings=True),
        smedx.score_frame(padded, rules, warnings=True),
    )


def test_categoricals_of_numbers(
    rules: smedx.RuleSet, texts: pd.DataFrame, want: pd.DataFrame
) -> None:
    numbers = texts.copy()
    for s in rules.scenario_ids:  # whole-number categories, with NaN for the missing level
        numbers[s] = pd.Categorical(pd.to_numeric(texts[s]).astype("Int64"))
    band = pd.to_numeric(texts["funding"])  # float categories
    numbers["funding"] = pd.Categorical(band)
    assert_same_scores(smedx.score_frame(numbers, rules, warnings=True), want)


@pytest.mark.parametrize("storage", ["object", "pyarrow", "integers"])
def test_categories_of_each_kind(
    rules: smedx.RuleSet, texts: pd.DataFrame, want: pd.DataFrame, storage: str
) -> None:
    """Categories held as Python objects (read one by one), as Arrow strings (pandas' default
    with pyarrow: read from their buffers) or as Arrow whole numbers (levels)."""
    pytest.importorskip("pyarrow")
    cats = texts.copy()
    for name in texts.columns:
        values = texts[name]
        distinct = sorted({v for v in values if not pd.isna(v)})
        if storage == "integers" and name in rules.scenario_ids:
            values = pd.to_numeric(values).astype("Int64")
            index = pd.Index(sorted(set(values.dropna())), dtype="int64[pyarrow]")
        elif storage == "integers":
            continue
        else:
            dtype = object if storage == "object" else pd.StringDtype("pyarrow")
            index = pd.Index(distinct, dtype=dtype)
        cats[name] = pd.Categorical(values, categories=index)
    kind = cats["quality"].dtype.categories.dtype
    assert isinstance(kind, np.dtype) == (storage == "object"), kind  # numpy: objects
    assert_same_scores(smedx.score_frame(cats, rules, warnings=True), want)


def test_an_arrow_stream_read_twice_is_an_error_not_a_crash(rules: smedx.RuleSet) -> None:
    """The engine reads an Arrow stream once and leaves its capsule released: given it again (a
    caller keeping the columns of one call for the next), it says so."""
    pa = pytest.importorskip("pyarrow")
    frame = pa.table(random_frame(rules, 20, seed=3).astype(str))
    table, columns, _fields, id_name = smedx.frame._engine_columns(frame, rules)
    smedx._core.score_arrays(rules._loaded, columns, table.cells(id_name), table.rows)
    with pytest.raises(ValueError, match="read already"):
        smedx._core.score_arrays(rules._loaded, columns, table.cells(id_name), table.rows)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint64"])
def test_whole_numbers_read_in_place(rules: smedx.RuleSet, texts: pd.DataFrame, dtype: str) -> None:
    full = texts.drop(index=6).reset_index(drop=True)  # no missing level: a numpy column
    want = smedx.score_frame(full, rules, warnings=True)
    ints = full.astype({s: dtype for s in rules.scenario_ids})
    assert_same_scores(smedx.score_frame(ints, rules, warnings=True), want)


def test_whole_numbers_out_of_range_or_few(rules: smedx.RuleSet, texts: pd.DataFrame) -> None:
    full = texts.drop(index=6).reset_index(drop=True)
    # A level above the top, below zero, or of 128 or more: errors in their rows only.
    for bad in ("5", "-1", "200", "127"):
        cells = full.copy()
        cells.loc[20, "quality"] = bad
        ints = cells.astype({s: "int64" for s in rules.scenario_ids})
        got = smedx.score_frame(ints, rules)
        assert_same_scores(got, smedx.score_frame(cells, rules))
        assert "超出 0–4" in got.loc[20, "error"], bad  # E-LEVEL-RANGE, in Chinese
    # Fewer rows than the values they may hold (levels up to 4 in 2 rows), a strided column.
    two = full.iloc[:2].astype({s: "int8" for s in rules.scenario_ids})
    assert_same_scores(smedx.score_frame(two, rules), smedx.score_frame(full.iloc[:2], rules))
    strided = full.iloc[:300].copy()
    levels = np.repeat(pd.to_numeric(full["quality"]).to_numpy()[:300], 2)[::2]
    assert not levels.flags.c_contiguous
    strided["quality"] = levels
    assert_same_scores(smedx.score_frame(strided, rules), smedx.score_frame(full.iloc[:300], rules))


def test_arrow_whole_numbers_and_dictionaries_read_in_place(
    rules: smedx.RuleSet, texts: pd.DataFrame, want: pd.DataFrame
) -> None:
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    scenarios = rules.scenario_ids
    levels = {s: pd.to_numeric(texts[s]).astype("Int64") for s in scenarios}
    columns = {c: pa.array(texts[c]) for c in texts.columns if c not in scenarios}
    table = pa.table({**columns, **{s: pa.array(levels[s], pa.int8()) for s in scenarios}})
    assert_same_scores(smedx.score_frame(table, rules, warnings=True), want)
    # Levels in two chunks; whole numbers without nulls in one chunk (unsigned) next to them.
    chunked = {
        s: pa.chunked_array(
            [pa.array(levels[s][:250], pa.int64()), pa.array(levels[s][250:], pa.int64())]
        )
        for s in scenarios
    }
    chunked["marketing"] = pa.array(levels["marketing"], pa.uint8())
    assert_same_scores(
        smedx.score_frame(pa.table({**columns, **chunked}), rules, warnings=True), want
    )
    # Dictionaries: with nulls, with unused entries, with unsigned indices.
    dicts = {c: pa.array(texts[c]).dictionary_encode() for c in texts.columns}
    for item in ("network", "planning"):  # with a null and without
        d = dicts[item]
        dicts[item] = pa.DictionaryArray.from_arrays(
            d.indices.cast(pa.uint8()), pa.concat_arrays([d.dictionary, pa.array(["Q", "B|Z"])])
        )
    assert_same_scores(smedx.score_frame(pa.table(dicts), rules, warnings=True), want)
    # Polars: whole numbers (the missing level is a null) and categoricals.
    polars = pl.from_pandas(texts).with_columns(
        pl.col(scenarios).cast(pl.Int64),
        pl.exclude(["enterprise_id", *scenarios]).cast(pl.Categorical),
    )
    assert_same_scores(smedx.score_frame(polars, rules, warnings=True), want)
    full = pl.from_pandas(texts.drop(index=6)).with_columns(pl.col(scenarios).cast(pl.Int8))
    assert_same_scores(
        smedx.score_frame(full, rules, warnings=True),
        smedx.score_frame(texts.drop(index=6).reset_index(drop=True), rules, warnings=True),
    )
