"""A network's plan operated lot by lot: queues worked by hand, a Monte Carlo whose
percentiles follow from a two-point distribution, and what more places do."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.network import LaneSpec, NetworkProblem, solve_network
from genofab.engines.network_operation import (
    Drawn,
    DrawnDemand,
    Operation,
    operate,
    ranked_routes,
)
from genofab.model.distributions import Empirical
from tests.engines.test_network import both_ways, site


def one_site(capacity: int = 1, limit: int = 25, arrivals: tuple[int, ...] = (1, 2)) -> Any:
    """One centre, one site 1 day away by road both ways, 7 days to make, 7 of QC."""
    return NetworkProblem(
        centres=("a",),
        arrivals=(arrivals,),
        sites=(site("s", capacity=capacity, cost_per_therapy=100.0),),
        lanes=tuple(both_ways("a", "s", 1, 10.0)),
        horizon_days=60,
        vein_to_vein_max=limit,
    )


def plan(problem: NetworkProblem, queue: bool = False, **changes: Any) -> Operation:
    """The problem's plan to operate, every figure certain unless ``changes`` say so."""
    solution = solve_network(problem)
    fields: dict[str, Any] = {
        "problem": problem,
        "opened": solution.opened,
        "routes": solution.routes,
        "ranking": ranked_routes(problem, solution),
        "manufacturing": tuple(Drawn(s.manufacturing_days, whole=True) for s in problem.sites),
        "qc": tuple(Drawn(s.qc_days, whole=True) for s in problem.sites),
        "lane_days": tuple(Drawn(lane.days, whole=True) for lane in problem.lanes),
        "lot_failure": tuple(Drawn(0.0) for _ in problem.sites),
        "queue": queue,
    }
    fields.update(changes)
    return Operation(**fields)


def test_a_one_place_queue_by_hand() -> None:
    """Patient 1 collected on day 1 reaches the site on day 2 and holds its place to day 9:
    1 + 7 + 7 + 1 = 16 days vein to vein. Patient 2 (day 2) reaches it on day 3, waits 6 days
    for the place, starts on day 9 and is given the therapy on 9 + 7 + 7 + 1 = day 24: 22
    days. Without a queue patient 2 is unserved; with a 20-day limit, lost waiting."""
    queued = operate(plan(one_site(limit=25), queue=True), None)
    assert queued.served[0] == 2 and queued.unserved[0] == 0
    assert queued.wait_days[0] == 6 and queued.waited[0] == 1
    assert queued.turnaround_days[0] == 16 + 22
    assert np.flatnonzero(queued.turnaround_counts).tolist() == [16, 22]
    # cost: 2 therapies at 100 and 2 × 2 legs at 10
    assert queued.cost[0] == pytest.approx(2 * 100 + 4 * 10)

    unqueued = operate(plan(one_site(limit=25)), None)
    assert unqueued.served[0] == 1 and unqueued.unserved[0] == 1 and unqueued.wait_days[0] == 0

    short = operate(plan(one_site(limit=20), queue=True), None)
    assert short.served[0] == 1 and short.lost_waiting[0] == 1 and short.unserved[0] == 1
    assert short.within_limit[0] == 1


def test_a_full_site_sends_the_patient_to_the_next_route() -> None:
    """Cheap (1 place) is every patient's first route; two patients on day 1: the second finds
    its place taken and goes to dear, which is free, and waits for nothing."""
    problem = NetworkProblem(
        centres=("a",),
        arrivals=((1, 1),),
        sites=(site("cheap", capacity=1), site("dear", capacity=1, cost_per_therapy=5000.0)),
        lanes=tuple(both_ways("a", "cheap", 1, 10.0) + both_ways("a", "dear", 2, 10.0)),
        horizon_days=30,
        vein_to_vein_max=25,
    )
    operation = plan(problem, queue=True)
    first = operation.routes[operation.ranking[0][0]]
    assert problem.sites[first.site].name == "cheap"
    done = operate(operation, None)
    assert done.served[0] == 2 and done.wait_days[0] == 0
    # cheap: 1 + 14 + 1 = 16 days; dear: 2 + 14 + 2 = 18 days
    assert np.flatnonzero(done.turnaround_counts).tolist() == [16, 18]


