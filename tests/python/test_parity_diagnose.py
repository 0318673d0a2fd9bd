"""`smedx diagnose` and the Python entries write the same folder, byte for byte: both are doors
over the one C++ cohort driver (include/smedx/diagnose_cohort.h)."""

from __future__ import annotations

import subprocess
import sysconfig
from pathlib import Path

import pytest
import smedx

ROOT = Path(__file__).resolve().parents[2]
# The command the wheel installs beside this Python (built with the same sources as _core),
# else the one a CMake build made.
CANDIDATES = [Path(sysconfig.get_path("scripts")) / "smedx", ROOT / "build" / "default" / "smedx"]
CLI = next((c for c in CANDIDATES if c.is_file()), None)

OPTIONS = {
    "defaults": ({}, []),
    "target 3": ({"target": 3}, ["--target", "3"]),
    "by district": (
        {"by_district": True, "threshold": 0.6},
        ["--by-district", "--threshold", "0.6"],
    ),
}


def run_cli(rules: smedx.RuleSet, inputs: list[Path], out: Path, args: list[str]) -> None:
    if CLI is None:
        pytest.skip("no smedx command: install the package or build the default preset")
    done = subprocess.run(
        [
            str(CLI),
            "diagnose",
            "--rules",
            str(rules.path),
            *map(str, inputs),
            "-o",
            str(out),
            *args,
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("12 records in" if len(inputs) == 1 else "24 records in")


def same_folders(cli: Path, py: Path) -> None:
    names = sorted(p.name for p in cli.iterdir())
    assert names == sorted(p.name for p in py.iterdir())
    assert {"index.tsv", "cohort.json", "cohort.html", ".smedx-manifest"} <= set(names)
    for name in names:
        assert (py / name).read_bytes() == (cli / name).read_bytes(), name


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
@pytest.mark.parametrize("name", ["cohort.jsonl", "cohort.csv"])
def test_diagnose_files_writes_what_the_command_writes(
    rules: smedx.RuleSet, tmp_path: Path, name: str, options: tuple[dict, list[str]]
) -> None:
    kwargs, args = options
    survey_file = ROOT / "examples" / "surveys" / name
    run_cli(rules, [survey_file], tmp_path / "cli", args)
    reqs = smedx.diagnose_files(survey_file, rules, output=tmp_path / "py", **kwargs)
    same_folders(tmp_path / "cli", tmp_path / "py")
    assert len(reqs.diagnoses) == 12


def test_several_files_make_one_cohort(rules: smedx.RuleSet, tmp_path: Path) -> None:
    files = [ROOT / "examples" / "surveys" / n for n in ("cohort.csv", "cohort.jsonl")]
    run_cli(rules, files, tmp_path / "cli", ["--missing", "zero", "--threads", "1"])
    reqs = smedx.diagnose_files(files, rules, output=tmp_path / "py", missing="zero", threads=2)
    same_folders(tmp_path / "cli", tmp_path / "py")
    assert reqs.cohort["duplicate_ids"]  # every id twice


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_diagnose_frame_writes_what_the_command_writes(
    rules: smedx.RuleSet, tmp_path: Path, cohort_csv: Path, options: tuple[dict, list[str]]
) -> None:
    kwargs, args = options
    run_cli(rules, [cohort_csv], tmp_path / "cli", args)
    frame = smedx.read_surveys(cohort_csv)
    reqs = smedx.diagnose_frame(frame, rules, output=tmp_path / "py", **kwargs)
    same_folders(tmp_path / "cli", tmp_path / "py")
    # The files are the diagnoses the frame returns.
    for d in reqs.diagnoses:
        written = smedx.Diagnosis.from_json(
            (tmp_path / "py" / f"{d.enterprise_id}.json").read_text()
        )
        assert written.to_dict() == d.to_dict()


def test_the_folder_rules_are_the_command_s(
    rules: smedx.RuleSet, tmp_path: Path, cohort_jsonl: Path
) -> None:
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "notes.txt").write_text("not smedx's")
    with pytest.raises(ValueError, match="--force"):
        smedx.diagnose_files(cohort_jsonl, rules, output=tmp_path / "theirs")
    assert sorted(p.name for p in (tmp_path / "theirs").iterdir()) == ["notes.txt"]
    smedx.diagnose_files(cohort_jsonl, rules, output=tmp_path / "theirs", force=True)
    assert (tmp_path / "theirs" / "notes.txt").exists()
    assert (tmp_path / "theirs" / "cohort.html").exists()
    # An empty cohort is not written, as the command does not write it.
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(ValueError, match="the inputs hold no surveys: the cohort is empty"):
        smedx.diagnose_files(empty, rules, output=tmp_path / "new")
    assert not (tmp_path / "new").exists()
    with pytest.raises(ValueError, match="target level 9 does not exist: the levels are 1–4"):
        smedx.diagnose_files(cohort_jsonl, rules, target=9, output=tmp_path / "nine")
    assert not (tmp_path / "nine").exists()


# The pages' signatories and the 改造方案 (issues 20 and 17): the same options, the same folder.
PAGE = (
    {
        "diagnosed_on": "2026-03-15",
        "organisation": "东营市工业互联网促进中心",
        "diagnostician": "张工",
        "catalogue": ROOT / "catalogues" / "dongying-2026",
        "years": 2,
    },
    [
        "--diagnosed-on",
        "2026-03-15",
        "--organisation",
        "东营市工业互联网促进中心",
        "--diagnostician",
        "张工",
        "--catalogue",
        str(ROOT / "catalogues" / "dongying-2026"),
        "--years",
        "2",
    ],
)


def test_the_pages_signatories_and_plans_are_the_command_s(
    rules: smedx.RuleSet, tmp_path: Path, cohort_csv: Path
) -> None:
    kwargs, args = PAGE
    run_cli(rules, [cohort_csv], tmp_path / "cli", args)
    smedx.diagnose_files(cohort_csv, rules, output=tmp_path / "files", **kwargs)
    frame = smedx.read_surveys(cohort_csv)
    smedx.diagnose_frame(frame, rules, output=tmp_path / "frame", **kwargs)
    same_folders(tmp_path / "cli", tmp_path / "files")
    same_folders(tmp_path / "cli", tmp_path / "frame")
    page = (tmp_path / "cli" / "CN-2025-006.html").read_text("utf-8")
    assert "<span id='diagnostician'>张工</span>" in page
    assert "改造方案" in page
    assert '"plan":{' in (tmp_path / "cli" / "CN-2025-006.json").read_text("utf-8")
    with pytest.raises(ValueError, match="the diagnosis date must be a date YYYY-MM-DD"):
        smedx.diagnose_files(cohort_csv, rules, output=tmp_path / "bad", diagnosed_on="2026-13-01")
    assert not (tmp_path / "bad").exists()
