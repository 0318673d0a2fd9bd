"""An independent re-implementation of the 奖补 rule of docs/programmes.md ("奖补 (subsidy)"),
in Python integers and Fractions, checked against smedx.pilot on random rules (rates with up to
3 decimals, caps, tiers, both roundings, payout batches) and random 投入清单 over the example
pilot. The acceptance decisions are smedx's own (differential-tested elsewhere)."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import smedx

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "pilot"
PROGRAMME = ROOT / "programmes" / "dongying-2026" / "programme.yaml"
CATEGORIES = [("software", True), ("cloud", True), ("gateway", True), ("hardware", False)]


def make_rule(rng: random.Random) -> dict:
    base_rate = Fraction(rng.randrange(1, 60_000), 1000)  # percent, 3 decimals
    tiers = [(2, base_rate, rng.randrange(1, 500_000_00))]
    if rng.random() < 0.7:
        tiers.append((3, Fraction(rng.randrange(1, 100_000), 1000), rng.randrange(1, 800_000_00)))
    return {
        "tiers": tiers,
        "rounding": rng.choice(["half_up", "down"]),
        "payouts": sorted(rng.sample(["2026-08-10", "2026-08-20", "2026-12-31", "2027-03-05"], 2)),
    }


def rule_yaml(rule: dict) -> str:
    def pct(f: Fraction) -> str:
        m = int(f * 1000)  # exactly thousandths by construction
        return f"{m // 1000}.{m % 1000:03d}"

    def money(fen: int) -> str:
        return f"{fen // 100}.{fen % 100:02d}"

    (lvl, rate, cap), *rest = rule["tiers"]
    lines = ["subsidy:", "  categories:"]
    lines += [f"    - {{id: {c}, zh: 类{c}, eligible: {str(e).lower()}}}" for c, e in CATEGORIES]
    lines += [f"  rate_percent: {pct(rate)}", f"  cap: {money(cap)}"]
    if rest:
        lines.append("  tiers:")
        lines += [
            f"    - {{level: {lv}, rate_percent: {pct(r)}, cap: {money(c)}}}" for lv, r, c in rest
        ]
    lines.append(f"  rounding: {rule['rounding']}")
    lines.append("  payouts:")
    lines += [
        f"    - {{id: p{k}, zh: 第{k}批, accepted_by: {d}}}" for k, d in enumerate(rule["payouts"])
    ]
    return "\n".join(lines) + "\n"


def expected(rule: dict, acceptance, lines: list[dict]) -> dict[str, tuple[int, str | None]]:
    out = {}
    for _, a in acceptance.iterrows():
        base = sum(
            x["fen"]
            for x in lines
            if x["enterprise_id"] == a["id"] and dict(CATEGORIES)[x["category"]] and x["invoice"]
        )
        level = a["level_after"]
        if a["decision"] != "passed" or level is None or level < 2:
            out[a["id"]] = (0, None)
            continue
        _, rate, cap = [t for t in rule["tiers"] if level >= t[0]][-1]
        exact = Fraction(base) * rate / 100
        fen = int(exact) if rule["rounding"] == "down" else int(exact + Fraction(1, 2))
        payout = next(
            (f"p{k}" for k, d in enumerate(rule["payouts"]) if a["acceptance_on"] <= d), None
        )
        out[a["id"]] = (min(fen, cap), payout)
    return out


def test_subsidy_matches_an_independent_implementation(tmp_path: Path) -> None:
    text = PROGRAMME.read_text("utf-8")
    text = text.replace(
        "path: ../../indicators/miit-2024", f"path: {ROOT / 'indicators' / 'miit-2024'}"
    )
    text = text[: text.index("\nsubsidy:") + 1]
    ids = [row.split(",")[0] for row in (EX / "register.csv").read_text("utf-8").splitlines()[1:]]
    checked = paid = capped = tiered = 0
    for seed in range(12):
        rng = random.Random(seed)
        rule = make_rule(rng)
        folder = tmp_path / f"p{seed}"
        folder.mkdir()
        (folder / "programme.yaml").write_text(text + rule_yaml(rule), "utf-8")
        lines = []
        for k in range(rng.randrange(40, 200)):
            lines.append(
                {
                    "enterprise_id": rng.choice(ids),
                    "category": rng.choice(CATEGORIES)[0],
                    "fen": rng.randrange(0, 3_000_000_00),
                    "invoice": "" if rng.random() < 0.1 else f"F{seed}-{k}",
                }
            )
        inv = folder / "investments.csv"
        inv.write_text(
            "enterprise_id,category,amount,invoice\n"
            + "".join(
                f"{x['enterprise_id']},{x['category']},{x['fen'] // 100}.{x['fen'] % 100:02d},"
                f"{x['invoice']}\n"
                for x in lines
            ),
            "utf-8",
        )
        result = smedx.pilot(
            folder,
            register=EX / "register.csv",
            providers=EX / "providers.csv",
            surveys=[EX / "baseline.jsonl", EX / "acceptance.jsonl"],
            evidence=EX / "evidence.csv",
            investments=inv,
            as_of="2027-03-15",
        )
        assert result.errors == []
        want = expected(rule, result.acceptance, lines)
        got = {
            r["id"]: (r["subsidy_fen"], r["payout"]) for r in result.subsidy_detail["enterprises"]
        }
        assert got == want, f"seed {seed}"
        assert result.subsidy_detail["total"]["subsidy_fen"] == sum(v[0] for v in want.values())
        checked += len(want)
        paid += sum(1 for v in want.values() if v[0] > 0)
        capped += sum(
            1 for r in result.subsidy_detail["enterprises"] if r["capped"] and r["subsidy_fen"]
        )
        tiered += sum(1 for r in result.subsidy_detail["enterprises"] if r["tier_level"] == 3)
    assert checked == 12 * 60
    # The cases the rule has: paid, capped and at the higher tier, all met.
    assert paid > 100 and capped > 10 and tiered > 10
