"""`smedx serve` over real HTTP: the binary started on a free port, spoken to with http.client.
Every endpoint, every error status, the OpenAPI document against the routes, the JSON Schema
against the example surveys and the scorer, and hostile clients; results equal the CLI's."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import http.client
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "indicators" / "miit-2024"
SURVEYS = ROOT / "examples" / "surveys"
PILOT = ROOT / "examples" / "pilot"
CATALOGUE = ROOT / "catalogues" / "dongying-2026"
# The command ctest names, else the one a CMake build made, else the one the wheel installed.
CANDIDATES = [
    Path(os.environ.get("SMEDX_CLI", "/nonexistent")),
    ROOT / "build" / "default" / "smedx",
    Path(sysconfig.get_path("scripts")) / "smedx",
]


def smedx_binary() -> Path:
    for c in CANDIDATES:
        if c.is_file():
            helped = subprocess.run([str(c), "serve", "--help"], capture_output=True)
            if helped.returncode == 0:
                return c
    pytest.skip("no smedx command with 'serve': build the default preset")


class Server:
    """One `smedx serve` process; its stderr (the access log) is collected as it comes."""

    def __init__(self, *args: str, rules: str = str(RULES), env: dict | None = None) -> None:
        self.cli = smedx_binary()
        self.proc = subprocess.Popen(
            [str(self.cli), "serve", "--rules", rules, "--port", "0", *args],
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        self.log: list[str] = []
        first = self.proc.stderr.readline().decode()
        match = re.search(r"listening on http://([\d.]+):(\d+)", first)
        assert match, first
        self.host, self.port = match.group(1), int(match.group(2))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line.decode("utf-8", "replace"))

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            return res.status, dict(res.getheaders()), res.read()
        finally:
            conn.close()

    def post_json(self, path: str, data, **headers):
        body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
        return self.request("POST", path, body, {"Content-Type": "application/json", **headers})

    def healthy(self) -> bool:
        return self.request("GET", "/healthz")[0] == 200

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.reader.join(timeout=5)
        self.proc.stderr.close()
        return code


@pytest.fixture(scope="module")
def server():
    s = Server(
        "--threads", "16", "--max-queue", "32", "--timeout", "1", "--catalogue", str(CATALOGUE)
    )  # fmt: skip
    yield s
    assert s.stop() == 0
    assert s.proc.returncode == 0


def survey(name: str = "chem-01-huaxin.json") -> dict:
    return json.loads((SURVEYS / name).read_text(encoding="utf-8"))


def problem(status: int, headers: dict, body: bytes, expected: int) -> dict:
    assert status == expected, body
    assert headers["Content-Type"] == "application/problem+json"
    p = json.loads(body)
    assert p["status"] == expected and p["title"] and p["detail"]
    return p


def cli_score(path: Path) -> bytes:
    done = subprocess.run(
        [str(smedx_binary()), "score", "--rules", str(RULES), str(path)], capture_output=True
    )
    return done.stdout


# -- endpoints ------------------------------------------------------------------------------


def test_healthz_and_rulesets(server):
    status, headers, body = server.request("GET", "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, headers, body = server.request("GET", "/v1/rulesets")
    assert status == 200
    (listed,) = json.loads(body)["rulesets"]
    assert listed["id"] == "miit-2024" and listed["version"] and "数字化" in listed["title"]
    record = json.loads(server.post_json("/v1/rulesets/miit-2024/score", survey())[2])
    assert listed["hash"] == record["provenance"]["hash"] == "sha256:" + listed["sha256"]
    # Recomputed as docs/provenance.md says: sha256sum of the manifest of the rule set's files.
    names = sorted(
        str(p.relative_to(RULES))
        for p in [*RULES.glob("*.yaml"), *RULES.glob("industries/*.yaml")]
        if p.name != "tests.yaml"
    )
    manifest = "".join(
        f"{hashlib.sha256((RULES / n).read_bytes()).hexdigest()}  {n}\n" for n in names
    )
    assert listed["sha256"] == hashlib.sha256(manifest.encode()).hexdigest()


def test_score_equals_the_cli_byte_for_byte(server):
    for path in sorted(SURVEYS.glob("*.json")):
        status, headers, body = server.post_json("/v1/rulesets/miit-2024/score", path.read_bytes())
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert body == cli_score(path), path.name


def test_json_lines_stream_equals_the_cli_byte_for_byte(server):
    for path in [SURVEYS / "cohort.jsonl", PILOT / "baseline.jsonl", PILOT / "satisfaction.jsonl"]:
        status, headers, body = server.request(
            "POST",
            "/v1/rulesets/miit-2024/score",
            path.read_bytes(),
            {"Content-Type": "application/x-ndjson"},
        )
        assert status == 200 and headers["Content-Type"] == "application/x-ndjson"
        assert headers.get("Transfer-Encoding") == "chunked"
        cli = cli_score(path).replace(str(path).encode(), b"<request>")
        assert body == cli, path.name
        assert body.count(b"\n") == path.read_bytes().count(b"\n")


def test_diagnose_json_and_html(server):
    status, headers, body = server.post_json("/v1/rulesets/miit-2024/diagnose", survey())
    assert status == 200
    d = json.loads(body)
    assert d["enterprise_id"] == "CN-2025-001" and "requirements" in d
    status, _, body = server.post_json(
        "/v1/rulesets/miit-2024/diagnose?target=4", survey("parts-06-jiacheng.json")
    )
    assert status == 200 and json.loads(body)["target"] == 4
    status, headers, body = server.post_json(
        "/v1/rulesets/miit-2024/diagnose", survey(), Accept="text/html"
    )
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body.startswith(b"<!DOCTYPE html>") and b"CN-2025-001" in body


def test_diagnose_equals_the_cli_files_byte_for_byte(server, tmp_path):
    for path in sorted(SURVEYS.glob("*.json")):
        out = tmp_path / path.stem
        done = subprocess.run(
            [str(smedx_binary()), "diagnose", "--rules", str(RULES), str(path), "-o", str(out)],
            capture_output=True,
        )
        assert done.returncode == 0, done.stderr
        ident = json.loads(path.read_text(encoding="utf-8"))["enterprise"]["id"]
        status, _, body = server.post_json("/v1/rulesets/miit-2024/diagnose", path.read_bytes())
        assert status == 200 and body == (out / f"{ident}.json").read_bytes(), path.name
        status, _, body = server.post_json(
            "/v1/rulesets/miit-2024/diagnose", path.read_bytes(), Accept="text/html"
        )
        assert status == 200 and body == (out / f"{ident}.html").read_bytes(), path.name


def test_the_example_python_client(server):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "platform" / "client.py"),
            str(SURVEYS / "parts-06-jiacheng.json"),
            f"http://{server.host}:{server.port}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    first, scored, target = done.stdout.splitlines()
    assert first.startswith("miit-2024 ") and first.endswith(" 15 items")
    record = json.loads(cli_score(SURVEYS / "parts-06-jiacheng.json"))
    assert scored == f"{record['enterprise_id']} {record['level_name']} {record['total']}"
    assert target.startswith("target 2 [")


def test_questionnaire_holds_the_published_wording(server):
    status, _, body = server.request("GET", "/v1/rulesets/miit-2024/questionnaire")
    assert status == 200
    q = json.loads(body)
    items = [i for s in q["sections"] for sub in s["sub_indicators"] for i in sub["items"]]
    assert len(items) == 15 and all(i["question"] and i["options"] for i in items)
    assert all(i["evidence"] for i in items)
    scenarios = [s for g in q["scenarios"]["groups"] for s in g["scenarios"]]
    assert len(scenarios) + len(q["scenarios"]["ungrouped"]) == 16
    assert all(len(s["levels"]) == 4 and s["levels"][0]["zh"] for s in scenarios)


# -- the JSON Schema ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator(server):
    status, headers, body = server.request("GET", "/v1/rulesets/miit-2024/schema")
    assert status == 200 and headers["Content-Type"] == "application/schema+json"
    schema = json.loads(body)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def example_surveys() -> list[dict]:
    out = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SURVEYS.glob("*.json"))]
    for path in [SURVEYS / "cohort.jsonl", PILOT / "baseline.jsonl", PILOT / "acceptance.jsonl"]:
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return out


def test_schema_accepts_every_example_survey(validator):
    surveys = example_surveys()
    assert len(surveys) == 12 + 12 + 53 + 42
    for s in surveys:
        errors = list(validator.iter_errors(s))
        assert not errors, (s["enterprise"]["id"], [e.message for e in errors])


def test_schema_wording_is_the_questionnaire(validator):
    item = validator.schema["$defs"]["item_information_systems"]
    assert item["title"] == "信息系统" and item["x-code"] == "F5"
    assert [o["const"] for o in item["oneOf"]] == ["A", "B", "C", "D", "E"]


def broken_surveys() -> dict[str, dict]:
    base = survey("parts-03-jingrui.json")

    def changed(f) -> dict:
        s = copy.deepcopy(base)
        f(s)
        return s

    return {
        "an item missing": changed(lambda s: s["answers"].pop("planning")),
        "an unknown item": changed(lambda s: s["answers"].update(plannning="C")),
        "an unknown letter": changed(lambda s: s["answers"].update(planning="G")),
        "a single answered as a list": changed(lambda s: s["answers"].update(planning=["C"])),
        "none with another option": changed(lambda s: s["answers"].update(network=["A", "B"])),
        "a letter twice": changed(lambda s: s["answers"].update(network=["B", "B"])),
        "an item by id and by code": changed(lambda s: s["answers"].update(F5="C")),
        "a percentage over 100": changed(lambda s: s["answers"].update(funding=150)),
        "a trend before of 0": changed(
            lambda s: s["answers"].update(pass_rate={"before": 0, "after": 3})
        ),
        "a scenario level 5": changed(lambda s: s["scenarios"].update(quality=5)),
        "a scenario missing": changed(lambda s: s["scenarios"].pop("quality")),
        "an unknown top-level key": changed(lambda s: s.update(extra=1)),
        "no enterprise id": changed(lambda s: s["enterprise"].pop("id")),
    }


@pytest.mark.parametrize("what", list(broken_surveys()))
def test_schema_and_server_reject_a_broken_survey(validator, server, what):
    s = broken_surveys()[what]
    assert list(validator.iter_errors(s)), what
    status, headers, body = server.post_json("/v1/rulesets/miit-2024/score", s)
    p = problem(status, headers, body, 422)
    assert p["issues"] and all(i["severity"] == "error" for i in p["issues"])


# -- errors ---------------------------------------------------------------------------------


def test_malformed_json_is_400_with_a_located_issue(server):
    p = problem(*server.post_json("/v1/rulesets/miit-2024/score", b'{"enterprise": '), 400)
    assert p["issues"][0]["file"] == "<request>" and "malformed JSON" in p["detail"]
    problem(*server.post_json("/v1/rulesets/miit-2024/score?missing=maybe", survey()), 400)
    problem(*server.post_json("/v1/rulesets/miit-2024/diagnose?target=9", survey()), 400)


def test_unknown_rule_sets_are_404_whatever_the_name(server):
    for name in ["miit-2023", "..%2F..%2Fetc%2Fpasswd", "..", "%2e%2e", "miit-2024%00"]:
        for method, path in [("GET", "schema"), ("GET", "questionnaire"), ("POST", "score")]:
            status, headers, body = server.request(
                method,
                f"/v1/rulesets/{name}/{path}",
                b"{}" if method == "POST" else None,
                {"Content-Type": "application/json"},
            )
            problem(status, headers, body, 404)
    problem(*server.request("GET", "/v1/rulesets/../../etc/passwd"), 404)
    problem(*server.request("GET", "/nowhere"), 404)
    assert server.healthy()


def test_wrong_content_type_is_415_and_the_connection_stays_usable(server):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    for ctype in ["text/plain", "application/x-www-form-urlencoded"]:
        conn.request("POST", "/v1/rulesets/miit-2024/score", b"x" * 5000, {"Content-Type": ctype})
        res = conn.getresponse()
        problem(res.status, dict(res.getheaders()), res.read(), 415)
    conn.request("GET", "/healthz")  # the same connection: the dropped body was read whole
    assert conn.getresponse().status == 200
    conn.close()
    ndjson = {"Content-Type": "application/x-ndjson"}
    problem(*server.request("POST", "/v1/rulesets/miit-2024/diagnose", b"{}", ndjson), 415)


def test_a_100_mb_body_is_413_and_memory_stays_flat(server):
    rss = rss_kib(server.proc.pid)
    status, headers, body = server.post_json("/v1/rulesets/miit-2024/score", b" " * 100_000_000)
    problem(status, headers, body, 413)
    # Chunked, with no length announced: cut off at the limit.
    sock = socket.create_connection((server.host, server.port), timeout=10)
    sock.sendall(
        b"POST /v1/rulesets/miit-2024/score HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n" % (1 << 20) + b" " * (1 << 20) + b"\r\n"
    try:
        for _ in range(100):
            sock.sendall(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    answer = read_all(sock)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 413"), answer[:100]
    if os.environ.get("SMEDX_SANITIZED") != "address":  # ASan's quarantine keeps freed memory
        assert rss_kib(server.proc.pid) - rss < 80 * 1024  # held at most the 64 MiB limit
    assert server.healthy()


def test_headers_over_the_limit_are_431(server):
    problem(
        *server.request("GET", "/healthz", headers={f"X-{k}": "v" * 4000 for k in range(20)}), 431
    )
    assert server.healthy()


def test_a_slow_client_is_cut_off_and_others_are_served(server):
    slow = socket.create_connection((server.host, server.port), timeout=10)
    slow.sendall(b"POST /v1/rulesets/miit-2024/score HTTP/1.1\r\nHost: x\r\n")
    assert server.healthy()  # meanwhile
    start = time.monotonic()
    answer = read_all(slow)  # the server gives up after --timeout 1
    assert time.monotonic() - start < 8
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer[:100]
    assert server.healthy()


def test_a_body_trickled_in_is_cut_off_at_the_request_timeout():
    s = Server("--timeout", "2", "--request-timeout", "1")
    try:
        sock = socket.create_connection((s.host, s.port), timeout=10)
        sock.sendall(
            b"POST /v1/rulesets/miit-2024/score HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        )
        start = time.monotonic()
        try:  # a byte every 0.2 s: each read in time, until the server answers
            while time.monotonic() - start < 5 and not select.select([sock], [], [], 0.2)[0]:
                sock.sendall(b" ")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_all(sock)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
        assert time.monotonic() - start < 4
        assert s.healthy()
    finally:
        assert s.stop() == 0


def test_without_keep_alive_a_request_sent_after_connecting_is_answered_and_closed():
    """--keep-alive 0 once gave a new connection one 10 ms poll for its request (httplib waits
    the keep-alive timeout for the first request too): a client that connects first and sends a
    moment later (a busy machine, a browser's preconnect) was closed without an answer."""
    s = Server("--keep-alive", "0", "--timeout", "2")
    try:
        for pause in (0, 0.3):
            sock = socket.create_connection((s.host, s.port), timeout=10)
            time.sleep(pause)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):  # the answer, then the server closes
                answer += chunk
            sock.close()
            assert answer.startswith(b"HTTP/1.1 200"), (pause, answer[:100])
            assert b"Connection: close\r\n" in answer
        assert s.healthy()
    finally:
        assert s.stop() == 0


