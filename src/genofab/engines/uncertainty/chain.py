"""Monte Carlo of a chain of stages: every stage's uncertain inputs drawn on common random
numbers, the chain engine run on all the samples of a chunk in one NumPy pass.

One seed drives the run. Each stage draws from its own seed, derived from the run's seed and
the stage's name (:func:`stage_seed`, reported in the result), with the scenario Monte Carlo's
own sampling (:mod:`genofab.engines.uncertainty.sampling`): so a stage drawn alone with its
stage seed (``genofab run STAGE --samples N --seed S``) draws exactly the values it draws in
the chain, two stages never share a random stream by accident of a common path, and a
parameter the chain file declares shared (``uncertainty.shared``) takes, in every stage that
names it, the values drawn for the first of them. Failed lots are drawn per lot from each
stage's own stream, as in a scenario's Monte Carlo.

A sample in which a stage cannot deliver (its lot makes no dose, a room completes no lot in a
year) treats no patient: it stays in every statistic with zero patients a year, that stage as
what limits it, and no value for the cost per patient (nothing is delivered to divide by).
Statistics are streamed and merged in block order, as for scenarios, so results do not depend
on the chunk size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from genofab import __version__
from genofab.engines.arrays import Array, Values, per_sample
from genofab.engines.chain import ChainArrays, chain_arrays, therapy_fair_price_arrays
from genofab.engines.economics import FailedLots
from genofab.engines.uncertainty.chunks import (
    DEFAULT_CHUNK,
    MAX_EXAMPLES,
    DrawnFailures,
)
from genofab.engines.uncertainty.executors import Executor, SerialExecutor
from genofab.engines.uncertainty.monte_carlo import QUANTILE_METHOD
from genofab.engines.uncertainty.outputs import NO_ROOM_TIME, Better, status_reason
from genofab.engines.uncertainty.result_statistics import (
    ResultChunk,
    ResultTotals,
    reduce_result,
    result_spread,
)
from genofab.engines.uncertainty.sampling import (
    BLOCK,
    SamplingPlan,
    block_bounds,
    block_streams,
    draw_blocks,
    engine_values,
    sampling_plan,
    stream_id,
)
from genofab.engines.uncertainty.statistics import Tally
from genofab.errors import UsageError
from genofab.model.chain import Chain
from genofab.results.chain import ChainFailedSample, ChainMonteCarloResult
from genofab.results.run import ScenarioInfo
from genofab.results.uncertainty import UncertainInput

#: Parameters set to one value, by stage: {stage: {path: value in base units}}.
Fixed = Mapping[str, Mapping[str, float]]
#: The prefix of what each stage alone allows among the results.
STAGE_ALONE = "stage_patients_per_year."
#: The first word of the spawn key of a stage's seed (ASCII "STAG"): keeps stage seeds apart
#: from the blocks of the run's own seed.
_STAGE_KEY = 0x53544147


def stage_seed(seed: int, stage: str) -> int:
    """The seed stage ``stage`` draws from in a chain run from ``seed``: 64 bits of
    ``SeedSequence(seed, spawn_key=(STAG, CRC-32 of the name))``."""
    words = np.random.SeedSequence(seed, spawn_key=(_STAGE_KEY, stream_id(stage)))
    low, high = (int(word) for word in words.generate_state(2, np.uint32))
    return low | high << 32


@dataclass(frozen=True)
class ChainOutput:
    """A result of the chain that the Monte Carlo follows: its name (as in the JSON), unit,
    whether it counts whole things, which way is better, and how to read it."""

    name: str
    unit: str
    whole: bool
    better: Better
    read: Callable[[ChainArrays], ArrayLike]


def chain_outputs(chain: Chain) -> tuple[ChainOutput, ...]:
    """The chain's numeric results, the headline first: patients a year, the cost per patient
    (total, then by stage), the cohort's years, upstream lots, each stage's patients alone."""
    outputs = [
        ChainOutput(
            "patients_per_year", "patients/yr", False, Better.HIGHER, lambda a: a.patients_per_year
        )
    ]
    final = chain.stages[-1].scenario.economics
    if all(stage.scenario.economics is not None for stage in chain.stages) and final is not None:
        money = final.currency
        outputs.append(
            ChainOutput(
                "cost_per_patient.total",
                money,
                False,
                Better.LOWER,
                lambda a: sum(_costs(a).values(), start=np.zeros(())),
            )
        )
        for stage in chain.stages:
            outputs.append(
                ChainOutput(
                    f"cost_per_patient.by_stage.{stage.name}",
                    money,
                    False,
                    Better.LOWER,
                    lambda a, name=stage.name: _costs(a)[name],  # type: ignore[misc]
                )
            )
        if final.pricing is not None:
            outputs.append(
                ChainOutput(
                    "fair_price.total",
                    money,
                    False,
                    Better.LOWER,
                    lambda a: _known(therapy_fair_price_arrays(chain, a)).total,
                )
            )
    if _cohort(chain):
        outputs += [
            ChainOutput(
                "years_to_treat_cohort",
                "yr",
                False,
                Better.LOWER,
                lambda a: _known(a.years_to_treat_cohort),
            ),
            ChainOutput(
                "years_to_release_cohort",
                "yr",
                False,
                Better.LOWER,
                lambda a: _known(a.years_to_release_cohort),
            ),
        ]
    for i, stage in enumerate(chain.stages[:-1]):
        outputs.append(
            ChainOutput(
                f"upstream_lots_per_year.{stage.name}",
                "lots/yr",
                True,
                Better.LOWER,
                lambda a, i=i: a.stages[i].lots_needed_per_year,  # type: ignore[misc]
            )
        )
    for i, stage in enumerate(chain.stages):
        outputs.append(
            ChainOutput(
                f"{STAGE_ALONE}{stage.name}",
                "patients/yr",
                False,
                Better.HIGHER,
                lambda a, i=i: a.stages[i].patients_per_year,  # type: ignore[misc]
            )
        )
    return tuple(outputs)


def _cohort(chain: Chain) -> bool:
    if chain.demand is not None and chain.demand.cohort_patients is not None:
        return True
    final = chain.stages[-1].scenario.demand
    return final is not None and final.cohort_patients is not None


def _costs(arrays: ChainArrays) -> dict[str, Array]:
    assert arrays.cost_per_patient is not None
    return arrays.cost_per_patient


def _known(array: Any) -> Any:
    assert array is not None
    return array


def limit_labels(chain: Chain, arrays: ChainArrays) -> list[str]:
    """What each limit index names: a stage, or a room shared by stages of one site."""
    labels = [stage.name for stage in chain.stages]
    labels += [f"shared {room.kind} ({', '.join(room.stages)})" for room in arrays.shared_rooms]
    return labels


@dataclass(frozen=True)
class ChainChunkTask:
    """One chunk of a chain's Monte Carlo (it pickles): the chain, each stage's sampling plan
    and seed, and the chunk's blocks."""

    chain: Chain
    plans: dict[str, SamplingPlan]
    seeds: dict[str, int]
    samples: int
    first_block: int
    blocks: int

    @property
    def sizes(self) -> list[int]:
        """Samples in each of the chunk's blocks."""
        bounds = [block_bounds(b, self.samples) for b in self.block_numbers]
        return [end - start for start, end in bounds]

    @property
    def block_numbers(self) -> range:
        return range(self.first_block, self.first_block + self.blocks)


