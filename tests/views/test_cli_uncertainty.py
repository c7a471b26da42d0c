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
        (["-n", "0"], "--samples must be a positive whole number, got 0"),
        (["-n", "-5"], "--samples must be a positive whole number, got -5"),
        (["-n", str(MAX_SAMPLES + 1)], "add --force"),
        (["-n", "100", "--seed", "-1"], "--seed must be a non-negative whole number"),
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