def test_bodies_held_at_once_are_bounded_503():
    s = Server("--max-body", "1000000", "--max-bodies", "1500000")
    try:
        holder = socket.create_connection((s.host, s.port), timeout=10)
        holder.sendall(  # announces 1 MB and sends a little: 1 MB is set aside for it
            b"POST /v1/rulesets/miit-2024/score HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"
        )
        time.sleep(0.3)
        big = b" " * 900_000 + json.dumps(survey()).encode()
        p = problem(*s.post_json("/v1/rulesets/miit-2024/score", big), 503)
        assert "--max-bodies" in p["detail"]
        holder.close()
        time.sleep(0.3)
        assert s.post_json("/v1/rulesets/miit-2024/score", big)[0] == 200
        assert s.healthy()
    finally:
        assert s.stop() == 0


def test_a_thousand_concurrent_connections_get_an_answer_each(server):
    body = json.dumps(survey(), ensure_ascii=False).encode()
    request = (
        b"POST /v1/rulesets/miit-2024/score HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    ) + body

    async def one() -> int:
        reader, writer = await asyncio.open_connection(server.host, server.port)
        writer.write(request)
        await writer.drain()
        answer = await reader.read()
        writer.close()
        return int(answer.split(b" ", 2)[1]) if answer else 0

    async def all_of_them() -> list[int]:
        return await asyncio.gather(*(one() for _ in range(1000)))

    statuses = asyncio.run(all_of_them())
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert statuses.count(200) > 0 and statuses.count(503) > 0
    print(f"1000 connections: {statuses.count(200)} scored, {statuses.count(503)} told 503")
    assert server.healthy()


def test_bearer_token(tmp_path):
    s = Server("--token", "s3cret")
    try:
        assert s.healthy()  # open without a token, as is /openapi.json
        assert s.request("GET", "/openapi.json")[0] == 200
        for auth in [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}]:
            status, headers, body = s.request("GET", "/v1/rulesets", headers=auth)
            problem(status, headers, body, 401)
            assert headers["WWW-Authenticate"] == "Bearer"
        ok = {"Authorization": "Bearer s3cret"}
        assert s.request("GET", "/v1/rulesets", headers=ok)[0] == 200
        assert s.post_json("/v1/rulesets/miit-2024/score", survey(), **ok)[0] == 200
    finally:
        assert s.stop() == 0


