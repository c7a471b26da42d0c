"""Economics of a scenario: what is bought per lot, what the QC release panel costs, who is
paid, what the facility costs to build and run, how often a lot fails, and how a fair price
is built.

Money may be given in any supported currency; every currency other than ``currency`` needs a
rate in ``exchange_rates`` (value of one unit of it in ``currency``). Fixed-cost items (areas,
equipment, staff) tied to a room kind with ``per_room`` scale with the number of such rooms.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from genofab.model.base import Frozen, Identifier, Text
from genofab.model.parameter import Parameter, default
from genofab.model.quantities import (
    Amount,
    Area,
    Count,
    Duration,
    Fte,
    Hours,
    Money,
    MoneyPerArea,
    MoneyPerAreaYear,
    MoneyPerHour,
    MoneyPerYear,
    PatientCount,
    PositiveMoney,
    PositiveNumber,
    Probability,
    Rate,
    UnitPrice,
    VialCount,
    Years,
)
from genofab.units import CURRENCIES, registry

Currency = Literal["EUR", "USD", "GBP", "CHF"]


class Basis(StrEnum):
    """What a material quantity is counted per."""

    PER_LITRE = "per_litre"  # per litre of the production working volume
    PER_LOT = "per_lot"
    PER_VIAL = "per_vial"  # per container filled


class Material(Frozen):
    """Something bought for a step: quantity per basis × unit price, spread over reuse cycles
    (a chromatography resin reused for several lots)."""

    name: Text
    step: Text = Field(description="name of the process step that uses it")
    category: Literal["materials", "consumables"] = "materials"
    basis: Basis = Basis.PER_LOT
    quantity: Amount = default(1, "", "one item per basis")
    unit_price: UnitPrice
    reuse_cycles: Count = default(1, "", "used for one lot")

    @model_validator(mode="after")
    def _quantity_times_price_is_money(self) -> Material:
        ureg = registry()
        cost = ureg.parse_units(self.quantity.unit or "dimensionless") * ureg.parse_units(
            self.unit_price.unit
        )
        dims = dict(cost.dimensionality)
        if not (
            len(dims) == 1 and next(iter(dims)) in CURRENCIES and next(iter(dims.values())) == 1
        ):
            raise ValueError(
                f"quantity × unit_price ({self.quantity.given} × {self.unit_price.given}) is not"
                " an amount of money: give the price per unit of the quantity"
                " (e.g. 1 mg at 250 EUR/mg)"
            )
        return self


class QCTest(Frozen):
    """One release test, run on every lot."""

    name: Text
    cost: Money
    duration: Duration | None = None
    sample_vials: VialCount = default(0, "vial", "no container stated")


class AreaItem(Frozen):
    """Floor area of one kind (a cleanroom grade), built at a cost per m²."""

    name: Text
    grade: Literal["A", "B", "C", "D", "CNC", "unclassified"] | None = None
    area: Area
    cost_per_area: MoneyPerArea
    per_room: Identifier | None = Field(default=None, description="area of each room of this kind")


class EquipmentItem(Frozen):
    """Equipment bought once and depreciated."""

    name: Text
    cost: Money
    count: Count = default(1, "", "one unit")
    per_room: Identifier | None = Field(default=None, description="for each room of this kind")
    depreciation_years: Years | None = None


class StaffItem(Frozen):
    """A group of staff: full-time equivalents, or a shift pattern (staff per shift × shifts a
    day × days a week ÷ 5). Paid whether or not a lot runs."""

    role: Text
    per_room: Identifier | None = Field(default=None, description="for each room of this kind")
    fte: Fte | None = None
    staff_per_shift: Fte | None = None
    shifts_per_day: PositiveNumber = default(1, "", "one shift a day")
    days_per_week: PositiveNumber = default(5, "", "five working days a week")

    @model_validator(mode="after")
    def _one_way_to_count(self) -> StaffItem:
        if (self.fte is None) == (self.staff_per_shift is None):
            raise ValueError("give fte, or staff_per_shift (with shifts_per_day, days_per_week)")
        if self.days_per_week.value > 7 or self.shifts_per_day.value > 4:
            raise ValueError("days_per_week is at most 7 and shifts_per_day at most 4")
        return self


class Pricing(Frozen):
    """A transparent cost-plus price per patient."""

    development_cost: Money
    expected_patients: PatientCount = Field(description="patients over the commercial life")
    commercial_life: Years | None = None
    cost_of_capital: Rate | None = None
    distribution_per_patient: Money = default(0, "", "no distribution cost stated")
    pharmacovigilance_per_patient: Money = default(0, "", "no pharmacovigilance cost stated")
    margin: Rate
    list_price: PositiveMoney | None = None

    @model_validator(mode="after")
    def _life_with_cost_of_capital(self) -> Pricing:
        if self.cost_of_capital is not None and self.commercial_life is None:
            raise ValueError(
                "cost_of_capital needs commercial_life (years over which it is recovered)"
            )
        return self


class Economics(Frozen):
    """Costs of making the product, and how its price is built."""

    currency: Currency
    exchange_rates: dict[Currency, PositiveNumber] = Field(
        default_factory=dict, description="value of one unit of each other currency"
    )
    materials: tuple[Material, ...] = ()
    qc_tests: tuple[QCTest, ...] = ()
    staff: tuple[StaffItem, ...] = ()
    cost_per_fte_year: MoneyPerYear | None = None
    cost_per_hour: MoneyPerHour | None = None
    hours_per_fte_year: Hours = default(
        1600, "h", "paid hours of a full-time employee a year, as in parameters.md 5.4 [D]"
    )
    areas: tuple[AreaItem, ...] = ()
    equipment: tuple[EquipmentItem, ...] = ()
    building_depreciation_years: Years = default(
        15, "yr", "S55: facility depreciated over 15 years"
    )
    equipment_depreciation_years: Years = default(
        5, "yr", "S55: equipment depreciated over 5 years"
    )
    salvage_fraction: Rate = default(0, "", "no salvage value")
    maintenance_rate: Rate = default(0, "", "no maintenance cost stated (share of capital a year)")
    insurance_rate: Rate = default(0, "", "no insurance cost stated (share of capital a year)")
    utilities_per_area: MoneyPerAreaYear = default(0, "", "no utilities cost stated")
    overhead_rate: Rate = default(
        0, "", "no overhead stated (share of labour and facility running)"
    )
    overhead_per_year: MoneyPerYear = default(0, "", "no fixed overhead stated")
    lot_failure_probability: Probability = default(0, "", "no lot failure stated")
    facility_sizing: Literal["as_given", "to_demand"] = "as_given"
    pricing: Pricing | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Economics:
        problems = []
        if self.currency in self.exchange_rates:
            problems.append(f"exchange_rates lists {self.currency}, the scenario's own currency")
        if self.staff and (self.cost_per_fte_year is None) == (self.cost_per_hour is None):
            problems.append("staff need a cost: give cost_per_fte_year or cost_per_hour (not both)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def rate(self, currency: str | None) -> float:
        """Value of one unit of ``currency`` in the scenario's currency (1 for no currency)."""
        if currency is None or currency == self.currency:
            return 1.0
        return float(self.exchange_rates[currency].value)  # type: ignore[index]


def currency_problems(
    economics: Economics, parameters: list[tuple[str, Parameter]]
) -> list[tuple[str, str]]:
    """Money given in a currency that has no exchange rate to the scenario's currency."""
    known = {economics.currency, *economics.exchange_rates}
    return [
        (
            path,
            f"'{parameter.given}' is in {parameter.currency}, but economics.exchange_rates"
            f" gives no rate from {parameter.currency} to {economics.currency}",
        )
        for path, parameter in parameters
        if parameter.currency is not None and parameter.currency not in known
    ]
