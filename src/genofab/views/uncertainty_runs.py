"""What the uncertainty commands share: checking their options, choosing where chunks run
(in this process, or on a Dask cluster), and writing raw samples."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from genofab.engines.uncertainty.executors import ClusterExecutor, Executor, LocalDaskExecutor
from genofab.errors import UsageError

#: The seed when none is given (recorded in every output).
DEFAULT_SEED = 1


def check_seed(seed: int) -> None:
    """A seed is a non-negative whole number (SeedSequence takes no negative entropy)."""
    if seed < 0:
        raise UsageError(f"--seed must be a non-negative whole number, got {seed}")


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
