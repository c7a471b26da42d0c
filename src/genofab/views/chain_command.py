"""A chain file on the command line: ``run`` (and ``validate``) accept a ``genofab-chain/1``
file as they accept a scenario. Thin: load, evaluate each stage and the chain, render."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from genofab.errors import InfeasibleError

if TYPE_CHECKING:
    from genofab.io.chain_file import ChainFile
    from genofab.model.chain import Chain
    from genofab.results.chain import ChainMonteCarloResult, ChainResult
    from genofab.results.compare import ComparisonResult
    from genofab.results.uncertainty import (
        ProbabilisticComparison,
        SensitivityResult,
        SweepResult,
    )


def is_chain_file(file: Path) -> bool:
    """Whether ``file`` declares the chain format (a file that cannot be read is not: the
    scenario loader then reports why)."""
    try:
        head = Path(file).read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return False
    return any(
        line.split("#", 1)[0].strip().replace('"', "").replace("'", "") == "format: genofab-chain/1"
        for line in head.splitlines()
    )


def evaluate_chain_file(
    file: Path, fixed: Mapping[str, Mapping[str, float]] | None = None
) -> tuple[ChainFile, ChainResult]:
    """The loaded chain and its run (with the parameters ``fixed`` sets, by stage); a stage
    whose lot or facility cannot deliver is reported at its field in the stage's own file."""
    from genofab.engines.chain import evaluate_chain
    from genofab.engines.run import evaluate
    from genofab.io.chain_file import load_chain
    from genofab.results.run import ScenarioInfo

    loaded = load_chain(file)
    stage_results = {}
    for stage in loaded.chain.stages:
        stage_file = loaded.stage_files[stage.name]
        origin = ScenarioInfo(
            name=stage.scenario.name, file=stage_file.path, sha256=stage_file.sha256
        )
        try:
            stage_results[stage.name] = evaluate(stage.scenario, origin)
        except InfeasibleError as error:
            raise stage_file.locate(error) from None
    name = loaded.chain.name
    values = None
    if fixed:
        from genofab.engines.uncertainty.chain import chain_values

        values = chain_values(loaded.chain, fixed)
        name += " with " + ", ".join(
            f"{stage}:{path} = {value:g}"
            for stage, paths in fixed.items()
            for path, value in paths.items()
        )
    origin = ScenarioInfo(name=name, file=loaded.path, sha256=loaded.sha256)
    return loaded, evaluate_chain(loaded.chain, stage_results, origin, values)


def chain_spread(
    loaded: ChainFile,
    result: ChainResult,
    samples: int,
    seed: int,
    force: bool = False,
    scheduler: str | None = None,
    progress: bool = False,
) -> ChainMonteCarloResult:
    """The chain's Monte Carlo, after checking the samples and the seed."""
    from genofab.engines.uncertainty.chain import chain_monte_carlo
    from genofab.engines.uncertainty.monte_carlo import check_samples
    from genofab.views.progress import progress_bar
    from genofab.views.uncertainty_runs import check_seed, executor_for

    check_samples(samples, force)
    check_seed(seed)
    with executor_for(scheduler) as executor, progress_bar(samples, "samples", progress) as advance:
        return chain_monte_carlo(
            loaded.chain,
            samples,
            seed,
            origin=result.chain,
            executor=executor,
            progress=advance,
        )


def parse_chain_sets(chain: Chain, sets: list[str]) -> dict[str, dict[str, list[float]]]:
    """``--set STAGE:PATH=V1,V2,...`` options of a chain as {stage: {path: values in base
    units}}, each value checked against its field's rules; an unknown stage or path is
    refused with what there is."""
    from genofab.errors import UsageError
    from genofab.views.uncertainty_runs import parse_sets

    names = [stage.name for stage in chain.stages]
    found: dict[str, dict[str, list[float]]] = {}
    for text in sets:
        target, equals, listed = text.partition("=")
        stage, colon, path = target.partition(":")
        stage, path = stage.strip(), path.strip()
        if not colon or not equals or not stage or not path:
            raise UsageError(f"--set takes STAGE:PATH=V1,V2,... for a chain file, got '{text}'")
        if stage not in names:
            raise UsageError(
                f"--set {text}: '{stage}' is not a stage of the chain (it has: {', '.join(names)})"
            )
        scenario = chain.stage(stage).scenario
        values = parse_sets(scenario, [f"{path}={listed}"])[path]
        scenario.check_values(path, values)
        if path in found.get(stage, {}):
            raise UsageError(f"--set {stage}:{path} is given twice: list all its values in one")
        found.setdefault(stage, {})[path] = values
    return found


def scale_stage(chain: Chain, stage: str | None) -> tuple[str, str]:
    """The stage ``scale`` varies on a chain (``--stage``, or the most upstream stage) and
    how it was chosen; an unknown stage is refused with what there is."""
    from genofab.engines.chain_scale import DEFAULT_STAGE_REASON, default_scale_stage
    from genofab.errors import UsageError

    if stage is None:
        return default_scale_stage(chain), DEFAULT_STAGE_REASON
    names = [s.name for s in chain.stages]
    if stage not in names:
        raise UsageError(
            f"--stage {stage}: '{stage}' is not a stage of the chain (it has: {', '.join(names)})"
        )
    return stage, "--stage"


