"""What a job computes from a stored version: a deterministic run, a Monte Carlo (with its raw
samples as Parquet), a sensitivity analysis, a sweep (its table as Parquet and CSV), a report
(HTML, Excel, figures) or a schedule; each gives a JSON result and downloadable artifacts
(bytes in memory, written nowhere but the database). Monte Carlo and sweep chunks run on
Dask: its threads in the server's process, or the cluster whose scheduler address the server
was given."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genofab.errors import UsageError
from genofab.service.checks import check_scenario

SCENARIO_KINDS = ("run", "monte_carlo", "sensitivity", "sweep", "report")
PLAN_KINDS = ("schedule",)
#: The jobs of batch records (their review), outlooks and networks.
OTHER_KINDS = ("review", "outlook", "network")
#: The jobs each kind of document runs as.
JOBS_OF = {
    "scenario": SCENARIO_KINDS,
    "plan": PLAN_KINDS,
    "records": ("review",),
    "outlook": ("outlook",),
    "network": ("network",),
}
#: Largest Monte Carlo a web user may ask for (a server shared by many; the CLI allows more).
MAX_SAMPLES = 1_000_000
DEFAULT_SAMPLES = 10_000
#: A sweep job's bounds: parameters, values per parameter, and samples in all (points ×
#: samples), so that one job cannot hold a shared server for hours.
MAX_SWEEP_PARAMETERS = 3
MAX_SWEEP_VALUES = 50
MAX_SWEEP_SAMPLES = 10_000_000
#: Largest Monte Carlo whose raw samples are kept as a Parquet artifact (rows).
MAX_RAW_SAMPLES = 100_000
#: Seconds the schedule solvers may use for one job.
SCHEDULE_SECONDS = 10.0

MEDIA = {
    ".html": "text/html; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".parquet": "application/vnd.apache.parquet",
}

Progress = Callable[[float], None]


@dataclass
class Outcome:
    """A job's result (JSON-ready) and its artifacts (name → media type, bytes)."""

    result: dict[str, Any]
    artifacts: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def check_options(
    kind: str, seed: int, samples: int | None, grid: dict[str, list[str]] | None = None
) -> int | None:
    """Bounded options of a job, or UsageError naming the rule; the samples to draw."""
    every = SCENARIO_KINDS + PLAN_KINDS + OTHER_KINDS
    if kind not in every:
        raise UsageError(f"kind must be one of {', '.join(every)}")
    if not 0 <= seed < 2**31:
        raise UsageError(f"seed must be a whole number from 0 to {2**31 - 1}, got {seed}")
    if (grid is not None) != (kind == "sweep"):
        raise UsageError("grid: a sweep needs one (PATH: [values]); other jobs take none")
    if kind in ("run", "schedule"):
        return None
    if kind in OTHER_KINDS:  # None: a review's default, an outlook's or network's no Monte Carlo
        most = _most_samples(kind)
        if samples is not None and not 1 <= samples <= most:
            raise UsageError(f"samples must be from 1 to {most:,} for this job, got {samples}")
        return samples
    chosen = DEFAULT_SAMPLES if samples is None else samples
    if not 1 <= chosen <= MAX_SAMPLES:
        raise UsageError(f"samples must be from 1 to {MAX_SAMPLES:,}, got {chosen}")
    if grid is not None:
        check_grid(grid, chosen)
    return chosen


def _most_samples(kind: str) -> int:
    """The most samples a job of ``kind`` may draw (an outlook's and a network's engines have
    their own limits)."""
    if kind == "outlook":
        from genofab.engines.demand import montecarlo

        return int(montecarlo.MAX_SAMPLES)
    if kind == "network":
        from genofab.engines import network_operation

        return int(network_operation.MAX_SAMPLES)
    return MAX_SAMPLES


