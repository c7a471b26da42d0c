"""Process steps: what each kind of unit operation takes, by its ``kind``.

Every step occupies one kind of room for its duration. From the production step on, the
lot's product is tracked: processing steps apply a step yield, may change the volume
(eluate, concentrate) and may lose an in-process sample; the fill step turns the bulk into
containers; QC release takes containers for testing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from genofab.model.base import Frozen, Identifier, Text
from genofab.model.parameter import default
from genofab.model.quantities import (
    CellDensity,
    Duration,
    Fraction,
    PerCellRatio,
    ProductConcentration,
    VialCount,
    Volume,
    VolumeOrZero,
)

NO_LOSS = default(1, "", "no loss stated")
NO_SAMPLE = default(0, "L", "no in-process sample stated")


class StepBase(Frozen):
    """What every step has: a unique name, the kind of room it occupies and its duration."""

    name: Text
    room: Identifier = Field(description="kind of room the step occupies, from facility.rooms")
    duration: Duration
    description: Text | None = None


class TimedStep(StepBase):
    """A step that takes room time but does not change the product's amount or volume."""

    kind: Literal["seed_train", "cell_selection", "transfection", "induction", "transduction"]


class ProductionStep(StepBase):
    """Where the product is made: working volume × titer, or × cell density × per-cell yield
    (vector per cell, or the fraction of cells that are product, e.g. CAR⁺)."""

    kind: Literal["production_bioreactor"]
    working_volume: Volume
    titer: ProductConcentration | None = None
    cell_density: CellDensity | None = None
    specific_productivity: PerCellRatio | None = None
    sample_volume: VolumeOrZero = NO_SAMPLE

    @model_validator(mode="after")
    def _one_way_to_make_product(self) -> ProductionStep:
        per_cell = self.cell_density is not None or self.specific_productivity is not None
        if self.titer is not None and per_cell:
            raise ValueError("give titer, or cell_density with specific_productivity, not both")
        if self.titer is None and (self.cell_density is None or self.specific_productivity is None):
            raise ValueError("give titer, or cell_density with specific_productivity")
        return self


class ProcessingStep(StepBase):
    """A downstream (or post-fill) operation: step yield, new volume, in-process sample."""

    kind: Literal[
        "harvest",
        "lysis",
        "clarification",
        "chromatography",
        "tff",
        "sterile_filtration",
        "formulation",
        "cryopreservation",
    ]
    step_yield: Fraction = NO_LOSS
    output_volume: Volume | None = None
    output_concentration: ProductConcentration | None = None
    sample_volume: VolumeOrZero = NO_SAMPLE
    scales_with: Literal["volume", "amount"] | None = Field(
        default=None,
        description="when `genofab scale` changes what enters the step, its output_volume"
        " follows the volume entering (a fixed volume reduction) or the amount of product"
        " entering (a column sized by binding capacity) in proportion; none: it stays fixed",
    )

    @model_validator(mode="after")
    def _one_output_rule(self) -> ProcessingStep:
        if self.output_volume is not None and self.output_concentration is not None:
            raise ValueError("give output_volume or output_concentration, not both")
        if self.scales_with is not None and self.output_volume is None:
            raise ValueError(
                "scales_with goes with output_volume (an output_concentration already follows"
                " the amount)"
            )
        return self

    @property
    def changes_volume(self) -> bool:
        """Whether the step sets a new volume or removes a sample."""
        return (
            self.output_volume is not None
            or self.output_concentration is not None
            or self.sample_volume.value > 0
        )


class FillStep(StepBase):
    """Aseptic fill: the bulk is split into containers of ``fill_volume`` (+ ``overfill``)."""

    kind: Literal["fill"]
    fill_volume: Volume
    overfill: VolumeOrZero = default(0, "L", "no overfill stated")
    step_yield: Fraction = NO_LOSS
    container: Literal["vial", "bag"] = "vial"


class QCReleaseStep(StepBase):
    """Release testing: containers taken for tests and retained samples."""

    kind: Literal["qc_release"]
    sample_vials: VialCount = default(0, "vial", "no container taken for testing stated")


Step = Annotated[
    TimedStep | ProductionStep | ProcessingStep | FillStep | QCReleaseStep,
    Field(discriminator="kind"),
]
