"""The uncertainty commands of the command line: ``genofab sensitivity`` and ``genofab sweep``
(``run --samples`` and ``compare --samples`` are in :mod:`genofab.views.cli`). Thin: read the
scenario, check the options, call an engine, show the result."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genofab.errors import UsageError
from genofab.views.cli import (
    ForceOption,
    FormatOption,
    OutputFormat,
    ProgressOption,
    ScenarioPath,
    SchedulerOption,
    SeedOption,
    app,
    list_written,
    load_deliverable,
    reports_errors,
    show,
)

#: The most samples a sweep takes in all (points × samples) without --force.
MAX_SWEEP_SAMPLES = 100_000_000


@app.command()
@reports_errors
def sensitivity(
    file: ScenarioPath,
    results: Annotated[
        list[str] | None,
        typer.Option(
            "--result", "-r", help="a result to analyse (repeatable); default: the key results"
        ),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", "-n", help="Monte Carlo samples for rank correlations")
    ] = 10_000,
    sobol_samples: Annotated[
        int, typer.Option("--sobol-samples", help="base samples N of the Sobol design (2^k)")
    ] = 1024,
    seed: SeedOption = 1,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="folder for the tornado charts")
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    scheduler: SchedulerOption = None,
    all_inputs: Annotated[
        bool,
        typer.Option(
            "--all-inputs",
            help="one-way over every numeric input, no distribution needed: each to its"
            " P10/P90 if it has an uncertainty, else its value ± --spread",
        ),
    ] = False,
    spread: Annotated[
        float,
        typer.Option("--spread", help="with --all-inputs: ± this % of an input's value"),
    ] = 20.0,
) -> None:
    """Which uncertain parameters drive each result: tornado (P10/P90, others at medians),
    Spearman rank correlations and Sobol indices (SALib); with --all-inputs, which of every
    numeric input drives it (one-way, ranked by swing)."""
    from genofab.engines.uncertainty.monte_carlo import check_samples
    from genofab.engines.uncertainty.sensitivity import one_way
    from genofab.engines.uncertainty.sensitivity import sensitivity as analyse
    from genofab.views.uncertainty_runs import check_seed, executor_for

    check_samples(samples)
    check_seed(seed)
    if not 0 < spread < 100:
        raise UsageError(f"--spread must be between 0 and 100 (%), got {spread:g}")
    from genofab.views.chain_command import is_chain_file, sensitivity_of_chain

    if is_chain_file(file):
        if all_inputs:
            raise UsageError(
                f"--all-inputs takes a scenario; {file} is a chain: run it on a stage's file, or"
                " drop --all-inputs for the chain's tornado over every stage's distributions"
            )
        chain_result = sensitivity_of_chain(file, results, samples, seed, sobol_samples)
        if output is not None:
            from genofab.views.reports.report import write_tornado_figures

            list_written(output, write_tornado_figures(chain_result, output))
        from genofab.views.uncertainty_tables import render_sensitivity

        show(chain_result, output_format, render_sensitivity)
        return
    loaded, origin = load_deliverable(file)
    if all_inputs:
        result = one_way(loaded.scenario, results=results, spread=spread / 100, origin=origin)
    else:
        with executor_for(scheduler) as executor:
            result = analyse(
                loaded.scenario,
                results=results,
                samples=samples,
                sobol_samples=sobol_samples,
                seed=seed,
                origin=origin,
                executor=executor,
            )
    from genofab.views.labels import display_units
    from genofab.views.uncertainty_tables import render_one_way, render_sensitivity

    units = display_units(loaded.scenario)
    if output is not None:
        from genofab.views.reports.report import write_tornado_figures

        list_written(output, write_tornado_figures(result, output, units))
    render = render_one_way if all_inputs else render_sensitivity
    show(result, output_format, lambda shown, console: render(shown, console, units))


@app.command()
@reports_errors
def sweep(
    file: ScenarioPath,
    sets: Annotated[
        list[str],
        typer.Option(
            "--set",
            help="PATH=V1,V2,... (repeatable: the grid is every combination), e.g."
            " 'process.steps[1].titer=1e7 TU/mL,2e7 TU/mL'",
        ),
    ],
    samples: Annotated[int, typer.Option("--samples", "-n", help="samples at each point")] = 10_000,
    seed: SeedOption = 1,
    results: Annotated[
        list[str] | None,
        typer.Option("--result", "-r", help="a result to show (repeatable); default: key results"),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="folder for the table (CSV) and plots")
    ] = None,
    output_format: FormatOption = OutputFormat.TABLE,
    force: ForceOption = False,
    scheduler: SchedulerOption = None,
    progress: ProgressOption = True,
) -> None:
    """A grid of parameter values, each point a full Monte Carlo (same seed at every point):
    the spread of the results and the probability of meeting demand at each."""
    from genofab.engines.uncertainty.monte_carlo import check_samples
    from genofab.engines.uncertainty.sensitivity import KEY_RESULTS, chosen_outputs
    from genofab.engines.uncertainty.sweep import grid_points
    from genofab.engines.uncertainty.sweep import sweep as run_sweep
    from genofab.views.chain_command import is_chain_file, sweep_of_chain
    from genofab.views.progress import progress_bar
    from genofab.views.uncertainty_runs import check_seed, executor_for, parse_sets

    if is_chain_file(file):
        chain_sweep_result = sweep_of_chain(file, sets, samples, seed, results, force, progress)
        if output is not None:
            from genofab.views.reports.report import write_sweep

            list_written(output, write_sweep(chain_sweep_result, output))
        from genofab.views.uncertainty_tables import render_sweep

        show(chain_sweep_result, output_format, render_sweep)
        return
    loaded, origin = load_deliverable(file)
    grid = parse_sets(loaded.scenario, sets)
    points = len(grid_points(loaded.scenario, grid))
    check_samples(samples)
    if samples * points > MAX_SWEEP_SAMPLES and not force:
        raise UsageError(
            f"{points:,} points × {samples:,} samples is above the cap of"
            f" {MAX_SWEEP_SAMPLES:,} samples in all; add --force to run it"
        )
    check_seed(seed)
    shown = [output.name for output in chosen_outputs(loaded.scenario, results)]
    with (
        executor_for(scheduler) as executor,
        progress_bar(samples * points, "samples", progress) as advance,
    ):
        result = run_sweep(
            loaded.scenario,
            grid,
            samples,
            seed,
            origin=origin,
            results=shown or list(KEY_RESULTS),
            executor=executor,
            progress=advance,
        )
    if output is not None:
        from genofab.views.reports.report import write_sweep

        list_written(output, write_sweep(result, output))
    from genofab.views.uncertainty_tables import render_sweep

    show(result, output_format, render_sweep)
