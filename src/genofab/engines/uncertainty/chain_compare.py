"""The probability that chain B beats chain A on each of the therapy's results, sample by
sample on common random numbers.

Both chains draw from the same seed: a stage of the same name draws from the same stage seed,
so the same stage in A and in B (or in a chain and in itself with a parameter set) sees the
same random numbers, and the difference is not drowned in independent noise. A sample in
which a stage cannot deliver treats no patient: its patients a year are 0 and a result per
patient counts as the worst outcome; two such samples tie.
"""

from __future__ import annotations

import math

import numpy as np

from genofab import __version__
from genofab.engines.uncertainty.chain import (
    Fixed,
    chain_outputs,
    chain_plans,
    chain_tasks,
    output_values,
    simulate_chain,
)
from genofab.engines.uncertainty.outputs import Better
from genofab.engines.uncertainty.statistics import block_sums
from genofab.model.chain import Chain
from genofab.results.run import ScenarioInfo
from genofab.results.uncertainty import Chance, ProbabilisticComparison


def compare_chain_spread(
    a: Chain,
    b: Chain,
    samples: int,
    seed: int,
    *,
    fixed_a: Fixed | None = None,
    fixed_b: Fixed | None = None,
    origin_a: ScenarioInfo | None = None,
    origin_b: ScenarioInfo | None = None,
    chunk_size: int = 100_000,
) -> ProbabilisticComparison:
    """How often B beats A on each result both chains have, over ``samples`` paired draws."""
    names_a = {output.name for output in chain_outputs(a)}
    outputs = [output for output in chain_outputs(b) if output.name in names_a]
    by_name_a = {output.name: output for output in chain_outputs(a)}
    outputs_a = [by_name_a[output.name] for output in outputs]
    size = len(outputs)
    better = np.zeros(size, dtype=np.int64)
    tie, worse = better.copy(), better.copy()
    count_a, count_b = better.copy(), better.copy()
    sums_a: list[list[float]] = [[] for _ in outputs]
    sums_b: list[list[float]] = [[] for _ in outputs]
    for task_a, task_b in zip(
        chain_tasks(a, samples, seed, chunk_size, fixed_a),
        chain_tasks(b, samples, seed, chunk_size, fixed_b),
        strict=True,
    ):
        run_a, run_b = simulate_chain(task_a), simulate_chain(task_b)
        values_a = output_values(run_a.arrays, run_a.status, run_a.size, outputs_a)
        values_b = output_values(run_b.arrays, run_b.status, run_b.size, outputs)
        for i, output in enumerate(outputs):
            column_a = np.broadcast_to(values_a[output.name], (run_a.size,))
            column_b = np.broadcast_to(values_b[output.name], (run_b.size,))
            worst = -np.inf if output.better is Better.HIGHER else np.inf
            kept_a = np.where(np.isfinite(column_a), column_a, worst)
            kept_b = np.where(np.isfinite(column_b), column_b, worst)
            if output.better is Better.HIGHER:
                wins, losses = kept_b > kept_a, kept_b < kept_a
            else:
                wins, losses = kept_b < kept_a, kept_b > kept_a
            better[i] += int(wins.sum())
            worse[i] += int(losses.sum())
            tie[i] += run_a.size - int(wins.sum()) - int(losses.sum())
            count_a[i] += int(np.isfinite(column_a).sum())
            count_b[i] += int(np.isfinite(column_b).sum())
            sums_a[i] += block_sums(np.array(column_a), task_a.sizes).tolist()
            sums_b[i] += block_sums(np.array(column_b), task_b.sizes).tolist()
    drawn_a = {
        f"{name}:{item.path}"
        for name, plan in chain_plans(a, fixed_a).items()
        for item in plan.inputs
    }
    common = tuple(
        f"{name}:{item.path}"
        for name, plan in chain_plans(b, fixed_b).items()
        for item in plan.inputs
        if f"{name}:{item.path}" in drawn_a
    )
    return ProbabilisticComparison(
        genofab_version=__version__,
        a=origin_a or ScenarioInfo(name=a.name),
        b=origin_b or ScenarioInfo(name=b.name),
        samples=samples,
        seed=seed,
        common_inputs=common,
        chances=tuple(
            Chance(
                result=output.name,
                unit=output.unit,
                better="higher" if output.better is Better.HIGHER else "lower",
                b_better=int(better[i]) / samples,
                tie=int(tie[i]) / samples,
                b_worse=int(worse[i]) / samples,
                mean_a=math.fsum(sums_a[i]) / int(count_a[i]) if count_a[i] else None,
                mean_b=math.fsum(sums_b[i]) / int(count_b[i]) if count_b[i] else None,
            )
            for i, output in enumerate(outputs)
        ),
    )
