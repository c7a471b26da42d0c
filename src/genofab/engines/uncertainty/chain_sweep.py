"""A sweep of a chain: a grid of values of stage parameters, each point a full Monte Carlo of
the chain from the same seed (so points differ by the swept values, not by luck)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

from genofab import __version__
from genofab.engines.uncertainty.chain import chain_monte_carlo, chain_outputs
from genofab.engines.uncertainty.chain_sensitivity import chosen_chain_outputs
from genofab.engines.uncertainty.sweep import MAX_POINTS
from genofab.errors import SettingError, UsageError
from genofab.model.chain import Chain
from genofab.results.run import ScenarioInfo
from genofab.results.uncertainty import SweepPoint, SweepResult

#: {stage: {path: the values swept, base units}}
ChainGrid = Mapping[str, Mapping[str, Sequence[float]]]


def chain_grid_points(grid: ChainGrid) -> list[dict[str, dict[str, float]]]:
    """Every combination of the swept values, by stage (the first parameter varying
    slowest)."""
    swept = [
        (stage, path, values) for stage, paths in grid.items() for path, values in paths.items()
    ]
    if not swept:
        raise SettingError("sets", "is needed: give at least one STAGE:PATH and its values")
    count = 1
    for _, _, values in swept:
        count *= len(values)
    if count > MAX_POINTS:
        raise UsageError(f"the grid has {count:,} points; at most {MAX_POINTS:,}")
    points = []
    for combination in itertools.product(*(values for _, _, values in swept)):
        point: dict[str, dict[str, float]] = {}
        for (stage, path, _), value in zip(swept, combination, strict=True):
            point.setdefault(stage, {})[path] = float(value)
        points.append(point)
    return points


def chain_sweep(
    chain: Chain,
    grid: ChainGrid,
    samples: int,
    seed: int,
    *,
    origin: ScenarioInfo | None = None,
    results: Sequence[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """The spread of the chain's results (``results``, or patients a year and the cost per
    patient by stage) at every point of the grid; swept parameters are named
    ``stage:path``."""
    keep = [output.name for output in chosen_chain_outputs(chain, results)]
    units = {output.name: output.unit for output in chain_outputs(chain)}
    done = []
    for point in chain_grid_points(grid):
        spread = chain_monte_carlo(chain, samples, seed, fixed=point)
        done.append(
            SweepPoint(
                values={
                    f"{stage}:{path}": value
                    for stage, paths in point.items()
                    for path, value in paths.items()
                },
                results={name: spread.results[name] for name in keep},
                probability_of_meeting_demand=spread.probability_of_meeting_demand,
                feasible_samples=samples - spread.failed_samples,
                infeasible={
                    f"{stage}: {reason}": count
                    for stage, reasons in spread.failed_by_stage.items()
                    for reason, count in reasons.items()
                },
            )
        )
        if progress is not None:
            progress(samples)
    return SweepResult(
        genofab_version=__version__,
        scenario=origin or ScenarioInfo(name=chain.name),
        samples=samples,
        seed=seed,
        parameters=tuple(f"{stage}:{path}" for stage, paths in grid.items() for path in paths),
        units={
            f"{stage}:{path}": chain.stage(stage).scenario.parameter(path)[0].unit
            for stage, paths in grid.items()
            for path in paths
        },
        result_units={name: units[name] for name in keep},
        points=tuple(done),
    )
