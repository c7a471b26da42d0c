"""The facility: kinds of rooms, how many of each, and when they operate."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator

from genofab.model.base import (
    Frozen,
    Identifier,
    Problems,
    Text,
    deferred,
    raise_problems,
    repeat_problems,
)
from genofab.model.parameter import default
from genofab.model.quantities import (
    ConcurrentLots,
    DurationOrZero,
    RoomCount,
    WeeksPerYear,
)


class Room(Frozen):
    """One kind of room: how many there are, lots each can hold at once, cleaning between lots."""

    kind: Identifier
    count: RoomCount = default(1, "", "one room of this kind")
    changeover: DurationOrZero = Field(
        description="cleaning and changeover time after each lot in one room of this kind"
    )
    concurrent_lots: ConcurrentLots = default(1, "lot", "one lot at a time")
    description: Text | None = None


class Facility(Frozen):
    """Rooms by kind and the operating time of a year."""

    name: Text
    operating_weeks_per_year: WeeksPerYear
    rooms: tuple[Room, ...] = Field(min_length=1)

    @field_validator("rooms")
    @classmethod
    def _kinds_are_unique(cls, rooms: tuple[Room, ...], info: ValidationInfo) -> tuple[Room, ...]:
        if not deferred(info):
            raise_problems(room_kind_problems(rooms))
        return rooms

    def room(self, kind: str) -> Room:
        """The room of a kind (the kind must exist)."""
        return next(room for room in self.rooms if room.kind == kind)


def room_kind_problems(rooms: tuple[Room, ...]) -> Problems:
    """Room kinds given twice, as (path, message)."""
    return repeat_problems([room.kind for room in rooms], "facility.rooms", "kind")
