"""score_frame against a straightforward pandas implementation of the same 2024 rules, on each
kind of column users hold: pandas' default strings (arrow-backed with pandas 3 and pyarrow),
object strings, categoricals, a pyarrow Table and a Polars DataFrame.

    pip install ".[test]" && python3 benchmarks/bench_python.py [rows [repeat]] [--busy N]
                                                     (default 1,000,000 rows, fastest of 3)

Both sides are timed alike: each kind runs `repeat` rounds of smedx (every core), smedx (one
thread) and pandas, one after the other, and each counts its fastest round. Interleaved rounds
let a slow spell on a shared machine (another build, another process) fall on both sides rather
than on one; the fastest of several is the least disturbed. Rows enough that smedx's runs take
a good fraction of a second are less at the mercy of a single hiccup than a tenth of a second.

The pandas version is what an analyst would write: vectorised column operations (str.contains
per option letter, map, pd.cut, comparisons), no Python loop over rows. It is checked to give
the same levels and totals as smedx before it is timed. The report ends with machine-readable
lines (`pandas reference: N rows/s`, `score_frame ratio: KIND: Rx (target 20x: met)`), which
benchmarks/run_all.py reads.
"""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import pandas as pd
import smedx

# `--busy N` (anywhere among the arguments): N processes spin on the machine's cores for the
# whole run, a busy machine made on purpose and alike for both sides, rather than waiting for
# others' builds (whose load comes and goes between rounds).
ARGS = sys.argv[1:]
BUSY = 0
if "--busy" in ARGS:
    at = ARGS.index("--busy")
    BUSY = int(ARGS[at + 1])
    del ARGS[at : at + 2]
ROWS = int(ARGS[0]) if len(ARGS) > 0 else 1_000_000
REPEAT = int(ARGS[1]) if len(ARGS) > 1 else 3  # rounds of each side; the fastest counts
TARGET = 20  # issue 10: score_frame at least 20 times the pandas version on every kind


def synthetic_frame(rules: smedx.RuleSet, n: int, seed: int = 42) -> pd.DataFrame:
    """n surveys in the CSV layout: multi answers 'B|C', bands as letters or percentages."""
    rng = np.random.default_rng(seed)
    cols: dict = {"enterprise_id": [f"SYN-{i:08d}" for i in range(n)]}
    for item_id, _code, kind, _zh in rules.items():
        options = [o for o in "ABCDEFGHIJKLMNO"][
            : {
                "network": 5,
                "data_collection": 15,
                "network_security": 5,
                "data_security": 5,
                "mechanisms": 5,
                "talent": 6,
            }.get(item_id, 5)
        ]
        if kind == "multi":
            picks = rng.random((n, len(options) - 1)) < 0.5
            labels = np.array(options[1:])
            # Distinct combinations are few; build them once and index.
            keys = picks @ (1 << np.arange(len(options) - 1))
            combos = {
                k: "|".join(labels[[(k >> j) & 1 == 1 for j in range(len(labels))]]) or "A"
                for k in np.unique(keys)
            }
            cols[item_id] = pd.Series(keys).map(combos).to_numpy()
        elif kind == "band":
            cols[item_id] = np.round(rng.uniform(0, 100, n), 1).astype(str)
        elif kind == "trend":
            cols[item_id] = rng.choice(list("ABC"), n)
        else:
            cols[item_id] = rng.choice(options, n)
    for scenario_id in rules.scenario_ids:
        cols[scenario_id] = rng.integers(0, 5, n)
    return pd.DataFrame(cols)


