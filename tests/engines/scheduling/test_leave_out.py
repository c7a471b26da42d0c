"""Fitting a schedule by leaving lots out (margin and profit): campaigns kept to their sizes,
the inventory within its capacity, no lot made to be wasted or unsold, a lot fed by one left
out left out too; every other placement unchanged. Worked by hand on one suite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.scheduling.instance import Instance, compile_plan
from genofab.engines.scheduling.leave_out import fit_by_leaving_out
from genofab.engines.scheduling.solve import plan_schedule
from genofab.engines.scheduling.timetable import Placement, Timetable, assess, campaign_rules
from genofab.io.plan_file import load_plan
from tests.schedule_plans import instance_of

PLANS = Path(__file__).parent / "plans"


def plan(**extra: Any) -> dict[str, Any]:
    """One suite (a week to change product); a and b take a week each, then nothing else;
    a lot sells for 10, costs 2 to make, 1 a day late, 5 never delivered."""
    product = {"cost_per_lot": "2 EUR/lot"}
    data: dict[str, Any] = {
        "format": "genofab-plan/1",
        "name": "leave out",
        "objective": "profit",
        "time_step": "1 wk",
        "horizon": "20 wk",
        "products": [
            {"name": "a", "phases": [{"name": "make", "room": "suite", "duration": "1 wk"}]}
            | product,
            {"name": "b", "phases": [{"name": "make", "room": "suite", "duration": "1 wk"}]}
            | product,
        ],
        "rooms": [{"name": "suite", "changeover": "1 wk"}],
        "demands": [
            {"sponsor": "s", "product": "a", "lots": 3, "due": "10 wk"},
            {"sponsor": "s", "product": "b", "lots": 1, "due": "10 wk"},
        ],
    }
    for demand in data["demands"]:
        demand |= {
            "value_per_lot": "10 EUR/lot",
            "lateness_penalty": "1 EUR/lot/d",
            "unmet_penalty": "5 EUR/lot",
        }
    for key, value in extra.items():
        if key in ("a", "b"):
            data["products"][key == "b"] |= value
        else:
            data[key] = value
    return data


def lots(instance: Instance, product: str) -> list[int]:
    index = [p.name for p in instance.products].index(product)
    return [lot.index for lot in instance.lots if lot.product == index]


def suite(*timed: tuple[int, int]) -> Timetable:
    """Lots in the one suite, each (lot, start) for one week."""
    return Timetable(tuple(Placement(lot, 0, 0, 0, start, start + 1) for lot, start in timed))


def test_a_campaign_under_its_minimum_is_left_out_whole_and_one_over_loses_its_last() -> None:
    data = plan(a={"min_campaign": 2, "max_campaign": 3})
    data["demands"][0]["lots"] = 4
    instance = instance_of(data)
    a0, a1, a2, a3 = lots(instance, "a")
    (b0,) = lots(instance, "b")
    # a0 alone, b, then a1 a2 a3 (a campaign of three); and a0 to a3 in a row (four)
    short = suite((a0, 0), (b0, 2), (a1, 4), (a2, 5), (a3, 6))
    fitted = fit_by_leaving_out(instance, short, inventory=False)
    assert fitted is not None
    timetable, assessment = fitted
    assert assessment.feasible
    assert timetable.placements == short.placements[1:]  # the rest keep their times
    assert timetable.left_out == (
        (a0, "not made: its campaign of 1 lots of a in suite #1 would be shorter than 2"),
    )
    long = suite((a0, 0), (a1, 1), (a2, 2), (a3, 3), (b0, 5))
    fitted = fit_by_leaving_out(instance, long, inventory=False)
    assert fitted is not None
    assert [p.lot for p in fitted[0].placements] == [a0, a1, a2, b0]
    assert fitted[0].left_out == (
        (a3, "not made: its campaign of a in suite #1 would be longer than 3 lots"),
    )


def test_over_the_inventorys_capacity_the_lot_staying_longest_is_left_out() -> None:
    instance = instance_of(
        plan(inventory={"capacity": "1 lot", "cost": "1 EUR/lot/wk"})
        | {"demands": [plan()["demands"][0] | {"lots": 2, "due": "10 wk", "spread": "even"}]}
    )
    a0, a1 = lots(instance, "a")
    assert [instance.lots[lot].due for lot in (a0, a1)] == [5, 10]
    # released at weeks 1 and 2: both wait at week 2 (until 5 and 10), one more than fits
    early = suite((a0, 0), (a1, 1))
    assert not assess(instance, early, all_lots=False, inventory=True).feasible
    fitted = fit_by_leaving_out(instance, early, inventory=True)
    assert fitted is not None
    timetable, assessment = fitted
    assert assessment.feasible and [p.lot for p in timetable.placements] == [a0]
    assert timetable.left_out == (
        (a1, "not made: the finished-lot inventory would hold more than 1 lots at 2 wk"),
    )
    # sales 10, made for 2, 4 weeks in stock at 1, the other lot never delivered: 5
    assert assessment.profit == 10 - 2 - 4 - 5


def test_over_a_product_s_own_capacity_its_lot_staying_longest_is_left_out() -> None:
    # no limit for all lots, but a holds at most 1 of its own: released at weeks 1 and 2, a0
    # and a1 both wait at week 2 (until 10); b, released at week 3, is not limited
    instance = instance_of(plan(a={"inventory_capacity": 1}))
    a0, a1, a2 = lots(instance, "a")
    (b0,) = lots(instance, "b")
    assert instance.inventory_capacity is None and instance.inventory_limits() == [(0, 1)]
    early = suite((a0, 0), (a1, 1), (b0, 3), (a2, 9))
    before = assess(instance, early, all_lots=False, inventory=True)
    assert not before.feasible
    assert "2 finished lots of a wait in the inventory at step 2, more than its capacity of 1" in (
        " ".join(before.ledger.inventory_violations)
    )
    fitted = fit_by_leaving_out(instance, early, inventory=True)
    assert fitted is not None
    timetable, assessment = fitted
    assert assessment.feasible and {p.lot for p in timetable.placements} == {a0, b0, a2}
    assert timetable.left_out == (
        (a1, "not made: the finished-lot inventory would hold more than 1 lots of a at 2 wk"),
    )


def test_a_lot_made_to_be_wasted_is_left_out_and_the_profit_rises_by_its_cost() -> None:
    instance = instance_of(plan(a={"shelf_life": "5 wk"}))
    a0, a1, a2 = lots(instance, "a")
    (b0,) = lots(instance, "b")
    # a2 starts at week 0 and expires at week 5, before the due date (week 10); the others
    # keep until weeks 11 and 12
    wasteful = suite((a2, 0), (a0, 6), (a1, 7), (b0, 9))
    before = assess(instance, wasteful, all_lots=False, inventory=True)
    assert before.feasible and before.ledger.wasted == {a2: 5}
    fitted = fit_by_leaving_out(instance, wasteful, inventory=True)
    assert fitted is not None
    timetable, assessment = fitted
    assert timetable.left_out == (
        (
            a2,
            "not made: it would expire at 5 wk, before any due date of its product still open"
            " to it",
        ),
    )
    assert assessment.profit == before.profit + 2  # its cost (the stock costs nothing here)
    assert assessment.ledger.delivered.keys() == before.ledger.delivered.keys()
    # under margin there is no inventory: nothing to fit
    fitted = fit_by_leaving_out(instance, wasteful, inventory=False)
    assert fitted is not None and fitted[0] == wasteful


def test_a_lot_fed_by_a_lot_left_out_is_left_out_too() -> None:
    data = plan(a={"min_campaign": 2}, b={"made_from": {"product": "a", "lots": 1}})
    data["demands"] = [
        data["demands"][0] | {"lots": 2, "due": "5 wk", "value_per_lot": "0 EUR/lot"},
        data["demands"][1],
    ]
    instance = instance_of(data)
    (b0,) = lots(instance, "b")
    (feeder,) = instance.lots[b0].feeders
    # the feeder alone in its campaign (fewer than 2), then the lot it feeds
    fitted = fit_by_leaving_out(instance, suite((feeder, 0), (b0, 2)), inventory=True)
    assert fitted is not None
    assert fitted[0].placements == ()
    assert dict(fitted[0].left_out)[b0] == ("not made: a-01, which feeds it, is not made")


def test_a_lot_starting_after_its_feeder_expired_is_left_out_and_then_its_feeder() -> None:
    # a keeps 2 weeks from its start; b is made from a, one lot each
    data = plan(a={"shelf_life": "2 wk"}, b={"made_from": {"product": "a", "lots": 1}})
    data["demands"] = [
        data["demands"][0] | {"lots": 1, "due": "5 wk", "value_per_lot": "0 EUR/lot"},
        data["demands"][1],
    ]
    instance = instance_of(data)
    (a0,) = lots(instance, "a")
    (b0,) = lots(instance, "b")
    assert instance.lots[b0].feeders == (a0,)
    # a made at week 0 expires at week 2; b starts at week 4: a broken rule that the fitting
    # used to give up on (the whole schedule was thrown away)
    late = suite((a0, 0), (b0, 4))
    before = assess(instance, late, all_lots=False, inventory=True)
    assert not before.feasible and before.ledger.expired_feeds == {b0: a0}
    fitted = fit_by_leaving_out(instance, late, inventory=True)
    assert fitted is not None
    timetable, assessment = fitted
    assert assessment.feasible and timetable.placements == ()
    assert dict(timetable.left_out) == {
        b0: "not made: a-01, which feeds it, would have expired",
        a0: "not made: no demand would be left for it",  # then it feeds nothing
    }
    # b started in time (week 2) keeps both
    fitted = fit_by_leaving_out(instance, suite((a0, 0), (b0, 2)), inventory=True)
    assert fitted is not None and len(fitted[0].placements) == 2


def test_a_schedule_a_left_out_lot_cannot_mend_is_not_fitted() -> None:
    instance = instance_of(plan())
    a0, a1, _ = lots(instance, "a")
    assert fit_by_leaving_out(instance, suite((a0, 0), (a1, 0)), inventory=True) is None


def test_under_profit_rules_that_break_the_sizes_or_the_inventory_still_make_lots() -> None:
    # every rule-based schedule of this plan breaks a campaign size or the inventory's
    # capacity: unfitted, only "nothing made" was left, a loss of 27.2 million
    loaded = load_plan(PLANS / "profit-campaign-sizes.yaml")
    instance = compile_plan(loaded.plan)
    nothing = -sum(lot.unmet_penalty for lot in instance.lots)
    assert nothing == -27_200_000
    solution = plan_schedule(
        instance, "profit", time_limit=1, campaign_level=False, lot_model="never", search=False
    )
    assert solution.timetable is not None and solution.assessment is not None
    assert solution.source.endswith(", lots left out to fit")
    assert assess(instance, solution.timetable, all_lots=False, inventory=True).feasible
    assert not campaign_rules(instance, solution.timetable)
    made = {p.lot for p in solution.timetable.placements}
    assert len(made) >= len(instance.lots) // 2
    assert solution.value is not None and solution.value > 0 > nothing
    left = dict(solution.timetable.left_out)
    assert set(left) == {lot.index for lot in instance.lots} - made
    assert all(left.values())  # each with its reason, e.g. lots that would expire unsold
    assert any(reason.startswith("not made: it would expire at") for reason in left.values())


@st.composite
def sized_plans(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    sizes = {
        "min_campaign": draw(st.integers(1, 3)),
        "max_campaign": draw(st.integers(3, 4)),
        "shelf_life": f"{draw(st.integers(2, 12))} wk",
    }
    data = plan(a=sizes, inventory={"capacity": f"{draw(st.integers(0, 3))} lot"})
    data["demands"][0]["spread"] = "even"
    starts = draw(st.lists(st.integers(0, 18), min_size=4, max_size=4, unique=True))
    return data, list(enumerate(starts))


@settings(max_examples=60, deadline=None)
@given(sized_plans(), st.booleans())
def test_a_fitted_schedule_keeps_every_rule_and_every_placement_it_keeps(
    case: tuple[dict[str, Any], list[tuple[int, int]]], inventory: bool
) -> None:
    data, timed = case
    instance = instance_of(data)
    start = Timetable(
        tuple(
            Placement(lot, 0, 0, 0, when, when + 1)
            for lot, when in timed
            # one week apart, or two where the product changes
            if all(
                abs(when - other) > 1 + (instance.lots[lot].product != instance.lots[o].product)
                for o, other in timed
                if o != lot
            )
        )
    )
    fitted = fit_by_leaving_out(instance, start, inventory=inventory)
    assert fitted is not None  # room rules held: leaving lots out mends the rest
    timetable, assessment = fitted
    assert assessment.feasible
    assert assess(instance, timetable, all_lots=False, inventory=inventory).feasible
    assert set(timetable.placements) <= set(start.placements)
    made = {p.lot for p in timetable.placements}
    assert {lot for lot, _ in timetable.left_out} == {p.lot for p in start.placements} - made
    if inventory:
        assert not assessment.ledger.wasted and not assessment.ledger.unsold