def test_rule_sets_by_installed_name():
    s = Server(rules="miit-2024", env={"SMEDX_PATH": str(ROOT)})
    try:
        status, _, body = s.request("GET", "/v1/rulesets")
        assert status == 200 and json.loads(body)["rulesets"][0]["id"] == "miit-2024"
        assert s.post_json("/v1/rulesets/miit-2024/score", survey())[0] == 200
    finally:
        assert s.stop() == 0


def test_cors_only_when_asked(server):
    assert "Access-Control-Allow-Origin" not in server.request("GET", "/v1/rulesets")[1]
    s = Server("--cors-origin", "https://platform.example")
    try:
        status, headers, _ = s.request(
            "OPTIONS", "/v1/rulesets/miit-2024/score", headers={"Origin": "https://x"}
        )
        assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
        assert headers["Access-Control-Allow-Origin"] == "https://platform.example"
        assert "Content-Type" in headers["Access-Control-Allow-Headers"]
    finally:
        assert s.stop() == 0


def test_sigterm_lets_a_request_in_flight_finish():
    s = Server("--batch-threads", "1")
    lines = (SURVEYS / "cohort.jsonl").read_bytes() * 2000  # 24,000 surveys: some time to score
    result = {}

    def post() -> None:
        result["answer"] = s.request(
            "POST", "/v1/rulesets/miit-2024/score", lines, {"Content-Type": "application/x-ndjson"}
        )

    t = threading.Thread(target=post)
    t.start()
    time.sleep(0.3)
    s.proc.send_signal(signal.SIGTERM)
    t.join(timeout=60)
    assert s.stop() == 0
    status, _, body = result["answer"]
    assert status == 200 and body.count(b"\n") == 24_000
    assert any("stopped" in line for line in s.log)