# --- the same rules, written with pandas --------------------------------------------------------
MULTI = {  # item -> {letter: points}
    "network": {"B": 2, "C": 2, "D": 2, "E": 2},
    "data_collection": {**{letter: 0.7 for letter in "BCDEFGHIJKLMN"}, "O": 0.9},
    "network_security": {letter: 1.25 for letter in "BCDE"},
    "data_security": {letter: 1.25 for letter in "BCDE"},
    "mechanisms": {letter: 1.875 for letter in "BCDE"},
    "talent": {letter: 1.5 for letter in "BCDEF"},
}
SINGLE = {
    "information_systems": {"A": 0, "B": 2.5, "C": 5, "D": 7.5, "E": 10},
    "planning": {"A": 0, "B": 1.5, "C": 3, "D": 4.5, "E": 6, "F": 7.5},
    "energy_intensity": {"A": 0, "B": 3.5, "C": 7},
    "pass_rate": {"A": 0, "B": 3.5, "C": 7},
    "revenue_per_employee": {"A": 0, "B": 1.5, "C": 3},
    "cost_per_revenue": {"A": 0, "B": 1.5, "C": 3},
}
BAND = {  # item -> points of bands A..E
    "equipment_digitization": [0, 1.5, 3, 4.5, 6],
    "equipment_networking": [0, 1.5, 3, 4.5, 6],
    "funding": [0, 1.875, 3.75, 5.625, 7.5],
}
DIMENSION = {
    "foundation": [
        "network",
        "equipment_digitization",
        "equipment_networking",
        "data_collection",
        "information_systems",
        "network_security",
        "data_security",
    ],
    "management": ["planning", "mechanisms", "talent", "funding"],
    "outcomes": ["energy_intensity", "pass_rate", "revenue_per_employee", "cost_per_revenue"],
}
CONSTRAINT = [
    "product_design",
    "marketing",
    "production_control",
    "quality",
    "equipment",
    "safety",
    "energy",
    "procurement",
    "warehousing_logistics",
    "finance",
]
LEVELS = [(4, 80, 10, 6), (3, 60, 8, 5), (2, 40, 6, 3), (1, 20, 6, 3)]


def pandas_score(df: pd.DataFrame, scenario_ids: list) -> pd.DataFrame:
    points = {}
    for item, options in MULTI.items():
        col = df[item]
        points[item] = sum(
            col.str.contains(letter, regex=False) * p for letter, p in options.items()
        )
    for item, options in SINGLE.items():
        points[item] = df[item].map(options).astype(float)  # categoricals map to categoricals
    for item, band_points in BAND.items():
        col = df[item]
        pct = pd.to_numeric(col, errors="coerce")
        by_number = pd.cut(pct, [-0.001, 10, 20, 40, 60, 100], labels=False, include_lowest=True)
        by_letter = col.map({letter: i for i, letter in enumerate("ABCDE")}).astype(float)
        band = by_number.fillna(by_letter).astype(int)
        points[item] = pd.Series(np.array(band_points)[band.to_numpy()], index=df.index)
    out = pd.DataFrame(index=df.index)
    for dim, items in DIMENSION.items():
        out[dim] = sum(points[i] for i in items).round(3)
    out["total"] = out[list(DIMENSION)].sum(axis=1).round(3)
    scen = df[scenario_ids].to_numpy()
    cons = df[CONSTRAINT].to_numpy()
    level = np.zeros(len(df), dtype=int)
    for lv, min_points, min_scen, min_cons in reversed(LEVELS):
        ok = (
            (out["total"] >= min_points).to_numpy()
            & ((scen >= lv).sum(axis=1) >= min_scen)
            & ((cons >= lv).sum(axis=1) >= min_cons)
        )
        level = np.where(ok, lv, level)
    out["level"] = level
    return out


def timed(f, *args, **kwargs):
    """The result and the wall time of one run."""
    t = time.perf_counter()
    result = f(*args, **kwargs)
    return result, time.perf_counter() - t


CPU: dict = {}  # run name -> fewest CPU-seconds (user + system, every thread) of a round


def cpu_timed(name, f):
    """timed(f), noting the CPU time of the process too: on a busy machine a run waits for a
    core, and its wall time says more about the others' builds than about the run."""
    c = time.process_time()
    result, seconds = timed(f)
    CPU[name] = min(CPU.get(name, float("inf")), time.process_time() - c)
    return result, seconds


