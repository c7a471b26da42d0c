"""Request bodies of the REST API: strict, bounded, no server-owned field (sponsor, author,
time, state) can be sent."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from genofab.io.yaml_source import MAX_BYTES

Kind = Literal["scenario", "plan", "outlook", "network"]
Name = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
Reason = Field(min_length=1, max_length=2000)


class Body(BaseModel):
    """A strict request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class TokenRequest(Body):
    """Credentials exchanged for an API token."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    label: str = Field(default="api", min_length=1, max_length=80)


class SponsorCreate(Body):
    """A new sponsor."""

    name: str = Field(min_length=1, max_length=80)


class UserCreate(Body):
    """A new user."""

    username: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    display_name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=10, max_length=256)
    role: Literal["manager", "member", "viewer"]
    sponsor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class DocumentCreate(Body):
    """A new scenario or plan (its version 1)."""

    kind: Kind
    name: str = Name
    content: str = Field(min_length=1, max_length=MAX_BYTES)
    reason: str = Reason
    sponsor_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="platform manager only: whose it is"
    )


class VersionCreate(Body):
    """A new version of a document, based on the version the writer read."""

    content: str = Field(min_length=1, max_length=MAX_BYTES)
    reason: str = Reason
    base_version: int = Field(ge=1, le=2**31 - 1)


class FromTemplate(Body):
    """A new scenario from a template of the reference library."""

    template: str = Field(min_length=1, max_length=64)
    name: str = Name


class Check(Body):
    """Text to check as the editor types."""

    kind: Kind = "scenario"
    content: str = Field(max_length=MAX_BYTES)


class RunCreate(Body):
    """A job on one version of a document."""

    document_id: int = Field(ge=1, le=2**31 - 1)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)
    kind: Literal[
        "run",
        "monte_carlo",
        "sensitivity",
        "sweep",
        "report",
        "schedule",
        "review",
        "outlook",
        "network",
    ] = "run"
    seed: int = Field(default=1, ge=0, le=2**31 - 1)
    samples: int | None = Field(default=None, ge=1, le=1_000_000)
    grid: (
        dict[
            Annotated[str, Field(min_length=1, max_length=200)],
            Annotated[
                list[Annotated[str, Field(min_length=1, max_length=64)]],
                Field(min_length=1, max_length=50),
            ],
        ]
        | None
    ) = Field(
        default=None,
        max_length=3,
        description="a sweep's grid: parameter path → values as its field reads them"
        " ('2e7 TU/mL'); every combination is a point, each a Monte Carlo of `samples`",
    )


class RequestCreate(Body):
    """A sponsor's demand request."""

    product: str = Field(min_length=1, max_length=64)
    lots: int = Field(ge=1, le=100)
    due: dt.date
    note: str = Field(default="", max_length=2000)
    scenario_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    submit: bool = True


class Transition(Body):
    """A request's move to another state, based on the version read."""

    state: Literal["submitted", "approved", "declined", "made", "released", "failed", "remade"]
    version: int = Field(ge=1, le=2**31 - 1)
    reason: str | None = Field(default=None, max_length=2000)


class ScheduleCreate(Body):
    """Schedule the platform with every approved request."""

    seed: int = Field(default=0, ge=0, le=2**31 - 1)


#: A record's id or a version's number in a path: a positive 32-bit integer.
PathId = Annotated[int, Path(ge=1, le=2**31 - 1)]
