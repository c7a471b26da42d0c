"""Economies of scale: sweeps of one parameter in one vectorised pass."""

from __future__ import annotations

import numpy as np
import pytest

from genofab.engines.run import evaluate
from genofab.engines.scale import scale, sweep_points
from genofab.errors import UsageError
from tests.helpers import tiny_costed


def test_each_point_equals_a_run_with_that_value() -> None:
    scenario = tiny_costed()
    sweep = scale(scenario, "demand.patients_per_year", np.array([300.0, 900.0, 3000.0]))
    for point, demand in zip(sweep.points, (300, 900, 3000), strict=True):
        alone = evaluate(tiny_costed(("demand.patients_per_year", demand))).economics
        assert alone is not None
        assert point.cost_per_dose == pytest.approx(alone.cogs_per_dose)
        assert point.per_dose_by_category == pytest.approx(
            {name: line.per_dose for name, line in alone.cost_breakdown.items() if name != "total"}
        )


def test_breakdowns_add_up_at_every_point() -> None:
    sweep = scale(tiny_costed(), "process.steps[1].working_volume", np.geomspace(1, 100, 9))
    for point in sweep.points:
        assert point.per_dose_by_category is not None and point.per_dose_by_cause is not None
        assert sum(point.per_dose_by_category.values()) == pytest.approx(point.cost_per_dose)
        assert sum(point.per_dose_by_cause.values()) == pytest.approx(point.cost_per_dose)


def test_a_point_that_makes_no_dose_is_reported_not_raised() -> None:
    sweep = scale(tiny_costed(), "process.steps[1].titer", np.array([1e3, 1e10]))  # TU/L
    assert sweep.points[0].status == "no whole dose per lot"
    assert sweep.points[0].cost_per_dose is None
    assert sweep.points[1].status == "ok"


def test_sweeping_the_suites_changes_the_rooms() -> None:
    scenario = tiny_costed(("demand.patients_per_year", 5000))
    grid = sweep_points(scenario, "facility.rooms[1].count", 1, 4, 10)
    assert grid.tolist() == [1, 2, 3, 4]  # whole rooms, no repeats
    sweep = scale(scenario, "facility.rooms[1].count", grid)
    assert [point.rooms["suite"] for point in sweep.points] == [1, 2, 3, 4]
    assert [point.lots_per_year for point in sweep.points] == [35, 50, 50, 50]


@pytest.mark.parametrize(
    ("path", "points", "message"),
    [
        ("demand.patient_per_year", [1.0, 2.0], "did you mean 'demand.patients_per_year'"),
        ("process.steps[2].step_yield", [0.5, 1.5], "1.5 is above 1"),
        ("facility.rooms[1].count", [0.0, 2.0], "0 is below 1"),
    ],
)
def test_bad_sweeps_are_refused(path: str, points: list[float], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        scale(tiny_costed(), path, np.array(points))


def test_log_points_need_positive_ends() -> None:
    with pytest.raises(UsageError, match="positive ends"):
        sweep_points(tiny_costed(), "demand.patients_per_year", 0, 10, 5, log=True)
    with pytest.raises(UsageError, match="between 2 and"):
        sweep_points(tiny_costed(), "demand.patients_per_year", 1, 10, 1)
