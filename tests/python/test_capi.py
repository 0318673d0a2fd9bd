"""The C API (include/smedx/c.h) through Python ctypes, as a platform in another language would
call it: results equal the `smedx` command's output byte for byte on the example cohort."""

from __future__ import annotations

import ctypes
import json
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

OK, INVALID_ARGUMENT, NOT_FOUND, RULES_ERROR, SURVEY_ERROR, UNSUPPORTED = 0, 1, 2, 3, 4, 5
CATALOGUE_ERROR = 8
CATALOGUE = ROOT / "catalogues" / "dongying-2026"


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
        lib.smedx_catalogue_load.argtypes = [ctypes.c_void_p, ctypes.c_char_p, out, out]
        lib.smedx_catalogue_free.argtypes = [ctypes.c_void_p]
        lib.smedx_catalogue_info.argtypes = [ctypes.c_void_p, out, out]
        options = [ctypes.c_int, ctypes.c_int, ctypes.c_longlong, ctypes.c_int, ctypes.c_uint]
        lib.smedx_match_json.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, *options, out, out,
        ]  # fmt: skip
        lib.smedx_match_jsonl.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, *options, ctypes.c_uint,
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

    def load_catalogue(
        self, rules: ctypes.c_void_p, name: str
    ) -> tuple[int, ctypes.c_void_p, bytes | None]:
        handle, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.smedx_catalogue_load(
            rules, name.encode(), ctypes.byref(handle), ctypes.byref(error)
        )
        return status, handle, self.take(error)

    @staticmethod
    def _options(target: int, years: int, budget: int | None, alternatives: int) -> list:
        return [target, years, -1 if budget is None else budget, alternatives, 0]

    def match(
        self,
        catalogue: ctypes.c_void_p,
        survey: bytes,
        target: int = 0,
        years: int = 1,
        budget: int | None = None,
        alternatives: int = 0,
    ) -> tuple[int, bytes | None, bytes | None]:
        record, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.smedx_match_json(
            catalogue, survey, len(survey), *self._options(target, years, budget, alternatives),
            ctypes.byref(record), ctypes.byref(error),
        )  # fmt: skip
        return status, self.take(record), self.take(error)

    def match_lines(
        self,
        catalogue: ctypes.c_void_p,
        text: bytes,
        target: int = 0,
        years: int = 1,
        budget: int | None = None,
        alternatives: int = 0,
    ) -> tuple[int, bytes | None, bytes | None, bytes | None]:
        records, matrix, error = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.smedx_match_jsonl(
            catalogue, text, len(text), *self._options(target, years, budget, alternatives), 0,
            ctypes.byref(records), ctypes.byref(matrix), ctypes.byref(error),
        )  # fmt: skip
        return status, self.take(records), self.take(matrix), self.take(error)


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


@pytest.fixture(scope="module")
def catalogue(c: C, rules: ctypes.c_void_p):  # noqa: ANN201
    status, handle, error = c.load_catalogue(rules, str(CATALOGUE))
    assert status == OK, error
    yield handle
    c.lib.smedx_catalogue_free(handle)


def cli_match(inputs: list[Path], *args: str, matrix: Path | None = None) -> bytes:
    extra = ["--matrix", str(matrix)] if matrix else []
    return subprocess.run(
        [str(CLI), "match", "--rules", str(RULES), "--catalogue", str(CATALOGUE)]
        + [str(p) for p in inputs]
        + list(args)
        + extra,
        capture_output=True,
    ).stdout


def test_catalogue_by_name_and_its_errors(
    c: C, rules: ctypes.c_void_p, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, handle, error = c.load_catalogue(rules, "nowhere-2099")
    assert (status, handle.value) == (NOT_FOUND, None) and error is not None
    status, mini, _ = c.load(str(ROOT / "tests" / "data" / "minimal.yaml"))
    assert status == OK
    status, handle, error = c.load_catalogue(mini, str(CATALOGUE))
    assert (status, handle.value) == (CATALOGUE_ERROR, None)
    assert error is not None and b"catalogue.yaml:" in error and b"mini" in error
    c.lib.smedx_rules_free(mini)
    # By installed name, as the command and Python find it (SMEDX_PATH, read at each call).
    monkeypatch.setenv("SMEDX_PATH", str(ROOT))
    status, handle, error = c.load_catalogue(rules, "dongying-2026")
    assert status == OK, error
    info = ctypes.c_void_p()
    assert c.lib.smedx_catalogue_info(handle, ctypes.byref(info), None) == OK
    got = json.loads(c.take(info) or b"null")
    assert (got["id"], got["rule_set"]) == ("dongying-2026", "miit-2024")
    assert got["title"] and got["products"] >= 30
    c.lib.smedx_catalogue_free(handle)


def test_matches_equal_the_command(c: C, catalogue: ctypes.c_void_p, tmp_path: Path) -> None:
    cohort = SURVEYS / "cohort.jsonl"
    for name, args, kwargs in [
        ("defaults", [], {}),
        ("options", ["--target", "3", "--years", "3", "--budget", "600000",
                     "--alternatives", "2"],
         {"target": 3, "years": 3, "budget": 600000, "alternatives": 2}),
    ]:  # fmt: skip
        matrix = tmp_path / f"{name}.json"
        cli = cli_match([cohort], *args, matrix=matrix)
        assert cli.count(b"\n") == 12, name
        status, records, got_matrix, error = c.match_lines(catalogue, cohort.read_bytes(), **kwargs)
        assert status == OK, error
        assert records == cli, name
        assert got_matrix is not None and got_matrix + b"\n" == matrix.read_bytes()
    # One survey at a time: each example file gives what the command writes for it.
    files = sorted(SURVEYS.glob("*.json"))
    assert len(files) == 12
    for survey in files:
        status, record, error = c.match(catalogue, survey.read_bytes())
        assert status == OK, error
        assert record is not None and record + b"\n" == cli_match([survey]), survey.name


def test_bad_match_input_is_a_value_never_a_crash(c: C, catalogue: ctypes.c_void_p) -> None:
    survey = (SURVEYS / "chem-01-huaxin.json").read_bytes()
    status, record, error = c.match(catalogue, survey, target=9)
    assert (status, record) == (INVALID_ARGUMENT, None) and error is not None
    for kwargs in [{"years": 101}, {"alternatives": -1}, {"target": -1}]:
        status, record, error = c.match(catalogue, survey, **kwargs)
        assert (status, record) == (INVALID_ARGUMENT, None), kwargs
    status, record, _ = c.match(catalogue, b'{"enterprise": ')
    assert status == SURVEY_ERROR and record is not None and b'"error"' in record
    status, records, _, error = c.match_lines(catalogue, b"{}\nnot json\n")
    assert status == SURVEY_ERROR and records is not None and records.count(b"\n") == 2
    assert error == b"2 of 2 records have errors (in their records)"
