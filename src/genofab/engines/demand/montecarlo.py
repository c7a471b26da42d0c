"""How a build plan holds when demand and product rates are drawn: a year-by-year Monte Carlo.

For a case's build plan (chosen or given), each sample draws the indications' uncertain
parameters (prevalence, incidence, shares, adoption) and each stage scenario's uncertain
parameters (titre, yields, durations …, as ``genofab run --samples`` draws them), then walks
the years: patients needing therapy join the waiting list, each product treats as many as
its share of the rooms allows, the rest wait (and the indication's waiting loss rate of
those still waiting at a year's end are lost during the next). Rooms are shared between
products and indications in each year's proportions of the deterministic plan (all of a resource's
room-years, idle ones included, go to the products that used it that year, or to every
product that can use it when none did). Vectorised over samples; the loop is over years.

Streams: block 0 of the seed draws the outlook's own parameters (one stream per path);
each stage scenario file draws from its own block, the same in every case, so that cases
are compared on common random numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from genofab.engines.arrays import Array, ratio
from genofab.engines.demand.expansion import ExpansionProblem, ExpansionSolution, discount_factors
from genofab.engines.demand.rates import (
    ProductRates,
    planned_rates,
    product_rates,
    stage_rates,
)
from genofab.engines.uncertainty.sampling import (
    BlockStreams,
    draw,
    draw_blocks,
    engine_values,
    sampling_plan,
)
from genofab.model.distributions import is_uncertain
from genofab.model.outlook import Outlook
from genofab.model.scenario import Scenario, iter_parameters
from genofab.results.outlook import OutlookSpread, OutlookSpreadYear

#: The most samples one outlook Monte Carlo may draw (memory: samples × years × products).
MAX_SAMPLES = 1_000_000
PERCENTILES = (5.0, 50.0, 95.0)


def outlook_draws(outlook: Outlook, samples: int, seed: int) -> dict[str, Array]:
    """Every numeric parameter of the outlook for each sample, as (samples, 1) arrays (the
    deterministic value where it has no uncertainty)."""
    streams = BlockStreams(seed, 0)
    values: dict[str, Array] = {}
    for path, parameter in iter_parameters(outlook):
        if is_uncertain(parameter.uncertainty):
            assert parameter.uncertainty is not None
            column = draw(parameter.uncertainty, streams.stream(path), samples)
        else:
            column = np.full(samples, parameter.value)
        values[path] = column.reshape(samples, 1)
    return values


def stage_draws(
    stages: Sequence[tuple[str, Scenario, Mapping[str, float]]], samples: int, seed: int
) -> list[ProductRates]:
    """Each stage's rates for every sample, with its parameters set by the outlook fixed; a
    scenario file draws from its own block (its rank among the sorted file names, plus one),
    whatever is set, so that the same file gives common random numbers in every case."""
    blocks = {name: rank + 1 for rank, name in enumerate(sorted({s[0] for s in stages}))}
    found: dict[tuple[str, tuple[tuple[str, float], ...]], ProductRates] = {}
    rates = []
    for file, scenario, fixed in stages:
        key = (file, tuple(sorted(fixed.items())))
        if key not in found:
            plan = sampling_plan(scenario, fixed)
            drawn = draw_blocks(plan, [BlockStreams(seed, blocks[file])], [samples])
            found[key] = product_rates(scenario, engine_values(plan, drawn))
        rates.append(found[key])
    return rates


def _percentiles(values: Array) -> dict[str, float]:
    found = np.percentile(values, PERCENTILES)
    return {f"p{p:g}": float(v) for p, v in zip(PERCENTILES, found, strict=True)}


def case_spread(
    problem: ExpansionProblem,
    solution: ExpansionSolution,
    need: Array,
    product_samples: Mapping[str, ProductRates],
    start_year: int,
    seed: int,
    loss_rate: Array | None = None,
) -> OutlookSpread:
    """The spread of one case's outcomes. ``need``: (indication, sample, year) patients
    needing therapy; ``product_samples``: each product's rates per sample; ``loss_rate``:
    (indication, sample) share of the patients waiting at a year's end lost in the next."""
    n_ind, samples, years = need.shape
    resources = problem.resources
    # room-years per patient by product and resource, per sample: (P, R, samples)
    rates = np.zeros((len(problem.products), len(resources), samples))
    for p, product in enumerate(problem.products):
        sampled = product_samples[product.name].room_years_per_patient
        for r, resource in enumerate(resources):
            if resource in product.room_years:
                rates[p, r] = np.broadcast_to(sampled.get(resource, np.inf), (samples,))
    # the deterministic split of each resource's room-years by (product, indication, year)
    deterministic = np.asarray(
        [
            [product.room_years.get(resource, 0.0) for resource in resources]
            for product in problem.products
        ]
    )  # (P, R)
    use = np.einsum("pr,piy->piry", deterministic, solution.treated)  # (P, I, R, Y)
    total = use.sum(axis=(0, 1))  # (R, Y)
    possible = np.zeros_like(use)
    for p, product in enumerate(problem.products):
        for i in product.serves:
            possible[p, i] = deterministic[p][:, None] > 0
    even = ratio(possible, possible.sum(axis=(0, 1)))
    share = np.where(total > 1e-12, ratio(use, total), np.nan_to_num(even))  # (P, I, R, Y)
    # patients each (product, indication) can treat: the tightest of its resources
    room_years = share * solution.available[None, None]  # (P, I, R, Y)
    capacity = np.full((len(problem.products), n_ind, years, samples), np.inf)
    for r in range(len(resources)):
        needs_room = deterministic[:, r] > 0  # (P,)
        if not needs_room.any():
            continue
        per_patient = rates[:, r, :]  # (P, samples)
        can = ratio(room_years[:, :, r, :, None], per_patient[:, None, None, :])
        capacity = np.where(needs_room[:, None, None, None], np.minimum(capacity, can), capacity)
    served = np.zeros((len(problem.products), n_ind), dtype=bool)
    for p, product in enumerate(problem.products):
        served[p, list(product.serves)] = True
        if product.first:
            capacity[p, :, : product.first] = 0.0
    capacity = np.where(served[:, :, None, None], np.nan_to_num(capacity, posinf=0.0), 0.0)
    by_indication = capacity.sum(axis=0)  # (I, Y, samples)

    discount = discount_factors(problem.discount_rate, years)
    fixed = solution.running_cost + solution.capital_spent  # deterministic by year
    cost = np.full(samples, float(discount @ fixed))
    cost_per_patient = np.zeros((len(problem.products), samples))
    for p, product in enumerate(problem.products):
        cost_per_patient[p] = np.broadcast_to(
            product_samples[product.name].cost_per_patient, (samples,)
        )
    backlog = np.zeros((n_ind, samples))
    waited = np.zeros(samples)
    lost_in_all = np.zeros(samples)
    loss = np.zeros((n_ind, samples)) if loss_rate is None else loss_rate
    rows = []
    for y in range(years):
        lost = loss * backlog  # of those waiting at the last year's end
        backlog -= lost
        lost_in_all += lost.sum(axis=0)
        backlog += need[:, :, y]
        treated = np.minimum(backlog, by_indication[:, y, :])  # (I, samples)
        backlog -= treated
        # variable cost: each indication's treated patients split over its products by capacity
        product_share = ratio(capacity[:, :, y, :], by_indication[None, :, y, :])
        product_share = np.nan_to_num(product_share)
        cost += discount[y] * np.einsum("pis,is,ps->s", product_share, treated, cost_per_patient)
        waiting = backlog.sum(axis=0)
        waited += waiting
        rows.append(
            OutlookSpreadYear(
                year=start_year + y,
                probability_demand_met=float(np.mean(waiting <= 1e-6)),
                patients_needing=_percentiles(need[:, :, y].sum(axis=0)),
                patients_treated=_percentiles(treated.sum(axis=0)),
                patients_waiting=_percentiles(waiting),
                patients_lost_waiting=_percentiles(lost.sum(axis=0)),
            )
        )
    return OutlookSpread(
        samples=samples,
        seed=seed,
        years=tuple(rows),
        discounted_cost=_percentiles(cost),
        patient_years_waiting=_percentiles(waited),
        patients_lost_waiting=_percentiles(lost_in_all),
        method=(
            "year-by-year Monte Carlo of the build plan: demand and stage scenarios drawn, rooms"
            " split between products and indications as in the deterministic plan"
        ),
    )


