"""Write a set of output files so that none is left half-written: each is written to a
temporary file in its folder first, and only when all are written are they renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_files_atomically(files: dict[Path, bytes]) -> None:
    """Write every ``path: content``; on any failure no new or partial file remains."""
    temporaries: list[tuple[str, Path]] = []
    try:
        umask = os.umask(0)
        os.umask(umask)
        for path, content in files.items():
            handle, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
            )
            temporaries.append((temporary, path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600 files; give the usual mode
        for temporary, path in temporaries:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in temporaries:
            Path(temporary).unlink(missing_ok=True)
        raise
