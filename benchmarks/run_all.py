"""Every speed figure of the README in one run: `smedx score` timed from outside, and the Python
package against the pandas reference (bench_python.py), all as ratios against pandas.

    cmake --preset bench && cmake --build --preset bench     # the -O3 build this times
    pip install .                                            # for the Python figures
    python3 benchmarks/run_all.py [--surveys 1000000] [--repeat 3]

It writes N synthetic surveys (bench_generate: the same as bench_score's, ~830 bytes a JSON line)
to a temporary folder, runs `smedx score FILE > /dev/null` on them with 1 and 2 threads and each
output, and prints wall-clock throughput (MB of input a second), CPU time (user + system, of the
whole process, reader and writer included), the 2-thread scaling, and surveys/s as a multiple of
the pandas reference's rows/s; its summary ends with score_frame against the pandas version on
each kind of column (target 20x, met or not), then `smedx diagnose` of 20,000 enterprises
(bench_diagnose.py: target <= 2 s on 2 cores). Run it on a quiet machine: the figures are
wall-clock.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (label, input, extra arguments, target MB/s on one thread or None)
RUNS = [
    ("JSON Lines -> full JSON record", "jsonl", [], 200),
    (
        "JSON Lines -> --fields level,total,dimensions,scenarios",
        "jsonl",
        ["--fields", "level,total,dimensions,scenarios"],
        None,
    ),
    ("JSON Lines -> CSV", "jsonl", ["--format", "csv"], 300),
    ("CSV -> CSV", "csv", ["--format", "csv"], None),
]
SCALING_TARGET = 1.8


def run_once(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run, output thrown away."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: some records had errors, which synthetic input has not
        sys.exit(f"error: {' '.join(cmd)} exited {code}: {proc.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime


def python_figures(surveys: int) -> tuple[float | None, list[str], str]:
    """Runs bench_python.py; returns the pandas reference's rows/s, its score_frame ratio lines
    (each kind of column against the pandas version, with the 20x target met or not), and why
    when there is no figure."""
    cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_python.py"), str(surveys)]
    print(f"\n$ {' '.join(cmd)}", flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    print(proc.stdout + proc.stderr, end="", flush=True)
    if proc.returncode != 0:
        return None, [], "bench_python.py failed (is smedx installed in this python? pip install .)"
    rate = re.search(r"^pandas reference: ([\d,]+) rows/s", proc.stdout, re.MULTILINE)
    ratios = re.findall(r"^score_frame ratio: (.*)$", proc.stdout, re.MULTILINE)
    if not rate:
        return None, ratios, "no 'pandas reference: N rows/s' line in bench_python.py's report"
    return float(rate.group(1).replace(",", "")), ratios, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--surveys", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts")
    parser.add_argument(
        "--build",
        default=str(ROOT / "build" / "bench"),
        help="the CMake build folder (default: build/bench)",
    )
    parser.add_argument("--threads", type=int, default=2, help="the many-thread runs (default 2)")
    parser.add_argument("--no-python", action="store_true", help="skip bench_python.py")
    parser.add_argument("--no-diagnose", action="store_true", help="skip bench_diagnose.py")
    args = parser.parse_args()

    build = Path(args.build)
    smedx, generate = build / "smedx", build / "benchmarks" / "bench_generate"
    for exe in (smedx, generate):
        if not exe.exists():
            sys.exit(
                f"error: {exe} not found; build it first: "
                "cmake --preset bench && cmake --build --preset bench"
            )
    rules = ROOT / "indicators" / "miit-2024"

    pandas, ratios, why = (
        (None, [], "skipped (--no-python)") if args.no_python else python_figures(args.surveys)
    )

    tmp = Path(tempfile.mkdtemp(prefix="smedx-bench-"))
    try:
        inputs = {"jsonl": tmp / "surveys.jsonl", "csv": tmp / "surveys.csv"}
        subprocess.run(
            [str(generate), str(args.surveys), str(inputs["jsonl"]), str(inputs["csv"])], check=True
        )
        size = {k: p.stat().st_size / 1e6 for k, p in inputs.items()}
        print(
            f"\nsmedx score, {args.surveys:,} synthetic surveys: JSON Lines {size['jsonl']:.1f} MB,"
            f" CSV {size['csv']:.1f} MB; {os.cpu_count()} cores; fastest of {args.repeat} runs,"
            f" taken in {args.repeat} rounds of every run;"
            " output to /dev/null"
        )
        print(
            "MB/s: MB of input a wall-clock second.  MB/CPU-s: MB of input a CPU-second (user +"
            " system, whole process).\nx pandas: surveys/s over the pandas reference's rows/s"
            " (bench_python.py, same N).\n"
        )
        header = (
            f"{'run':58s} {'threads':>7s} {'MB/s':>7s} {'MB/CPU-s':>8s} {'surveys/s':>11s}"
            f" {'x pandas':>8s} {'scaling':>7s}  target"
        )
        print(header)
        print("-" * len(header))

        # Every run's repeats are spread over the whole measurement, each round running every
        # configuration once, so a slow minute of the VM costs each configuration one run, not
        # all of one configuration's runs (and the 2-thread scaling compares like with like).
        def command(kind: str, extra: list[str], threads: int) -> list[str]:
            return [
                str(smedx),
                "score",
                "--rules",
                str(rules),
                str(inputs[kind]),
                "--threads",
                str(threads),
                *extra,
            ]

        best: dict = {}
        for _ in range(args.repeat):
            for label, kind, extra, _target in RUNS:
                for threads in (1, args.threads):
                    timing = run_once(command(kind, extra, threads))
                    best[label, threads] = min(best.get((label, threads), timing), timing)
        for label, kind, extra, target in RUNS:
            walls = {}
            for threads in (1, args.threads):
                best_wall, best_cpu = best[label, threads]
                walls[threads] = best_wall
                rate = args.surveys / best_wall
                ratio = f"{rate / pandas:7.1f}x" if pandas else "    n/a"
                scaling = f"{walls[1] / best_wall:6.2f}x" if threads != 1 else ""
                if threads == 1 and target:
                    met = size[kind] / best_wall >= target
                    goal = f"≥ {target} MB/s: {'met' if met else 'NOT met'}"
                elif threads != 1 and kind == "jsonl" and not extra:
                    goal = (
                        f"≥ {SCALING_TARGET}x: "
                        f"{'met' if walls[1] / best_wall >= SCALING_TARGET else 'NOT met'}"
                    )
                else:
                    goal = ""
                print(
                    f"{label:58s} {threads:7d} {size[kind] / best_wall:7.1f} "
                    f"{size[kind] / best_cpu:8.1f} {rate:11,.0f} {ratio:>8s} {scaling:>7s}  {goal}",
                    flush=True,
                )
        if pandas:
            print(f"\npandas reference: {pandas:,.0f} rows/s")
        else:
            print(f"\npandas reference: {why}")
        if ratios:
            print("score_frame against the pandas version (bench_python.py, same N):")
            for line in ratios:
                print(f"  {line}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not args.no_diagnose:
        diagnose_figures(smedx, args.repeat)


def diagnose_figures(smedx: Path, repeat: int) -> None:
    """Runs bench_diagnose.py with the same build and prints its report."""
    cmd = [
        sys.executable,
        str(ROOT / "benchmarks" / "bench_diagnose.py"),
        "--smedx",
        str(smedx),
        "--repeat",
        str(repeat),
    ]
    print(f"\n$ {' '.join(cmd)}", flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    print(proc.stdout + proc.stderr, end="", flush=True)
    if proc.returncode != 0:
        print("bench_diagnose.py failed", flush=True)


if __name__ == "__main__":
    main()
