"""Files one input file names by a relative path (a chain's stage scenarios, a plan's
scenarios): resolved against the naming file's folder and confined to it, so a file cannot
reach a file outside its own folder tree."""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def confined_reference(folder: Path, reference: str) -> tuple[Path | None, str | None]:
    """The file ``reference`` names inside ``folder`` (its folder tree), or ``(None, why)``:
    absolute, reaching outside the folder (``..`` or a link), missing or not a file."""
    written = PurePosixPath(reference.replace("\\", "/"))
    if written.is_absolute() or Path(reference).is_absolute() or ":" in written.parts[0]:
        return None, f"'{reference}' is absolute: name the file relative to this file's folder"
    root = folder.resolve()
    target = (root / Path(*written.parts)).resolve()
    if target != root and root not in target.parents:
        return None, f"'{reference}' is outside this file's folder ({root})"
    if not target.exists():
        return None, f"'{reference}' does not exist (looked for {target})"
    if not target.is_file():
        return None, f"'{reference}' is not a file"
    return target, None
