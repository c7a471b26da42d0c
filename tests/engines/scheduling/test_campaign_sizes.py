"""Minimum and maximum lots per campaign: a campaign is a run of lots of one product in one
sequenced room, with no other product between them and the room never idle as long as its
changeover between them; the judge counts them, the rule-based floor keeps them, and a plan
whose demand cannot be split into such campaigns is refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genofab.engines.scheduling.campaign_rules import campaign_sized
from genofab.engines.scheduling.solve import plan_schedule
from genofab.engines.scheduling.timetable import Placement, Timetable, assess, campaigns
from genofab.model.plan import campaign_sizes
from tests.schedule_plans import instance_of


def sized_plan(lots: int = 5, low: int | None = 2, high: int | None = 3) -> dict[str, Any]:
    """Product a (2 weeks) in campaigns of low..high lots, product b (1 week) free; two
    suites with a week of changeover."""
    limits = {k: v for k, v in (("min_campaign", low), ("max_campaign", high)) if v is not None}
    return {
        "format": "genofab-plan/1",
        "name": "campaigns",
        "objective": "lateness",
        "time_step": "1 wk",
        "horizon": "40 wk",
        "products": [
            {"name": "a", "phases": [{"name": "make", "room": "suite", "duration": "2 wk"}],
             **limits},
            {"name": "b", "phases": [{"name": "make", "room": "suite", "duration": "1 wk"}]},
        ],
        "rooms": [{"name": "suite", "count": 2, "changeover": "1 wk"}],
        "demands": [
            {"sponsor": "s", "product": "a", "lots": lots, "due": "12 wk", "spread": "even"},
            {"sponsor": "t", "product": "b", "lots": 3, "due": "10 wk", "spread": "even"},
        ],
    }  # fmt: skip


def in_suite(*runs: tuple[int, int]) -> Timetable:
    """Lots of product a (indices 0-4) in suite #1 from the given (lot, start) pairs."""
    return Timetable(tuple(Placement(lot, 0, 0, 0, start, start + 2) for lot, start in runs))


def test_the_fewest_even_campaigns() -> None:
    assert campaign_sizes(5, 2, 3) == [3, 2]
    assert campaign_sizes(7, 1, 3) == [3, 2, 2]
    assert campaign_sizes(5, 3, 4) is None  # 2 campaigns need 6 lots, 1 holds only 4


def test_the_judge_counts_campaigns() -> None:
    instance = instance_of(sized_plan())
    # lots 0-3 back to back: one campaign of 4, above 3
    four = in_suite((0, 0), (1, 2), (2, 4), (3, 6))
    assert campaigns(instance, four)[0][3] == [0, 1, 2, 3]
    assert any("more than 3" in v for v in assess(instance, four, all_lots=False).violations)
    # a week idle (the suite's changeover) after lot 1 starts a new campaign: 2 + 2
    split = in_suite((0, 0), (1, 2), (2, 5), (3, 7))
    assert [c[3] for c in campaigns(instance, split)] == [[0, 1], [2, 3]]
    assert assess(instance, split, all_lots=False).feasible
    # a lone lot is a campaign of 1, below 2
    lone = in_suite((0, 0))
    assert any("fewer than 2" in v for v in assess(instance, lone, all_lots=False).violations)


def test_the_rule_based_floor_keeps_the_sizes() -> None:
    instance = instance_of(sized_plan())
    timetable = campaign_sized(instance)
    assert assess(instance, timetable).feasible
    sizes = sorted(len(c[3]) for c in campaigns(instance, timetable) if c[2] == 0)
    assert sizes == [2, 3]


@pytest.mark.parametrize("objective", ["makespan", "lateness", "profit"])
def test_every_objective_keeps_the_sizes(objective: str) -> None:
    instance = instance_of(sized_plan())
    solution = plan_schedule(instance, objective, time_limit=2)  # type: ignore[arg-type]
    assert solution.timetable is not None and solution.assessment is not None
    assert solution.assessment.feasible
    for _, _, product, members in campaigns(instance, solution.timetable):
        if product == 0:
            assert 2 <= len(members) <= 3


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 9), st.integers(1, 4), st.integers(0, 3))
def test_the_floor_always_answers_within_the_sizes(lots: int, low: int, extra: int) -> None:
    high = low + extra
    if campaign_sizes(lots, low, high) is None:
        return  # the plan is refused when read
    instance = instance_of(sized_plan(lots, low, high))
    timetable = campaign_sized(instance)
    assert assess(instance, timetable, all_lots=False).feasible
    for _, _, product, members in campaigns(instance, timetable):
        if product == 0:
            assert low <= len(members) <= high


def _one_suite(max_a: int | None, min_a: int | None = None) -> dict[str, Any]:
    """Three 1-week lots of a (campaign limits as given) and one of b in one suite with a
    week of changeover, all due at week 1: makespan by hand below."""
    limits = {k: v for k, v in (("min_campaign", min_a), ("max_campaign", max_a)) if v is not None}
    return {
        "format": "genofab-plan/1", "name": "one suite", "objective": "makespan",
        "time_step": "1 wk", "horizon": "20 wk",
        "products": [
            {"name": "a", "phases": [{"name": "make", "room": "suite", "duration": "1 wk"}],
             **limits},
            {"name": "b", "phases": [{"name": "make", "room": "suite", "duration": "1 wk"}]},
        ],
        "rooms": [{"name": "suite", "changeover": "1 wk"}],
        "demands": [{"sponsor": "s", "product": "a", "lots": 3, "due": "1 wk"},
                    {"sponsor": "t", "product": "b", "lots": 1, "due": "1 wk"}],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("max_a", "min_a", "makespan"),
    [
        # a a a | b: 3 + changeover 1 + 1 = 5 weeks
        (None, None, 5),
        # at most 2 lots of a a campaign: a a | b | a, or a a, a week idle (the turnover: a
        # new campaign), a, then b: 6 weeks either way
        (2, None, 6),
        # at least 3: the three lots of a in one campaign, as without limits: 5
        (None, 3, 5),
    ],
)
def test_the_lot_model_keeps_the_sizes(max_a: int | None, min_a: int | None, makespan: int) -> None:
    from genofab.engines.scheduling.lot_model import solve_lot_model

    instance = instance_of(_one_suite(max_a, min_a))
    found = solve_lot_model(instance, "makespan", time_limit=30.0, work=5.0, workers=1)
    assert found.run.status == "optimal"
    assert found.timetable is not None
    achieved = assess(instance, found.timetable)
    assert achieved.feasible, achieved.violations
    assert achieved.makespan == makespan == found.run.objective
    for _, _, product, members in campaigns(instance, found.timetable):
        if product == 0:
            assert (max_a is None or len(members) <= max_a) and len(members) >= (min_a or 1)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lots=st.integers(2, 6), low=st.integers(1, 2), extra=st.integers(0, 2))
def test_the_lot_models_schedules_keep_random_sizes(lots: int, low: int, extra: int) -> None:
    from genofab.engines.scheduling.lot_model import solve_lot_model

    if campaign_sizes(lots, low, low + extra) is None:
        return  # a plan the validation refuses
    instance = instance_of(sized_plan(lots, low, low + extra))
    found = solve_lot_model(instance, "lateness", time_limit=30.0, work=2.0, workers=1)
    if found.timetable is not None:
        achieved = assess(instance, found.timetable)
        assert achieved.feasible, achieved.violations
