"""The kinds of numeric fields a scenario has: units, bounds and plausible ranges.

Each constant is a :class:`~genofab.model.parameter.QuantitySpec`; each capitalised name next to
it is the pydantic field type that parses and checks a value of that kind.
"""

from __future__ import annotations

from genofab.model.parameter import (
    CURRENCY_CODES,
    PER_CELL,
    PRODUCT_SYMBOLS,
    QuantitySpec,
    quantity,
)

MINUTE = 1 / 1440  # in days


def _product_units(template: str) -> tuple[str, ...]:
    return tuple(template.format(P=symbol) for symbol in PRODUCT_SYMBOLS)


def _money_units(template: str) -> tuple[str, ...]:
    return tuple(template.format(C=code) for code in CURRENCY_CODES)


VOLUME = QuantitySpec("a volume", "200 L", ("L",), low=0, plausible=(1e-6, 1e6))
VOLUME_OR_ZERO = QuantitySpec(
    "a volume", "0.1 mL", ("L",), low=0, low_inclusive=True, plausible=(1e-6, 1e6)
)
DURATION = QuantitySpec("a duration", "14 d", ("d",), low=0, plausible=(MINUTE, 3653))
DURATION_OR_ZERO = QuantitySpec(
    "a duration", "12 h", ("d",), low=0, low_inclusive=True, plausible=(MINUTE, 3653)
)
MASS = QuantitySpec("a body weight", "60 kg", ("kg",), low=0, plausible=(0.3, 500))
FRACTION = QuantitySpec("a fraction", "85 %", (), bare_unit="", low=0, high=1, percent_hint=True)
POSITIVE_NUMBER = QuantitySpec("a positive number", "10", (), bare_unit="", low=0)
WEEKS_PER_YEAR = QuantitySpec(
    "operating weeks per year",
    "50",
    ("wk", "wk/yr"),
    bare_unit="wk",
    low=0,
    high=52.18,
)
ROOM_COUNT = QuantitySpec(
    "a number of rooms",
    "2",
    (),
    bare_unit="",
    low=1,
    low_inclusive=True,
    integer=True,
    plausible=(1, 1000),
)
CONCURRENT_LOTS = QuantitySpec(
    "a number of lots at once",
    "1",
    ("lot",),
    bare_unit="lot",
    low=1,
    low_inclusive=True,
    integer=True,
    plausible=(1, 1000),
)
VIAL_COUNT = QuantitySpec(
    "a number of vials",
    "10 vials",
    ("vial",),
    bare_unit="vial",
    low=0,
    low_inclusive=True,
    integer=True,
    plausible=(1, 1e7),
)
PATIENT_COUNT = QuantitySpec(
    "a number of patients",
    "100 patients",
    ("patient",),
    bare_unit="patient",
    low=1,
    low_inclusive=True,
    integer=True,
    plausible=(1, 1e9),
)
PATIENT_RATE = QuantitySpec(
    "patients per year",
    "100 patient/yr",
    ("patient/yr",),
    bare_unit="patient/yr",
    low=0,
    plausible=(1e-3, 1e9),
)
DOSES_PER_PATIENT = QuantitySpec(
    "doses per patient",
    "1 dose/patient",
    ("dose/patient",),
    bare_unit="dose/patient",
    low=1,
    low_inclusive=True,
    integer=True,
    plausible=(1, 1000),
)
LOTS_PER_YEAR = QuantitySpec(
    "lots per year",
    "24 lot/yr",
    ("lot/yr",),
    bare_unit="lot/yr",
    low=0,
    plausible=(1e-3, 1e6),
)
PRODUCT_AMOUNT = QuantitySpec(
    "an amount of product",
    "2e9 TU",
    _product_units("{P}"),
    low=0,
    counts_product=True,
    plausible=(1, 1e20),
)
PRODUCT_CONCENTRATION = QuantitySpec(
    "an amount per volume",
    "1.5e7 TU/mL",
    _product_units("{P}/L"),
    low=0,
    counts_product=True,
    plausible=(1, 1e21),
)
PRODUCT_PER_MASS = QuantitySpec(
    "an amount per kg of body weight",
    "1.1e14 vg/kg",
    _product_units("{P}/kg"),
    low=0,
    counts_product=True,
    plausible=(1, 1e18),
)
PER_CELL_RATIO = QuantitySpec(
    "an amount per cell",
    "10 TU/cell",
    _product_units("{P}/cell"),
    bare_unit=PER_CELL,
    low=0,
    counts_product=True,
    plausible=(1e-6, 1e7),
)
CELL_COUNT = QuantitySpec("a number of cells", "1.8e8 cells", ("cell",), low=0, plausible=(1, 1e14))
CELLS_PER_MASS = QuantitySpec(
    "cells per kg of body weight", "3e6 cells/kg", ("cell/kg",), low=0, plausible=(1, 1e12)
)
CELL_DENSITY = QuantitySpec(
    "a cell density", "4e6 cells/mL", ("cell/L",), low=0, plausible=(1e3, 1e13)
)

