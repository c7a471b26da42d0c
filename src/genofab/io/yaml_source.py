"""Read a YAML file safely and remember where every key and item stands in it.

Three passes, each bounded:

1. the raw bytes: at most 10 MiB, UTF-8 (a byte-order mark is accepted), no NUL byte;
2. the event stream (no tree is built yet): at most ``MAX_NODES`` values nested at most
   ``MAX_DEPTH`` deep; explicit tags (``!!python/object``, ``!!binary``, ``!custom``) and merge
   keys (``<<``) are refused, so nothing is ever constructed from a tag;
3. the node tree (YAML 1.2: ``1e13`` is a number, ``NO`` is text), turned into plain Python
   data plus the line and column of every key and item, so validation errors can point at the
   file; a key given twice in a mapping is an error.

Both parses use ruamel.yaml's C parser when ruamel.yaml.clib is installed (ten times faster),
and its pure-Python parser otherwise.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genofab.errors import Issue, ScenarioError

MAX_BYTES = 10 * 1024 * 1024
#: Values a document may hold once aliases are followed (guards against "billion laughs").
MAX_NODES = 20_000
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
        """Line and column of the deepest part of ``location`` present in the file (the start
        of the document for the document itself)."""
        for end in range(len(location), 0, -1):
            found = self.positions.get(location[:end])
            if found:
                return found
        return (1, 1)


def read_yaml(path: str | Path) -> YamlDocument:
    """Read and parse ``path``, a regular file of at most ``MAX_BYTES`` (a device, FIFO or
    folder is refused without blocking); every problem becomes a :class:`ScenarioError`."""
    from genofab.io.files import InputFileError, read_regular_file

    name = str(path)
    try:
        raw = read_regular_file(path, MAX_BYTES)
    except InputFileError as error:
        raise _fail(name, f"cannot read the file: {error}") from None
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
    _check_events(text, file)
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=False)
    try:
        tree = yaml.compose(text)
        if tree is None:
            raise _fail(
                file,
                "the file is empty: it starts with its format ('format: genofab/1' for a"
                " scenario, 'format: genofab-plan/1' for a plan)",
            )
        positions: dict[Location, tuple[int, int]] = {}
        data = _plain(tree, (), positions, [MAX_NODES], file, yaml.constructor)
    except ScenarioError:
        raise
    except MarkedYAMLError as error:
        raise _marked(error, file, text) from None
    except ValueError as error:
        raise _fail(file, f"not valid YAML: {error}") from None
    except (YAMLError, TypeError, RecursionError) as error:
        raise _fail(file, f"not valid YAML: {error}") from None
    return YamlDocument(file, data, positions, hashlib.sha256(raw).hexdigest())


def _decode(raw: bytes, file: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(file, "the file is UTF-16: save it as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise _fail(file, f"the file holds a NUL byte at offset {nul}: not a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        bad = raw[error.start : error.end]
        hint = ""
        try:
            shown = bad.decode("cp1252")
            hint = f" ('{shown}' in Windows-1252 or Latin-1: save the file as UTF-8)"
        except UnicodeDecodeError:
            pass
        raise ScenarioError(
            [Issue("", f"not valid UTF-8 at byte {error.start}{hint}", line, None)], file
        ) from None


def _check_events(text: str, file: str) -> None:
    """Walk the event stream once: size, depth, tags and merge keys, before any tree exists."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        NodeEvent,
        ScalarEvent,
    )

    depth = nodes = 0
    try:
        for event in YAML(typ="safe", pure=False).parse(text):
            if isinstance(event, NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise _at(event, file, f"the document holds more than {MAX_NODES} values")
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _at(event, file, f"the document nests deeper than {MAX_DEPTH} levels")
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            explicit = implicit is False or (isinstance(implicit, tuple) and not any(implicit))
            if tag is not None and explicit and not isinstance(event, AliasEvent):
                raise _at(
                    event,
                    file,
                    f"not valid YAML here: the tag '{tag}' is not allowed"
                    " (tags construct objects; write plain values)",
                )
            plain = isinstance(event, ScalarEvent) and not event.style  # None, or '' from C
            if plain and event.value == "<<":
                raise _at(event, file, "merge keys (<<) are not supported: write the keys out")
    except MarkedYAMLError as error:
        raise _marked(error, file, text) from None
    except (YAMLError, RecursionError) as error:
        raise _fail(file, f"not valid YAML: {error}") from None


def _plain(
    node: Any,
    location: Location,
    out: dict[Location, tuple[int, int]],
    budget: list[int],
    file: str,
    constructor: Any,
) -> Any:
    """Plain Python data from a node tree, recording positions as it goes."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    budget[0] -= 1
    if budget[0] < 0:
        raise _fail(
            file,
            f"the document expands to more than {MAX_NODES} values"
            " (anchors and aliases nested too deep?)",
        )
    if isinstance(node, MappingNode):
        mapping: dict[Any, Any] = {}
        first: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _plain(key_node, (), {}, budget, file, constructor)
            if isinstance(key, dict | list):
                raise _at(key_node, file, "a mapping key must be a plain value")
            mark = key_node.start_mark
            if key in first:
                raise ScenarioError(
                    [
                        Issue(
                            "",
                            f"duplicate key '{key}' (first at line {first[key].line + 1}):"
                            " a key may appear once in a mapping",
                            mark.line + 1,
                            mark.column + 1,
                        )
                    ],
                    file,
                )
            first[key] = mark
            child = (*location, str(key))
            out.setdefault(child, (mark.line + 1, mark.column + 1))
            mapping[key] = _plain(value_node, child, out, budget, file, constructor)
        return mapping
    if isinstance(node, SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            child = (*location, i)
            out.setdefault(child, (item.start_mark.line + 1, item.start_mark.column + 1))
            items.append(_plain(item, child, out, budget, file, constructor))
        return items
    try:
        _check_scalar(node)
        value = constructor.construct_object(node)
        if isinstance(value, float) and math.isinf(value) and "inf" not in node.value.lower():
            raise _ScalarError(
                f"'{_short(node.value)}' is beyond the largest number a computer holds"
                " (about 1.8e308)"
            )
        return value
    except (ValueError, OverflowError) as error:
        message = error.args[0] if isinstance(error, _ScalarError) else _unreadable(node, error)
        mark = node.start_mark
        raise ScenarioError(
            [Issue(field_path(location), message, mark.line + 1, mark.column + 1)], file
        ) from None


class _ScalarError(ValueError):
    """A scalar genofab refuses to read; the message says why."""


def field_path(location: Location) -> str:
    """``('process', 'steps', 3, 'room')`` as ``process.steps[3].room``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


#: Numbers as genofab reads them: decimal only (YAML 1.2 would read 0x10 as 16, 0o10 as 8).
_DECIMAL_INT = re.compile(r"^[-+]?[0-9]+$")
_DECIMAL_FLOAT = re.compile(
    r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"
)
#: Characters that are invisible or control a terminal, refused in any text of a file: they
#: make two names that look the same differ (or hide what a name says).
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_ALLOWED_CONTROLS = {"\t", "\n"}


def _check_scalar(node: Any) -> None:
    """Refuse numbers not written in decimal and text holding invisible characters."""
    from ruamel.yaml.nodes import ScalarNode

    if not isinstance(node, ScalarNode):
        return
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:int" and not _DECIMAL_INT.match(value):
        raise _ScalarError(
            f"'{_short(value)}' is not a decimal number: write numbers in decimal"
            " (0x10 is 16, 0o10 is 8)"
        )
    if tag == "tag:yaml.org,2002:float" and not _DECIMAL_FLOAT.match(value):
        raise _ScalarError(f"'{_short(value)}' is not a decimal number: write it like 1.5e7")
    if tag == "tag:yaml.org,2002:str":
        for character in value:
            if character in _ALLOWED_CONTROLS:
                continue
            if unicodedata.category(character) in _INVISIBLE_CATEGORIES:
                name = unicodedata.name(character, "a control character")
                raise _ScalarError(
                    f"the text holds an invisible or control character, U+{ord(character):04X}"
                    f" ({name}): remove it (names and text take visible characters only)"
                )


def _unreadable(node: Any, error: Exception) -> str:
    """Why a scalar could not be read: too many digits, an impossible date ..."""
    value = str(getattr(node, "value", ""))
    if "digits" in str(error) or isinstance(error, OverflowError):
        return f"a number has too many digits ({len(value)} characters; at most 4300 digits)"
    if node.tag == "tag:yaml.org,2002:timestamp":
        return f"'{_short(value)}' is not a valid date ({error}): write dates as YYYY-MM-DD"
    return f"cannot read '{_short(value)}': {error}"


def _short(text: str, limit: int = 40) -> str:
    """Text shortened for a message (a file's 5,000-digit number is not echoed whole)."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _marked(error: Any, file: str, text: str = "") -> ScenarioError:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    problem = str(error.problem or "")
    if mark is not None and _tab_near(text, mark.line, mark.column):
        return ScenarioError(
            [
                Issue(
                    "",
                    "a tab character where YAML needs spaces: indent with spaces only"
                    " (replace the tab)",
                    line,
                    column,
                )
            ],
            file,
        )
    if problem.startswith("found duplicate key"):
        key = problem.split('"')[1] if '"' in problem else "?"
        return ScenarioError(
            [Issue("", f"duplicate key '{key}': a key may appear once in a mapping", line, column)],
            file,
        )
    what = " ".join(part for part in (error.context, error.problem) if part)
    return ScenarioError([Issue("", f"not valid YAML: {what}", line, column)], file)


def _tab_near(text: str, line: int, column: int) -> bool:
    """Whether the error's place is a tab, or follows tabs in the line's indentation."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return False
    row = lines[line]
    indentation = row[: len(row) - len(row.lstrip(" \t"))]
    return "\t" in indentation or row[column : column + 1] == "\t"


def _at(event: Any, file: str, message: str) -> ScenarioError:
    """An error at an event's or a node's start."""
    mark = event.start_mark
    return ScenarioError([Issue("", message, mark.line + 1, mark.column + 1)], file)


def _fail(file: str, message: str) -> ScenarioError:
    return ScenarioError([Issue("", message)], file)
