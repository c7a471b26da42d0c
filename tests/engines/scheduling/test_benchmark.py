"""The public benchmark: makespan 27 weeks, lateness 0 (span 52) and 11 lot-weeks (span 26),
each found and proven, and each schedule re-checked here from its rows."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import pytest

from genofab.engines.scheduling.run import schedule_plan
from genofab.engines.scheduling.solve import plan_schedule
from genofab.model.plan import Plan
from genofab.results.schedule import ScheduleResult
from tests.schedule_plans import benchmark_data, instance_of

#: A wall-clock guard no run reaches: results are the counted work's, however loaded the
#: machine is.
GUARD = 600.0

DURATION = {"a": 2, "b": 3, "c": 8}
DEMAND = {"a": 20, "b": 10, "c": 4}


def check_rows(result: ScheduleResult, span: int | None) -> tuple[float, float]:
    """Recompute makespan and first-in-first-out lateness from the schedule rows, checking
    lot counts, durations, no overlap and a week of changeover at every product switch."""
    counts: dict[str, int] = defaultdict(int)
    rooms: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    ends: dict[str, list[float]] = defaultdict(list)
    for row in result.lots:
        counts[row.product] += 1
        assert row.end - row.start == DURATION[row.product]
        rooms[row.room].append((row.start, row.end, row.product))
        ends[row.product].append(row.end)
    assert dict(counts) == DEMAND
    assert len(rooms) <= 4
    for lots in rooms.values():
        lots.sort()
        for (_, end, product), (start, _, following) in itertools.pairwise(lots):
            assert start >= end + (0 if product == following else 1)
    makespan = max(row.end for row in result.lots)
    lateness = 0.0
    if span is not None:
        for product, done in ends.items():
            n = DEMAND[product]
            dues = [math.ceil(span * (k + 1) / n) for k in range(n)]
            lateness += sum(
                max(0.0, end - due) for end, due in zip(sorted(done), dues, strict=True)
            )
    return makespan, lateness


def test_makespan_is_27_weeks_and_proven() -> None:
    result = schedule_plan(
        Plan.model_validate(benchmark_data()), "makespan", time_limit=20, guard=GUARD
    )
    assert result.status == "optimal"
    assert result.objective_value == 27
    assert result.bound == 27
    assert result.gap == 0
    assert result.objective_unit == "wk"
    assert check_rows(result, None)[0] == 27


def test_26_weeks_are_not_enough() -> None:
    data = benchmark_data()
    data["horizon"] = "26 wk"
    data["demands"] = [dict(demand, due="26 wk") for demand in data["demands"]]
    result = schedule_plan(Plan.model_validate(data), "makespan", time_limit=20, guard=GUARD)
    assert result.status == "infeasible"
    assert any(reason.startswith("horizon") for reason in result.infeasibility)
    # the lots that fit are still scheduled; each one left out is named with its reason
    made = {row.lot for row in result.lots}
    assert result.lots_made == len(made) < 34
    assert len(result.left_out) == 34 - len(made)
    assert all("horizon" in row.reason for row in result.left_out)
    assert not made & {row.lot for row in result.left_out}


@pytest.mark.parametrize(("span", "optimum"), [(52, 0), (26, 11)])
def test_lateness_is_proven(span: int, optimum: int) -> None:
    plan = Plan.model_validate(benchmark_data(span, "lateness"))
    result = schedule_plan(plan, "lateness", time_limit=30, seed=1, guard=GUARD)
    assert result.status == "optimal"
    assert result.objective_value == optimum
    assert result.bound == optimum
    assert result.gap == 0
    assert result.objective_unit == "lot·wk"
    assert check_rows(result, span)[1] == optimum


def test_lot_level_model_seeded_by_the_campaign_proves_27() -> None:
    """The lot-level CP-SAT model, given the campaign bound and plan, proves the optimum too."""
    solution = plan_schedule(
        instance_of(benchmark_data()),
        "makespan",
        time_limit=30,
        lot_model="always",
        seed=1,
        guard=GUARD,
    )
    lot_run = solution.runs[-1]
    assert lot_run.model.startswith("lot-level")
    assert lot_run.status == "optimal"
    assert lot_run.objective == lot_run.bound == 27
    assert solution.status == "optimal"


def test_rule_based_schedule_alone_is_feasible_and_not_called_optimal() -> None:
    """Rule-based schedules with only the counting bound: a valid schedule, reported as
    feasible with its gap, never as optimal."""
    solution = plan_schedule(
        instance_of(benchmark_data(26, "lateness")),
        "lateness",
        time_limit=1,
        lot_model="never",
        campaign_level=False,
        search=False,
    )
    assert solution.assessment is not None and solution.assessment.feasible
    assert solution.source.startswith("rule: earliest due date")
    assert solution.value is not None and solution.value > 11  # worse than the optimum
    assert solution.bound is not None and 0 <= solution.bound <= 11
    assert solution.status == "feasible"
    assert solution.gap is not None and solution.gap > 0


def test_campaign_bound_is_never_above_the_lot_schedule() -> None:
    for span, objective in ((None, "makespan"), (52, "lateness"), (26, "lateness")):
        solution = plan_schedule(
            instance_of(benchmark_data(span, objective)),
            objective,
            time_limit=30,
            seed=1,
            guard=GUARD,
        )
        campaign = [run for run in solution.runs if run.model.startswith(("arc-flow", "aggr"))]
        assert campaign and solution.value is not None
        for run in campaign:
            assert run.bound is not None and run.bound <= solution.value + 1e-9
