"""The command line: each command's output, and bad input answered with a clear message on
stderr, exit status 2 and no traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genofab import __version__
from genofab.views.cli import app
from tests.helpers import EXAMPLES, ROOT, dump_yaml, edit, tiny_data

runner = CliRunner()
IGT = str(EXAMPLES / "lv-sickle-cell-industrial.yaml")
CURRENT = str(EXAMPLES / "lv-sickle-cell-current.yaml")
Write = Callable[..., Path]


def test_run_prints_the_tables() -> None:
    result = runner.invoke(app, ["run", IGT, "--inputs"])
    assert result.exit_code == 0, result.output
    for title in ("Inputs", "Mass balance of one lot (TU)", "One lot", "Capacity", "Facility"):
        assert title in result.stdout
    assert "bottleneck" in result.stdout and "9,600" in result.stdout
    assert "S12: 1.5 ± 0.3 × 10⁷ TU/mL" in result.stdout  # inputs are shown with their sources


def test_run_json_is_one_object_with_the_headline_keys() -> None:
    result = runner.invoke(app, ["run", IGT, "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    for key in (
        "doses_per_lot",
        "patients_per_lot",
        "vials_per_lot",
        "lot_duration_days",
        "suite_occupancy_days",
        "lots_per_room_year",
        "bottleneck_room",
        "lots_per_year",
        "patients_per_year",
        "years_to_treat_cohort",
        "rooms_needed",
    ):
        assert key in data
    assert data["lots_per_room_year"]["production_suite"] == 24
    assert data["scenario"]["sha256"] and data["genofab_version"] == __version__
    assert {row["path"]: row["source"] for row in data["inputs"]}[
        "process.steps[1].titer"
    ].startswith("S12")


def test_compare_shows_ratios() -> None:
    result = runner.invoke(app, ["compare", CURRENT, IGT, "--format", "json"])
    assert result.exit_code == 0
    rows = {row["metric"]: row for row in json.loads(result.stdout)["rows"]}
    assert rows["patients_per_lot"]["ratio"] == pytest.approx(100)
    assert rows["patients_per_year"]["ratio"] == pytest.approx(400)
    assert rows["bottleneck_room"]["ratio"] is None
    assert rows["cogs_per_dose"]["unit"] == "EUR/dose"
    cost = rows["cogs_per_dose"]
    assert cost["ratio"] == pytest.approx(cost["b"] / cost["a"])
    # parameters.md 6.2: EUR 100–160 k per patient at 4 a lot, EUR 1,000–1,600 at 400: ≈ 1/100
    assert 1 / 200 < cost["ratio"] < 1 / 50
    table = runner.invoke(app, ["compare", CURRENT, IGT])
    assert table.exit_code == 0 and "400×" in table.stdout and "B ÷ A" in table.stdout


def test_validate_reports_valid_files() -> None:
    result = runner.invoke(app, ["validate", IGT, CURRENT])
    assert result.exit_code == 0
    assert result.stdout.count("valid (") == 2 and "all with a source" in result.stdout


def test_schema_is_json_schema(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"].startswith("genofab scenario")
    assert "process" in schema["properties"]
    target = tmp_path / "schema.json"
    assert runner.invoke(app, ["schema", "-o", str(target)]).exit_code == 0
    assert json.loads(target.read_text()) == schema


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


@pytest.mark.parametrize("command", ["run", "validate"])
def test_a_bad_file_exits_2_with_every_problem_named(write: Write, command: str) -> None:
    data = edit(
        edit(tiny_data(), "process.steps.2.step_yield", 1.4), "process.steps.3.room", "cellar"
    )
    path = write(dump_yaml(data))
    result = runner.invoke(app, [command, str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{path}:" in result.stderr
    assert "process.steps[2].step_yield: 1.4 is above 1" in result.stderr
    assert "process.steps[3].room: 'cellar' is not a room kind" in result.stderr


def test_an_infeasible_lot_exits_2(write: Write) -> None:
    path = write(dump_yaml(edit(tiny_data(), "product.dose.amount", "1e15 TU")))
    result = runner.invoke(app, ["run", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert "product.dose: a dose needs 1e+15 TU" in result.stderr
    assert result.stdout == ""


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr


def test_the_installed_command_prints_json() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "genofab", "run", CURRENT, "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(done.stdout)["lots_per_year"] == 6


def test_run_shows_the_cost_of_goods_and_the_fair_price() -> None:
    result = runner.invoke(app, ["run", IGT, "--no-inputs"])
    assert result.exit_code == 0
    # the IGT vector is a material of the therapy: its price is labelled as such
    for title in ("Cost of goods (EUR)", "Cost of one lot by step", "Vector cost per patient"):
        assert title in result.stdout
    data = json.loads(runner.invoke(app, ["run", IGT, "-f", "json"]).stdout)
    for key in (
        "cogs_per_lot",
        "cogs_per_dose",
        "cogs_per_patient",
        "cost_breakdown",
        "fair_price_per_patient",
    ):
        assert data[key] is not None
    total = data["cost_breakdown"].pop("total")
    assert sum(data["cost_breakdown"].values()) == pytest.approx(total)


def test_scale_sweeps_the_demand() -> None:
    result = runner.invoke(
        app,
        [
            "scale",
            IGT,
            "--vary",
            "demand.patients_per_year=10..10000",
            "--points",
            "20",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    sweep = json.loads(result.stdout)
    assert len(sweep["points"]) == 20
    costs = [point["cost_per_dose"] for point in sweep["points"]]
    assert costs[0] > 10 * costs[-1]
    table = runner.invoke(
        app,
        ["scale", IGT, "--vary", "process.steps[1].working_volume=50 L..400 L", "--points", "4"],
    )
    assert table.exit_code == 0 and "Economies of scale" in table.stdout


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ("demand.patient_per_year=10..100", "did you mean 'demand.patients_per_year'"),
        ("demand.patients_per_year=10", "--vary takes PATH=LOW..HIGH"),
        ("process.steps[1].working_volume=50..400", "is a plain number; expected a volume"),
        ("process.steps[3].step_yield=0.5..1.5", "1.5 is above 1"),
    ],
)
def test_scale_refuses_bad_ranges(vary: str, message: str) -> None:
    result = runner.invoke(app, ["scale", IGT, "--vary", vary])
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_infeasible_lot_is_placed_in_the_file(write: Write) -> None:
    data = edit(tiny_data(), "process.steps.5.sample_vials", 100)
    text = dump_yaml(data)
    path = write(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "sample_vials: 100" in row)
    for command in (["run", str(path)], ["validate", str(path)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        assert f"{path}:{line}:" in result.stderr
        assert "process.steps[5].sample_vials: QC takes 100 containers" in result.stderr


def test_a_room_too_slow_for_a_year_is_placed_in_the_file(write: Write) -> None:
    path = write(dump_yaml(edit(tiny_data(), "process.steps.5.duration", "400 d")))
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert f"{path}:" in result.stderr and "facility.rooms[3]" in result.stderr


def test_compare_names_the_file_that_cannot_deliver(write: Write) -> None:
    path = write(dump_yaml(edit(tiny_data(), "product.dose.amount", "1e15 TU")))
    result = runner.invoke(app, ["compare", CURRENT, str(path)])
    assert result.exit_code == 2
    assert f"{path}:" in result.stderr and "product.dose" in result.stderr


def test_markup_in_names_is_shown_as_written(write: Write) -> None:
    path = write(dump_yaml(edit(tiny_data(), "process.steps.2.name", "Capture [/bold] [red]x")))
    result = runner.invoke(app, ["run", str(path), "--no-inputs"])
    assert result.exit_code == 0, result.output
    assert "Capture [/bold] [red]x" in result.stdout


BAD_FILES = {
    "yield above 1": ("process.steps.2.step_yield", 1.4, "1.4 is above 1"),
    "negative volume": ("process.steps.1.working_volume", "-10 L", "is below 0"),
    "wrong dimension": ("process.steps.1.working_volume", "10 kg", "is a mass"),
    "locale number": ("process.steps.1.titer", "1,5e7 TU/mL", "no thousands separators"),
    "unknown key": ("process.steps.2.step_yeild", 0.5, "did you mean 'step_yield'"),
    "unknown room": ("process.steps.2.room", "suit", "did you mean 'suite'"),
    "no steps": ("process.steps", [], "at least 1 item"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_through_the_real_command(write: Write, case: str) -> None:
    path, value, message = BAD_FILES[case]
    file = write(dump_yaml(edit(tiny_data(), path, value)))
    done = subprocess.run(
        [sys.executable, "-m", "genofab", "run", str(file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert message in done.stderr
    assert re.search(rf"{re.escape(str(file))}:\d+:\d+: ", done.stderr)
    assert done.stdout == ""


def test_validate_takes_plan_files(write: Write) -> None:
    plan = EXAMPLES / "schedule-4-suites.yaml"
    result = runner.invoke(app, ["validate", str(plan), IGT])
    assert result.exit_code == 0, result.output
    assert "valid plan (3 products, 3 demands)" in result.stdout
    bad = write(
        plan.read_text(encoding="utf-8").replace(
            "format: genofab-plan/1", "format: genofab-plan/1\ncolour: red"
        )
    )
    refused = runner.invoke(app, ["validate", str(bad)])
    assert refused.exit_code == 2
    assert "unknown field 'colour'" in refused.stderr


def test_compare_without_economics_leaves_the_cost_rows_empty(write: Write) -> None:
    result = runner.invoke(app, ["compare", str(write(dump_yaml(tiny_data()))), IGT, "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["metric"]: row for row in json.loads(result.stdout)["rows"]}
    assert rows["cogs_per_dose"]["a"] is None and rows["cogs_per_dose"]["ratio"] is None
