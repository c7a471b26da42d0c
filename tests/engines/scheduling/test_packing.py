"""The exact campaign-packing test against brute force on small cases, and the aggregate
campaign plan on the benchmark."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.scheduling.aggregate import aggregate_plan, counting_bound
from genofab.engines.scheduling.campaign import stages
from genofab.engines.scheduling.packing import Campaigns, Work, fits
from tests.schedule_plans import benchmark_data, instance_of


def brute_force(campaigns: Campaigns, lots: tuple[int, ...], rooms: int, capacity: int) -> bool:
    """Every split of every product's lots over the rooms."""
    splits = [
        [c for c in itertools.product(range(n + 1), repeat=rooms) if sum(c) == n] for n in lots
    ]
    for choice in itertools.product(*splits):
        loads = [
            sum(
                choice[p][r] * campaigns.hold[p] + (campaigns.entry[p] if choice[p][r] else 0)
                for p in range(len(lots))
            )
            for r in range(rooms)
        ]
        if max(loads) <= capacity:
            return True
    return False


@settings(max_examples=60)
@given(
    st.lists(st.tuples(st.integers(1, 4), st.integers(0, 2), st.integers(1, 3)), min_size=1,
             max_size=3),
    st.integers(1, 3),
    st.integers(3, 14),
)  # fmt: skip
def test_packing_agrees_with_brute_force(
    products: list[tuple[int, int, int]], rooms: int, capacity: int
) -> None:
    campaigns = Campaigns(tuple(h for h, _, _ in products), tuple(e for _, e, _ in products))
    lots = tuple(n for _, _, n in products)
    found = fits(campaigns, lots, rooms, capacity, Work(10_000_000))
    assert found is not None
    assert bool(found) == brute_force(campaigns, lots, rooms, capacity)
    if found:
        assert isinstance(found, list) and len(found) <= rooms
        assert tuple(sum(room[p] for room in found) for p in range(len(lots))) == lots
        for room in found:
            load = sum(m * campaigns.hold[p] + (campaigns.entry[p] if m else 0)
                       for p, m in enumerate(room))  # fmt: skip
            assert load <= capacity


def test_aggregate_campaign_plan_of_the_benchmark_is_27_proven() -> None:
    """Scheduling reference 2.2: 26 weeks are not enough (parity of the suite loads), 27 are;
    one optimal plan is {A×13}, {C×2 + B×3}, {C×2 + B×3}, {A×7 + B×4}."""
    instance = instance_of(benchmark_data())
    stage = stages(instance)[0]
    assert counting_bound(instance, stage) <= 27
    plan = aggregate_plan(instance, stage, time_limit=10)
    assert plan.run.status == "optimal"
    assert plan.run.objective == plan.run.bound == 27
    totals = [0, 0, 0]
    for room in plan.lots.values():
        for product, lots in room.items():
            totals[product] += lots
    assert totals == [20, 10, 4]