Volume = quantity(VOLUME)
VolumeOrZero = quantity(VOLUME_OR_ZERO)
Duration = quantity(DURATION)
DurationOrZero = quantity(DURATION_OR_ZERO)
Mass = quantity(MASS)
Fraction = quantity(FRACTION)
PositiveNumber = quantity(POSITIVE_NUMBER)
WeeksPerYear = quantity(WEEKS_PER_YEAR)
RoomCount = quantity(ROOM_COUNT)
ConcurrentLots = quantity(CONCURRENT_LOTS)
VialCount = quantity(VIAL_COUNT)
PatientCount = quantity(PATIENT_COUNT)
PatientRate = quantity(PATIENT_RATE)
LotsPerYear = quantity(LOTS_PER_YEAR)
DosesPerPatient = quantity(DOSES_PER_PATIENT)
ProductAmount = quantity(PRODUCT_AMOUNT)
ProductConcentration = quantity(PRODUCT_CONCENTRATION)
ProductPerMass = quantity(PRODUCT_PER_MASS)
PerCellRatio = quantity(PER_CELL_RATIO)
CellCount = quantity(CELL_COUNT)
CellsPerMass = quantity(CELLS_PER_MASS)
CellDensity = quantity(CELL_DENSITY)

MONEY = QuantitySpec(
    "an amount of money",
    "800 kEUR",
    _money_units("{C}"),
    low=0,
    low_inclusive=True,
    plausible=(1e-6, 1e12),
)
POSITIVE_MONEY = QuantitySpec(
    "an amount of money", "150 MEUR", _money_units("{C}"), low=0, plausible=(1e-6, 1e12)
)
MONEY_PER_AREA = QuantitySpec(
    "a cost per area",
    "6000 EUR/m²",
    _money_units("{C}/m**2"),
    low=0,
    low_inclusive=True,
    plausible=(0.1, 1e6),
)
MONEY_PER_AREA_YEAR = QuantitySpec(
    "a cost per area and year",
    "150 EUR/m²/yr",
    _money_units("{C}/m**2/yr"),
    low=0,
    low_inclusive=True,
)
MONEY_PER_YEAR = QuantitySpec(
    "a cost per year", "67500 EUR/yr", _money_units("{C}/yr"), low=0, low_inclusive=True
)
MONEY_PER_HOUR = QuantitySpec("a cost per hour", "42.2 EUR/h", _money_units("{C}/h"), low=0)
LABOUR_HOURS = QuantitySpec(
    "a number of working hours", "120 h", ("h",), low=0, low_inclusive=True, plausible=(1e-3, 1e7)
)
FACTOR = QuantitySpec(
    "a factor", "4.5", (), bare_unit="", low=0, low_inclusive=True, plausible=(1e-3, 100)
)
SCALE_EXPONENT = QuantitySpec(
    "a scaling exponent", "0.6", (), bare_unit="", low=0, low_inclusive=True, high=1.5
)
SIZE = QuantitySpec(
    "a size", "200 L", (), bare_unit="", low=0, any_dimension=True, plausible=(1e-9, 1e20)
)
AREA = QuantitySpec("an area", "250 m²", ("m**2",), low=0, plausible=(0.1, 1e6))
HOURS = QuantitySpec("a number of hours", "1600 h", ("h",), low=0, plausible=(1, 8784))
YEARS = QuantitySpec(
    "a number of years", "15 yr", ("yr",), bare_unit="yr", low=0, plausible=(0.1, 100)
)
FTE = QuantitySpec(
    "full-time equivalents",
    "12",
    (),
    bare_unit="",
    low=0,
    low_inclusive=True,
    plausible=(1e-3, 1e5),
)
RATE = QuantitySpec(
    "a rate", "3 %", (), bare_unit="", low=0, low_inclusive=True, high=1, percent_hint=True
)
PROBABILITY = QuantitySpec(
    "a probability",
    "5 %",
    (),
    bare_unit="",
    low=0,
    low_inclusive=True,
    high=0.99,
    percent_hint=True,
)
COUNT = QuantitySpec(
    "a count", "2", (), bare_unit="", low=1, low_inclusive=True, integer=True, plausible=(1, 1e7)
)
LOSS = QuantitySpec(
    "a fraction lost",
    "5 %",
    (),
    bare_unit="",
    low=0,
    low_inclusive=True,
    high=0.99,
    percent_hint=True,
)
AMOUNT = QuantitySpec("an amount", "1 mg", (), bare_unit="", low=0, any_dimension=True)
UNIT_PRICE = QuantitySpec(
    "a price", "250 EUR/mg", (), low=0, low_inclusive=True, any_dimension=True, needs_currency=True
)

Money = quantity(MONEY)
PositiveMoney = quantity(POSITIVE_MONEY)
MoneyPerArea = quantity(MONEY_PER_AREA)
MoneyPerAreaYear = quantity(MONEY_PER_AREA_YEAR)
MoneyPerYear = quantity(MONEY_PER_YEAR)
MoneyPerHour = quantity(MONEY_PER_HOUR)
LabourHours = quantity(LABOUR_HOURS)
Factor = quantity(FACTOR)
ScaleExponent = quantity(SCALE_EXPONENT)
Size = quantity(SIZE)
Area = quantity(AREA)
Hours = quantity(HOURS)
Years = quantity(YEARS)
Fte = quantity(FTE)
Rate = quantity(RATE)
Probability = quantity(PROBABILITY)
Count = quantity(COUNT)
Loss = quantity(LOSS)
Amount = quantity(AMOUNT)
UnitPrice = quantity(UNIT_PRICE)
