"""Which site makes which patient's lot: facility location and patient allocation for an
autologous therapy, a mixed-integer programme on a grid of days (HiGHS).

A patient arrives on a day at the collection site of a centre (the centre itself unless it
names another); after the collection time the cells travel to a site by one mode, are
manufactured (the lot holds one of the site's places for the manufacturing time), released
by QC, and travel to the centre by one mode; the vein-to-vein time, collection to return plus
the administration time, may not exceed the maximum. A route (site, mode there, mode back) is
kept only when it meets that limit; for each mode there, the cheapest mode back that does is
taken (the way back uses no capacity). Patients of one centre arriving on one day are alike,
so the decisions are counts by (centre, day, site, mode there).

- each patient is served by one route or not at all;
- on every day, the lots in manufacture at a site are at most its places, and none at a
  site that is not open;
- at most ``max_sites`` sites open (existing ones always are);
- cost: a site's opening cost and its running cost over the horizon if open, the cost of
  each therapy at its site, and both transport legs; patients not served cost the stated
  penalty, or (without one) as many patients as can be are served first, then at least cost.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from genofab.engines.arrays import Array

DAYS_PER_YEAR = 365.25
#: The most (centre, day, route) decisions one network may ask of the solver.
MAX_DECISIONS = 400_000
#: Up to this many ways to open sites, each is settled exactly by an LP (whole patients
#: only where the LP's answer is not whole); beyond, one MIP chooses the sites too.
MAX_ENUMERATED = 64


@dataclass(frozen=True)
class SiteSpec:
    """A site in engine terms: whole days, money in one currency (per year and per therapy
    given, failed lots included), the probability that a lot fails."""

    name: str
    existing: bool
    capacity: int
    manufacturing_days: int
    qc_days: int
    fixed_per_year: float
    opening_cost: float
    cost_per_therapy: float
    lot_failure: float = 0.0


@dataclass(frozen=True)
class LaneSpec:
    """A transport lane by one mode."""

    origin: str
    destination: str
    mode: str
    days: int
    cost: float


@dataclass(frozen=True)
class NetworkProblem:
    """Centres with the days their patients arrive (1-based, one entry a patient), sites,
    lanes and the rules of the network."""

    centres: tuple[str, ...]
    arrivals: tuple[tuple[int, ...], ...]
    sites: tuple[SiteSpec, ...]
    lanes: tuple[LaneSpec, ...]
    horizon_days: int
    vein_to_vein_max: int
    collection_days: int = 0
    administration_days: int = 0
    max_sites: int | None = None
    unserved_penalty: float | None = None
    time_limit: float = 60.0
    collected_at: tuple[str, ...] | None = None

    def collection_of(self, centre: int) -> str:
        """Where the patients of a centre give their cells (the centre itself by default)."""
        return self.centres[centre] if self.collected_at is None else self.collected_at[centre]


@dataclass(frozen=True)
class Route:
    """One way to treat a patient of a centre: the site, both modes, their cost and times."""

    centre: int
    site: int
    mode_there: str
    mode_back: str
    cost: float
    start_offset: int
    turnaround: int


@dataclass(frozen=True)
class NetworkSolution:
    """Sites opened, patients served by route and arrival day, and what is left unserved."""

    status: Literal["optimal", "feasible", "infeasible"]
    objective_value: float | None
    gap: float | None
    seconds: float
    opened: tuple[bool, ...]
    routes: tuple[Route, ...]
    served: dict[tuple[int, int, int], int] = field(default_factory=dict)
    unserved: dict[tuple[int, int], int] = field(default_factory=dict)
    no_route: tuple[bool, ...] = ()


def routes(problem: NetworkProblem) -> tuple[Route, ...]:
    """Every route that meets the vein-to-vein limit, the cheapest way back for each way
    there."""
    found = []
    for c, centre in enumerate(problem.centres):
        for s, site in enumerate(problem.sites):
            collection = problem.collection_of(c)
            there = [
                lane
                for lane in problem.lanes
                if lane.origin == collection and lane.destination == site.name
            ]
            back = [
                lane
                for lane in problem.lanes
                if lane.origin == site.name and lane.destination == centre
            ]
            for out in there:
                before_back = (
                    problem.collection_days + out.days + site.manufacturing_days + site.qc_days
                )
                fitting = [
                    lane
                    for lane in back
                    if before_back + lane.days + problem.administration_days
                    <= problem.vein_to_vein_max
                ]
                if not fitting:
                    continue
                home = min(fitting, key=lambda lane: (lane.cost, lane.days, lane.mode))
                found.append(
                    Route(
                        centre=c,
                        site=s,
                        mode_there=out.mode,
                        mode_back=home.mode,
                        cost=out.cost + home.cost + site.cost_per_therapy,
                        start_offset=problem.collection_days + out.days,
                        turnaround=before_back + home.days + problem.administration_days,
                    )
                )
    return tuple(found)


def solve_network(problem: NetworkProblem) -> NetworkSolution:
    """Open sites and allocate patients (see the module's docstring)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    started = time.process_time()
    options = routes(problem)
    groups: list[tuple[int, int, int]] = []  # (centre, day, patients)
    for c, days in enumerate(problem.arrivals):
        values, counts = np.unique(np.asarray(days, dtype=int), return_counts=True)
        groups += [(c, int(day), int(n)) for day, n in zip(values, counts, strict=True)]
    by_centre: dict[int, list[int]] = {}
    for r, route in enumerate(options):
        by_centre.setdefault(route.centre, []).append(r)
    decisions = [(g, r) for g, (c, _d, _n) in enumerate(groups) for r in by_centre.get(c, [])]
    if len(decisions) > MAX_DECISIONS:
        raise ValueError(
            f"the network needs {len(decisions):,} decisions, more than {MAX_DECISIONS:,}:"
            " fewer arrival days, sites or lanes"
        )
    n_x, n_u, n_s = len(decisions), len(groups), len(problem.sites)
    total = n_x + n_u + n_s
    u0, s0 = n_x, n_x + n_u
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def constraint(entries: list[tuple[int, float]], low: float, high: float) -> None:
        row = len(lower)
        for col, value in entries:
            rows.append(row)
            cols.append(col)
            vals.append(value)
        lower.append(low)
        upper.append(high)

    # each patient served once or not at all
    per_group: dict[int, list[int]] = {}
    for k, (g, _r) in enumerate(decisions):
        per_group.setdefault(g, []).append(k)
    for g, (_c, _day, n) in enumerate(groups):
        constraint([(k, 1.0) for k in per_group.get(g, [])] + [(u0 + g, 1.0)], n, n)
    # no patient at a site that is not open (one row a decision: the strong form of facility
    # location, whose LP relaxation opens sites nearly as the optimum does)
    for k, (g, r) in enumerate(decisions):
        constraint([(k, 1.0), (s0 + options[r].site, -float(groups[g][2]))], -np.inf, 0.0)
    # places at each site on each day
    for s, site in enumerate(problem.sites):
        if site.manufacturing_days <= 0:
            continue
        holding: dict[int, list[int]] = {}
        for k, (g, r) in enumerate(decisions):
            route = options[r]
            if route.site != s:
                continue
            start = groups[g][1] + route.start_offset
            for day in range(start, start + site.manufacturing_days):
                holding.setdefault(day, []).append(k)
        for day in sorted(holding):
            constraint(
                [(k, 1.0) for k in holding[day]] + [(s0 + s, -float(site.capacity))],
                -np.inf,
                0.0,
            )
    if problem.max_sites is not None:
        constraint([(s0 + s, 1.0) for s in range(n_s)], -np.inf, problem.max_sites)

    years = problem.horizon_days / DAYS_PER_YEAR
    cost = np.zeros(total)
    for k, (_g, r) in enumerate(decisions):
        cost[k] = options[r].cost
    for s, site in enumerate(problem.sites):
        cost[s0 + s] = site.fixed_per_year * years + site.opening_cost
    lb = np.zeros(total)
    ub = np.full(total, np.inf)
    ub[s0:] = 1.0
    matrix = coo_array((vals, (rows, cols)), shape=(len(lower), total)).tocsr()
    base = [LinearConstraint(matrix, np.asarray(lower), np.asarray(upper))]
    settings = {"time_limit": problem.time_limit, "mip_rel_gap": 0.0}
    unserved_only = np.zeros(total)
    unserved_only[u0:s0] = 1.0

    def run(objective: Array, opened: tuple[bool, ...] | None, whole: bool) -> Any:
        """Solve with the sites open as given (None: chosen too) and the patients' decisions
        whole or not."""
        integrality = np.zeros(total)
        if whole:
            integrality[:n_x] = 1
        low, high = lb.copy(), ub.copy()
        if opened is None:
            integrality[s0:] = 1
            low[s0:] = [1.0 if site.existing else 0.0 for site in problem.sites]
        else:
            low[s0:] = high[s0:] = np.asarray(opened, dtype=float)
        return milp(
            objective,
            integrality=integrality,
            bounds=Bounds(low, high),
            constraints=base,
            options=settings,
        )

    def settle(opened: tuple[bool, ...]) -> tuple[tuple[float, float], Array, tuple[float, float]]:
        """The best allocation with these sites open: LPs (fewest unserved, then least cost,
        or the penalty), then whole patients by rounding down and placing the rest where
        places are free. Returns (unserved, cost), the decisions and the LP's (unserved,
        cost), the bound."""
        if problem.unserved_penalty is not None:
            found = run(cost + problem.unserved_penalty * unserved_only, opened, whole=False)
        else:
            served = run(unserved_only, opened, whole=False)
            capped = LinearConstraint(
                unserved_only.reshape(1, -1), -np.inf, float(served.fun) + 1e-6
            )
            found = milp(
                cost,
                integrality=np.zeros(total),
                bounds=Bounds(*_fixed(lb, ub, s0, opened)),
                constraints=[*base, capped],
                options=settings,
            )
        bound = (float(unserved_only @ found.x), float(cost @ found.x))
        x = _whole_patients(problem, options, groups, decisions, per_group, found.x, opened)
        unserved = float(x[u0:s0].sum())
        spent = float(cost @ x)
        if problem.unserved_penalty is not None:
            return (0.0, spent + problem.unserved_penalty * unserved), x, bound
        return (unserved, spent), x, bound

    choices = list(_site_choices(problem))
    if len(choices) <= MAX_ENUMERATED:
        # few ways to open sites: each settled, the best kept (fewest unserved, then least
        # cost, the open sites' cost included)
        best: tuple[tuple[float, float], Array, tuple[float, float]] | None = None
        for opened in choices:
            settled = settle(opened)
            if best is None or settled[0] < best[0]:
                best = settled
        assert best is not None
        x, bound = best[1], best[2]
        objective = best[0][1]
    else:
        penalty = problem.unserved_penalty
        if penalty is None:
            # one more patient served outweighs every cost the plan can have
            dearest = max((route.cost for route in options), default=0.0)
            penalty = 1.0 + float(cost[s0:].sum()) + 2.0 * dearest
        chosen = run(cost + penalty * unserved_only, None, whole=True)
        if chosen.x is None:  # pragma: no cover - serving nobody is always feasible
            raise RuntimeError(f"the network's programme found no plan: {chosen.message}")
        opened = tuple(bool(round(v)) for v in chosen.x[s0:])
        _key, x, bound = settle(opened)
        objective = float(cost @ x)
    seconds = time.process_time() - started
    no_route = tuple(c not in by_centre for c in range(len(problem.centres)))
    served: dict[tuple[int, int, int], int] = {}
    for k, (g, r) in enumerate(decisions):
        count = round(x[k])
        if count:
            c, day, _n = groups[g]
            served[c, day, r] = served.get((c, day, r), 0) + count
    unserved = {}
    for g, (c, day, _n) in enumerate(groups):
        left = round(x[u0 + g])
        if left:
            unserved[c, day] = left
    spent = float(cost @ x)
    gap = 0.0 if spent <= 0 else max(spent - bound[1], 0.0) / spent
    exact = gap <= 1e-6 and float(unserved_only @ x) <= bound[0] + 1e-6
    return NetworkSolution(
        status="optimal" if exact else "feasible",
        objective_value=objective,
        gap=gap,
        seconds=seconds,
        opened=tuple(bool(round(x[s0 + s])) for s in range(n_s)),
        routes=options,
        served=served,
        unserved=unserved,
        no_route=no_route,
    )


def _whole_patients(
    problem: NetworkProblem,
    options: tuple[Route, ...],
    groups: list[tuple[int, int, int]],
    decisions: list[tuple[int, int]],
    per_group: dict[int, list[int]],
    x: Array,
    opened: tuple[bool, ...],
) -> Array:
    """Whole patients from an LP's allocation: each route keeps its whole patients, then the
    rest of each arrival day (earliest first) go to the routes with the largest fractions,
    then the cheapest, where the site has a free place on every day the lot needs one; the
    others stay unserved."""
    n_x, n_u = len(decisions), len(groups)
    whole = np.zeros_like(x)
    whole[n_x + n_u :] = np.asarray(opened, dtype=float)
    load = [np.zeros(problem.horizon_days + 800, dtype=np.int64) for _ in problem.sites]
    starts = []
    for k, (g, r) in enumerate(decisions):
        count = math.floor(x[k] + 1e-6)
        whole[k] = count
        start = groups[g][1] + options[r].start_offset
        starts.append(start)
        span = problem.sites[options[r].site].manufacturing_days
        load[options[r].site][start : start + span] += count
    for g in sorted(range(n_u), key=lambda g: groups[g][1]):
        left = groups[g][2] - int(sum(whole[k] for k in per_group.get(g, [])))
        ranked = sorted(
            per_group.get(g, []),
            key=lambda k: (-(x[k] - whole[k]), options[decisions[k][1]].cost),
        )
        for k in ranked:
            if left <= 0:
                break
            site = options[decisions[k][1]].site
            if not opened[site]:
                continue
            span = problem.sites[site].manufacturing_days
            window = load[site][starts[k] : starts[k] + span]
            free = problem.sites[site].capacity - int(window.max()) if span else left
            placed = min(left, max(free, 0))
            if placed:
                whole[k] += placed
                window += placed
                left -= placed
        whole[n_x + g] = left
    return whole


def _fixed(lb: Array, ub: Array, first: int, opened: tuple[bool, ...]) -> tuple[Array, Array]:
    low, high = lb.copy(), ub.copy()
    low[first:] = high[first:] = np.asarray(opened, dtype=float)
    return low, high


def _site_choices(problem: NetworkProblem) -> Iterator[tuple[bool, ...]]:
    """Every way to open sites: existing ones open, candidates up to ``max_sites`` in all."""
    candidates = [s for s, site in enumerate(problem.sites) if not site.existing]
    existing = len(problem.sites) - len(candidates)
    most = len(candidates) if problem.max_sites is None else problem.max_sites - existing
    for count in range(0, max(min(most, len(candidates)), 0) + 1):
        for chosen in itertools.combinations(candidates, count):
            yield tuple(site.existing or s in chosen for s, site in enumerate(problem.sites))


def even_arrivals(patients: int, horizon_days: int, phase: float = 0.5) -> tuple[int, ...]:
    """Days (1-based) of ``patients`` arrivals spread evenly over the horizon, the first at
    ``phase`` (0 to 1) of the first interval: centres given different phases do not send
    their patients on the same days."""
    return tuple(
        int(1 + math.floor((k + phase) * horizon_days / patients)) for k in range(patients)
    )
