"""Economies of scale: cost per dose (and its breakdown) as one parameter varies."""

from __future__ import annotations

from pydantic import Field

from genofab.results.base import Result
from genofab.results.run import ScenarioInfo


class ScalePoint(Result):
    """One value of the varied parameter and what it gives; ``status`` says why a point
    cannot be made (its figures are then null)."""

    value: float
    status: str = Field(description="'ok', or why no dose can be made at this point")
    patients_per_lot: int | None
    lots_per_year: int | None
    lots_started_per_year: float | None
    doses_delivered_per_year: float | None
    rooms: dict[str, int] = Field(description="rooms of each kind used at this point")
    step_volumes: dict[str, float] | None = Field(
        default=None,
        description="volume after each step whose output volume follows a scale rule (L)",
    )
    cost_per_dose: float | None
    cost_per_patient: float | None
    fair_price_per_patient: float | None = Field(
        default=None, description="the fair price (or vector cost) per patient, when priced"
    )
    per_dose_by_category: dict[str, float] | None
    per_dose_by_cause: dict[str, float] | None
    floor_area: float | None = Field(
        default=None, description="the buildings' floor area at this point (m²)"
    )


class ScaleResult(Result):
    """A sweep of one parameter, in its base unit, with the currency of the costs."""

    scenario: ScenarioInfo
    path: str
    unit: str
    currency: str | None
    points: tuple[ScalePoint, ...]
