"""`smedx serve` under load, against `smedx score` on the same cores.

Starts the server on a free port and measures (the best of --repeat rounds):
- single-survey scoring: many keep-alive clients POSTing one survey (wrk, from Debian's `wrk`
  package: `apt-get install wrk`), requests/s and p50/p99 latency;
- the JSON Lines stream: one POST of --copies × examples/surveys/cohort.jsonl, MB/s and surveys/s;
- the CLI: `smedx score FILE > /dev/null` on the same file, surveys/s;
and prints the ratios of the server's surveys/s to the CLI's. The server, wrk and the CLI share
the machine's cores, so run it on a quiet machine (wrk's own CPU time is counted against the
server's share). Usage:

    python3 benchmarks/bench_serve.py [--cli build/default/smedx] [--connections 32]
        [--duration 10] [--copies 4000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "indicators" / "miit-2024"
COHORT = ROOT / "examples" / "surveys" / "cohort.jsonl"
ONE = ROOT / "examples" / "surveys" / "chem-01-huaxin.json"

WRK_SCRIPT = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("{body}", "rb")
wrk.body = f:read("*a")
f:close()
"""


def start(cli: Path, threads: int) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [str(cli), "serve", "--rules", str(RULES), "--port", "0", "--threads", str(threads)],
        stderr=subprocess.PIPE,
    )
    first = proc.stderr.readline().decode()
    port = int(re.search(r":(\d+)$", first.strip()).group(1))
    # The access log goes on being written: drain it so the server never blocks on it.
    subprocess.Popen(["cat"], stdin=proc.stderr, stdout=subprocess.DEVNULL)
    return proc, port


def to_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port: int, connections: int, duration: int, script: Path) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/v1/rulesets/miit-2024/score",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(non2xx.group(1)) if non2xx else 0}


def stream(port: int, data: bytes, path: Path) -> tuple[float, int]:
    """One POST of the whole file; curl when there is one (a Python client's chunked decoding
    would take more of the shared cores than the server does)."""
    if shutil.which("curl"):
        start = time.perf_counter()
        out = subprocess.run(
            [
                "curl",
                "-sS",
                "--fail",
                "-H",
                "Content-Type: application/x-ndjson",
                "--data-binary",
                f"@{path}",
                f"http://127.0.0.1:{port}/v1/rulesets/miit-2024/score",
            ],
            capture_output=True,
            check=True,
        ).stdout
        return time.perf_counter() - start, out.count(b"\n")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request(
        "POST",
        "/v1/rulesets/miit-2024/score",
        body=data,
        headers={"Content-Type": "application/x-ndjson"},
    )
    res = conn.getresponse()
    lines = 0
    while chunk := res.read(1 << 20):
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds, lines


def cli_time(cli: Path, path: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(cli), "score", "--rules", str(RULES), str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", type=Path, default=ROOT / "build" / "default" / "smedx")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--copies", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    data = COHORT.read_bytes() * a.copies
    surveys = data.count(b"\n")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "cohort.jsonl"
        big.write_bytes(data)
        script = Path(tmp) / "post.lua"
        script.write_text(WRK_SCRIPT.format(body=ONE), encoding="utf-8")
        proc, port = start(a.cli, max(a.connections, 8))
        try:
            single = []
            if shutil.which("wrk"):
                for _ in range(a.repeat):
                    single.append(wrk(port, a.connections, a.duration, script))
            streamed = [stream(port, data, big) for _ in range(a.repeat)]
        finally:
            proc.terminate()
            proc.wait()
        cli = [cli_time(a.cli, big) for _ in range(a.repeat)]

    cli_rate = surveys / min(cli)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"CLI smedx score: {surveys} surveys in {min(cli):.3f} s = {cli_rate:,.0f} surveys/s")
    seconds, lines = min(streamed)
    assert lines == surveys, (lines, surveys)
    rate = surveys / seconds
    print(
        f"HTTP JSON Lines stream: {len(data) / seconds / 1e6:.1f} MB/s in, "
        f"{rate:,.0f} surveys/s = {rate / cli_rate:.0%} of the CLI"
    )
    if single:
        best = max(single, key=lambda r: r["rps"])
        print(
            f"HTTP single survey, {a.connections} keep-alive connections: "
            f"{best['rps']:,.0f} requests/s, p50 {best['p50']:.2f} ms, p99 {best['p99']:.2f} ms "
            f"({best['non2xx']} not 2xx) = {best['rps'] / cli_rate:.0%} of the CLI's surveys/s"
        )
    else:
        print("HTTP single survey: skipped (no wrk; apt-get install wrk)")


if __name__ == "__main__":
    main()
