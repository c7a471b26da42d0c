"""Sensitivity: which uncertain parameters drive the spread of a result.

- **Tornado**: each parameter at its P10 and at its P90, every other one at its median; the
  result's swing between the two (one vectorised evaluation of 2k + 1 cases).
- **Spearman rank correlations** between each parameter and each result over a Monte Carlo
  (the same draws as ``genofab run --samples``, correlations included).
- **One-way over every numeric input** (:func:`one_way`): no distribution needed; each input
  at its P10 and P90 when it has one, else its value ± 20 %.
- **Sobol indices** (first order and total, SALib): a Sobol design in [0, 1]ᵏ mapped through
  each parameter's inverse CDF. They treat the parameters as independent, and failed lots
  at their expected number (the per-lot draw is noise, not a parameter).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from genofab import __version__
from genofab.engines.arrays import Array, per_sample
from genofab.engines.uncertainty.executors import Executor
from genofab.engines.uncertainty.monte_carlo import monte_carlo
from genofab.engines.uncertainty.outputs import Output, evaluate_samples, headline_outputs
from genofab.engines.uncertainty.sampling import (
    SamplingPlan,
    UncertainInput,
    engine_values,
    quantile,
    sampling_plan,
)
from genofab.errors import SettingError, UsageError
from genofab.model.parameter import QuantitySpec
from genofab.model.scenario import Scenario, iter_parameter_specs
from genofab.results.run import ScenarioInfo
from genofab.results.uncertainty import (
    SensitivityResult,
    SobolIndex,
    Tornado,
    TornadoBar,
)

#: The results analysed when none are named: the issue's headline results.
KEY_RESULTS = (
    "doses_per_lot",
    "patients_per_lot",
    "lots_per_year",
    "patients_per_year",
    "years_to_treat_cohort",
    "cogs_per_dose",
    "fair_price_per_patient.total",
)
#: Rank correlations need every sample in memory: at most this many.
MAX_RANK_SAMPLES = 1_000_000
#: The largest Sobol design: base samples N (a power of 2), and N × (parameters + 2) model
#: runs, each held in memory with its inputs.
MAX_SOBOL_BASE = 2**20
MAX_SOBOL_RUNS = 20_000_000
TORNADO_ENDS = (0.1, 0.9)


def chosen_outputs(scenario: Scenario, names: Sequence[str] | None) -> list[Output]:
    """The results to analyse: those named (an unknown name is refused with a suggestion),
    else the key headline results the scenario has."""
    from genofab.errors import did_you_mean

    outputs = {output.name: output for output in headline_outputs(scenario)}
    if not names:
        return [outputs[name] for name in KEY_RESULTS if name in outputs]
    for name in names:
        if name not in outputs:
            raise UsageError(
                f"'{name}' is not a result of this scenario{did_you_mean(name, list(outputs))}"
            )
    return [outputs[name] for name in names]


def _inputs(plan: SamplingPlan) -> tuple[UncertainInput, ...]:
    if not plan.inputs:
        raise UsageError(
            "the scenario has no uncertain parameter: give some quantities an uncertainty"
            " (see docs/uncertainty.md)"
        )
    return plan.inputs


def _at(item: UncertainInput, p: Array) -> Array:
    values = quantile(item.distribution, p)
    return np.rint(values) if item.whole else values


def _evaluate(scenario: Scenario, plan: SamplingPlan, drawn: dict[str, Array]) -> tuple[Array, ...]:
    """Each case's value of every headline result (NaN where the case cannot deliver)."""
    size = len(next(iter(drawn.values())))
    evaluation = evaluate_samples(scenario, engine_values(plan, drawn), samples=size)
    feasible = evaluation.counted  # failed lots stay in the statistics
    return tuple(
        np.where(feasible, per_sample(output.read(evaluation), (size,)), np.nan)
        for output in headline_outputs(scenario)
    )


