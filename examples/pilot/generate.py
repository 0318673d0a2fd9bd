#!/usr/bin/env python3
"""Writes the fictional pilot of examples/pilot/: 60 enterprises of programmes/dongying-2026
in both industries, several districts and both batches, 6 providers, baseline and acceptance
surveys, evidence and satisfaction ratings. Deterministic: the same files every run.

The surveys are the 12 example surveys of examples/surveys/cohort.jsonl, re-labelled: a low one
as baseline, a higher one as acceptance, with a few enterprises made to show each acceptance
outcome (passed, level below target, no baseline, acceptance dated before the baseline or
before the project's end, evidence missing, a constraint scenario that fell, not yet assessed).

    python3 examples/pilot/generate.py      # rewrites the files next to this script
"""

import csv
import json
import random
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
COHORT = HERE.parent / "surveys" / "cohort.jsonl"

rng = random.Random(2026)
# Scenario codes to ids (one example survey is keyed by codes), from the rule set.
SCENARIO_IDS = dict(
    (code, sid)
    for sid, code in re.findall(
        r"- id: (\w+)\n\s+code: (S\d+)",
        (HERE.parents[1] / "indicators" / "miit-2024" / "scenarios.yaml").read_text("utf-8"),
    )
)
templates = {}
for line in COHORT.read_text(encoding="utf-8").splitlines():
    s = json.loads(line)
    s["scenarios"] = {SCENARIO_IDS.get(k, k): v for k, v in s["scenarios"].items()}
    templates[s["enterprise"]["id"]] = s
# Levels of the templates under miit-2024 (examples/surveys/expected.tsv).
LOW = {0: ["CN-2025-006", "EP-2025-006"], 1: ["CN-2025-004", "CN-2025-005", "EP-2025-005"]}
HIGH = {
    2: ["CN-2025-003", "EP-2025-003", "EP-2025-004"],
    3: ["CN-2025-002", "EP-2025-002"],
    4: ["CN-2025-001", "EP-2025-001"],
}

PROVIDERS = [
    ("P01", "黄河数智科技有限公司"),
    ("P02", "东营云工信息技术有限公司"),
    ("P03", "胜利工业互联网服务有限公司"),
    ("P04", "齐鲁智造咨询有限公司"),
    ("P05", "渤海软件开发有限公司"),
    ("P06", "新港数字化服务有限公司"),
]
CHEM_DISTRICTS = ["河口区", "利津县", "东营港经济开发区", "河口区", "东营港经济开发区", "东营区"]
PARTS_DISTRICTS = ["东营区", "垦利区", "广饶县", "广饶县", "东营区", "河口区"]
CHEM_NAMES = [
    "恒瑞",
    "鲁化",
    "海科",
    "联成",
    "华泰",
    "宝莫",
    "万达",
    "科鑫",
    "国瓷",
    "富海",
    "瑞林",
    "金岭",
    "汇海",
    "润博",
    "天弘",
    "石大",
    "正和",
    "盛源",
    "新发",
    "岳泰",
    "亿维",
    "金鼎",
    "中信",
    "齐润",
    "德坤",
    "汇元",
    "华宇",
    "永益",
    "海欣",
    "众诚",
    "奥瑞",
    "博远",
    "宏昇",
    "泰丰",
]
PARTS_NAMES = [
    "科瑞",
    "威飞",
    "胜动",
    "海达",
    "华东",
    "锐智",
    "鑫盛",
    "东特",
    "力诺",
    "精工",
    "贝斯",
    "铭达",
    "中环",
    "凯信",
    "天信",
    "嘉祥",
    "鼎力",
    "晟宇",
    "通和",
    "新阳",
    "金源",
    "永达",
    "宏远",
    "安捷",
    "联创",
    "博锐",
]

# What each enterprise is made to show (index -> scenario); the rest pass or wait.
SPECIAL = {
    3: "below_target",
    11: "below_target",
    40: "below_target",
    5: "no_baseline",
    7: "before_baseline",
    8: "before_project_end",
    13: "evidence_missing",
    44: "evidence_missing",
    15: "constraint_fell",
    17: "late",
}

