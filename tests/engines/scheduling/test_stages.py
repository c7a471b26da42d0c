"""A conversion between stages (``made_from``): one lot of an upstream product feeds n lots of
a downstream one, each of which starts only once its feeder is released. Worked by hand on
``examples/schedule-stages.yaml``: vector lots (2 wk make, 4 wk QC) feed 4 CAR-T lots each
(2 wk expansion in one of 2 cell suites, 2 wk QC); CAR-T lots are due at ⌈30·k/8⌉ wk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genofab.engines.scheduling.instance import Instance, compile_plan
from genofab.engines.scheduling.lot_model import solve_lot_model
from genofab.engines.scheduling.montecarlo import FixedPlan, Multipliers, draw_samples, simulate
from genofab.engines.scheduling.rules import earliest_due_date, place_lots
from genofab.engines.scheduling.solve import plan_schedule
from genofab.engines.scheduling.timetable import Placement, Timetable, assess
from genofab.io.plan_file import load_plan
from genofab.model.plan import Plan
from tests.helpers import EXAMPLES, dump_yaml, load_only_problem
from tests.schedule_plans import instance_of

EXAMPLE = EXAMPLES / "schedule-stages.yaml"


def example() -> Instance:
    return compile_plan(load_plan(EXAMPLE).plan)


def stages_data(lots: Any = 4, upstream: int = 2, downstream: int = 8) -> dict[str, Any]:
    """A small two-stage plan: vector lots feed ``lots`` cell lots each."""
    return {
        "format": "genofab-plan/1",
        "name": "stages",
        "time_step": "1 wk",
        "horizon": "40 wk",
        "products": [
            {
                "name": "vector",
                "phases": [
                    {"name": "make", "room": "vector_suite", "duration": "2 wk"},
                    {"name": "release", "room": "qc_lab", "duration": "4 wk"},
                ],
                "cost_per_lot": "400000 EUR/lot",
            },
            {
                "name": "cells",
                "made_from": {"product": "vector", "lots": lots},
                "phases": [
                    {"name": "expand", "room": "cell_suite", "duration": "2 wk"},
                    {"name": "release", "room": "qc_lab", "duration": "2 wk"},
                ],
                "cost_per_lot": "150000 EUR/lot",
            },
        ],
        "rooms": [
            {"name": "vector_suite"},
            {"name": "cell_suite", "count": 2},
            {"name": "qc_lab", "capacity": 4},
        ],
        "demands": [
            {"sponsor": "platform", "product": "vector", "lots": upstream, "due": "10 wk"},
            {
                "sponsor": "hospital",
                "product": "cells",
                "lots": downstream,
                "due": "30 wk",
                "spread": "even",
            },
        ],
    }


def feeds_respected(instance: Instance, timetable: Timetable) -> None:
    lots = timetable.by_lot()
    for lot in instance.lots:
        if lot.feeder is not None and lot.index in lots:
            assert lot.feeder in lots
            assert lots[lot.index][0].start >= lots[lot.feeder][-1].end


def test_each_downstream_lot_is_fed_by_upstream_lot_k_div_n() -> None:
    instance = example()
    vector = [lot.index for lot in instance.lots if lot.product == 0]
    cells = [lot for lot in instance.lots if lot.product == 1]
    assert len(vector) == 2 and len(cells) == 8
    assert [lot.feeder for lot in cells] == [vector[0]] * 4 + [vector[1]] * 4
    assert all(lot.feeder is None for lot in instance.lots if lot.product == 0)


def _two_lots(cell_start: int) -> tuple[Instance, Timetable]:
    instance = instance_of(stages_data(lots=4, upstream=1, downstream=1))
    vector, cell = instance.lots[0].index, instance.lots[1].index
    assert instance.lots[1].feeder == vector
    placements = (
        Placement(vector, 0, 0, 0, 0, 2),
        Placement(vector, 1, 2, 0, 2, 6),  # released at week 6
        Placement(cell, 0, 1, 0, cell_start, cell_start + 2),
        Placement(cell, 1, 2, 0, cell_start + 2, cell_start + 4),
    )
    return instance, Timetable(placements, ())


def test_the_checker_refuses_a_lot_started_before_its_feeder_is_released() -> None:
    instance, early = _two_lots(5)
    violations = assess(instance, early).violations
    assert any("before lot 0 that feeds it is released (step 6)" in v for v in violations)
    instance, on_time = _two_lots(6)
    assert assess(instance, on_time).feasible


def test_the_checker_refuses_a_lot_whose_feeder_is_not_made() -> None:
    instance, timetable = _two_lots(6)
    alone = Timetable(tuple(p for p in timetable.placements if p.lot != 0), ())
    violations = assess(instance, alone, all_lots=False).violations
    assert violations == ("lot 1 is made but lot 0, which feeds it, is not",)


def test_the_rule_based_floor_places_feeders_first_and_waits_for_their_release() -> None:
    instance = example()
    # downstream lots first: the floor still places each feeder before the lots it feeds
    order = sorted(range(len(instance.lots)), key=lambda i: -instance.lots[i].product)
    for timetable in (place_lots(instance, order), earliest_due_date(instance)):
        assert assess(instance, timetable).feasible
        feeds_respected(instance, timetable)
        starts = sorted(p.start for p in timetable.placements if p.phase == 0)
        # vector lots start at 0 and 2 (one suite), released at 6 and 8
        assert starts[:2] == [0, 2] and min(starts[2:]) == 6


def test_a_lot_whose_feeder_is_left_out_is_left_out_too() -> None:
    instance = example()
    fed = [lot.index for lot in instance.lots if lot.product == 1]
    timetable = place_lots(instance, fed)  # no vector lot in the order
    assert not timetable.placements
    assert all("which feeds it, is not made" in reason for _, reason in timetable.left_out)


def test_the_lot_model_keeps_the_precedence() -> None:
    instance = example()
    solved = solve_lot_model(instance, "lateness", time_limit=10.0, work=20.0, workers=1)
    assert solved.timetable is not None
    assert assess(instance, solved.timetable).feasible
    feeds_respected(instance, solved.timetable)
    # by hand: CAR-T lots 1 and 2 (due 4 and 8 wk) cannot be released before 6 + 2 + 2 = 10
    assert assess(instance, solved.timetable).total_lateness == 8


def test_the_example_schedule_is_checked_and_hand_worked() -> None:
    instance = example()
    solution = plan_schedule(instance, "lateness", time_limit=5.0, workers=1)
    assert solution.timetable is not None and solution.assessment is not None
    assert assess(instance, solution.timetable).feasible
    feeds_respected(instance, solution.timetable)
    made = {p.lot for p in solution.timetable.placements}
    assert sum(instance.lots[lot].product == 0 for lot in made) == 2  # ⌈8 ÷ 4⌉
    assert solution.value == 8 and solution.status == "optimal"


def test_profit_counts_the_upstream_lots_cost() -> None:
    instance = example()
    timetable = earliest_due_date(instance)
    assessment = assess(instance, timetable, all_lots=False, inventory=True)
    assert assessment.production_cost == 2 * 400_000 + 8 * 150_000
    solution = plan_schedule(instance, "profit", time_limit=3.0, workers=1)
    assert solution.timetable is not None
    feeds_respected(instance, solution.timetable)


def test_a_simulated_lot_waits_for_its_feeders_simulated_release() -> None:
    data = stages_data()
    data["uncertainty"] = {"duration": {"low": 1, "mode": 1.5, "high": 2}}
    plan = Plan.model_validate(data)
    instance = compile_plan(plan)
    timetable = earliest_due_date(instance)
    fixed = FixedPlan.of(instance, timetable)
    rng = np.random.default_rng(1)
    samples = draw_samples(instance, fixed, Multipliers.of(plan.uncertainty), 200, rng)
    outcome = simulate(instance, fixed, samples)
    column = {lot: i for i, lot in enumerate(outcome.lots)}
    for lot in instance.lots:
        if lot.feeder is not None:
            # released after its feeder's (simulated) release plus its own 4 wk at least
            gap = outcome.release[:, column[lot.index]] - outcome.release[:, column[lot.feeder]]
            assert (gap >= 4 - 1e-9).all()


@pytest.mark.parametrize(
    ("lots", "field", "message"),
    [
        (0, "products[1].made_from.lots", "below 1"),
        (1.5, "products[1].made_from.lots", "whole"),
        (3, "products[1].made_from.lots", "that needs 3 lots of 'vector'"),
    ],
)
def test_bad_conversions_are_named(
    write: Callable[..., Path], lots: Any, field: str, message: str
) -> None:
    issue = load_only_problem(load_plan, write(dump_yaml(stages_data(lots=lots)), "plan.yaml"))
    assert issue.path == field
    assert message in issue.message
    assert issue.line is not None


def test_a_product_made_from_itself_an_unknown_product_or_a_cycle_is_named(
    write: Callable[..., Path],
) -> None:
    data = stages_data()
    data["products"][1]["made_from"]["product"] = "cells"
    issue = load_only_problem(load_plan, write(dump_yaml(data), "plan.yaml"))
    assert issue.path == "products[1].made_from.product"
    assert "cannot be made from itself" in issue.message
    data["products"][1]["made_from"]["product"] = "vectr"
    issue = load_only_problem(load_plan, write(dump_yaml(data), "plan.yaml"))
    assert "'vectr' is not a product of the plan" in issue.message
    data = stages_data()
    data["products"][0]["made_from"] = {"product": "cells", "lots": 1}
    with pytest.raises(ValueError, match="forms a cycle of stages: cells → vector → cells"):
        Plan.model_validate(data)


def test_the_cli_refuses_a_short_upstream_demand(write: Callable[..., Path]) -> None:
    from typer.testing import CliRunner

    from genofab.views.cli import app

    path = write(dump_yaml(stages_data(upstream=1)), "plan.yaml")
    result = CliRunner().invoke(app, ["schedule", str(path)])
    assert result.exit_code == 2
    assert "products[1].made_from.lots" in result.output
