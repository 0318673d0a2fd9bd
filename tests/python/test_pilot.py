"""smedx.pilot: the pilot programme as DataFrames, the same results as `smedx pilot`."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import smedx


def run(root: Path, **kw):
    ex = root / "examples" / "pilot"
    args = dict(
        register=ex / "register.csv",
        providers=ex / "providers.csv",
        surveys=[ex / "baseline.jsonl", ex / "acceptance.jsonl"],
        evidence=ex / "evidence.csv",
        satisfaction=ex / "satisfaction.jsonl",
        as_of="2027-03-15",
    )
    args.update(kw)
    return smedx.pilot(root / "programmes" / "dongying-2026", **args)


def test_pilot_returns_the_four_frames(root: Path) -> None:
    result = run(root)
    acceptance, progress, providers, cases = result
    assert isinstance(acceptance, pd.DataFrame)
    assert len(acceptance) == 60
    assert acceptance["decision"].value_counts().to_dict() == {
        "passed": 28,
        "incomplete": 20,
        "failed": 12,
    }
    total = progress[progress["group"] == "total"].iloc[0]
    assert (total["registered"], total["passed"], total["target"]) == (60, 28, 730)
    assert providers.iloc[0]["id"] == "P03"
    assert providers.iloc[0]["composite"] == Decimal("86.844")
    assert providers[providers["id"] == "P06"].iloc[0]["flag"] == "insufficient_data"
    assert cases["suggested"].sum() == 28
    assert cases["selected"].sum() == 0  # the city selected none (no selected file)
    assert result.errors == []
    assert result.counts["survey_records"] == 95
    assert result.counts["error_records"] == 0
    assert repr(result) == (
        "<PilotResult enterprises=60 passed=28 failed=12 incomplete=20 "
        "providers=6 cases=28 errors=0>"
    )


def test_pilot_record_has_every_part(root: Path) -> None:
    record = run(root).records[0]
    assert record["id"] == "CN-DY-001"
    assert record["level"] == {"before": 0, "after": 2, "delta": 2}
    assert [d["id"] for d in record["dimensions"]] == ["foundation", "management", "outcomes"]
    assert len(record["scenarios"]) == 16


def test_pilot_bad_records_are_listed_not_raised(root: Path) -> None:
    result = run(
        root,
        surveys=[
            root / "examples" / "pilot" / "baseline.jsonl",
            root / "tests" / "data" / "pilot" / "surveys-bad.jsonl",
        ],
    )
    assert len(result.errors) == 1
    assert result.counts["error_records"] == 1
    assert "a survey for enterprise 'XX-404', which is not in the register" in result.errors[0]


def test_pilot_bad_date_raises(root: Path) -> None:
    with pytest.raises(ValueError, match="as_of '2027-02-30' is not a date"):
        run(root, as_of="2027-02-30")


def test_pilot_rules_given_are_checked_against_the_programme(root: Path) -> None:
    same = run(root, rules="miit-2024")
    assert same.acceptance.equals(run(root).acceptance)
    with pytest.raises(
        ValueError, match="the programme names rule set miit-2024 2024.1, the folder holds mini 1"
    ):
        run(root, rules=root / "tests" / "data" / "minimal.yaml")


def test_pilot_survey_file_at_rules(root: Path) -> None:
    ex = root / "examples" / "pilot"
    rules = root / "indicators" / "miit-2024"
    result = run(root, surveys=[ex / "baseline.jsonl", f"{ex / 'acceptance.jsonl'}@{rules}"])
    assert result.errors == []
    assert result.acceptance.equals(run(root).acceptance)


def test_pilot_bad_programme_raises_its_diagnostics(root: Path) -> None:
    with pytest.raises(
        ValueError, match=r"broken.yaml:1:1: unknown key 'ruleset' in the programme"
    ):
        smedx.pilot(
            root / "tests" / "data" / "broken.yaml",
            register=root / "examples" / "pilot" / "register.csv",
            providers=root / "examples" / "pilot" / "providers.csv",
            surveys=[],
        )


def test_pilot_writes_its_folder(root: Path, tmp_path: Path) -> None:
    result = run(root, output=tmp_path / "out", pages=False)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        ".smedx-manifest",
        "acceptance.csv",
        "acceptance.jsonl",
        "cases.json",
        "composition.json",  # the programme has composition targets
        "dashboard.html",
        "follow_up_by_district.csv",
        "follow_up_by_provider.csv",
        "needs.json",  # the rule set has diagnosis settings: the 改造需求清单
        "needs_common.csv",
        "needs_individual.csv",
        "progress.json",
        "providers.csv",
        "providers.json",
    ]
    lines = (tmp_path / "out" / "acceptance.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == len(result.records) == 60


def test_pilot_matches_the_command_line(root: Path, tmp_path: Path) -> None:
    import json
    import shutil
    import subprocess
    import sys

    cli = shutil.which("smedx", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("the smedx command is not installed beside this Python")
    ex = root / "examples" / "pilot"
    subprocess.run(
        [
            cli,
            "pilot",
            "--programme",
            str(root / "programmes" / "dongying-2026"),
            "--register",
            str(ex / "register.csv"),
            "--providers",
            str(ex / "providers.csv"),
            "--surveys",
            str(ex / "baseline.jsonl"),
            str(ex / "acceptance.jsonl"),
            "--evidence",
            str(ex / "evidence.csv"),
            "--satisfaction",
            str(ex / "satisfaction.jsonl"),
            "--as-of",
            "2027-03-15",
            "--no-pages",
            "-o",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    result = run(root)
    load = lambda text: json.loads(text, parse_float=Decimal)  # noqa: E731
    lines = (tmp_path / "acceptance.jsonl").read_text("utf-8").splitlines()
    assert result.records == [load(line) for line in lines]
    assert result.progress_detail == load((tmp_path / "progress.json").read_text("utf-8"))
    providers = load((tmp_path / "providers.json").read_text("utf-8"))
    assert result.providers["id"].tolist() == [p["id"] for p in providers]
    assert result.providers["composite"].tolist() == [p["composite"] for p in providers]


def test_pilot_misspelt_register_column_is_an_error_not_an_empty_column(
    root: Path, tmp_path: Path
) -> None:
    text = (root / "examples" / "pilot" / "register.csv").read_text("utf-8")
    header, rest = text.split("\n", 1)
    register = tmp_path / "register.csv"
    register.write_text(header.replace(",providers,", ",provider,") + "\n" + rest, "utf-8")
    result = run(root, register=register)
    assert result.errors[0].startswith(
        f"error: {register}:1:38: unknown column 'provider' in the register "
        "(did you mean 'providers'?)\n"
    )
    # Nobody is judged on a register read without its providers.
    assert len(result.acceptance) == 0


def test_pilot_threads_out_of_range_raises(root: Path) -> None:
    with pytest.raises(ValueError, match="threads 5000 is out of range: 1 to 1024, or 0 for all"):
        run(root, threads=5000)


def test_pilot_frames_are_typed_with_chinese_labels_beside_the_codes(
    root: Path, tmp_path: Path
) -> None:
    result = run(root, output=tmp_path / "out")
    acc = result.acceptance
    assert str(acc["level_before"].dtype) == "Int8" and str(acc["level_after"].dtype) == "Int8"
    # Figures are exact: the decimals the records hold, not floats.
    for name in ("total_before", "total_after"):
        assert "decimal" in str(acc[name].dtype)
        record_totals = [
            (r.get("baseline") or {}).get("total")
            if name == "total_before"
            else (r.get("acceptance") or {}).get("total")
            for r in result.records
        ]
        got = [None if pd.isna(v) else v for v in acc[name]]
        assert got == [None if v is None else Decimal(str(v)) for v in record_totals]
    cols = list(acc.columns)
    for code in ("industry", "batch", "decision"):
        assert cols[cols.index(code) + 1] == f"{code}_zh"
    assert acc["industry_zh"].isin(["特色化工新材料制造", "特色装备零部件加工制造"]).all()
    # The decisions in Chinese are the words of the pilot's own pages.
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.html"))
    for word in acc["decision_zh"].unique():
        assert word in pages
    assert str(result.progress["target"].dtype) == "Int64"
    assert "decimal" in str(result.providers["composite"].dtype)
    assert str(result.providers["stars"].dtype) == "Int8"
    assert "industry_zh" in result.cases.columns
    for frame in result:
        assert not [c for c in frame.columns if frame[c].dtype == object and c != "notes"], frame


def test_pilot_follow_up_list(root: Path) -> None:
    """Due or overdue and not passed whatever the level (the five the old list missed among
    them), and batch 2's undiagnosed, with district, providers and Chinese reasons."""
    result = run(root)
    f = result.follow_up.set_index("id")
    due = set(f[f["kind"] != "not_diagnosed"].index)
    assert {"CN-DY-006", "CN-DY-008", "CN-DY-009", "EP-DY-014", "EP-DY-016"} <= due
    assert due == {x["id"] for x in result.progress_detail["at_risk"]}
    assert len(due) == 12
    undiagnosed = f[f["kind"] == "not_diagnosed"]
    assert len(undiagnosed) == 6
    assert (undiagnosed["batch"] == "batch2").all()
    row = f.loc["EP-DY-014"]
    assert (row["district"], row["kind_zh"], row["level"]) == ("广饶县", "验收逾期", 3)
    assert row["reasons"] == "缺少验收材料：发票与付款凭证、真实性声明"
    assert row["actions"] == "补齐验收材料：发票与付款凭证、真实性声明"


