"""Innovation value under uncertainty: the probability that scenario B beats scenario A on
each headline result, sample by sample.

A and B draw from the same seed, block by block; a parameter both have (same path) draws
from the same random stream in both, so they are compared on common random numbers and the
difference is not drowned in independent noise. A sample whose lot or facility cannot
deliver counts as the worst outcome for that scenario; two such samples tie.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from genofab import __version__
from genofab.engines.arrays import per_sample
from genofab.engines.uncertainty.chunks import ChunkTask, chunk_tasks, simulate
from genofab.engines.uncertainty.executors import Executor, SerialExecutor
from genofab.engines.uncertainty.outputs import Better, Output, headline_outputs
from genofab.engines.uncertainty.sampling import sampling_plan
from genofab.engines.uncertainty.statistics import block_sums
from genofab.model.scenario import Scenario
from genofab.results.run import ScenarioInfo
from genofab.results.uncertainty import Chance, ProbabilisticComparison


@dataclass(frozen=True)
class _Pair:
    a: ChunkTask
    b: ChunkTask
    names: tuple[str, ...]


@dataclass(frozen=True)
class _PairCounts:
    better: NDArray[np.int64]
    tie: NDArray[np.int64]
    worse: NDArray[np.int64]
    sum_a: NDArray[np.float64]
    count_a: NDArray[np.int64]
    sum_b: NDArray[np.float64]
    count_b: NDArray[np.int64]


def common_outputs(a: Scenario, b: Scenario) -> list[Output]:
    """The headline results both scenarios have (B's definition, in A's order)."""
    theirs = {output.name: output for output in headline_outputs(b)}
    return [theirs[output.name] for output in headline_outputs(a) if output.name in theirs]


def _values(task: ChunkTask, names: tuple[str, ...]) -> list[NDArray[np.float64]]:
    simulation = simulate(task)
    evaluation = simulation.evaluation
    outputs = {output.name: output for output in headline_outputs(task.scenario)}
    size = simulation.size
    feasible = evaluation.counted  # failed lots stay in the statistics
    return [
        np.where(feasible, per_sample(outputs[name].read(evaluation), (size,)), np.nan)
        for name in names
    ]


def _count(pair: _Pair) -> _PairCounts:
    betters = {output.name: output.better for output in headline_outputs(pair.b.scenario)}
    a_values, b_values = _values(pair.a, pair.names), _values(pair.b, pair.names)
    rows = []
    for name, a, b in zip(pair.names, a_values, b_values, strict=True):
        worst = -np.inf if betters[name] is Better.HIGHER else np.inf
        a_kept = np.where(np.isfinite(a), a, worst)
        b_kept = np.where(np.isfinite(b), b, worst)
        if betters[name] is Better.HIGHER:
            better, worse = b_kept > a_kept, b_kept < a_kept
        else:
            better, worse = b_kept < a_kept, b_kept > a_kept
        rows.append(
            (
                int(better.sum()),
                int(a.size - better.sum() - worse.sum()),
                int(worse.sum()),
                block_sums(a, pair.a.sizes),
                int(np.isfinite(a).sum()),
                block_sums(b, pair.b.sizes),
                int(np.isfinite(b).sum()),
            )
        )
    blocks = pair.a.blocks
    return _PairCounts(
        better=np.array([row[0] for row in rows], dtype=np.int64),
        tie=np.array([row[1] for row in rows], dtype=np.int64),
        worse=np.array([row[2] for row in rows], dtype=np.int64),
        sum_a=np.array([row[3] for row in rows], dtype=np.float64).reshape(len(rows), blocks),
        count_a=np.array([row[4] for row in rows], dtype=np.int64),
        sum_b=np.array([row[5] for row in rows], dtype=np.float64).reshape(len(rows), blocks),
        count_b=np.array([row[6] for row in rows], dtype=np.int64),
    )


def compare_spread(
    a: Scenario,
    b: Scenario,
    samples: int,
    seed: int,
    *,
    origin_a: ScenarioInfo | None = None,
    origin_b: ScenarioInfo | None = None,
    chunk_size: int = 100_000,
    executor: Executor | None = None,
) -> ProbabilisticComparison:
    """How often B beats A on each headline result both have, over ``samples`` paired
    draws from ``seed``."""
    outputs = common_outputs(a, b)
    names = tuple(output.name for output in outputs)
    pairs = [
        _Pair(task_a, task_b, names)
        for task_a, task_b in zip(
            chunk_tasks(a, samples, seed, chunk_size),
            chunk_tasks(b, samples, seed, chunk_size),
            strict=True,
        )
    ]
    size = len(names)
    better = np.zeros(size, dtype=np.int64)
    tie, worse = better.copy(), better.copy()
    count_a, count_b = better.copy(), better.copy()
    sums_a: list[NDArray[np.float64]] = []
    sums_b: list[NDArray[np.float64]] = []
    for counts in (executor or SerialExecutor()).map(_count, pairs):
        better += counts.better
        tie += counts.tie
        worse += counts.worse
        count_a += counts.count_a
        count_b += counts.count_b
        sums_a.append(counts.sum_a)
        sums_b.append(counts.sum_b)
    # block sums added exactly (fsum): the means do not depend on the chunking
    total_a = [math.fsum(v for chunk in sums_a for v in chunk[i].tolist()) for i in range(size)]
    total_b = [math.fsum(v for chunk in sums_b for v in chunk[i].tolist()) for i in range(size)]
    drawn_a = {item.path for item in sampling_plan(a).inputs}
    return ProbabilisticComparison(
        genofab_version=__version__,
        a=origin_a or ScenarioInfo(name=a.name),
        b=origin_b or ScenarioInfo(name=b.name),
        samples=samples,
        seed=seed,
        common_inputs=tuple(item.path for item in sampling_plan(b).inputs if item.path in drawn_a),
        chances=tuple(
            Chance(
                result=output.name,
                unit=output.unit,
                better="higher" if output.better is Better.HIGHER else "lower",
                b_better=int(better[i]) / samples,
                tie=int(tie[i]) / samples,
                b_worse=int(worse[i]) / samples,
                mean_a=float(total_a[i] / count_a[i]) if count_a[i] else None,
                mean_b=float(total_b[i] / count_b[i]) if count_b[i] else None,
            )
            for i, output in enumerate(outputs)
        ),
    )
