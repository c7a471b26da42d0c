"""What the uncertainty commands share: checking their options, choosing where chunks run
(in this process, or on a Dask cluster), and writing raw samples."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from genofab.engines.uncertainty.executors import ClusterExecutor, Executor, LocalDaskExecutor
from genofab.errors import SettingError, UsageError

#: The largest seed: a 64-bit unsigned whole number, as every random generator takes.
MAX_SEED = 2**64 - 1


def check_seed(seed: int) -> None:
    """A seed is a whole number from 0 to :data:`MAX_SEED` (SeedSequence takes no negative
    entropy)."""
    if not 0 <= seed <= MAX_SEED:
        raise SettingError("seed", f"must be a whole number from 0 to {MAX_SEED:,}, got {seed}")


@contextmanager
def executor_for(scheduler: str | None) -> Iterator[Executor]:
    """Dask's threaded scheduler in this process, or the Dask cluster at ``scheduler``
    (its client closed afterwards)."""
    if not scheduler:
        yield LocalDaskExecutor()
        return
    from genofab.engines.uncertainty.executors import connect

    client = connect(scheduler)
    try:
        yield ClusterExecutor(client)
    finally:
        client.close()


@contextmanager
def raw_writer(
    raw: Path | None, metadata: dict[str, str]
) -> Iterator[Callable[[Any], None] | None]:
    """A writer of raw samples to ``raw`` (Parquet), or None."""
    if raw is None:
        yield None
        return
    from genofab.io.samples import parquet_samples

    with ExitStack() as stack:
        yield stack.enter_context(parquet_samples(raw, metadata))


def raw_metadata(loaded: Any, samples: int, seed: int) -> dict[str, str]:
    """What a raw-samples file records about itself: the run, units and status codes."""
    import json

    from genofab import __version__
    from genofab.engines.uncertainty.outputs import NO_ROOM_TIME, headline_outputs, status_reason
    from genofab.engines.uncertainty.sampling import sampling_plan

    scenario = loaded.scenario
    units = {item.path: item.unit for item in sampling_plan(scenario).inputs}
    units.update({output.name: output.unit for output in headline_outputs(scenario)})
    return {
        "genofab_version": __version__,
        "scenario": loaded.path,
        "sha256": loaded.sha256,
        "samples": str(samples),
        "seed": str(seed),
        "units": json.dumps(units, ensure_ascii=False),
        "status": json.dumps({code: status_reason(code) for code in range(NO_ROOM_TIME + 1)}),
        "note": "inputs as drawn in their base unit (money in its own currency); results NaN"
        " where status is not 0",
    }


def parse_sets(scenario: Any, sets: list[str]) -> dict[str, list[float]]:
    """``--set PATH=V1,V2,...`` options as {path: values in base units}. Values are read as the
    field reads them (units allowed, in the parameter's own unit and currency); a path that
    does not exist is refused with the closest one suggested."""
    from genofab.service.sweeps import parse_grid

    entries: dict[str, list[str]] = {}
    for text in sets:
        path, equals, listed = text.partition("=")
        path = path.strip()
        if not path or not equals or not listed.strip():
            raise UsageError(f"--set takes PATH=V1,V2,..., got '{text}'")
        if path in entries:
            raise UsageError(f"--set {path} is given twice: list all its values in one --set")
        entries[path] = listed.split(",")
    return parse_grid(scenario, entries, "--set")


#: Samples of a report's Monte Carlo when none are asked for.
REPORT_SAMPLES = 10_000


def report_uncertainty(
    scenario: Any,
    samples: int | None,
    seed: int,
    force: bool,
    scheduler: str | None,
    origin: Any,
    demand: float | None = None,
    progress: bool = False,
) -> Any:
    """What a report shows of the spread (None for a scenario with nothing uncertain and no
    --samples): the Monte Carlo, the tornado of the cost per dose (or of the patients a
    year), the key results that vary, and the yearly ``demand`` to mark; a progress bar on a
    terminal with ``progress``."""
    from genofab.engines.uncertainty.monte_carlo import check_samples, monte_carlo
    from genofab.engines.uncertainty.sampling import sampling_plan
    from genofab.engines.uncertainty.sensitivity import KEY_RESULTS, chosen_outputs, tornado
    from genofab.views.reports.report import Uncertainty

    uncertain = bool(sampling_plan(scenario).inputs)
    if samples is None and not uncertain:
        return None
    samples = REPORT_SAMPLES if samples is None else samples
    check_samples(samples, force)
    check_seed(seed)
    from genofab.views.progress import progress_bar

    with (
        executor_for(scheduler) as executor,
        progress_bar(samples, "report: samples", progress) as advance,
    ):
        spread = monte_carlo(
            scenario, samples, seed, origin=origin, executor=executor, progress=advance
        )
    chart = None
    if uncertain:
        main = "cogs_per_dose" if "cogs_per_dose" in spread.results else "patients_per_year"
        chart = tornado(scenario, chosen_outputs(scenario, [main]))[main]
    drawn = tuple(
        name
        for name in KEY_RESULTS
        if name in spread.results
        and (spread.results[name].sd or 0) > 0
        # one dose is one patient: the same histogram twice
        and not (name == "patients_per_lot" and _same(spread, "doses_per_lot", name))
    )
    return Uncertainty(spread=spread, tornado=chart, drawn=drawn, demand=demand)


def _same(spread: Any, a: str, b: str) -> bool:
    """Whether two results have the same distribution (same histogram and statistics)."""
    return (
        a in spread.results
        and spread.distributions.get(a) == spread.distributions.get(b)
        and spread.results[a] == spread.results[b]
    )
