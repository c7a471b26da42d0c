"""Load a ``genofab/1`` scenario file: parse, validate, and report every problem at once.

Each problem names the file, line, column and field path, and the rule broken, e.g.
``lv.yaml:14:7: process.steps[3].step_yield: 1.4 is above 1``. Nothing is computed from a
file with problems.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from genofab.errors import Issue, ScenarioError, did_you_mean
from genofab.io.yaml_source import Location, YamlDocument, parse_yaml, read_yaml
from genofab.model.facility import Facility
from genofab.model.parameter import describe_value
from genofab.model.process import Process
from genofab.model.product import Product
from genofab.model.scenario import (
    DEFER_CROSS_CHECKS,
    Scenario,
    cross_section_problems,
    room_problems,
)

SectionT = TypeVar("SectionT", bound=BaseModel)


@dataclass(frozen=True)
class ScenarioFile:
    """A validated scenario and the file it came from (path and SHA-256 of its bytes)."""

    path: str
    sha256: str
    scenario: Scenario


def load_scenario(path: str | Path) -> ScenarioFile:
    """Read, parse and validate a scenario file; a :class:`ScenarioError` lists every problem."""
    return validate_document(read_yaml(path))


def parse_scenario(text: str | bytes, file: str = "<scenario>") -> ScenarioFile:
    """Validate scenario text (as from an upload) the same way as a file."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return validate_document(parse_yaml(raw, file))


def validate_document(document: YamlDocument) -> ScenarioFile:
    """Validate parsed YAML as a scenario, mapping every problem to its place in the file."""
    data = document.data
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Issue(
                    "",
                    "a scenario is a mapping of sections (format, name, product ...),"
                    f" got {describe_value(data)}",
                    1,
                    1,
                )
            ],
            document.file,
        )
    issues: list[Issue] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data, context={DEFER_CROSS_CHECKS: True})
    except ValidationError as error:
        issues += [_issue(item, document) for item in error.errors(include_url=False)]
    product = scenario.product if scenario else _section(Product, data.get("product"))
    process = scenario.process if scenario else _section(Process, data.get("process"))
    facility = scenario.facility if scenario else _section(Facility, data.get("facility"))
    cross = cross_section_problems(product, process, facility)
    if process is None or facility is None:
        cross += room_problems(*_raw_rooms(data))
    reported = {issue.path for issue in issues}
    for path, message in cross:
        if path in reported:
            continue
        line, column = document.position(_location(path))
        issues.append(Issue(path, message, line, column))
    if issues or scenario is None:
        raise ScenarioError(issues, document.file)
    return ScenarioFile(document.file, document.sha256, scenario)


def _raw_rooms(data: dict[str, Any]) -> tuple[list[object], list[str]]:
    """Step rooms and facility room kinds as written, for the room check of a file whose
    process or facility failed validation for other reasons."""
    process, facility = data.get("process"), data.get("facility")
    steps = process.get("steps") if isinstance(process, dict) else None
    rooms = facility.get("rooms") if isinstance(facility, dict) else None
    if not isinstance(steps, list) or not isinstance(rooms, list):
        return [], []
    written = [room.get("kind") for room in rooms if isinstance(room, dict)]
    kinds = [kind for kind in written if isinstance(kind, str)]
    if len(kinds) != len(written):
        return [], []
    return [step.get("room") if isinstance(step, dict) else None for step in steps], kinds


def _section(model: type[SectionT], data: object) -> SectionT | None:
    """A section validated on its own, so cross-section checks still run when another failed."""
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


def _issue(error: Any, document: YamlDocument) -> Issue:
    loc = _clean_location(tuple(error["loc"]), document.data)
    kind, message = error["type"], _message(error, loc, document.data)
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        loc = (*loc, error["ctx"]["discriminator"].strip("'"))
    path = _path(loc[:-1] if kind == "extra_forbidden" else loc)
    line, column = document.position(loc)
    return Issue(path, message, line, column)


