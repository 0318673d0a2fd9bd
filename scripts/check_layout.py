#!/usr/bin/env python3
"""Checks the rooms of src/ (src/README.md): no source file at the top of src/, every room says
what it owns, and no include runs back up the pipeline. A room includes its own headers, those
of the rooms before it and the public headers of those rooms; the doors (src/cli/, the Python
bindings) include only public headers and their own. Prints every violation; exits 1 on any."""

from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The rooms in pipeline order, each with the public headers (include/smedx/) it owns.
ROOMS: list[tuple[str, set[str]]] = [
    (
        "common",
        {"data_path.h", "decimal.h", "diagnostics.h", "errors.h", "output_files.h", "text.h"},
    ),
    ("yaml", set()),
    ("rules", {"load.h", "rules.h", "summary.h"}),
    (
        "survey",
        {
            "coded_survey.h",
            "columns.h",
            "input.h",
            "survey.h",
            "survey_csv.h",
            "survey_schema.h",
            "survey_text.h",
        },
    ),
    ("score", {"block.h", "columnar.h", "conformance.h", "engine.h"}),
    ("batch", {"batch.h", "record.h"}),
    ("diagnose", {"cohort.h", "diagnose_cohort.h", "diagnose_run.h", "diagnosis.h", "report.h"}),
    ("match", {"catalogue.h", "match.h"}),
    (
        "pilot",
        {
            "pilot.h",
            "pilot_run.h",
            "programme.h",
            "subsidy.h",
            "subsidy_rule.h",
            "projects.h",
            "composition.h",
            "self_evaluation.h",
            "pilot_products.h",
            "pilot_needs.h",
            "case_booklet.h",
        },
    ),
]
RANK = {room: k for k, (room, _) in enumerate(ROOMS)}
PUBLIC_RANK = {h: k for k, (_, headers) in enumerate(ROOMS) for h in headers}
ENTRY = "smedx.h"  # includes everything; only doors and consumers include it
DOOR_HEADERS = {"c.h"}  # a door's own public header (the C API): only its door includes it
DOORS = ["src/cli", "bindings/python", "src/capi", "src/serve"]
INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^>"]+)[>"]', re.M)


def includes(path: pathlib.Path) -> list[str]:
    return INCLUDE.findall(path.read_text(encoding="utf-8"))


def rank_of(name: str) -> int | None:
    """The rank of a project header named as included, or None for a system header."""
    if name.startswith("smedx/"):
        header = name.removeprefix("smedx/")
        if header == ENTRY or header in DOOR_HEADERS:
            return len(ROOMS)
        return PUBLIC_RANK.get(header, -1)
    room = name.split("/", 1)[0]
    return RANK.get(room) if "/" in name else None


def main() -> int:
    problems: list[str] = []
    src = ROOT / "src"
    for p in sorted(src.iterdir()):
        if p.is_file() and p.name != "README.md":
            problems.append(f"src/{p.name}: a file at the top of src/ (put it in its room)")
    public = {p.name for p in (ROOT / "include/smedx").glob("*.h")}
    for h in sorted(public - set(PUBLIC_RANK) - {ENTRY} - DOOR_HEADERS):
        problems.append(f"include/smedx/{h}: not given a room in scripts/check_layout.py")
    for h in sorted(set(PUBLIC_RANK) - public):
        problems.append(f"scripts/check_layout.py names include/smedx/{h}, which does not exist")
    for room in sorted(p.name for p in src.iterdir() if p.is_dir()):
        if room not in RANK and f"src/{room}" not in DOORS:
            problems.append(f"src/{room}/: not a room of scripts/check_layout.py")
        if not (src / room / "README.md").exists():
            problems.append(f"src/{room}/: no README.md saying what the room owns")

    def check(path: pathlib.Path, rank: int, where: str) -> None:
        for name in includes(path):
            r = rank_of(name)
            if r is None:
                continue
            if r == -1:
                problems.append(f"{where}: includes '{name}', an unknown public header")
            elif r > rank:
                problems.append(f"{where}: includes '{name}', a later stage than its own")

    for room, headers in ROOMS:
        for path in sorted((src / room).glob("*")):
            if path.suffix in (".h", ".cpp"):
                check(path, RANK[room], str(path.relative_to(ROOT)))
        for h in sorted(headers):
            path = ROOT / "include/smedx" / h
            if path.exists():
                for name in includes(path):
                    if name.startswith("smedx/") or name.split("/", 1)[0] in RANK:
                        if not name.startswith("smedx/"):
                            problems.append(f"include/smedx/{h}: includes private '{name}'")
                check(path, RANK[room], f"include/smedx/{h}")
    for door in DOORS:
        for path in sorted((ROOT / door).rglob("*")):
            if path.suffix not in (".h", ".cpp"):
                continue
            for name in includes(path):
                if "/" in name and name.split("/", 1)[0] in RANK:
                    problems.append(
                        f"{path.relative_to(ROOT)}: a door includes private '{name}'"
                        " (use include/smedx/)"
                    )
    for line in problems:
        print(f"error: {line}")
    print(f"layout: {len(problems)} problem(s)" if problems else "layout: rooms clean")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
