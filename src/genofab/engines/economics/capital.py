"""Capital: equipment purchase prices scaled to size, installed cost (Lang factor or itemised
factors), building cost by area, and what capital costs a year — straight-line depreciation,
or a capital charge (an annuity at the cost of capital) when one is stated. Element-wise over
samples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from genofab.engines.arrays import Array, Values, ratio, reader, whole_ceil
from genofab.engines.economics.lines import LineCost, driven
from genofab.engines.finance import capital_charge, straight_line_depreciation
from genofab.engines.lot import LotArrays
from genofab.model.economics import (
    LITRES_PER_CUBIC_METRE,
    AreaItem,
    Economics,
    EquipmentItem,
)
from genofab.model.scenario import Scenario


@dataclass(frozen=True)
class CapitalItem:
    """One area or piece of equipment: what it is bought at (an equipment price scaled from
    its reference size: ``size``, ``reference_size`` and ``exponent``, else None), its
    purchase (or building) cost for all its units and rooms, the installation added to it,
    the years it is recovered over and what it costs a year (recovery and running)."""

    name: str
    path: str  # where it is declared: economics.areas[i] or economics.equipment[i]
    kind: str  # "building" or "equipment"
    units: Array
    area: Array | None  # a building's floor area for all its units, m²
    reference_cost: Array | None
    size: Array | None
    reference_size: Array | None
    size_unit: str | None
    exponent: Array | None
    purchase: Array
    installation: Array
    years: Array
    recovery: Array
    running: Array

    @property
    def installed(self) -> Array:
        return self.purchase + self.installation


@dataclass(frozen=True)
class CapitalArrays:
    """Capital in the scenario's currency and its yearly cost lines."""

    building: Array
    equipment_purchase: Array
    installation: Array
    depreciation: Array
    capital_charge: Array
    lines: list[LineCost]
    size_warnings: list[tuple[str, str]]
    items: tuple[CapitalItem, ...] = ()

    @property
    def floor_area(self) -> Array:
        """The buildings' floor area, m²: every area item for all its units."""
        return sum((item.area for item in self.items if item.area is not None), start=np.zeros(()))

    @property
    def total(self) -> Array:
        """Building + installed equipment."""
        return self.building + self.equipment_purchase + self.installation

    @property
    def recovery(self) -> Array:
        """What the cost of goods charges for capital a year: the capital charge when a cost
        of capital is stated, else straight-line depreciation."""
        return self.capital_charge


def scaled_purchase(reference_cost: Array, size: Array, reference: Array, exponent: Array) -> Array:
    """Purchase price at ``size`` from the price at ``reference`` size: C₀ (S ÷ S₀)ⁿ."""
    return reference_cost * ratio(size, reference) ** exponent


def equipment_size(
    item: EquipmentItem, prefix: str, values: Values, lot: LotArrays, steps: dict[str, int]
) -> Array | None:
    """The size an item is bought at, in the root unit of its reference size: its ``size``,
    the volume of its step (m³), or None."""
    if item.reference_size is None:
        return None
    if item.size_from_step is not None:
        return lot.volume[steps[item.size_from_step]] / LITRES_PER_CUBIC_METRE
    return np.asarray(values[prefix + "size"], dtype=float)


