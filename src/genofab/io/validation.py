"""Turn pydantic validation errors into :class:`~genofab.errors.Issue` objects that name the
file position, the field path as written (``process.steps[3].step_yield``) and the rule broken,
with "did you mean" suggestions for unknown keys and kinds. Used by every file loader."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from genofab.errors import Issue, did_you_mean
from genofab.io.yaml_source import Location, YamlDocument, field_path
from genofab.model.parameter import describe_value


def validation_issues(
    error: ValidationError, document: YamlDocument, root: type[BaseModel]
) -> list[Issue]:
    """One issue per pydantic error of ``root`` validated from ``document.data``."""
    return [_issue(item, document, root) for item in error.errors(include_url=False)]


RootT = typing.TypeVar("RootT", bound=BaseModel)


def validate_root(
    document: YamlDocument,
    root: type[RootT],
    problems: typing.Callable[[RootT], list[tuple[str, str]]],
    what: str,
    fields: str = "format, name ...",
) -> tuple[RootT | None, list[Issue]]:
    """Validate ``document`` as ``root`` with its spanning checks deferred, then run them:
    the model (None if it did not validate) and every issue, each placed in the file.
    ``what`` and ``fields`` name the document when it is not a mapping ("a plan", "format,
    name, products ...")."""
    from genofab.model.base import DEFER_CHECKS

    data = document.data
    if not isinstance(data, dict):
        return None, [
            Issue("", f"{what} is a mapping ({fields}), got {describe_value(data)}", 1, 1)
        ]
    try:
        model = root.model_validate(data, context={DEFER_CHECKS: True})
    except ValidationError as error:
        return None, validation_issues(error, document, root)
    return model, [issue_at(document, path, message) for path, message in problems(model)]


def issue_at(document: YamlDocument, path: str, message: str) -> Issue:
    """An issue for a dotted ``path`` such as ``process.steps[3].room``, placed in the file."""
    line, column = document.position(location(path))
    return Issue(path, message, line, column)


def _issue(error: Any, document: YamlDocument, root: type[BaseModel]) -> Issue:
    loc = _clean_location(tuple(error["loc"]), document.data)
    kind, message = error["type"], _message(error, loc, document.data, root)
    subpath = (error.get("ctx") or {}).get("subpath")
    if isinstance(subpath, str):  # a problem below the field (in a quantity's uncertainty)
        loc = (*loc, *location(subpath))
        message = message.removeprefix(f"{subpath}: ")
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        loc = (*loc, error["ctx"]["discriminator"].strip("'"))
    path = field_path(loc[:-1] if kind == "extra_forbidden" else loc)
    line, column = document.position(loc)
    return Issue(path, message, line, column)


def _message(error: Any, loc: Location, data: Any, root: type[BaseModel]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    given = error.get("input")
    if kind == "missing":
        return f"'{loc[-1]}' is required" if loc else "is required"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1], data, root)
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


def location(path: str) -> Location:
    """``process.steps[3].room`` back to ``('process', 'steps', 3, 'room')``."""
    parts: list[str | int] = []
    for piece in path.split("."):
        name, *indices = piece.split("[")
        if name:
            parts.append(name)
        parts += [int(index.rstrip("]")) for index in indices]
    return tuple(parts)


def _model_at(loc: Location, data: Any, root: type[BaseModel]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (to suggest its field names)."""
    candidates: list[type[BaseModel]] = [root]
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