EARLY = (36, 37, 38, 39, 40, 44)  # batch-2 enterprises accepted ahead of their deadline


SELECTED = [
    "CN-DY-022",
    "EP-DY-013",
    "CN-DY-002",
    "EP-DY-017",
    "CN-DY-001",
    "EP-DY-038",
    "CN-DY-009",
]


# The example catalogue's products (catalogues/dongying-2026/): id, provider, industries (empty:
# every industry), read as the scenario ids above are.
CATALOGUE = [
    (pid, provider, re.findall(r"\w+", industries or ""))
    for pid, provider, industries in re.findall(
        r"- id: (\S+)\n(?:\s+\w+: .*\n)*?\s+provider: (\S+)\n(?:\s+category: .*\n)"
        r"(?:\s+industries: \[(.*)\]\n)?",
        (HERE.parents[1] / "catalogues" / "dongying-2026" / "catalogue.yaml").read_text("utf-8"),
    )
]
KINDS = ["MES", "ERP", "WMS", "SCADA", "EMS", "QMS", "PLM", "设备上云", "安全生产监测"]


def solutions(industry, providers, kinds):
    """The register's solutions as catalogue product ids (what `smedx pilot --catalogue` rates):
    for each kind drawn, a product of the enterprise's first provider allowed for its industry.
    The kinds are still drawn, so the rest of the files stay as they were."""
    offered = [
        pid for pid, p, inds in CATALOGUE if p == providers[0] and (not inds or industry in inds)
    ]
    chosen = []
    for kind in kinds:
        pid = offered[KINDS.index(kind) % len(offered)]
        if pid not in chosen:
            chosen.append(pid)
    return chosen


def survey(template_id, ent, phase, on):
    s = json.loads(json.dumps(templates[template_id]))
    s["enterprise"] = {
        "id": ent["id"],
        "name": ent["name"],
        "industry": ent["industry"],
        "district": ent["district"],
        "phase": phase,
        "assessed_on": on,
    }
    return s


