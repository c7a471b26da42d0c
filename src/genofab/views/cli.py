"""The ``genofab`` command line: validate, schema, run (with --samples: a Monte Carlo), compare,
scale, report, templates, new; sensitivity and sweep are in :mod:`genofab.views.cli_uncertainty`,
schedule in :mod:`genofab.views.schedule_command`.

Commands stay thin: read the scenario, call an engine, render the result. Any
:class:`~genofab.GenofabError` (a bad file, an infeasible lot) is printed as its message on
stderr and the exit status is 2, with no traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from genofab import __version__
from genofab.errors import GenofabError, SettingError, UsageError
from genofab.views.records_options import (
    BaselineOption,
    LayoutOption,
    MarginOption,
    RecordsOption,
    SpecOption,
)
from genofab.views.schedule_command import schedule as _schedule_command

app = typer.Typer(
    name="genofab",
    help="Plan and cost the manufacture of gene and cell therapies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])
EXIT_BAD_INPUT = 2


class OutputFormat(StrEnum):
    """How results are printed."""

    TABLE = "table"
    JSON = "json"


ScenarioPath = Annotated[
    Path, typer.Argument(help="scenario file (genofab/1 YAML)", show_default=False)
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json")]
SeedOption = Annotated[
    int, typer.Option("--seed", help="seed of the random draws (recorded in the output)")
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="allow more samples than the cap (10,000,000)")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="address of a Dask scheduler (tcp://host:8786); default: in this process",
    ),
]
ProgressOption = Annotated[
    bool, typer.Option("--progress/--no-progress", help="progress bar (on a terminal only)")
]


#: The command line's name for each setting an engine may refuse (see SettingError).
OPTION_NAMES = {
    "samples": "--samples",
    "sobol_samples": "--sobol-samples",
    "points": "--points",
    "sets": "--set",
    "seed": "--seed",
    "scheduler": "--scheduler",
}


def reports_errors(command: F) -> F:
    """Print a GenofabError as its message on stderr and exit with status 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SettingError as error:
            option = OPTION_NAMES.get(error.setting, error.setting)
            advice = "; add --force to run it" if error.overridable else ""
            sys.stderr.write(f"error: {option} {error.rule}{advice}\n")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except GenofabError as error:
            sys.stderr.write(f"error: {error}\n")
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"genofab {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Plan and cost the manufacture of gene and cell therapies."""


