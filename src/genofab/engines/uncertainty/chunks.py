"""Chunks of a Monte Carlo: what a worker runs. A chunk is a whole number of blocks of samples;
it draws them (:mod:`genofab.engines.uncertainty.sampling`), evaluates them in one pass of the
engines with failed lots drawn per lot, and reduces every headline result to statistics that
merge exactly in block order (:mod:`genofab.engines.uncertainty.statistics`). A sample whose
lot cannot deliver a dose is a failed lot (no good dose, the cost of what it consumed) and
stays in every statistic; one whose facility completes no lot in a year keeps no value. Both
keep a status; the first few are reported with the inputs that caused them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from genofab.engines.arrays import Array, per_sample
from genofab.engines.uncertainty.outputs import (
    NO_ROOM_TIME,
    Evaluation,
    Output,
    demand_met,
    evaluate_samples,
    headline_outputs,
    room_kinds,
    status_reason,
)
from genofab.engines.uncertainty.result_statistics import ResultChunk, reduce_result
from genofab.engines.uncertainty.sampling import (
    BLOCK,
    CORRELATION_STREAM,
    FAILURE_STREAM,
    BlockStreams,
    SamplingPlan,
    block_bounds,
    block_streams,
    draw_blocks,
    engine_values,
    sampling_plan,
)
from genofab.errors import UsageError
from genofab.model.scenario import Scenario
from genofab.results.uncertainty import (
    InfeasibleSample,
)

#: Samples evaluated in one NumPy pass (a whole number of blocks).
DEFAULT_CHUNK = 100_000
#: Infeasible samples reported with their inputs.
MAX_EXAMPLES = 10


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of a Monte Carlo, everything a worker needs (it pickles): the scenario, its
    sampling plan (``fixed`` parameters set), the seed and the chunk's blocks."""

    scenario: Scenario
    plan: SamplingPlan
    seed: int
    samples: int
    first_block: int
    blocks: int
    fixed: tuple[tuple[str, float], ...] = ()
    raw: bool = False

    @property
    def sizes(self) -> list[int]:
        """Samples in each of the chunk's blocks."""
        bounds = [block_bounds(b, self.samples) for b in self._block_numbers]
        return [end - start for start, end in bounds]

    @property
    def _block_numbers(self) -> range:
        return range(self.first_block, self.first_block + self.blocks)


def chunk_tasks(
    scenario: Scenario,
    samples: int,
    seed: int,
    chunk_size: int = DEFAULT_CHUNK,
    fixed: Mapping[str, float] | None = None,
    raw: bool = False,
) -> list[ChunkTask]:
    """The chunks of a run, in block order."""
    if chunk_size <= 0 or chunk_size % BLOCK:
        raise UsageError(f"the chunk size must be a positive multiple of {BLOCK}, got {chunk_size}")
    per_chunk = chunk_size // BLOCK
    total = math.ceil(samples / BLOCK)
    frozen = tuple(sorted((fixed or {}).items()))
    plan = sampling_plan(scenario, fixed)
    return [
        ChunkTask(scenario, plan, seed, samples, first, min(per_chunk, total - first), frozen, raw)
        for first in range(0, total, per_chunk)
    ]


@dataclass(frozen=True)
class Simulation:
    """One chunk evaluated: the drawn inputs (own units), the engine values and results."""

    task: ChunkTask
    plan: SamplingPlan
    drawn: dict[str, Array]
    evaluation: Evaluation

    @property
    def size(self) -> int:
        return sum(self.task.sizes)


class DrawnFailures:
    """Failed lots of each sample's year: binomial(lots started, failure probability), from
    the lot-failure stream of the sample's block."""

    def __init__(self, streams: list[BlockStreams], sizes: list[int]) -> None:
        self.streams, self.sizes = streams, sizes

    def __call__(self, started: Array, probability: Array) -> Array:
        if not np.any(np.asarray(probability) > 0):
            return np.asarray(started * probability)
        shape = (sum(self.sizes),)
        lots, chance = per_sample(started, shape), per_sample(probability, shape)
        everywhere = bool(
            lots.min() >= 0 and np.isfinite(lots.max()) and np.isfinite(chance.max())
        )  # a NaN makes min and max NaN
        known = np.ones(shape, dtype=bool)
        if not everywhere:  # a sample that cannot deliver starts no lot
            known = np.isfinite(lots) & (lots >= 0) & np.isfinite(chance)
            lots, chance = np.where(known, lots, 0.0), np.where(known, chance, 0.0)
        counts = lots.astype(np.int64)
        failed = np.empty(shape)
        start = 0
        for streams, size in zip(self.streams, self.sizes, strict=True):
            stop = start + size
            rng = streams.stream(FAILURE_STREAM)
            failed[start:stop] = rng.binomial(counts[start:stop], chance[start:stop])
            start = stop
        return failed if everywhere else np.where(known, failed, np.nan)