@dataclass(frozen=True)
class ChainSimulation:
    """One chunk evaluated: each stage's draws (own units), the chain's arrays, and each
    stage's status per sample (0: it can deliver)."""

    drawn: dict[str, dict[str, Array]]
    arrays: ChainArrays
    status: dict[str, NDArray[np.int8]]
    size: int

    @property
    def delivered(self) -> NDArray[np.bool_]:
        """Samples in which every stage can deliver."""
        ok = np.ones(self.size, dtype=bool)
        for status in self.status.values():
            ok &= status == 0
        return ok


def simulate_chain(task: ChainChunkTask) -> ChainSimulation:
    """Draw every stage's samples of the chunk (its own seed; shared parameters copied from
    the first stage that names them) and run the chain on them at once."""
    chain, sizes = task.chain, task.sizes
    size = sum(sizes)
    drawn: dict[str, dict[str, Array]] = {}
    values: dict[str, Values] = {}
    failures: dict[str, FailedLots] = {}
    for stage in chain.stages:
        plan = task.plans[stage.name]
        streams = block_streams(task.seeds[stage.name], task.block_numbers)
        drawn[stage.name] = draw_blocks(plan, streams, sizes)
        failures[stage.name] = DrawnFailures(streams, sizes)
    for shared in chain.shared:
        first, *others = shared.stages
        for name in others:
            drawn[name][shared.parameter] = drawn[first][shared.parameter]
    for stage in chain.stages:
        values[stage.name] = engine_values(task.plans[stage.name], drawn[stage.name])
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        arrays = chain_arrays(chain, values, failures)
    status = stage_status(arrays, size)
    return ChainSimulation(drawn, arrays, status, size)


