"""Sensitivity of a chain: which stage input moves the therapy's patients a year and its cost
per patient most.

- **Tornado**: every uncertain input of every stage at its P10 and at its P90, every other
  one at its median (one vectorised evaluation of the chain engine, 2k + 1 cases; failed lots
  at their expected number). An input shared by several stages moves in all of them.
- **Spearman rank correlations** between each input and each result over the chain's Monte
  Carlo (the same draws as ``genofab run CHAIN --samples``).
- **Sobol indices** (first order and total, SALib, Saltelli's design without second order)
  over every stage's inputs, as for a scenario: the inputs independent (rank correlations not
  applied), failed lots at their expected number, a shared input drawn once for all its
  stages; one vectorised evaluation of the chain engine over the N × (k + 2) runs.

Inputs are named ``stage:path``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from genofab import __version__
from genofab.engines.arrays import per_sample
from genofab.engines.chain import chain_arrays
from genofab.engines.uncertainty.chain import (
    ChainOutput,
    chain_outputs,
    chain_tasks,
    output_values,
    simulate_chain,
    stage_status,
)
from genofab.engines.uncertainty.sampling import (
    SamplingPlan,
    UncertainInput,
    engine_values,
    quantile,
    sampling_plan,
)
from genofab.engines.uncertainty.sensitivity import (
    TORNADO_ENDS,
    check_rank_samples,
    check_sobol_samples,
    sobol_indices,
)
from genofab.errors import UsageError, did_you_mean
from genofab.model.chain import Chain
from genofab.results.run import ScenarioInfo
from genofab.results.uncertainty import SensitivityResult, SobolIndex, Tornado, TornadoBar

#: The chain's results analysed when none are named.
CHAIN_KEY_RESULTS = ("patients_per_year", "cost_per_patient.total")


def chosen_chain_outputs(chain: Chain, names: Sequence[str] | None) -> list[ChainOutput]:
    """The chain's results to analyse: those named (an unknown name is refused with a
    suggestion), else patients a year, the cost per patient and each stage's share of it."""
    outputs = {output.name: output for output in chain_outputs(chain)}
    if names:
        for name in names:
            if name not in outputs:
                raise UsageError(
                    f"'{name}' is not a result of this chain{did_you_mean(name, list(outputs))}"
                )
        return [outputs[name] for name in names]
    keep = [name for name in CHAIN_KEY_RESULTS if name in outputs]
    keep += [name for name in outputs if name.startswith("cost_per_patient.by_stage.")]
    return [outputs[name] for name in keep]


def chain_inputs(chain: Chain) -> list[tuple[str, UncertainInput]]:
    """(stage, input) of every parameter the chain draws, a shared one once (its first
    stage)."""
    copies = {(name, s.parameter) for s in chain.shared for name in s.stages[1:]}
    found = [
        (stage.name, item)
        for stage in chain.stages
        for item in sampling_plan(stage.scenario).inputs
        if (stage.name, item.path) not in copies
    ]
    if not found:
        raise UsageError(
            "no stage of the chain has an uncertain parameter: give some quantities an"
            " uncertainty (see docs/uncertainty.md)"
        )
    return found


def _at(item: UncertainInput, p: np.ndarray) -> np.ndarray:
    values = quantile(item.distribution, p)
    return np.rint(values) if item.whole else values


def _at_medians(plans: dict[str, SamplingPlan], size: int) -> dict[str, dict[str, np.ndarray]]:
    """Every stage's uncertain inputs, ``size`` runs each at its median (by stage, by path)."""
    return {
        name: {item.path: np.full(size, float(_at(item, np.array(0.5)))) for item in plan.inputs}
        for name, plan in plans.items()
    }


def chain_tornado(chain: Chain, outputs: Sequence[ChainOutput]) -> dict[str, Tornado]:
    """Each result's tornado over every stage's uncertain inputs (see the module)."""
    inputs = chain_inputs(chain)
    cases = 1 + 2 * len(inputs)
    plans = {stage.name: sampling_plan(stage.scenario) for stage in chain.stages}
    drawn = _at_medians(plans, cases)
    ends = []
    for i, (stage, item) in enumerate(inputs):
        low, high = _at(item, np.array(TORNADO_ENDS))
        drawn[stage][item.path][1 + 2 * i], drawn[stage][item.path][2 + 2 * i] = low, high
        ends.append((float(low), float(high)))
    for shared in chain.shared:
        for name in shared.stages[1:]:
            drawn[name][shared.parameter] = drawn[shared.stages[0]][shared.parameter]
    values = {name: engine_values(plans[name], drawn[name]) for name in plans}
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        arrays = chain_arrays(chain, values)
    evaluated = output_values(arrays, stage_status(arrays, cases), cases, outputs)
    found = {}
    for output in outputs:
        column = evaluated[output.name]
        bars = []
        for i, ((stage, item), (low, high)) in enumerate(zip(inputs, ends, strict=True)):
            at_low, at_high = _number(column[1 + 2 * i]), _number(column[2 + 2 * i])
            bars.append(
                TornadoBar(
                    path=f"{stage}:{item.path}",
                    unit=item.unit,
                    low_input=low,
                    high_input=high,
                    at_low=at_low,
                    at_high=at_high,
                    swing=None if at_low is None or at_high is None else abs(at_high - at_low),
                )
            )
        bars.sort(key=lambda bar: -1.0 if bar.swing is None else bar.swing, reverse=True)
        found[output.name] = Tornado(
            result=output.name, unit=output.unit, base=_number(column[0]), bars=tuple(bars)
        )
    return found


