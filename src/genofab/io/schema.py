"""JSON Schema of the scenario format, and safe writing of small text outputs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from genofab.model.scenario import FORMAT, Scenario


def scenario_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a ``genofab/1`` scenario, for editors' YAML language servers."""
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://genofab.org/schema/{FORMAT.replace('/', '-')}.json"
    schema["title"] = f"genofab scenario ({FORMAT})"
    return schema


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so no half-written file remains."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600 files; give the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