def test_pilot_selected_cases(root: Path) -> None:
    ex = root / "examples" / "pilot"
    result = run(root, selected=ex / "selected.csv")
    chosen = set(result.cases[result.cases["selected"]]["id"])
    assert chosen == {"CN-DY-022", "EP-DY-013", "CN-DY-002", "EP-DY-017", "CN-DY-001", "EP-DY-038"}
    target = next(t for t in result.progress_detail["targets"] if t["id"] == "cases")
    assert target["actual"] == 6
    assert result.progress_detail["selected_not_candidates"] == ["CN-DY-009"]
    assert result.cases["rank"].is_monotonic_increasing  # still ranked by gain
    assert result.counts["selected_rows"] == 7


def test_pilot_csv_files_have_a_bom_and_chinese_headers_on_request(
    root: Path, tmp_path: Path
) -> None:
    run(root, output=tmp_path / "en", pages=False)
    run(root, output=tmp_path / "zh", pages=False, headers="zh")
    for name in ("acceptance.csv", "providers.csv", "follow_up_by_district.csv"):
        for lang in ("en", "zh"):
            assert (tmp_path / lang / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    en = pd.read_csv(tmp_path / "en" / "acceptance.csv", encoding="utf-8-sig", dtype=str)
    zh = pd.read_csv(tmp_path / "zh" / "acceptance.csv", encoding="utf-8-sig", dtype=str)
    assert list(en.columns)[:3] == ["id", "name", "industry"]
    assert list(zh.columns)[:3] == ["企业编号", "企业名称", "行业"]
    # The ids, names, levels, scores and dates stay as they are; the decision, industry, batch,
    # on-time and reasons are for people under zh: Chinese.
    for column in ("id", "name", "district", "providers", "level_before", "total_after"):
        k = list(en.columns).index(column)
        assert en.iloc[:, k].tolist() == zh.iloc[:, k].tolist(), column
    assert set(zh["验收结论"]) <= {"通过", "未通过", "待补", "待验收"}
    assert set(zh["按时验收"]) <= {"是", "否"}
    assert not zh["原因"].dropna().str.contains(r"[a-z]{3,}").any()
    providers = pd.read_csv(tmp_path / "zh" / "providers.csv", encoding="utf-8-sig")
    assert list(providers.columns)[:4] == ["排名", "并列", "服务商编号", "服务商名称"]
    with pytest.raises(ValueError, match="headers 'fr' is not one of: en, zh"):
        run(root, headers="fr")


def test_pilot_to_excel_writes_the_operators_tables(root: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    result = run(root)
    result.to_excel(tmp_path / "pilot.xlsx")
    book = openpyxl.load_workbook(tmp_path / "pilot.xlsx")
    assert book.sheetnames == ["督办清单", "验收结果", "服务商评星"]
    follow = list(book["督办清单"].values)
    assert follow[0][:3] == ("区县", "企业编号", "企业名称")
    assert len(follow) == 1 + len(result.follow_up)
    row = next(r for r in follow if r[1] == "EP-DY-014")
    assert (row[0], row[3], row[4], row[5], row[7]) == (
        "广饶县",
        "第一批",
        "齐鲁智造咨询有限公司",
        "验收逾期",
        3,
    )
    accepted = list(book["验收结果"].values)
    assert len(accepted) == 61 and accepted[0][6] == "验收结论"
    # The values people read are Chinese too: decision, industry, batch, reasons, on time.
    for row in accepted[1:]:
        assert row[6] in ("通过", "未通过", "待补") and row[14] in ("是", "否")
        assert not re.search(r"[a-z]{3,}", (row[2] or "") + (row[4] or "") + (row[7] or ""))
    providers = list(book["服务商评星"].values)
    assert len(providers) == 1 + len(result.providers)
    # Chinese headers as providers.csv's with --headers zh, and tied / flag in Chinese.
    assert not any(re.search(r"[A-Za-z]", h) for h in providers[0])
    header = list(providers[0])
    assert providers[1][:4] == (1, "否", "P03", "胜利工业互联网服务有限公司")
    assert providers[1][header.index("综合得分")] == 86.844
    for row in providers[1:]:
        assert row[header.index("并列")] in ("是", "否")
        assert row[header.index("动态调整")] in ("正常", "预警", "数据不足")


def test_pilot_to_excel_adds_the_subsidy_and_stage_sheets_when_given(
    root: Path, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    ex = root / "examples" / "pilot"
    result = run(root, investments=ex / "investments.csv", projects=ex / "projects.csv")
    result.to_excel(tmp_path / "pilot.xlsx")
    book = openpyxl.load_workbook(tmp_path / "pilot.xlsx")
    assert book.sheetnames == ["督办清单", "验收结果", "服务商评星", "奖补", "项目阶段"]
    subsidy = list(book["奖补"].values)
    assert subsidy[0][:3] == ("企业编号", "企业名称", "行业")
    assert "奖补（元）" in subsidy[0] and "奖补状态" in subsidy[0]
    assert len(subsidy) == 1 + len(result.subsidy)
    at = {name: k for k, name in enumerate(subsidy[0])}
    # Each enterprise's 奖补 in 元, from the exact fen of subsidy.json; the status in Chinese.
    for row, e in zip(subsidy[1:], result.subsidy_detail["enterprises"], strict=True):
        assert row[0] == e["id"]
        assert round(row[at["奖补（元）"]] * 100) == e["subsidy_fen"]
        assert row[at["奖补状态"]] == e["status_zh"]
        assert row[at["封顶"]] in ("是", "否")
        assert not re.search(r"[a-z]", row[at["验收结论"]] + row[at["行业"]] + row[at["批次"]])
    assert sum(r[at["奖补（元）"]] * 100 for r in subsidy[1:]) == pytest.approx(
        result.subsidy_detail["total"]["subsidy_fen"]
    )
    stages = list(book["项目阶段"].values)
    milestones = result.projects_detail["milestones"]
    assert stages[0][:7] == ("企业编号", "企业名称", "行业", "区县", "批次", "服务商", "状态")
    assert list(stages[0][10:-1]) == [m["zh"] for m in milestones]
    assert stages[0][-1] == "逾期节点"
    assert len(stages) == 1 + len(result.projects)
    for row, p in zip(stages[1:], result.projects_detail["enterprises"], strict=True):
        assert row[0] == p["id"] and row[6] == p["status_zh"]
        assert list(row[10:-1]) == [p["dates"][m["id"]] for m in milestones]
    # Without those inputs, the three sheets as before.
    run(root).to_excel(tmp_path / "plain.xlsx")
    assert openpyxl.load_workbook(tmp_path / "plain.xlsx").sheetnames == [
        "督办清单",
        "验收结果",
        "服务商评星",
    ]


def test_pilot_needs_from_the_baselines_below_the_target(root: Path) -> None:
    result = run(root)
    detail = result.needs_detail
    assert detail is not None and detail["target_level"] == 2
    below = {g["industry"]: g["below_target"] for g in detail["industries"]}
    # As many enterprises as have a scored baseline below 二级, per industry.
    frame = result.acceptance
    scored = frame[frame["level_before"].notna() & (frame["level_before"] < 2)]
    assert below == scored.groupby("industry").size().to_dict()
    needs = result.needs
    assert set(needs["id"]) <= set(scored["id"])
    # 共性 in an industry: needed by at least the rule set's share of its below-target
    # enterprises (0.5 for miit-2024), and by two at least.
    share = Decimal(detail["common_threshold"])
    for g in detail["industries"]:
        rows = needs[needs["industry"] == g["industry"]]
        counts = rows.groupby(["kind", "requirement"]).size()
        common = {k for k, n in counts.items() if n >= 2 and n >= share * g["below_target"]}
        assert {(c["kind"], c["id"]) for c in g["common"]} == common
        assert set(rows[rows["common"]].set_index(["kind", "requirement"]).index) == common