def test_sigterm_while_a_stream_body_arrives_answers_it_whole():
    """A SIGTERM while a JSON Lines body was still arriving once gave a 200 with an empty body:
    httplib calls no content provider once the server is stopped. The server now drains first."""
    s = Server()
    lines = (SURVEYS / "cohort.jsonl").read_bytes() * 10
    try:
        sock = socket.create_connection((s.host, s.port), timeout=30)
        sock.sendall(
            b"POST /v1/rulesets/miit-2024/score HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-ndjson\r\n"
            b"Content-Length: " + str(len(lines)).encode() + b"\r\n\r\n" + lines[:1000]
        )
        time.sleep(1)  # the request is routed and its body is being read
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        sock.sendall(lines[1000:])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        sock.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        assert b"Transfer-Encoding: chunked" in head
        assert body.endswith(b"0\r\n\r\n"), body[-100:]  # the last chunk came
        records = b"".join(body[i + 2 : i + 2 + n] for i, n in chunks_of(body))
        assert records == cli_score_text(lines)
    finally:
        assert s.stop() == 0


def chunks_of(body: bytes):
    """(offset of the CRLF after each chunk's size line, its size) of a chunked body."""
    at = 0
    while True:
        eol = body.index(b"\r\n", at)
        n = int(body[at:eol], 16)
        if n == 0:
            return
        yield eol, n
        at = eol + 2 + n + 2


