"""Economies of scale: evaluate a scenario over a range of one parameter in one vectorised
pass (working volume, demand, number of suites, titer ...) and return the cost per dose,
per patient and the fair price, with the breakdowns, at each point.

The scale rules live here (:func:`follow_scale_rules`): a downstream step whose
``scales_with`` is ``volume`` or ``amount`` has its output volume moved in proportion to the
volume or the amount of product entering it, relative to the scenario as stated. What hangs
on the volumes follows from them: materials per litre processed (filter area by flux),
per amount loaded (resin by binding capacity), containers, and equipment sized by a step's
volume (``size_from_step``), re-priced at each point through its exponent."""

from __future__ import annotations

from typing import Any

import numpy as np

from genofab.engines.arrays import Array, Values, per_sample, ratio_or_zero
from genofab.engines.capacity import YEARLY_DEMAND
from genofab.engines.economics import CATEGORIES, CAUSES
from genofab.engines.lot import (
    NO_ROOM_TIME_REASON,
    STATUS_REASONS,
    LotStatus,
    lot_arrays,
    step_path,
)
from genofab.engines.run import run_arrays
from genofab.errors import SettingError, UsageError
from genofab.model.scenario import Scenario
from genofab.model.steps import ProcessingStep
from genofab.results.run import ScenarioInfo
from genofab.results.scale import ScalePoint, ScaleResult

#: The most points a sweep may have.
MAX_POINTS = 10_000


def sweep_points(
    scenario: Scenario, path: str, low: float, high: float, points: int, log: bool = False
) -> Array:
    """``points`` values from ``low`` to ``high`` (base units), evenly or log-spaced; whole
    numbers, without repeats, for parameters that count (rooms, patients)."""
    _, spec = scenario.parameter(path)
    if not 2 <= points <= MAX_POINTS:
        raise SettingError("points", f"must be between 2 and {MAX_POINTS}, got {points}")
    if log and (low <= 0 or high <= 0):
        raise UsageError("a log-spaced sweep needs positive ends")
    grid = np.geomspace(low, high, points) if log else np.linspace(low, high, points)
    if spec is not None and spec.integer:
        grid = np.unique(np.round(grid))
    return np.asarray(grid, dtype=float)


def scale(
    scenario: Scenario, path: str, points: Array, origin: ScenarioInfo | None = None
) -> ScaleResult:
    """Cost per dose and its breakdowns at every value of ``path`` in ``points``, the
    downstream volumes following the scenario's scale rules."""
    values = scaled_values(scenario, path, points)
    unit = scenario.parameter(path)[0].unit
    return _sweep(scenario, path, unit, values, points, origin)


def scaled_values(scenario: Scenario, path: str, points: Array) -> dict[str, Any]:
    """The scenario's values with ``path`` at each of ``points`` (checked against its field's
    rules) and the downstream volumes following the scale rules: what :func:`scale` evaluates,
    and what a chain's scale gives the stage it scales."""
    parameter = scenario.check_values(path, points)
    base = scenario.values()
    values: dict[str, Any] = dict(base)
    values[path] = np.asarray(points, dtype=float) * (
        values[path] / parameter.value if parameter.value else 1.0
    )
    return follow_scale_rules(scenario, base, values, path)


def ruled_steps(scenario: Scenario, swept: str | None = None) -> list[int]:
    """The downstream steps (after production, before the fill) whose output volume follows
    a scale rule, in process order; a step whose output volume is ``swept`` keeps it."""
    process = scenario.process
    return [
        i
        for i, step in enumerate(process.steps)
        if isinstance(step, ProcessingStep)
        and step.scales_with is not None
        and process.production_index < i < process.fill_index
        and step_path(i, "output_volume") != swept
    ]


