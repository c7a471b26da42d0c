"""Reading input files and writing output files safely.

Inputs are read only from regular files, at most a size limit, never blocking on a FIFO or
a device. Outputs appear whole or not at all: a file through a temporary file beside it, a
folder through a staging folder beside it that replaces the old folder in two renames, under
a lock so two runs never write the same folder. Nothing here changes process-wide state (no
umask juggling), so it is safe under threads.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from genofab.errors import OutputError

#: The hidden work folder of an output folder ``NAME`` is ``.genofab-NAME`` beside it: it holds
#: the lock, the staging folder (``new``) and, for an instant, the old folder (``old``).
WORK_PREFIX = ".genofab-"


class InputFileError(OSError):
    """A path that is not a regular file genofab can read (a device, FIFO, socket or folder),
    or one larger than the limit; the message says which."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ('a folder', 'a FIFO (named pipe)' ...)."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (symbolic links followed), at most ``limit``.

    Opened without blocking (a FIFO would otherwise wait forever for a writer) and checked
    on the open descriptor, so what is read is what was checked. Raises
    :class:`InputFileError` for anything else, or :class:`OSError` if it cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(
                f"it is {file_kind(info.st_mode)}, not a regular file: give a file saved on disk"
            )
        if info.st_size > limit:
            raise InputFileError(_too_large(info.st_size, limit))
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # grew while being read
            raise InputFileError(_too_large(total, limit))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _too_large(size: int, limit: int) -> str:
    return f"the file is {size / 2**20:.1f} MiB or more; the limit is {limit / 2**20:g} MiB"


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, so no half-written file
    remains; an existing folder, device, FIFO or link at ``path`` is never replaced."""
    path = Path(path)
    _check_replaceable(path)
    try:
        temporary = _new_temporary(path)
        try:
            with os.fdopen(temporary[0], "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary[1], path)
        except BaseException:
            temporary[1].unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputError(f"cannot write '{path}': {_reason(error)}") from None


def temporary_beside(path: Path) -> Path:
    """A new, empty temporary file next to ``path`` (hidden, with the permissions a new file
    gets), for a writer that replaces ``path`` with it when done; ``path`` is checked as
    :func:`write_text_atomically` checks it."""
    path = Path(path)
    _check_replaceable(path)
    try:
        descriptor, temporary = _new_temporary(path)
    except OSError as error:
        raise OutputError(f"cannot write '{path}': {_reason(error)}") from None
    os.close(descriptor)
    return temporary


def _check_replaceable(path: Path) -> None:
    if not path.parent.is_dir():
        raise OutputError(f"cannot write '{path}': the folder '{path.parent}' does not exist")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError(f"cannot write '{path}': {_reason(error)}") from None
    if stat.S_ISLNK(mode):
        raise OutputError(
            f"'{path}' is a symbolic link: genofab writes only regular files; give the"
            " file it points to, or another name"
        )
    if not stat.S_ISREG(mode):
        raise OutputError(
            f"'{path}' is {file_kind(mode)}: genofab replaces only regular files; give a file name"
        )


def _new_temporary(path: Path) -> tuple[int, Path]:
    """Create a hidden file beside ``path``; the kernel applies the umask to mode 0o666, as
    for any new file (so nobody needs to read or change the umask)."""
    for _ in range(100):
        temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def _reason(error: OSError) -> str:
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EISDIR: "it is a folder",
        errno.ENOTDIR: "a part of the path is not a folder",
    }
    return reasons.get(error.errno or 0, error.strerror or str(error))


@contextmanager
def staged_folder(directory: Path) -> Iterator[Path]:
    """A staging folder to write ``directory``'s new content into; when the block succeeds,
    the staging folder replaces ``directory`` whole, keeping the files of the old folder that
    the new one does not have (a user's notes stay; an output name is always the new file,
    whatever stood there). When the block fails, ``directory`` is left as it was.

    The staging folder and the old folder live in ``.genofab-NAME`` beside ``directory``
    with a lock file: a second run writing the same folder is refused, and what a killed run
    left there is cleaned (or, if it died between the two renames, the old folder restored).
    """
    given = Path(directory)
    directory = given.resolve()
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"'{given}' exists and is not a folder")
    if directory == Path(directory.anchor) or Path.cwd().resolve().is_relative_to(directory):
        raise OutputError(
            f"'{given}' is the current folder or holds it: write into a subfolder such as 'out'"
        )
    if not directory.parent.is_dir():
        raise OutputError(f"cannot write into '{given}': '{directory.parent}' does not exist")
    try:
        with _locked_work_folder(directory, given) as work:
            staging = work / "new"
            staging.mkdir()
            try:
                yield staging
            except OSError as error:
                raise OutputError(f"cannot write into '{given}': {_reason(error)}") from None
            _swap_in(staging, directory, work / "old")
    except OutputError:
        raise
    except OSError as error:
        raise OutputError(f"cannot write into '{given}': {_reason(error)}") from None


@contextmanager
def _locked_work_folder(directory: Path, given: Path) -> Iterator[Path]:
    """``.genofab-NAME`` beside ``directory``, locked for this run and cleaned of what a
    killed run left; removed afterwards."""
    import fcntl

    work = directory.parent / f"{WORK_PREFIX}{directory.name}"
    lock = work / "lock"
    while True:
        work.mkdir(exist_ok=True)
        try:
            descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileNotFoundError:  # another run removed the work folder just now
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise OutputError(
                f"another genofab run is writing '{given}': wait for it to finish, or choose"
                " another folder"
            ) from None
        try:
            current = os.stat(lock).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(descriptor).st_ino:
            break
        os.close(descriptor)  # locked a lock file another run has just removed: start again
    try:
        _recover(work, directory)
        yield work
    finally:
        _recover(work, directory)
        lock.unlink(missing_ok=True)
        with suppress(OSError):  # another run may have made it its own again
            work.rmdir()
        os.close(descriptor)


def _recover(work: Path, directory: Path) -> None:
    """Undo what a killed run left in ``work``: its old folder goes back if it never got a
    replacement; staging and old folders are removed."""
    old = work / "old"
    if old.is_dir() and not os.path.lexists(directory):
        os.rename(old, directory)
    for leftover in (work / "new", old):
        if os.path.lexists(leftover):
            shutil.rmtree(leftover)


def _swap_in(staging: Path, directory: Path, old: Path) -> None:
    """Replace ``directory`` by ``staging`` (kept files of the old folder linked in first)."""
    if not directory.exists():
        os.rename(staging, directory)
        return
    _keep_old_files(directory, staging)
    os.chmod(staging, stat.S_IMODE(os.stat(directory).st_mode))
    os.rename(directory, old)
    os.rename(staging, directory)
    shutil.rmtree(old)


def _keep_old_files(old: Path, new: Path) -> None:
    """Hard-link (or copy) into ``new`` each entry of ``old`` whose name ``new`` lacks;
    folders present in both are merged the same way."""
    for entry in os.scandir(old):
        target = new / entry.name
        if entry.is_dir(follow_symlinks=False):
            if not os.path.lexists(target):
                target.mkdir()
                os.chmod(target, stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode))
                _keep_old_files(Path(entry.path), target)
            elif target.is_dir() and not target.is_symlink():
                _keep_old_files(Path(entry.path), target)
            continue
        if os.path.lexists(target):
            continue  # the new output wins
        try:
            os.link(entry.path, target, follow_symlinks=False)
        except OSError:
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), target)
            else:
                shutil.copy2(entry.path, target, follow_symlinks=False)