def cli_score_text(lines: bytes) -> bytes:
    return subprocess.run(
        [str(smedx_binary()), "score", "--rules", str(RULES)],
        input=lines,
        capture_output=True,
    ).stdout


def test_access_log_has_one_line_per_request(server):
    server.request("GET", "/v1/rulesets/miit-2024/schema?x=1")
    time.sleep(0.2)
    assert any(
        re.search(r'"GET /v1/rulesets/miit-2024/schema" 200 \d+ [\d.]+ms', x) for x in server.log
    )


# -- OpenAPI --------------------------------------------------------------------------------


# -- matching (POST /v1/rulesets/{id}/match) -------------------------------------------------


def cli_match(path: Path, *args: str) -> bytes:
    done = subprocess.run(
        [str(smedx_binary()), "match", "--rules", str(RULES), "--catalogue", str(CATALOGUE)]
        + [str(path), *args],
        capture_output=True,
    )
    return done.stdout


def test_catalogues_are_listed(server):
    status, headers, body = server.request("GET", "/v1/catalogues")
    assert status == 200 and headers["Content-Type"] == "application/json"
    (listed,) = json.loads(body)["catalogues"]
    assert (listed["id"], listed["rule_set"], listed["matchable"]) == (
        "dongying-2026",
        "miit-2024",
        True,
    )
    lint = subprocess.run(
        [str(smedx_binary()), "lint", str(CATALOGUE)], capture_output=True, text=True
    )
    assert f"products: {listed['products']}\n" in lint.stdout
    assert listed["title"] in lint.stdout


