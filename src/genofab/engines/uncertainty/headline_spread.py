"""The spread a plain run leads with: when any input carries a distribution, a modest Monte
Carlo (:data:`DEFAULT_SAMPLES`) gives each headline figure's P50 [P5–P95], where the
deterministic value lies in its own spread (its percentile rank), and which inputs sit at a
bound of their distribution (a base case at the best or worst end of its own uncertainty).

Pure: the same sampling and engines as ``run --samples``; the samples are kept (a few
thousand) to rank the deterministic value among them exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from genofab.engines.uncertainty.chain import (
    chain_monte_carlo,
    chain_outputs,
    chain_plans,
    chain_tasks,
    output_values,
    simulate_chain,
)
from genofab.engines.uncertainty.monte_carlo import monte_carlo
from genofab.engines.uncertainty.sampling import SamplingPlan, sampling_plan
from genofab.model.chain import Chain
from genofab.model.scenario import Scenario
from genofab.results.headline_spread import BoundInput, HeadlineFigure, HeadlineSpread
from genofab.results.uncertainty import Spread

#: Samples of the Monte Carlo a plain run leads with: P5 and P95 within about one percentile
#: point, in a few hundredths of a second after the first (which imports SciPy).
DEFAULT_SAMPLES = 2_000
#: The seed of that Monte Carlo (that of ``run --samples`` by default).
DEFAULT_SEED = 1
#: The scenario's figures the headline leads with, in its order.
SCENARIO_FIGURES = (
    "patients_per_lot",
    "lots_per_year",
    "patients_per_year",
    "years_to_treat_cohort",
    "cogs_per_dose",
    "cogs_per_patient",
    "fair_price_per_patient.total",
)
#: The chain's figures the headline leads with (by-stage costs follow the total).
CHAIN_FIGURES = (
    "patients_per_year",
    "cost_per_patient.total",
    "fair_price.total",
    "years_to_treat_cohort",
)


def percentile_rank(values: NDArray[np.float64], value: float) -> float | None:
    """Where ``value`` lies among ``values`` (those with a value), in percent: the share
    below it plus half the share equal to it (mid-rank), so a value every sample shares
    is at 50."""
    kept = values[np.isfinite(values)]
    if kept.size == 0 or not math.isfinite(value):
        return None
    tolerance = 1e-9 * max(abs(value), 1e-300)
    below = int(np.sum(kept < value - tolerance))
    equal = int(np.sum(np.abs(kept - value) <= tolerance))
    return 100.0 * (below + 0.5 * equal) / kept.size


def bound_inputs(plans: Sequence[tuple[str | None, SamplingPlan]]) -> tuple[BoundInput, ...]:
    """Uncertain inputs whose deterministic value is the lowest or highest value its
    distribution can draw (a finite end of its range; by stage for a chain: the stage's
    name, or None)."""
    found = []
    for stage, plan in plans:
        for item in plan.inputs:
            low, high = item.distribution.support()
            value = plan.own[item.path]
            tolerance = 1e-9 * max(abs(value), 1e-300)
            if math.isfinite(high) and math.isfinite(low):
                tolerance = max(tolerance, 1e-9 * (high - low))
            end = None
            if math.isfinite(low) and abs(value - low) <= tolerance:
                end = "minimum"
            elif math.isfinite(high) and abs(value - high) <= tolerance:
                end = "maximum"
            if end is not None:
                found.append(
                    BoundInput(
                        stage=stage,
                        path=item.path,
                        value=value,
                        unit=item.unit,
                        bound=end,
                        low=low,
                        high=high,
                        kind=item.distribution.kind,
                    )
                )
    return tuple(found)


def _figure(name: str, unit: str, spread: Spread, column: NDArray[np.float64]) -> HeadlineFigure:
    value = spread.value
    rank = None if value is None else percentile_rank(column, value)
    outside = (
        value is not None
        and spread.p5 is not None
        and spread.p95 is not None
        and not spread.p5 * (1 - 1e-9) <= value <= spread.p95 * (1 + 1e-9)
    )
    return HeadlineFigure(
        name=name,
        unit=unit,
        value=value,
        p5=spread.p5,
        p50=spread.p50,
        p95=spread.p95,
        base_percentile=rank,
        outside_p5_p95=outside,
    )


def scenario_headline_spread(
    scenario: Scenario, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED
) -> HeadlineSpread | None:
    """The headline's spread of a scenario, or None when no input carries a distribution."""
    plan = sampling_plan(scenario)
    if not plan.inputs:
        return None
    chunks: list[dict[str, NDArray[np.float64]]] = []
    result = monte_carlo(scenario, samples, seed, raw=chunks.append, histograms=False)
    figures = []
    for name in SCENARIO_FIGURES:
        spread = result.results.get(name)
        if spread is None:
            continue
        column = np.concatenate([np.asarray(chunk[name], dtype=float) for chunk in chunks])
        figures.append(_figure(name, result.units[name], spread, column))
    return HeadlineSpread(
        samples=samples,
        seed=seed,
        figures=tuple(figures),
        bounds=bound_inputs([(None, plan)]),
        failed_samples=samples - result.feasible_samples,
    )


def chain_headline_spread(
    chain: Chain, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED
) -> HeadlineSpread | None:
    """The headline's spread of a chain, or None when no stage has a distribution."""
    plans = chain_plans(chain)
    if not any(plan.inputs for plan in plans.values()):
        return None
    result = chain_monte_carlo(chain, samples, seed)
    outputs = chain_outputs(chain)
    names = [name for name in CHAIN_FIGURES if name in result.results]
    names[2:2] = [o.name for o in outputs if o.name.startswith("cost_per_patient.by_stage.")]
    chosen = [o for o in outputs if o.name in names]
    columns: dict[str, list[NDArray[np.float64]]] = {name: [] for name in names}
    for task in chain_tasks(chain, samples, seed):
        simulation = simulate_chain(task)
        values = output_values(simulation.arrays, simulation.status, simulation.size, chosen)
        for name in names:
            columns[name].append(np.broadcast_to(values[name], (simulation.size,)))
    return HeadlineSpread(
        samples=samples,
        seed=seed,
        figures=tuple(
            _figure(name, result.units[name], result.results[name], np.concatenate(columns[name]))
            for name in names
        ),
        bounds=bound_inputs(list(plans.items())),
        failed_samples=result.failed_samples,
    )
