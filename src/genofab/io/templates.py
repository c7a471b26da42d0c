"""The reference library: scenario templates shipped with genofab, to start a new scenario."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from genofab.errors import UsageError, did_you_mean
from genofab.io.files import write_text_atomically

_HEADER = "# genofab template '"


def templates() -> dict[str, str]:
    """Template names and their one-line titles, sorted by name."""
    found = {}
    for entry in resources.files("genofab.templates").iterdir():
        if entry.name.endswith(".yaml"):
            first = entry.read_text(encoding="utf-8").splitlines()[0]
            title = first.split("': ", 1)[1].rstrip(".") if first.startswith(_HEADER) else ""
            found[entry.name.removesuffix(".yaml")] = title
    return dict(sorted(found.items()))


def template_text(name: str) -> str:
    """The YAML text of template ``name``."""
    names = list(templates())
    if name not in names:
        raise UsageError(
            f"no template '{name}'{did_you_mean(name, names)};"
            f" the templates are: {', '.join(names)}"
        )
    return resources.files("genofab.templates").joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def write_template(name: str, target: Path, overwrite: bool = False) -> None:
    """Write template ``name`` to ``target`` (never over an existing file unless asked)."""
    text = template_text(name)
    if Path(target).exists() and not overwrite:
        raise UsageError(f"'{target}' exists: choose another file name, or pass --force")
    write_text_atomically(Path(target), text)
