"""What the facility makes in a year, which room limits it, and what a demand needs."""

from __future__ import annotations

from pydantic import Field

from genofab.results.base import Result


class RoomCapacity(Result):
    """Capacity of one kind of room."""

    kind: str
    count: int
    concurrent_lots: int
    occupancy_days: float = Field(description="days one lot holds a room of this kind")
    changeover_days: float
    cycle_days: float = Field(description="occupancy + changeover: the room time of one lot")
    lots_per_room_year: int = Field(
        description="whole lots one room completes in an operating year"
    )
    lots_per_year: int = Field(description="lots all rooms of this kind complete in a year")
    utilisation_at_capacity: float = Field(
        description="share of this kind's room time used when the facility runs at its capacity"
    )
    utilisation_at_demand: float | None = Field(
        description="share of room time used to meet the yearly demand (capped at capacity)"
    )
    rooms_needed: int | None = Field(description="rooms of this kind the yearly demand needs")


class CapacityResult(Result):
    """Facility throughput and the demand it can meet."""

    operating_days_per_year: float
    rooms: tuple[RoomCapacity, ...]
    unused_rooms: tuple[str, ...] = Field(description="room kinds no step uses")
    bottleneck_room: str
    lots_per_year: int
    doses_per_year: int
    patients_per_year: int = Field(description="patients the lots made treat, before failures")
    lot_failure_probability: float = Field(description="probability that a lot fails")
    good_lots_per_year: float = Field(
        description="lots per year that do not fail: lots × (1 − failure probability), expected"
    )
    patients_per_year_after_failures: float = Field(
        description="patients the good lots treat a year (expected value)"
    )
    remake_delay_days: float = Field(
        description="expected wait an autologous patient adds for failed lots (new collection"
        " and new lot); 0 for a product whose lots serve many patients"
    )
    collections_per_patient: float = Field(
        description="expected collections per autologous patient, 1 ÷ (1 − failure probability);"
        " 0 for a product not made from the patient's cells"
    )
    cohort_patients: int | None
    lots_for_cohort: int | None = Field(
        description="lots to start for the cohort, failed lots included (expected)"
    )
    years_to_treat_cohort: float | None = Field(
        description="years of production for the cohort: lots for the cohort ÷ lots per year"
    )
    years_to_release_cohort: float | None = Field(
        description="years from the first lot's start to the last lot's QC release, at capacity"
    )
    demand_patients_per_year: float | None
    lots_needed_per_year: int | None
    meets_demand: bool | None

    def room(self, kind: str) -> RoomCapacity:
        """Capacity of one room kind."""
        return next(room for room in self.rooms if room.kind == kind)