def follow_scale_rules(
    scenario: Scenario, base: Values, values: dict[str, Any], swept: str | None = None
) -> dict[str, Any]:
    """``values`` with each ruled step's output volume moved from its stated value (in
    ``base``) in proportion to what enters the step — its volume or its amount of product —
    at ``values`` against at ``base``: V = V₀ × Q ÷ Q₀. Steps are taken in process order, so
    each sees the volumes the rules before it set (one lot pass per ruled step)."""
    ruled = ruled_steps(scenario, swept)
    if not ruled:
        return values
    reference = lot_arrays(scenario, base)
    values = dict(values)
    for i in ruled:
        step = scenario.process.steps[i]
        assert isinstance(step, ProcessingStep)
        lot = lot_arrays(scenario, values)
        quantity = lot.volume if step.scales_with == "volume" else lot.amount
        at_base = (reference.volume if step.scales_with == "volume" else reference.amount)[i - 1]
        factor = np.where(at_base > 0, ratio_or_zero(quantity[i - 1], at_base), 1.0)
        path = step_path(i, "output_volume")
        values[path] = np.asarray(base[path], dtype=float) * factor
    return values


def demand_curve(
    scenario: Scenario, points: Array, origin: ScenarioInfo | None = None
) -> ScaleResult:
    """Cost per dose against the yearly demand (patients a year), whether or not the scenario
    states one: the economies-of-scale curve of a report."""
    values: dict[str, Any] = dict(scenario.values())
    values[YEARLY_DEMAND] = np.asarray(points, dtype=float)
    return _sweep(scenario, YEARLY_DEMAND, "patient/yr", values, points, origin)


def _sweep(
    scenario: Scenario,
    path: str,
    unit: str,
    values: dict[str, Any],
    points: Array,
    origin: ScenarioInfo | None,
) -> ScaleResult:
    arrays = run_arrays(scenario, values)
    lot, capacity, cost = arrays.lot, arrays.capacity, arrays.cost
    ruled = {scenario.process.steps[i].name: lot.volume[i] for i in ruled_steps(scenario)}
    price = None
    if cost is not None and scenario.economics is not None and scenario.economics.pricing:
        from genofab.engines.pricing import price_arrays

        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            price = price_arrays(scenario, arrays.values, cost)
    shape = np.shape(points)

    def at(array: Array, i: int) -> float:
        return float(per_sample(array, shape)[i])

    rows = []
    for i, value in enumerate(points):
        status = LotStatus(int(lot.status[i]))
        ok = status is LotStatus.OK and at(capacity.lots_per_year, i) >= 1
        reason = "ok" if ok else STATUS_REASONS.get(status, NO_ROOM_TIME_REASON)
        rooms = {room.kind: int(at(room.count, i)) for room in capacity.rooms}
        volumes = {name: at(volume, i) for name, volume in ruled.items()} if ok else None
        by_category = by_cause = None
        per_dose = per_patient = started = delivered = fair = area = None
        if ok and cost is not None:
            dose_count = at(cost.doses_delivered, i)
            by_category = {name: at(cost.annual[name], i) / dose_count for name in CATEGORIES}
            by_cause = {name: at(cost.by_cause[name], i) / dose_count for name in CAUSES}
            per_dose, per_patient = at(cost.cost_per_dose, i), at(cost.cost_per_patient, i)
            started, delivered = at(cost.lots_started, i), dose_count
            fair = None if price is None else at(price.total, i)
            area = at(cost.capital.floor_area, i)
        rows.append(
            ScalePoint(
                value=float(value),
                status=reason,
                patients_per_lot=int(at(lot.patients, i)) if ok else None,
                lots_per_year=int(at(capacity.lots_per_year, i)) if ok else None,
                lots_started_per_year=started,
                doses_delivered_per_year=delivered,
                rooms=rooms,
                step_volumes=volumes,
                cost_per_dose=per_dose,
                cost_per_patient=per_patient,
                fair_price_per_patient=fair,
                per_dose_by_category=by_category,
                per_dose_by_cause=by_cause,
                floor_area=area,
            )
        )
    return ScaleResult(
        scenario=origin or ScenarioInfo(name=scenario.name),
        path=path,
        unit=unit,
        currency=scenario.economics.currency if scenario.economics else None,
        points=tuple(rows),
    )
