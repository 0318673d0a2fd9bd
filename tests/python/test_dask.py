"""A real distributed run: a Dask LocalCluster of two worker processes scores a partitioned
Parquet dataset of generated surveys with map_partitions(score_frame), and gets what one
process gets (docs/distributed.md shows the same on a cluster and on Spark)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import smedx

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[2]


def synthetic_frame(rules: smedx.RuleSet, n: int) -> pd.DataFrame:
    """The benchmarks' generator (benchmarks/bench_python.py): random valid surveys in the CSV
    layout, multi answers 'B|C', bands as percentages."""
    spec = importlib.util.spec_from_file_location(
        "bench_python", ROOT / "benchmarks" / "bench_python.py"
    )
    module = importlib.util.module_from_spec(spec)
    argv, sys.argv = sys.argv, [spec.origin]  # the script reads its arguments as it loads
    try:
        spec.loader.exec_module(module)
    finally:
        sys.argv = argv
    return module.synthetic_frame(rules, n)


def test_a_local_cluster_of_two_processes_scores_a_parquet_dataset(
    rules: smedx.RuleSet, tmp_path: Path
) -> None:
    frame = synthetic_frame(rules, 24_000)
    frame.loc[7, "network"] = "Q"  # a bad row stays a row, with its error, as in one process
    dataset = tmp_path / "surveys"
    dataset.mkdir()
    for k, part in enumerate(np.array_split(np.arange(len(frame)), 6)):
        frame.iloc[part].to_parquet(dataset / f"part.{k}.parquet")
    single = smedx.score_frame(pd.read_parquet(dataset), rules)

    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        # Columns as pandas reads them (dask would otherwise make its own string dtype), so
        # the two results compare dtype for dtype.
        with dask.config.set({"dataframe.convert-string": False}):
            surveys = dd.read_parquet(str(dataset))
        assert surveys.npartitions == 6
        meta = smedx.score_frame(pd.read_parquet(dataset / "part.0.parquet").iloc[:0], rules)
        meta["pid"] = pd.Series(dtype="int64")

        def score(part: pd.DataFrame) -> pd.DataFrame:
            return smedx.score_frame(part, rules, threads=1).assign(pid=os.getpid())

        scored = surveys.map_partitions(score, meta=meta).compute()

    pids = set(scored.pop("pid"))
    assert os.getpid() not in pids  # scored in the worker processes, not here
    pd.testing.assert_frame_equal(scored.reset_index(drop=True), single.reset_index(drop=True))
    assert scored["error"].notna().sum() == 1 and scored["level"].notna().sum() == len(frame) - 1
