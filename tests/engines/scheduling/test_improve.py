"""The large-neighbourhood search: it starts from a complete schedule, never returns a worse or
an infeasible one, and its work is counted in CP-SAT's deterministic time, so the same
schedule, seed and budget give the same result however loaded the machine is."""

from __future__ import annotations

import time

from genofab.engines.scheduling.improve import improve
from genofab.engines.scheduling.order_search import score, search_orders
from genofab.engines.scheduling.rules import due_order, earliest_due_date, place_lots
from genofab.engines.scheduling.timetable import assess
from tests.schedule_plans import benchmark_data, instance_of, two_stage_data

FAR = 600.0  # a wall-clock guard that never trips in these tests


def test_it_improves_a_poor_schedule_and_keeps_it_feasible() -> None:
    instance = instance_of(benchmark_data(26, "lateness"))
    start = earliest_due_date(instance)  # ignores changeovers when choosing: far from 11
    before = assess(instance, start).total_lateness
    result = improve(instance, "lateness", start, work=0.5, deadline=time.perf_counter() + FAR)
    assert result is not None
    after = assess(instance, result.timetable)
    assert after.feasible
    assert after.total_lateness == result.assessment.total_lateness < before
    assert after.total_lateness >= 11  # the proven optimum


def test_the_same_seed_and_work_give_the_same_schedule() -> None:
    instance = instance_of(two_stage_data())
    start = earliest_due_date(instance)
    runs = [
        improve(instance, "lateness", start, work=0.3, deadline=time.perf_counter() + FAR, seed=7)
        for _ in range(2)
    ]
    assert runs[0] is not None and runs[1] is not None
    assert runs[0].timetable == runs[1].timetable
    assert runs[0].steps == runs[1].steps


def test_makespan_never_gets_worse() -> None:
    instance = instance_of(benchmark_data())
    start = earliest_due_date(instance)
    before = assess(instance, start).makespan
    result = improve(instance, "makespan", start, work=0.3, deadline=time.perf_counter() + FAR)
    assert result is not None
    assert assess(instance, result.timetable).feasible
    assert result.assessment.makespan <= before


def test_the_order_search_scores_as_assess_and_repeats_itself() -> None:
    instance = instance_of(benchmark_data(26, "lateness"))
    order = due_order(instance)
    start = score(instance, "lateness", place_lots(instance, order))
    runs = [
        search_orders(instance, "lateness", order, 0.0, placements=3_000,
                      deadline=time.perf_counter() + FAR, seed=3)
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0].timetable == runs[1].timetable
    found = assess(instance, runs[0].timetable)
    assert found.feasible
    assert found.total_lateness == runs[0].value <= start
    assert runs[0].value >= 11  # the proven optimum
