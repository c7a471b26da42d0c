"""Progress of long runs (a bar for samples, the best value and bound of a solve), on
stderr, only when the output goes to a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def progress_bar(total: int, label: str, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """A function to call with each amount of work done (samples, points); it draws a rich
    progress bar only when stdout and stderr are terminals and ``enabled``."""
    if not (enabled and on_terminal()):
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.advance(task, done)


def on_terminal() -> bool:
    """Whether stdout and stderr are both terminals (progress would not spoil piped output)."""
    return sys.stdout.isatty() and sys.stderr.isatty()


def solve_line(report: Any) -> str:
    """One line of a solve's progress: the stage done, the best value, the bound, the gap."""
    from genofab.views.console import number

    unit = f" {report.unit}" if report.unit else ""
    line = f"{report.stage}: best {number(report.value)}{unit}, bound {number(report.bound)}{unit}"
    if report.value is not None and report.bound is not None:
        spread = abs(report.value - report.bound)
        largest = max(abs(report.value), abs(report.bound))
        line += f", gap {spread / largest if largest else 0.0:.1%}"
    return line


@contextmanager
def solve_progress(time_limit: float, enabled: bool = True) -> Iterator[Callable[[Any], None]]:
    """A function to call with each progress report of a solve (stage, best value, bound,
    seconds): it shows the latest on stderr, against the time limit, only on a terminal."""
    if not (enabled and on_terminal()):
        yield lambda report: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("solving", total=time_limit)

        def show(report: Any) -> None:
            bar.update(
                task, completed=min(report.seconds, time_limit), description=solve_line(report)
            )

        yield show
