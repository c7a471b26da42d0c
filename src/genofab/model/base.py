"""Shared configuration of the scenario models: immutable, strict, no unknown keys."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
)

#: Validate with ``context={DEFER_CHECKS: True}`` when the caller runs the checks that span
#: items or sections itself (the file loader does, to place every problem in the file).
DEFER_CHECKS = "defer_checks"

Problems = list[tuple[str, str]]


def deferred(info: ValidationInfo) -> bool:
    """Whether the caller runs the spanning checks itself (see :data:`DEFER_CHECKS`)."""
    return bool(info.context and info.context.get(DEFER_CHECKS))


def repeat_problems(names: list[str], list_path: str, field: str) -> Problems:
    """Items of a list that repeat an earlier item's ``field``, e.g.
    ``("process.steps[3].name", "repeats the name 'x' of steps[1]")``."""
    label = list_path.rsplit(".", 1)[-1]
    problems: Problems = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            problems.append(
                (
                    f"{list_path}[{i}].{field}",
                    f"repeats the {field} '{name}' of {label}[{seen[name]}]",
                )
            )
        seen.setdefault(name, i)
    return problems


def raise_problems(problems: Problems) -> None:
    """Raise one ValueError naming every (path, message) problem, if there are any."""
    if problems:
        raise ValueError("; ".join(f"{path}: {message}" for path, message in problems))


class Frozen(BaseModel):
    """Base of every scenario model: frozen (hashable, picklable), unknown keys refused.

    Pydantic's lax mode is kept for enums; it never turns numbers into text, and every
    numeric field is parsed by :mod:`genofab.model.parameter`, which refuses booleans.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


#: A short machine name such as ``production_suite``: lower case, digits and underscores.
Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
    Field(description="lower-case name: letters, digits and underscores, e.g. production_suite"),
]

_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _visible(text: str) -> str:
    """Refuse control characters and bidirectional overrides: they hide what a name says."""
    found = _INVISIBLE.search(text)
    if found:
        raise ValueError(
            f"contains the invisible character U+{ord(found.group()):04X} at position"
            f" {found.start()}: write plain text"
        )
    return text


#: Human text (a name or a description), one line or more, never empty.
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000, strip_whitespace=True),
    AfterValidator(_visible),
]
