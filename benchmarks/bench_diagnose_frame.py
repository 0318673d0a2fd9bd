"""pandas operations on what `diagnose_frame` returns, against the same on a plain copy (issue 20:
`groupby` on the result for 3,000 enterprises within 2x of the plain copy's).

    pip install . && python3 benchmarks/bench_diagnose_frame.py [--enterprises 3000] [--repeat 5]

It repeats examples/surveys/cohort.csv (12 enterprises) with fresh ids up to --enterprises,
diagnoses it with `smedx.diagnose_frame`, and times, best of --repeat, `groupby(["industry",
"id"]).size()`, `head()` and a boolean filter on three frames: the result's `requirements`, a
plain copy of it (`pd.DataFrame` of its columns: no attrs) and, for the record, the same copy
carrying the diagnoses and cohort in `attrs` as diagnose_frame returned them before issue 20.
Prints seconds and the ratio to the plain copy; exits 1 when the groupby ratio is above 2.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd
import smedx

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0


def best(f, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rules = smedx.load_rules("miit-2024")
    base = smedx.read_surveys(ROOT / "examples" / "surveys" / "cohort.csv")
    copies = -(-args.enterprises // len(base))
    frames = []
    for k in range(copies):
        f = base.copy()
        f["enterprise_id"] = f["enterprise_id"] + f"-{k:04d}"
        frames.append(f)
    frame = pd.concat(frames, ignore_index=True).head(args.enterprises)
    start = time.perf_counter()
    result = smedx.diagnose_frame(frame, rules, target=3)
    diagnose_s = time.perf_counter() - start
    reqs = result.requirements
    plain = pd.DataFrame({c: reqs[c].copy() for c in reqs.columns})
    old = plain.copy()
    old.attrs["cohort"] = result.cohort
    old.attrs["diagnoses"] = result.diagnoses
    print(
        f"diagnose_frame: {len(frame):,} enterprises, {len(reqs):,} requirement rows in "
        f"{diagnose_s:.2f} s; {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; pandas {pd.__version__}, Python {platform.python_version()}"
    )
    operations = {
        "groupby": lambda df: df.groupby(["industry", "id"]).size(),
        "head": lambda df: df.head(),
        "filter": lambda df: df[df["tag"] == "共性"],
    }
    print(f"{'operation':<10} {'result s':>9} {'plain s':>9} {'ratio':>7} {'attrs (old) s':>14}")
    ratio = {}
    for name, op in operations.items():
        got = best(lambda op=op: op(reqs), args.repeat)
        ref = best(lambda op=op: op(plain), args.repeat)
        was = best(lambda op=op: op(old), 1)
        ratio[name] = got / ref
        print(f"{name:<10} {got:>9.4f} {ref:>9.4f} {ratio[name]:>6.2f}x {was:>14.4f}")
    met = ratio["groupby"] <= TARGET
    print(
        f"groupby ratio: {ratio['groupby']:.2f}x (target <= {TARGET:.0f}x: "
        f"{'met' if met else 'NOT met'})"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