def stage_status(arrays: ChainArrays, size: int) -> dict[str, NDArray[np.int8]]:
    """Each stage's status in each of ``size`` samples: 0 when it can deliver, else why its
    lot cannot (the lot engine's codes) or :data:`NO_ROOM_TIME`."""
    status = {}
    for figures in arrays.stages:
        code = np.broadcast_to(figures.run.lot.status, (size,)).copy()
        for room in figures.run.capacity.rooms:
            idle = np.broadcast_to(room.lots_per_room_year < 1, (size,)) & (code == 0)
            code[idle] = NO_ROOM_TIME
        status[figures.name] = code
    return status


def output_values(
    arrays: ChainArrays,
    status: Mapping[str, NDArray[np.int8]],
    size: int,
    outputs: Sequence[ChainOutput],
) -> dict[str, Array]:
    """Each result's value in each sample: where a stage cannot deliver, no patient is
    treated (patients a year 0, and 0 for what that stage alone allows) and the results per
    patient or per cohort have no value (NaN)."""
    delivered = np.ones(size, dtype=bool)
    for code in status.values():
        delivered &= code == 0
    everywhere = bool(delivered.all())
    found = {}
    for output in outputs:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            values = np.asarray(output.read(arrays), dtype=float)
        if not everywhere:
            values = np.array(per_sample(values, (size,)))
            if output.name == "patients_per_year":
                values[~delivered] = 0.0
            elif output.name.startswith(STAGE_ALONE):
                values[status[output.name[len(STAGE_ALONE) :]] != 0] = 0.0
            else:
                values[~delivered] = np.nan
        found[output.name] = values
    return found


@dataclass(frozen=True)
class ChainChunkResult:
    """What a chunk sends back: statistics only."""

    first_block: int
    blocks: int
    samples: int
    results: tuple[ResultChunk, ...]
    limits: NDArray[np.int64]
    status: dict[str, NDArray[np.int64]]
    met: int | None
    failed: int
    examples: tuple[ChainFailedSample, ...]


def run_chain_chunk(task: ChainChunkTask) -> ChainChunkResult:
    """Simulate one chunk of a chain and reduce it to statistics (runs on a worker)."""
    simulation = simulate_chain(task)
    arrays, size, sizes = simulation.arrays, simulation.size, task.sizes
    delivered = simulation.delivered
    everywhere = bool(delivered.all())
    counted = np.ones(size, dtype=bool)  # a sample that treats no patient stays in
    outputs = chain_outputs(task.chain)
    values = output_values(arrays, simulation.status, size, outputs)
    results = [reduce_result(values[o.name], counted, o.whole, sizes) for o in outputs]
    limit = per_sample(arrays.limit, (size,)).astype(np.int64)
    if not everywhere:  # the first stage that cannot deliver limits the sample
        limit = limit.copy()
        for i, name in reversed(list(enumerate(simulation.status))):
            limit[simulation.status[name] != 0] = i
    labels = len(arrays.stages) + len(arrays.shared_rooms)
    demand = task.chain.demand
    met = None
    if demand is not None and demand.patients_per_year is not None:
        patients = np.where(delivered, per_sample(arrays.patients_per_year, (size,)), 0.0)
        met = int(np.sum(patients >= demand.patients_per_year.value * (1 - 1e-9)))
    first_sample = block_bounds(task.first_block, task.samples)[0]
    examples = []
    for i in np.flatnonzero(~delivered)[:MAX_EXAMPLES]:
        name = next(n for n, code in simulation.status.items() if code[i] != 0)
        examples.append(
            ChainFailedSample(
                sample=first_sample + int(i),
                stage=name,
                status=status_reason(int(simulation.status[name][i])),
                inputs={path: float(column[i]) for path, column in simulation.drawn[name].items()},
            )
        )
    return ChainChunkResult(
        first_block=task.first_block,
        blocks=task.blocks,
        samples=size,
        results=tuple(results),
        limits=np.bincount(limit, minlength=labels).astype(np.int64),
        status={
            name: np.bincount(code.astype(np.int64), minlength=NO_ROOM_TIME + 1)
            for name, code in simulation.status.items()
        },
        met=met,
        failed=size - int(delivered.sum()),
        examples=tuple(examples),
    )


def chain_plans(chain: Chain, fixed: Fixed | None = None) -> dict[str, SamplingPlan]:
    """Each stage's sampling plan, with the parameters ``fixed`` sets (by stage, base units
    in their own currency) at one value in every sample."""
    fixed = fixed or {}
    return {
        stage.name: sampling_plan(stage.scenario, fixed.get(stage.name)) for stage in chain.stages
    }


