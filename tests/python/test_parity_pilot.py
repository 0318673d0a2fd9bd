"""`smedx pilot` and smedx.pilot(..., output=) are two doors over one driver (run_pilot): the
same inputs must give the same files, byte for byte, and the same problems."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import smedx

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "pilot"
PROGRAMME = ROOT / "programmes" / "dongying-2026"


def _cli() -> str:
    """The command installed beside this Python (pip install . puts it there), else the build's."""
    found = os.environ.get("SMEDX_CLI") or shutil.which(
        "smedx", path=str(Path(sys.executable).parent)
    )
    if found:
        return found
    built = ROOT / "build" / "default" / "smedx"
    if built.is_file() and os.access(built, os.X_OK):
        return str(built)
    pytest.skip(
        "no smedx command to compare with: not beside this Python, not in build/default, "
        "and SMEDX_CLI is not set"
    )


def _inputs(**kw: object) -> dict[str, object]:
    args: dict[str, object] = dict(
        register=EX / "register.csv",
        providers=EX / "providers.csv",
        surveys=[EX / "baseline.jsonl", EX / "acceptance.jsonl"],
        evidence=EX / "evidence.csv",
        satisfaction=EX / "satisfaction.jsonl",
        as_of="2027-03-15",
    )
    args.update(kw)
    return args


def _command(out: Path, args: dict[str, object]) -> list[str]:
    line = [_cli(), "pilot", "--programme", str(PROGRAMME), "-o", str(out)]
    for key in (
        "register",
        "providers",
        "evidence",
        "satisfaction",
        "selected",
        "headers",
        "investments",
        "projects",
        "report",
        "catalogue",
    ):
        if args.get(key) is not None:
            line += [f"--{key}", str(args[key])]
    line += ["--surveys", *(str(s) for s in args["surveys"])]  # type: ignore[union-attr]
    if args.get("as_of") is not None:
        line += ["--as-of", str(args["as_of"])]
    if args.get("pages") is False:
        line.append("--no-pages")
    return line


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _both(tmp_path: Path, **kw: object) -> tuple[subprocess.CompletedProcess, smedx.PilotResult]:
    args = _inputs(**kw)
    cli = subprocess.run(_command(tmp_path / "cli", args), capture_output=True, check=False)
    result = smedx.pilot(PROGRAMME, output=tmp_path / "python", **args)  # type: ignore[arg-type]
    return cli, result


def _same_files(tmp_path: Path) -> dict[str, bytes]:
    cli, python = _files(tmp_path / "cli"), _files(tmp_path / "python")
    assert sorted(cli) == sorted(python)
    for name in cli:
        assert cli[name] == python[name], name
    return cli


def test_the_example_pilot_writes_the_same_files(tmp_path: Path) -> None:
    cli, result = _both(tmp_path)
    assert cli.returncode == 0, cli.stderr.decode()
    files = _same_files(tmp_path)
    # 12 files, the manifest, the dashboard and one page per enterprise: composition.json (the
    # programme has composition targets) and the 改造需求清单's needs.json and two CSVs too
    assert len(files) == 14 + 60
    assert {"acceptance.jsonl", "dashboard.html", "CN-DY-001.html"} <= set(files)
    assert len(result.acceptance) == 60


def test_selected_cases_and_chinese_headers_write_the_same_files(tmp_path: Path) -> None:
    cli, result = _both(tmp_path, selected=EX / "selected.csv", headers="zh")
    assert cli.returncode == 0, cli.stderr.decode()
    files = _same_files(tmp_path)
    assert files["acceptance.csv"].startswith("\ufeff企业编号,".encode())
    assert files["needs_common.csv"].startswith("\ufeff行业,".encode())
    assert "cases.html" in files  # the 典型案例集
    assert result.cases["selected"].sum() == 6


def test_the_subsidy_writes_the_same_files(tmp_path: Path) -> None:
    cli, result = _both(tmp_path, investments=EX / "investments.csv")
    assert cli.returncode == 0, cli.stderr.decode()
    files = _same_files(tmp_path)
    assert {"subsidy.json", "subsidy.csv", "subsidy_ledger.csv"} <= set(files)
    assert result.subsidy is not None and len(result.subsidy) == 60
    assert result.counts["investment_rows"] == 275
    # The money is integer fen: the per-enterprise amounts add up to the total exactly.
    detail = result.subsidy_detail
    assert detail is not None
    assert sum(result.subsidy["subsidy_fen"]) == detail["total"]["subsidy_fen"]


