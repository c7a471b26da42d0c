"""Shared configuration of the scenario models: immutable, strict, no unknown keys."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


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

#: Human text (a name or a description), one line or more, never empty.
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]
