"""The unit registry: built once, and never hiding a module from other threads."""

from __future__ import annotations

import subprocess
import sys

_WITH_A_THREAD = """
import sys, threading
from genofab.units import registry
stop = threading.Event()
worker = threading.Thread(target=stop.wait)
worker.start()
try:
    registry()
finally:
    stop.set()
    worker.join()
assert 'pint' in sys.modules
assert sys.modules.get('dask') is not None, 'dask was hidden while another thread ran'
"""


def test_pint_is_imported_as_it_is_while_other_threads_run() -> None:
    """Hiding dask from pint is a process-wide change: never done while another thread could
    import dask at the same time (it would get an ImportError)."""
    done = subprocess.run(
        [sys.executable, "-c", _WITH_A_THREAD], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
