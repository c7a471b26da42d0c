"""Sweeps: a grid of values of one or more parameters, each point a full Monte Carlo.

Every point draws from the same seed, so points differ by the swept values, not by luck
(common random numbers). Each point is one task for the executor (Dask in this process by
default, or a cluster): it runs its chunks in order on one worker and sends back only its
spreads, so memory stays bounded for any grid and the points keep the workers busy.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from genofab import __version__
from genofab.engines.uncertainty.chunks import DEFAULT_CHUNK, chunk_tasks
from genofab.engines.uncertainty.executors import Executor, SerialExecutor
from genofab.engines.uncertainty.monte_carlo import monte_carlo
from genofab.engines.uncertainty.outputs import headline_outputs
from genofab.errors import SettingError, UsageError
from genofab.model.scenario import Scenario
from genofab.results.run import ScenarioInfo
from genofab.results.uncertainty import SweepPoint, SweepResult

#: The most points a grid may have.
MAX_POINTS = 10_000


def grid_points(scenario: Scenario, grid: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """Every combination of the swept values (base units), first parameter varying slowest;
    an unknown path or a value its field refuses is a :class:`UsageError`."""
    if not grid:
        raise SettingError("sets", "is needed: give at least one parameter and its values")
    for path, values in grid.items():
        scenario.parameter(path)  # an unknown path is refused with a suggestion
        if not values:
            raise SettingError("sets", f"{path}= has no value: give at least one")
        scenario.check_values(path, values)
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
class PointTask:
    """One point of a sweep: a whole Monte Carlo, run on one worker (it pickles)."""

    scenario: Scenario
    values: dict[str, float]
    samples: int
    seed: int
    chunk_size: int
    keep: tuple[str, ...]


def run_point(task: PointTask) -> SweepPoint:
    """The Monte Carlo of one point, its chunks in order, reduced to the results kept."""
    result = monte_carlo(
        task.scenario,
        task.samples,
        task.seed,
        fixed=task.values,
        chunk_size=task.chunk_size,
        histograms=False,
    )
    return SweepPoint(
        values=task.values,
        results={name: result.results[name] for name in task.keep},
        probability_of_meeting_demand=result.probability_of_meeting_demand,
        feasible_samples=result.feasible_samples,
        infeasible=result.infeasible,
    )


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
    all headline results by default). Each point runs whole on one worker; the points are
    spread over the workers."""
    points = grid_points(scenario, grid)
    keep = tuple(_kept(scenario, results))
    chunk_tasks(scenario, samples, seed, chunk_size)  # refuse a bad chunk size up front
    tasks = (PointTask(scenario, point, samples, seed, chunk_size, keep) for point in points)
    done = []
    for point in (executor or SerialExecutor()).map(run_point, tasks):
        done.append(point)
        if progress is not None:
            progress(samples)
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
