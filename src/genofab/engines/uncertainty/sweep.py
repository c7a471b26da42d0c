"""Sweeps: a grid of values of one or more parameters, each point a full Monte Carlo.

Every point draws from the same seed, so points differ by the swept values, not by luck
(common random numbers). The work is cut into chunks of points and samples and handed to an
executor (Dask in this process by default, or a cluster), in order; a point's statistics are
reduced as soon as its last chunk is in, so memory stays bounded for any grid.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from pydantic_core import PydanticCustomError

from genofab import __version__
from genofab.engines.uncertainty.executors import Executor, SerialExecutor
from genofab.engines.uncertainty.monte_carlo import (
    DEFAULT_CHUNK,
    ChunkResult,
    ChunkTask,
    MonteCarloTotals,
    chunk_tasks,
    monte_carlo_result,
    run_chunk,
)
from genofab.engines.uncertainty.outputs import headline_outputs
from genofab.errors import UsageError
from genofab.model.scenario import Scenario
from genofab.results.run import ScenarioInfo
from genofab.results.uncertainty import SweepPoint, SweepResult

#: The most points a grid may have.
MAX_POINTS = 10_000


def grid_points(scenario: Scenario, grid: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """Every combination of the swept values (base units), first parameter varying slowest;
    an unknown path or a value its field refuses is a :class:`UsageError`."""
    if not grid:
        raise UsageError("give at least one --set PATH=V1,V2,...")
    for path, values in grid.items():
        parameter, spec = scenario.parameter(path)  # unknown path: refused with a suggestion
        if not values:
            raise UsageError(f"--set {path}: give at least one value")
        for value in values:
            try:
                if spec is not None:
                    spec.check(float(value), parameter.unit)
            except PydanticCustomError as error:
                raise UsageError(f"--set {path}: {error.message()}") from None
    count = 1
    for values in grid.values():
        count *= len(values)
    if count > MAX_POINTS:
        raise UsageError(f"the grid has {count:,} points; at most {MAX_POINTS:,}")
    paths = list(grid)
    return [
        dict(zip(paths, combination, strict=True))
        for combination in itertools.product(*grid.values())
    ]


@dataclass(frozen=True)
class _PointChunk:
    point: int
    task: ChunkTask


def _run_point_chunk(item: _PointChunk) -> tuple[int, ChunkResult]:
    return item.point, run_chunk(item.task)


def sweep(
    scenario: Scenario,
    grid: Mapping[str, Sequence[float]],
    samples: int,
    seed: int,
    *,
    origin: ScenarioInfo | None = None,
    results: Sequence[str] | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """The spread of the results at every point of the grid (``results``: which to keep,
    all headline results by default)."""
    points = grid_points(scenario, grid)
    keep = _kept(scenario, results)
    per_point = {
        i: chunk_tasks(scenario, samples, seed, chunk_size, fixed=point)
        for i, point in enumerate(points)
    }

    def work() -> Iterator[_PointChunk]:
        for i, tasks in per_point.items():
            for task in tasks:
                yield _PointChunk(i, task)

    done: list[SweepPoint] = []
    totals: MonteCarloTotals | None = None
    received = 0
    for index, chunk in (executor or SerialExecutor()).map(_run_point_chunk, work()):
        if totals is None:
            totals = MonteCarloTotals(scenario)
        totals.add(chunk)
        received += 1
        if progress is not None:
            progress(chunk.samples)
        if received == len(per_point[index]):  # the point is complete: reduce it
            result = monte_carlo_result(scenario, samples, seed, totals, fixed=points[index])
            done.append(
                SweepPoint(
                    values=points[index],
                    results={name: result.results[name] for name in keep},
                    probability_of_meeting_demand=result.probability_of_meeting_demand,
                    feasible_samples=result.feasible_samples,
                    infeasible=result.infeasible,
                )
            )
            totals, received = None, 0
    units = {output.name: output.unit for output in headline_outputs(scenario)}
    return SweepResult(
        genofab_version=__version__,
        scenario=origin or ScenarioInfo(name=scenario.name),
        samples=samples,
        seed=seed,
        parameters=tuple(grid),
        units={path: scenario.parameter(path)[0].unit for path in grid},
        result_units={name: units[name] for name in keep},
        points=tuple(done),
    )


def _kept(scenario: Scenario, results: Sequence[str] | None) -> list[str]:
    from genofab.engines.uncertainty.sensitivity import chosen_outputs

    if results:
        return [output.name for output in chosen_outputs(scenario, results)]
    return [output.name for output in headline_outputs(scenario)]
