"""CSV survey input against JSON Lines, per survey, in one run (issue 20: CSV at least the JSON
Lines rate), and the CSV output of two builds compared byte for byte.

    cmake --preset bench && cmake --build --preset bench
    python3 benchmarks/bench_csv_input.py [--surveys 200000] [--repeat 5] [--old OLD/smedx]

It writes --surveys synthetic surveys with bench_generate as JSON Lines and as CSV (the same
surveys), then times `smedx score FILE --format csv --threads 1 > /dev/null` on each, taking
turns, and prints the fastest of --repeat for each, surveys a second and CSV ÷ JSON Lines.
With --old (another build's smedx, say main's), it times that build's CSV input in the same
turns and checks that both builds write the same bytes for the CSV and the JSON Lines file.
Standard library only.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} exited with {done.returncode}: {done.stderr.strip()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--surveys", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build", default=str(ROOT / "build" / "bench"))
    parser.add_argument("--old", help="another build's smedx, timed and compared byte for byte")
    args = parser.parse_args()
    build = Path(args.build)
    smedx, generate = build / "smedx", build / "benchmarks" / "bench_generate"
    for f in (smedx, generate):
        if not f.is_file():
            sys.exit(
                f"error: {f}: no such file; `cmake --preset bench && cmake --build --preset bench`"
            )
    rules = str(ROOT / "indicators" / "miit-2024")
    with tempfile.TemporaryDirectory(prefix="smedx-bench-csv-") as tmp:
        jsonl, csv = Path(tmp) / "s.jsonl", Path(tmp) / "s.csv"
        subprocess.run([str(generate), str(args.surveys), str(jsonl), str(csv)], check=True)
        cases = {
            "JSON Lines": [str(smedx), "score", "--rules", rules, str(jsonl)],
            "CSV": [str(smedx), "score", "--rules", rules, str(csv)],
        }
        if args.old:
            cases["CSV, old build"] = [args.old, "score", "--rules", rules, str(csv)]
            for name in (jsonl, csv):
                outs = [
                    subprocess.run(
                        [b, "score", "--rules", rules, str(name), "--format", "csv"],
                        capture_output=True,
                        check=True,
                    ).stdout
                    for b in (str(smedx), args.old)
                ]
                same = outs[0] == outs[1]
                print(
                    f"{name.name}: output {'byte-identical' if same else 'DIFFERS'} "
                    f"({len(outs[0]):,} bytes)"
                )
                if not same:
                    return 1
        best = dict.fromkeys(cases, float("inf"))
        cpu = dict.fromkeys(cases, float("inf"))
        for _ in range(args.repeat):
            for name, cmd in cases.items():
                wall, seconds = timed(cmd + ["--format", "csv", "--threads", "1"])
                best[name] = min(best[name], wall)
                cpu[name] = min(cpu[name], seconds)
        print(
            f"{args.surveys:,} surveys, 1 thread, fastest of {args.repeat} (turns); "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        print(f"{'input':<16} {'wall s':>7} {'surveys/s':>11} {'CPU s':>7} {'surveys/CPU-s':>14}")
        for name, seconds in best.items():
            print(
                f"{name:<16} {seconds:7.3f} {args.surveys / seconds:>11,.0f} "
                f"{cpu[name]:7.3f} {args.surveys / cpu[name]:>14,.0f}"
            )
        ratio = cpu["JSON Lines"] / cpu["CSV"]
        print(
            f"CSV rate ÷ JSON Lines rate (CPU): {ratio:.2f} "
            f"(target >= 1: {'met' if ratio >= 1 else 'NOT met'})"
        )
        if args.old:
            print(f"CSV, new ÷ old rate (CPU): {cpu['CSV, old build'] / cpu['CSV']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