@app.command()
@reports_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="scenario or plan files")],
) -> None:
    """Check scenario files (and that their lots and facility can deliver) or plan files; list
    every problem with file, line and field."""
    from genofab.io.chain_file import is_chain_document, validate_chain_document
    from genofab.io.network_file import is_network_document, validate_network_document
    from genofab.io.outlook_file import is_outlook_document, validate_outlook_document
    from genofab.io.plan_file import is_plan_document, validate_plan_document
    from genofab.io.yaml_source import read_yaml

    failed = False
    for file in files:
        try:
            document = read_yaml(file)
            if is_chain_document(document):
                chain = validate_chain_document(document, file.parent).chain
                sys.stdout.write(f"{file}: valid chain ({len(chain.stages)} stages)\n")
                continue
            if is_network_document(document):
                network = validate_network_document(document, file.parent).network
                sys.stdout.write(
                    f"{file}: valid network ({len(network.centres)} centres,"
                    f" {len(network.sites)} sites, {len(network.lanes)} lanes)\n"
                )
                continue
            if is_outlook_document(document):
                outlook = validate_outlook_document(document, file.parent).outlook
                sys.stdout.write(
                    f"{file}: valid outlook ({len(outlook.indications)} indications,"
                    f" {len(outlook.products)} products, {len(outlook.candidates)} candidates)\n"
                )
                continue
            if is_plan_document(document):
                plan = validate_plan_document(document, file.parent).plan
                sys.stdout.write(
                    f"{file}: valid plan ({len(plan.products)} products,"
                    f" {len(plan.demands)} demands)\n"
                )
                continue
            loaded, run = _evaluate(file)
        except GenofabError as error:
            sys.stderr.write(f"{error}\n")
            failed = True
            continue
        parameters = loaded.scenario.parameters()
        unsourced = [path for path, p in parameters if not p.source]
        note = f", {len(unsourced)} without a source" if unsourced else ", all with a source"
        drawn = [p.uncertainty for _, p in parameters if p.uncertainty is not None]
        if drawn:
            bare = sum(1 for distribution in drawn if not distribution.source)
            note += f"; {len(drawn)} with an uncertainty, " + (
                f"{bare} of them without a source" if bare else "all with a source"
            )
        sys.stdout.write(f"{file}: valid ({len(parameters)} parameters{note})\n")
        for warning in run.economics.warnings if run.economics is not None else ():
            sys.stdout.write(f"{file}: warning: {', '.join(warning.fields)}: {warning.message}\n")
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
@reports_errors
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write to this file instead of stdout")
    ] = None,
    plan: Annotated[bool, typer.Option("--plan", help="the plan format (genofab-plan/1)")] = False,
    chain: Annotated[
        bool, typer.Option("--chain", help="the chain format (genofab-chain/1)")
    ] = False,
    outlook: Annotated[
        bool, typer.Option("--outlook", help="the outlook format (genofab-outlook/1)")
    ] = False,
    network: Annotated[
        bool, typer.Option("--network", help="the network format (genofab-network/1)")
    ] = False,
) -> None:
    """Print the JSON Schema of the scenario format, or of the plan, chain, outlook or network
    format (for editors)."""
    from genofab.io import schema as schemas
    from genofab.io.files import write_text_atomically

    asked = [
        name
        for name, flag in (
            ("plan", plan),
            ("chain", chain),
            ("outlook", outlook),
            ("network", network),
        )
        if flag
    ]
    if len(asked) > 1:
        raise UsageError(f"give one of --plan, --chain, --outlook, --network (got {len(asked)})")
    chosen = getattr(schemas, f"{asked[0] if asked else 'scenario'}_schema")()
    text = json.dumps(chosen, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomically(output, text)


@app.command()
@reports_errors
def run(
    file: ScenarioPath,
    output_format: FormatOption = OutputFormat.TABLE,
    inputs: Annotated[
        bool,
        typer.Option(
            "--inputs/--no-inputs",
            help="also show every input as written, with its source (--no-inputs, the default,"
            " is kept for old scripts)",
        ),
    ] = False,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            "-n",
            help="Monte Carlo samples of the uncertain parameters (default: the headline leads"
            " with the spread over 2,000 when inputs are uncertain; 0: the deterministic run"
            " alone)",
            min=None,
        ),
    ] = None,
    seed: SeedOption = 1,
    raw: Annotated[
        Path | None, typer.Option("--raw", help="also write every sample to this Parquet file")
    ] = None,
    force: ForceOption = False,
    scheduler: SchedulerOption = None,
    progress: ProgressOption = True,
) -> None:
    """Per-lot figures and facility capacity of one scenario; with --samples, the spread of
    each figure over a Monte Carlo of its uncertain parameters. An outlook file
    (genofab-outlook/1) gives demand and capacity year by year."""
    if _run_outlook(file, output_format, samples, seed):
        return
    from genofab.views.chain_command import is_chain_file

    if is_chain_file(file):
        if raw is not None:
            raise UsageError(
                f"--raw is not available for a chain file ({file}): write a stage's samples"
                " with genofab run STAGE --samples N --seed <its stage seed> --raw FILE"
            )
        _run_chain(file, output_format, samples, seed, force, scheduler, progress)
        return
    if samples is None or samples == 0:
        if raw is not None:
            raise UsageError("--raw writes Monte Carlo samples: give --samples too")
        loaded, result = _evaluate(file)
        spread = None
        if samples is None:  # the headline leads with the spread when inputs are uncertain
            from genofab.engines.uncertainty.headline_spread import scenario_headline_spread

            spread = scenario_headline_spread(loaded.scenario)
        if output_format is OutputFormat.JSON:
            data = result.to_json_dict()
            if spread is not None:
                data = {"headline_spread": spread.model_dump(mode="json"), **data}
            _print_json(data)
            return
        from genofab.views.console import make_console, render_run

        console = make_console()
        if spread is not None:
            from genofab.views.uncertainty_tables import render_headline_spread

            render_headline_spread(spread, console, result.scenario.name)
        render_run(result, console, inputs=inputs)
        return
    from genofab.engines.uncertainty.monte_carlo import check_samples, monte_carlo
    from genofab.views.progress import progress_bar
    from genofab.views.uncertainty_runs import check_seed, executor_for, raw_metadata, raw_writer

    check_samples(samples, force)
    check_seed(seed)
    loaded, deterministic = _evaluate(file)
    metadata = raw_metadata(loaded, samples, seed)
    with (
        executor_for(scheduler) as executor,
        raw_writer(raw, metadata) as write_raw,
        progress_bar(samples, "samples", progress) as advance,
    ):
        result = monte_carlo(
            loaded.scenario,
            samples,
            seed,
            origin=deterministic.scenario,
            executor=executor,
            raw=write_raw,
            progress=advance,
        )
    if output_format is OutputFormat.JSON:
        _print_json(result.run_json(deterministic.to_json_dict()))
        return
    from genofab.views.console import make_console
    from genofab.views.labels import display_units
    from genofab.views.uncertainty_tables import render_monte_carlo

    render_monte_carlo(result, make_console(), display_units(loaded.scenario))


