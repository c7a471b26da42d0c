"""The lateness bound that counts changeovers: the arc-flow model cut to its first steps
(lots optional, lateness counted only before the cut). Worked by hand on one room and two
products, and never above the optimum that brute force finds on tiny plans."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.scheduling.campaign import arc_flow, stages
from genofab.engines.scheduling.instance import Instance
from tests.property.test_schedule_invariants import plans
from tests.schedule_plans import instance_of


def two_products() -> dict[str, Any]:
    """One room; a and b take 1 wk each, 2 wk to change from one to the other; one lot of
    each due at week 1."""
    return {
        "format": "genofab-plan/1",
        "name": "two products, one room",
        "objective": "lateness",
        "time_step": "1 wk",
        "horizon": "10 wk",
        "products": [
            {"name": name, "phases": [{"name": "make", "room": "suite", "duration": "1 wk"}]}
            for name in ("a", "b")
        ],
        "rooms": [{"name": "suite", "changeover": "2 wk"}],
        "demands": [
            {"sponsor": "s", "product": name, "lots": 1, "due": "1 wk"} for name in ("a", "b")
        ],
    }


def cut_bound(instance: Instance, until: int) -> float:
    plan = arc_flow(instance, stages(instance)[0], "lateness", time_limit=30.0, work=5.0,
                    until=until)  # fmt: skip
    assert plan.run.status == "optimal"
    assert plan.run.bound is not None
    return plan.run.bound


def test_one_room_two_products_by_hand() -> None:
    # The first lot ends at week 1, on time. The second waits for the 2-week changeover:
    # it runs in week 3 and ends at week 4, 3 weeks late. Each product alone is on time, so
    # only a bound that sees the changeover finds the 3 weeks: cut at week 4 it counts them
    # all (late at weeks 1, 2 and 3), cut at week 3 two of them, at week 1 none.
    instance = instance_of(two_products())
    assert cut_bound(instance, 4) == 3
    assert cut_bound(instance, 3) == 2
    assert cut_bound(instance, 1) == 0
    assert cut_bound(instance, 10) == 3


def brute_force(instance: Instance) -> float | None:
    """Least first-in-first-out lateness over every assignment of lots to rooms and order
    (left-shifted: a lot starts when its room is clean and changed over); None when no
    schedule fits the horizon."""
    room = instance.rooms[0]
    lots = [lot.index for lot in instance.lots]
    best: float | None = None
    for order in set(itertools.permutations([instance.lots[i].product for i in lots])):
        for rooms in itertools.product(range(room.count), repeat=len(order)):
            free = [0] * room.count
            last = [-1] * room.count
            done: dict[int, list[int]] = {}
            fits = True
            for product, r in zip(order, rooms, strict=True):
                change = room.changeover[last[r]][product] if last[r] >= 0 else 0
                start = free[r] + change
                end = start + instance.products[product].phases[0].duration
                free[r], last[r] = end + room.cleaning, product
                fits = fits and free[r] <= instance.horizon
                done.setdefault(product, []).append(end)
            if not fits:
                continue
            late = sum(
                max(0, end - lot.due)
                for product, ends in done.items()
                for end, lot in zip(sorted(ends), instance.lots_of(product), strict=True)
            )
            best = late if best is None else min(best, late)
    return best


@settings(max_examples=25, deadline=None)
@given(data=plans(stages=1), cut=st.integers(1, 30))
def test_the_cut_bound_is_never_above_the_optimum(data: dict[str, Any], cut: int) -> None:
    for demand in data["demands"]:
        demand["lots"] = min(demand["lots"], 2)  # brute force stays small
    data["rooms"][0]["count"] = min(data["rooms"][0]["count"], 2)
    instance = instance_of(data)
    optimum = brute_force(instance)
    if optimum is None:
        return
    assert cut_bound(instance, cut) <= optimum + 1e-9
