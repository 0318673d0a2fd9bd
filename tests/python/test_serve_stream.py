"""The JSON Lines stream of `smedx serve` (POST /v1/rulesets/{id}/score, application/x-ndjson)
scores while its body arrives: the batch driver runs on its own thread, its records wait in a
bounded spool until the body is complete. These tests hold it to the CLI's bytes whatever way
the body comes, and check that every way a request can end leaves no thread behind."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from test_serve import RULES, SURVEYS, Server, chunks_of, smedx_binary

SCORE = "/v1/rulesets/miit-2024/score"
NDJSON = {"Content-Type": "application/x-ndjson"}
SPOOL = 16 << 20  # the spool's cap in src/serve/server.cpp (score_lines)


def cli_score_as_request(path: Path) -> bytes:
    """`smedx score FILE`, its error records naming the file as the server names the body."""
    out = subprocess.run(
        [str(smedx_binary()), "score", "--rules", str(RULES), str(path)], capture_output=True
    ).stdout
    return out.replace(str(path).encode(), b"<request>")


def lines_with_errors(copies: int) -> bytes:
    """The example cohort `copies` times, with a malformed line and a survey missing its
    answers among them: error records come from the same driver with the same source name."""
    cohort = (SURVEYS / "cohort.jsonl").read_bytes()
    broken = b'{"enterprise": {"id": "broken-1"}}\n' + b"{not json\n"
    half = copies // 2
    return cohort * half + broken + cohort * (copies - half)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, bytes]:
    """About 5 MB of surveys and what the CLI answers for them."""
    path = tmp_path_factory.mktemp("stream") / "big.jsonl"
    path.write_bytes(lines_with_errors(500))
    return path, cli_score_as_request(path)


def threads(s: Server) -> int:
    return len(os.listdir(f"/proc/{s.proc.pid}/task"))


def settle(s: Server, count: int) -> None:
    """Waits (10 s at most) for the server to be back at `count` threads: the scoring threads
    of the requests before have been joined."""
    deadline = time.monotonic() + 10
    while threads(s) != count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threads(s) == count


def started(*args: str) -> tuple[Server, int]:
    s = Server("--threads", "4", *args)
    assert s.healthy()
    return s, threads(s)


def request_head(length: int | None) -> bytes:
    framing = b"Transfer-Encoding: chunked" if length is None else b"Content-Length: %d" % length
    return (
        b"POST " + SCORE.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/x-ndjson\r\n" + framing + b"\r\n\r\n"
    )


def answer_of(sock: socket.socket) -> tuple[bytes, bytes]:
    """The head and the de-chunked body of the answer, read until the server closes."""
    raw = b""
    while chunk := sock.recv(1 << 16):
        raw += chunk
    sock.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    assert body.endswith(b"0\r\n\r\n"), body[-100:]  # the last chunk came: the answer is whole
    return head, b"".join(body[i + 2 : i + 2 + n] for i, n in chunks_of(body))


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_large_body_sent_slowly_in_small_pieces_equals_the_cli(big, chunked):
    path, expected = big
    lines = path.read_bytes()
    s, idle = started()
    try:
        sock = socket.create_connection((s.host, s.port), timeout=30)
        sock.sendall(request_head(None if chunked else len(lines)))
        piece = 1000  # bytes a send; a pause now and then lets the scorer catch up and wait
        for k, at in enumerate(range(0, len(lines), piece)):
            data = lines[at : at + piece]
            sock.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            if k % 500 == 0:
                time.sleep(0.01)
        if chunked:
            sock.sendall(b"0\r\n\r\n")
        head, records = answer_of(sock)
        assert head.startswith(b"HTTP/1.1 200"), head
        assert records == expected
        assert records.count(b"\n") == lines.count(b"\n")
        settle(s, idle)
    finally:
        assert s.stop() == 0


def test_a_half_duplex_client_gets_an_answer_larger_than_the_spool(tmp_path):
    """http.client sends the whole body, then reads: the answer (three times the body) is more
    than the spool holds, so the scorer waits for the answer to start, and it must not wait for
    the scorer. Twice on one keep-alive connection, then another request on it."""
    path = tmp_path / "lines.jsonl"
    path.write_bytes(lines_with_errors(800))
    expected = cli_score_as_request(path)
    assert len(expected) > SPOOL
    s, idle = started()
    try:
        conn = http.client.HTTPConnection(s.host, s.port, timeout=60)
        for _ in range(2):
            conn.request("POST", SCORE, body=path.read_bytes(), headers=NDJSON)
            res = conn.getresponse()
            assert res.status == 200 and res.read() == expected
        conn.request("GET", "/healthz")
        assert conn.getresponse().status == 200
        conn.close()
        settle(s, idle)
    finally:
        assert s.stop() == 0


def test_a_client_gone_mid_upload_leaves_no_thread_behind(big):
    path, expected = big
    lines = path.read_bytes()
    s, idle = started()
    try:
        for chunked in (False, True):
            sock = socket.create_connection((s.host, s.port), timeout=30)
            sock.sendall(request_head(None if chunked else len(lines)))
            half = lines[: len(lines) // 2]
            sock.sendall(b"%x\r\n%s\r\n" % (len(half), half) if chunked else half)
            time.sleep(0.2)  # the scorer has started on what came
            sock.close()
            assert s.healthy()
            settle(s, idle)
        # The server goes on answering streams whole.
        status, _, body = s.request("POST", SCORE, lines, NDJSON)
        assert status == 200 and body == expected
        settle(s, idle)
    finally:
        assert s.stop() == 0  # SIGTERM: nothing left to wait for


def test_a_client_gone_mid_download_leaves_no_thread_behind(tmp_path):
    path = tmp_path / "lines.jsonl"
    path.write_bytes(lines_with_errors(2000))  # 60 MB of answer: far from all sent at once
    lines = path.read_bytes()
    s, idle = started()
    try:
        for _ in range(2):
            sock = socket.create_connection((s.host, s.port), timeout=30)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)
            sock.sendall(request_head(len(lines)) + lines)
            got = b""
            while len(got) < 1 << 20 and (chunk := sock.recv(1 << 16)):
                got += chunk
            assert got.startswith(b"HTTP/1.1 200"), got[:100]
            sock.close()
            assert s.healthy()
            settle(s, idle)
    finally:
        assert s.stop() == 0


def test_a_stream_over_max_body_is_413_and_its_scoring_ends():
    cohort = (SURVEYS / "cohort.jsonl").read_bytes()
    lines = cohort * 200  # 2 MB
    s, idle = started("--max-body", "1000000")
    try:
        # Announced: refused before any scoring.
        status, headers, body = s.request("POST", SCORE, lines, NDJSON)
        assert status == 413 and headers["Content-Type"] == "application/problem+json", body
        # Not announced: cut off at the limit, with the scoring already under way.
        sock = socket.create_connection((s.host, s.port), timeout=30)
        sock.sendall(request_head(None))
        try:
            for at in range(0, len(lines), 1 << 16):
                data = lines[at : at + (1 << 16)]
                sock.sendall(b"%x\r\n%s\r\n" % (len(data), data))
            sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while chunk := sock.recv(1 << 16):
                answer += chunk
        except ConnectionResetError:
            pass
        sock.close()
        assert answer == b"" or answer.startswith(b"HTTP/1.1 413"), answer[:100]
        assert s.healthy()
        settle(s, idle)
        # A body within the limit is still scored.
        small = cohort * 50
        status, _, body = s.request("POST", SCORE, small, NDJSON)
        assert status == 200 and body.count(b"\n") == small.count(b"\n")
    finally:
        assert s.stop() == 0
