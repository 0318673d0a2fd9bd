"""Two builds of smedx timed in turns, in one run: the check that a change costs no speed.

    python3 benchmarks/compare_builds.py --old OLD_BUILD --new build/bench \
        [--old-python DIR --new-python DIR] [--surveys 300000] [--rounds 5]

For each configuration of `smedx score` (JSON Lines to the full record, to `--fields`, to CSV,
on 1 and 2 threads; CSV in), `smedx diagnose` of 20,004 enterprises, and, when both package
folders are given (`pip install --target DIR .` of each), `score_frame` on every kind of column,
the two builds run alternately, the order flipping each round, so that a slow minute of the
machine falls on both alike. The fastest round of each counts; the last column is new ÷ old
time (below 1: the new build is faster). The machine's noise shows in how far the ratios of
configurations the change did not touch stray from 1.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "indicators" / "miit-2024"

FRAME_TIMER = r"""
import sys, time
package, here, rules_dir, rows = sys.argv[1:5]
sys.argv = sys.argv[:1]  # bench_python reads its own arguments when imported
sys.path[:0] = [package, here]
import smedx, bench_python as bp
rules = smedx.load_rules(rules_dir)
items = [i[0] for i in rules.items()]
frame = bp.synthetic_frame(rules, int(rows))
for kind, (data, _ref) in bp.frames(frame, items).items():
    t = time.perf_counter(); smedx.score_frame(data, rules); t = time.perf_counter() - t
    print(f"{kind}\t{t}")
"""


def timed(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if done.returncode not in (0, 1):
        sys.exit(f"error: {' '.join(map(str, cmd))}: exit {done.returncode}: {done.stderr[-500:]}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="the CMake build folder of the old build")
    parser.add_argument("--new", default=str(ROOT / "build" / "bench"))
    parser.add_argument("--old-python", help="a folder with the old smedx package (pip --target)")
    parser.add_argument("--new-python", help="a folder with the new smedx package")
    parser.add_argument("--surveys", type=int, default=300_000)
    parser.add_argument("--rows", type=int, default=500_000, help="score_frame rows")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    builds = {"old": Path(args.old), "new": Path(args.new)}
    for name, build in builds.items():
        if not (build / "smedx").is_file():
            sys.exit(f"error: {build / 'smedx'}: no such file (the {name} build)")
    generate = builds["new"] / "benchmarks" / "bench_generate"
    with tempfile.TemporaryDirectory(prefix="smedx-compare-") as tmp:
        jsonl, csv = Path(tmp) / "s.jsonl", Path(tmp) / "s.csv"
        subprocess.run([generate, str(args.surveys), jsonl, csv, RULES], check=True)
        cohort = (ROOT / "examples" / "surveys" / "cohort.jsonl").read_bytes()
        big = Path(tmp) / "cohort.jsonl"
        big.write_bytes(cohort * 1667)
        shm = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else Path(tmp)
        mb = jsonl.stat().st_size / 1e6
        score = ["score", "--rules", str(RULES)]
        configs = {
            "JSON Lines -> full record, 1 thread": (score + [jsonl, "--threads", "1"], mb),
            "JSON Lines -> full record, 2 threads": (score + [jsonl, "--threads", "2"], mb),
            "JSON Lines -> --fields, 1 thread": (
                score + [jsonl, "--threads", "1", "--fields", "level,total,dimensions,scenarios"],
                mb,
            ),
            "JSON Lines -> CSV, 1 thread": (
                score + [jsonl, "--threads", "1", "--format", "csv"],
                mb,
            ),
            "CSV -> CSV, 1 thread": (
                score + [csv, "--threads", "1", "--format", "csv"],
                csv.stat().st_size / 1e6,
            ),
            "diagnose 20,004, 2 threads": (
                ["diagnose", "--rules", str(RULES), big, "--threads", "2", "--force", "-o"],
                None,
            ),
        }
        best = {(c, b): float("inf") for c in configs for b in builds}
        for r in range(args.rounds):
            order = list(builds) if r % 2 == 0 else list(reversed(builds))
            for config, (cmd, _) in configs.items():
                for b in order:
                    extra = [str(shm / f"smedx-compare-{os.getpid()}-{b}")] if "-o" in cmd else []
                    t = timed([str(builds[b] / "smedx"), *map(str, cmd), *extra])
                    best[config, b] = min(best[config, b], t)
        print(f"smedx: {args.surveys:,} surveys ({mb:.0f} MB of JSON Lines), best of {args.rounds}")
        print(f"{'configuration':42s} {'old':>12s} {'new':>12s} {'new/old':>8s}")
        for config, (_, size) in configs.items():
            old, new = best[config, "old"], best[config, "new"]
            shown = [f"{size / t:8.1f} MB/s" if size else f"{t:10.3f} s" for t in (old, new)]
            print(f"{config:42s} {shown[0]:>12s} {shown[1]:>12s} {new / old:8.3f}")
        for b in builds:
            subprocess.run(["rm", "-rf", str(shm / f"smedx-compare-{os.getpid()}-{b}")])
    if args.old_python and args.new_python:
        packages = {"old": args.old_python, "new": args.new_python}
        frame_best: dict = {}
        for r in range(args.rounds):
            order = list(packages) if r % 2 == 0 else list(reversed(packages))
            for b in order:
                out = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        FRAME_TIMER,
                        packages[b],
                        str(ROOT / "benchmarks"),
                        str(RULES),
                        str(args.rows),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                for line in out.splitlines():
                    kind, t = line.split("\t")
                    frame_best[kind, b] = min(frame_best.get((kind, b), float("inf")), float(t))
        print(f"score_frame: {args.rows:,} rows, every core, best of {args.rounds}")
        for kind in dict.fromkeys(k for k, _ in frame_best):
            old, new = frame_best[kind, "old"], frame_best[kind, "new"]
            print(f"{kind:42s} {old:10.3f} s {new:10.3f} s {new / old:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