def test_match_one_survey_equals_the_cli_byte_for_byte(server):
    files = sorted(SURVEYS.glob("*.json"))
    assert len(files) == 12
    for path in files:
        status, headers, body = server.post_json("/v1/rulesets/miit-2024/match", path.read_bytes())
        assert status == 200 and headers["Content-Type"] == "application/json", body
        assert body == cli_match(path), path.name
        assert json.loads(body)["enterprise_id"]


@pytest.mark.parametrize(
    "query, args",
    [
        ("", []),
        (
            "?alternatives=2&years=3&budget=600000&target=3&catalogue=dongying-2026",
            ["--alternatives", "2", "--years", "3", "--budget", "600000", "--target", "3"],
        ),
    ],
)
def test_match_json_lines_stream_equals_the_cli_byte_for_byte(server, query, args):
    for path in [SURVEYS / "cohort.jsonl", PILOT / "baseline.jsonl"]:
        status, headers, body = server.request(
            "POST",
            "/v1/rulesets/miit-2024/match" + query,
            path.read_bytes(),
            {"Content-Type": "application/x-ndjson"},
        )
        assert status == 200 and headers["Content-Type"] == "application/x-ndjson"
        assert headers.get("Transfer-Encoding") == "chunked"
        cli = cli_match(path, *args)
        assert body == cli, path.name
        assert body.count(b"\n") == path.read_bytes().count(b"\n")
    # A bad record is an error record in place, as the command writes it.
    lines = b'{"enterprise": {"id": "BAD-1"}, "answers": {}, "scenarios": {}}\nnot json\n'
    status, _, body = server.request(
        "POST", "/v1/rulesets/miit-2024/match", lines, {"Content-Type": "application/x-ndjson"}
    )
    records = [json.loads(line) for line in body.splitlines()]
    assert status == 200 and len(records) == 2 and all("error" in r for r in records)