@app.command()
@reports_errors
def compare(
    a: ScenarioPath,
    b: ScenarioPath,
    output_format: FormatOption = OutputFormat.TABLE,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples", "-n", help="also the probability that B beats A, over this many samples"
        ),
    ] = None,
    seed: SeedOption = 1,
    force: ForceOption = False,
    scheduler: SchedulerOption = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="chain files only: STAGE:PATH=VALUE set in B (repeatable), e.g. a chain"
            " against itself with one more suite",
        ),
    ] = None,
) -> None:
    """Two scenarios (or two chains) side by side, with the ratio B ÷ A of each figure; with
    --samples, the probability that B beats A on each, on common random numbers."""
    from genofab.engines.compare import compare as compare_runs
    from genofab.views.chain_command import compare_chain_files, is_chain_file

    if is_chain_file(a) or is_chain_file(b):
        comparison, chances = compare_chain_files(a, b, sets or [], samples, seed, force)
        _show_comparison(comparison, chances, output_format)
        return
    if sets:
        raise UsageError(
            "--set applies to chain files (STAGE:PATH=VALUE); for a scenario, use genofab"
            " sweep --set or compare with an edited copy"
        )
    loaded_a, run_a = _evaluate(a)
    loaded_b, run_b = _evaluate(b)
    comparison = compare_runs(run_a, run_b)
    chances = None
    if samples is not None:
        from genofab.engines.uncertainty.compare import compare_spread
        from genofab.engines.uncertainty.monte_carlo import check_samples
        from genofab.views.uncertainty_runs import check_seed, executor_for

        check_samples(samples, force)
        check_seed(seed)
        with executor_for(scheduler) as executor:
            chances = compare_spread(
                loaded_a.scenario,
                loaded_b.scenario,
                samples,
                seed,
                origin_a=run_a.scenario,
                origin_b=run_b.scenario,
                executor=executor,
            )
    _show_comparison(comparison, chances, output_format)


def _show_comparison(comparison: Any, chances: Any, output_format: OutputFormat) -> None:
    """A comparison (and the probability that B beats A) as JSON or tables."""
    if output_format is OutputFormat.JSON:
        data = comparison.model_dump(mode="json")
        if chances is not None:
            data["monte_carlo"] = chances.model_dump(mode="json")
        _print_json(data)
        return
    from genofab.views.console import make_console, render_comparison

    console = make_console()
    render_comparison(comparison, console)
    if chances is not None:
        from genofab.views.uncertainty_tables import render_chances

        render_chances(chances, console)


