"""A network's plan operated lot by lot, with queues at the sites and times drawn for each
lot: a Monte Carlo vectorised over samples.

The sites open are the plan's (:func:`genofab.engines.network.solve_network`). Patients are
taken in order of collection (day, then centre), and each one's lot is placed as the days
come: it goes to the first of its centre's routes — ranked by how many of the centre's
patients the plan sends along them, then by cost — whose site has a place free when the
cells arrive. When every such place is taken the patient is unserved, or, with a ``queue``,
waits for the route whose therapy would return first at the planned times, and is lost if
even that is past the vein-to-vein limit. A lot holds its place from its start for its
manufacturing time; QC release and the way back follow; a failed lot (found at release)
leaves its patient untreated. A lot made costs the site's cost per therapy less the share
of it that pays for failed lots at the planned failure rate. Places are given in order of
collection: a patient collected earlier takes the earliest free place, even when a later
patient's cells arrive first.

Each lot draws its own times (manufacturing, QC, each lane) from their distributions, whole
days; each sample draws the sites' lot failure and the demand level. The loop is over
patients (and blocks of samples), every step an array over the samples of a block. Streams:
block ``b`` of the seed, one stream per lot (``#lot/<k>``) and per drawn parameter (by its
path), so a sample's draws depend only on the seed, its block and its patient: common random
numbers across demand levels, queue rules and capacities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from genofab.engines.arrays import Array
from genofab.engines.network import DAYS_PER_YEAR, NetworkProblem, NetworkSolution, Route
from genofab.engines.uncertainty.sampling import BLOCK, BlockStreams, quantile
from genofab.model.distributions import AnyDistribution, is_uncertain

#: The most samples a network's Monte Carlo draws.
MAX_SAMPLES = 100_000
#: The most patients × samples one Monte Carlo works through (its work and time).
MAX_LOT_SAMPLES = 200_000_000
#: Whole numbers by patient (days, centres, ranks).
Whole = NDArray[np.int64]
#: The uniforms each lot draws: the way there, manufacturing, QC, the way back, failure.
_THERE, _MAKE, _QC, _BACK, _FAIL = range(5)


@dataclass(frozen=True)
class Drawn:
    """A figure of the network: its planned value and, when uncertain, its distribution
    (base units); ``whole``: drawn values are rounded to whole days (never below 0)."""

    value: float
    distribution: AnyDistribution | None = None
    whole: bool = False

    def at(self, u: Array | None, size: int) -> Array:
        """The values at uniforms ``u`` (None: the planned value), ``size`` of them."""
        if u is None or not is_uncertain(self.distribution):
            return np.full(size, float(self.value))
        assert self.distribution is not None
        values = quantile(self.distribution, u)
        return np.maximum(np.rint(values), 0.0) if self.whole else values

    def highest(self) -> float:
        """The largest value it can practically take (the planned one when it is certain)."""
        if not is_uncertain(self.distribution):
            return float(self.value)
        assert self.distribution is not None
        return max(float(self.value), float(self.distribution.tails()[1]))


@dataclass(frozen=True)
class DrawnDemand:
    """Patients a year drawn for each sample; ``shares``: each centre's share of them. The
    problem's arrivals are then those of the highest level; each sample keeps, at each centre,
    as many as its level brings, chosen in a random order common to every sample."""

    level: Drawn
    shares: tuple[float, ...]


@dataclass(frozen=True)
class Operation:
    """A plan to operate: the problem (its arrivals are the patients who may come), the sites
    open, each centre's routes in order of preference, and the drawn figures."""

    problem: NetworkProblem
    opened: tuple[bool, ...]
    routes: tuple[Route, ...]
    ranking: tuple[tuple[int, ...], ...]
    manufacturing: tuple[Drawn, ...]
    qc: tuple[Drawn, ...]
    lane_days: tuple[Drawn, ...]
    lot_failure: tuple[Drawn, ...]
    queue: bool = False
    demand: DrawnDemand | None = None


