"""The uncertainty options of the command line: spreads in JSON and tables, raw samples as
Parquet, and bad options refused with a clear message, exit status 2 and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from genofab import __version__
from genofab.engines.uncertainty.monte_carlo import MAX_SAMPLES
from genofab.results.run import HEADLINE
from genofab.views.cli import app
from tests.helpers import EXAMPLES

runner = CliRunner()
IGT = str(EXAMPLES / "lv-sickle-cell-industrial.yaml")
STATISTICS = {"value", "mean", "sd", "p5", "p50", "p95"}


def test_run_with_samples_gives_each_headline_figure_its_spread() -> None:
    result = runner.invoke(app, ["run", IGT, "--samples", "5000", "--seed", "11", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[: len(HEADLINE)] == list(HEADLINE)
    for key in (
        "doses_per_lot",
        "patients_per_lot",
        "lots_per_year",
        "patients_per_year",
        "years_to_treat_cohort",
        "cogs_per_dose",
    ):
        assert set(data[key]) >= STATISTICS, key
        assert data[key]["p5"] <= data[key]["p50"] <= data[key]["p95"]
    assert data["patients_per_lot"]["value"] == 400  # the deterministic figure
    assert set(data["fair_price_per_patient"]["total"]) >= STATISTICS
    assert set(data["lots_per_room_year"]["production_suite"]) >= STATISTICS
    assert data["bottleneck_room"]["value"] == "production_suite"
    assert 0 <= data["probability_of_meeting_demand"] <= 1
    run = data["monte_carlo"]
    assert (run["samples"], run["seed"], run["genofab_version"]) == (5000, 11, __version__)
    assert len(run["uncertain_inputs"]) == 9 and run["uncertain_inputs"][0]["source"]
    assert data["lot"]["patients_per_lot"] == 400  # the deterministic details follow


def test_the_same_seed_gives_the_same_json() -> None:
    first = runner.invoke(app, ["run", IGT, "-n", "3000", "--seed", "5", "-f", "json"])
    second = runner.invoke(app, ["run", IGT, "-n", "3000", "--seed", "5", "-f", "json"])
    assert first.stdout == second.stdout


def test_run_with_samples_prints_the_spread() -> None:
    result = runner.invoke(app, ["run", IGT, "-n", "2000"])
    assert result.exit_code == 0, result.output
    for text in (
        "Uncertain inputs",
        "Rank correlations",
        "Spread of the results",
        "probability of meeting the yearly demand",
        "2,000 samples, seed 1",
    ):
        assert text in result.stdout


def test_raw_samples_are_written_as_parquet(tmp_path: Path) -> None:
    target = tmp_path / "samples.parquet"
    result = runner.invoke(app, ["run", IGT, "-n", "2500", "--raw", str(target), "-f", "json"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(target)
    assert table.num_rows == 2500
    assert {"sample", "status", "process.steps[1].titer", "cogs_per_dose"} <= set(
        table.column_names
    )
    metadata = {k.decode(): v.decode() for k, v in table.schema.metadata.items()}
    assert metadata["seed"] == "1" and metadata["samples"] == "2500"
    assert json.loads(metadata["units"])["process.steps[1].titer"] == "TU/L"
    assert [p.name for p in tmp_path.iterdir()] == ["samples.parquet"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-n", "-5"], "--samples must be a positive whole number, got -5"),
        (["-n", str(MAX_SAMPLES + 1)], "add --force"),
        (["-n", "100", "--seed", "-1"], "--seed must be a whole number from 0 to"),
        (["--raw", "x.parquet"], "give --samples too"),
        (["-n", "100", "--raw", "samples.csv"], "name it *.parquet"),
        (["-n", "100", "--raw", "missing/x.parquet"], "does not exist"),
    ],
)
def test_bad_options_are_refused(
    arguments: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", IGT, *arguments])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_sensitivity_prints_the_tornado_and_writes_its_chart(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "sensitivity",
            IGT,
            "-r",
            "cogs_per_dose",
            "-n",
            "2000",
            "--sobol-samples",
            "128",
            "-o",
            str(tmp_path / "charts"),
        ],
    )
    assert result.exit_code == 0, result.output
    for text in ("cost of goods per dose (EUR)", "Spearman", "Sobol S1", "product.dose.moi"):
        assert text in result.stdout
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == [
        "tornado-cogs-per-dose.png",
        "tornado-cogs-per-dose.svg",
    ]


def test_sensitivity_json() -> None:
    result = runner.invoke(
        app, ["sensitivity", IGT, "-n", "2000", "--sobol-samples", "64", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "cogs_per_dose" in data["results"] and data["sobol_runs"] == 64 * 11
    first = data["tornado"]["cogs_per_dose"]["bars"][0]
    assert first["swing"] >= data["tornado"]["cogs_per_dose"]["bars"][-1]["swing"]


def test_sweep_prints_a_table_and_writes_csv_and_plots(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "sweep",
            IGT,
            "--set",
            "process.steps[1].titer=1e7 TU/mL,2e7 TU/mL",
            "--set",
            "process.steps[4].step_yield=40 %,0.6",
            "-n",
            "2000",
            "-r",
            "cogs_per_dose",
            "-o",
            str(tmp_path / "sweep"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "4 points × 2,000 samples" in result.stdout and "P(demand" in result.stdout
    written = sorted(p.name for p in (tmp_path / "sweep").iterdir())
    assert written == ["sweep-cogs-per-dose.png", "sweep-cogs-per-dose.svg", "sweep.csv"]
    rows = (tmp_path / "sweep" / "sweep.csv").read_text().splitlines()
    assert rows[0].startswith(
        "process.steps[1].titer,process.steps[4].step_yield,cogs_per_dose mean"
    )
    assert len(rows) == 5 and rows[1].startswith("10000000000.0,0.4,")


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("process.steps[1].tite=1e7 TU/mL", "did you mean 'process.steps[1].titer'"),
        ("process.steps[4].step_yield=1.4", "1.4 is above 1"),
        ("process.steps[1].titer=1e7 vg/mL", "give it in TU/L"),
        ("process.steps[1].titer", "--set takes PATH=V1,V2,..."),
    ],
)
def test_bad_sweep_options_are_refused(option: str, message: str) -> None:
    result = runner.invoke(app, ["sweep", IGT, "--set", option, "-n", "1000"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_sweep_above_the_cap_needs_force() -> None:
    values = ",".join(f"{0.3 + i / 1000:.3f}" for i in range(101))
    result = runner.invoke(
        app, ["sweep", IGT, "--set", f"process.steps[4].step_yield={values}", "-n", "1000000"]
    )
    assert result.exit_code == 2 and "add --force" in result.stderr


def test_compare_with_samples_gives_the_probability_that_b_beats_a() -> None:
    current = str(EXAMPLES / "lv-sickle-cell-current.yaml")
    result = runner.invoke(app, ["compare", current, IGT, "-n", "3000", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rows"][0]["metric"] == "amount_made"  # the deterministic comparison first
    chances = {c["result"]: c for c in data["monte_carlo"]["chances"]}
    assert chances["patients_per_year"]["b_better"] == 1.0
    assert chances["cogs_per_dose"]["better"] == "lower"
    table = runner.invoke(app, ["compare", current, IGT, "-n", "2000"])
    assert table.exit_code == 0 and "Probability that B beats A" in table.stdout


def test_compare_refuses_bad_samples() -> None:
    result = runner.invoke(app, ["compare", IGT, IGT, "-n", "0"])
    assert result.exit_code == 2 and "--samples must be a positive" in result.stderr


def test_validate_counts_the_uncertainties_and_their_sources() -> None:
    result = runner.invoke(app, ["validate", IGT])
    assert result.exit_code == 0
    assert "9 with an uncertainty, all with a source" in result.stdout
