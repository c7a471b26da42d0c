"""Which site makes which patient's lot: hand-worked networks, and what more capacity does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.network import (
    LaneSpec,
    NetworkProblem,
    SiteSpec,
    even_arrivals,
    routes,
    solve_network,
)


def site(name: str, capacity: int = 10, existing: bool = True, **changes: object) -> SiteSpec:
    fields: dict[str, object] = {
        "name": name,
        "existing": existing,
        "capacity": capacity,
        "manufacturing_days": 7,
        "qc_days": 7,
        "fixed_per_year": 0.0,
        "opening_cost": 0.0,
        "cost_per_therapy": 1000.0,
    }
    fields.update(changes)
    return SiteSpec(**fields)  # type: ignore[arg-type]


def both_ways(centre: str, site_name: str, days: int, cost: float) -> list[LaneSpec]:
    return [
        LaneSpec(centre, site_name, "road", days, cost),
        LaneSpec(site_name, centre, "road", days, cost),
    ]


def two_by_two(**changes: object) -> NetworkProblem:
    """Centres north and south, sites near (1 day from north, 4 from south) and far (3 days
    from north, 1 from south); 7 days to make, 7 of QC, 1 of collection; at most 18 days vein
    to vein. North → far → north takes 1 + 3 + 7 + 7 + 3 = 21 days: ruled out."""
    fields: dict[str, object] = {
        "centres": ("north", "south"),
        "arrivals": ((1, 10), (5,)),
        "sites": (site("near"), site("far")),
        "lanes": tuple(
            both_ways("north", "near", 1, 100.0)
            + both_ways("north", "far", 3, 10.0)
            + both_ways("south", "near", 4, 10.0)
            + both_ways("south", "far", 1, 100.0)
        ),
        "horizon_days": 30,
        "vein_to_vein_max": 18,
        "collection_days": 1,
    }
    fields.update(changes)
    return NetworkProblem(**fields)  # type: ignore[arg-type]


def test_the_vein_to_vein_limit_rules_out_the_cheaper_site() -> None:
    """Far is cheaper for north (2 × 10 against 2 × 100 of transport) but takes 21 days: the
    north patients go to near (17 days); south's cheap way to near takes 1 + 4 + 14 + 4 = 23
    days, so south goes to far (17 days)."""
    found = {(r.centre, r.site): r.turnaround for r in routes(two_by_two())}
    assert found == {(0, 0): 17, (1, 1): 17}
    solution = solve_network(two_by_two())
    assert solution.status == "optimal"
    placed = {(c, day, solution.routes[r].site): n for (c, day, r), n in solution.served.items()}
    assert placed == {(0, 1, 0): 1, (0, 10, 0): 1, (1, 5, 1): 1}
    # cost: 3 therapies at 1,000 and 3 × 200 of transport
    assert solution.objective_value == pytest.approx(3 * 1000 + 3 * 200)


def test_a_longer_limit_lets_the_cheaper_site_in() -> None:
    """At 21 days north → far is allowed and cheaper: both north patients go there."""
    solution = solve_network(two_by_two(vein_to_vein_max=21))
    used = {(c, solution.routes[r].site) for (c, _d, r) in solution.served}
    assert (0, 1) in used and (0, 0) not in used


def test_places_limit_patients_at_once() -> None:
    """Near holds one lot at a time for 7 days: north's patients arriving on days 1 and 3
    cannot both be made there; with no other way within 18 days, one waits unserved."""
    problem = two_by_two(arrivals=((1, 3), ()), sites=(site("near", capacity=1), site("far")))
    solution = solve_network(problem)
    assert sum(solution.served.values()) == 1
    assert sum(solution.unserved.values()) == 1


def test_a_candidate_site_opens_only_when_it_pays() -> None:
    """South's only route is to far. A candidate far costing 500 over the horizon opens
    (serving south beats any cost); with a penalty of 400 a patient, south is left unserved."""
    candidate = site("far", existing=False, fixed_per_year=500 * 365.25 / 30)
    opened = solve_network(two_by_two(sites=(site("near"), candidate)))
    assert opened.opened == (True, True)
    penalised = solve_network(two_by_two(sites=(site("near"), candidate), unserved_penalty=400.0))
    assert penalised.opened == (True, False)
    assert sum(penalised.unserved.values()) == 1


def test_even_arrivals_are_spread_and_staggered() -> None:
    assert even_arrivals(4, 20) == (3, 8, 13, 18)
    assert even_arrivals(2, 20, phase=0.25) == (3, 13)


@settings(max_examples=20)
@given(
    st.lists(st.integers(1, 30), min_size=1, max_size=12),
    st.integers(1, 3),
    st.integers(1, 3),
)
def test_more_places_never_serve_fewer(arrivals: list[int], places: int, extra: int) -> None:
    """Adding capacity never leaves more patients unserved."""

    def unserved(capacity: int) -> int:
        problem = two_by_two(
            arrivals=(tuple(arrivals), tuple(arrivals)),
            sites=(site("near", capacity=capacity), site("far", capacity=capacity)),
        )
        return sum(solve_network(problem).unserved.values())

    assert unserved(places + extra) <= unserved(places)


def test_cells_collected_elsewhere_travel_from_the_collection_site() -> None:
    """South's patients give their cells at an apheresis unit 1 day from near: south →
    near by way of it takes 1 + 1 + 14 + 4 = 20 days back to south, still over 18; with the
    limit at 20 the unit's lane to near (cost 10) is used, and the way back is south's."""
    lanes = (*two_by_two().lanes, LaneSpec("unit", "near", "road", 1, 10.0))
    problem = two_by_two(lanes=lanes, collected_at=("north", "unit"), vein_to_vein_max=20)
    found = {(r.centre, r.site): r.turnaround for r in routes(problem)}
    assert found[1, 0] == 1 + 1 + 14 + 4
    assert (1, 1) not in found  # far has no lane from the unit


def test_a_level_s_patients_are_given_out_whole_and_add_up() -> None:
    """50 a year over a 365-day horizon is 49.97 → 50 patients; by shares 40/15/15/15/15 %
    that is 20, 7.5 × 4: the four halves go to the first two (equal remainders, by order),
    never 20 + 7 × 4 = 48 as rounding each centre on its own gave."""
    from genofab.engines.network_run import apportion

    assert apportion(50 * 365 / 365.25, [0.40, 0.15, 0.15, 0.15, 0.15]) == [20, 8, 8, 7, 7]
    assert apportion(10, [1 / 3, 1 / 3, 1 / 3]) == [4, 3, 3]
    assert apportion(7, [0.0, 1.0]) == [0, 7]
    assert apportion(100, [0.25, 0.25]) == [25, 25]  # shares summing under 1: half the level
    assert apportion(5, [0.0, 0.0]) == [0, 0]


@given(
    st.floats(0, 5000),
    st.lists(st.floats(0, 1), min_size=1, max_size=12),
)
def test_apportioned_patients_add_up_and_stay_within_one_of_their_share(
    patients: float, shares: list[float]
) -> None:
    from genofab.engines.network_run import apportion

    counts = apportion(patients, shares)
    weight = sum(shares)
    if weight == 0:
        assert counts == [0] * len(shares)
        return
    total = round(patients * weight)
    assert sum(counts) == total
    for count, share in zip(counts, shares, strict=True):
        assert count >= 0
        assert abs(count - total * share / weight) < 1
