"""The C API (include/smedx/c.h) through Python ctypes, as a platform in another language would
call it: results equal the `smedx` command's output byte for byte on the example cohort."""

from __future__ import annotations

import ctypes
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build" / "default"  # the library and the command of one CMake build
LIBRARY = Path(os.environ.get("SMEDX_C_LIBRARY", BUILD / "libsmedx_c.so"))
CLI = BUILD / "smedx"
RULES = ROOT / "indicators" / "miit-2024"
SURVEYS = ROOT / "examples" / "surveys"

OK, NOT_FOUND, RULES_ERROR, SURVEY_ERROR, UNSUPPORTED = 0, 2, 3, 4, 5


class C:
    """The API's functions with their C types; strings it hands out are copied and freed."""

    def __init__(self, path: Path) -> None:
        lib = ctypes.CDLL(str(path))
        out = ctypes.POINTER(ctypes.c_void_p)
        lib.smedx_version.restype = ctypes.c_char_p
        lib.smedx_rules_load.argtypes = [ctypes.c_char_p, out, out]
        lib.smedx_rules_free.argtypes = [ctypes.c_void_p]
        lib.smedx_score_json.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, out, out,
        ]  # fmt: skip
        lib.smedx_score_jsonl.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_uint,
            out, out,
        ]  # fmt: skip
        lib.smedx_diagnose_json.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_uint,
            out, out, out,
        ]  # fmt: skip
        lib.smedx_string_free.argtypes = [ctypes.c_void_p]
        self.lib = lib

    def take(self, p: ctypes.c_void_p) -> bytes | None:
        if not p.value:
            return None
        text = ctypes.string_at(p.value)
        self.lib.smedx_string_free(p)
        return text

    def load(self, name: str) -> tuple[int, ctypes.c_void_p, bytes | None]:
        handle, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.smedx_rules_load(name.encode(), ctypes.byref(handle), ctypes.byref(error))
        return status, handle, self.take(error)

    def score(self, rules: ctypes.c_void_p, survey: bytes) -> tuple[int, bytes | None]:
        record, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.smedx_score_json(
            rules, survey, len(survey), 0, ctypes.byref(record), ctypes.byref(error)
        )
        self.take(error)
        return status, self.take(record)

    def score_lines(self, rules: ctypes.c_void_p, text: bytes) -> tuple[int, bytes | None]:
        records, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.smedx_score_jsonl(
            rules, text, len(text), 0, 0, ctypes.byref(records), ctypes.byref(error)
        )
        self.take(error)
        return status, self.take(records)

    def diagnose(
        self, rules: ctypes.c_void_p, survey: bytes, target: int = 0
    ) -> tuple[int, bytes | None, bytes | None, bytes | None]:
        json, html, error = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.smedx_diagnose_json(
            rules, survey, len(survey), target, 0,
            ctypes.byref(json), ctypes.byref(html), ctypes.byref(error),
        )  # fmt: skip
        return status, self.take(json), self.take(html), self.take(error)


@pytest.fixture(scope="module")
def c() -> C:
    if not LIBRARY.is_file() or not CLI.is_file():
        pytest.skip("no libsmedx_c.so and smedx: build the default preset")
    return C(LIBRARY)


@pytest.fixture(scope="module")
def rules(c: C):  # noqa: ANN201
    status, handle, error = c.load(str(RULES))
    assert status == OK, error
    yield handle
    c.lib.smedx_rules_free(handle)


def test_version_and_load_errors(c: C) -> None:
    assert c.lib.smedx_version().decode().count(".") == 2
    status, handle, error = c.load("miit-2099")
    assert (status, handle.value) == (NOT_FOUND, None)
    assert error is not None and b"no rule set of that name" in error
    status, _, error = c.load(str(ROOT / "tests" / "data" / "broken.yaml"))
    assert status == RULES_ERROR and error is not None and b"unknown key 'pionts'" in error


def test_scores_equal_the_command(c: C, rules: ctypes.c_void_p) -> None:
    cohort = (SURVEYS / "cohort.jsonl").read_bytes()
    cli = subprocess.run(
        [str(CLI), "score", "--rules", str(RULES), str(SURVEYS / "cohort.jsonl")],
        capture_output=True,
        check=True,
    ).stdout
    assert c.score_lines(rules, cohort) == (OK, cli)
    lines = cohort.splitlines()
    assert len(lines) == 12
    assert [c.score(rules, line) for line in lines] == [(OK, r) for r in cli.splitlines()]


def test_diagnoses_equal_the_command(c: C, rules: ctypes.c_void_p, tmp_path: Path) -> None:
    files = sorted(SURVEYS.glob("*.json"))
    assert len(files) == 12
    for k, survey in enumerate(files):
        out = tmp_path / str(k)
        subprocess.run(
            [str(CLI), "diagnose", "--rules", str(RULES), str(survey), "-o", str(out)],
            capture_output=True,
            check=True,
        )
        name = (out / "index.tsv").read_text("utf-8").splitlines()[1].split("\t")[1]
        status, json, html, error = c.diagnose(rules, survey.read_bytes())
        assert status == OK, error
        assert json is not None and json + b"\n" == (out / f"{name}.json").read_bytes()
        assert html == (out / f"{name}.html").read_bytes()


def test_bad_input_is_a_value_never_a_crash(c: C, rules: ctypes.c_void_p) -> None:
    status, record = c.score(rules, b'{"enterprise": ')
    assert status == SURVEY_ERROR and record is not None and b'"error"' in record
    status, json, _, error = c.diagnose(rules, b"[]", 9)
    assert status == 1 and json is None
    assert error == "target level 9 does not exist: the levels are 1–4".encode()
    status, json, _, _ = c.diagnose(rules, b"\xff\xfe not json")
    assert status == SURVEY_ERROR and json is not None and b'"error"' in json
