"""Files that one file refers to by name (a plan's ``scenario:``, a chain's stage files):
confined to the referring file's folder, so a shared plan cannot make genofab read
``/etc/passwd`` or ``../../secret.yaml``, and reported without echoing what they hold.

Use :func:`referenced_path` to turn the reference into a path (or :func:`confined_reference`
for the path of an existing file, or why not), and :func:`referenced_problem` to word a
problem in the referenced file for the referring one.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from genofab.errors import GenofabError, ScenarioError


class FileReferenceError(GenofabError, ValueError):
    """A reference that leaves its folder or names nothing readable."""


def referenced_path(folder: Path, reference: str) -> Path:
    """The file ``reference`` names, relative to ``folder``: refused when it is absolute,
    climbs out with ``..``, or resolves (through symbolic links) outside ``folder``."""
    text = reference.strip()
    if not text:
        raise FileReferenceError("the file name is empty")
    if "\x00" in text:
        raise FileReferenceError("the file name holds a NUL character")
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() or text[:1] == "~":
        raise FileReferenceError(
            f"'{text}' is an absolute path: name a file in the same folder (or a subfolder)"
        )
    if ".." in PurePosixPath(text.replace("\\", "/")).parts:
        raise FileReferenceError(
            f"'{text}' climbs outside the folder with '..': name a file in the same folder"
            " (or a subfolder)"
        )
    root = folder.resolve()
    target = (root / text).resolve()
    if not target.is_relative_to(root):
        raise FileReferenceError(
            f"'{text}' leads outside the folder '{folder}' through a symbolic link: copy the"
            " file into the folder"
        )
    return root / text


def confined_reference(folder: Path, reference: str) -> tuple[Path | None, str | None]:
    """The existing file ``reference`` names inside ``folder`` (its folder tree), or
    ``(None, why)``: absolute, reaching outside the folder (``..`` or a link), missing or not
    a file."""
    try:
        path = referenced_path(folder, reference)
    except FileReferenceError as error:
        return None, str(error)
    target = path.resolve()
    if not target.exists():
        return None, f"'{reference}' does not exist (looked for {target})"
    if not target.is_file():
        return None, f"'{reference}' is not a file"
    return target, None


def referenced_problem(reference: str, error: GenofabError) -> str:
    """A problem in a referenced file, worded for the file that refers to it: where it is
    (line and field) and how to see it in full, never the referenced file's content."""
    if not isinstance(error, ScenarioError) or not error.issues:
        return f"'{reference}' cannot be used: run genofab validate on it to see why"
    first = error.issues[0]
    if first.line is None and not first.path:  # about the file as a whole (missing, too large)
        return f"'{reference}': {first.message}"
    where = f" at line {first.line}" if first.line is not None else ""
    field = f" ({first.path})" if first.path else ""
    count = len(error.issues)
    more = f" and {count - 1} more" if count > 1 else ""
    problems = "a problem" if count == 1 else f"{count} problems"
    return (
        f"'{reference}' has {problems}: the first{where}{field}{more};"
        f" run genofab validate on it to see them"
    )