def rounds(runs: dict, repeat: int) -> dict:
    """Each run's result (of its last round) and fastest wall time over `repeat` rounds, the
    runs taking turns within a round, so that a busy spell of the machine falls on each of them
    alike rather than on whichever happened to be timed then."""
    best = {name: (None, float("inf")) for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            result, seconds = cpu_timed(name, run)
            best[name] = (result, min(best[name][1], seconds))
    return best


def frames(frame: pd.DataFrame, items: list) -> dict:
    """The same surveys as each kind of column a user may hold: pandas' default strings
    (arrow-backed when pyarrow is installed), object strings, categoricals, and, when installed,
    a pyarrow Table and a Polars DataFrame. Each with the pandas frame the reference runs on (for
    Arrow and Polars, pandas' default frame)."""
    as_object = frame.astype({i: object for i in items})
    kinds = {}
    if isinstance(frame[items[0]].dtype, pd.StringDtype):
        kinds[f"pandas strings ({frame[items[0]].dtype.storage})"] = (frame, frame)
    kinds["pandas object strings"] = (as_object, as_object)
    as_category = frame.astype({i: "category" for i in items})
    kinds["pandas categoricals"] = (as_category, as_category)
    try:
        import pyarrow as pa
    except ImportError:
        return kinds
    table = pa.Table.from_pandas(as_object, preserve_index=False)
    kinds["pyarrow Table"] = (table, frame)
    try:
        import polars as pl
    except ImportError:
        return kinds
    kinds["Polars DataFrame"] = (pl.from_arrow(table), frame)
    return kinds


def _spin() -> None:
    while True:
        pass


def main() -> None:
    if BUSY:
        import multiprocessing

        spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(BUSY)]
        for p in spinners:
            p.start()
        try:
            run()
        finally:
            for p in spinners:
                p.terminate()
        return
    run()


def run() -> None:
    rules = smedx.load_rules("miit-2024")
    items = [i[0] for i in rules.items()]
    frame, gen_s = timed(synthetic_frame, rules, ROWS)
    versions = [f"smedx {smedx.__version__}", f"pandas {pd.__version__}", f"numpy {np.__version__}"]
    for name in ("pyarrow", "polars"):
        try:
            versions.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            versions.append(f"no {name}")
    print(
        f"{', '.join(versions)}, Python {platform.python_version()}, {os.cpu_count()} cores; "
        f"{ROWS:,} rows (generated in {gen_s:.1f} s); each side the fastest of {REPEAT} "
        "interleaved rounds" + (f"; {BUSY} processes spinning meanwhile" if BUSY else "")
    )
    print(
        f"{'columns':28s} {'smedx':>8s} {'1 thread':>9s} {'pandas':>8s} {'speed-up':>9s}"
        f" {'1 thread':>9s}"
    )
    ratios, cpu_ratios = {}, {}
    reference_rate, reference_kind = None, ""
    for kind, (data, reference) in frames(frame, items).items():
        CPU.clear()
        best = rounds(
            {
                "all": lambda data=data: smedx.score_frame(data, rules),
                "one": lambda data=data: smedx.score_frame(data, rules, threads=1),
                "pandas": lambda reference=reference: pandas_score(reference, rules.scenario_ids),
            },
            REPEAT,
        )
        (ours_all, t_all), (ours_one, t_one), (theirs, t_pandas) = best.values()
        # The same levels and totals as the pandas version, and the same on 1 thread, before
        # any figure counts.
        assert ours_all["error"].isna().all(), kind
        assert (ours_all["level"].astype(int).to_numpy() == theirs["level"].to_numpy()).all(), kind
        assert np.allclose(ours_all["total"].astype(float), theirs["total"]), kind
        assert ours_all.equals(ours_one), kind
        ratios[kind] = t_pandas / t_all
        cpu_ratios[kind] = CPU["pandas"] / CPU["one"]
        if reference_rate is None:  # pandas on its default frame: the first kind
            reference_rate, reference_kind = ROWS / t_pandas, kind
        print(
            f"{kind:28s} {t_all:7.3f}s {t_one:8.3f}s {t_pandas:7.2f}s {t_pandas / t_all:8.1f}x "
            f"{t_pandas / t_one:8.1f}x",
            flush=True,
        )
    # Machine-readable lines, read by run_all.py.
    print(f"\npandas reference: {reference_rate:,.0f} rows/s ({reference_kind})")
    for kind, ratio in ratios.items():
        verdict = "met" if ratio >= TARGET else "NOT met"
        print(f"score_frame ratio: {kind}: {ratio:.1f}x (target {TARGET:g}x: {verdict})")
    # The same work by CPU time (pandas against smedx on one thread, fewest CPU-seconds of a
    # round each), steadier than wall-clock while other processes share the cores.
    print(
        "by CPU time, 1 thread: "
        + ", ".join(f"{kind}: {ratio:.1f}x" for kind, ratio in cpu_ratios.items())
    )


if __name__ == "__main__":
    main()
