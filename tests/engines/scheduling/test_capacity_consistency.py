"""For a single product, the scheduled throughput equals the capacity engine's lots per year:
the plan takes its phase from the scenario through the lot engine, its cleaning from the
scenario's changeover, and its horizon from the operating year."""

from __future__ import annotations

from typing import Any

import pytest

from genofab.engines.capacity import capacity_result
from genofab.engines.scheduling.instance import compile_plan
from genofab.engines.scheduling.solve import plan_schedule
from genofab.model.plan import Plan
from genofab.model.scenario import Scenario
from tests.helpers import tiny_data

#: A wall-clock guard no run reaches: results are the counted work's, however loaded the
#: machine is.
GUARD = 600.0


def one_room_scenario(count: int, changeover: str) -> Scenario:
    """The tiny scenario with every step in one kind of room."""
    data = tiny_data()
    for step in data["process"]["steps"]:
        step["room"] = "suite"
    data["facility"]["rooms"] = [{"kind": "suite", "count": count, "changeover": changeover}]
    return Scenario.model_validate(data)


def plan_for(scenario: Scenario, lots: int, objective: str) -> dict[str, Any]:
    operating_days = scenario.facility.operating_weeks_per_year.value * 7
    room = scenario.facility.rooms[0]
    return {
        "format": "genofab-plan/1",
        "name": "one product",
        "objective": objective,
        "time_step": "1 d",
        "horizon": f"{operating_days:g} d",
        "products": [{"name": "vector", "scenario": "tiny.yaml"}],
        "rooms": [
            {"name": "suite", "count": int(room.count.value), "cleaning": room.changeover.given}
        ],
        "demands": [
            {"sponsor": "s", "product": "vector", "lots": lots, "due": f"{operating_days:g} d",
             "value_per_lot": "1000000 EUR/lot"}
        ],
    }  # fmt: skip


@pytest.mark.parametrize(("count", "changeover"), [(1, "3 d"), (2, "3 d"), (3, "12 h")])
def test_scheduled_throughput_is_the_capacity_engines_lots_per_year(
    count: int, changeover: str
) -> None:
    scenario = one_room_scenario(count, changeover)
    capacity = capacity_result(scenario).lots_per_year
    assert capacity > 0
    plan = Plan.model_validate(plan_for(scenario, capacity + 5, "margin"))
    instance = compile_plan(plan, {"vector": scenario})
    solution = plan_schedule(instance, "margin", time_limit=20, seed=1, guard=GUARD)
    assert solution.status == "optimal"
    assert solution.assessment is not None
    assert len(solution.assessment.completion) == capacity


def test_capacity_lots_fit_the_year_and_one_more_does_not() -> None:
    scenario = one_room_scenario(2, "3 d")
    capacity = capacity_result(scenario).lots_per_year
    fits = compile_plan(
        Plan.model_validate(plan_for(scenario, capacity, "makespan")), {"vector": scenario}
    )
    assert plan_schedule(fits, "makespan", time_limit=20, guard=GUARD).status == "optimal"
    over = compile_plan(
        Plan.model_validate(plan_for(scenario, capacity + 1, "makespan")), {"vector": scenario}
    )
    assert plan_schedule(over, "makespan", time_limit=20, guard=GUARD).status == "infeasible"
