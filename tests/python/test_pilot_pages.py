"""The pilot's pages for people (issue 19): every visible word Chinese.

The dashboard and the acceptance pages of the example run, their tags stripped, must not show
an id of the programme (industries, batches, targets, evidence items, questionnaire items, the
programme and its rule set), a provider's id where the providers file names it, an acceptance
check's name or an English decision name. The rule: the visible text is what is left of
<body> once the tags are stripped and the entities read; an element of class `id` (the
enterprise's id, 企业编号, in its column and on its page) is left out, since there the id is the
point. Then no ASCII word of the list may be left, nor any lowercase English word (three letters
or more: the old reasons were English sentences); names from the rule set may hold capitals
(ERP, MES) and are allowed.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import smedx
from page_text import visible_text

import yaml

DECISIONS = ("passed", "failed", "incomplete")
CHECKS = (
    "acceptance_present",
    "survey_scored",
    "baseline_present",
    "level_at_least",
    "same_rule_set",
    "baseline_before_acceptance",
    "acceptance_after_project_end",
    "evidence_complete",
    "constraint_scenarios_kept",
)


def forbidden_words(root: Path) -> set[str]:
    prog = yaml.safe_load((root / "programmes" / "dongying-2026" / "programme.yaml").read_text())
    words = {prog["programme"]["id"], prog["rule_set"]["id"], *DECISIONS, *CHECKS}
    for key in ("industries", "batches", "targets", "evidence"):
        words |= {x["id"] for x in prog[key]}
    # 奖补, project stages and composition: their ids are not for people either.
    words |= {x["id"] for x in prog["subsidy"]["categories"] + prog["subsidy"]["payouts"]}
    words |= {x["id"] for x in prog["stages"]["milestones"] + prog["composition"]["targets"]}
    words |= {x["id"] for x in prog["satisfaction"]["items"]}
    # The catalogue's product ids: the pages name products.
    cat = yaml.safe_load((root / "catalogues" / "dongying-2026" / "catalogue.yaml").read_text())
    words |= {p["id"] for p in cat["products"]} | {cat["catalogue"]["id"]}
    with (root / "examples" / "pilot" / "providers.csv").open(encoding="utf-8") as f:
        words |= {r["id"] for r in csv.DictReader(f) if r["name"]}
    return words


@pytest.fixture(scope="module")
def folder(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ex = root / "examples" / "pilot"
    out = tmp_path_factory.mktemp("pages") / "out"
    smedx.pilot(
        root / "programmes" / "dongying-2026",
        register=ex / "register.csv",
        providers=ex / "providers.csv",
        surveys=[ex / "baseline.jsonl", ex / "acceptance.jsonl"],
        evidence=ex / "evidence.csv",
        satisfaction=ex / "satisfaction.jsonl",
        selected=ex / "selected.csv",
        investments=ex / "investments.csv",
        projects=ex / "projects.csv",
        report="final",
        catalogue=root / "catalogues" / "dongying-2026",
        as_of="2027-03-15",
        output=out,
    )
    return out


# The dashboard, a passed page, failed ones (dates, level, a fallen constraint scenario), an
# incomplete one (evidence), one without a baseline, one with two providers.
PAGES = (
    "dashboard.html",
    "self_evaluation.html",
    "CN-DY-001.html",
    "CN-DY-008.html",
    "CN-DY-009.html",
    "EP-DY-012.html",
    "EP-DY-016.html",
    "EP-DY-014.html",
    "CN-DY-006.html",
    "CN-DY-005.html",
    "cases.html",
)


@pytest.mark.parametrize("page", PAGES)
def test_no_id_or_english_word_in_the_visible_text(root: Path, folder: Path, page: str) -> None:
    text = visible_text((folder / page).read_text("utf-8"))
    ascii_words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*", text))
    assert not ascii_words & forbidden_words(root), sorted(ascii_words & forbidden_words(root))
    english = sorted(w for w in ascii_words if re.fullmatch(r"[a-z]{3,}", w))
    assert not english, english
    assert "企业编号" in text or page in ("dashboard.html", "self_evaluation.html")


def test_the_rule_strips_only_what_it_should(root: Path, folder: Path) -> None:
    """The id column is left out, nothing else: an id anywhere else would be found."""
    page = (folder / "CN-DY-008.html").read_text("utf-8")
    assert "CN-DY-008" in page
    assert "CN-DY-008" not in visible_text(page)
    assert "batch1" in visible_text(page.replace("第一批", "batch1"))
    assert "failed" in visible_text(page.replace("未通过", "failed"))


def test_one_chinese_name_per_status(folder: Path) -> None:
    dashboard = visible_text((folder / "dashboard.html").read_text("utf-8"))
    for old in ("验收不全", "材料或评测不全", "（failed）"):
        assert old not in dashboard
    assert "待补" in dashboard
    page = visible_text((folder / "EP-DY-014.html").read_text("utf-8"))
    assert "验收结论： 待补" in re.sub(r"\s+", " ", page)
