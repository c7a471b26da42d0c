"""What a plain run leads with when inputs are uncertain: the deterministic value's rank in its
own spread (worked by hand), inputs at a bound of their distribution, and the command line
leading with the spread (``--samples 0``: the deterministic run alone)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from genofab.engines.uncertainty.headline_spread import (
    DEFAULT_SAMPLES,
    bound_inputs,
    percentile_rank,
    scenario_headline_spread,
)
from genofab.engines.uncertainty.sampling import sampling_plan
from genofab.views.cli import app
from tests.helpers import EXAMPLES, tiny_scenario

runner = CliRunner()
IGT = str(EXAMPLES / "lv-sickle-cell-industrial.yaml")
CHAIN = str(EXAMPLES / "sickle-cell-gene-therapy.yaml")


def test_percentile_rank_counts_below_and_half_the_ties() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0, np.nan])  # NaN: a sample with no value
    assert percentile_rank(values, 3.0) == pytest.approx(100 * (2 + 0.5) / 4)
    assert percentile_rank(values, 5.0) == 100
    assert percentile_rank(values, 0.5) == 0
    assert percentile_rank(np.full(7, 2.0), 2.0) == 50
    assert percentile_rank(np.array([np.nan]), 1.0) is None


FAILURE = "economics.lot_failure_probability"
PERT = {"kind": "pert", "low": 0, "mode": 0.04, "high": 0.14}
GROWTH = "process.steps.1.duration"


@pytest.mark.parametrize(
    ("path", "value", "distribution", "bound"),
    [
        (FAILURE, 0.0, PERT, "minimum"),
        (FAILURE, 0.14, PERT, "maximum"),
        (FAILURE, 0.04, PERT, None),
        (GROWTH, "5 d", {"kind": "normal", "mean": "5 d", "sd": "1 d", "low": "5 d"}, "minimum"),
        (GROWTH, "5 d", {"kind": "lognormal", "median": "5 d", "gsd": 1.2}, None),  # no end
    ],
)
def test_an_input_at_an_end_of_its_range_is_flagged(
    path: str, value: object, distribution: dict[str, object], bound: str | None
) -> None:
    scenario = tiny_scenario(
        ("economics", {"currency": "EUR"}),
        (path, {"value": value, "uncertainty": distribution}),
    )
    found = bound_inputs([(None, sampling_plan(scenario))])
    assert [flag.bound for flag in found] == ([bound] if bound else [])
    if bound:
        assert found[0].path == path.replace(".1.", "[1].")


def test_no_spread_without_a_distribution() -> None:
    assert scenario_headline_spread(tiny_scenario()) is None


def test_run_leads_with_the_spread_and_samples_0_is_the_deterministic_run() -> None:
    table = runner.invoke(app, ["run", IGT])
    assert table.exit_code == 0, table.output
    out = table.stdout
    lead = f"median [P5–P95] over {DEFAULT_SAMPLES:,} samples"
    assert out.index(lead) < out.index("Mass balance")
    assert "economics.lot_failure_probability = 0 is the minimum of its range" in out
    assert "product.dose.moi = 10 1/cell is the minimum of its range" in out
    data = json.loads(runner.invoke(app, ["run", IGT, "-f", "json"]).stdout)
    assert next(iter(data)) == "headline_spread"
    figures = {figure["name"]: figure for figure in data["headline_spread"]["figures"]}
    patients = figures["patients_per_lot"]
    assert patients["value"] == data["patients_per_lot"] == 400
    assert patients["p5"] <= patients["p50"] <= patients["p95"]
    assert 50 < patients["base_percentile"] < 100  # the best case sits high in its spread
    plain = json.loads(runner.invoke(app, ["run", IGT, "-f", "json", "--samples", "0"]).stdout)
    assert "headline_spread" not in plain
    assert plain == {k: v for k, v in data.items() if k != "headline_spread"}
    chain = json.loads(runner.invoke(app, ["run", CHAIN, "-f", "json"]).stdout)
    names = [figure["name"] for figure in chain["headline_spread"]["figures"]]
    assert names[:2] == ["patients_per_year", "cost_per_patient.total"]
    assert "cost_per_patient.by_stage.vector" in names
    assert {flag["stage"] for flag in chain["headline_spread"]["bounds"]} <= {
        "vector",
        "cell_product",
    }