def test_match_errors_have_their_status(server):
    url = "/v1/rulesets/miit-2024/match"
    p = problem(*server.post_json(url + "?catalogue=nope-2026", survey()), 404)
    assert "no catalogue 'nope-2026' is loaded (loaded: dongying-2026)" in p["detail"]
    problem(*server.post_json("/v1/rulesets/miit-2099/match", survey()), 404)
    for query, what in [
        ("target=9", "target level 9 does not exist"),
        ("target=two", "'target' takes a whole number"),
        ("years=101", "'years' takes a whole number from 0 to 100"),
        ("budget=-5", "'budget' takes a whole number"),
        ("alternatives=1000", "'alternatives' takes a whole number from 0 to 100"),
        ("missing=maybe", "'missing' takes 'error' or 'zero'"),
    ]:
        p = problem(*server.post_json(f"{url}?{query}", survey()), 400)
        assert what in p["detail"], (query, p["detail"])
    p = problem(*server.post_json(url, b'{"enterprise": '), 400)
    assert p["detail"].startswith("malformed JSON")
    p = problem(*server.post_json(url, {"enterprise": {"id": "X-1"}}), 422)
    assert p["issues"] and p["issues"][0]["message"] == p["detail"]
    problem(*server.request("POST", url, b"x", {"Content-Type": "text/plain"}), 415)
    assert server.healthy()


def test_match_without_a_catalogue_or_for_another_rule_set():
    s = Server()
    try:
        p = problem(*s.post_json("/v1/rulesets/miit-2024/match", survey()), 404)
        assert "no catalogue is loaded" in p["detail"] and "--catalogue" in p["detail"]
        assert json.loads(s.request("GET", "/v1/catalogues")[2]) == {"catalogues": []}
    finally:
        assert s.stop() == 0
    # Two rule sets; the catalogue by its installed name.
    s = Server(
        "--rules", str(ROOT / "tests" / "data" / "minimal.yaml"), "--catalogue", "dongying-2026",
        env={"SMEDX_PATH": str(ROOT)},
    )  # fmt: skip
    try:
        p = problem(*s.post_json("/v1/rulesets/mini/match", survey()), 409)
        assert p["detail"] == "catalogue 'dongying-2026' is for rule set 'miit-2024', not 'mini'"
        status, _, body = s.post_json("/v1/rulesets/miit-2024/match", survey())
        assert status == 200 and json.loads(body)["enterprise_id"] == "CN-2025-001"
    finally:
        assert s.stop() == 0


