"""One-way sensitivity over every numeric input (no distribution needed), worked by hand on
the tiny plant, and run on every template and the industrial example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genofab.engines.uncertainty.sensitivity import one_way, one_way_ends
from genofab.io.templates import templates
from genofab.views.cli import app
from tests.engines.test_economics import TOTAL
from tests.helpers import EXAMPLES, tiny_costed, uncertain_tiny


def test_each_input_moves_twenty_percent_and_the_result_follows() -> None:
    result = one_way(tiny_costed(), results=["cogs_per_dose"])
    bars = {bar.path: bar for bar in result.tornado["cogs_per_dose"].bars}
    assert result.tornado["cogs_per_dose"].base == pytest.approx(TOTAL / 1_050)
    staff = bars["economics.cost_per_fte_year"]
    assert (staff.low_input, staff.high_input) == pytest.approx((80_000, 120_000))
    # labour 700 k ± 140 k, and overhead 10 % of it
    assert staff.at_low == pytest.approx((TOTAL - 154_000) / 1_050)
    assert staff.at_high == pytest.approx((TOTAL + 154_000) / 1_050)
    assert staff.swing == pytest.approx(308_000 / 1_050)
    swings = [bar.swing for bar in result.tornado["cogs_per_dose"].bars if bar.swing is not None]
    assert swings == sorted(swings, reverse=True)


def test_ends_stay_inside_their_fields_and_count_whole_things() -> None:
    ends = {item.path: item for item in one_way_ends(tiny_costed())}
    tff = ends["process.steps[3].step_yield"]  # 80 %
    assert (tff.low, tff.high) == pytest.approx((0.64, 0.96))
    capture = ends["process.steps[2].step_yield"]
    assert (capture.low, capture.high) == pytest.approx((0.4, 0.6))
    assert "facility.rooms[1].count" not in ends  # one room: 0.8 and 1.2 both round to 1
    assert "economics.lot_failure_probability" not in ends  # 0 ± 20 % is 0
    assert (
        ends["process.steps[5].sample_vials"].low,
        ends["process.steps[5].sample_vials"].high,
    ) == (8, 12)


def test_an_input_with_a_distribution_moves_to_its_p10_and_p90() -> None:
    scenario = uncertain_tiny()
    titer = next(item for item in one_way_ends(scenario) if item.path == "process.steps[1].titer")
    # lognormal, median 1e7 TU/mL, GSD 1.3: P10 and P90 are 1e7 × 1.3^∓1.2816
    assert titer.low == pytest.approx(1e10 * 1.3**-1.2815516, rel=1e-6)
    assert titer.high == pytest.approx(1e10 * 1.3**1.2815516, rel=1e-6)
    assert titer.basis == "P10–P90"


@pytest.mark.parametrize("name", list(templates()))
def test_every_template_needs_no_distribution(name: str, tmp_path: Path) -> None:
    from genofab.io.templates import write_template

    path = tmp_path / f"{name}.yaml"
    write_template(name, path)
    result = CliRunner().invoke(
        app,
        [
            "sensitivity",
            str(path),
            "--all-inputs",
            "-r",
            "fair_price_per_patient.total",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    tornado = json.loads(result.stdout)["tornado"]["fair_price_per_patient.total"]
    assert tornado["bars"] and tornado["bars"][0]["swing"] > 0


def test_on_the_industrial_example_development_cost_outranks_moi() -> None:
    from genofab.io.scenario_file import load_scenario

    scenario = load_scenario(EXAMPLES / "lv-sickle-cell-industrial.yaml").scenario
    bars = (
        one_way(scenario, results=["fair_price_per_patient.total"])
        .tornado["fair_price_per_patient.total"]
        .bars
    )
    rank = [bar.path for bar in bars]
    assert rank.index("economics.pricing.development_cost") < rank.index("product.dose.moi")