@dataclass(frozen=True)
class OperationOutcome:
    """Per sample: patients who came, were served (therapy given, late or not), served
    within the limit, found no place (or were lost waiting), lots failed, patients who
    waited, days waited and days vein to vein in all, and cost; and, over every sample, the
    patients served by days vein to vein and by days waited (index = days)."""

    patients: Array
    served: Array
    within_limit: Array
    unserved: Array
    lost_waiting: Array
    failed: Array
    waited: Array
    wait_days: Array
    turnaround_days: Array
    cost: Array
    turnaround_counts: Array
    wait_counts: Array


def ranked_routes(
    problem: NetworkProblem, solution: NetworkSolution
) -> tuple[tuple[int, ...], ...]:
    """Each centre's routes to open sites, in order of preference: most of the centre's
    patients in the plan first, then the cheapest, then the fastest."""
    options = solution.routes
    planned: dict[int, int] = {}
    for (_c, _day, r), count in solution.served.items():
        planned[r] = planned.get(r, 0) + count
    ranking = []
    for c in range(len(problem.centres)):
        opened = solution.opened
        mine = [r for r, route in enumerate(options) if route.centre == c and opened[route.site]]
        mine.sort(key=lambda r: (-planned.get(r, 0), options[r].cost, options[r].turnaround, r))
        ranking.append(tuple(mine))
    return tuple(ranking)


def lane_index(problem: NetworkProblem, origin: str, destination: str, mode: str) -> int:
    """The index of the lane from ``origin`` to ``destination`` by ``mode``."""
    for i, lane in enumerate(problem.lanes):
        if (lane.origin, lane.destination, lane.mode) == (origin, destination, mode):
            return i
    raise KeyError((origin, destination, mode))


def operate(operation: Operation, samples: int | None, seed: int = 1) -> OperationOutcome:
    """Operate the plan over ``samples`` draws (None: once, at the planned times, every
    listed patient coming and no lot failing)."""
    problem = operation.problem
    days, centres = _patients(problem)
    blocks = 1 if samples is None else math.ceil(samples / BLOCK)
    # days vein to vein and days waited are counted up to this many (the last counts more)
    bins = int(
        problem.vein_to_vein_max
        + problem.horizon_days
        + problem.collection_days
        + problem.administration_days
        + max(d.highest() for d in operation.manufacturing)
        + max(d.highest() for d in operation.qc)
        + 2 * max(d.highest() for d in operation.lane_days)
    )
    rank = _arrival_rank(centres, seed)
    parts: list[OperationOutcome] = []
    for block in range(blocks):
        size = 1 if samples is None else min(BLOCK, samples - block * BLOCK)
        streams = None if samples is None else BlockStreams(seed, block)
        parts.append(_operate_block(operation, days, centres, rank, size, streams, bins))
    return OperationOutcome(
        **{
            name: (
                sum(getattr(p, name) for p in parts)
                if name in ("turnaround_counts", "wait_counts")
                else np.concatenate([getattr(p, name) for p in parts])
            )
            for name in OperationOutcome.__dataclass_fields__
        }
    )


def _patients(problem: NetworkProblem) -> tuple[Whole, Whole]:
    """Every listed patient's arrival day and centre, in order of collection."""
    days = np.asarray([day for listed in problem.arrivals for day in listed], dtype=np.int64)
    centres = np.asarray(
        [c for c, listed in enumerate(problem.arrivals) for _ in listed], dtype=np.int64
    )
    order = np.lexsort((centres, days))
    return days[order], centres[order]


def _arrival_rank(centres: Whole, seed: int) -> Whole:
    """Each patient's rank among its centre's, in a random order common to every sample: when
    fewer come than are listed, those of lowest rank do."""
    rank = np.zeros(len(centres), dtype=np.int64)
    streams = BlockStreams(seed, 0)
    for c in np.unique(centres):
        mine = np.flatnonzero(centres == c)
        order = streams.stream(f"#arrival-order/{int(c)}").permutation(len(mine))
        rank[mine[order]] = np.arange(len(mine))
    return rank


