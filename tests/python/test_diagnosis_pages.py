"""The diagnosis pages for people (issue 20): every visible word Chinese.

Each enterprise's page (一企一档) and cohort.html of the example cohort, written by
``smedx.diagnose_files`` (the same C++ writer as ``smedx diagnose``), their tags stripped, must
not show an id of the rule set where it has a Chinese name (industry profiles, scenarios, items
by id, the rule set), a status word of the JSON (reachable, common, high, …), nor any lowercase
English word (three letters or more). Elements of class ``id`` (the 企业编号, the rule set's
hash and the engine's name) are left out: there the id is the point. Item and scenario codes
(F2, S06) are what the standard prints and are allowed. The pages carry the 改造方案 of the
example catalogue: its product ids must not show either (the products are named); a provider
shows by the catalogue's name for it, its id beside it of class ``id``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import smedx
from page_text import visible_text

import yaml

STATUS = (
    "reachable",
    "unreachable",
    "already",
    "common",
    "individual",
    "high",
    "medium",
    "normal",
    "points",
    "scenarios",
    "constraint",
    "true",
    "false",
)


def forbidden_words(root: Path) -> set[str]:
    folder = root / "indicators" / "miit-2024"
    words = {p.stem for p in (folder / "industries").glob("*.yaml")}
    words.add(yaml.safe_load((folder / "ruleset.yaml").read_text())["ruleset"]["id"])
    for s in yaml.safe_load((folder / "scenarios.yaml").read_text())["scenarios"]:
        words.add(s["id"])
    text = (folder / "items.yaml").read_text()
    words |= set(re.findall(r"^\s*- id: ([a-z_0-9]+)", text, flags=re.M))
    catalogue = (root / "catalogues" / "dongying-2026" / "catalogue.yaml").read_text()
    words |= set(re.findall(r"^\s*- id: ([A-Z][A-Z0-9-]+)", catalogue, flags=re.M))
    return words | set(STATUS)


@pytest.fixture(scope="module")
def folder(root: Path, rules: smedx.RuleSet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diagnosis") / "out"
    smedx.diagnose_files(
        root / "examples" / "surveys" / "cohort.jsonl",
        rules,
        output=out,
        catalogue=root / "catalogues" / "dongying-2026",
    )
    return out


def test_no_id_or_english_word_in_the_visible_text(root: Path, folder: Path) -> None:
    pages = sorted(folder.glob("*.html"))
    assert len(pages) == 13  # 12 enterprises and the cohort
    forbidden = forbidden_words(root)
    for page in pages:
        text = visible_text(page.read_text("utf-8"))
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*", text))
        assert not words & forbidden, (page.name, sorted(words & forbidden))
        english = sorted(w for w in words if re.fullmatch(r"[a-z]{3,}", w))
        assert not english, (page.name, english)


def test_the_rule_strips_only_what_it_should(folder: Path) -> None:
    """The 企业编号 is left out, nothing else: an id anywhere else would be found."""
    page = (folder / "CN-2025-006.html").read_text("utf-8")
    assert "CN-2025-006" in page
    assert "CN-2025-006" not in visible_text(page)
    assert "chem_new_materials" in visible_text(
        page.replace("特色化工新材料制造", "chem_new_materials")
    )


def test_cohort_page_counts_common_among_those_below_target(folder: Path) -> None:
    page = visible_text((folder / "cohort.html").read_text("utf-8"))
    page = re.sub(r"\s+", " ", page)
    cohort = (folder / "cohort.json").read_text("utf-8")
    for below in re.findall(r'"below_target":(\d+)', cohort):
        assert f"在 {below} 家未达标企业中" in page
    assert "企业名单" in page


def test_the_plan_is_on_the_page(folder: Path, root: Path) -> None:
    page = visible_text((folder / "CN-2025-006.html").read_text("utf-8"))
    assert "改造方案" in page and "补齐的条件" in page
    catalogue = yaml.safe_load(
        (root / "catalogues" / "dongying-2026" / "catalogue.yaml").read_text()
    )
    assert any(name in page for name in catalogue["providers"].values())
