"""Planning beyond the benchmark: two stages with a QC lab, maximum waits and a shutdown;
the margin objective; infeasible plans named by their cause."""

from __future__ import annotations

import pytest

from genofab.engines.scheduling.solve import plan_schedule
from genofab.engines.scheduling.timetable import assess
from tests.schedule_plans import benchmark_data, instance_of, two_stage_data


@pytest.mark.parametrize("objective", ["makespan", "lateness", "margin"])
def test_two_stage_plan_gives_a_checked_schedule_within_its_bound(objective: str) -> None:
    instance = instance_of(two_stage_data())
    solution = plan_schedule(instance, objective, time_limit=8, seed=1)  # type: ignore[arg-type]
    assert solution.timetable is not None and solution.assessment is not None
    again = assess(instance, solution.timetable, all_lots=objective != "margin")
    assert again.feasible, again.violations
    assert solution.value is not None and solution.bound is not None
    if objective == "margin":
        assert solution.bound >= solution.value - 1e-6
    else:
        assert solution.bound <= solution.value + 1e-6
    assert solution.status in {"optimal", "feasible"}
    if solution.status == "optimal":
        assert solution.gap == 0


def test_two_stage_schedule_keeps_its_rules() -> None:
    """Waits within their maximum, no suite lot during the shutdown, at most two lots in QC."""
    instance = instance_of(two_stage_data())
    solution = plan_schedule(instance, "lateness", time_limit=8, seed=1)
    assert solution.timetable is not None
    lots = solution.timetable.by_lot()
    for lot, phases in lots.items():
        make, release = phases
        product = instance.products[instance.lots[lot].product]
        assert release.start - make.end <= (product.phases[0].max_wait or 0)
        assert not (make.start < 12 and make.end > 10)
    in_qc = [p for phases in lots.values() for p in phases if p.phase == 1]
    for step in range(instance.horizon):
        assert sum(1 for p in in_qc if p.start <= step < p.end) <= 2


def test_margin_makes_only_lots_worth_making() -> None:
    """A lot whose production costs more than it is worth is not made."""
    data = two_stage_data()
    data["products"][1]["cost_per_lot"] = "900000 EUR/lot"  # above the 200,000 value
    solution = plan_schedule(instance_of(data), "margin", time_limit=8, seed=1)
    assert solution.assessment is not None
    made = set(solution.assessment.completion)
    instance = instance_of(data)
    assert all(instance.lots[lot].product == 0 for lot in made)
    assert solution.value is not None and solution.value > 0


def test_a_demand_no_room_can_meet_is_named() -> None:
    data = benchmark_data()
    data["demands"][2]["lots"] = 40  # 40 lots of c need 320 suite-weeks; 4 suites give 208
    solution = plan_schedule(instance_of(data), "makespan", time_limit=5)
    assert solution.status == "infeasible"
    # what fits is still scheduled, and checked; the rest is left out with its reason
    assert solution.timetable is not None and solution.assessment is not None
    assert assess(instance_of(data), solution.timetable, all_lots=False).feasible
    assert (
        len(solution.assessment.completion) + len(solution.timetable.left_out) == 70
    )  # 20 a, 10 b, 40 c
    assert any(
        "demands for 'c'" in reason and "40 lots" in reason for reason in solution.infeasibility
    )


def test_a_lot_longer_than_the_horizon_is_named() -> None:
    data = benchmark_data()
    data["products"][2]["phases"][0]["duration"] = "60 wk"
    solution = plan_schedule(instance_of(data), "makespan", time_limit=5)
    assert solution.status == "infeasible"
    assert any("longer than the 52 wk horizon" in reason for reason in solution.infeasibility)


def test_a_time_limit_of_zero_is_refused_by_the_engine() -> None:
    from genofab.engines.scheduling.run import schedule_plan
    from genofab.errors import UsageError
    from genofab.model.plan import Plan

    with pytest.raises(UsageError, match="time_limit: must be above 0 s"):
        schedule_plan(Plan.model_validate(benchmark_data()), "makespan", time_limit=0)


