"""Numeric field types of the outlook format that scenarios do not have: patients and
incidence that may be zero, money per patient, rooms that may be fractional or none,
adoption coefficients and times in years (see :mod:`genofab.model.quantities` for the
shared ones)."""

from __future__ import annotations

from genofab.model.parameter import CURRENCY_CODES, QuantitySpec, quantity
from genofab.model.quantities import MONEY, MONEY_PER_YEAR, RATE, YEARS, Fraction

PREVALENT_PATIENTS = QuantitySpec(
    "a number of patients",
    "25000 patients",
    ("patient",),
    bare_unit="patient",
    low=0,
    low_inclusive=True,
    plausible=(1, 1e9),
)
INCIDENCE = QuantitySpec(
    "patients per year",
    "557 patient/yr",
    ("patient/yr",),
    bare_unit="patient/yr",
    low=0,
    low_inclusive=True,
    plausible=(1e-3, 1e9),
)
MONEY_PER_PATIENT = QuantitySpec(
    "a cost per patient",
    "50000 EUR/patient",
    tuple(f"{code}/patient" for code in CURRENCY_CODES),
    low=0,
    low_inclusive=True,
    plausible=(1e-3, 1e9),
)
MONEY_PER_PATIENT_YEAR = QuantitySpec(
    "a cost per patient and year",
    "100000 EUR/patient/yr",
    tuple(f"{code}/patient/yr" for code in CURRENCY_CODES),
    low=0,
    low_inclusive=True,
    plausible=(1e-3, 1e9),
)
ROOMS = QuantitySpec(
    "a number of rooms",
    "4",
    (),
    bare_unit="",
    low=0,
    low_inclusive=True,
    plausible=(1e-3, 1e4),
)
BASS_COEFFICIENT = QuantitySpec(
    "a Bass coefficient per year", "0.03", ("1/yr",), bare_unit="1/yr", low=0, high=5
)
STEEPNESS = QuantitySpec(
    "a logistic steepness per year", "0.8", ("1/yr",), bare_unit="1/yr", low=0, high=20
)
TIME_YEARS = QuantitySpec(
    "a time in years", "2 yr", ("yr",), bare_unit="yr", low=0, low_inclusive=True, high=100
)

PrevalentPatients = quantity(PREVALENT_PATIENTS)
Incidence = quantity(INCIDENCE)
MoneyPerPatient = quantity(MONEY_PER_PATIENT)
MoneyPerPatientYear = quantity(MONEY_PER_PATIENT_YEAR)
Money = quantity(MONEY)
MoneyPerYear = quantity(MONEY_PER_YEAR)
Rooms = quantity(ROOMS)
BassCoefficient = quantity(BASS_COEFFICIENT)
Steepness = quantity(STEEPNESS)
TimeYears = quantity(TIME_YEARS)
Lifetime = quantity(YEARS)
Share = Fraction
DiscountRate = quantity(RATE)

# the network format (genofab-network/1) works on a grid of whole days
NETWORK_DURATION = QuantitySpec(
    "a whole number of days",
    "7 d",
    ("d",),
    low=0,
    low_inclusive=True,
    integer=True,
    plausible=(1, 365),
)
NETWORK_HORIZON = QuantitySpec(
    "a horizon in whole days",
    "365 d",
    ("d",),
    low=1,
    low_inclusive=True,
    high=3653,
    integer=True,
)
LOTS_AT_ONCE = QuantitySpec(
    "lots in manufacture at once",
    "10 lots",
    ("lot",),
    bare_unit="lot",
    low=1,
    low_inclusive=True,
    integer=True,
    plausible=(1, 1e5),
)
DEMAND_LEVEL = QuantitySpec(
    "patients per year",
    "500 patient/yr",
    ("patient/yr",),
    bare_unit="patient/yr",
    low=1,
    low_inclusive=True,
    high=1e6,
)

NetworkDuration = quantity(NETWORK_DURATION)
NetworkHorizon = quantity(NETWORK_HORIZON)
LotsAtOnce = quantity(LOTS_AT_ONCE)
DemandLevel = quantity(DEMAND_LEVEL)
