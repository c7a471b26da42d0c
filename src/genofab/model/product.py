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
    DosesPerPatient,
    Mass,
    PerCellRatio,
    ProductAmount,
    ProductPerMass,
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
    """A vector used ex vivo: target cells (given, or per kg × body weight) × MOI."""

    rule: Literal["cells_x_moi"]
    target_cells: CellCount | None = None
    target_cells_per_kg: CellsPerMass | None = None
    body_weight: Mass | None = None
    moi: PerCellRatio

    @model_validator(mode="after")
    def _one_way_to_count_cells(self) -> CellsTimesMoiDose:
        per_kg = self.target_cells_per_kg is not None or self.body_weight is not None
        if self.target_cells is not None and per_kg:
            raise ValueError("give target_cells, or target_cells_per_kg with body_weight, not both")
        if self.target_cells is None and (
            self.target_cells_per_kg is None or self.body_weight is None
        ):
            raise ValueError("give target_cells, or target_cells_per_kg with body_weight")
        return self


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
