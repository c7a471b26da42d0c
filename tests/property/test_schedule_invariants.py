"""Invariants of the schedulers on small random plans: every schedule returned obeys every
rule; no bound is on the wrong side of a schedule; and on single-stage plans the campaign
level (arc-flow) and the lot level (CP-SAT intervals and circuits), two independent exact
models, agree on the optimum whenever both prove it."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.scheduling.solve import plan_schedule
from genofab.engines.scheduling.timetable import assess
from tests.schedule_plans import instance_of


@st.composite
def plans(draw: st.DrawFn, *, stages: int) -> dict[str, Any]:
    products = draw(st.integers(1, 3))
    names = ["p", "q", "r"][:products]
    phases = []
    for _ in names:
        recipe = [{"name": "make", "room": "suite", "duration": f"{draw(st.integers(1, 4))} wk"}]
        if stages == 2:
            recipe.append(
                {"name": "qc", "room": "qc_lab", "duration": f"{draw(st.integers(1, 3))} wk"}
            )
            if draw(st.booleans()):
                recipe[0]["max_wait"] = f"{draw(st.integers(0, 2))} wk"
        phases.append(recipe)
    rooms: list[dict[str, Any]] = [
        {
            "name": "suite",
            "count": draw(st.integers(1, 3)),
            "changeover": f"{draw(st.integers(0, 2))} wk",
            "cleaning": f"{draw(st.integers(0, 1))} wk",
        }
    ]
    if stages == 2:
        rooms.append({"name": "qc_lab", "capacity": draw(st.integers(1, 2))})
    demands = [
        {
            "sponsor": "s",
            "product": name,
            "lots": draw(st.integers(1, 4)),
            "due": f"{draw(st.integers(2, 20))} wk",
            "spread": draw(st.sampled_from(["all", "even"])),
        }
        for name in names
    ]
    return {
        "format": "genofab-plan/1",
        "name": "random",
        "time_step": "1 wk",
        "horizon": "30 wk",
        "products": [{"name": n, "phases": p} for n, p in zip(names, phases, strict=True)],
        "rooms": rooms,
        "demands": demands,
    }


def check(data: dict[str, Any], objective: str, **options: Any) -> Any:
    instance = instance_of(data)
    solution = plan_schedule(instance, objective, time_limit=5, seed=1, **options)  # type: ignore[arg-type]
    if solution.timetable is not None:
        assert assess(instance, solution.timetable).feasible
        assert solution.bound is not None and solution.value is not None
        assert solution.bound <= solution.value + 1e-6
        assert (solution.status == "optimal") == (solution.gap == 0)
    return solution


@settings(max_examples=25)
@given(plans(stages=1), st.sampled_from(["makespan", "lateness"]))
def test_campaign_and_lot_models_agree_on_single_stage_plans(
    data: dict[str, Any], objective: str
) -> None:
    campaign = check(data, objective, lot_model="never")
    lot = check(data, objective, lot_model="always", campaign_level=False)
    if campaign.status == "optimal" and lot.status == "optimal":
        assert campaign.value == lot.value
    if "infeasible" in (campaign.status, lot.status):
        assert campaign.timetable is None and lot.timetable is None


@settings(max_examples=15)
@given(plans(stages=2), st.sampled_from(["makespan", "lateness"]))
def test_two_stage_schedules_obey_every_rule(data: dict[str, Any], objective: str) -> None:
    check(data, objective)
