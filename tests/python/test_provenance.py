"""The provenance hash is what docs/provenance.md says: its shell recipes, run as written there,
print the hash smedx gives the rule set."""

from __future__ import annotations

import hashlib
import pickle
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import smedx
from smedx.rules import _unpickle

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "provenance.md"


def recipes() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC.read_text("utf-8"), re.S)


@pytest.mark.parametrize("recipe", recipes())
def test_the_documented_recipe_prints_the_hash(recipe: str) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("no sha256sum")
    folder = re.match(r"cd (\S+)\n", recipe)
    assert folder, recipe
    rules_dir = ROOT / folder.group(1)
    done = subprocess.run(
        ["bash", "-c", recipe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    digest = done.stdout.split()[0]
    one_file = re.search(r"sha256sum (\S+\.yaml) \|", recipe)  # a rule set that is one file
    target = rules_dir / one_file.group(1) if one_file else rules_dir
    assert smedx.load_rules(target).hash == "sha256:" + digest


def test_the_manifest_in_python() -> None:
    # The same bytes as the doc describes, made with hashlib: one line per file, sorted by name.
    folder = ROOT / "indicators" / "miit-2024"
    names = sorted(
        [p.name for p in folder.glob("*.yaml") if p.name != "tests.yaml"]
        + [f"industries/{p.name}" for p in (folder / "industries").glob("*.yaml")],
        key=lambda n: n.encode(),
    )
    manifest = "".join(
        f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {n}\n" for n in names
    )
    expected = "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
    assert smedx.load_rules("miit-2024").hash == expected


def test_a_pickle_with_the_old_hash_says_so() -> None:
    rules = smedx.load_rules("miit-2024")
    with pytest.raises(smedx.RuleSetError, match="pickled by an older smedx.*FNV-1a"):
        _unpickle(str(rules.path), "fnv1a64:355afd530b064a4a")
    assert pickle.loads(pickle.dumps(rules)).hash == rules.hash
