"""Numeric field types of the plan format that scenarios do not have: lots, room places,
money per lot, multipliers, and times that may be dates (see :mod:`genofab.model.quantities`
for the shared ones)."""

from __future__ import annotations

from genofab.model.parameter import CURRENCY_CODES, QuantitySpec, quantity

#: Upper bounds of plan quantities: far above any real facility, low enough that the
#: schedulers' arrays and integers stay small (issue 9: a plan must not exhaust memory).
MAX_LOTS_PER_DEMAND = 5_000
MAX_ROOMS_PER_GROUP = 100
MAX_ROOM_CAPACITY = 1_000
MAX_MONEY_PER_LOT = 1e10
MAX_MONEY_PER_LOT_DAY = 1e9


def _money(what: str, example: str, per: str) -> QuantitySpec:
    units = tuple(f"{currency}{per}" for currency in CURRENCY_CODES)
    return QuantitySpec(what, example, units, low=0, low_inclusive=True, high=MAX_MONEY_PER_LOT)


LOT_COUNT = QuantitySpec(
    "a number of lots",
    "20 lots",
    ("lot",),
    bare_unit="lot",
    low=1,
    low_inclusive=True,
    high=MAX_LOTS_PER_DEMAND,
    integer=True,
)
ROOM_COUNT = QuantitySpec(
    "a number of rooms",
    "4",
    (),
    bare_unit="",
    low=1,
    low_inclusive=True,
    high=MAX_ROOMS_PER_GROUP,
    integer=True,
)
ROOM_CAPACITY = QuantitySpec(
    "lots a room holds at once",
    "1 lot",
    ("lot",),
    bare_unit="lot",
    low=1,
    low_inclusive=True,
    high=MAX_ROOM_CAPACITY,
    integer=True,
)
STORAGE_CAPACITY = QuantitySpec(
    "lots storage holds at once",
    "4 lots",
    ("lot",),
    bare_unit="lot",
    low=0,
    low_inclusive=True,
    high=MAX_LOTS_PER_DEMAND,
    integer=True,
)
MONEY_PER_LOT = _money("money per lot", "1.2e6 EUR/lot", "/lot")
MONEY_PER_LOT_TIME = QuantitySpec(
    "money per lot per unit of time",
    "5000 EUR/lot/d",
    tuple(f"{currency}/lot/d" for currency in CURRENCY_CODES),
    low=0,
    low_inclusive=True,
    high=MAX_MONEY_PER_LOT_DAY,
)
MULTIPLIER = QuantitySpec("a multiplier", "150 %", (), bare_unit="", low=0, high=100)

DURATION_OR_DATE = QuantitySpec(
    "a date or a time from the start of the horizon",
    "26 wk",
    ("d",),
    low=0,
    low_inclusive=True,
    high=36_525,
)

LotCount = quantity(LOT_COUNT)
RoomCount = quantity(ROOM_COUNT)
RoomCapacity = quantity(ROOM_CAPACITY)
StorageCapacity = quantity(STORAGE_CAPACITY)
MoneyPerLot = quantity(MONEY_PER_LOT)
MoneyPerLotTime = quantity(MONEY_PER_LOT_TIME)
Multiplier = quantity(MULTIPLIER)
