"""Pickled rule sets: by absolute path and content hash, so workers elsewhere score the same."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import smedx
from smedx.rules import _unpickle

UNPICKLE = "import pickle, sys; r = pickle.loads(sys.stdin.buffer.read()); print(r.hash, r.path)"


@pytest.fixture()
def copied(tmp_path: Path, root: Path, monkeypatch) -> Path:
    """A copy of miit-2024 loaded by a relative path, as an analyst in her project folder does."""
    shutil.copytree(root / "indicators" / "miit-2024", tmp_path / "project" / "rules")
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path / "project" / "rules"


def test_unpickled_in_a_process_started_in_another_folder(copied: Path, tmp_path: Path) -> None:
    rules = smedx.load_rules("rules")
    elsewhere = tmp_path / "worker"
    elsewhere.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", UNPICKLE],
        input=pickle.dumps(rules),
        cwd=elsewhere,
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode().split() == [rules.hash, str(copied.resolve())]


def test_unpickling_a_changed_rule_set_names_both_hashes(copied: Path) -> None:
    rules = smedx.load_rules("rules")
    data = pickle.dumps(rules)
    items = copied / "items.yaml"
    items.write_text(items.read_text("utf-8").replace("points: 2}", "points: 2 }", 1), "utf-8")
    now = smedx.load_rules("rules").hash
    assert now != rules.hash
    with pytest.raises(smedx.RuleSetError) as e:
        pickle.loads(data)
    assert str(e.value) == (
        f"rule set '{copied.resolve()}' changed since it was pickled: its hash was {rules.hash}, "
        f"now {now}; load it again and pickle it anew"
    )


def test_bundled_rule_sets_also_go_by_name(rules: smedx.RuleSet) -> None:
    _fn, (path, content_hash, name) = rules.__reduce__()
    assert (Path(path).is_absolute(), content_hash, name) == (True, rules.hash, "miit-2024")
    # A worker whose smedx is installed elsewhere: the path is not there, the name is.
    again = _unpickle("/nowhere/site-packages/smedx/indicators/miit-2024", rules.hash, "miit-2024")
    assert again.hash == rules.hash and again.path.is_dir()
