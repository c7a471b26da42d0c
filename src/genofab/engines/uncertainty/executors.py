"""Where chunks of work run: in this process, or on Dask (its threaded scheduler in this
process, or an existing cluster through a ``distributed.Client``).

Every executor yields results in the order of the tasks, keeping only a few tasks in flight,
so a long run holds a bounded number of chunk results in memory and its statistics can be
merged in block order as they arrive.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

TaskT = TypeVar("TaskT")
ResultT = TypeVar("ResultT")


class Executor(Protocol):
    """Runs a function on each task and yields the results in task order."""

    def map(
        self, function: Callable[[TaskT], ResultT], tasks: Iterable[TaskT]
    ) -> Iterator[ResultT]:
        """``function(task)`` for each task, in order."""
        ...


class SerialExecutor:
    """One task after another, in this process."""

    name = "serial"

    def map(
        self, function: Callable[[TaskT], ResultT], tasks: Iterable[TaskT]
    ) -> Iterator[ResultT]:
        for task in tasks:
            yield function(task)


class LocalDaskExecutor:
    """Dask's threaded scheduler in this process (NumPy releases the GIL in its loops): no
    cluster, no extra process. Tasks go in windows of ``window``."""

    name = "dask-threads"

    def __init__(self, workers: int | None = None, window: int | None = None) -> None:
        import os

        self.workers = workers or os.cpu_count() or 1
        self.window = window or 2 * self.workers

    def map(
        self, function: Callable[[TaskT], ResultT], tasks: Iterable[TaskT]
    ) -> Iterator[ResultT]:
        import dask

        batch: list[TaskT] = []
        for task in tasks:
            batch.append(task)
            if len(batch) == self.window:
                yield from self._compute(dask, function, batch)
                batch = []
        if batch:
            yield from self._compute(dask, function, batch)

    def _compute(
        self, dask: Any, function: Callable[[TaskT], ResultT], batch: list[TaskT]
    ) -> list[ResultT]:
        delayed = [dask.delayed(function, pure=False)(task) for task in batch]
        return list(dask.compute(*delayed, scheduler="threads", num_workers=self.workers))


class ClusterExecutor:
    """A Dask cluster through a ``distributed.Client``: tasks are submitted as earlier ones
    finish (at most ``window`` in flight) and results are taken in task order."""

    name = "dask-cluster"

    def __init__(self, client: Any, window: int | None = None) -> None:
        self.client = client
        workers = len(client.scheduler_info().get("workers", {})) or 1
        self.window = window or 2 * workers

    def map(
        self, function: Callable[[TaskT], ResultT], tasks: Iterable[TaskT]
    ) -> Iterator[ResultT]:
        pending: deque[Any] = deque()
        for task in tasks:
            pending.append(self.client.submit(function, task, pure=False))
            if len(pending) >= self.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def connect(address: str) -> Any:
    """A ``distributed.Client`` for the scheduler at ``address`` (the ``cluster`` extra)."""
    from genofab.errors import SettingError, UsageError

    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - the cluster extra is part of dev
        raise SettingError(
            "scheduler", "needs Dask's distributed package: pip install 'genofab[cluster]'"
        ) from None
    try:
        return Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as error:
        raise UsageError(f"cannot reach the Dask scheduler at '{address}': {error}") from None