def product_sample_rates(
    outlook: Outlook,
    scenarios: Mapping[str, tuple[Scenario, ...]],
    samples: int,
    seed: int,
    overrides: Mapping[str, tuple[Mapping[str, float], ...]] | None = None,
) -> dict[str, ProductRates]:
    """Each product's rates per sample (its stages combined, room-years keyed by outlook
    resource), on common random numbers."""
    stages: list[tuple[str, Scenario, Mapping[str, float]]] = []
    for product in outlook.products:
        changed = (overrides or {}).get(product.name, ({},) * len(product.stages))
        for stage, scenario, fixed in zip(
            product.stages, scenarios[product.name], changed, strict=True
        ):
            stages.append((stage.scenario, scenario, fixed))
    drawn = iter(stage_draws(stages, samples, seed))
    resources = {resource.name for resource in outlook.resources}
    rates = {}
    for product in outlook.products:
        combined = stage_rates([(next(drawn), stage.counts_cost) for stage in product.stages])
        if product.cost_per_patient is not None:  # the file's own figure, not the scenarios'
            combined = replace(
                combined, cost_per_patient=np.asarray(product.cost_per_patient.value)
            )
        planned, _ = planned_rates(combined, product.rooms, resources)
        rates[product.name] = replace(combined, room_years_per_patient=planned)
    return rates
