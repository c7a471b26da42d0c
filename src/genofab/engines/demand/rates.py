"""What one patient of a product takes: room-years of each room kind, and a variable cost.

From a scenario's lot and capacity arrays: a room of kind k completes ``lots_per_room_year``
lots a year; a lot treats ``patients`` patients when it succeeds, and a share
``failure probability`` of lots fail, so one patient takes 1 ÷ (lots per room-year ×
patients per lot × (1 − failure probability)) room-years of kind k. The variable cost of a
patient is the variable cost of a started lot ÷ good patients per lot (failed lots' materials
included). Element-wise over samples, like the engines it reads.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np

from genofab.engines.arrays import Array, Values, ratio, ratio_or_zero
from genofab.engines.run import run_arrays
from genofab.model.scenario import Scenario


@dataclass(frozen=True)
class ProductRates:
    """Room-years per patient by the scenario's room kinds, variable cost per patient (in the
    scenario's currency; 0 without economics), doses per patient and good patients per lot."""

    room_years_per_patient: dict[str, Array]
    cost_per_patient: Array
    doses_per_patient: Array
    good_patients_per_lot: Array
    currency: str | None


def overridden_values(scenario: Scenario, overrides: Mapping[str, float]) -> dict[str, float]:
    """The scenario's engine values with some parameters set to other values (base units, in
    the parameter's own currency; converted here as :meth:`Scenario.values` converts)."""
    values = scenario.values()
    economics = scenario.economics
    currencies = {path: parameter.currency for path, parameter in scenario.parameters()}
    for path, value in overrides.items():
        currency = currencies.get(path)
        rate = economics.rate(currency) if economics is not None and currency else 1.0
        values[path] = value * rate
    return values


def product_rates(scenario: Scenario, values: Values | None = None) -> ProductRates:
    """Rates of one product, for the scenario's own values or for samples of them."""
    arrays = run_arrays(scenario, scenario.values() if values is None else values)
    success: Array = np.asarray(1.0)
    cost = arrays.cost
    if cost is not None:
        success = 1.0 - ratio_or_zero(cost.failed_lots, cost.lots_started)
    good_patients = np.asarray(arrays.lot.patients, dtype=float) * success
    rooms = {
        room.kind: ratio(1.0, np.asarray(room.lots_per_room_year, dtype=float) * good_patients)
        for room in arrays.capacity.rooms  # the room kinds the process uses
    }
    variable: Array = np.asarray(0.0)
    if cost is not None:
        variable = sum(cost.variable_per_lot.values(), start=np.zeros(()))
    return ProductRates(
        room_years_per_patient=rooms,
        cost_per_patient=ratio(variable, good_patients),
        doses_per_patient=np.asarray(arrays.lot.doses_per_patient, dtype=float),
        good_patients_per_lot=good_patients,
        currency=scenario.economics.currency if scenario.economics is not None else None,
    )


def stage_rates(stages: list[tuple[ProductRates, bool]]) -> ProductRates:
    """A product made in stages (e.g. the vector, then the patient's cell product): a patient
    needs each stage's room-years (added where stages share a room kind); the costs of the
    stages that count add up; doses per patient and good patients per lot are the last
    stage's (the one that makes what the patient receives)."""
    rooms: dict[str, Array] = {}
    cost: Array = np.asarray(0.0)
    currencies = set()
    for rates, counts in stages:
        for kind, rate in rates.room_years_per_patient.items():
            rooms[kind] = rooms[kind] + rate if kind in rooms else rate
        if counts:
            cost = cost + rates.cost_per_patient
            if rates.currency is not None:
                currencies.add(rates.currency)
    last = stages[-1][0]
    if len(currencies) > 1:
        raise ValueError(f"stages count money in several currencies: {sorted(currencies)}")
    return ProductRates(
        room_years_per_patient=rooms,
        cost_per_patient=cost,
        doses_per_patient=last.doses_per_patient,
        good_patients_per_lot=last.good_patients_per_lot,
        currency=next(iter(currencies), None),
    )


def planned_rates(
    rates: ProductRates, rooms: Mapping[str, str], resources: Collection[str]
) -> tuple[dict[str, Array], tuple[str, ...]]:
    """Room-years per patient keyed by planned resource: each room kind of the scenarios is
    renamed by ``rooms`` (where given) and kept when it is one of ``resources`` (kinds mapped
    to one resource add up); the room kinds left out are returned too (they do not limit)."""
    planned: dict[str, Array] = {}
    unplanned: list[str] = []
    for kind, rate in rates.room_years_per_patient.items():
        resource = rooms.get(kind, kind)
        if resource in resources:
            planned[resource] = planned[resource] + rate if resource in planned else rate
        else:
            unplanned.append(kind)
    return planned, tuple(unplanned)
