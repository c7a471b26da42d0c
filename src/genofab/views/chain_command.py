"""A chain file on the command line: ``run`` (and ``validate``) accept a ``genofab-chain/1``
file as they accept a scenario. Thin: load, evaluate each stage and the chain, render."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from genofab.errors import InfeasibleError

if TYPE_CHECKING:
    from genofab.io.chain_file import ChainFile
    from genofab.results.chain import ChainMonteCarloResult, ChainResult


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


def evaluate_chain_file(file: Path) -> tuple[ChainFile, ChainResult]:
    """The loaded chain and its run; a stage whose lot or facility cannot deliver is reported
    at its field in the stage's own file."""
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
    origin = ScenarioInfo(name=loaded.chain.name, file=loaded.path, sha256=loaded.sha256)
    return loaded, evaluate_chain(loaded.chain, stage_results, origin)


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
