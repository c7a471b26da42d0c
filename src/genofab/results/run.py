"""The result of one run: per-lot and capacity figures, the inputs with their sources, and
where it came from (genofab version, scenario file and its hash)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, computed_field

from genofab.results.base import Result
from genofab.results.capacity import CapacityResult
from genofab.results.economics import EconomicsResult, FairPrice
from genofab.results.lot import LotResult

#: Headline figures, in the order they lead the JSON output.
HEADLINE = (
    "doses_per_lot",
    "patients_per_lot",
    "vials_per_lot",
    "lot_duration_days",
    "suite_occupancy_days",
    "suite_cycle_days",
    "lots_per_room_year",
    "bottleneck_room",
    "lots_per_year",
    "patients_per_year",
    "lots_for_cohort",
    "years_to_treat_cohort",
    "years_to_release_cohort",
    "rooms_needed",
    "cogs_per_lot",
    "cogs_per_dose",
    "cogs_per_patient",
    "cost_breakdown",
    "fair_price_per_patient",
)


class ScenarioInfo(Result):
    """Which scenario a result comes from."""

    name: str
    file: str | None = None
    sha256: str | None = None


class InputRow(Result):
    """One input as used: base-unit value, as written, and its source."""

    path: str
    value: float
    unit: str
    given: str
    source: str | None
    uncertain: bool = Field(
        default=False, exclude=True, description="has a distribution (not in the JSON)"
    )


class RunResult(Result):
    """Everything one deterministic run computes, traceable to its inputs."""

    model_config = ConfigDict(frozen=True, extra="ignore", ser_json_inf_nan="null")

    genofab_version: str
    scenario: ScenarioInfo
    lot: LotResult
    capacity: CapacityResult
    economics: EconomicsResult | None = None
    inputs: tuple[InputRow, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def doses_per_lot(self) -> int:
        return self.lot.doses_per_lot

    @computed_field  # type: ignore[prop-decorator]
    @property
    def patients_per_lot(self) -> int:
        return self.lot.patients_per_lot

    @computed_field  # type: ignore[prop-decorator]
    @property
    def vials_per_lot(self) -> int:
        return self.lot.vials_per_lot

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lot_duration_days(self) -> float:
        return self.lot.lot_duration_days

    @computed_field  # type: ignore[prop-decorator]
    @property
    def suite_occupancy_days(self) -> float:
        """Days one lot holds the room where the product is made."""
        return self.capacity.room(self.lot.production_room).occupancy_days

    @computed_field  # type: ignore[prop-decorator]
    @property
    def suite_cycle_days(self) -> float:
        """Suite occupancy + changeover: one lot every this many days at capacity."""
        return self.capacity.room(self.lot.production_room).cycle_days

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lots_per_room_year(self) -> dict[str, int]:
        return {room.kind: room.lots_per_room_year for room in self.capacity.rooms}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bottleneck_room(self) -> str:
        return self.capacity.bottleneck_room

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lots_per_year(self) -> int:
        return self.capacity.lots_per_year

    @computed_field  # type: ignore[prop-decorator]
    @property
    def patients_per_year(self) -> int:
        return self.capacity.patients_per_year

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lots_for_cohort(self) -> int | None:
        return self.capacity.lots_for_cohort

    @computed_field  # type: ignore[prop-decorator]
    @property
    def years_to_treat_cohort(self) -> float | None:
        return self.capacity.years_to_treat_cohort

    @computed_field  # type: ignore[prop-decorator]
    @property
    def years_to_release_cohort(self) -> float | None:
        return self.capacity.years_to_release_cohort

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rooms_needed(self) -> dict[str, int] | None:
        if self.capacity.lots_needed_per_year is None:
            return None
        return {room.kind: room.rooms_needed or 0 for room in self.capacity.rooms}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cogs_per_lot(self) -> float | None:
        return None if self.economics is None else self.economics.cogs_per_lot

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cogs_per_dose(self) -> float | None:
        return None if self.economics is None else self.economics.cogs_per_dose

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cogs_per_patient(self) -> float | None:
        return None if self.economics is None else self.economics.cogs_per_patient

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cost_breakdown(self) -> dict[str, float] | None:
        """Annual cost by category, with its 'total'."""
        if self.economics is None:
            return None
        return {name: line.annual for name, line in self.economics.cost_breakdown.items()}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fair_price_per_patient(self) -> FairPrice | None:
        return None if self.economics is None else self.economics.fair_price

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the headline figures first, then the details and inputs."""
        dumped = self.model_dump(mode="json")
        ordered = {key: dumped.pop(key) for key in HEADLINE}
        return {**ordered, **dumped}
