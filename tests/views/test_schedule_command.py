"""``genofab schedule``: JSON and table output of the benchmark, output files written whole,
and bad input answered with exit status 2, a message naming the field, and nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genofab.views.cli import app
from genofab.views.schedule_export import safe_text
from tests.helpers import EXAMPLES, ROOT, dump_yaml, edit
from tests.schedule_plans import benchmark_data

runner = CliRunner()
MAKESPAN = str(EXAMPLES / "schedule-4-suites.yaml")
TIGHT = str(EXAMPLES / "schedule-4-suites-due-26.yaml")
Write = Callable[..., Path]


def test_json_reports_the_proven_makespan() -> None:
    result = runner.invoke(app, ["schedule", MAKESPAN, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "optimal"
    assert data["objective"] == "makespan"
    assert data["objective_value"] == 27
    assert data["objective_unit"] == "wk"
    assert data["bound"] == 27
    assert data["gap"] == 0
    assert len(data["lots"]) == 34
    row = data["lots"][0]
    for key in (
        "lot",
        "product",
        "sponsor",
        "room",
        "phase",
        "start",
        "end",
        "release",
        "lateness",
    ):
        assert key in row
    assert data["plan"]["file"] == MAKESPAN and len(data["plan"]["sha256"]) == 64


def test_the_objective_comes_from_the_plan_unless_given() -> None:
    result = runner.invoke(app, ["schedule", TIGHT, "-f", "json"])
    data = json.loads(result.stdout)
    assert (data["objective"], data["objective_value"], data["status"]) == (
        "lateness",
        11,
        "optimal",
    )
    result = runner.invoke(app, ["schedule", TIGHT, "-f", "json", "--objective", "makespan"])
    assert json.loads(result.stdout)["objective_value"] == 27


def test_table_shows_status_bound_and_lots() -> None:
    result = runner.invoke(app, ["schedule", TIGHT])
    assert result.exit_code == 0, result.output
    for text in ("optimal", "lateness = 11 lot·wk", "Lots (times in wk", "Deliveries by product"):
        assert text in result.stdout


def test_simulation_adds_the_monte_carlo(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schedule", MAKESPAN, "-f", "json", "--simulate", "2000"])
    assert result.exit_code == 0, result.output
    study = json.loads(result.stdout)["robustness"]
    assert study["replications"] == 2000
    assert study["lots_per_year"]["p5"] <= study["lots_per_year"]["p95"]
    assert {s["sponsor"] for s in study["sponsors"]} == {"sponsor_a", "sponsor_b", "sponsor_c"}


def test_output_folder_gets_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    result = runner.invoke(app, ["schedule", MAKESPAN, "-o", str(folder), "-f", "json"])
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in folder.iterdir())
    stem = "schedule-4-suites"
    assert names == sorted(
        f"{stem}-{suffix}"
        for suffix in ("gantt.png", "gantt.svg", "gantt.html", "schedule.csv", "schedule.xlsx")
    )
    assert (folder / f"{stem}-gantt.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in (folder / f"{stem}-gantt.svg").read_text(encoding="utf-8")
    page = (folder / f"{stem}-gantt.html").read_text(encoding="utf-8")
    assert "<svg" in page and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    rows = list(csv.reader(io.StringIO((folder / f"{stem}-schedule.csv").read_text("utf-8"))))
    assert rows[0][:3] == ["lot", "product", "sponsor"] and len(rows) == 35
    with zipfile.ZipFile(folder / f"{stem}-schedule.xlsx") as book:
        assert "xl/worksheets/sheet2.xml" in book.namelist()


def test_excel_keeps_formula_text_as_text(write: Write, tmp_path: Path) -> None:
    data = edit(benchmark_data(), "name", '=HYPERLINK("http://x","click")')
    plan = write(dump_yaml(data), "plan.yaml")
    folder = tmp_path / "out"
    result = runner.invoke(app, ["schedule", str(plan), "-o", str(folder)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(folder / "plan-schedule.xlsx") as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheets = [book.read(name).decode() for name in book.namelist() if "worksheets/" in name]
    assert "'=HYPERLINK" in strings
    assert all("<f>" not in sheet for sheet in sheets)
    assert safe_text("-1") == "'-1" and safe_text("@x") == "'@x" and safe_text(3) == 3


def test_a_bad_plan_exits_2_and_writes_nothing(write: Write, tmp_path: Path) -> None:
    data = edit(benchmark_data(), "rooms.0.capacity", 0)
    plan = write(dump_yaml(data), "plan.yaml")
    folder = tmp_path / "out"
    result = runner.invoke(app, ["schedule", str(plan), "-o", str(folder)])
    assert result.exit_code == 2
    assert f"{plan}:" in result.stderr and "rooms[0].capacity: 0 lot is below 1" in result.stderr
    assert not folder.exists()


def test_a_time_limit_of_zero_is_refused() -> None:
    result = runner.invoke(app, ["schedule", MAKESPAN, "--time-limit", "0"])
    assert result.exit_code == 2
    assert "--time-limit" in result.output and "must be above 0 s" in result.output


def test_an_infeasible_plan_is_reported_not_raised(write: Write) -> None:
    data = edit(benchmark_data(), "demands.2.lots", 40)
    result = runner.invoke(
        app, ["schedule", str(write(dump_yaml(data), "plan.yaml")), "-f", "json"]
    )
    assert result.exit_code == 4, result.output  # documented: 4 means infeasible
    data = json.loads(result.stdout)
    assert data["status"] == "infeasible"
    assert any("demands for 'c'" in reason for reason in data["infeasibility"])
    # the lots that fit are scheduled; every other lot is listed with its reason
    made = {row["lot"] for row in data["lots"]}
    assert len(made) == data["lots_made"] and len(made) + len(data["left_out"]) == 70
    assert all("horizon" in row["reason"] for row in data["left_out"])


@pytest.mark.parametrize(
    ("options", "named", "rule"),
    [
        (["--seed", "-1", "--simulate", "5"], "--seed", "greater than or equal to 0"),
        (["--seed", "18446744073709551616"], "--seed", "less than or equal to 2147483647"),
        (["--time-limit", "inf"], "--time-limit", "at most 86400 s"),
        (["--time-limit", "nan"], "--time-limit", "at most 86400 s"),
        (["--simulate", "1000000000"], "--simulate", "less than or equal to 1000000"),
        (["--workers", "0"], "--workers", "greater than or equal to 1"),
    ],
)
def test_every_option_is_range_checked(options: list[str], named: str, rule: str) -> None:
    result = runner.invoke(app, ["schedule", MAKESPAN, *options])
    assert result.exit_code == 2
    assert named in result.output and rule in result.output
    assert "Traceback" not in result.output


def test_a_lot_that_always_fails_is_refused(write: Write) -> None:
    data = edit(benchmark_data(), "products.0.failure_probability", "100 %")
    plan = write(dump_yaml(data), "plan.yaml")
    result = runner.invoke(app, ["schedule", str(plan), "--simulate", "5"])
    assert result.exit_code == 2
    assert "products[0].failure_probability: 100% is above 99%" in result.stderr


def test_the_installed_command_answers_bad_input_without_a_traceback(write: Write) -> None:
    plan = write(dump_yaml(edit(benchmark_data(), "rooms.0.changeover", "-1 wk")), "plan.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "genofab", "schedule", str(plan)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "rooms[0].changeover: '-1 wk' (-7 d) is below 0" in done.stderr


def test_the_gantt_is_in_calendar_dates_when_the_plan_has_a_start() -> None:
    from genofab.engines.scheduling.run import schedule_plan
    from genofab.model.plan import Plan
    from genofab.views.gantt import PALETTE, gantt_html

    data = dict(benchmark_data(), start="2027-01-04")
    result = schedule_plan(Plan.model_validate(data), "makespan", time_limit=2)
    page = gantt_html(result)
    assert "date (the plan starts 2027-01-04)" in page
    first = min(result.lots, key=lambda row: (row.start, row.lot))
    # a lot's tooltip gives its dates: start + weeks × 7 days
    start = result.start_date + dt.timedelta(days=7 * first.start)
    assert f"{first.lot} ({first.product}" in page and start.isoformat() in page
    assert len(set(PALETTE)) >= 20  # one colour per product for plans of 10+ products


def test_the_workbook_carries_the_profit_accounts_deliveries_and_rooms_needed(
    tmp_path: Path,
) -> None:
    import openpyxl

    plan = str(EXAMPLES / "schedule-stages-profit.yaml")
    folder = tmp_path / "out"
    result = runner.invoke(
        app, ["schedule", plan, "-o", str(folder), "-f", "json", "--time-limit", "2"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    book = openpyxl.load_workbook(folder / "schedule-stages-profit-schedule.xlsx")
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    accounts = data["profit"]
    assert summary["profit [EUR]"] == accounts["profit"]
    assert summary["sales [EUR]"] == accounts["sales"]
    assert summary["backlog cost [EUR]"] == accounts["backlog_cost"]
    assert summary["lots consumed (feeding others)"] == accounts["lots_consumed"] == 2
    deliveries = list(book["Deliveries"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[4], row[8]) for row in deliveries] == [
        (d["sponsor"], d["product"], d["lots_due"], d["sales"]) for d in data["deliveries"]
    ]
    needed = list(book["Rooms needed"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[2], row[3]) for row in needed] == [
        (r["rooms"], r["count"], r["needed"]) for r in data["rooms_needed"]
    ]