def single_values(
    grid: dict[str, dict[str, list[float]]], command: str
) -> dict[str, dict[str, float]]:
    """The one value each ``--set`` gives (``compare`` sets, it does not sweep)."""
    from genofab.errors import UsageError

    for stage, paths in grid.items():
        for path, values in paths.items():
            if len(values) != 1:
                raise UsageError(
                    f"--set {stage}:{path} gives {len(values)} values; {command} takes one"
                    " (genofab sweep takes several)"
                )
    return {stage: {path: v[0] for path, v in paths.items()} for stage, paths in grid.items()}


def compare_chain_files(
    a: Path,
    b: Path,
    sets: list[str],
    samples: int | None,
    seed: int,
    force: bool = False,
) -> tuple[ComparisonResult, ProbabilisticComparison | None]:
    """Two chains side by side (B with ``--set`` values), and with ``samples`` the probability
    that B beats A on common random numbers; a chain against a scenario is refused."""
    from genofab.engines.compare import compare_chains
    from genofab.errors import UsageError

    for file, other in ((a, b), (b, a)):
        if not is_chain_file(other):
            raise UsageError(
                f"compare takes two scenarios or two chains: {file} is a chain"
                f" (genofab-chain/1) but {other} is not; compare {file} with a chain that has"
                f" {other} as a stage, or {file} with itself and --set"
            )
    loaded_a, run_a = evaluate_chain_file(a)
    loaded_b, _ = evaluate_chain_file(b)
    fixed = single_values(parse_chain_sets(loaded_b.chain, sets), "compare")
    _, run_b = evaluate_chain_file(b, fixed)
    comparison = compare_chains(run_a, run_b)
    if samples is None:
        return comparison, None
    from genofab.engines.uncertainty.chain_compare import compare_chain_spread
    from genofab.engines.uncertainty.monte_carlo import check_samples
    from genofab.views.uncertainty_runs import check_seed

    check_samples(samples, force)
    check_seed(seed)
    chances = compare_chain_spread(
        loaded_a.chain,
        loaded_b.chain,
        samples,
        seed,
        fixed_b=fixed,
        origin_a=run_a.chain,
        origin_b=run_b.chain,
    )
    return comparison, chances


def report_chain_file(
    file: Path,
    output: Path,
    stem: str,
    samples: int | None,
    seed: int,
    force: bool = False,
    scheduler: str | None = None,
    progress: bool = False,
) -> list[Path]:
    """The chain's report; with uncertain inputs in any stage (or ``samples``), the spread over
    a Monte Carlo of :data:`~genofab.views.uncertainty_runs.REPORT_SAMPLES` samples (or
    ``samples``)."""
    from genofab.engines.uncertainty.chain import chain_plans
    from genofab.views.reports.chain_report import write_chain_report
    from genofab.views.uncertainty_runs import REPORT_SAMPLES

    loaded, result = evaluate_chain_file(file)
    uncertain = any(plan.inputs for plan in chain_plans(loaded.chain).values())
    spread = None
    if samples is not None or uncertain:
        chosen = REPORT_SAMPLES if samples is None else samples
        spread = chain_spread(loaded, result, chosen, seed, force, scheduler, progress)
    return write_chain_report(result, output, stem, loaded.chain.description, spread)


def sensitivity_of_chain(
    file: Path, results: list[str] | None, samples: int, seed: int, sobol_samples: int = 1024
) -> SensitivityResult:
    """The chain's tornado, rank correlations and Sobol indices over every stage's
    distributions."""
    from genofab.engines.uncertainty.chain_sensitivity import chain_sensitivity

    loaded, result = evaluate_chain_file(file)
    return chain_sensitivity(
        loaded.chain,
        results=results,
        samples=samples,
        sobol_samples=sobol_samples,
        seed=seed,
        origin=result.chain,
    )


def sweep_of_chain(
    file: Path,
    sets: list[str],
    samples: int,
    seed: int,
    results: list[str] | None,
    force: bool = False,
    progress: bool = False,
) -> SweepResult:
    """The chain's Monte Carlo at every point of the ``--set STAGE:PATH=V1,V2`` grid."""
    from genofab.engines.uncertainty.chain_sweep import chain_grid_points, chain_sweep
    from genofab.engines.uncertainty.monte_carlo import check_samples
    from genofab.errors import UsageError
    from genofab.views.cli_uncertainty import MAX_SWEEP_SAMPLES
    from genofab.views.progress import progress_bar
    from genofab.views.uncertainty_runs import check_seed

    loaded, result = evaluate_chain_file(file)
    grid = parse_chain_sets(loaded.chain, sets)
    points = len(chain_grid_points(grid))
    check_samples(samples)
    if samples * points > MAX_SWEEP_SAMPLES and not force:
        raise UsageError(
            f"{points:,} points × {samples:,} samples is above the cap of"
            f" {MAX_SWEEP_SAMPLES:,} samples in all; add --force to run it"
        )
    check_seed(seed)
    with progress_bar(samples * points, "samples", progress) as advance:
        return chain_sweep(
            loaded.chain,
            grid,
            samples,
            seed,
            origin=result.chain,
            results=results,
            progress=advance,
        )
