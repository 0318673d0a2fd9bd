#!/usr/bin/env python3
"""Times `smedx match`: N enterprises (default 730) against a generated catalogue of P products
(default 200), on 1 and 2 threads, best of R rounds: wall-clock and CPU seconds (user + system
of the command; on a shared machine the CPU seconds are the steadier).

The enterprises are the example pilot's baseline surveys (examples/pilot/baseline.jsonl, all
below level 2) repeated with their scenario levels shuffled among the scenarios and some
lowered, so that each needs a different set of products. The products are drawn from the rule
set (seeded): one to three scenarios each at levels 1-4, up to three items with options that
score, a tenth with a prerequisite, a fifth for one industry only, prices from 1 万 to 60 万元
with annual fees; ids are unique. Usage:

    python3 benchmarks/bench_match.py [--smedx build/default/smedx] [--enterprises 730]
                                      [--products 200] [--repeat 3] [--target 2 [3 ...]]
                                      [--alternatives 0]

`--target 2 3` times each target in turn on the same enterprises and catalogue (target 3 asks
for plans of 6-9 products: the search's hard case).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import resource
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
RULES = ROOT / "indicators" / "miit-2024"


def rule_set() -> tuple[list[dict], list[dict]]:
    items = []
    for dim in yaml.safe_load((RULES / "items.yaml").read_text(encoding="utf-8"))["dimensions"]:
        for sub in dim["sub_indicators"]:
            items.extend(sub["items"])
    scenarios = yaml.safe_load((RULES / "scenarios.yaml").read_text(encoding="utf-8"))["scenarios"]
    return items, scenarios


def catalogue(n: int, rng: random.Random) -> str:
    items, scenarios = rule_set()
    usable = [i for i in items if i["kind"] != "trend"]
    products = []
    for k in range(n):
        delivers: dict = {"scenarios": {}}
        for s in rng.sample(scenarios, rng.randint(1, 3)):
            delivers["scenarios"][s["code"]] = rng.randint(1, 4)
        chosen = {}
        for item in rng.sample(usable, rng.randint(0, 3)):
            options = [o for o in item["options"] if not o.get("none") and o.get("points", 0) > 0]
            if not options:
                continue
            if item["kind"] == "multi":
                picked = rng.sample(options, rng.randint(1, min(3, len(options))))
                chosen[item["code"]] = sorted(o["letter"] for o in picked)
            else:
                chosen[item["code"]] = [rng.choice(options)["letter"]]
        if chosen:
            delivers["items"] = chosen
        price = rng.randint(1, 60) * 10000
        product = {
            "id": f"GEN-{k:03d}",
            "name": f"生成产品{k:03d}",
            "provider": f"P0{rng.randint(1, 6)}",
            "category": "生产制造",
            "deployment": rng.choice(["saas", "private", "hybrid", "device"]),
            "price": price,
            "annual": rng.randint(0, 10) * 5000,
            "eligible": price // 2,
            "weeks": rng.randint(1, 20),
            "delivers": delivers,
        }
        if rng.random() < 0.2:
            product["industries"] = [rng.choice(["equipment_parts", "chem_new_materials"])]
        if rng.random() < 0.1:
            s = rng.choice([x for x in scenarios if x["code"] not in delivers["scenarios"]])
            product["requires"] = {"scenarios": {s["code"]: 1}}
        products.append(product)
    doc = {
        "catalogue": {
            "id": "bench",
            "title": "生成的基准产品目录",
            "rule_set": {"id": "miit-2024", "path": str(RULES)},
            "categories": ["生产制造"],
        },
        "products": products,
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def surveys(n: int, rng: random.Random) -> str:
    base = [
        json.loads(line)
        for line in (ROOT / "examples/pilot/baseline.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    out = []
    for k in range(n):
        s = json.loads(json.dumps(base[k % len(base)]))
        s["enterprise"]["id"] = f"BENCH-{k:04d}"
        levels = list(s["scenarios"].values())
        rng.shuffle(levels)
        s["scenarios"] = {
            key: max(0, lv - (rng.random() < 0.3)) for key, lv in zip(s["scenarios"], levels)
        }
        out.append(json.dumps(s, ensure_ascii=False))
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smedx", default=str(ROOT / "build/default/smedx"))
    ap.add_argument("--enterprises", type=int, default=730)
    ap.add_argument("--products", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--target", type=int, nargs="+", default=[2])
    ap.add_argument("--alternatives", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(20261206)
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        (d / "catalogue.yaml").write_text(catalogue(a.products, rng), encoding="utf-8")
        (d / "surveys.jsonl").write_text(surveys(a.enterprises, rng), encoding="utf-8")
        for target, threads in [(t, n) for t in a.target for n in (1, 2)]:
            cmd = [
                a.smedx,
                "match",
                "--rules",
                str(RULES),
                "--catalogue",
                str(d / "catalogue.yaml"),
                str(d / "surveys.jsonl"),
                "--target",
                str(target),
                "--threads",
                str(threads),
                "--alternatives",
                str(a.alternatives),
                "-o",
                str(d / "plans.jsonl"),
            ]
            best = best_cpu = None
            for _ in range(a.repeat):
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                done = subprocess.run(cmd, capture_output=True, text=True)
                t = time.perf_counter() - t0
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
                best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
                if done.returncode not in (0, 1):
                    sys.stderr.write(done.stderr)
                    return 2
                best = t if best is None else min(best, t)
            plans = [
                json.loads(line)
                for line in (d / "plans.jsonl").read_text(encoding="utf-8").splitlines()
            ]
            reached = sum(1 for p in plans if p.get("reached") and not p.get("already"))
            sizes = [len(p["products"]) for p in plans if p.get("reached") and not p.get("already")]
            print(
                f"target {target}: {a.enterprises} enterprises x {a.products} products, "
                f"{threads} thread(s): "
                f"{best:.3f} s wall, {best_cpu:.3f} CPU-s (best of {a.repeat}); "
                f"{reached} plans with products "
                f"({min(sizes, default=0)}-{max(sizes, default=0)} products each), "
                f"{sum(1 for p in plans if p.get('already'))} already, "
                f"{sum(1 for p in plans if p.get('reached') is False)} not reachable"
            )
            print("  " + done.stderr.strip())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"peak RSS of the children: {peak} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
