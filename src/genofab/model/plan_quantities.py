"""Numeric field types of the plan format: lots, room places, money, multipliers, and
times that may be dates (declared with :mod:`genofab.model.parameter`)."""

from __future__ import annotations

from genofab.model.parameter import QuantitySpec, quantity

#: Currencies a plan may state money in (one per plan).
CURRENCIES = ("EUR", "USD", "GBP", "CHF")


def _money(what: str, example: str, per: str, *, low_inclusive: bool = True) -> QuantitySpec:
    units = tuple(f"{currency}{per}" for currency in CURRENCIES)
    return QuantitySpec(what, example, units, low=0, low_inclusive=low_inclusive)


LOT_COUNT = QuantitySpec(
    "a number of lots",
    "20 lots",
    ("lot",),
    bare_unit="lot",
    low=1,
    low_inclusive=True,
    integer=True,
)
ROOM_CAPACITY = QuantitySpec(
    "lots a room holds at once",
    "1 lot",
    ("lot",),
    bare_unit="lot",
    low=1,
    low_inclusive=True,
    integer=True,
)
STORAGE_CAPACITY = QuantitySpec(
    "lots storage holds at once",
    "4 lots",
    ("lot",),
    bare_unit="lot",
    low=0,
    low_inclusive=True,
    integer=True,
)
MONEY = _money("an amount of money", "25000 EUR", "")
MONEY_PER_LOT = _money("money per lot", "1.2e6 EUR/lot", "/lot")
MONEY_PER_LOT_TIME = QuantitySpec(
    "money per lot per unit of time",
    "5000 EUR/lot/d",
    tuple(f"{currency}/lot/d" for currency in CURRENCIES),
    low=0,
    low_inclusive=True,
)
MULTIPLIER = QuantitySpec("a multiplier", "150 %", (), bare_unit="", low=0, high=100)

DURATION_OR_DATE = QuantitySpec(
    "a date or a time from the start of the horizon",
    "26 wk",
    ("d",),
    low=0,
    low_inclusive=True,
)

LotCount = quantity(LOT_COUNT)
RoomCapacity = quantity(ROOM_CAPACITY)
StorageCapacity = quantity(STORAGE_CAPACITY)
Money = quantity(MONEY)
MoneyPerLot = quantity(MONEY_PER_LOT)
MoneyPerLotTime = quantity(MONEY_PER_LOT_TIME)
Multiplier = quantity(MULTIPLIER)