def tornado(scenario: Scenario, outputs: Sequence[Output]) -> dict[str, Tornado]:
    """Each result's tornado: every parameter at its P10 and P90, the others at medians."""
    plan = sampling_plan(scenario)
    inputs = _inputs(plan)
    cases = 1 + 2 * len(inputs)
    drawn = {item.path: np.full(cases, float(_at(item, np.array(0.5)))) for item in inputs}
    ends = {}
    for i, item in enumerate(inputs):
        low, high = _at(item, np.array(TORNADO_ENDS))
        drawn[item.path][1 + 2 * i], drawn[item.path][2 + 2 * i] = low, high
        ends[item.path] = (float(low), float(high))
    evaluated = dict(
        zip(
            [o.name for o in headline_outputs(scenario)],
            _evaluate(scenario, plan, drawn),
            strict=True,
        )
    )
    found = {}
    for output in outputs:
        values = evaluated[output.name]
        bars = []
        for i, item in enumerate(inputs):
            at_low, at_high = _number(values[1 + 2 * i]), _number(values[2 + 2 * i])
            swing = None if at_low is None or at_high is None else abs(at_high - at_low)
            bars.append(
                TornadoBar(
                    path=item.path,
                    unit=item.unit,
                    low_input=ends[item.path][0],
                    high_input=ends[item.path][1],
                    at_low=at_low,
                    at_high=at_high,
                    swing=swing,
                )
            )
        bars.sort(key=lambda bar: -1.0 if bar.swing is None else bar.swing, reverse=True)
        found[output.name] = Tornado(
            result=output.name, unit=output.unit, base=_number(values[0]), bars=tuple(bars)
        )
    return found


def spearman(
    scenario: Scenario,
    outputs: Sequence[Output],
    samples: int,
    seed: int,
    executor: Executor | None = None,
) -> dict[str, dict[str, float | None]]:
    """Spearman rank correlation of each parameter with each result over a Monte Carlo
    (feasible samples only; None where a result or parameter does not vary)."""
    from scipy import stats

    inputs = _inputs(sampling_plan(scenario))
    check_rank_samples(samples)
    chunks: list[dict[str, NDArray[np.generic]]] = []
    monte_carlo(scenario, samples, seed, executor=executor, raw=chunks.append)
    columns = {name: np.concatenate([chunk[name] for chunk in chunks]) for name in chunks[0]}
    feasible = columns["status"] == 0
    found: dict[str, dict[str, float | None]] = {}
    for output in outputs:
        result = columns[output.name][feasible]
        found[output.name] = {}
        for item in inputs:
            drawn = columns[item.path][feasible]
            defined = np.isfinite(result)
            if defined.sum() < 3 or np.ptp(result[defined]) == 0 or np.ptp(drawn) == 0:
                found[output.name][item.path] = None
                continue
            rho = stats.spearmanr(drawn[defined], result[defined]).statistic
            found[output.name][item.path] = _number(float(rho))
    return found


def check_sobol_samples(base_samples: int, parameters: int) -> None:
    """The Sobol design's base samples: a power of 2, at most :data:`MAX_SOBOL_BASE`, and at
    most :data:`MAX_SOBOL_RUNS` model runs for ``parameters`` uncertain parameters."""
    if base_samples < 2 or base_samples & (base_samples - 1):
        raise SettingError("sobol_samples", f"must be a power of 2 (e.g. 1024), got {base_samples}")
    runs = base_samples * (parameters + 2)
    if base_samples > MAX_SOBOL_BASE or runs > MAX_SOBOL_RUNS:
        raise SettingError(
            "sobol_samples",
            f"{base_samples:,} makes {runs:,} model runs ({parameters} uncertain parameters);"
            f" at most {MAX_SOBOL_BASE:,} base samples and {MAX_SOBOL_RUNS:,} runs",
        )


def check_rank_samples(samples: int) -> None:
    """Rank correlations hold every sample in memory: at most :data:`MAX_RANK_SAMPLES`."""
    if samples > MAX_RANK_SAMPLES:
        raise SettingError(
            "samples",
            f"{samples:,} is above {MAX_RANK_SAMPLES:,}: rank correlations keep every sample"
            " in memory",
        )