def test_match_names_the_catalogue_when_several_are_loaded(tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    text = (CATALOGUE / "catalogue.yaml").read_text(encoding="utf-8")
    assert text.count("id: dongying-2026") == 1
    (copy / "catalogue.yaml").write_text(text.replace("id: dongying-2026", "id: copy-2026"))
    s = Server("--catalogue", str(CATALOGUE), "--catalogue", str(copy))
    try:
        listed = json.loads(s.request("GET", "/v1/catalogues")[2])["catalogues"]
        assert [c["id"] for c in listed] == ["copy-2026", "dongying-2026"]
        url = "/v1/rulesets/miit-2024/match"
        p = problem(*s.post_json(url, survey()), 400)
        assert "?catalogue=" in p["detail"] and "copy-2026, dongying-2026" in p["detail"]
        first = s.post_json(url + "?catalogue=dongying-2026", survey())
        second = s.post_json(url + "?catalogue=copy-2026", survey())
        assert first[0] == second[0] == 200 and first[2] == second[2]  # the same products
    finally:
        assert s.stop() == 0
    done = subprocess.run(
        [str(smedx_binary()), "serve", "--rules", str(RULES), "--port", "0"]
        + ["--catalogue", str(CATALOGUE), "--catalogue", str(CATALOGUE)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "catalogue 'dongying-2026' is already served from another --catalogue" in done.stderr


def test_serve_refuses_a_bad_catalogue_with_lints_message(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    text = (CATALOGUE / "catalogue.yaml").read_text(encoding="utf-8")
    first = re.search(r"delivers:\n(\s+)scenarios: \{(\w+):", text)
    assert first, "the example catalogue's first delivered scenario"
    at = first.start(2)
    (broken / "catalogue.yaml").write_text(text[:at] + "S99" + text[first.end(2) :], "utf-8")
    lint = subprocess.run(
        [str(smedx_binary()), "lint", str(broken), "--rules", str(RULES)],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 1 and "S99" in lint.stderr
    done = subprocess.run(
        [str(smedx_binary()), "serve", "--rules", str(RULES), "--catalogue", str(broken)]
        + ["--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert lint.stderr in done.stderr
    assert "catalogue.yaml:" in done.stderr


def test_openapi_is_valid_and_matches_the_routes(server):
    validate = pytest.importorskip("openapi_spec_validator").validate
    status, _, body = server.request("GET", "/openapi.json")
    assert status == 200
    doc = json.loads(body)
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    requests = {
        "post": json.dumps(survey(), ensure_ascii=False).encode(),
        "get": None,
    }
    documented = set()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            documented.add((method, path))
            url = path.replace("{id}", "miit-2024")
            status, headers, body = server.request(
                method.upper(), url, requests[method], {"Content-Type": "application/json"}
            )
            assert str(status) in op["responses"], (method, path, status)
            # An unknown rule set is documented wherever the path names one.
            if "{id}" in path:
                assert "404" in op["responses"]
            # Every error status a route can answer is documented for it.
            if method == "post":
                for code, (ctype, payload) in {
                    "400": ("application/json", b"{"),
                    "415": ("text/plain", b"x"),
                    "422": ("application/json", b"{}"),
                }.items():
                    got = server.request("POST", url, payload, {"Content-Type": ctype})[0]
                    assert str(got) == code and code in op["responses"], (path, code)
    # And nothing is served that is not documented: every other method on each path is refused.
    for method, path in [
        ("post", "/healthz"),
        ("get", "/v1/rulesets/{id}/score"),
        ("put", "/v1/rulesets"),
        ("delete", "/v1/rulesets/{id}/schema"),
    ]:
        assert (method, path) not in documented
        status = server.request(method.upper(), path.replace("{id}", "miit-2024"))[0]
        assert status in (404, 405), (method, path, status)


# -- helpers --------------------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def read_all(sock: socket.socket) -> bytes:
    """What the server sends until it closes or the head of a response is complete."""
    out = b""
    try:
        while b"\r\n\r\n" not in out and (chunk := sock.recv(65536)):
            out += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    sock.close()
    return out


def test_the_server_still_answers_after_everything(server):
    assert server.healthy()
    assert os.path.exists(f"/proc/{server.proc.pid}")