def simulate(task: ChunkTask) -> Simulation:
    """Draw the chunk's samples block by block and evaluate them in one pass."""
    plan = task.plan
    names = [item.stream for item in plan.inputs] + [FAILURE_STREAM]
    if plan.correlated:
        names.append(CORRELATION_STREAM)
    streams = block_streams(task.seed, task._block_numbers, names)
    drawn = draw_blocks(plan, streams, task.sizes)
    values = engine_values(plan, drawn)
    failures = DrawnFailures(streams, task.sizes)
    evaluation = evaluate_samples(task.scenario, values, failures, sum(task.sizes))
    return Simulation(task, plan, drawn, evaluation)


@dataclass(frozen=True)
class ChunkResult:
    """What a chunk sends back: statistics only (and its raw samples, if asked)."""

    first_block: int
    blocks: int
    samples: int
    results: tuple[ResultChunk, ...]
    status: NDArray[np.int64]
    bottleneck: NDArray[np.int64]
    demand_met: int | None
    examples: tuple[InfeasibleSample, ...]
    raw: dict[str, NDArray[Any]] | None = None


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Simulate one chunk and reduce it to statistics (runs on a worker)."""
    simulation = simulate(task)
    outputs = headline_outputs(task.scenario)
    evaluation, sizes = simulation.evaluation, task.sizes
    size = simulation.size
    feasible = evaluation.counted  # failed lots stay in the statistics
    everywhere = bool(feasible.all())
    columns = {
        output.name: _result_values(output, evaluation, feasible, everywhere) for output in outputs
    }
    reduced: list[tuple[Array, bool, ResultChunk]] = []
    for output in outputs:
        values = columns[output.name]
        chunk = _already_reduced(values, output.whole, reduced)
        if chunk is None:
            chunk = reduce_result(values, feasible, output.whole, sizes)
        reduced.append((values, output.whole, chunk))
    results = tuple(chunk for _, _, chunk in reduced)
    status = np.bincount(evaluation.status.astype(np.int64), minlength=NO_ROOM_TIME + 1)
    kinds = room_kinds(task.scenario)
    bottleneck = per_sample(evaluation.run.capacity.bottleneck, (size,)).astype(np.int64)
    bottleneck_counts = np.bincount(bottleneck[feasible], minlength=len(kinds))
    met = demand_met(evaluation)
    met_count = None if met is None else int(np.sum(np.broadcast_to(met, (size,)) & feasible))
    first_sample = block_bounds(task.first_block, task.samples)[0]
    examples = tuple(
        InfeasibleSample(
            sample=first_sample + int(i),
            status=status_reason(int(evaluation.status[i])),
            inputs={path: float(column[i]) for path, column in simulation.drawn.items()},
        )
        for i in np.flatnonzero(~evaluation.feasible)[:MAX_EXAMPLES]
    )
    raw: dict[str, NDArray[Any]] | None = None
    if task.raw:
        raw = {"sample": np.arange(first_sample, first_sample + size, dtype=np.int64)}
        raw.update(simulation.drawn)
        raw.update({name: per_sample(column, (size,)) for name, column in columns.items()})
        raw["status"] = evaluation.status
    return ChunkResult(
        first_block=task.first_block,
        blocks=task.blocks,
        samples=size,
        results=results,
        status=status,
        bottleneck=bottleneck_counts,
        demand_met=met_count,
        examples=examples,
        raw=raw,
    )


def _result_values(
    output: Output, evaluation: Evaluation, feasible: NDArray[np.bool_], everywhere: bool
) -> Array:
    """One result's value in every sample, NaN where the sample cannot deliver."""
    values = np.asarray(output.read(evaluation), dtype=float)
    return values if everywhere else np.where(feasible, values, np.nan)


def _already_reduced(
    values: Array, whole: bool, reduced: list[tuple[Array, bool, ResultChunk]]
) -> ResultChunk | None:
    """The statistics of an earlier result with the very same values in this chunk (patients
    and doses per lot when a patient takes one dose, say), so they are not computed twice."""
    if values.ndim == 0:
        return None
    middle = len(values) // 2
    for earlier, earlier_whole, chunk in reduced:
        if (
            earlier_whole == whole
            and earlier.ndim == 1
            and earlier[middle] == values[middle]
            and earlier[-1] == values[-1]
            and _same_values(earlier, values)
        ):
            return chunk
    return None


def _same_values(a: Array, b: Array) -> bool:
    """Equal arrays, NaN matching NaN (the plain comparison first: most have no NaN)."""
    return bool(np.equal(a, b).all()) or np.array_equal(a, b, equal_nan=True)