def chain_spearman(
    chain: Chain, outputs: Sequence[ChainOutput], samples: int, seed: int
) -> dict[str, dict[str, float | None]]:
    """Spearman rank correlation of each stage input with each result over the chain's Monte
    Carlo (None where a result or an input does not vary)."""
    from scipy import stats

    check_rank_samples(samples)
    inputs = chain_inputs(chain)
    drawn: dict[str, list[np.ndarray]] = {f"{s}:{item.path}": [] for s, item in inputs}
    results: dict[str, list[np.ndarray]] = {output.name: [] for output in outputs}
    for task in chain_tasks(chain, samples, seed):
        simulation = simulate_chain(task)
        for stage, item in inputs:
            drawn[f"{stage}:{item.path}"].append(simulation.drawn[stage][item.path])
        values = output_values(simulation.arrays, simulation.status, simulation.size, outputs)
        for name, column in values.items():
            results[name].append(column)
    found: dict[str, dict[str, float | None]] = {}
    for output in outputs:
        result = np.concatenate(results[output.name])
        defined = np.isfinite(result)
        found[output.name] = {}
        for name, chunks in drawn.items():
            column = np.concatenate(chunks)
            if defined.sum() < 3 or np.ptp(result[defined]) == 0 or np.ptp(column) == 0:
                found[output.name][name] = None
                continue
            rho = float(stats.spearmanr(column[defined], result[defined]).statistic)
            found[output.name][name] = _number(rho)
    return found


def chain_sobol(
    chain: Chain, outputs: Sequence[ChainOutput], base_samples: int, seed: int
) -> tuple[dict[str, tuple[SobolIndex, ...] | None], int, list[str]]:
    """First-order and total Sobol indices of each result over every stage's inputs (see the
    module), their confidence half-widths, the number of chain runs, and notes."""
    from SALib.sample import sobol as design

    inputs = chain_inputs(chain)
    check_sobol_samples(base_samples, len(inputs))
    names = [f"{stage}:{item.path}" for stage, item in inputs]
    problem = {"num_vars": len(inputs), "names": names, "bounds": [[0.0, 1.0]] * len(inputs)}
    unit = design.sample(problem, base_samples, calc_second_order=False, scramble=True, seed=seed)
    unit = np.clip(unit, 1e-12, 1 - 1e-12)
    runs = len(unit)
    plans = {stage.name: sampling_plan(stage.scenario) for stage in chain.stages}
    drawn = _at_medians(plans, runs)
    for i, (stage, item) in enumerate(inputs):
        drawn[stage][item.path] = _at(item, unit[:, i])
    for shared in chain.shared:
        for name in shared.stages[1:]:
            drawn[name][shared.parameter] = drawn[shared.stages[0]][shared.parameter]
    values = {name: engine_values(plans[name], drawn[name]) for name in plans}
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        arrays = chain_arrays(chain, values)
    evaluated = output_values(arrays, stage_status(arrays, runs), runs, outputs)
    notes: list[str] = []
    found: dict[str, tuple[SobolIndex, ...] | None] = {}
    for output in outputs:
        y = per_sample(evaluated[output.name], (runs,))
        found[output.name], note = sobol_indices(
            problem, y, seed, output.name, "a stage cannot deliver"
        )
        notes += [note] if note else []
    return found, runs, notes


def chain_sensitivity(
    chain: Chain,
    *,
    results: Sequence[str] | None = None,
    samples: int = 10_000,
    sobol_samples: int = 1024,
    seed: int = 1,
    origin: ScenarioInfo | None = None,
) -> SensitivityResult:
    """The tornado, rank correlations and Sobol indices of the chain's results (see the
    module)."""
    check_rank_samples(samples)
    check_sobol_samples(sobol_samples, len(chain_inputs(chain)))
    outputs = chosen_chain_outputs(chain, results)
    indices, runs, notes = chain_sobol(chain, outputs, sobol_samples, seed)
    return SensitivityResult(
        genofab_version=__version__,
        scenario=origin or ScenarioInfo(name=chain.name),
        seed=seed,
        samples=samples,
        sobol_samples=sobol_samples,
        sobol_runs=runs,
        results=tuple(output.name for output in outputs),
        units={output.name: output.unit for output in outputs},
        tornado=chain_tornado(chain, outputs),
        spearman=chain_spearman(chain, outputs, samples, seed),
        sobol=indices,
        notes=(
            "inputs are named stage:path; each at its P10 and P90, every other input of every"
            " stage at its median",
            "Sobol indices treat the inputs as independent (rank correlations are not applied),"
            " failed lots at their expected number, a shared input once for all its stages",
            *notes,
        ),
    )


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