def _message(error: Any, loc: Location, data: Any) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    given = error.get("input")
    if kind == "missing":
        return f"'{loc[-1]}' is required" if loc else "is required"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1], data)
        known = sorted(model.model_fields) if model else []
        suggestion = did_you_mean(str(loc[-1]), known)
        allowed = f"; allowed here: {', '.join(known)}" if known and not suggestion else ""
        return f"unknown field '{loc[-1]}'{suggestion}{allowed}"
    if kind == "union_tag_invalid":
        expected = [tag.strip(" '") for tag in ctx["expected_tags"].split(",")]
        suggestion = did_you_mean(str(ctx["tag"]), expected)
        return (
            f"unknown {ctx['discriminator'].strip(chr(39))} '{ctx['tag']}'{suggestion};"
            f" expected one of: {', '.join(expected)}"
        )
    if kind == "union_tag_not_found":
        return f"'{ctx['discriminator'].strip(chr(39))}' is required to tell what this is"
    if kind in {"literal_error", "enum"}:
        expected = [value.strip(" '") for value in ctx["expected"].replace(" or ", ",").split(",")]
        expected = [value for value in expected if value]
        suggestion = did_you_mean(str(given), expected)
        return f"'{given}' is not allowed{suggestion}; expected one of: {', '.join(expected)}"
    if kind == "string_pattern_mismatch":
        return f"'{given}' is not a valid name: use lower-case letters, digits and underscores"
    if kind in {"string_type", "model_type", "model_attributes_type", "tuple_type", "dict_type"}:
        wanted = {"string_type": "text"}.get(
            kind, "a list" if kind == "tuple_type" else "a mapping"
        )
        return f"expected {wanted}, got {describe_value(given)}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s), got none"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _clean_location(loc: tuple[Any, ...], data: Any) -> Location:
    """Drop the union tags pydantic inserts in locations, keeping keys present in the file."""
    kept: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        in_list = isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            kept.append(part)
            node = node[part]
        elif last or not isinstance(part, str) or not _looks_like_tag(part, node):
            kept.append(part)
            node = None
    return tuple(kept)


def _looks_like_tag(part: str, node: Any) -> bool:
    """A union tag is the value of the node's ``kind`` or ``rule`` (or pydantic's own label)."""
    if isinstance(node, dict) and part in {node.get("kind"), node.get("rule")}:
        return True
    return not part.isidentifier() or part.startswith(("function-", "model[", "lax-", "json-"))


def _path(loc: Location) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _location(path: str) -> Location:
    """``process.steps[3].room`` back to ``('process', 'steps', 3, 'room')``."""
    parts: list[str | int] = []
    for piece in path.split("."):
        name, *indices = piece.split("[")
        if name:
            parts.append(name)
        parts += [int(index.rstrip("]")) for index in indices]
    return tuple(parts)


def _model_at(loc: Location, data: Any) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (to suggest its field names)."""
    candidates: list[type[BaseModel]] = [Scenario]
    node = data
    for part in loc:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            continue
        model = _pick(candidates, node)
        field = model.model_fields.get(part) if model else None
        if field is None:
            return None
        node = node.get(part) if isinstance(node, dict) else None
        annotation = field.annotation
        if typing.get_origin(annotation) is tuple:
            annotation = typing.get_args(annotation)[0]
        candidates = _models_in(annotation)
    return _pick(candidates, node)


def _pick(candidates: list[type[BaseModel]], node: Any) -> type[BaseModel] | None:
    """The candidate whose ``kind`` or ``rule`` literal matches the mapping in the file."""
    if len(candidates) == 1:
        return candidates[0]
    if not isinstance(node, dict):
        return None
    for model in candidates:
        for key in ("kind", "rule"):
            field = model.model_fields.get(key)
            if field is not None and node.get(key) in typing.get_args(field.annotation):
                return model
    return None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if typing.get_origin(annotation) in {typing.Union, types.UnionType}:
        return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]
    return []
