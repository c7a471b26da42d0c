"""Run one call in another Python process (on another core), whatever the caller's script.

multiprocessing's ``spawn`` start method runs the caller's main script again in the child:
a script that calls the engine without ``if __name__ == "__main__":`` would start itself
again and the pool would break. Here the child is ``python -m`` this module: it reads the
pickled call on its standard input, writes the pickled result on its standard output
(anything the call prints goes to standard error), and imports nothing of the caller's but
its ``sys.path``. When the child cannot start or fails, :meth:`Pending.result` is None and
the caller makes the call itself: the same result, later.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: Seconds the child may take beyond the caller's deadline (start-up, pickling) before it is
#: stopped and its result given up.
GRACE = 10.0


@dataclass(frozen=True)
class Done(Generic[T]):
    """What the call returned (None included)."""

    value: T


class Pending(Generic[T]):
    """A call running in another process."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._output: bytes | None = None
        self._process: subprocess.Popen[bytes] | None = None
        try:
            payload = pickle.dumps(call, protocol=pickle.HIGHEST_PROTOCOL)
            if not sys.executable:
                raise OSError("no Python executable to start")
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=_environment(),
            )
        except (OSError, pickle.PicklingError, AttributeError, TypeError):
            self._thread = None
            return
        # the payload can exceed a pipe's buffer: written while the caller goes on
        self._thread = threading.Thread(target=self._talk, args=(payload,), daemon=True)
        self._thread.start()

    def _talk(self, payload: bytes) -> None:
        assert self._process is not None
        try:
            output, _ = self._process.communicate(payload)
        except (OSError, ValueError):
            return
        if self._process.returncode == 0:
            self._output = output

    def result(self, deadline: float) -> Done[T] | None:
        """What the call returned; None when the child could not start, failed, or had not
        finished ``GRACE`` seconds after ``deadline`` (a ``time.perf_counter`` time)."""
        if self._thread is None or self._process is None:
            return None
        self._thread.join(max(0.0, deadline + GRACE - time.perf_counter()))
        if self._thread.is_alive():
            self._process.kill()
            self._thread.join()
            return None
        if self._output is None:
            return None
        try:
            value: T = pickle.loads(self._output)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return Done(value)


class Beside(Generic[T]):
    """A call made in another process while the caller goes on; made here when its result
    is asked for if the other process failed."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call
        self._pending = Pending(call)

    def result(self, deadline: float) -> T:
        """The call's result (waiting for the other process until ``GRACE`` seconds after
        ``deadline``, a ``time.perf_counter`` time, before making the call here)."""
        done = self._pending.result(deadline)
        return done.value if done is not None else self._call()


def _environment() -> dict[str, str]:
    """The caller's environment, with its module search path (a script may have added to
    it) so that the child imports the same genofab."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    return environment


def _main() -> None:
    result_stream = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the call prints must not corrupt the result
    call = pickle.load(sys.stdin.buffer)
    pickle.dump(call(), result_stream, protocol=pickle.HIGHEST_PROTOCOL)
    result_stream.close()


if __name__ == "__main__":
    _main()
