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
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: Seconds the child may take beyond the caller's deadline (start-up, pickling) before it is
#: stopped and its result given up.
GRACE = 10.0

#: Characters kept of the last line the child wrote on its standard error when it failed.
LAST_LINE = 300


@dataclass(frozen=True)
class Done(Generic[T]):
    """What the call returned (None included)."""

    value: T


class Pending(Generic[T]):
    """A call running in another process. ``failure`` says why its result is None (the child
    could not start or be sent the call, failed, or was stopped past its deadline). The child
    is stopped when the caller lets go of this object unfinished (an exception between
    starting it and asking for its result) or exits."""

    def __init__(self, call: Callable[[], T]) -> None:
        self.failure: str | None = None
        self._exchange = _Exchange()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        try:
            payload = pickle.dumps(call, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError) as error:
            self.failure = f"the call could not be sent to another process ({error})"
            return
        try:
            if not sys.executable:
                raise OSError("Python's executable is unknown")
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=_environment(),
            )
        except OSError as error:
            self.failure = f"another process could not start ({error})"
            return
        weakref.finalize(self, _stop, self._process)
        # the payload can exceed a pipe's buffer: written while the caller goes on (the
        # thread holds the process and the exchange, not this object, which may be let go)
        self._thread = threading.Thread(
            target=_talk, args=(self._process, payload, self._exchange), daemon=True
        )
        self._thread.start()

    def result(self, deadline: float) -> Done[T] | None:
        """What the call returned; None (and ``failure`` says why) when the child could not
        start, failed, or had not finished ``GRACE`` seconds after ``deadline`` (a
        ``time.perf_counter`` time)."""
        if self._thread is None or self._process is None:
            return None
        self._thread.join(max(0.0, deadline + GRACE - time.perf_counter()))
        if self._thread.is_alive():
            _stop(self._process)
            self._thread.join()
            self.failure = f"the other process had not finished {GRACE:g} s after its deadline"
            return None
        exchange = self._exchange
        if exchange.output is None:
            self.failure = exchange.failure or "the other process gave no result"
            return None
        try:
            value: T = pickle.loads(exchange.output)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
            self.failure = f"the other process's result could not be read ({error})"
            return None
        return Done(value)


class Beside(Generic[T]):
    """A call made in another process while the caller goes on; made here when its result
    is asked for if the other process failed (``fallback`` then says why)."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call
        self._pending = Pending(call)
        self.fallback: str | None = None

    def result(self, deadline: float) -> T:
        """The call's result (waiting for the other process until ``GRACE`` seconds after
        ``deadline``, a ``time.perf_counter`` time, before making the call here)."""
        done = self._pending.result(deadline)
        if done is not None:
            return done.value
        self.fallback = f"made in this process: {self._pending.failure}"
        return self._call()


@dataclass
class _Exchange:
    """What the child sent back: its pickled result, or why there is none."""

    output: bytes | None = None
    failure: str | None = None


def _talk(process: subprocess.Popen[bytes], payload: bytes, exchange: _Exchange) -> None:
    try:
        output, errors = process.communicate(payload)
    except (OSError, ValueError) as error:
        exchange.failure = f"the other process could not be reached ({error})"
        return
    if process.returncode == 0:
        exchange.output = output
        return
    lines = [line for line in errors.decode(errors="replace").splitlines() if line.strip()]
    last = f": {lines[-1].strip()[:LAST_LINE]}" if lines else ""
    exchange.failure = f"the other process exited with status {process.returncode}{last}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the child if it still runs."""
    if process.poll() is None:
        process.kill()


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