def test_a_two_point_manufacturing_time_gives_percentiles_by_hand() -> None:
    """Each lot takes 7 or 9 days to make, equally likely, on the one-place queue with a
    25-day limit. Patient 1: 16 or 18 days. Patient 2 waits for patient 1's lot (start on
    day 9 or 11) and takes 7 or 9 days itself: 22, 24, 24 or 26 days, so it is within the
    limit with probability 3/4 (its planned return, 24 days at most, lets it queue). The share
    within the limit is 1 with probability 3/4, else 1/2: P50 = 100 %, P5 = 50 %. Over both
    patients the days vein to vein are 16 (1/4), 18 (1/4), 22 (1/8), 24 (1/4), 26 (1/8): P5
    = 16, P95 = 26."""
    two_point = Drawn(7, Empirical(values=(7.0, 9.0)), whole=True)
    operation = plan(one_site(limit=25), queue=True, manufacturing=(two_point,))
    done = operate(operation, 4000, seed=3)
    share = done.within_limit / done.patients
    assert set(np.unique(share)) == {0.5, 1.0}
    assert np.mean(share == 1.0) == pytest.approx(0.75, abs=0.03)
    assert np.percentile(share, 50) == 1.0 and np.percentile(share, 5) == 0.5
    counts = done.turnaround_counts
    assert np.flatnonzero(counts).tolist() == [16, 18, 22, 24, 26]
    shares = counts[[16, 18, 22, 24, 26]] / counts.sum()
    assert shares == pytest.approx([0.25, 0.25, 0.125, 0.25, 0.125], abs=0.02)
    assert done.served.min() == 2  # nobody is lost: every planned return is within 25 days


def test_draws_depend_on_the_seed_and_sample_only() -> None:
    """Common random numbers: the first 1,000 samples of 1,500 are the 1,000 samples of a run
    of 1,000 with the same seed; another seed draws otherwise."""
    two_point = Drawn(7, Empirical(values=(7.0, 9.0)), whole=True)
    operation = plan(one_site(), queue=True, manufacturing=(two_point,))
    short = operate(operation, 1000, seed=5)
    long = operate(operation, 1500, seed=5)
    assert np.array_equal(short.turnaround_days, long.turnaround_days[:1000])
    other = operate(operation, 1000, seed=6)
    assert not np.array_equal(short.turnaround_days, other.turnaround_days)


def test_lot_failures_leave_patients_untreated() -> None:
    """A lot fails with probability 1/4: about a quarter of the lots, and those patients get
    no therapy (nor its way back); at the planned times no lot fails."""
    problem = one_site(capacity=4, arrivals=(1, 2, 3, 4))
    operation = plan(problem, lot_failure=(Drawn(0.25),))
    done = operate(operation, 4000, seed=1)
    assert np.mean(done.failed) / 4 == pytest.approx(0.25, abs=0.02)
    assert np.array_equal(done.served + done.failed, np.full(4000, 4.0))
    # each lot made costs 100 × (1 - 1/4) (the cost per therapy counts failed lots) + 10
    # there, each therapy given 10 back
    assert np.allclose(done.cost, 4 * (75 + 10) + 10 * done.served)
    assert operate(operation, None).failed[0] == 0


def test_drawn_demand_keeps_as_many_patients_as_each_level_brings() -> None:
    """100 or 200 patients a year over 365 days: 100 or 200 of the listed 200 come."""
    days = tuple(range(1, 366, 2))[:100] + tuple(range(2, 366, 2))[:100]
    problem = replace(one_site(capacity=50, arrivals=tuple(sorted(days))), horizon_days=365)
    demand = DrawnDemand(Drawn(150.0, Empirical(values=(100.0, 200.0))), (1.0,))
    done = operate(plan(problem, demand=demand), 400, seed=2)
    coming = np.round(np.asarray([100.0, 200.0]) * 365 / 365.25)
    assert set(np.unique(done.patients)) == set(coming)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(1, 40), min_size=1, max_size=15),
    st.integers(1, 3),
    st.integers(1, 3),
)
def test_more_places_never_mean_more_waiting(arrivals: list[int], places: int, extra: int) -> None:
    """With a queue and a limit no wait reaches, adding places never adds days waited."""

    def waited(capacity: int) -> float:
        problem = one_site(capacity=capacity, limit=400, arrivals=tuple(sorted(arrivals)))
        return float(operate(plan(problem, queue=True), None).wait_days[0])

    assert waited(places + extra) <= waited(places)


def test_a_lane_time_drawn_for_each_lot() -> None:
    """The way there takes 1 or 3 days: a lone patient's vein to vein is 16 or 18 days."""
    lanes = list(one_site().lanes)
    drawn = Drawn(1, Empirical(values=(1.0, 3.0)), whole=True)
    problem = one_site(arrivals=(1,))
    assert lanes[0] == LaneSpec("a", "s", "road", 1, 10.0)
    operation = plan(problem, lane_days=(drawn, Drawn(1, whole=True)))
    done = operate(operation, 1000, seed=4)
    assert set(np.unique(done.turnaround_days)) == {16.0, 18.0}