def _present(
    operation: Operation, centres: Whole, rank: Whole, size: int, streams: BlockStreams | None
) -> Array:
    """Whether each patient comes in each sample, (patients, size)."""
    present = np.ones((len(centres), size), dtype=bool)
    demand = operation.demand
    if demand is None or streams is None or not is_uncertain(demand.level.distribution):
        return present
    level = demand.level.at(streams.stream("demand_level").random(size), size)
    level = np.minimum(level, demand.level.highest())
    days = operation.problem.horizon_days
    for c, share in enumerate(demand.shares):
        mine = np.flatnonzero(centres == c)
        if not len(mine):
            continue
        coming = np.rint(level * share * days / DAYS_PER_YEAR)  # (size,)
        present[mine] = rank[mine, None] < coming[None, :]
    return present


def _operate_block(
    operation: Operation,
    days: Whole,
    centres: Whole,
    rank: Whole,
    size: int,
    streams: BlockStreams | None,
    bins: int,
) -> OperationOutcome:
    problem = operation.problem
    routes = operation.routes
    sites = problem.sites
    n_sites = len(sites)
    slots = max(
        (
            min(site.capacity, len(days))
            for site, o in zip(sites, operation.opened, strict=True)
            if o
        ),
        default=1,
    )
    slots = max(slots, 1)
    # when each place of each site is next free (inf: no such place, or the site is closed)
    free = np.full((size, n_sites, slots), np.inf)
    for s, site in enumerate(sites):
        if operation.opened[s]:
            free[:, s, : min(site.capacity, slots)] = -np.inf
    earliest = free.min(axis=2)  # (size, sites)
    failure = np.stack(
        [
            d.at(
                None if streams is None else streams.stream(f"sites[{s}].lot_failure").random(size),
                size,
            )
            for s, d in enumerate(operation.lot_failure)
        ]
    )  # (sites, size)
    present = _present(operation, centres, rank, size, streams)
    rows = np.arange(size)
    planned_make = np.asarray([d.value for d in operation.manufacturing])
    planned_qc = np.asarray([d.value for d in operation.qc])
    planned_lane = np.asarray([d.value for d in operation.lane_days])
    # a lot made costs the therapy's cost less its failed lots' share (a site's cost per
    # therapy counts the lots that fail at its planned failure rate; at the planned times no
    # lot fails, so a lot costs the whole of it)
    cost_per_lot = np.asarray(
        [
            site.cost_per_therapy * (1.0 if streams is None else 1.0 - failure.value)
            for site, failure in zip(sites, operation.lot_failure, strict=True)
        ]
    )
    lane_cost = np.asarray([lane.cost for lane in problem.lanes])
    there_lane = [
        lane_index(problem, problem.collection_of(r.centre), sites[r.site].name, r.mode_there)
        for r in routes
    ]
    back_lane = [
        lane_index(problem, sites[r.site].name, problem.centres[r.centre], r.mode_back)
        for r in routes
    ]
    after_make = problem.administration_days
    limit = problem.vein_to_vein_max

    served = np.zeros(size)
    within = np.zeros(size)
    unserved = np.zeros(size)
    lost = np.zeros(size)
    failed = np.zeros(size)
    waited = np.zeros(size)
    wait_days = np.zeros(size)
    turnaround_days = np.zeros(size)
    cost = np.zeros(size)
    turnaround_counts = np.zeros(bins + 1)
    wait_counts = np.zeros(bins + 1)

    for k in range(len(days)):
        day, c = int(days[k]), int(centres[k])
        coming = present[k]
        candidates = operation.ranking[c]
        if not candidates:
            unserved += coming
            continue
        u = None if streams is None else streams.stream(f"#lot/{k}").random((5, size))
        shipped = day + problem.collection_days
        # for each candidate route: when the cells arrive, how long they wait, and when the
        # therapy would return at the planned times
        arrive = np.empty((len(candidates), size))
        wait = np.empty((len(candidates), size))
        expected = np.empty((len(candidates), size))
        for j, r in enumerate(candidates):
            route = routes[r]
            travel = operation.lane_days[there_lane[r]].at(None if u is None else u[_THERE], size)
            arrive[j] = shipped + travel
            wait[j] = np.maximum(earliest[:, route.site] - arrive[j], 0.0)
            expected[j] = (
                arrive[j]
                + wait[j]
                + planned_make[route.site]
                + planned_qc[route.site]
                + planned_lane[back_lane[r]]
                + after_make
                - day
            )
        free_now = wait <= 0.0
        first_free = np.argmax(free_now, axis=0)
        has_free = free_now.any(axis=0)
        if operation.queue:
            soonest = np.argmin(expected, axis=0)
            choice = np.where(has_free, first_free, soonest)
            in_time = expected[choice, rows] <= limit
            go = coming & (has_free | in_time)
            lost += coming & ~go
        else:
            choice = first_free
            go = coming & has_free
        unserved += coming & ~go
        if not go.any():
            continue
        route_index = np.asarray(candidates)[choice]  # (size,)
        site = np.asarray([routes[r].site for r in candidates])[choice]
        start = arrive[choice, rows] + wait[choice, rows]
        make = np.empty(size)
        check = np.empty(size)
        back = np.empty(size)
        for j, r in enumerate(candidates):
            mine = choice == j
            if not mine.any():
                continue
            s = routes[r].site
            make[mine] = operation.manufacturing[s].at(
                None if u is None else u[_MAKE][mine], int(mine.sum())
            )
            check[mine] = operation.qc[s].at(None if u is None else u[_QC][mine], int(mine.sum()))
            back[mine] = operation.lane_days[back_lane[r]].at(
                None if u is None else u[_BACK][mine], int(mine.sum())
            )
        # the lot takes the earliest free place of its site
        taken = rows[go]
        place = np.argmin(free[taken, site[taken]], axis=1)
        free[taken, site[taken], place] = start[taken] + make[taken]
        earliest[taken, site[taken]] = free[taken, site[taken]].min(axis=1)
        fails = go & (
            (u[_FAIL] < failure[site, rows]) if u is not None else np.zeros(size, dtype=bool)
        )
        given = go & ~fails
        turnaround = start + make + check + back + after_make - day
        waiting = wait[choice, rows]
        there_cost = lane_cost[np.asarray(there_lane)[route_index]]
        back_cost = lane_cost[np.asarray(back_lane)[route_index]]
        cost += np.where(go, cost_per_lot[site] + there_cost, 0.0)
        cost += np.where(given, back_cost, 0.0)
        failed += fails
        served += given
        within += given & (turnaround <= limit)
        waited += given & (waiting > 0)
        wait_days += np.where(given, waiting, 0.0)
        turnaround_days += np.where(given, turnaround, 0.0)
        turnaround_counts += np.bincount(
            np.clip(turnaround[given], 0, bins).astype(np.int64), minlength=bins + 1
        )
        wait_counts += np.bincount(
            np.clip(waiting[given], 0, bins).astype(np.int64), minlength=bins + 1
        )
    years = problem.horizon_days / DAYS_PER_YEAR
    site_cost = sum(
        site.fixed_per_year * years + site.opening_cost
        for site, opened in zip(sites, operation.opened, strict=True)
        if opened
    )
    return OperationOutcome(
        patients=present.sum(axis=0).astype(float),
        served=served,
        within_limit=within,
        unserved=unserved,
        lost_waiting=lost,
        failed=failed,
        waited=waited,
        wait_days=wait_days,
        turnaround_days=turnaround_days,
        cost=cost + site_cost,
        turnaround_counts=turnaround_counts,
        wait_counts=wait_counts,
    )