def test_no_storage_means_no_lot_waits_between_phases() -> None:
    data = two_stage_data()
    data["storage"] = {"capacity": 0, "cost": "100 EUR/lot/d"}
    data["products"][0]["phases"][0].pop("max_wait")
    instance = instance_of(data)
    solution = plan_schedule(instance, "lateness", time_limit=8, seed=1)
    assert solution.timetable is not None and solution.assessment is not None
    for make, release in solution.timetable.by_lot().values():
        assert release.start == make.end
    assert solution.assessment.storage_cost == 0


def test_a_waiting_lot_beyond_storage_is_a_violation() -> None:
    from genofab.engines.scheduling.timetable import Placement, Timetable

    data = two_stage_data()
    data["storage"] = {"capacity": 0}
    data["products"][0]["phases"][0].pop("max_wait")
    data["demands"] = [{"sponsor": "s1", "product": "vector", "lots": 1, "due": "20 wk"}]
    instance = instance_of(data)
    waiting = Timetable((Placement(0, 0, 0, 0, 0, 3), Placement(0, 1, 1, 0, 5, 7)))
    assert any("wait in storage" in v for v in assess(instance, waiting).violations)


def test_a_stage_s_margin_bound_counts_the_products_it_does_not_make() -> None:
    # a is made in ra, b in rb: the campaign level bounds the busiest stage (ra) alone; b's
    # gain (4,900) must still be in its bound, or the bound falls below the schedule (5,400
    # against 10,300 before)
    data = {
        "format": "genofab-plan/1", "name": "two stages apart", "objective": "margin",
        "time_step": "1 d", "horizon": "20 d",
        "products": [
            {"name": name, "phases": [{"name": "make", "room": room, "duration": "2 d"}],
             "cost_per_lot": "100 EUR/lot"}
            for name, room in (("a", "ra"), ("b", "rb"))
        ],
        "rooms": [{"name": "ra"}, {"name": "rb"}],
        "demands": [
            {"sponsor": "s", "product": "a", "lots": 6, "due": "12 d",
             "value_per_lot": "1000 EUR/lot"},
            {"sponsor": "s", "product": "b", "lots": 1, "due": "10 d",
             "value_per_lot": "5000 EUR/lot"},
        ],
    }  # fmt: skip
    solution = plan_schedule(instance_of(data), "margin", time_limit=3)
    assert solution.status == "optimal"
    assert solution.value == solution.bound == 6 * 900 + 4900


def test_a_lot_model_skipped_for_a_short_limit_says_why() -> None:
    # a 0.2 s limit gives the lot model 0.005 deterministic seconds, below the least it needs:
    # the reason is the limit, not the size of the model (found by fuzzing: it blamed the 8
    # circuit arcs of this plan, whose building costs nothing)
    data = {
        "format": "genofab-plan/1", "name": "small", "time_step": "1 wk", "horizon": "20 wk",
        "products": [
            {"name": "p0", "phases": [{"name": "ph0", "room": "suite", "duration": "2 wk"}],
             "min_campaign": 2, "max_campaign": 4},
            {"name": "p1", "made_from": {"product": "p0", "lots": 4}, "max_campaign": 1,
             "phases": [{"name": "ph0", "room": "suite", "duration": "1 wk", "max_wait": "2 wk"},
                        {"name": "ph1", "room": "suite", "duration": "2 wk"}]},
        ],
        "rooms": [{"name": "suite", "changeover": "1 wk"}],
        "demands": [
            {"sponsor": "s1", "product": "p0", "deliveries": [{"lots": 1, "due": "12 wk"},
                                                              {"lots": 1, "due": "12 wk"}]},
            {"sponsor": "s1", "product": "p1", "lots": 1, "due": "8 wk"},
        ],
    }  # fmt: skip
    instance = instance_of(data)
    solution = plan_schedule(instance, "makespan", time_limit=0.2, workers=1, guard=60)
    skipped = [run.model for run in solution.runs if run.status == "skipped"]
    assert skipped == [
        "lot-level interval model (CP-SAT): not built, its share of the time limit is below"
        " the least work it needs"
    ]