def check_grid(grid: dict[str, list[str]], samples: int) -> None:
    """A sweep's grid within its bounds (the values are read against the scenario later)."""
    if not 1 <= len(grid) <= MAX_SWEEP_PARAMETERS:
        raise UsageError(f"grid: sweep 1 to {MAX_SWEEP_PARAMETERS} parameters, got {len(grid)}")
    points = 1
    for path, values in grid.items():
        if not 1 <= len(values) <= MAX_SWEEP_VALUES:
            raise UsageError(
                f"grid: {path[:100]} takes 1 to {MAX_SWEEP_VALUES} values, got {len(values)}"
            )
        points *= len(values)
    if points * samples > MAX_SWEEP_SAMPLES:
        raise UsageError(
            f"grid: {points:,} points × {samples:,} samples is over the workbench's limit of"
            f" {MAX_SWEEP_SAMPLES:,} samples in all: fewer points or samples (or the command line)"
        )


def read_grid(scenario: Any, grid: dict[str, list[str]]) -> dict[str, list[float]]:
    """A sweep job's grid read against its scenario (UsageError naming the path and value)."""
    from genofab.engines.uncertainty.sweep import grid_points
    from genofab.service.sweeps import parse_grid

    values = parse_grid(scenario, grid, "grid:")
    grid_points(scenario, values)  # every value within its field's bounds
    return values


def run_scenario(
    kind: str,
    content: str,
    file: str,
    seed: int,
    samples: int | None,
    progress: Progress,
    *,
    grid: dict[str, list[str]] | None = None,
    scheduler: str | None = None,
) -> Outcome:
    """Compute one scenario job (Monte Carlo and sweep chunks on the Dask cluster at
    ``scheduler``, else on Dask's threads here)."""
    loaded, deterministic = check_scenario(content, file)
    if kind == "run":
        return Outcome(deterministic.to_json_dict())
    assert samples is not None
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        progress(done[0] / samples / _points(grid))

    if kind == "monte_carlo":
        return _monte_carlo(loaded, deterministic, samples, seed, scheduler, advance)
    if kind == "sweep":
        assert grid is not None
        return _sweep(loaded, deterministic, grid, samples, seed, scheduler, advance)
    if kind == "sensitivity":
        from genofab.engines.uncertainty.sensitivity import sensitivity

        analysis = sensitivity(
            loaded.scenario, samples=samples, seed=seed, origin=deterministic.scenario
        )
        return Outcome(analysis.model_dump(mode="json"))
    return _report(loaded, deterministic, seed, samples)


def _points(grid: dict[str, list[str]] | None) -> int:
    count = 1
    for values in (grid or {}).values():
        count *= len(values)
    return count


def _monte_carlo(
    loaded: Any,
    deterministic: Any,
    samples: int,
    seed: int,
    scheduler: str | None,
    advance: Callable[[int], None],
) -> Outcome:
    """The spread with histograms, and (up to :data:`MAX_RAW_SAMPLES`) every sample's inputs
    and results as ``samples.parquet``."""
    from genofab.engines.uncertainty.monte_carlo import monte_carlo
    from genofab.io.samples import parquet_samples
    from genofab.views.uncertainty_runs import executor_for, raw_metadata

    artifacts: dict[str, tuple[str, bytes]] = {}
    with tempfile.TemporaryDirectory(prefix="genofab-samples-") as folder:
        target = Path(folder) / "samples.parquet"
        with executor_for(scheduler) as executor, contextlib.ExitStack() as stack:
            raw = None
            if samples <= MAX_RAW_SAMPLES:
                raw = stack.enter_context(
                    parquet_samples(target, raw_metadata(loaded, samples, seed))
                )
            spread = monte_carlo(
                loaded.scenario,
                samples,
                seed,
                origin=deterministic.scenario,
                progress=advance,
                executor=executor,
                raw=raw,
            )
        if target.exists():
            artifacts["samples.parquet"] = (MEDIA[".parquet"], target.read_bytes())
    result = spread.run_json(deterministic.to_json_dict())
    result["histograms"] = {
        name: histogram.model_dump(mode="json") for name, histogram in spread.distributions.items()
    }
    return Outcome(result, artifacts)


