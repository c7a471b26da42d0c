"""An outlook end to end: patients needing therapy by year, what each patient of each product
takes, the build plan chosen (or given), and the figures by year."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from genofab import __version__
from genofab.engines.arrays import Array
from genofab.engines.demand.expansion import (
    CandidateSpec,
    ExpansionProblem,
    ExpansionSolution,
    ProductSpec,
    solve_expansion,
)
from genofab.engines.demand.montecarlo import case_spread, outlook_draws, product_sample_rates
from genofab.engines.demand.needs import patients_needing
from genofab.engines.demand.rates import (
    ProductRates,
    overridden_values,
    planned_rates,
    product_rates,
    stage_rates,
)
from genofab.errors import InfeasibleError
from genofab.model.outlook import Case, Outlook, currency
from genofab.model.scenario import Scenario, iter_parameters
from genofab.results.outlook import (
    BuildRow,
    OutlookCase,
    OutlookResult,
    OutlookYear,
    ProductRateRow,
)


def outlook_values(outlook: Outlook) -> dict[str, float]:
    """Every numeric parameter of the outlook by path, in base units."""
    return {path: parameter.value for path, parameter in iter_parameters(outlook)}


def indication_reader(values: Mapping[str, object], index: int) -> object:
    """Reads ``indications[index].<name>`` from values as floats or sample arrays."""

    def read(name: str) -> Array:
        return np.asarray(values[f"indications[{index}].{name}"], dtype=float)

    return read


def needs_by_indication(outlook: Outlook, values: Mapping[str, object]) -> Array:
    """Patients needing therapy by (indication, year), or (indication, sample, year) when the
    values are sample arrays of shape (n, 1)."""
    return np.stack(
        [
            patients_needing(
                indication,
                indication_reader(values, i),  # type: ignore[arg-type]
                outlook.start_year,
                outlook.years,
            )
            for i, indication in enumerate(outlook.indications)
        ]
    )


def resource_rates(
    outlook: Outlook, index: int, rates: ProductRates
) -> tuple[dict[str, Array], tuple[str, ...]]:
    """A product's room-years per patient keyed by outlook resource (see
    :func:`~genofab.engines.demand.rates.planned_rates`)."""
    return planned_rates(
        rates, outlook.products[index].rooms, {resource.name for resource in outlook.resources}
    )


def expansion_problem(
    outlook: Outlook,
    rates: Mapping[str, ProductRates],
    need: Array,
    time_limit: float = 60.0,
    case: Case | None = None,
) -> ExpansionProblem:
    """The programme of an outlook (or of one of its cases), its product rates and its
    needs by (indication, year)."""
    start = outlook.start_year
    outlook_currency = currency(outlook)
    products = []
    for p, product in enumerate(outlook.products):
        if case is not None and product.name not in case.products:
            continue
        rate = rates[product.name]
        if rate.currency not in (None, outlook_currency) and product.cost_per_patient is None:
            raise InfeasibleError(
                f"products[{p}].stages",
                f"its scenarios count money in {rate.currency}, the outlook in"
                f" {outlook_currency}: give cost_per_patient in {outlook_currency}",
            )
        planned, _ = resource_rates(outlook, p, rate)
        cost = (
            product.cost_per_patient.value
            if product.cost_per_patient is not None
            else float(rate.cost_per_patient)
        )
        per_patient = {name: float(value) for name, value in planned.items()}
        bad = [name for name, value in per_patient.items() if not math.isfinite(value)]
        if bad:
            raise InfeasibleError(
                f"products[{p}].stages",
                f"a patient's need of {', '.join(bad)} is not finite: its scenario's lot treats"
                " no patient or its rooms complete no lot",
            )
        products.append(
            ProductSpec(
                name=product.name,
                serves=tuple(
                    [i.name for i in outlook.indications].index(name)
                    for name in product.indications
                ),
                room_years=per_patient,
                cost_per_patient=cost,
                doses_per_patient=float(rate.doses_per_patient),
                first=max((product.available_from or start) - start, 0),
            )
        )
    candidates = tuple(
        CandidateSpec(
            name=candidate.name,
            kind=candidate.type,
            adds={name: rooms.value for name, rooms in candidate.adds.items()},
            capital=candidate.capital.value,
            fixed_cost=candidate.fixed_cost.value,
            lead_time=candidate.lead_time.value,
            ramp_up=candidate.ramp_up.value,
            lifetime=candidate.lifetime.value,
            max_units=candidate.max_units,
            first=(candidate.earliest_year or start) - start,
            last=(candidate.latest_year or outlook.last_year) - start,
        )
        for candidate in outlook.candidates
    )
    names = [candidate.name for candidate in outlook.candidates]
    builds: dict[tuple[int, int], float] | None = None
    if outlook.build_plan is not None:
        builds = {}
        for row in outlook.build_plan:
            key = (names.index(row.candidate), row.year - start)
            builds[key] = builds.get(key, 0.0) + row.units
    return ExpansionProblem(
        years=outlook.years,
        need=need,
        resources=tuple(resource.name for resource in outlook.resources),
        existing=np.asarray([r.existing.value for r in outlook.resources]),
        existing_fixed_cost=np.asarray(
            [r.fixed_cost.value if r.fixed_cost is not None else 0.0 for r in outlook.resources]
        ),
        products=tuple(products),
        candidates=candidates,
        discount_rate=outlook.discount_rate.value,
        objective=outlook.objective,
        waiting_penalty=outlook.waiting_penalty.value if outlook.waiting_penalty else 0.0,
        loss_rate=np.asarray([i.waiting_loss_rate.value for i in outlook.indications]),
        loss_penalty=outlook.loss_penalty.value if outlook.loss_penalty else None,
        capital_budget=outlook.capital_budget.value if outlook.capital_budget else None,
        builds=builds,
        time_limit=time_limit,
    )


def all_products(outlook: Outlook) -> Case:
    """The one case of an outlook that names none: every product."""
    return Case(name="all_products", products=tuple(p.name for p in outlook.products))


def run_outlook(
    outlook: Outlook,
    scenarios: Mapping[str, tuple[Scenario, ...]],
    *,
    file: str | None = None,
    sha256: str | None = None,
    time_limit: float = 60.0,
    samples: int | None = None,
    seed: int = 1,
    overrides: Mapping[str, tuple[Mapping[str, float], ...]] | None = None,
) -> OutlookResult:
    """Needs, rates, and for each case the build plan and the figures by year
    (``scenarios``: each product's stage scenarios by product name); with ``samples``, the
    spread of each case's outcomes over a Monte Carlo of demand and product rates.
    ``overrides``: each product's stages' parameters set by the outlook (base units)."""
    changed = overrides or {}
    rates = {
        product.name: stage_rates(
            [
                (product_rates(scenario, overridden_values(scenario, override)), stage.counts_cost)
                for scenario, stage, override in zip(
                    scenarios[product.name],
                    product.stages,
                    changed.get(product.name, ({},) * len(product.stages)),
                    strict=True,
                )
            ]
        )
        for product in outlook.products
    }
    need = needs_by_indication(outlook, outlook_values(outlook))
    sampled_need = sampled_rates = sampled_loss = None
    if samples is not None:
        drawn = outlook_draws(outlook, samples, seed)
        sampled_need = needs_by_indication(outlook, drawn)
        sampled_loss = np.stack(
            [
                np.asarray(drawn[f"indications[{i}].waiting_loss_rate"]).reshape(samples)
                for i in range(len(outlook.indications))
            ]
        )
        sampled_rates = product_sample_rates(outlook, scenarios, samples, seed, changed)
    cases = []
    for case in outlook.cases or (all_products(outlook),):
        problem = expansion_problem(outlook, rates, need, time_limit, case)
        solution = solve_expansion(problem)
        result = outlook_case(outlook, case, problem, solution, rates)
        if sampled_need is not None and sampled_rates is not None:
            spread = case_spread(
                problem,
                solution,
                sampled_need,
                sampled_rates,
                outlook.start_year,
                seed,
                loss_rate=sampled_loss,
            )
            result = result.model_copy(update={"spread": spread})
        cases.append(result)
    return OutlookResult(
        genofab_version=__version__,
        name=outlook.name,
        file=file,
        sha256=sha256,
        currency=currency(outlook),
        objective=outlook.objective,
        mode="evaluated" if outlook.build_plan is not None else "optimised",
        start_year=outlook.start_year,
        years=outlook.years,
        cases=tuple(cases),
    )


def outlook_case(
    outlook: Outlook,
    case: Case,
    problem: ExpansionProblem,
    solution: ExpansionSolution,
    rates: Mapping[str, ProductRates],
) -> OutlookCase:
    """The figures of one solved (or evaluated) case."""
    start = outlook.start_year
    resources = problem.resources
    years = []
    for y in range(outlook.years):
        treated_by_product = {
            product.name: float(solution.treated[p, :, y].sum())
            for p, product in enumerate(problem.products)
        }
        doses = sum(
            solution.treated[p, :, y].sum() * product.doses_per_patient
            for p, product in enumerate(problem.products)
        )
        treated = float(solution.treated[:, :, y].sum())
        annual = solution.running_cost[y] + solution.variable_cost[y] + solution.capital_charge[y]
        years.append(
            OutlookYear(
                year=start + y,
                patients_needing=float(problem.need[:, y].sum()),
                patients_treated=treated,
                patients_waiting=float(solution.waiting[:, y].sum()),
                patients_lost_waiting=float(solution.lost[:, y].sum()),
                treated_by_product=treated_by_product,
                needing_by_indication={
                    ind.name: float(problem.need[i, y]) for i, ind in enumerate(outlook.indications)
                },
                waiting_by_indication={
                    ind.name: float(solution.waiting[i, y])
                    for i, ind in enumerate(outlook.indications)
                },
                lost_by_indication={
                    ind.name: float(solution.lost[i, y])
                    for i, ind in enumerate(outlook.indications)
                },
                rooms_available={
                    name: float(solution.available[r, y]) for r, name in enumerate(resources)
                },
                utilisation={
                    name: (
                        float(solution.used[r, y] / solution.available[r, y])
                        if solution.available[r, y] > 1e-12
                        else None
                    )
                    for r, name in enumerate(resources)
                },
                capital_spent=float(solution.capital_spent[y]),
                running_cost=float(solution.running_cost[y]),
                variable_cost=float(solution.variable_cost[y]),
                capital_charge=float(solution.capital_charge[y]),
                cost_per_patient=float(annual / treated) if treated > 1e-9 else None,
                cost_per_dose=float(annual / doses) if doses > 1e-9 else None,
            )
        )
    builds = []
    for c, candidate in enumerate(problem.candidates):
        for b in range(outlook.years):
            units = float(solution.units[c, b])
            if units <= 1e-9:
                continue
            builds.append(
                BuildRow(
                    candidate=candidate.name,
                    type=candidate.kind,
                    year=start + b,
                    ready_year=start
                    + b
                    + (0 if candidate.rented else candidate.lead_time + candidate.ramp_up),
                    end_year=start
                    + b
                    + (1 if candidate.rented else candidate.lead_time + candidate.lifetime),
                    units=units,
                    adds={name: rooms * units for name, rooms in candidate.adds.items()},
                    capital=0.0 if candidate.rented else candidate.capital * units,
                )
            )
    product_rows = []
    specs = {spec.name: spec for spec in problem.products}
    for p, product in enumerate(outlook.products):
        if product.name not in specs:
            continue
        rate = rates[product.name]
        planned, unplanned = resource_rates(outlook, p, rate)
        product_rows.append(
            ProductRateRow(
                product=product.name,
                scenarios=tuple(stage.scenario for stage in product.stages),
                room_years_per_patient={k: float(v) for k, v in planned.items()},
                unplanned_rooms=unplanned,
                cost_per_patient=specs[product.name].cost_per_patient,
                doses_per_patient=float(rate.doses_per_patient),
                good_patients_per_lot=float(rate.good_patients_per_lot),
            )
        )
    notes = list(solution.notes)
    for row in product_rows:
        if row.unplanned_rooms:
            notes.append(
                f"{row.product}: room kinds {', '.join(row.unplanned_rooms)} of its scenario are"
                " not resources of the outlook, so they do not limit it"
            )
    return OutlookCase(
        name=case.name,
        description=case.description,
        products=case.products,
        status=solution.status,
        objective_value=solution.objective_value,
        bound=solution.bound,
        gap=solution.gap,
        solve_cpu_seconds=solution.seconds,
        discounted_cost=solution.discounted_cost,
        patient_years_waiting=float(solution.waiting.sum()),
        patients_lost_waiting=float(solution.lost.sum()),
        patients_untreated_at_end=float(solution.waiting[:, -1].sum()),
        build_plan=tuple(builds),
        years=tuple(years),
        product_rates=tuple(product_rows),
        notes=tuple(notes),
    )
