"""Writing output files safely: whole or not at all, and never outside their folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from genofab.errors import OutputError


def usual_mode(folder: bool = False) -> int:
    """Permissions a new file (or folder) would get from the umask; temporary files and folders
    are created private and are given these before they are moved into place."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if folder else 0o666) & ~umask


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so no half-written file remains."""
    path = Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"cannot write '{path}': the folder '{path.parent}' does not exist")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, usual_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def staged_folder(directory: Path) -> Iterator[Path]:
    """A private staging folder next to ``directory``; when the block succeeds its files move
    into ``directory`` (created if missing), otherwise nothing is left anywhere."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"'{directory}' exists and is not a folder")
    parent = directory.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"cannot write into '{directory}': '{parent}' does not exist")
    staging = Path(tempfile.mkdtemp(prefix=".genofab-", dir=parent))
    try:
        yield staging
        _move_into(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into(staging: Path, directory: Path) -> None:
    files = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    if not directory.exists():
        for folder in [staging, *(path for path in staging.rglob("*") if path.is_dir())]:
            folder.chmod(usual_mode(folder=True))
        for file in files:
            (staging / file).chmod(usual_mode())
        os.replace(staging, directory)
        staging.mkdir()  # for the cleanup in staged_folder
        return
    root = directory.resolve()
    for relative in files:
        target = (root / relative).resolve()
        if root not in target.parents:
            raise OutputError(f"'{relative}' would be written outside '{directory}'")
        target.parent.mkdir(parents=True, exist_ok=True)
        (staging / relative).chmod(usual_mode())
        os.replace(staging / relative, target)