def main():
    enterprises = []
    for i in range(60):
        chem = i % 20 < 11 or i >= 56  # 34 chem, 26 parts, interleaved
        industry = "chem_new_materials" if chem else "equipment_parts"
        names = CHEM_NAMES if chem else PARTS_NAMES
        k = sum(1 for e in enterprises if e["industry"] == industry)
        name = names[k % len(names)] + ("新材料有限公司" if chem else "机械零部件有限公司")
        batch = "batch1" if i < 36 else "batch2"
        district = (CHEM_DISTRICTS if chem else PARTS_DISTRICTS)[k % 6]
        tags = []
        if i % 7 == 0:
            tags.append("小巨人")
        if i % 3 == 0:
            tags.append("省级专精特新")
        if i % 2 == 0:
            tags.append("规上")
        if i % 9 == 0:
            tags.append("智能工厂")
        if i % 4 != 3:
            tags.append("上云")
        # Newly cultivated in the pilot: the tag carries the day it was granted.
        if i % 6 == 1:
            tags.append(f"专精特新@2026-{5 + i % 6:02d}-{10 + i % 15:02d}")
        if i % 5 == 2:
            tags.append(f"创新型@2026-{4 + i % 7:02d}-{1 + i % 20:02d}")
        # P06 serves two enterprises only (too few to rate); P05 gets the weaker results.
        provider = "P06" if i in (20, 50) else PROVIDERS[i % 5][0]
        providers = [provider] + (["P01"] if i % 10 == 4 and provider != "P01" else [])
        if batch == "batch1":
            contract, end = f"2026-03-{2 + i % 20:02d}", f"2026-07-{10 + i % 15:02d}"
        else:
            contract, end = f"2026-12-{2 + i % 20:02d}", f"2027-04-{10 + i % 15:02d}"
            if i in EARLY:  # finished early, accepted in March
                end = f"2027-02-{10 + i % 15:02d}"
        enterprises.append(
            {
                "id": ("CN" if chem else "EP") + f"-DY-{i + 1:03d}",
                "name": name,
                "industry": industry,
                "district": district,
                "batch": batch,
                "tags": "|".join(tags),
                "providers": "|".join(providers),
                "contract_date": contract,
                "planned_end": end,
                "investment": f"{80 + rng.randrange(400)}.{rng.randrange(10)}",
                "solutions": "|".join(
                    solutions(
                        industry,
                        providers,
                        rng.sample(
                            [
                                "MES",
                                "ERP",
                                "WMS",
                                "SCADA",
                                "EMS",
                                "QMS",
                                "PLM",
                                "设备上云",
                                "安全生产监测",
                            ],
                            2,
                        ),
                    )
                ),
            }
        )

    baseline, acceptance, evidence, ratings = [], [], [], []
    for i, e in enumerate(enterprises):
        special = SPECIAL.get(i)
        batch1 = e["batch"] == "batch1"
        low = rng.choice(LOW[0] if i % 3 == 0 else LOW[1])
        b_on = f"2026-02-{10 + i % 15:02d}" if batch1 else f"2026-11-{5 + i % 20:02d}"
        # Provider P05's enterprises mostly fall short; the others mostly reach 2 or above.
        weak = e["providers"].startswith("P05") and i % 3 != 0
        high = rng.choice(HIGH[rng.choice([2, 2, 3, 3, 4])])
        if special == "below_target" or weak:
            # Under 40 points whatever the scenarios: stays below level 2.
            low = rng.choice(LOW[0])
            high = rng.choice(["CN-2025-005", "EP-2025-005"])
        a_on = f"2026-08-{1 + i % 25:02d}"
        has_acceptance = batch1 or i in EARLY
        if not batch1:
            a_on = f"2027-03-{1 + i % 12:02d}"
        if special != "no_baseline" and (batch1 or i < 54):
            baseline.append(survey(low, e, "baseline", b_on))
        if has_acceptance:
            s = survey(high, e, "acceptance", a_on)
            if special == "before_baseline":
                s["enterprise"]["assessed_on"] = "2026-01-20"
            if special == "before_project_end":
                s["enterprise"]["assessed_on"] = "2026-07-01"
            if special == "late":
                s["enterprise"]["assessed_on"] = "2026-09-15"
            # A transformation keeps what the enterprise had: no scenario goes down, except in
            # the one enterprise made to show a constraint scenario that fell.
            if special != "constraint_fell":
                for sc, level in templates[low]["scenarios"].items():
                    s["scenarios"][sc] = max(s["scenarios"][sc], level)
            if special == "constraint_fell":
                base = templates[low]["scenarios"]
                for sc in ("finance", "procurement", "energy", "safety", "quality"):
                    if base[sc] >= 1:
                        s["scenarios"][sc] = base[sc] - 1
                        break
            acceptance.append(s)
        if has_acceptance or i % 5 == 0:
            items = {
                k: "yes"
                for k in (
                    "baseline_report",
                    "acceptance_report",
                    "contract",
                    "invoices",
                    "investment_list",
                    "authenticity",
                )
            }
            if not has_acceptance:
                items["acceptance_report"] = "no"
            if special == "evidence_missing":
                items["invoices"] = "no"
                items["authenticity"] = "no"
            evidence.append({"enterprise_id": e["id"], **items})
        if has_acceptance:
            for p in e["providers"].split("|"):
                base = 2 if p == "P05" else 4
                scores = {
                    k: max(1, min(5, base + rng.choice([-1, 0, 0, 1])))
                    for k in ("quality", "timeliness", "effect", "price")
                }
                ratings.append({"enterprise_id": e["id"], "provider_id": p, **scores})

    with open(HERE / "providers.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name"])
        w.writerows(PROVIDERS)
    with open(HERE / "register.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(enterprises[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(enterprises)
    with open(HERE / "evidence.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(evidence[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(evidence)
    with open(HERE / "satisfaction.jsonl", "w", encoding="utf-8") as f:
        for r in ratings:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    # The 典型案例 the city selected (--selected): not simply the top of the ranking; one
    # (CN-DY-009) has not passed acceptance yet, so the target does not count it.
    with open(HERE / "selected.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["enterprise_id"])
        w.writerows([x] for x in SELECTED)
    for name, rows in (("baseline.jsonl", baseline), ("acceptance.jsonl", acceptance)):
        with open(HERE / name, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    write_investments(enterprises)
    write_projects(enterprises, baseline, acceptance)


# The 投入清单 for the programme's (example) subsidy rule: each enterprise's register investment
# (万元) split into lines by category, amounts to the fen. Its own random stream, so the other
# files stay as they were. Every 11th enterprise has no list yet; one line of CN-DY-003 lacks
# its invoice number (outside the base).
INVESTMENT_SPLIT = [
    ("software", "MES/ERP 软件许可", 35),
    ("cloud", "工业云服务（年费）", 10),
    ("gateway", "数据采集与传输网关", 15),
    ("hardware", "传感器与工控机", 30),
    ("services", "实施与培训服务", 10),
]


def write_investments(enterprises):
    rng_inv = random.Random(19)
    rows = []
    for i, e in enumerate(enterprises):
        if i % 11 == 10:
            continue
        total_fen = int(Decimal(e["investment"]) * 1_000_000)  # 万元 to fen, exactly
        left = total_fen
        for k, (category, item, share) in enumerate(INVESTMENT_SPLIT):
            if k == len(INVESTMENT_SPLIT) - 1:
                fen = left
            else:
                fen = total_fen * (share + rng_inv.randrange(-3, 3)) // 100 + rng_inv.randrange(100)
                left -= fen
            invoice = f"{3700 + i:04d}{k + 1:02d}{rng_inv.randrange(10**6):06d}"
            if e["id"] == "CN-DY-003" and category == "gateway":
                invoice = ""
            rows.append(
                {
                    "enterprise_id": e["id"],
                    "category": category,
                    "item": item,
                    "amount": f"{fen // 100}.{fen % 100:02d}",
                    "invoice": invoice,
                }
            )
    with open(HERE / "investments.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def write_projects(enterprises, baseline, acceptance):
    """The projects table: a date per milestone of the programme's stages, from the register's
    and the surveys' dates. Every 8th enterprise of batch 1 has no 上线试运行 node yet (overdue),
    every 11th has no row at all; an acceptance survey dated out of order is not a 现场评测."""
    day = lambda text: date.fromisoformat(text)  # noqa: E731
    b_on = {s["enterprise"]["id"]: s["enterprise"]["assessed_on"] for s in baseline}
    a_on = {s["enterprise"]["id"]: s["enterprise"]["assessed_on"] for s in acceptance}
    rows = []
    for i, e in enumerate(enterprises):
        if i % 11 == 10:
            continue
        contract, end = day(e["contract_date"]), day(e["planned_end"])
        d = {"enterprise_id": e["id"]}
        d["filed"] = contract.replace(day=1) - timedelta(days=30)
        d["diagnosed"] = day(b_on[e["id"]]) if e["id"] in b_on else None
        d["contracted"] = contract
        d["started"] = contract + timedelta(days=7)
        d["supervision_plan"] = contract + timedelta(days=35)
        d["supervision_trial"] = None if i % 8 == 3 else contract + timedelta(days=100)
        d["finished"] = end if end <= date(2027, 3, 15) else None
        d["applied"] = end + timedelta(days=5) if e["id"] in a_on else None
        assessed = day(a_on[e["id"]]) if e["id"] in a_on else None
        ok = assessed is not None and d["applied"] is not None and assessed >= d["applied"]
        d["assessed"] = assessed if ok else None
        d["accepted"] = assessed + timedelta(days=20) if ok and i % 4 != 1 else None
        d["subsidy_applied"] = d["accepted"] + timedelta(days=30) if d["accepted"] else None
        d["paid"] = (
            d["subsidy_applied"] + timedelta(days=60) if d["accepted"] and i % 3 == 0 else None
        )
        if d["supervision_trial"] and d["finished"] and d["supervision_trial"] > d["finished"]:
            d["supervision_trial"] = d["finished"]
        rows.append(
            {k: (v.isoformat() if isinstance(v, date) else (v or "")) for k, v in d.items()}
        )
    with open(HERE / "projects.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
