"""What one lot gives: the mass balance step by step, containers, doses and patients,
how long it takes and how long it holds each kind of room."""

from __future__ import annotations

from pydantic import Field

from genofab.results.base import Result


class StepBalance(Result):
    """The product after one step (``None`` before the product is made)."""

    index: int
    name: str
    kind: str
    room: str
    duration_days: float
    step_yield: float | None = Field(description="fraction of the product the step keeps")
    amount: float | None = Field(description="product after the step, in the product's unit")
    volume_l: float | None = Field(description="volume after the step, L")
    concentration_per_ml: float | None = Field(description="product per mL after the step")
    recovery: float | None = Field(description="amount after the step ÷ amount made")


class LotResult(Result):
    """Per-lot figures, in the product's unit, L, mL and days."""

    product_unit: str
    container: str
    production_room: str = Field(description="room kind where the product is made (the suite)")
    amount_made: float = Field(
        description="product at the end of production (harvest titer × volume)"
    )
    steps: tuple[StepBalance, ...]
    drug_product_volume_l: float = Field(
        description="bulk drug product at the fill, after fill losses"
    )
    drug_product_concentration_per_ml: float
    fill_volume_ml: float
    vials_filled: int
    qc_sample_vials: int
    vials_per_lot: int = Field(description="containers released (filled − taken by QC)")
    in_process_sample_volume_l: float
    amount_per_vial: float = Field(description="product in the labelled volume of one container")
    dose_amount: float = Field(description="product per dose")
    vial_use: str
    doses_per_vial: int | None = Field(
        description="whole doses from one container, when containers are shared"
    )
    vials_per_dose: int | None = Field(
        description="containers one dose takes, when doses take whole containers (both are null"
        " for a pooled product, which is divided at will)"
    )
    doses_per_lot: int
    doses_per_patient: int
    patients_per_lot: int
    overall_yield: float = Field(description="product in released containers ÷ product made")
    lot_duration_days: float = Field(description="first step start to QC release, days")
    room_occupancy_days: dict[str, float] = Field(description="days one lot holds each room kind")
