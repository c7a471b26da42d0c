"""What a job computes from a stored version: a deterministic run, a Monte Carlo, a
sensitivity analysis, a report (HTML, Excel, figures) or a schedule; each gives a JSON result
and downloadable artifacts (bytes in memory, written nowhere but the database)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genofab.errors import UsageError
from genofab.service.checks import check_scenario

SCENARIO_KINDS = ("run", "monte_carlo", "sensitivity", "report")
PLAN_KINDS = ("schedule",)
#: Largest Monte Carlo a web user may ask for (a server shared by many; the CLI allows more).
MAX_SAMPLES = 1_000_000
DEFAULT_SAMPLES = 10_000
#: Seconds the schedule solvers may use for one job.
SCHEDULE_SECONDS = 10.0

MEDIA = {
    ".html": "text/html; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
}

Progress = Callable[[float], None]


@dataclass
class Outcome:
    """A job's result (JSON-ready) and its artifacts (name → media type, bytes)."""

    result: dict[str, Any]
    artifacts: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def check_options(kind: str, seed: int, samples: int | None) -> int | None:
    """Bounded options of a job, or UsageError naming the rule."""
    if kind not in SCENARIO_KINDS + PLAN_KINDS:
        raise UsageError(f"kind must be one of {', '.join(SCENARIO_KINDS + PLAN_KINDS)}")
    if not 0 <= seed < 2**31:
        raise UsageError(f"seed must be a whole number from 0 to {2**31 - 1}, got {seed}")
    if kind in ("run", "schedule"):
        return None
    chosen = DEFAULT_SAMPLES if samples is None else samples
    if not 1 <= chosen <= MAX_SAMPLES:
        raise UsageError(f"samples must be from 1 to {MAX_SAMPLES:,}, got {chosen}")
    return chosen


def run_scenario(
    kind: str, content: str, file: str, seed: int, samples: int | None, progress: Progress
) -> Outcome:
    """Compute one scenario job."""
    loaded, deterministic = check_scenario(content, file)
    if kind == "run":
        return Outcome(deterministic.to_json_dict())
    assert samples is not None
    if kind == "monte_carlo":
        from genofab.engines.uncertainty.monte_carlo import monte_carlo

        done = [0]

        def advance(count: int) -> None:
            done[0] += count
            progress(done[0] / samples)

        spread = monte_carlo(
            loaded.scenario, samples, seed, origin=deterministic.scenario, progress=advance
        )
        result = spread.run_json(deterministic.to_json_dict())
        result["histograms"] = {
            name: histogram.model_dump(mode="json")
            for name, histogram in spread.distributions.items()
        }
        return Outcome(result)
    if kind == "sensitivity":
        from genofab.engines.uncertainty.sensitivity import sensitivity

        analysis = sensitivity(
            loaded.scenario, samples=samples, seed=seed, origin=deterministic.scenario
        )
        return Outcome(analysis.model_dump(mode="json"))
    return _report(loaded, deterministic, seed, samples)


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
