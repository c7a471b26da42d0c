"""Vectorised Monte Carlo of a scenario: samples are drawn block by block, each chunk of
blocks goes through the lot, capacity and cost engines in one NumPy pass, and only streaming
statistics are kept (:mod:`genofab.engines.uncertainty.statistics`).

A chunk is a whole number of blocks, so the samples, and every statistic merged in block
order, are the same for any chunk size and any number of workers. Lot failures are drawn per
lot: the failed lots of a sample's year are binomial(lots started, failure probability), so
their expected number is the deterministic run's. A sample whose lot or facility cannot
deliver is kept as data: a status, no value for its results, and (for the first few) the
drawn inputs that caused it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from genofab import __version__
from genofab.engines.uncertainty.chunks import (
    DEFAULT_CHUNK,
    MAX_EXAMPLES,
    ChunkResult,
    chunk_tasks,
    run_chunk,
)
from genofab.engines.uncertainty.executors import Executor, SerialExecutor
from genofab.engines.uncertainty.outputs import (
    NO_ROOM_TIME,
    evaluate_samples,
    headline_outputs,
    room_kinds,
    status_reason,
)
from genofab.engines.uncertainty.result_statistics import ResultTotals, result_spread
from genofab.engines.uncertainty.sampling import (
    BLOCK,
    sampling_plan,
)
from genofab.engines.uncertainty.statistics import (
    QUANTILE_ERROR,
    Tally,
)
from genofab.errors import SettingError
from genofab.model.scenario import Scenario
from genofab.results.run import ScenarioInfo
from genofab.results.uncertainty import (
    CorrelationInput,
    Histogram,
    InfeasibleSample,
    MonteCarloResult,
    Spread,
    UncertainInput,
)

#: The most samples a run takes without ``force`` (10 million: about 10 s on one core).
MAX_SAMPLES = 10_000_000
#: The most samples a run takes even when forced (results are counted in 64-bit integers, and
#: a run this long is about a day on one core).
MAX_FORCED_SAMPLES = 100_000_000_000
QUANTILE_METHOD = (
    "inverted CDF (the smallest value with at least p·N samples at or below it): exact for"
    f" whole numbers, within {QUANTILE_ERROR:.2g} (relative) for other results"
)


def check_samples(samples: int, force: bool = False) -> None:
    """Refuse a number of samples that is not positive, or above :data:`MAX_SAMPLES`
    without ``force``."""
    if samples <= 0:
        raise SettingError("samples", f"must be a positive whole number, got {samples}")
    if samples > MAX_SAMPLES and not force:
        raise SettingError(
            "samples",
            f"{samples:,} is above the cap of {MAX_SAMPLES:,} (time grows with the samples;"
            " memory does not)",
            overridable=True,
        )
    if samples > MAX_FORCED_SAMPLES:
        raise SettingError(
            "samples",
            f"{samples:,} is above {MAX_FORCED_SAMPLES:,}, the most any run takes"
            " (about a day of computing)",
        )


class MonteCarloTotals:
    """Merges chunk results in block order (refusing any other order)."""

    def __init__(self, scenario: Scenario) -> None:
        self.outputs = headline_outputs(scenario)
        self.kinds = room_kinds(scenario)
        self.totals = [ResultTotals(Tally(output.whole)) for output in self.outputs]
        self.status = np.zeros(NO_ROOM_TIME + 1, dtype=np.int64)
        self.bottleneck = np.zeros(len(self.kinds), dtype=np.int64)
        self.met: int | None = 0
        self.examples: list[InfeasibleSample] = []
        self.next_block = 0
        self.samples = 0

    def add(self, chunk: ChunkResult) -> None:
        if chunk.first_block != self.next_block:
            raise ValueError(f"chunk of block {chunk.first_block} came before {self.next_block}")
        for totals, result in zip(self.totals, chunk.results, strict=True):
            totals.add(result)
        self.status += chunk.status
        self.bottleneck += chunk.bottleneck
        self.met = (
            None if chunk.demand_met is None or self.met is None else self.met + chunk.demand_met
        )
        self.examples += chunk.examples[: MAX_EXAMPLES - len(self.examples)]
        self.next_block += chunk.blocks
        self.samples += chunk.samples

    def spreads(self, deterministic: Mapping[str, float | None]) -> dict[str, Spread]:
        """The spread of each result (quantiles P5, P50, P95)."""
        return {
            output.name: result_spread(totals, output.whole, deterministic.get(output.name))
            for output, totals in zip(self.outputs, self.totals, strict=True)
        }

    def histograms(self) -> dict[str, Histogram]:
        """Each result's counts for plots."""
        return {
            output.name: histogram(totals.tally, totals.smallest, totals.largest)
            for output, totals in zip(self.outputs, self.totals, strict=True)
            if totals.tally.total > 0
        }