@app.command()
@reports_errors
def scale(
    file: ScenarioPath,
    vary: Annotated[
        str,
        typer.Option(
            help="PATH=LOW..HIGH, e.g. demand.patients_per_year=10..10000"
            " or 'process.steps[1].working_volume=50 L..2000 L' (for a chain: a path in the"
            " --stage's file)"
        ),
    ],
    points: Annotated[int, typer.Option(help="number of points")] = 20,
    log: Annotated[bool, typer.Option("--log", help="log-spaced points")] = False,
    stage: Annotated[
        str | None,
        typer.Option(
            help="for a chain file: the stage whose parameter varies (default: the most"
            " upstream stage)"
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Cost per dose and its breakdown as one parameter varies (economies of scale); for a
    chain, the therapy's patients a year, bottleneck and cost per patient by stage as one
    stage's parameter varies."""
    from genofab.engines.scale import scale as sweep
    from genofab.engines.scale import sweep_points
    from genofab.views.chain_command import is_chain_file

    if is_chain_file(file):
        _scale_chain(file, vary, points, log, stage, output_format)
        return
    if stage is not None:
        raise UsageError(
            f"--stage {stage}: {file} is a scenario, not a chain (genofab-chain/1); --stage"
            " names the stage of a chain file to scale"
        )
    loaded, origin = load_deliverable(file)
    path, low, high = _parse_range(loaded.scenario, vary)
    grid = sweep_points(loaded.scenario, path, low, high, points, log)
    result = sweep(loaded.scenario, path, grid, origin)
    if output_format is OutputFormat.JSON:
        _print_json(result.model_dump(mode="json"))
        return
    from genofab.views.console import make_console, render_scale

    render_scale(result, make_console())


def _scale_chain(
    file: Path,
    vary: str,
    points: int,
    log: bool,
    stage: str | None,
    output_format: OutputFormat,
) -> None:
    """``scale`` on a chain: one stage's parameter along a grid, the therapy at each value."""
    from genofab.engines.chain_scale import chain_scale
    from genofab.engines.scale import sweep_points
    from genofab.views.chain_command import evaluate_chain_file, scale_stage

    loaded, run = evaluate_chain_file(file)
    name, chosen = scale_stage(loaded.chain, stage)
    scenario = loaded.chain.stage(name).scenario
    path, low, high = _parse_range(scenario, vary)
    grid = sweep_points(scenario, path, low, high, points, log)
    result = chain_scale(loaded.chain, name, path, grid, run.chain, chosen)
    if output_format is OutputFormat.JSON:
        _print_json(result.model_dump(mode="json"))
        return
    from genofab.views.chain_console import render_chain_scale
    from genofab.views.console import make_console

    render_chain_scale(result, make_console())


@app.command()
@reports_errors
def report(
    file: ScenarioPath,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="output folder (created if missing)")
    ],
    name: Annotated[
        str | None, typer.Option(help="file stem of the report (default: the scenario file's stem)")
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            "-n",
            help="Monte Carlo samples for the spread (default: 10,000 when the scenario has"
            " uncertain parameters)",
        ),
    ] = None,
    seed: SeedOption = 1,
    force: ForceOption = False,
    scheduler: SchedulerOption = None,
    progress: ProgressOption = True,
    records: RecordsOption = None,
    specs: SpecOption = None,
    margins: MarginOption = None,
    baseline: BaselineOption = None,
    layout: LayoutOption = "auto",
) -> None:
    """HTML report, Excel workbook and figures (PNG, SVG) of one scenario; with uncertain
    parameters (or --samples), the spread of the results and the tornado too; with --records,
    a batch-records section. A records file (.csv, .xlsx) in place of the scenario gets a
    report of its own."""
    from genofab.views.labels import display_units
    from genofab.views.records_cli import report_records, review_for_report
    from genofab.views.reports.report import check_stem, demand_points, write_report
    from genofab.views.uncertainty_runs import report_uncertainty

    stem = check_stem(name if name is not None else file.stem)
    if report_records(file, output, stem, records, specs, margins, baseline, samples, seed, layout):
        return
    review = review_for_report(records, file, specs, margins, baseline, samples, seed, layout)
    if _report_outlook(file, output, stem, samples, seed):
        return
    from genofab.views.chain_command import is_chain_file, report_chain_file

    if is_chain_file(file):
        written = report_chain_file(file, output, stem, samples, seed, force, scheduler, progress)
        for path in written:
            sys.stdout.write(f"{output / path}\n")
        return
    loaded, result = _evaluate(file)
    curve = None
    if result.economics is not None:
        from genofab.engines.scale import demand_curve

        curve = demand_curve(loaded.scenario, demand_points(result), result.scenario)
    uncertainty = report_uncertainty(
        loaded.scenario,
        samples,
        seed,
        force,
        scheduler,
        result.scenario,
        demand=result.capacity.demand_patients_per_year,
        progress=progress,
    )
    written = write_report(
        result,
        curve,
        output,
        stem,
        loaded.scenario.description,
        uncertainty,
        units=display_units(loaded.scenario),
        progress=progress,
        records=review,
    )
    for path in written:
        sys.stdout.write(f"{output / path}\n")