def sobol(
    scenario: Scenario, outputs: Sequence[Output], base_samples: int, seed: int
) -> tuple[dict[str, tuple[SobolIndex, ...] | None], int, list[str]]:
    """First-order and total Sobol indices of each result (SALib, Saltelli's design without
    second order), their confidence half-widths, the number of model runs, and notes."""
    from SALib.sample import sobol as design

    plan = sampling_plan(scenario)
    inputs = _inputs(plan)
    check_sobol_samples(base_samples, len(inputs))
    problem = {
        "num_vars": len(inputs),
        "names": [item.path for item in inputs],
        "bounds": [[0.0, 1.0]] * len(inputs),
    }
    unit = design.sample(problem, base_samples, calc_second_order=False, scramble=True, seed=seed)
    unit = np.clip(unit, 1e-12, 1 - 1e-12)
    drawn = {item.path: _at(item, unit[:, i]) for i, item in enumerate(inputs)}
    evaluated = dict(
        zip(
            [o.name for o in headline_outputs(scenario)],
            _evaluate(scenario, plan, drawn),
            strict=True,
        )
    )
    notes: list[str] = []
    found: dict[str, tuple[SobolIndex, ...] | None] = {}
    for output in outputs:
        found[output.name], note = sobol_indices(
            problem, evaluated[output.name], seed, output.name, "the lot or facility cannot deliver"
        )
        notes += [note] if note else []
    return found, len(unit), notes


def sobol_indices(
    problem: dict[str, Any], y: ArrayLike, seed: int, name: str, why: str
) -> tuple[tuple[SobolIndex, ...] | None, str | None]:
    """First-order and total Sobol indices of one result over the runs ``y`` of Saltelli's
    design of ``problem`` (SALib, without second order), with their confidence half-widths;
    None with a note when a run gives no value (``why``), None alone when ``y`` does not vary."""
    from SALib.analyze import sobol as analyze

    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)):
        bad = int(np.sum(~np.isfinite(y)))
        note = f"{name}: {bad} of {len(y)} runs of the Sobol design give no value ({why})"
        return None, note + ": no Sobol indices"
    if np.ptp(y) == 0:
        return None, None
    indices = analyze.analyze(problem, y, calc_second_order=False, num_resamples=100, seed=seed)
    return tuple(
        SobolIndex(
            path=path,
            first_order=_number(indices["S1"][i]),
            first_order_conf=_number(indices["S1_conf"][i]),
            total=_number(indices["ST"][i]),
            total_conf=_number(indices["ST_conf"][i]),
        )
        for i, path in enumerate(problem["names"])
    ), None


def sensitivity(
    scenario: Scenario,
    *,
    results: Sequence[str] | None = None,
    samples: int = 10_000,
    sobol_samples: int = 1024,
    seed: int = 1,
    origin: ScenarioInfo | None = None,
    executor: Executor | None = None,
) -> SensitivityResult:
    """Tornado, rank correlations and Sobol indices of the chosen results."""
    check_rank_samples(samples)
    check_sobol_samples(sobol_samples, len(_inputs(sampling_plan(scenario))))
    outputs = chosen_outputs(scenario, results)
    indices, runs, notes = sobol(scenario, outputs, sobol_samples, seed)
    notes = [
        "tornado: each parameter at its P10 and P90, the others at their medians; failed lots"
        " at their expected number",
        "Sobol indices treat the parameters as independent (rank correlations are not applied)"
        " and failed lots at their expected number",
        *notes,
    ]
    if scenario.uncertainty is not None and scenario.uncertainty.correlations:
        notes.append(
            "Spearman correlations come from draws with the scenario's rank correlations"
            " between parameters"
        )
    return SensitivityResult(
        genofab_version=__version__,
        scenario=origin or ScenarioInfo(name=scenario.name),
        seed=seed,
        samples=samples,
        sobol_samples=sobol_samples,
        sobol_runs=runs,
        results=tuple(output.name for output in outputs),
        units={output.name: output.unit for output in outputs},
        tornado=tornado(scenario, outputs),
        spearman=spearman(scenario, outputs, samples, seed, executor),
        sobol=indices,
        notes=tuple(notes),
    )


