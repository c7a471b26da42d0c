"""A network end to end: sites' figures (written out, or from their scenarios), the patients
of each demand level, and the allocation with its cost and turnaround by level."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from genofab import __version__
from genofab.engines.demand.rates import product_rates
from genofab.engines.network import (
    LaneSpec,
    NetworkProblem,
    NetworkSolution,
    SiteSpec,
    even_arrivals,
    solve_network,
)
from genofab.engines.network_operation import (
    Drawn,
    DrawnDemand,
    Operation,
    OperationOutcome,
    operate,
    ranked_routes,
)
from genofab.engines.run import evaluate
from genofab.errors import InfeasibleError
from genofab.model.network import Network, Site
from genofab.model.parameter import Parameter
from genofab.model.scenario import Scenario
from genofab.results.network import (
    NetworkLevel,
    NetworkOperation,
    NetworkResult,
    NetworkSpread,
    RouteRow,
    SiteRow,
    Turnaround,
)

PERCENTILES = (5.0, 50.0, 95.0)

DAYS_PER_YEAR = 365.25


def site_spec(index: int, site: Site, scenario: Scenario | None) -> SiteSpec:
    """A site's figures: as written, else from its scenario — places: rooms × lots at once of
    the room kind holding a lot longest outside QC release; manufacturing days: that hold;
    QC days: the QC release steps; cost per therapy: the scenario's variable cost per good
    patient."""
    capacity = site.capacity.value if site.capacity is not None else None
    making = site.manufacturing_time.value if site.manufacturing_time is not None else None
    qc = site.qc_time.value if site.qc_time is not None else None
    per_therapy = site.cost_per_therapy.value if site.cost_per_therapy is not None else None
    fixed = site.fixed_cost.value if site.fixed_cost is not None else None
    failure = site.lot_failure.value
    if scenario is not None:
        run = evaluate(scenario)
        held: dict[str, float] = {}
        qc_days = 0.0
        for step in scenario.process.steps:
            if step.kind == "qc_release":
                qc_days += step.duration.value
            else:
                held[step.room] = held.get(step.room, 0.0) + step.duration.value
        if not held:
            raise InfeasibleError(
                f"sites[{index}].scenario", "its process has no manufacturing step"
            )
        room_kind = max(held, key=lambda kind: held[kind])
        room = scenario.facility.room(room_kind)
        if capacity is None:
            capacity = room.count.value * room.concurrent_lots.value
        if making is None:
            making = run.capacity.room(room_kind).occupancy_days
        if qc is None:
            qc = qc_days
        if per_therapy is None:
            per_therapy = float(product_rates(scenario).cost_per_patient)
        if fixed is None and run.economics is not None:
            fixed = run.economics.fixed_annual_cost
        if "lot_failure" not in site.model_fields_set:
            failure = run.capacity.lot_failure_probability
    assert capacity is not None and making is not None and qc is not None
    assert per_therapy is not None
    if not math.isfinite(per_therapy):
        raise InfeasibleError(f"sites[{index}].scenario", "its lot treats no patient")
    return SiteSpec(
        name=site.name,
        existing=site.status == "existing",
        capacity=int(capacity),
        manufacturing_days=math.ceil(making - 1e-9),
        qc_days=math.ceil(qc - 1e-9),
        fixed_per_year=fixed or 0.0,
        opening_cost=site.opening_cost.value,
        cost_per_therapy=per_therapy,
        lot_failure=failure,
    )


def network_problem(
    network: Network, sites: tuple[SiteSpec, ...], arrivals: tuple[tuple[int, ...], ...]
) -> NetworkProblem:
    """The programme of a network for one set of arrivals."""
    return NetworkProblem(
        centres=tuple(centre.name for centre in network.centres),
        arrivals=arrivals,
        sites=sites,
        lanes=tuple(
            LaneSpec(
                lane.origin, lane.destination, lane.mode, int(lane.time.value), lane.cost.value
            )
            for lane in network.lanes
        ),
        horizon_days=int(network.horizon.value),
        vein_to_vein_max=int(network.vein_to_vein_max.value),
        collection_days=int(network.collection_time.value),
        administration_days=int(network.administration_time.value),
        max_sites=network.max_sites,
        unserved_penalty=network.unserved_penalty.value if network.unserved_penalty else None,
        collected_at=tuple(centre.collected_at or centre.name for centre in network.centres),
    )


def level_arrivals(
    network: Network, patients_per_year: float | None
) -> tuple[tuple[int, ...], ...]:
    """Each centre's arrival days: as listed, or its share of a demand level spread evenly,
    centre k of n starting at (k + 1) ÷ (n + 1) of its first interval (staggered)."""
    days = int(network.horizon.value)
    if patients_per_year is None:
        return tuple(tuple(centre.arrivals or ()) for centre in network.centres)
    shares = [centre.share.value if centre.share is not None else 0.0 for centre in network.centres]
    counts = apportion(patients_per_year * days / DAYS_PER_YEAR, shares)
    arrivals = []
    for k, patients in enumerate(counts):
        phase = (k + 1) / (len(counts) + 1)
        arrivals.append(even_arrivals(patients, days, phase) if patients else ())
    return tuple(arrivals)


def apportion(patients: float, shares: Sequence[float]) -> list[int]:
    """Whole patients per centre: the level's patients over the horizon, rounded once, given
    out by the shares with the largest-remainder rule, so that the centres' patients add up
    to the level's (rounding each centre on its own would lose or add patients: 50 a year
    over five centres came to 48)."""
    weight = sum(shares)
    if weight <= 0.0:
        return [0] * len(shares)
    total = round(patients * weight)
    exact = [total * share / weight for share in shares]
    counts = [math.floor(value) for value in exact]
    by_remainder = sorted(range(len(shares)), key=lambda k: (counts[k] - exact[k], k))
    for k in by_remainder[: total - sum(counts)]:
        counts[k] += 1
    return counts


def run_network(
    network: Network,
    scenarios: Mapping[str, Scenario],
    *,
    file: str | None = None,
    sha256: str | None = None,
    samples: int | None = None,
    seed: int = 1,
) -> NetworkResult:
    """Every demand level of a network (or its listed arrivals) allocated and costed, the
    plan operated day by day; with ``samples``, its spread over a Monte Carlo of each lot's
    times, lot failures and demand."""
    sites = tuple(
        site_spec(i, site, scenarios.get(site.name)) for i, site in enumerate(network.sites)
    )
    levels: list[Parameter | None] = (
        list(network.demand_levels) if network.demand_levels else [None]
    )
    results = []
    for level in levels:
        planned = None if level is None else level.value
        problem = network_problem(network, sites, level_arrivals(network, planned))
        solution = solve_network(problem)
        operation = network_operation(network, problem, solution, level)
        result = network_level(problem, solution, planned).model_copy(
            update={"operation": operated(operate(operation, None))}
        )
        if samples is not None:
            drawn = operation
            if operation.demand is not None:
                highest = operation.demand.level.highest()
                drawn = replace(
                    operation,
                    problem=network_problem(network, sites, level_arrivals(network, highest)),
                )
            result = result.model_copy(
                update={"spread": spread(operate(drawn, samples, seed), samples, seed)}
            )
        results.append(result)
    currency = next(
        (
            money.currency
            for site in network.sites
            for money in (site.fixed_cost, site.cost_per_therapy, site.opening_cost)
            if money is not None and money.currency is not None
        ),
        "EUR",
    )
    return NetworkResult(
        genofab_version=__version__,
        name=network.name,
        file=file,
        sha256=sha256,
        currency=currency,
        horizon_days=int(network.horizon.value),
        vein_to_vein_max_days=int(network.vein_to_vein_max.value),
        when_full=network.when_full,
        sites=tuple(
            SiteRow(
                name=spec.name,
                existing=spec.existing,
                capacity=spec.capacity,
                manufacturing_days=spec.manufacturing_days,
                qc_days=spec.qc_days,
                fixed_per_year=spec.fixed_per_year,
                opening_cost=spec.opening_cost,
                cost_per_therapy=spec.cost_per_therapy,
                lot_failure=spec.lot_failure,
            )
            for spec in sites
        ),
        levels=tuple(results),
    )


def network_level(
    problem: NetworkProblem, solution: NetworkSolution, patients_per_year: float | None
) -> NetworkLevel:
    """The figures of one solved level."""
    patients = sum(len(days) for days in problem.arrivals)
    routes = solution.routes
    by_route: dict[int, int] = {}
    turnaround: list[tuple[int, int]] = []
    transport = making = 0.0
    for (_c, _day, r), count in solution.served.items():
        by_route[r] = by_route.get(r, 0) + count
        turnaround.append((routes[r].turnaround, count))
        site = problem.sites[routes[r].site]
        making += count * site.cost_per_therapy
        transport += count * (routes[r].cost - site.cost_per_therapy)
    served = sum(by_route.values())
    years = problem.horizon_days / DAYS_PER_YEAR
    site_cost = sum(
        site.fixed_per_year * years + site.opening_cost
        for site, opened in zip(problem.sites, solution.opened, strict=True)
        if opened
    )
    # lots in manufacture at each site by day
    peak: dict[int, int] = {}
    mean: dict[int, float] = {}
    for s, site in enumerate(problem.sites):
        load = np.zeros(problem.horizon_days + 400)
        for (_c, day, r), count in solution.served.items():
            if routes[r].site == s:
                start = day + routes[r].start_offset
                load[start : start + site.manufacturing_days] += count
        peak[s] = int(load.max())
        mean[s] = float(load[1 : problem.horizon_days + 1].mean())
    no_route = sum(
        len(days) for days, lost in zip(problem.arrivals, solution.no_route, strict=True) if lost
    )
    unserved = sum(solution.unserved.values())
    total = site_cost + making + transport
    return NetworkLevel(
        patients_per_year=patients_per_year,
        patients=patients,
        status=solution.status,
        solve_cpu_seconds=solution.seconds,
        sites_opened=tuple(
            site.name for site, opened in zip(problem.sites, solution.opened, strict=True) if opened
        ),
        patients_served=served,
        patients_unserved=unserved,
        unserved_without_route=no_route,
        cost=total,
        cost_by_part={"sites": site_cost, "manufacturing": making, "transport": transport},
        cost_per_therapy=total / served if served else None,
        turnaround=_turnaround(turnaround),
        routes=tuple(
            RouteRow(
                centre=problem.centres[routes[r].centre],
                site=problem.sites[routes[r].site].name,
                mode_there=routes[r].mode_there,
                mode_back=routes[r].mode_back,
                patients=count,
                turnaround_days=routes[r].turnaround,
                cost_per_patient=routes[r].cost,
            )
            for r, count in sorted(by_route.items())
        ),
        peak_lots_at_once={problem.sites[s].name: peak[s] for s in peak if solution.opened[s]},
        utilisation={
            problem.sites[s].name: mean[s] / problem.sites[s].capacity
            for s in mean
            if solution.opened[s]
        },
    )


def _turnaround(weighted: list[tuple[int, int]]) -> Turnaround | None:
    if not weighted:
        return None
    days = np.repeat([d for d, _ in weighted], [n for _, n in weighted])
    counts: dict[str, int] = {}
    for day, count in weighted:
        counts[str(day)] = counts.get(str(day), 0) + count
    return Turnaround(
        mean_days=float(days.mean()),
        p5_days=float(np.percentile(days, 5)),
        p50_days=float(np.percentile(days, 50)),
        p95_days=float(np.percentile(days, 95)),
        max_days=int(days.max()),
        patients_by_days=dict(sorted(counts.items(), key=lambda item: int(item[0]))),
    )


def network_operation(
    network: Network,
    problem: NetworkProblem,
    solution: NetworkSolution,
    level: Parameter | None,
) -> Operation:
    """The plan of one level to operate: its sites open, each centre's routes ranked, and the
    figures each lot (or sample) draws."""

    def days(parameter: Parameter | None, planned: int) -> Drawn:
        return Drawn(planned, None if parameter is None else parameter.uncertainty, whole=True)

    manufacturing = tuple(
        days(site.manufacturing_time, spec.manufacturing_days)
        for site, spec in zip(network.sites, problem.sites, strict=True)
    )
    qc = tuple(
        days(site.qc_time, spec.qc_days)
        for site, spec in zip(network.sites, problem.sites, strict=True)
    )
    demand = None
    if level is not None:
        demand = DrawnDemand(
            Drawn(level.value, level.uncertainty),
            tuple(c.share.value if c.share is not None else 0.0 for c in network.centres),
        )
    return Operation(
        problem=problem,
        opened=solution.opened,
        routes=solution.routes,
        ranking=ranked_routes(problem, solution),
        manufacturing=manufacturing,
        qc=qc,
        lane_days=tuple(days(lane.time, int(lane.time.value)) for lane in network.lanes),
        lot_failure=tuple(
            Drawn(spec.lot_failure, site.lot_failure.uncertainty)
            for site, spec in zip(network.sites, problem.sites, strict=True)
        ),
        queue=network.when_full == "queue",
        demand=demand,
    )


def operated(outcome: OperationOutcome) -> NetworkOperation:
    """The figures of the plan operated once at the planned times."""
    served = int(outcome.served[0])
    waits = np.flatnonzero(outcome.wait_counts)
    return NetworkOperation(
        patients=int(outcome.patients[0]),
        patients_served=served,
        patients_within_limit=int(outcome.within_limit[0]),
        patients_unserved=int(outcome.unserved[0]),
        patients_lost_waiting=int(outcome.lost_waiting[0]),
        patients_waited=int(outcome.waited[0]),
        mean_wait_days=float(outcome.wait_days[0] / served) if served else None,
        max_wait_days=int(waits.max()) if len(waits) else 0,
        cost_per_therapy=float(outcome.cost[0] / served) if served else None,
    )


def _percentiles(values: np.ndarray) -> dict[str, float | None]:
    """P5, P50 and P95 of the finite values (None when there is none)."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return {f"p{p:g}": None for p in PERCENTILES}
    found = np.percentile(finite, PERCENTILES)
    return {f"p{p:g}": float(v) for p, v in zip(PERCENTILES, found, strict=True)}