def chain_values(chain: Chain, fixed: Fixed | None = None) -> dict[str, Values]:
    """Each stage's engine values at its base case, with the parameters ``fixed`` sets."""
    return {name: plan.base for name, plan in chain_plans(chain, fixed).items()}


def chain_tasks(
    chain: Chain,
    samples: int,
    seed: int,
    chunk_size: int = DEFAULT_CHUNK,
    fixed: Fixed | None = None,
) -> list[ChainChunkTask]:
    """The chunks of a chain's run, in block order (``fixed``: see :func:`chain_plans`)."""
    if chunk_size <= 0 or chunk_size % BLOCK:
        raise UsageError(f"the chunk size must be a positive multiple of {BLOCK}, got {chunk_size}")
    plans = chain_plans(chain, fixed)
    seeds = {stage.name: stage_seed(seed, stage.name) for stage in chain.stages}
    per_chunk, total = chunk_size // BLOCK, math.ceil(samples / BLOCK)
    return [
        ChainChunkTask(chain, plans, seeds, samples, first, min(per_chunk, total - first))
        for first in range(0, total, per_chunk)
    ]


def chain_monte_carlo(
    chain: Chain,
    samples: int,
    seed: int,
    *,
    origin: ScenarioInfo | None = None,
    fixed: Fixed | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> ChainMonteCarloResult:
    """The spread of the chain's results over ``samples`` draws from ``seed`` (``fixed``
    parameters set in every sample); check the number of samples and the seed first (the
    command line does)."""
    outputs = chain_outputs(chain)
    tasks = chain_tasks(chain, samples, seed, chunk_size, fixed)
    totals = [ResultTotals(Tally(output.whole)) for output in outputs]
    limits: NDArray[np.int64] | None = None
    status = {stage.name: np.zeros(NO_ROOM_TIME + 1, dtype=np.int64) for stage in chain.stages}
    met: int | None = 0
    examples: list[ChainFailedSample] = []
    failed_samples = 0
    for chunk in (executor or SerialExecutor()).map(run_chain_chunk, tasks):
        for total, result in zip(totals, chunk.results, strict=True):
            total.add(result)
        limits = chunk.limits if limits is None else limits + chunk.limits
        for name, counts in chunk.status.items():
            status[name] += counts
        met = None if chunk.met is None or met is None else met + chunk.met
        failed_samples += chunk.failed
        examples += chunk.examples[: MAX_EXAMPLES - len(examples)]
        if progress is not None:
            progress(chunk.samples)
    base = chain_values(chain, fixed)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        deterministic = chain_arrays(chain, base)
    labels = limit_labels(chain, deterministic)
    assert limits is not None
    failed = {
        name: {status_reason(code): int(n) for code, n in enumerate(counts.tolist()) if code and n}
        for name, counts in status.items()
    }
    demand = chain.demand
    return ChainMonteCarloResult(
        genofab_version=__version__,
        chain=origin or ScenarioInfo(name=chain.name),
        samples=samples,
        seed=seed,
        block_size=BLOCK,
        stage_seeds={stage.name: stage_seed(seed, stage.name) for stage in chain.stages},
        fixed={name: dict(values) for name, values in (fixed or {}).items()},
        shared=tuple((s.parameter, s.stages) for s in chain.shared),
        uncertain_inputs={name: _inputs(plan) for name, plan in tasks[0].plans.items()},
        results={
            output.name: result_spread(total, output.whole, _value(output, deterministic))
            for output, total in zip(outputs, totals, strict=True)
        },
        units={output.name: output.unit for output in outputs},
        limit_probability={
            label: int(count) / samples
            for label, count in zip(labels, limits.tolist(), strict=True)
        },
        failed_samples=failed_samples,
        failed_by_stage={name: reasons for name, reasons in failed.items() if reasons},
        failed_examples=tuple(examples),
        probability_of_meeting_demand=None
        if demand is None or demand.patients_per_year is None or met is None
        else met / samples,
        quantile_method=QUANTILE_METHOD,
    )


def _value(output: ChainOutput, arrays: ChainArrays) -> float | None:
    value = float(np.asarray(output.read(arrays), dtype=float))
    return value if math.isfinite(value) else None


def _inputs(plan: SamplingPlan) -> tuple[UncertainInput, ...]:
    return tuple(
        UncertainInput(
            path=item.path,
            value=plan.own[item.path],
            unit=item.unit,
            kind=item.distribution.kind,
            parameters=item.distribution.parameters(),
            source=item.distribution.source,
        )
        for item in plan.inputs
    )
