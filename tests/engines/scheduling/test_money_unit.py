"""Money in the CP-SAT models: whole units of the currency, or finer when a plan states small
amounts (a backlog of 0.4 EUR per lot per day, as in the campaign-planning literature's
relative money units), so that no penalty or cost is rounded away."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from genofab.engines.scheduling.instance import MONEY_COUNT
from genofab.engines.scheduling.solve import plan_schedule, rounded_margin
from genofab.engines.scheduling.timetable import Placement, Timetable, assess
from tests.schedule_plans import instance_of


def two_products(penalty_a: str, penalty_b: str, value: str = "10 EUR/lot") -> dict[str, Any]:
    """One suite, one lot each of `a` and `b` (2 days each), both due at day 2: one of them
    is 2 days late whichever goes first."""
    product = {"phases": [{"name": "make", "room": "suite", "duration": "2 d"}]}
    return {
        "format": "genofab-plan/1",
        "name": "small money",
        "objective": "margin",
        "time_step": "1 d",
        "horizon": "10 d",
        "products": [{"name": "a", **product}, {"name": "b", **product}],
        "rooms": [{"name": "suite"}],
        "demands": [
            {"sponsor": "s", "product": name, "lots": 1, "due": "2 d", "value_per_lot": value,
             "lateness_penalty": penalty}
            for name, penalty in (("a", penalty_a), ("b", penalty_b))
        ],
    }  # fmt: skip


def test_amounts_of_a_hundred_units_or_more_are_counted_in_whole_units() -> None:
    instance = instance_of(two_products("100 EUR/lot/d", "300 EUR/lot/d", "1000 EUR/lot"))
    assert instance.money_unit == 1.0
    assert instance.in_money_units(250.4) == 250


def test_small_amounts_are_counted_to_two_more_digits_than_the_smallest() -> None:
    # the smallest amount is 0.2 EUR per lot per day: 10^(⌊log10 0.2⌋ - 2) = 10^-3
    instance = instance_of(two_products("0.4 EUR/lot/d", "0.2 EUR/lot/d"))
    assert instance.money_unit == pytest.approx(1e-3)
    assert instance.in_money_units(0.2) == 200
    # 99 EUR is under the threshold: counted to 0.1
    assert instance_of(two_products("99 EUR/lot/d", "500 EUR/lot/d")).money_unit == pytest.approx(
        0.1
    )


def test_the_unit_never_makes_the_plan_count_more_than_its_bound() -> None:
    instance = instance_of(two_products("0.2 EUR/lot/d", "0.2 EUR/lot/d"))
    huge = dataclasses.replace(
        instance, lots=tuple(dataclasses.replace(lot, value=1e12) for lot in instance.lots)
    )
    # (2 × 1e12 + 0.4) over 11 steps is 2.2e13: to 1e-3 that would be 2.2e16 units, so the
    # unit coarsens to the power of ten that keeps it within 1e15: 0.1
    assert huge.money_unit == pytest.approx(0.1)
    assert sum(abs(a) for a in huge.money_amounts()) * 11 / huge.money_unit <= MONEY_COUNT
    # never coarser than the currency's unit
    larger = dataclasses.replace(
        instance, lots=tuple(dataclasses.replace(lot, value=1e16) for lot in instance.lots)
    )
    assert larger.money_unit == 1.0


def test_a_penalty_under_one_unit_still_decides_the_order_and_the_margin() -> None:
    # a late costs 0.4 a day, b 0.2: b goes second, 2 days late, margin 10 + 10 - 0.4 = 19.6.
    # Counted in whole euros both penalties would be 0, the margin 20.
    instance = instance_of(two_products("0.4 EUR/lot/d", "0.2 EUR/lot/d"))
    solution = plan_schedule(instance, "margin", time_limit=5)
    assert solution.status == "optimal"
    assert solution.value == pytest.approx(19.6)
    assert solution.bound == pytest.approx(19.6, abs=1e-3)
    assert solution.timetable is not None
    first = min(solution.timetable.placements, key=lambda p: p.start)
    assert instance.products[instance.lots[first.lot].product].name == "a"


def test_the_margin_as_the_solvers_count_it_keeps_small_penalties() -> None:
    instance = instance_of(two_products("0.4 EUR/lot/d", "0.2 EUR/lot/d"))
    # b first: a is 2 days late at 0.4 a day
    timetable = Timetable((Placement(1, 0, 0, 0, 0, 2), Placement(0, 0, 0, 0, 2, 4)))
    assessment = assess(instance, timetable, all_lots=False)
    assert rounded_margin(instance, assessment) == pytest.approx(20 - 0.8)