def _number(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


#: Default one-way range of an input with no distribution: its value ± this share.
ONE_WAY_SPREAD = 0.2


def one_way_ends(scenario: Scenario, spread: float = ONE_WAY_SPREAD) -> list[OneWayInput]:
    """Every numeric input's low and high (in the values' units): its P10 and P90 when it has
    an uncertainty, else its value ± ``spread``, kept inside its field's bounds and whole
    where it counts; inputs whose low and high are their value (a zero) are left out."""
    values = scenario.values()
    found = []
    for path, parameter, spec in iter_parameter_specs(scenario):
        base = values[path]
        scale = base / parameter.value if parameter.value else 1.0
        if parameter.uncertainty is not None:
            low, high = (float(x) for x in quantile(parameter.uncertainty, np.array(TORNADO_ENDS)))
            basis = "P10–P90"
        else:
            low, high = parameter.value * (1 - spread), parameter.value * (1 + spread)
            basis = f"±{spread:.0%}"
        low, high = sorted(
            (_within(spec, low, parameter.value), _within(spec, high, parameter.value))
        )
        if low == high == parameter.value:
            continue
        found.append(
            OneWayInput(
                path=path, unit=parameter.unit, low=low * scale, high=high * scale, basis=basis
            )
        )
    return found


@dataclass(frozen=True)
class OneWayInput:
    """One input's ends for a one-way sensitivity, in the engines' units."""

    path: str
    unit: str
    low: float
    high: float
    basis: str


def _within(spec: QuantitySpec | None, value: float, base: float) -> float:
    """``value`` moved inside the field's hard bounds (a bound it may not take: the base),
    and rounded when the field counts whole things."""
    if spec is None:
        return value
    if spec.integer:
        value = float(round(value))
    if spec.low is not None and (
        value < spec.low or (value == spec.low and not spec.low_inclusive)
    ):
        value = spec.low if spec.low_inclusive else base
    if spec.high is not None and value > spec.high:
        value = spec.high
    return value


def one_way(
    scenario: Scenario,
    *,
    results: Sequence[str] | None = None,
    spread: float = ONE_WAY_SPREAD,
    origin: ScenarioInfo | None = None,
) -> SensitivityResult:
    """One-way sensitivity over every numeric input (no distribution needed): each input at
    its low and its high, every other at its value, in one vectorised evaluation of 2k + 1
    cases; inputs ranked by the swing of each result."""
    if not 0 < spread < 1:
        raise SettingError("spread", f"must be between 0 and 100 %, got {spread:.0%}")
    outputs = chosen_outputs(scenario, results)
    inputs = one_way_ends(scenario, spread)
    cases = 1 + 2 * len(inputs)
    base = scenario.values()
    values: dict[str, ArrayLike] = dict(base)
    for i, item in enumerate(inputs):
        column = np.full(cases, base[item.path])
        column[1 + 2 * i], column[2 + 2 * i] = item.low, item.high
        values[item.path] = column
    evaluation = evaluate_samples(scenario, values, samples=cases)
    feasible = evaluation.feasible
    tornadoes = {}
    for output in outputs:
        column = np.where(feasible, per_sample(output.read(evaluation), (cases,)), np.nan)
        bars = []
        for i, item in enumerate(inputs):
            at_low, at_high = _number(column[1 + 2 * i]), _number(column[2 + 2 * i])
            swing = None if at_low is None or at_high is None else abs(at_high - at_low)
            bars.append(
                TornadoBar(
                    path=item.path,
                    unit=item.unit,
                    low_input=item.low,
                    high_input=item.high,
                    at_low=at_low,
                    at_high=at_high,
                    swing=swing,
                )
            )
        bars.sort(key=lambda bar: -1.0 if bar.swing is None else bar.swing, reverse=True)
        tornadoes[output.name] = Tornado(
            result=output.name, unit=output.unit, base=_number(column[0]), bars=tuple(bars)
        )
    return SensitivityResult(
        genofab_version=__version__,
        scenario=origin or ScenarioInfo(name=scenario.name),
        method="all_inputs",
        seed=0,
        samples=0,
        sobol_samples=0,
        sobol_runs=0,
        results=tuple(output.name for output in outputs),
        units={output.name: output.unit for output in outputs},
        tornado=tornadoes,
        spearman={output.name: {} for output in outputs},
        sobol={output.name: None for output in outputs},
        notes=(
            f"one-way: each of {len(inputs)} numeric inputs at its low and high (P10 and P90"
            f" when it has an uncertainty, else ±{spread:.0%}, inside its field's bounds), every"
            " other input at its value; failed lots at their expected number",
        ),
    )
