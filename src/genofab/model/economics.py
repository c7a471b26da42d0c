"""Economics of a scenario: what is bought per lot, what the QC release panel costs, who is
paid, what the facility costs to build and run, how often a lot fails, and how a fair price
is built.

Money may be given in any supported currency; every currency other than ``currency`` needs a
rate in ``exchange_rates`` (value of one unit of it in ``currency``). Fixed-cost items (areas,
equipment, staff, yearly fees) tied to a room kind with ``per_room`` scale with the number of
such rooms. Each cost line is a declaration: what it is counted per (a lot started, a lot
released, a patient, a dose, a year, a room-day, once), how much, and its category; the
categories are declared once in :data:`COST_CATEGORIES`. The formulas are in docs/costing.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args

from pydantic import Field, model_validator

from genofab.model.base import Frozen, Identifier, Text
from genofab.model.parameter import Parameter, default
from genofab.model.quantities import (
    Amount,
    Area,
    Count,
    Duration,
    Factor,
    Fraction,
    Fte,
    Hours,
    LabourHours,
    LotsPerYear,
    Money,
    MoneyPerArea,
    MoneyPerAreaYear,
    MoneyPerHour,
    MoneyPerYear,
    PatientCount,
    PositiveMoney,
    PositiveNumber,
    Probability,
    ProductAmount,
    Rate,
    ScaleExponent,
    Size,
    UnitPrice,
    VialCount,
    WeeksPerYear,
    Years,
)
from genofab.units import CURRENCIES, registry

Currency = Literal["EUR", "USD", "GBP", "CHF"]
#: How a size given as a volume is stored (sizes are in root units; steps' volumes in L).
CUBIC_METRE = "m**3"
LITRES_PER_CUBIC_METRE = 1000.0


@dataclass(frozen=True)
class CostCategory:
    """A category of cost, declared once: how reports name and colour it and where it goes in
    the conventional roll-up of cost-of-goods models (SuperPro, BioSolve, UCL tools)."""

    name: str
    label: str
    roll_up: str
    colour: str


#: The cost categories, in the order reports show them; every cost line falls in one and
#: together they sum to the annual cost. A new category is one line here (and in
#: :data:`CategoryName`); charts fall back to a palette for a category with no colour.
COST_CATEGORIES: tuple[CostCategory, ...] = (
    CostCategory("materials", "materials", "direct materials", "#4c72b0"),
    CostCategory("consumables", "consumables", "direct materials", "#64b5cd"),
    CostCategory("qc", "QC tests", "QC/QA", "#8172b2"),
    CostCategory("labour", "labour", "labour", "#dd8452"),
    CostCategory("facility", "facility", "facility-dependent", "#937860"),
    CostCategory("fees", "fees, licences and royalties", "indirect", "#da8bc3"),
    CostCategory("overhead", "overhead", "indirect", "#8c8c8c"),
)
CategoryName = Literal["materials", "consumables", "qc", "labour", "facility", "fees", "overhead"]
assert get_args(CategoryName) == tuple(c.name for c in COST_CATEGORIES)


class Basis(StrEnum):
    """What a material quantity is counted per."""

    PER_LITRE = "per_litre"  # per litre of the production working volume
    PER_LITRE_PROCESSED = "per_litre_processed"  # per litre entering its step
    PER_AMOUNT = "per_amount"  # per amount of product loaded on its step (per_amount of it)
    PER_LOT = "per_lot"
    PER_VIAL = "per_vial"  # per container filled


class Driver(StrEnum):
    """What a cost line (a fee, labour hours) is counted per, each year."""

    LOT_STARTED = "lot_started"
    LOT_RELEASED = "lot_released"  # a lot that did not fail
    PATIENT = "patient"  # a patient treated
    DOSE = "dose"  # a dose delivered
    YEAR = "year"
    ROOM_DAY = "room_day"  # a day a room of ``room`` is held by a lot (changeover included)
    ONCE = "once"  # a one-off cost, spread over ``spread_over_lots`` or ``spread_over_years``


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
    per_amount: ProductAmount | None = Field(
        default=None,
        description="with basis per_amount: the amount of product the quantity is for"
        " (e.g. 1e15 vg loaded)",
    )

    @model_validator(mode="after")
    def _quantity_times_price_is_money(self) -> Material:
        if (self.basis is Basis.PER_AMOUNT) != (self.per_amount is not None):
            raise ValueError("basis per_amount needs per_amount (e.g. '1e15 vg'), and only it")
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
    """Floor area of one kind (a cleanroom grade), built at a cost per m². It follows the
    rooms (``per_room``: ``area`` for each room of that kind), or the lots the facility can make
    a year (``lots_per_year``: ``area`` for each block of that many lots, rounded up: a QC
    laboratory sized by the release panels it runs), or is fixed."""

    name: Text
    grade: Literal["A", "B", "C", "D", "CNC", "unclassified"] | None = None
    area: Area
    cost_per_area: MoneyPerArea = default(
        0, "EUR/m**2", "no building cost stated (e.g. it is inside a Lang factor)"
    )
    per_room: Identifier | None = Field(default=None, description="area of each room of this kind")
    lots_per_year: LotsPerYear | None = Field(
        default=None,
        description="the lots a year one ``area`` serves: the area is built once for each such"
        " block of the lots the facility can make a year (rounded up, at least once)",
    )
    quality: bool = Field(default=False, description="a QC or QA area (for the quality view)")

    @model_validator(mode="after")
    def _follows_one_thing(self) -> AreaItem:
        if self.per_room is not None and self.lots_per_year is not None:
            raise ValueError(
                "an area follows the rooms (per_room) or the lots (lots_per_year), not both"
            )
        return self


class EquipmentItem(Frozen):
    """Equipment bought once and depreciated. With ``reference_size`` its purchase price
    ``cost`` is for that size and scales to its ``size`` (or to the volume of the step
    ``size_from_step``) as (size ÷ reference size) ^ exponent: the six-tenths rule by
    default. A size outside ``valid_from``–``valid_to`` is reported as a warning."""

    name: Text
    cost: Money
    count: Count = default(1, "", "one unit")
    per_room: Identifier | None = Field(default=None, description="for each room of this kind")
    depreciation_years: Years | None = None
    reference_size: Size | None = None
    size: Size | None = None
    size_from_step: Text | None = Field(
        default=None, description="a step whose volume (working or output volume) is the size"
    )
    exponent: ScaleExponent = default(0.6, "", "six-tenths rule of equipment cost scaling")
    valid_from: Size | None = None
    valid_to: Size | None = None
    quality: bool = Field(default=False, description="QC or QA equipment (for the quality view)")

    @model_validator(mode="after")
    def _sized_consistently(self) -> EquipmentItem:
        sized = (self.size is not None) + (self.size_from_step is not None)
        if self.reference_size is None:
            if sized or self.valid_from is not None or self.valid_to is not None:
                raise ValueError("size, size_from_step and valid_from/valid_to need reference_size")
            return self
        if sized != 1:
            raise ValueError("reference_size needs size or size_from_step (one of them)")
        unit = self.reference_size.unit
        if self.size_from_step is not None and unit != CUBIC_METRE:
            raise ValueError(
                f"size_from_step sizes by a volume, but reference_size"
                f" '{self.reference_size.given}' is not a volume"
            )
        for name in ("size", "valid_from", "valid_to"):
            other = getattr(self, name)
            if other is not None and other.unit != unit:
                raise ValueError(
                    f"{name} '{other.given}' does not measure what reference_size"
                    f" '{self.reference_size.given}' measures"
                )
        return self


class StaffItem(Frozen):
    """A group of staff, counted one of three ways:

    - ``fte``: full-time equivalents, paid whether or not a lot runs;
    - a post to cover: ``staff_per_shift`` × ``shifts_per_day`` × ``days_per_week`` ×
      weeks a year × ``shift_hours`` ÷ paid hours per FTE (shift relief is implicit);
    - ``hours`` of work per lot started, per lot released, per patient or per dose
      (``per``): QC analyst-hours per release panel, QA review hours per batch record.
    """

    role: Text
    per_room: Identifier | None = Field(default=None, description="for each room of this kind")
    fte: Fte | None = None
    staff_per_shift: Fte | None = None
    shifts_per_day: PositiveNumber = default(1, "", "one shift a day")
    days_per_week: PositiveNumber = default(5, "", "five working days a week")
    shift_hours: Hours = default(8, "h", "an eight-hour shift")
    weeks_per_year: WeeksPerYear | None = Field(
        default=None, description="weeks a year the post is covered (default: operating weeks)"
    )
    hours: LabourHours | None = None
    per: Literal["lot_started", "lot_released", "patient", "dose"] | None = Field(
        default=None, description="what ``hours`` are counted per (default: lot_started)"
    )
    step: Text | None = Field(default=None, description="the step the hours are spent on")
    cost_per_hour: MoneyPerHour | None = Field(
        default=None, description="this role's own labour cost per hour"
    )
    quality: bool = Field(default=False, description="QC or QA staff (for the quality view)")

    @model_validator(mode="after")
    def _one_way_to_count(self) -> StaffItem:
        ways = sum(x is not None for x in (self.fte, self.staff_per_shift, self.hours))
        if ways != 1:
            raise ValueError(
                "give fte, or staff_per_shift (with shifts_per_day, days_per_week), or hours"
                " (with per)"
            )
        if self.days_per_week.value > 7 or self.shifts_per_day.value > 4:
            raise ValueError("days_per_week is at most 7 and shifts_per_day at most 4")
        if self.shifts_per_day.value * self.shift_hours.value > 24.0 + 1e-9:
            raise ValueError("shifts_per_day × shift_hours is more than 24 h")
        if self.hours is None and (self.per is not None or self.step is not None):
            raise ValueError("per and step go with hours (work per lot, patient or dose)")
        if self.hours is not None and self.per_room is not None:
            raise ValueError("hours are counted per lot, patient or dose, not per_room")
        return self


class Fee(Frozen):
    """A fee, licence, royalty, service or facility charge: ``amount`` per ``per``.

    ``per: year`` with ``per_room`` is charged for each room of that kind; ``per: room_day``
    is charged for each day a lot holds a room of kind ``room`` (buying capacity from a
    CDMO); ``per: once`` is a one-off cost (validation, engineering and PPQ lots, technology
    transfer, a licence's upfront fee) spread over ``spread_over_lots`` lots started or
    ``spread_over_years`` years."""

    name: Text
    category: CategoryName = "fees"
    amount: Money
    per: Driver
    per_room: Identifier | None = Field(default=None, description="for each room of this kind")
    room: Identifier | None = Field(default=None, description="with per: room_day, its room kind")
    step: Text | None = Field(default=None, description="the step it is charged to, if any")
    spread_over_lots: Count | None = None
    spread_over_years: Years | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Fee:
        if (self.per is Driver.ROOM_DAY) != (self.room is not None):
            raise ValueError("per: room_day needs room (a room kind), and room needs room_day")
        spread = (self.spread_over_lots is not None) + (self.spread_over_years is not None)
        if self.per is Driver.ONCE and spread != 1:
            raise ValueError("per: once needs spread_over_lots or spread_over_years (one of them)")
        if self.per is not Driver.ONCE and spread:
            raise ValueError("spread_over_lots and spread_over_years go with per: once")
        yearly = self.per is Driver.YEAR or (
            self.per is Driver.ONCE and self.spread_over_years is not None
        )
        if self.per_room is not None and not yearly:
            raise ValueError("per_room goes with a yearly fee (per: year, or once over years)")
        return self


class Share(Frozen):
    """A cost stated as a share of other categories (e.g. QC/QA as 20 % of labour): ``rate``
    × the cost of the categories ``of`` from the lines before shares and overhead."""

    name: Text
    category: CategoryName
    rate: Factor
    of: tuple[CategoryName, ...] = Field(min_length=1)


class Installation(Frozen):
    """From equipment purchase price to installed capital: a Lang factor (fixed capital ÷
    equipment purchase price, buildings included, so areas carry no building cost), or
    itemised factors on the purchase price (installation, piping, instrumentation,
    engineering, validation, contingency ...) added to the equipment."""

    lang_factor: Factor | None = None
    factors: dict[Identifier, Factor] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_route(self) -> Installation:
        if (self.lang_factor is None) == (not self.factors):
            raise ValueError("give lang_factor or factors (one of them)")
        if self.lang_factor is not None and self.lang_factor.value < 1:
            raise ValueError(
                f"lang_factor {self.lang_factor.value:g} is below 1: it is fixed capital ÷"
                " equipment purchase price"
            )
        return self


class Project(Frozen):
    """A project life over which costs are discounted (BioSolve-style net present cost)."""

    life: Years
    discount_rate: Rate
    inflation: Rate = default(0, "", "no inflation stated (real terms)")


class Pricing(Frozen):
    """A transparent cost-plus price per patient.

    ``development_cost`` is capitalised at launch (failures included) by default; with
    ``development_basis: out_of_pocket`` it is what was spent, turned into a capitalised cost
    ÷ ``probability_of_success`` × (1 + cost of capital) ^ ``development_years``. Public
    funding received is deducted. Expected patients come from the demand over the commercial
    life, capped by capacity, unless stated (a stated figure that contradicts them is warned).
    """

    development_cost: Money
    development_basis: Literal["capitalised", "out_of_pocket"] = "capitalised"
    probability_of_success: Fraction = default(1, "", "development cost already includes failures")
    development_years: Years | None = Field(
        default=None, description="mean years from spending to launch (out_of_pocket)"
    )
    public_funding: Money = default(0, "", "no public funding stated")
    expected_patients: PatientCount | None = Field(
        default=None,
        description="patients over the commercial life (default: demand × life, capped by"
        " capacity)",
    )
    commercial_life: Years | None = None
    cost_of_capital: Rate | None = None
    distribution_per_patient: Money = default(0, "", "no distribution cost stated")
    pharmacovigilance_per_patient: Money = default(0, "", "no pharmacovigilance cost stated")
    royalty_rate: Rate = default(0, "", "no royalty on the price stated")
    margin: Rate
    list_price: PositiveMoney | None = None

    @model_validator(mode="after")
    def _life_with_cost_of_capital(self) -> Pricing:
        if self.cost_of_capital is not None and self.commercial_life is None:
            raise ValueError(
                "cost_of_capital needs commercial_life (years over which it is recovered)"
            )
        if self.expected_patients is None and self.commercial_life is None:
            raise ValueError(
                "give expected_patients, or commercial_life (patients then come from the demand"
                " over it, capped by capacity)"
            )
        if self.development_basis == "capitalised" and (
            self.development_years is not None or self.probability_of_success.value != 1
        ):
            raise ValueError(
                "probability_of_success and development_years go with development_basis:"
                " out_of_pocket (a capitalised cost already includes them)"
            )
        if self.royalty_rate.value + self.margin.value >= 1 and self.royalty_rate.value > 0:
            raise ValueError("royalty_rate and margin leave nothing of the price for costs")
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
    labour_burden: Factor = default(
        0, "", "labour costs are stated with their social charges and benefits"
    )
    fees: tuple[Fee, ...] = ()
    shares: tuple[Share, ...] = ()
    areas: tuple[AreaItem, ...] = ()
    equipment: tuple[EquipmentItem, ...] = ()
    installation: Installation | None = None
    cost_of_capital: Rate | None = Field(
        default=None,
        description="charge capital as an annuity at this rate instead of straight-line"
        " depreciation",
    )
    project: Project | None = None
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
        if self.cost_per_fte_year is not None and self.cost_per_hour is not None:
            problems.append("give cost_per_fte_year or cost_per_hour, not both")
        unpriced = [s.role for s in self.staff if s.cost_per_hour is None]
        if unpriced and self.cost_per_fte_year is None and self.cost_per_hour is None:
            problems.append("staff need a cost: give cost_per_fte_year or cost_per_hour")
        if self.installation is not None and self.installation.lang_factor is not None:
            built = [a.name for a in self.areas if a.cost_per_area.value > 0]
            if built:
                problems.append(
                    f"a Lang factor includes buildings, but areas {', '.join(built)} have a"
                    " cost_per_area: remove it (the area still counts for utilities)"
                )
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
