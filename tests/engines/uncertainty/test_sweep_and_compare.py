"""Sweeps and probabilistic comparisons: each sweep point is the Monte Carlo of the scenario
with its values set; B against itself always ties; a better process wins most samples."""

from __future__ import annotations

import pytest

from genofab.engines.uncertainty.compare import compare_spread
from genofab.engines.uncertainty.monte_carlo import monte_carlo
from genofab.engines.uncertainty.sweep import grid_points, sweep
from genofab.errors import UsageError
from genofab.model import Scenario
from tests.helpers import edit, uncertain_tiny, uncertain_tiny_data

YIELD = "process.steps[2].step_yield"
DURATION = "process.steps[1].duration"


def test_each_point_is_the_monte_carlo_with_its_values_set() -> None:
    scenario = uncertain_tiny()
    result = sweep(scenario, {YIELD: [0.4, 0.6], DURATION: [5.0]}, 3_000, 9, chunk_size=2_000)
    assert [point.values for point in result.points] == [
        {YIELD: 0.4, DURATION: 5.0},
        {YIELD: 0.6, DURATION: 5.0},
    ]
    alone = monte_carlo(scenario, 3_000, 9, fixed={YIELD: 0.6, DURATION: 5.0})
    assert result.points[1].results == alone.results
    assert alone.fixed == {YIELD: 0.6, DURATION: 5.0}
    assert [item.path for item in alone.uncertain_inputs] == [
        "process.steps[1].titer",
        "economics.lot_failure_probability",
    ]  # the swept parameters are no longer drawn; their correlation is dropped
    assert alone.correlations == ()
    low, high = (point.results["doses_per_lot"].mean for point in result.points)
    assert low < high  # type: ignore[operator]


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ({"process.steps[2].step_yeild": [0.5]}, "did you mean 'process.steps[2].step_yield'"),
        ({YIELD: [1.4]}, "1.4 is above 1"),
        ({YIELD: []}, "has no value: give at least one"),
        ({}, "give at least one parameter and its values"),
        ({YIELD: [0.5] * 101, DURATION: [5.0] * 100}, "at most 10,000"),
    ],
)
def test_bad_grids_are_refused(grid: dict[str, list[float]], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("]", r"\]")):
        grid_points(uncertain_tiny(), grid)


def test_a_scenario_against_itself_always_ties() -> None:
    scenario = uncertain_tiny()
    result = compare_spread(scenario, scenario, 4_000, 2, chunk_size=1_000)
    assert {chance.tie for chance in result.chances} == {1.0}
    assert set(result.common_inputs) == {
        "process.steps[1].duration",
        "process.steps[1].titer",
        "process.steps[2].step_yield",
        "economics.lot_failure_probability",
    }


def test_a_higher_titer_beats_the_base_on_common_random_numbers() -> None:
    base = uncertain_tiny()
    better = Scenario.model_validate(
        edit(
            uncertain_tiny_data(),
            "process.steps.1.titer",
            {
                "value": 2e7,
                "unit": "TU/mL",
                "uncertainty": {"kind": "lognormal", "median": 2e7, "gsd": 1.3},
            },
        )
    )
    one = compare_spread(base, better, 6_000, 3, chunk_size=1_000)
    other = compare_spread(base, better, 6_000, 3, chunk_size=6_000)
    assert one == other  # any chunking
    chances = {chance.result: chance for chance in one.chances}
    doses = chances["doses_per_lot"]
    # the same draws, twice the titer: never fewer doses, usually more
    assert doses.b_worse == 0.0 and doses.b_better > 0.9
    assert chances["cogs_per_dose"].b_better > 0.9
    assert chances["cogs_per_dose"].better == "lower"
    assert doses.mean_b > doses.mean_a  # type: ignore[operator]
