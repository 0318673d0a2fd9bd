"""`smedx serve` under load, against `smedx score` on the same cores.

Starts the server on a free port and measures (the best of --repeat rounds):
- single-survey scoring: many keep-alive clients POSTing one survey (wrk, from Debian's `wrk`
  package: `apt-get install wrk`), requests/s and p50/p99 latency;
- the JSON Lines stream: one POST of --copies × --input (default examples/surveys/cohort.jsonl)
  with curl, its answer to /dev/null, MB/s and surveys/s;
- the CLI: `smedx score FILE > /dev/null` on the same file, surveys/s, in turns with the stream;
and prints the ratios of the server's surveys/s to the CLI's. Before timing, one untimed POST is
checked byte for byte against the CLI's output. The server, wrk, curl and the CLI share the
machine's cores, so run it on a quiet machine (wrk's and curl's own CPU time is counted against
the server's share).

With --pin SERVER:CLIENT (default 1:0) the stream and the CLI are also measured on the same
cores, as servers are usually benchmarked, with the load generator on a core of its own: a second
server runs on the SERVER cores (`taskset -c`) with --batch-threads N, the CLI on the same cores
with --threads N (N: how many cores SERVER names), and curl on the CLIENT cores. Both the
unpinned and the pinned figures are printed; all four runs take turns in every round, and the
pinned server's answer is checked byte for byte too. Usage:

    python3 benchmarks/bench_serve.py [--cli build/default/smedx] [--connections 32]
        [--duration 10] [--copies 4000] [--input FILE] [--repeat 3] [--no-single]
        [--pin [SERVER:CLIENT]] [--files]

With --files (and --pin), the pinned pair is measured a third way: writing its records to files
in the temporary folder, as a user keeps them (`smedx score FILE > out.jsonl`, a platform storing
the answer), where /dev/null costs the CLI nothing and the socket costs the server a copy.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
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


def on(cpus: str | None) -> list[str]:
    """The prefix that runs a command on the given cores (`taskset` execs it: same pid)."""
    return ["taskset", "-c", cpus] if cpus else []


def start(cli: Path, threads: int, cpus: str | None = None, batch_threads: int = 0):
    proc = subprocess.Popen(
        on(cpus)
        + [str(cli), "serve", "--rules", str(RULES), "--port", "0", "--threads", str(threads)]
        + ["--batch-threads", str(batch_threads)],
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


def post_stream(
    port: int, path: Path, output: str, cpus: str | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        on(cpus)
        + [
            "curl",
            "-sS",
            "--fail",
            "-o",
            output,
            "-w",
            "%{size_download}",
            "-H",
            "Content-Type: application/x-ndjson",
            "-X",
            "POST",
            "-T",  # read as it is sent (--data-binary @FILE loads it whole first)
            str(path),
            f"http://127.0.0.1:{port}/v1/rulesets/miit-2024/score",
        ],
        capture_output=True,
        check=True,
    )


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def stream(
    port: int, path: Path, server: int, cpus: str | None = None, output: str = "/dev/null"
) -> tuple[float, int, float, float]:
    """One POST of the whole file with curl, the answer to /dev/null as the CLI's is (a client
    in Python would take more of the shared cores than the server does), or to `output`:
    seconds, bytes, the server's CPU seconds, curl's CPU seconds."""
    cpu, client = cpu_of(server), children_cpu()
    start = time.perf_counter()
    out = post_stream(port, path, output, cpus)
    seconds = time.perf_counter() - start
    return seconds, int(out.stdout), cpu_of(server) - cpu, children_cpu() - client


def cli_run(
    cli: Path, path: Path, output, cpus: str | None = None, threads: int = 0
) -> tuple[float, float]:
    """Seconds and CPU seconds of one `smedx score`."""
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run(
        on(cpus)
        + [str(cli), "score", "--rules", str(RULES), str(path)]
        + (["--threads", str(threads)] if threads else []),
        stdout=output,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start, children_cpu() - cpu


def cores(spec: str) -> int:
    """How many cores a `taskset -c` list names ("1", "2,3", "0-3")."""
    n = 0
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        n += int(hi or lo) - int(lo) + 1
    return n


def report(label: str, surveys: int, size: int, answer: int, cli: list, streamed: list) -> float:
    """The fastest of the rounds of each, and their ratio."""
    cli_seconds, cli_cpu = min(cli)
    cli_rate = surveys / cli_seconds
    print(f"{label}:")
    print(
        f"  CLI smedx score: {surveys} surveys in {cli_seconds:.3f} s = {cli_rate:,.0f} surveys/s "
        f"(CPU {min(c for _, c in cli):.3f} s)"
    )
    seconds = min(r[0] for r in streamed)
    server_cpu, curl_cpu = min(r[2] for r in streamed), min(r[3] for r in streamed)
    assert all(r[1] == answer for r in streamed), (streamed, answer)
    rate = surveys / seconds
    print(
        f"  HTTP JSON Lines stream: {surveys} surveys in {seconds:.3f} s, "
        f"{size / seconds / 1e6:.1f} MB/s in, "
        f"{rate:,.0f} surveys/s = {rate / cli_rate:.0%} of the CLI "
        f"(CPU: server {server_cpu:.3f} s, curl {curl_cpu:.3f} s)"
    )
    print(
        "  rounds (stream s, CLI s): "
        + ", ".join(f"({st[0]:.3f}, {c[0]:.3f})" for st, c in zip(streamed, cli))
    )
    return cli_rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", type=Path, default=ROOT / "build" / "default" / "smedx")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--copies", type=int, default=4000)
    ap.add_argument("--input", type=Path, default=COHORT, help="JSON Lines surveys to repeat")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--single",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also drive single-survey requests with wrk",
    )
    ap.add_argument(
        "--pin",
        nargs="?",
        const="1:0",
        metavar="SERVER:CLIENT",
        help="also measure the stream and the CLI on the SERVER cores (taskset -c list, the "
        "same thread count for both) with curl on the CLIENT cores (default 1:0)",
    )
    ap.add_argument(
        "--files",
        action="store_true",
        help="with --pin, also the pinned pair writing its records to files in the temporary "
        "folder (curl -o FILE, smedx score > FILE), as users keep them, rather than /dev/null",
    )
    a = ap.parse_args()
    pin_server, pin_client = a.pin.split(":") if a.pin else (None, None)
    pin_threads = cores(pin_server) if pin_server else 0

    data = a.input.read_bytes() * a.copies
    surveys = data.count(b"\n")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "surveys.jsonl"
        big.write_bytes(data)
        script = Path(tmp) / "post.lua"
        script.write_text(WRK_SCRIPT.format(body=ONE), encoding="utf-8")
        proc, port = start(a.cli, max(a.connections, 8))
        pinned = start(a.cli, 8, pin_server, pin_threads) if pin_server else None
        try:
            # Untimed: the stream answers what the CLI writes, byte for byte (both servers).
            with open(Path(tmp) / "cli.jsonl", "wb") as f:
                cli_run(a.cli, big, f)
            expected = (Path(tmp) / "cli.jsonl").read_bytes()
            served = Path(tmp) / "served.jsonl"
            post_stream(port, big, str(served))
            assert served.read_bytes() == expected, "not the CLI's bytes"
            if pinned:
                post_stream(pinned[1], big, str(served), pin_client)
                assert served.read_bytes() == expected, "not the CLI's bytes (pinned server)"
            single = []
            if a.single and shutil.which("wrk"):
                for _ in range(a.repeat):
                    single.append(wrk(port, a.connections, a.duration, script))
            streamed, cli, streamed_pinned, cli_pinned = [], [], [], []
            streamed_files, cli_files = [], []
            answer_file, records_file = Path(tmp) / "answer.jsonl", Path(tmp) / "records.jsonl"
            for _ in range(a.repeat):  # in turns, so that all see the same minute
                streamed.append(stream(port, big, proc.pid))
                cli.append(cli_run(a.cli, big, subprocess.DEVNULL))
                if pinned:
                    streamed_pinned.append(stream(pinned[1], big, pinned[0].pid, pin_client))
                    cli_pinned.append(
                        cli_run(a.cli, big, subprocess.DEVNULL, pin_server, pin_threads)
                    )
                if pinned and a.files:  # each run writes its file anew (curl -o truncates)
                    streamed_files.append(
                        stream(pinned[1], big, pinned[0].pid, pin_client, str(answer_file))
                    )
                    with open(records_file, "wb") as f:
                        cli_files.append(cli_run(a.cli, big, f, pin_server, pin_threads))
        finally:
            for p in (proc, pinned[0] if pinned else None):
                if p:
                    p.terminate()
                    p.wait()

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"input: {a.input.name} x {a.copies}, {surveys} surveys, {len(data) / 1e6:.1f} MB")
    cli_rate = report(
        "unpinned (server, curl and CLI share every core; server --batch-threads 0, CLI all cores)",
        surveys,
        len(data),
        len(expected),
        cli,
        streamed,
    )
    if pinned:
        report(
            f"pinned (server and CLI on cores {pin_server}, {pin_threads} thread(s) each: "
            f"server --batch-threads {pin_threads}, CLI --threads {pin_threads}; "
            f"curl on cores {pin_client})",
            surveys,
            len(data),
            len(expected),
            cli_pinned,
            streamed_pinned,
        )
    if streamed_files:
        report(
            f"pinned as above, records written to files in {tempfile.gettempdir()} "
            "(curl -o FILE, smedx score > FILE)",
            surveys,
            len(data),
            len(expected),
            cli_files,
            streamed_files,
        )
    if single:
        best = max(single, key=lambda r: r["rps"])
        print(
            f"HTTP single survey, {a.connections} keep-alive connections: "
            f"{best['rps']:,.0f} requests/s, p50 {best['p50']:.2f} ms, p99 {best['p99']:.2f} ms "
            f"({best['non2xx']} not 2xx) = {best['rps'] / cli_rate:.0%} of the CLI's surveys/s"
        )
    elif a.single:
        print("HTTP single survey: skipped (no wrk; apt-get install wrk)")


if __name__ == "__main__":
    main()