def _sweep(
    loaded: Any,
    deterministic: Any,
    grid: dict[str, list[str]],
    samples: int,
    seed: int,
    scheduler: str | None,
    advance: Callable[[int], None],
) -> Outcome:
    """Each point of the grid a Monte Carlo (``genofab sweep``'s engine): the result, and its
    table as ``sweep.parquet`` and ``sweep.csv``."""
    from genofab.engines.uncertainty.sensitivity import KEY_RESULTS, chosen_outputs
    from genofab.engines.uncertainty.sweep import sweep
    from genofab.service.sweeps import sweep_csv, sweep_parquet
    from genofab.views.uncertainty_runs import executor_for

    values = read_grid(loaded.scenario, grid)
    shown = [output.name for output in chosen_outputs(loaded.scenario, None)]
    with executor_for(scheduler) as executor:
        result = sweep(
            loaded.scenario,
            values,
            samples,
            seed,
            origin=deterministic.scenario,
            results=shown or list(KEY_RESULTS),
            executor=executor,
            progress=advance,
        )
    artifacts = {
        "sweep.parquet": (MEDIA[".parquet"], sweep_parquet(result)),
        "sweep.csv": (MEDIA[".csv"], sweep_csv(result).encode("utf-8")),
    }
    return Outcome(result.model_dump(mode="json"), artifacts)


def _report(loaded: Any, deterministic: Any, seed: int, samples: int) -> Outcome:
    from genofab.engines.scale import demand_curve
    from genofab.views.reports.report import demand_points, write_report
    from genofab.views.uncertainty_runs import report_uncertainty

    curve = None
    if deterministic.economics is not None:
        curve = demand_curve(loaded.scenario, demand_points(deterministic), deterministic.scenario)
    uncertainty = report_uncertainty(
        loaded.scenario, samples, seed, False, None, deterministic.scenario
    )
    with tempfile.TemporaryDirectory(prefix="genofab-report-") as folder:
        target = Path(folder) / "report"
        written = write_report(
            deterministic, curve, target, "report", loaded.scenario.description, uncertainty
        )
        artifacts = {
            path.name: (
                MEDIA.get(path.suffix, "application/octet-stream"),
                (target / path).read_bytes(),
            )
            for path in written
        }
    result = deterministic.to_json_dict()
    if uncertainty is not None:
        result = uncertainty.spread.run_json(result)
    return Outcome(result, artifacts)


def run_plan(plan_file: Any, seed: int) -> Outcome:
    """Schedule a checked plan: the result, and its Gantt chart (HTML), CSV and workbook."""
    from genofab.engines.scheduling.run import schedule_plan
    from genofab.results.schedule import PlanInfo
    from genofab.views.gantt import gantt_html
    from genofab.views.schedule_export import schedule_csv, schedule_workbook

    plan = plan_file.plan
    result = schedule_plan(
        plan,
        plan.objective,
        scenarios=plan_file.scenarios,
        time_limit=SCHEDULE_SECONDS,
        workers=1,
        seed=seed,
        origin=PlanInfo(name=plan.name, file=plan_file.path, sha256=plan_file.sha256),
    )
    artifacts = {
        "schedule-gantt.html": (MEDIA[".html"], gantt_html(result).encode("utf-8")),
        "schedule.csv": (MEDIA[".csv"], schedule_csv(result).encode("utf-8")),
        "schedule.xlsx": (MEDIA[".xlsx"], schedule_workbook(result)),
    }
    return Outcome(result.to_json_dict(), artifacts)


def result_text(outcome: Outcome) -> str:
    """The stored JSON of a result (no NaN or infinity)."""
    return json.dumps(outcome.result, ensure_ascii=False, allow_nan=False)