@app.command(name="templates")
@reports_errors
def list_templates() -> None:
    """List the scenario templates of the reference library."""
    from genofab.io.templates import templates

    for name, title in templates().items():
        sys.stdout.write(f"{name:<20} {title}\n")


@app.command()
@reports_errors
def new(
    output: Annotated[Path, typer.Argument(help="scenario file to write")],
    template: Annotated[
        str, typer.Option("--template", "-t", help="template name (genofab templates lists them)")
    ],
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing file")] = False,
) -> None:
    """Start a scenario from a template of the reference library."""
    from genofab.io.templates import write_template

    write_template(template, output, overwrite=force)
    sys.stdout.write(
        f"{output}: written from template '{template}'; check it with genofab validate {output}\n"
    )


@app.command()
@reports_errors
def serve(
    data: Annotated[
        Path, typer.Option("--data", help="folder of the SQLite database (created if missing)")
    ] = Path("genofab-data"),
    database: Annotated[
        str | None,
        typer.Option("--database", help="a postgresql:// URL instead of SQLite in --data"),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="load demo sponsors, users, scenarios and plans")
    ] = False,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="job worker threads (1 to 16)")] = 2,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="a Dask scheduler's address (tcp://host:8786) for Monte Carlo and sweep jobs",
        ),
    ] = None,
) -> None:
    """Start the workbench: REST API and pages over stored, versioned scenarios, plans and
    runs (migrations applied at start)."""
    from genofab.views.api.serve import serve as run_server

    run_server(data, database, demo, host, port, workers, dask)


app.command(name="schedule")(reports_errors(_schedule_command))


def _parse_range(scenario: Any, vary: str) -> tuple[str, float, float]:
    """``PATH=LOW..HIGH`` with the ends read as the parameter reads its values (units allowed)."""
    from pydantic_core import PydanticCustomError

    from genofab.errors import UsageError

    path, _, span = vary.partition("=")
    low_text, _, high_text = span.partition("..")
    if not path or not low_text or not high_text:
        raise UsageError(f"--vary takes PATH=LOW..HIGH, got '{vary}'")
    _, spec = scenario.parameter(path.strip())
    ends = []
    for text in (low_text.strip(), high_text.strip()):
        try:
            ends.append(spec.parse(text).value if spec is not None else float(text))
        except (PydanticCustomError, ValueError) as error:
            message = error.message() if isinstance(error, PydanticCustomError) else str(error)
            raise UsageError(f"--vary {path}: {message}") from None
    return path.strip(), ends[0], ends[1]


def _run_outlook(file: Path, output_format: OutputFormat, samples: int | None, seed: int) -> bool:
    """Run ``file`` if it is an outlook or a network (and say so); False for any other."""
    from genofab.results.outlook import OutlookResult
    from genofab.views.outlook_command import run_planning_file

    result = run_planning_file(file, samples, seed)
    if result is None:
        return False
    if output_format is OutputFormat.JSON:
        _print_json(result.to_json_dict())
        return True
    from genofab.views.console import make_console
    from genofab.views.network_console import render_network
    from genofab.views.outlook_console import render_outlook

    if isinstance(result, OutlookResult):
        render_outlook(result, make_console())
    else:
        render_network(result, make_console())
    return True