def _counted_percentiles(counts: np.ndarray) -> dict[str, float | None]:
    """P5, P50 and P95 of whole days counted by day (index = days): the lower value at each
    (NumPy's ``inverted_cdf``); None when nothing is counted."""
    total = counts.sum()
    if total <= 0:
        return {f"p{p:g}": None for p in PERCENTILES}
    cumulative = np.cumsum(counts)
    return {
        f"p{p:g}": float(np.searchsorted(cumulative, p / 100.0 * total - 1e-9)) for p in PERCENTILES
    }


def spread(outcome: OperationOutcome, samples: int, seed: int) -> NetworkSpread:
    """P5, P50 and P95 of the plan's figures over the samples."""
    served = outcome.served
    with np.errstate(invalid="ignore", divide="ignore"):
        within = np.where(outcome.patients > 0, outcome.within_limit / outcome.patients, np.nan)
        wait = np.where(served > 0, outcome.wait_days / served, np.nan)
        turnaround = np.where(served > 0, outcome.turnaround_days / served, np.nan)
        per_therapy = np.where(served > 0, outcome.cost / served, np.nan)
    return NetworkSpread(
        samples=samples,
        seed=seed,
        patients=_percentiles(outcome.patients),
        patients_served=_percentiles(served),
        share_within_limit=_percentiles(within),
        patients_lost_waiting=_percentiles(outcome.lost_waiting),
        lots_failed=_percentiles(outcome.failed),
        mean_wait_days=_percentiles(wait),
        turnaround_mean_days=_percentiles(turnaround),
        turnaround_days=_counted_percentiles(outcome.turnaround_counts),
        cost_per_therapy=_percentiles(per_therapy),
        method=(
            "the plan's sites operated lot by lot over a Monte Carlo: each lot's manufacturing,"
            " QC and transport times drawn, each sample's lot failure and demand; patients to"
            " the first of their centre's routes with a free place"
            " (queueing when the network says so)"
        ),
    )