def histogram(tally: Tally, smallest: float, largest: float, bars: int = 40) -> Histogram:
    """Display counts: one bar per value for a whole-number result with few values, else
    ``bars`` equal bars between the 0.1 % and 99.9 % points (the tails counted in the end
    bars); and the CDF at up to 200 values."""
    low, high, counts = tally.histogram()
    cumulative = np.cumsum(counts) / counts.sum()
    step = max(1, len(high) // 200)
    cdf_at = np.r_[high[::step], high[-1]]
    cdf = np.r_[cumulative[::step], 1.0]
    cdf_at[0], cdf_at[-1] = max(cdf_at[0], smallest), min(cdf_at[-1], largest)
    if tally.whole and len(counts) <= bars:
        return Histogram(
            low=tuple(low),
            high=tuple(high),
            count=tuple(int(c) for c in counts),
            cdf_value=tuple(cdf_at),
            cdf=tuple(cdf),
        )
    start = tally.quantile(0.001, smallest, largest)
    stop = tally.quantile(0.999, smallest, largest)
    if not stop > start:
        start, stop = smallest, max(largest, smallest + abs(smallest) * 1e-9 + 1e-300)
    edges = np.linspace(start, stop, bars + 1)
    middle = (low + high) / 2
    bar = np.clip(np.searchsorted(edges, middle, side="right") - 1, 0, bars - 1)
    binned = np.bincount(bar, weights=counts, minlength=bars).astype(np.int64)
    return Histogram(
        low=tuple(edges[:-1]),
        high=tuple(edges[1:]),
        count=tuple(int(c) for c in binned),
        cdf_value=tuple(cdf_at),
        cdf=tuple(cdf),
    )


def deterministic_values(
    scenario: Scenario, fixed: Mapping[str, float] | None = None
) -> dict[str, float | None]:
    """Each headline result in the deterministic run (the base values, expected failures);
    None where that run cannot deliver."""
    plan = sampling_plan(scenario, fixed)
    evaluation = evaluate_samples(scenario, dict(plan.base))
    feasible = bool(evaluation.feasible)
    found: dict[str, float | None] = {}
    for output in headline_outputs(scenario):
        value = float(np.asarray(output.read(evaluation), dtype=float))
        found[output.name] = value if feasible and math.isfinite(value) else None
    return found


def monte_carlo(
    scenario: Scenario,
    samples: int,
    seed: int,
    *,
    origin: ScenarioInfo | None = None,
    fixed: Mapping[str, float] | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    executor: Executor | None = None,
    raw: Callable[[dict[str, NDArray[Any]]], None] | None = None,
    progress: Callable[[int], None] | None = None,
    histograms: bool = True,
) -> MonteCarloResult:
    """The spread of every headline result of ``scenario`` over ``samples`` draws.

    ``fixed`` sets parameters for every sample (base units); ``executor`` runs the chunks
    (in this process by default); ``raw`` receives each chunk's samples in order (inputs as
    drawn, results, status); ``progress`` is told how many samples each finished chunk had;
    ``histograms`` (for plots) may be skipped.
    """
    tasks = chunk_tasks(scenario, samples, seed, chunk_size, fixed, raw is not None)
    totals = MonteCarloTotals(scenario)
    for chunk in (executor or SerialExecutor()).map(run_chunk, tasks):
        totals.add(chunk)
        if raw is not None and chunk.raw is not None:
            raw(chunk.raw)
        if progress is not None:
            progress(chunk.samples)
    return monte_carlo_result(scenario, samples, seed, totals, origin, fixed, histograms)


def monte_carlo_result(
    scenario: Scenario,
    samples: int,
    seed: int,
    totals: MonteCarloTotals,
    origin: ScenarioInfo | None = None,
    fixed: Mapping[str, float] | None = None,
    histograms: bool = True,
) -> MonteCarloResult:
    """The result of a Monte Carlo from its merged statistics."""
    plan = sampling_plan(scenario, fixed)
    feasible = int(totals.status[0])
    demand = scenario.demand
    has_demand = demand is not None and demand.patients_per_year is not None
    settings = scenario.uncertainty
    return MonteCarloResult(
        genofab_version=__version__,
        scenario=origin or ScenarioInfo(name=scenario.name),
        samples=samples,
        seed=seed,
        block_size=BLOCK,
        fixed=dict(fixed or {}),
        uncertain_inputs=tuple(
            UncertainInput(
                path=item.path,
                value=plan.own[item.path],
                unit=item.unit,
                kind=item.distribution.kind,
                parameters=item.distribution.parameters(),
                source=item.distribution.source,
            )
            for item in plan.inputs
        ),
        correlations=tuple(
            CorrelationInput(between=c.between, rank=c.rank, source=c.source)
            for c in (settings.correlations if settings else ())
            if all(path not in (fixed or {}) for path in c.between)
        ),
        feasible_samples=feasible,
        infeasible={
            status_reason(code): int(count)
            for code, count in enumerate(totals.status.tolist())
            if code and count
        },
        infeasible_examples=tuple(totals.examples),
        results=totals.spreads(deterministic_values(scenario, fixed)),
        units={output.name: output.unit for output in totals.outputs},
        probability_of_meeting_demand=(
            totals.met / samples if has_demand and totals.met is not None else None
        ),
        bottleneck_probability={
            kind: int(count) / feasible if feasible else 0.0
            for kind, count in zip(totals.kinds, totals.bottleneck.tolist(), strict=True)
        },
        quantile_method=QUANTILE_METHOD,
        distributions=totals.histograms() if histograms else {},
    )