def test_the_self_evaluation_writes_the_same_files(tmp_path: Path) -> None:
    cli, _ = _both(
        tmp_path,
        investments=EX / "investments.csv",
        projects=EX / "projects.csv",
        selected=EX / "selected.csv",
        report="midterm",
    )
    assert cli.returncode == 0, cli.stderr.decode()
    files = _same_files(tmp_path)
    assert "中期绩效自评报告".encode() in files["self_evaluation.html"]
    assert b'"report":"midterm"' in files["self_evaluation.json"]


def test_the_catalogue_writes_the_same_files(tmp_path: Path) -> None:
    cli, result = _both(
        tmp_path, catalogue=ROOT / "catalogues" / "dongying-2026", headers="zh", pages=False
    )
    assert cli.returncode == 0, cli.stderr.decode()
    files = _same_files(tmp_path)
    assert {"products.json", "product_rating.csv", "product_matrix.csv"} <= set(files)
    assert files["product_rating.csv"].startswith("\ufeff产品编号,".encode())
    assert "产品评价（以评促建）".encode() in files["dashboard.html"]
    assert result.products is not None and result.product_matrix is not None
    detail = result.products_detail
    assert detail is not None
    # One row a catalogue product, in catalogue order, in both tables.
    assert list(result.products["product"]) == [p["product"] for p in detail["ratings"]]
    assert list(result.product_matrix["product"]) == list(result.products["product"])
    # The example register names catalogue products only: no warnings, every use counted.
    assert result.warnings == [] and detail["warnings"] == []
    register = (EX / "register.csv").read_text("utf-8").splitlines()[1:]
    uses = sum(len(line.rsplit(",", 1)[1].split("|")) for line in register)
    assert int(result.products["enterprises"].sum()) == uses
    # Typed: counts as integers, money in integer fen, figures exact.
    assert str(result.products["cost_fen"].dtype) == "Int64"
    assert str(result.products["passed"].dtype) == "Int64"
    assert "decimal" in str(result.products["pass_rate_percent"].dtype)
    # The matrix is the match room's: smedx match --matrix over the same baselines (which carry
    # the register's industry and district) at the programme's target is the same object.
    matrix = tmp_path / "matrix.json"
    subprocess.run(
        [_cli(), "match", "--rules", str(ROOT / "indicators" / "miit-2024"), "--catalogue",
         str(ROOT / "catalogues" / "dongying-2026"), str(EX / "baseline.jsonl"), "--matrix",
         str(matrix), "-o", str(tmp_path / "plans.jsonl")],
        check=True, capture_output=True,
    )  # fmt: skip
    assert json.loads(matrix.read_text("utf-8")) == detail["matrix"]
    openpyxl = pytest.importorskip("openpyxl")
    result.to_excel(tmp_path / "pilot.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "pilot.xlsx")["产品评价"]
    assert sheet.max_row == 1 + len(result.products)


def test_a_solution_that_is_no_product_is_the_same_warning_in_both(tmp_path: Path) -> None:
    text = (EX / "register.csv").read_text("utf-8")
    first = text.splitlines()[1]
    register = tmp_path / "register.csv"
    register.write_text(text.replace(first, first.rsplit(",", 1)[0] + ",ERP|QX-ERP-01", 1), "utf-8")
    cli, result = _both(
        tmp_path, register=register, catalogue=ROOT / "catalogues" / "dongying-2026"
    )
    assert cli.returncode == 0, cli.stderr.decode()  # a warning, not an error record
    files = _same_files(tmp_path)
    assert len(result.warnings) == 1
    assert (
        "solution 'ERP' of enterprise 'CN-DY-001' is not a product of catalogue"
        in (result.warnings[0])
    )
    assert result.warnings[0].startswith(f"warning: {register}:2:")
    assert result.warnings[0] in cli.stderr.decode()
    assert b"ERP" in files["products.json"] and result.errors == []


def test_the_project_stages_write_the_same_files(tmp_path: Path) -> None:
    cli, result = _both(tmp_path, projects=EX / "projects.csv")
    assert cli.returncode == 0, cli.stderr.decode()
    files = _same_files(tmp_path)
    assert {"projects.json", "projects.csv"} <= set(files)
    assert result.projects is not None and len(result.projects) == 60
    detail = result.projects_detail
    assert detail is not None
    assert detail["total"]["overdue"] == (result.projects["status"] == "overdue").sum()


def test_a_misspelt_investment_column_is_the_same_errors_in_both(tmp_path: Path) -> None:
    header, rest = (EX / "investments.csv").read_text("utf-8").split("\n", 1)
    investments = tmp_path / "investments.csv"
    investments.write_text(header.replace(",amount,", ",amout,") + "\n" + rest, "utf-8")
    cli, result = _both(tmp_path, investments=investments)
    assert cli.returncode == 1
    _same_files(tmp_path)
    stderr = cli.stderr.decode()
    assert "unknown column 'amout' in the investments (did you mean 'amount'?)" in stderr
    assert result.errors and stderr.startswith("".join(result.errors))


def test_no_pages_writes_the_same_files(tmp_path: Path) -> None:
    cli, _ = _both(tmp_path, pages=False)
    assert cli.returncode == 0, cli.stderr.decode()
    files = _same_files(tmp_path)
    assert not any(name.startswith("CN-") for name in files)


def test_file_at_rules_writes_the_same_files(tmp_path: Path) -> None:
    rules = ROOT / "indicators" / "miit-2024"
    surveys = [EX / "baseline.jsonl", f"{EX / 'acceptance.jsonl'}@{rules}"]
    cli, result = _both(tmp_path, surveys=surveys)
    assert cli.returncode == 0, cli.stderr.decode()
    _same_files(tmp_path)
    assert result.counts["survey_records"] == 95
    assert (result.acceptance["decision"] == "passed").sum() == 28


def test_bad_records_are_the_same_errors_and_files(tmp_path: Path) -> None:
    bad = ROOT / "tests" / "data" / "pilot" / "surveys-bad.jsonl"
    cli, result = _both(tmp_path, surveys=[EX / "baseline.jsonl", bad])
    assert cli.returncode == 1
    _same_files(tmp_path)
    stderr = cli.stderr.decode()
    assert result.errors and stderr.startswith("".join(result.errors))


def test_a_misspelt_column_is_the_same_errors_in_both(tmp_path: Path) -> None:
    header, rest = (EX / "register.csv").read_text("utf-8").split("\n", 1)
    register = tmp_path / "register.csv"
    register.write_text(header.replace(",planned_end,", ",planed_end,") + "\n" + rest, "utf-8")
    cli, result = _both(tmp_path, register=register)
    assert cli.returncode == 1
    _same_files(tmp_path)
    stderr = cli.stderr.decode()
    assert "unknown column 'planed_end' in the register (did you mean 'planned_end'?)" in stderr
    assert result.errors and stderr.startswith("".join(result.errors))


@pytest.mark.parametrize(
    "change",
    [
        dict(register=EX / "none.csv"),
        dict(surveys=[EX / "baseline.jsonl", f"{EX / 'acceptance.jsonl'}@{EX / 'nowhere'}"]),
        dict(surveys=[EX / "register.csv.txt"]),
        dict(evidence=ROOT / "tests" / "data" / "broken.yaml"),
        dict(catalogue=EX / "no-catalogue"),
        dict(catalogue=ROOT / "tests" / "data" / "broken.yaml"),
    ],
    ids=[
        "missing register",
        "missing rules",
        "unknown survey format",
        "evidence not a table",
        "missing catalogue",
        "catalogue not a catalogue",
    ],
)
def test_a_problem_stops_both_with_the_same_message(tmp_path: Path, change: dict) -> None:
    args = _inputs(**change)
    cli = subprocess.run(_command(tmp_path / "cli", args), capture_output=True, check=False)
    assert cli.returncode == 2
    with pytest.raises(ValueError) as raised:
        smedx.pilot(PROGRAMME, output=tmp_path / "python", **args)  # type: ignore[arg-type]
    assert str(raised.value) + "\n" == cli.stderr.decode()
    assert not (tmp_path / "cli").exists() and not (tmp_path / "python").exists()


def test_a_folder_of_other_files_is_refused_by_both(tmp_path: Path) -> None:
    for door in ("cli", "python"):
        (tmp_path / door).mkdir()
        (tmp_path / door / "notes.txt").write_text("mine", "utf-8")
    args = _inputs()
    cli = subprocess.run(_command(tmp_path / "cli", args), capture_output=True, check=False)
    assert cli.returncode == 2
    with pytest.raises(ValueError, match="the folder holds files smedx did not write") as raised:
        smedx.pilot(PROGRAMME, output=tmp_path / "python", **args)  # type: ignore[arg-type]
    expected = cli.stderr.decode().replace(str(tmp_path / "cli"), str(tmp_path / "python"))
    assert "error: " + str(raised.value) + "\n" == expected
    smedx.pilot(PROGRAMME, output=tmp_path / "python", force=True, **args)  # type: ignore[arg-type]
    assert (tmp_path / "python" / "notes.txt").read_text("utf-8") == "mine"
    assert (tmp_path / "python" / "dashboard.html").is_file()
