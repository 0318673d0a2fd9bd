"""Installed data by name: Python resolves names through the C++ search path (SMEDX_PATH, then
the package's own data), as the command and C++ do (include/smedx/data_path.h)."""

from __future__ import annotations

import subprocess
import sysconfig
from pathlib import Path

import pytest
import smedx
from smedx import _core

ROOT = Path(__file__).resolve().parents[2]


def test_bundled_name_comes_from_the_package() -> None:
    rules = smedx.load_rules("miit-2024")
    assert rules.id == "miit-2024"
    package = Path(smedx.__file__).parent
    assert Path(_core.find_data("miit-2024")[0]) == package / "indicators" / "miit-2024"
    assert Path(_core.find_data("dongying-2026", "programme")[0]) == (
        package / "programmes" / "dongying-2026"
    )


def test_smedx_path_comes_first_for_python_and_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A data folder holding a copy of the rule set under another name.
    (tmp_path / "indicators").mkdir()
    source = ROOT / "indicators" / "miit-2024"
    copy = tmp_path / "indicators" / "city-copy"
    copy.mkdir()
    for f in source.rglob("*"):
        target = copy / f.relative_to(source)
        if f.is_dir():
            target.mkdir()
        else:
            target.write_bytes(f.read_bytes())
    monkeypatch.setenv("SMEDX_PATH", str(tmp_path))
    assert _core.data_path()[0] == str(tmp_path)
    rules = smedx.load_rules("city-copy")
    assert rules.id == "miit-2024"
    assert Path(_core.find_data("city-copy")[0]) == copy
    cli = Path(sysconfig.get_path("scripts")) / "smedx"
    if cli.is_file():
        lint = subprocess.run([str(cli), "lint", "city-copy"], capture_output=True, text=True)
        assert lint.returncode == 0, lint.stderr
        assert "15 items" in lint.stdout


def test_unknown_names_and_paths_say_what_was_tried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMEDX_PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        smedx.load_rules("miit-2099")
    assert f"(tried {tmp_path / 'indicators' / 'miit-2099'}, " in str(info.value)
    # A path is never looked up in the search path, even where it would exist there.
    with pytest.raises(FileNotFoundError, match="no such file or folder \\(bundled"):
        smedx.load_rules("../miit-2024")


def test_a_catalogue_by_name_for_python_and_the_command() -> None:
    # Installed names resolve for `smedx match` and `smedx.match` as for rule sets (issue 18):
    # the bundled catalogue by name gives the same plans as its folder.
    survey = str(ROOT / "examples" / "surveys" / "cohort.jsonl")
    by_name = smedx.match("miit-2024", "dongying-2026", survey)
    by_path = smedx.match("miit-2024", ROOT / "catalogues" / "dongying-2026", survey)
    assert by_name.equals(by_path)
    assert len(by_name) > 0
    with pytest.raises(ValueError, match="dongying-2099"):
        smedx.match("miit-2024", "dongying-2099", survey)
    cli = Path(sysconfig.get_path("scripts")) / "smedx"
    if cli.is_file():
        run = subprocess.run(
            [str(cli), "match", "--rules", "miit-2024", "--catalogue", "dongying-2026", survey],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        assert len(run.stdout.splitlines()) == len(by_name)
