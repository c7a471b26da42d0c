"""``genofab run`` and ``validate`` on outlook files, good and bad, through the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genofab.views.cli import app
from tests.engines.demand.test_outlook_run import tiny_outlook, write_outlook
from tests.helpers import EXAMPLES

runner = CliRunner()


def test_example_json_gives_figures_by_year_and_the_build_plan() -> None:
    done = runner.invoke(
        app, ["run", str(EXAMPLES / "sickle-cell-europe.yaml"), "--format", "json"]
    )
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    years = data["year"]
    assert years == list(range(2028, 2048))
    for key in (
        "patients_needing",
        "patients_treated",
        "patients_waiting",
        "cost_per_dose",
        "capital_spent",
    ):
        assert len(data[key]) == len(years)
    assert isinstance(data["build_plan"], list)
    names = [case["name"] for case in data["cases"]]
    assert names == ["industrial_process", "industrial_best_case", "current_best_case"]
    # the same patients need therapy whichever process makes it
    first, *others = data["cases"]
    for other in others:
        assert [y["patients_needing"] for y in first["years"]] == [
            y["patients_needing"] for y in other["years"]
        ]
    # vector on the cells at transduction (20 × 10⁶/kg) takes 20/3 times the best case's
    # vector a patient: about ten times the suite-years once whole vials and doses are counted
    best = first["product_rates"][0]["room_years_per_patient"]["vector_suite"]
    dossier = others[0]["product_rates"][0]["room_years_per_patient"]["vector_suite"]
    assert best > 6 * dossier


def test_example_table_with_samples() -> None:
    done = runner.invoke(
        app, ["run", str(EXAMPLES / "sickle-cell-europe.yaml"), "--samples", "200", "--seed", "2"]
    )
    assert done.exit_code == 0, done.output
    assert "Case industrial_process" in done.stdout and "P(met)" in done.stdout


def test_bad_outlook_exits_2_with_its_line(tmp_path: Path) -> None:
    outlook = tiny_outlook()
    outlook["products"][0]["indications"] = ["nope"]
    path = write_outlook(tmp_path, outlook)
    done = runner.invoke(app, ["run", str(path)])
    assert done.exit_code == 2
    assert f"{path}:" in done.stderr and "products[0].indications[0]" in done.stderr
    assert "Traceback" not in done.output


def test_samples_out_of_range(tmp_path: Path) -> None:
    path = write_outlook(tmp_path, tiny_outlook())
    done = runner.invoke(app, ["run", str(path), "--samples", "0"])
    assert done.exit_code == 2 and "--samples 0" in done.stderr


def test_validate_reports_an_outlook(tmp_path: Path) -> None:
    path = write_outlook(tmp_path, tiny_outlook())
    done = runner.invoke(app, ["validate", str(path)])
    assert done.exit_code == 0 and "valid outlook" in done.stdout


def test_report_of_an_outlook_writes_its_figures_and_numbers(tmp_path: Path) -> None:
    """The report's JSON carries the same figures as `run --format json`; each case has its
    patients and build-plan figures, in PNG and SVG."""
    example = str(EXAMPLES / "sickle-cell-europe.yaml")
    done = runner.invoke(app, ["report", example, "-o", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    written = json.loads((tmp_path / "out" / "sickle-cell-europe.json").read_text("utf-8"))
    ran = json.loads(runner.invoke(app, ["run", example, "-f", "json"]).stdout)
    for key in ("patients_needing", "patients_treated", "patients_waiting", "build_plan"):
        assert written[key] == ran[key]
    figures = {path.name for path in (tmp_path / "out" / "figures").iterdir()}
    for case in ("industrial_process", "industrial_best_case", "current_best_case"):
        for kind in ("patients", "build"):
            assert {
                f"sickle-cell-europe-{case}-{kind}.png",
                f"sickle-cell-europe-{case}-{kind}.svg",
            } <= figures
    html = (tmp_path / "out" / "sickle-cell-europe.html").read_text("utf-8")
    assert "<svg" in html and "Build plan" in html


def test_outlook_and_network_tables_fit_80_columns_whole() -> None:
    """At 80 columns every line fits and no cell is cut (tables split instead)."""
    for name in ("sickle-cell-europe.yaml", "car-t-network.yaml"):
        done = runner.invoke(app, ["run", str(EXAMPLES / name)], env={"COLUMNS": "80"})
        assert done.exit_code == 0, done.output
        lines = done.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80
        assert "…" not in done.stdout


def test_bad_waiting_losses_exit_2_at_their_field(tmp_path: Path) -> None:
    """A loss rate above 100 % and a loss penalty under objective 'patients' are refused."""
    outlook = tiny_outlook()
    outlook["indications"][0]["waiting_loss_rate"] = "150 %"
    done = runner.invoke(app, ["run", str(write_outlook(tmp_path, outlook))])
    assert done.exit_code == 2 and "indications[0].waiting_loss_rate" in done.stderr
    assert "outlook.yaml:" in done.stderr and "Traceback" not in done.output
    outlook = tiny_outlook()
    outlook.update(objective="patients", capital_budget="1 MEUR", loss_penalty="1 EUR/patient")
    done = runner.invoke(app, ["run", str(write_outlook(tmp_path, outlook))])
    assert done.exit_code == 2 and "loss_penalty" in done.stderr


@pytest.mark.parametrize(
    ("chain", "keep_stages", "message"),
    [
        ("../chain.yaml", False, "climbs outside"),
        ("tiny.yaml", False, "tiny.yaml"),  # a scenario, not a chain
        ("nowhere.yaml", False, "nowhere.yaml"),
        ("tiny.yaml", True, "not both"),
    ],
)
def test_a_bad_chain_reference_exits_2_at_its_field(
    tmp_path: Path, chain: str, keep_stages: bool, message: str
) -> None:
    outlook = tiny_outlook()
    if not keep_stages:
        outlook["products"][0].pop("stages")
    outlook["products"][0]["chain"] = chain
    done = runner.invoke(app, ["run", str(write_outlook(tmp_path, outlook))])
    assert done.exit_code == 2, done.output
    assert "products[0].chain" in done.stderr and message in done.stderr
    assert "outlook.yaml:" in done.stderr and "Traceback" not in done.output
