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


def test_a_gain_under_a_hundred_units_is_counted_finely_too() -> None:
    # worth 1000.4, costs 1000: a gain of 0.4, which whole units would count as 0
    data = two_products("100 EUR/lot/d", "100 EUR/lot/d", "1000.4 EUR/lot")
    for product in data["products"]:
        product["cost_per_lot"] = "1000 EUR/lot"
    instance = instance_of(data)
    assert instance.money_unit == pytest.approx(1e-3)
    solution = plan_schedule(instance, "margin", time_limit=2)
    # one lot made on time (0.4); the other would be 2 days late at 100 a day: not made
    assert solution.value == pytest.approx(0.4) and solution.status == "optimal"
    assert solution.bound == pytest.approx(0.4, abs=1e-3)  # proved (whole units: 0 and 0)


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
    # a late costs 0.2 a day, b 0.4: b goes first (the rules, by due date then product, put
    # a first), a 2 days late, margin 10 + 10 - 0.4 = 19.6. Counted in whole euros both
    # penalties would be 0, the margin 20, either order.
    instance = instance_of(two_products("0.2 EUR/lot/d", "0.4 EUR/lot/d"))
    solution = plan_schedule(instance, "margin", time_limit=5)
    assert solution.status == "optimal"
    assert solution.value == pytest.approx(19.6)
    assert solution.bound == pytest.approx(19.6, abs=1e-3)
    assert solution.timetable is not None
    first = min(solution.timetable.placements, key=lambda p: p.start)
    assert instance.products[instance.lots[first.lot].product].name == "b"


def test_the_margin_as_the_solvers_count_it_keeps_small_penalties() -> None:
    instance = instance_of(two_products("0.4 EUR/lot/d", "0.2 EUR/lot/d"))
    # b first: a is 2 days late at 0.4 a day
    timetable = Timetable((Placement(1, 0, 0, 0, 0, 2), Placement(0, 0, 0, 0, 2, 4)))
    assessment = assess(instance, timetable, all_lots=False)
    assert rounded_margin(instance, assessment) == pytest.approx(20 - 0.8)


def test_the_lot_model_s_cap_keeps_a_bound_of_millions_in_tenths() -> None:
    # 2,097,152.4 EUR in units of 0.1 is 20,971,524 units, but 2097152.4 / 0.1 is
    # 20971523.999999996 in floating point: a floor of it cut the optimum off (the lot model
    # then "proved" a bound below the schedule it had been hinted)
    data = two_products("50 EUR/lot/d", "50 EUR/lot/d", "2097152.4 EUR/lot")
    data["products"], data["demands"] = data["products"][:1], data["demands"][:1]
    instance = instance_of(data)
    assert instance.money_unit == pytest.approx(0.1)
    solution = plan_schedule(instance, "margin", time_limit=3, lot_model="always")
    assert solution.status == "optimal" and solution.value == pytest.approx(2_097_152.4)
    lot = next(run for run in solution.runs if run.model.startswith("lot-level"))
    assert lot.status == "optimal" and lot.bound == pytest.approx(2_097_152.4)