def capital_arrays(
    scenario: Scenario,
    economics: Economics,
    values: Values,
    lot: LotArrays,
    rooms: Callable[[str | None], Array],
    lots_per_year: Array,
) -> CapitalArrays:
    """Capital and its yearly cost lines (recovery, then running: maintenance, insurance,
    utilities); ``rooms(kind)`` is the number of rooms of a kind (1 for None) and
    ``lots_per_year`` the lots the facility can make a year (areas that follow the lots)."""
    v = reader(values, "economics.")
    zero = np.zeros(())
    salvage = v("salvage_fraction")
    running_rate = v("maintenance_rate") + v("insurance_rate")
    utilities = v("utilities_per_area")
    rate = v("cost_of_capital") if economics.cost_of_capital is not None else None
    lang = economics.installation.lang_factor if economics.installation else None
    factors = sum(
        (
            v(f"installation.factors.{name}")
            for name in (economics.installation.factors if economics.installation else {})
        ),
        start=zero,
    )
    steps = {step.name: i for i, step in enumerate(scenario.process.steps)}
    lines: list[LineCost] = []
    items: list[CapitalItem] = []
    warnings: list[tuple[str, str]] = []
    depreciation_total = charge_total = building = purchase_total = installed_extra = zero

    def recover(capital: Array, years: Array) -> tuple[Array, Array]:
        depreciation = straight_line_depreciation(capital, capital * salvage, years)
        charge = (
            depreciation
            if rate is None
            else capital_charge(capital, capital * salvage, rate, years)
        )
        return depreciation, charge

    for i, area_item in enumerate(economics.areas):
        prefix = f"areas[{i}]."
        units = area_units(
            area_item,
            rooms,
            lots_per_year,
            v(prefix + "lots_per_year") if area_item.lots_per_year is not None else None,
        )
        area = v(prefix + "area") * units
        capital = area * v(prefix + "cost_per_area")
        depreciation, charge = recover(capital, v("building_depreciation_years"))
        building = building + capital
        depreciation_total, charge_total = depreciation_total + depreciation, charge_total + charge
        running = capital * running_rate + area * utilities
        lines += _capital_lines(
            area_item.name, charge, running, area_item.per_room, area_item.quality
        )
        items.append(
            CapitalItem(
                name=area_item.name,
                path=f"economics.areas[{i}]",
                kind="building",
                units=units,
                area=area,
                reference_cost=None,
                size=None,
                reference_size=None,
                size_unit=None,
                exponent=None,
                purchase=capital,
                installation=zero,
                years=v("building_depreciation_years"),
                recovery=charge,
                running=running,
            )
        )
    for i, item in enumerate(economics.equipment):
        prefix = f"economics.equipment[{i}]."
        p = reader(values, prefix)
        price = p("cost")
        size = equipment_size(item, prefix, values, lot, steps)
        if size is not None:
            price = scaled_purchase(price, size, p("reference_size"), p("exponent"))
            warnings += _range_warnings(item, prefix, size, p)
        units = p("count") * rooms(item.per_room)
        purchase = price * units
        years = (
            p("depreciation_years")
            if item.depreciation_years is not None
            else v("equipment_depreciation_years")
        )
        if lang is not None:
            extra = purchase * (v("installation.lang_factor") - 1.0)
            dep_e, charge_e = recover(purchase, years)
            dep_b, charge_b = recover(extra, v("building_depreciation_years"))
            depreciation, charge = dep_e + dep_b, charge_e + charge_b
        else:
            extra = purchase * factors
            depreciation, charge = recover(purchase + extra, years)
        purchase_total, installed_extra = purchase_total + purchase, installed_extra + extra
        depreciation_total, charge_total = depreciation_total + depreciation, charge_total + charge
        running = (purchase + extra) * running_rate
        lines += _capital_lines(item.name, charge, running, item.per_room, item.quality)
        items.append(
            CapitalItem(
                name=item.name,
                path=f"economics.equipment[{i}]",
                kind="equipment",
                units=units,
                area=None,
                reference_cost=None if size is None else p("cost"),
                size=size,
                reference_size=None if size is None else p("reference_size"),
                size_unit=None if item.reference_size is None else item.reference_size.unit,
                exponent=None if size is None else p("exponent"),
                purchase=purchase,
                installation=extra,
                years=years,
                recovery=charge,
                running=running,
            )
        )
    return CapitalArrays(
        building=building,
        equipment_purchase=purchase_total,
        installation=installed_extra,
        depreciation=depreciation_total,
        capital_charge=charge_total,
        lines=lines,
        size_warnings=warnings,
        items=tuple(items),
    )


def area_units(
    item: AreaItem,
    rooms: Callable[[str | None], Array],
    lots_per_year: Array,
    block: Array | None,
) -> Array:
    """How many times an area is built: once per room of its kind (``per_room``), once per
    ``block`` of lots (its ``lots_per_year``) of the ``lots_per_year`` the facility can make
    (rounded up, at least once), or once."""
    if block is not None:
        return np.maximum(whole_ceil(ratio(lots_per_year, block)), 1.0)
    return rooms(item.per_room)


def _capital_lines(
    name: str, charge: Array, running: Array, room: str | None, quality: bool
) -> list[LineCost]:
    """An item's two facility lines a year: its capital recovery and its running cost."""
    return [
        driven(
            "fixed",
            charge,
            name=f"{name}: capital",
            category="facility",
            kind="capital",
            room=room,
            quality=quality,
            basis="capital",
        ),
        driven(
            "fixed",
            running,
            name=f"{name}: running",
            category="facility",
            kind="running",
            room=room,
            quality=quality,
            basis="running",
        ),
    ]


def _range_warnings(
    item: EquipmentItem, prefix: str, size: Array, p: Callable[[str], Array]
) -> list[tuple[str, str]]:
    """A size outside the range the scaling rule was stated for (first sample checked only
    when sampled: warnings are for deterministic runs)."""
    found = []
    shown = float(np.ravel(size)[0]) if np.size(size) else float("nan")
    unit = item.reference_size.unit if item.reference_size else ""
    if item.valid_from is not None and shown < float(np.ravel(p("valid_from"))[0]):
        found.append(
            (
                prefix + "valid_from",
                f"'{item.name}' is sized at {shown:g} {unit}, below"
                f" the range its price scaling holds for ({item.valid_from.given})",
            )
        )
    if item.valid_to is not None and shown > float(np.ravel(p("valid_to"))[0]):
        found.append(
            (
                prefix + "valid_to",
                f"'{item.name}' is sized at {shown:g} {unit}, above"
                f" the range its price scaling holds for ({item.valid_to.given})",
            )
        )
    return found
