"""The product: what it is, what it is counted in, how much one patient needs, and how
filled containers turn into doses."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, model_validator

from genofab.model.base import Frozen, Problems, Text, deferred, raise_problems
from genofab.model.parameter import Parameter, default
from genofab.model.quantities import (
    CellCount,
    CellsPerMass,
    Count,
    DosesPerPatient,
    DurationOrZero,
    Loss,
    Mass,
    PerCellRatio,
    ProductAmount,
    ProductPerMass,
    VolumeOrZero,
)


class Modality(StrEnum):
    """Kinds of advanced-therapy products."""

    LENTIVIRAL_VECTOR = "lentiviral_vector"
    GAMMARETROVIRAL_VECTOR = "gammaretroviral_vector"
    AAV = "aav"
    ADENOVIRAL_VECTOR = "adenoviral_vector"
    AUTOLOGOUS_CELLS = "autologous_cells"
    ALLOGENEIC_CELLS = "allogeneic_cells"

    @property
    def one_patient_per_lot(self) -> bool:
        """An autologous lot is made from, and only for, one patient."""
        return self is Modality.AUTOLOGOUS_CELLS


class VialUse(StrEnum):
    """How filled containers become doses.

    - ``whole_vials``: a dose takes whole containers; what is left in the last one is discarded.
    - ``shared_vials``: one container is split into as many whole doses as it holds (a vector
      vial thawed to transduce several patients' cells); the remainder is discarded.
    - ``pooled``: the released product is divisible at will; only whole doses count.
    """

    WHOLE_VIALS = "whole_vials"
    SHARED_VIALS = "shared_vials"
    POOLED = "pooled"


class FixedDose(Frozen):
    """The same amount for every patient."""

    rule: Literal["fixed"]
    amount: ProductAmount


class PerKgDose(Frozen):
    """An amount per kg of body weight, optionally capped (e.g. 2e6 cells/kg, at most 2e8)."""

    rule: Literal["per_kg"]
    amount_per_kg: ProductPerMass
    body_weight: Mass
    max_amount: ProductAmount | None = None


class CellsTimesMoiDose(Frozen):
    """A vector used ex vivo: one patient needs what every transduction of the patient's cells
    takes, counted on the cells **at transduction** (the selected cells of each collection),
    never on the released cell dose of the drug product.

    vector per patient = cells at transduction (per collection: given, or per kg × body weight)
    × collections × MOI × transduction hits ÷ (1 − thaw loss), plus one container's dead volume
    at the drug product's concentration (the lot engine adds it: it knows the concentration).
    ``released_cells_per_kg`` is the drug product's released dose: a separate quantity, checked
    to be no more than the cells transduced, and not used for the vector.
    """

    rule: Literal["cells_x_moi"]
    cells_at_transduction: CellCount | None = None
    cells_at_transduction_per_kg: CellsPerMass | None = None
    body_weight: Mass | None = None
    collections: Count = default(1, "", "one collection of cells per patient")
    moi: PerCellRatio
    transduction_hits: Count = default(1, "", "one transduction (hit) of the cells")
    thaw_loss: Loss = default(0, "", "no vector stated lost at thaw")
    dead_volume: VolumeOrZero = default(0, "L", "no dead volume stated")
    released_cells_per_kg: CellsPerMass | None = None

    @model_validator(mode="after")
    def _one_way_to_count_cells(self) -> CellsTimesMoiDose:
        per_kg = self.cells_at_transduction_per_kg is not None
        if self.cells_at_transduction is not None and per_kg:
            raise ValueError(
                "give cells_at_transduction, or cells_at_transduction_per_kg with body_weight,"
                " not both"
            )
        if self.cells_at_transduction is None and not per_kg:
            raise ValueError(
                "give cells_at_transduction, or cells_at_transduction_per_kg with body_weight"
            )
        needs_weight = per_kg or self.released_cells_per_kg is not None
        if needs_weight and self.body_weight is None:
            raise ValueError("cells per kg need body_weight")
        if self.released_cells_per_kg is not None:
            released = self.released_cells_per_kg.value * self.body_weight.value  # type: ignore[union-attr]
            if released > self.cells_transduced() * (1 + 1e-9):
                raise ValueError(
                    f"the released dose ({released:.3g} cells) is more than the cells transduced"
                    f" ({self.cells_transduced():.3g} = cells at transduction × collections):"
                    " the vector must be counted on the cells at transduction"
                )
        return self

    def cells_transduced(self) -> float:
        """Cells exposed to the vector for one patient, at the given values."""
        cells = (
            self.cells_at_transduction.value
            if self.cells_at_transduction is not None
            else self.cells_at_transduction_per_kg.value * self.body_weight.value  # type: ignore[union-attr]
        )
        return float(cells * self.collections.value)


DoseRule = Annotated[FixedDose | PerKgDose | CellsTimesMoiDose, Field(discriminator="rule")]


class Product(Frozen):
    """What is made and how much of it one patient needs."""

    name: Text
    modality: Modality
    unit: Literal["TU", "vg", "vp", "cell"] = Field(
        description="what the product is counted in: TU, vg, vp or cell"
    )
    dose: DoseRule
    doses_per_patient: DosesPerPatient = default(1, "dose/patient", "one administration")
    vial_use: VialUse = VialUse.WHOLE_VIALS
    recollection_interval: DurationOrZero | None = Field(
        default=None,
        description="autologous: days from a failed lot's collection to the patient's next one",
    )

    @model_validator(mode="after")
    def _dose_counts_the_product(self, info: ValidationInfo) -> Product:
        if not deferred(info):
            raise_problems(product_problems(self))
        return self


def product_problems(product: Product) -> Problems:
    """Dose amounts that count another unit than the product, as (path, message)."""
    return [
        (
            f"product.dose.{name}",
            f"'{parameter.given}' counts {parameter.counts} but the product is counted in"
            f" {product.unit}",
        )
        for name, parameter in product.dose
        if isinstance(parameter, Parameter)
        and parameter.counts is not None
        and parameter.counts != product.unit
    ]