def _report_outlook(file: Path, output: Path, stem: str, samples: int | None, seed: int) -> bool:
    """Write the report of ``file`` if it is an outlook or a network; False for any other."""
    from genofab.views.outlook_command import run_planning_file

    result = run_planning_file(file, samples, seed)
    if result is None:
        return False
    from genofab.views.reports.outlook_report import write_outlook_report

    for path in write_outlook_report(result, output, stem):
        sys.stdout.write(f"{output / path}\n")
    return True


def load_with_origin(file: Path) -> Any:
    from genofab.io.scenario_file import load_scenario
    from genofab.results.run import ScenarioInfo

    loaded = load_scenario(file)
    return loaded, ScenarioInfo(name=loaded.scenario.name, file=loaded.path, sha256=loaded.sha256)


def load_deliverable(file: Path) -> Any:
    """The loaded scenario and its origin, once its lot and facility are known to deliver:
    the one gate of every command that computes from a scenario (run, report, scale,
    sensitivity, sweep, compare)."""
    loaded, result = _evaluate(file)
    return loaded, result.scenario


def _evaluate(file: Path) -> Any:
    """The loaded scenario and its run; a lot or facility that cannot deliver is reported at
    its field in the file."""
    from genofab.service.checks import evaluate_loaded

    loaded, _ = load_with_origin(file)
    return loaded, evaluate_loaded(loaded)


def _run_chain(
    file: Path,
    output_format: OutputFormat,
    samples: int | None = None,
    seed: int = 1,
    force: bool = False,
    scheduler: str | None = None,
    progress: bool = False,
) -> None:
    """``run`` on a chain file: the therapy's figures, then each stage's; with --samples,
    the spread of the therapy's figures over a Monte Carlo of every stage."""
    from genofab.views.chain_command import chain_spread, evaluate_chain_file
    from genofab.views.console import make_console

    loaded, result = evaluate_chain_file(file)
    if samples is not None and samples != 0:
        spread = chain_spread(loaded, result, samples, seed, force, scheduler, progress)
        if output_format is OutputFormat.JSON:
            _print_json(spread.run_json(result.to_json_dict()))
            return
        from genofab.views.chain_console import render_chain_monte_carlo

        render_chain_monte_carlo(spread, make_console())
        return
    headline = None
    if samples is None:  # the headline leads with the spread when a stage is uncertain
        from genofab.engines.uncertainty.headline_spread import chain_headline_spread

        headline = chain_headline_spread(loaded.chain)
    if output_format is OutputFormat.JSON:
        data = result.to_json_dict()
        if headline is not None:
            data = {"headline_spread": headline.model_dump(mode="json"), **data}
        _print_json(data)
        return
    from genofab.views.chain_console import render_chain

    console = make_console()
    if headline is not None:
        from genofab.views.uncertainty_tables import render_headline_spread

        render_headline_spread(headline, console, result.chain.name)
    render_chain(result, console)


def list_written(folder: Path, written: list[Path]) -> None:
    """Say on stderr which files were written (stdout keeps the result)."""
    for path in written:
        sys.stderr.write(f"{folder / path}\n")


def show(result: Any, output_format: OutputFormat, render: Callable[[Any, Any], None]) -> None:
    """A result as JSON, or rendered as tables."""
    if output_format is OutputFormat.JSON:
        _print_json(result.model_dump(mode="json"))
        return
    from genofab.views.console import make_console

    render(result, make_console())


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


# the uncertainty commands (sensitivity, sweep) register on the same app
from genofab.views import cli_uncertainty  # noqa: E402
from genofab.views.records_cli import records_app  # noqa: E402

app.add_typer(records_app, name="records")

__all__ = ["app", "cli_uncertainty", "main"]


def main() -> None:
    """Entry point of the ``genofab`` console script."""
    app()
