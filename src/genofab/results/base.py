"""Base of result objects: immutable, typed, serialisable to JSON without NaN or infinity."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Result(BaseModel):
    """A plain typed result: ``model_dump_json`` writes it, ``model_validate_json`` reads it."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="null")
