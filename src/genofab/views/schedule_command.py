"""``genofab schedule``: plan a facility from a ``genofab-plan/1`` file. Heavy modules (the
solvers, matplotlib, xlsxwriter) are imported inside the command, so ``genofab --help``
stays fast."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class ObjectiveChoice(StrEnum):
    """What to optimise."""

    MAKESPAN = "makespan"
    LATENESS = "lateness"
    MARGIN = "margin"
    PROFIT = "profit"


class ScheduleFormat(StrEnum):
    """How the schedule is printed."""

    TABLE = "table"
    JSON = "json"


#: Exit status of each outcome (2 is bad input, as for every command).
EXIT_STATUS = {"optimal": 0, "feasible": 0, "partial": 3, "infeasible": 4}


def _time_limit(value: float) -> float:
    from genofab.engines.scheduling.run import MAX_TIME_LIMIT

    if not 0 < value <= MAX_TIME_LIMIT:  # also refuses nan and inf
        raise typer.BadParameter(
            f"must be above 0 s and at most {MAX_TIME_LIMIT:g} s, got {value:g}"
        )
    return value


def schedule(
    file: Annotated[
        Path, typer.Argument(help="plan file (genofab-plan/1 YAML)", show_default=False)
    ],
    objective: Annotated[
        ObjectiveChoice | None,
        typer.Option(
            "--objective", help="makespan, lateness, margin or profit (default: the plan's)"
        ),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            callback=_time_limit,
            help="seconds the solvers may use (0 to 86400): their work is counted in"
            " deterministic units calibrated to this many seconds on an idle machine;"
            " the wall clock only guards",
        ),
    ] = 10.0,
    output_format: Annotated[
        ScheduleFormat, typer.Option("--format", "-f", help="table or json")
    ] = ScheduleFormat.TABLE,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="folder for the Gantt chart (PNG, SVG, HTML), CSV and Excel"
        ),
    ] = None,
    simulate: Annotated[
        int,
        typer.Option(
            "--simulate",
            min=0,
            max=1_000_000,
            help="Monte Carlo replications of the schedule as a fixed plan",
        ),
    ] = 0,
    workers: Annotated[int, typer.Option(min=1, max=64, help="CP-SAT search workers")] = 2,
    seed: Annotated[
        int, typer.Option(min=0, max=2**31 - 1, help="solver and simulation random seed")
    ] = 0,
    progress: Annotated[
        bool,
        typer.Option(
            "--progress/--no-progress",
            help="best value and bound as the solve goes (on a terminal only, on stderr)",
        ),
    ] = True,
) -> None:
    """Schedule the lots of a plan in its rooms: proven optimal, or with its gap stated."""
    from genofab.engines.scheduling.run import schedule_plan
    from genofab.io.plan_file import load_plan
    from genofab.results.schedule import PlanInfo

    loaded = load_plan(file)
    if output is not None and output.exists() and not output.is_dir():
        from genofab.errors import OutputError

        raise OutputError(f"'{output}' exists and is not a folder")
    from genofab.views.progress import solve_progress

    with solve_progress(time_limit, progress) as show:
        result = schedule_plan(
            loaded.plan,
            (objective.value if objective else loaded.plan.objective),
            scenarios=loaded.scenarios,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            origin=PlanInfo(name=loaded.plan.name, file=loaded.path, sha256=loaded.sha256),
            replications=simulate,
            simulation_seed=seed,
            progress=show,
        )
    if output is not None:
        write_outputs(result, output, file.stem)
    if output_format is ScheduleFormat.JSON:
        text = json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        sys.stdout.write(text + "\n")
    else:
        from genofab.views.console import make_console
        from genofab.views.schedule_console import render_schedule

        render_schedule(result, make_console())
    if EXIT_STATUS[result.status]:
        raise typer.Exit(EXIT_STATUS[result.status])


def write_outputs(result: object, folder: Path, stem: str) -> list[Path]:
    """Gantt chart (PNG, SVG, HTML), schedule CSV and Excel workbook in ``folder``: rendered
    in memory first, then written whole through a staging folder (nothing half-written)."""
    from genofab.io.files import staged_folder
    from genofab.results.schedule import ScheduleResult
    from genofab.views.gantt import gantt_figure_bytes, gantt_html
    from genofab.views.schedule_export import schedule_csv, schedule_workbook

    assert isinstance(result, ScheduleResult)
    files = {
        f"{stem}-gantt.png": gantt_figure_bytes(result, "png"),
        f"{stem}-gantt.svg": gantt_figure_bytes(result, "svg"),
        f"{stem}-gantt.html": gantt_html(result).encode("utf-8"),
        f"{stem}-schedule.csv": schedule_csv(result).encode("utf-8"),
        f"{stem}-schedule.xlsx": schedule_workbook(result),
    }
    with staged_folder(folder) as staging:
        for name, content in files.items():
            (staging / name).write_bytes(content)
    return [folder / name for name in files]
