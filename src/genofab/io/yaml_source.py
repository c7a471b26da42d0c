"""Read a YAML file safely and remember where every key and item stands in it.

ruamel.yaml's safe loader (YAML 1.2) builds plain Python data: no tags, no duplicate keys,
``1e13`` is a number and ``NO`` is text. A second, round-trip parse gives the line and
column of every mapping key and sequence item, so validation errors can point at the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genofab.errors import Issue, ScenarioError

MAX_BYTES = 10 * 1024 * 1024
#: Nodes a document may expand to once aliases are followed (guards against "billion laughs").
MAX_NODES = 200_000
MAX_DEPTH = 64

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data, the position of each key/item (1-based line and column), and a hash."""

    file: str
    data: Any
    positions: dict[Location, tuple[int, int]]
    sha256: str

    def position(self, location: Location) -> tuple[int | None, int | None]:
        """Line and column of the deepest part of ``location`` present in the file."""
        for end in range(len(location), 0, -1):
            found = self.positions.get(location[:end])
            if found:
                return found
        return (None, None)


def read_yaml(path: str | Path) -> YamlDocument:
    """Read and parse ``path``; every problem becomes a :class:`ScenarioError`."""
    name = str(path)
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise _fail(
                name, f"the file is {size / 2**20:.1f} MiB; the limit is {MAX_BYTES // 2**20} MiB"
            )
        raw = file.read_bytes()
    except OSError as error:
        raise _fail(name, f"cannot read the file: {error.strerror or error}") from None
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes, file: str = "<scenario>") -> YamlDocument:
    """Parse YAML bytes (UTF-8, optional BOM) into a :class:`YamlDocument`."""
    if len(raw) > MAX_BYTES:
        raise _fail(
            file,
            f"the document is {len(raw) / 2**20:.1f} MiB; the limit is {MAX_BYTES // 2**20} MiB",
        )
    text = _decode(raw, file)
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        data = YAML(typ="safe", pure=True).load(text)
        tree = YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        what = " ".join(part for part in (error.context, error.problem) if part)
        raise ScenarioError([Issue("", f"not valid YAML: {what}", line, column)], file) from None
    except YAMLError as error:
        raise _fail(file, f"not valid YAML: {error}") from None
    if data is None:
        raise _fail(file, "the file is empty: a scenario starts with 'format: genofab/1'")
    positions: dict[Location, tuple[int, int]] = {}
    _check_size(data, file)
    _collect_positions(tree, (), positions)
    return YamlDocument(file, data, positions, hashlib.sha256(raw).hexdigest())


def _decode(raw: bytes, file: str) -> str:
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise _fail(file, f"the file holds a NUL byte at offset {nul}: not a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        hint = ""
        try:
            raw.decode("cp1252")
            hint = " (it looks like Windows-1252 or Latin-1: save it as UTF-8)"
        except UnicodeDecodeError:
            pass
        raise _fail(file, f"not valid UTF-8 at byte {error.start}{hint}") from None


def _check_size(data: Any, file: str) -> None:
    """Refuse documents that expand too far through aliases, or nest too deep."""
    budget = [MAX_NODES]

    def visit(node: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _fail(file, f"the document nests deeper than {MAX_DEPTH} levels")
        budget[0] -= 1
        if budget[0] < 0:
            raise _fail(
                file,
                f"the document expands to more than {MAX_NODES} values"
                " (anchors and aliases nested too deep?)",
            )
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        for child in children:
            visit(child, depth + 1)

    visit(data, 0)


def _collect_positions(node: Any, location: Location, out: dict[Location, tuple[int, int]]) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        for key, value in node.items():
            line, column = node.lc.key(key)
            child = (*location, str(key))
            if child not in out:
                out[child] = (line + 1, column + 1)
                _collect_positions(value, child, out)
    elif isinstance(node, CommentedSeq):
        for i, value in enumerate(node):
            line, column = node.lc.item(i)
            child = (*location, i)
            if child not in out:
                out[child] = (line + 1, column + 1)
                _collect_positions(value, child, out)


def _fail(file: str, message: str) -> ScenarioError:
    return ScenarioError([Issue("", message)], file)
