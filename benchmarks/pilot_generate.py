#!/usr/bin/env python3
"""Writes a synthetic pilot of N enterprises (default 100,000) for timing `smedx pilot`: a
register, providers, evidence, satisfaction ratings and two surveys per enterprise (baseline and
acceptance, JSON Lines), built from the example surveys of examples/surveys/ as templates.

    python3 benchmarks/pilot_generate.py 100000 /tmp/pilot-bench
    /usr/bin/time -v build/bench/smedx pilot --programme programmes/dongying-2026 \\
      --providers /tmp/pilot-bench/providers.csv --register /tmp/pilot-bench/register.csv \\
      --evidence /tmp/pilot-bench/evidence.csv --satisfaction /tmp/pilot-bench/satisfaction.csv \\
      --surveys /tmp/pilot-bench/baseline.jsonl /tmp/pilot-bench/acceptance.jsonl \\
      --as-of 2027-06-30 --no-pages -o /tmp/pilot-bench/out
"""

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/pilot-bench")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    bodies = {}  # template id -> the survey text after its enterprise object
    for line in (ROOT / "examples" / "surveys" / "cohort.jsonl").read_text("utf-8").splitlines():
        tid = json.loads(line)["enterprise"]["id"]
        bodies[tid] = line[line.index('},"answers"') :]
    low, high = (
        ["CN-2025-004", "CN-2025-005", "CN-2025-006", "EP-2025-005", "EP-2025-006"],
        ["CN-2025-001", "CN-2025-002", "CN-2025-003", "EP-2025-001", "EP-2025-002", "EP-2025-003"],
    )
    providers = [f"P{k:03d}" for k in range(40)]
    districts = [
        "河口区",
        "利津县",
        "东营港经济开发区",
        "东营区",
        "垦利区",
        "广饶县",
        "东营经济技术开发区",
    ]
    with open(out / "providers.csv", "w", encoding="utf-8") as f:
        f.write("id,name\n" + "".join(f"{p},服务商{p}\n" for p in providers))
    with (
        open(out / "register.csv", "w", encoding="utf-8") as reg,
        open(out / "evidence.csv", "w", encoding="utf-8") as ev,
        open(out / "satisfaction.csv", "w", encoding="utf-8") as sat,
        open(out / "baseline.jsonl", "w", encoding="utf-8") as base,
        open(out / "acceptance.jsonl", "w", encoding="utf-8") as acc,
    ):
        reg.write(
            "id,name,industry,district,batch,tags,providers,contract_date,planned_end,"
            "investment,solutions\n"
        )
        ev.write(
            "enterprise_id,baseline_report,acceptance_report,contract,invoices,"
            "investment_list,authenticity\n"
        )
        sat.write("enterprise_id,provider_id,quality,timeliness,effect,price\n")
        for i in range(n):
            eid = f"E{i:07d}"
            industry = "chem_new_materials" if i % 7 < 4 else "equipment_parts"
            batch = "batch1" if i % 2 == 0 else "batch2"
            p = providers[i % len(providers)]
            contract, end, b_on, a_on = (
                ("2026-03-05", "2026-07-20", "2026-02-10", "2026-08-10")
                if batch == "batch1"
                else ("2026-12-05", "2027-04-20", "2026-11-10", "2027-05-10")
            )
            reg.write(
                f"{eid},试点企业{i},{industry},{districts[i % 7]},{batch},规上|上云,{p},"
                f"{contract},{end},{100 + i % 400},MES|ERP\n"
            )
            ev.write(f"{eid},yes,yes,yes,yes,yes,{'no' if i % 23 == 0 else 'yes'}\n")
            sat.write(f"{eid},{p},{3 + i % 3},{4},{2 + i % 4},{3 + i % 2}\n")
            head = (
                '{{"enterprise":{{"id":"{}","name":"试点企业{}","industry":"{}","phase":"{}",'
                '"assessed_on":"{}"'
            )
            base.write(
                head.format(eid, i, industry, "baseline", b_on) + bodies[rng.choice(low)] + "\n"
            )
            acc.write(
                head.format(eid, i, industry, "acceptance", a_on) + bodies[rng.choice(high)] + "\n"
            )


if __name__ == "__main__":
    main()
