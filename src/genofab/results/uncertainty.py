"""Results of the uncertainty analyses: the spread of each headline result in a Monte Carlo,
how it was drawn (seed, inputs and their distributions), sensitivity, sweeps and the
probability that one scenario beats another."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from genofab.results.base import Result
from genofab.results.run import HEADLINE, ScenarioInfo


class Spread(Result):
    """The spread of one result over the samples that gave it a value, next to its
    deterministic value (``value``)."""

    value: float | None = Field(description="the deterministic run's value")
    mean: float | None
    sd: float | None = Field(description="sample standard deviation (n − 1)")
    p5: float | None
    p50: float | None
    p95: float | None
    min: float | None
    max: float | None
    samples: int = Field(description="samples that gave this result a value")
    exact_quantiles: bool = Field(
        description="quantiles exact (whole numbers), else within the stated relative error"
    )


class Histogram(Result):
    """Counts of a result's values for plots: each bar's ends and count (whole-number results
    with few values: one bar per value, ``low == high``)."""

    low: tuple[float, ...]
    high: tuple[float, ...]
    count: tuple[int, ...]
    cdf_value: tuple[float, ...] = Field(description="values where the CDF is given")
    cdf: tuple[float, ...] = Field(description="share of samples at or below each value")


class UncertainInput(Result):
    """A parameter the Monte Carlo draws: its distribution, in the parameter's base unit."""

    path: str
    value: float = Field(description="the deterministic value")
    unit: str
    kind: str
    parameters: dict[str, float | tuple[float, ...]]
    source: str | None


class CorrelationInput(Result):
    """A rank correlation induced between two uncertain parameters."""

    between: tuple[str, str]
    rank: float
    source: str | None


class InfeasibleSample(Result):
    """A sample whose lot or facility cannot deliver, with the drawn inputs that made it."""

    sample: int
    status: str
    inputs: dict[str, float]


class MonteCarloResult(Result):
    """The spread of every headline result over ``samples`` draws from ``seed``.

    Identical for any chunk size and any number of workers: samples come in blocks drawn from
    the children of ``SeedSequence(seed)``, and statistics are merged in block order."""

    genofab_version: str
    scenario: ScenarioInfo
    samples: int
    seed: int
    block_size: int
    fixed: dict[str, float] = Field(
        default_factory=dict, description="parameters set for this run (a sweep point)"
    )
    uncertain_inputs: tuple[UncertainInput, ...]
    correlations: tuple[CorrelationInput, ...]
    feasible_samples: int
    infeasible: dict[str, int] = Field(description="samples that cannot deliver, by reason")
    infeasible_examples: tuple[InfeasibleSample, ...]
    results: dict[str, Spread] = Field(description="by headline name, e.g. cogs_per_dose")
    units: dict[str, str]
    probability_of_meeting_demand: float | None = Field(
        description="share of samples whose successful lots meet the yearly demand"
    )
    bottleneck_probability: dict[str, float] = Field(
        description="share of feasible samples in which each room kind is the bottleneck"
    )
    quantile_method: str
    distributions: dict[str, Histogram] = Field(default_factory=dict, exclude=True)

    def run_json(self, deterministic: dict[str, Any]) -> dict[str, Any]:
        """``genofab run --samples`` JSON: the run's JSON with each headline figure replaced
        by its spread (its ``value`` the deterministic one), the probability of meeting the
        demand and the bottleneck's probabilities, then how the samples were drawn."""
        out = dict(deterministic)
        for name, spread in self.results.items():
            *parents, last = name.split(".")
            node = out
            for part in parents:
                node[part] = dict(node[part]) if isinstance(node.get(part), dict) else {}
                node = node[part]
            node[last] = spread.model_dump(mode="json")
        out["bottleneck_room"] = {
            "value": deterministic.get("bottleneck_room"),
            "probability": self.bottleneck_probability,
        }
        headline = {key: out.pop(key) for key in list(deterministic) if key in HEADLINE}
        meta = self.model_dump(mode="json", exclude={"results", "scenario"})
        return {
            **headline,
            "probability_of_meeting_demand": self.probability_of_meeting_demand,
            "monte_carlo": meta,
            **out,
        }


class TornadoBar(Result):
    """One parameter at its low and high (P10 and P90; or, one-way over every input, P10/P90
    or its value ± a spread), the others at their medians (or values)."""

    path: str
    unit: str
    low_input: float = Field(description="the parameter's P10")
    high_input: float = Field(description="the parameter's P90")
    at_low: float | None = Field(description="the result with the parameter at its P10")
    at_high: float | None = Field(description="the result with the parameter at its P90")
    swing: float | None = Field(description="|at_high − at_low|")


class Tornado(Result):
    """What each parameter's P10–P90 range does to one result; widest swing first."""

    result: str
    unit: str
    base: float | None = Field(description="the result with every parameter at its median")
    bars: tuple[TornadoBar, ...]


class SobolIndex(Result):
    """Share of a result's variance due to one parameter: alone (first order) and with its
    interactions (total), with their 95 % confidence half-widths."""

    path: str
    first_order: float | None
    first_order_conf: float | None
    total: float | None
    total_conf: float | None


class SensitivityResult(Result):
    """Which parameters drive the spread of each result: the tornado, Spearman rank
    correlations over a Monte Carlo, and Sobol indices (SALib)."""

    genofab_version: str
    scenario: ScenarioInfo
    method: str = Field(
        default="distributions",
        description="distributions (the uncertain parameters: tornado P10/P90, rank"
        " correlations, Sobol) or all_inputs (one-way over every numeric input)",
    )
    seed: int
    samples: int = Field(description="Monte Carlo samples behind the rank correlations")
    sobol_samples: int = Field(description="base samples N of the Sobol design")
    sobol_runs: int = Field(description="model runs of the Sobol design, N × (parameters + 2)")
    results: tuple[str, ...]
    units: dict[str, str]
    tornado: dict[str, Tornado]
    spearman: dict[str, dict[str, float | None]]
    sobol: dict[str, tuple[SobolIndex, ...] | None]
    notes: tuple[str, ...]


class SweepPoint(Result):
    """One point of a sweep: the swept parameters' values and the spread of each result."""

    values: dict[str, float] = Field(description="swept parameters (base unit, own currency)")
    results: dict[str, Spread]
    probability_of_meeting_demand: float | None
    feasible_samples: int
    infeasible: dict[str, int]


class SweepResult(Result):
    """A grid of scenarios, each point a full Monte Carlo with the same seed (so points are
    compared on common random numbers)."""

    genofab_version: str
    scenario: ScenarioInfo
    samples: int = Field(description="samples at each point")
    seed: int
    parameters: tuple[str, ...]
    units: dict[str, str] = Field(description="unit of each swept parameter")
    result_units: dict[str, str]
    points: tuple[SweepPoint, ...]


class Chance(Result):
    """How often B beats A on one result, sample by sample on common random numbers."""

    result: str
    unit: str
    better: str = Field(description="'higher' or 'lower' is better")
    b_better: float = Field(description="share of samples where B beats A")
    tie: float
    b_worse: float
    mean_a: float | None
    mean_b: float | None


class ProbabilisticComparison(Result):
    """The probability that scenario B beats scenario A on each headline result. A sample
    whose lot or facility cannot deliver counts as the worst outcome."""

    genofab_version: str
    a: ScenarioInfo
    b: ScenarioInfo
    samples: int
    seed: int
    common_inputs: tuple[str, ...] = Field(
        description="parameters drawn in both: the same random numbers feed them"
    )
    chances: tuple[Chance, ...]
