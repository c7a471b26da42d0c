"""Cost-of-goods engine: what a year of production costs, by category and by step, and what
that makes per lot, per dose and per patient.

The facility starts as many lots a year as the demand needs (allowing for lot failures), at
most its capacity; with no yearly demand it runs at capacity. Variable costs (materials,
consumables, QC tests) are paid per lot started — a failed lot costs its materials and its
room time and delivers nothing. Fixed costs (labour, facility, overhead) are paid whether or
not a lot runs. The annual cost is also split by cause: doses delivered, surplus doses (made
beyond the demand), failed lots and idle capacity, so a half-empty facility shows why it is
expensive. Element-wise over samples, like the lot and capacity engines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from genofab.engines.arrays import (
    Array,
    Values,
    ratio,
    reader,
    whole_ceil,
)
from genofab.engines.capacity import YEARLY_DEMAND, CapacityArrays
from genofab.engines.failures import failure_arrays
from genofab.engines.finance import straight_line_depreciation
from genofab.engines.lot import LotArrays, step_path
from genofab.model.economics import Basis, Economics
from genofab.model.scenario import Scenario
from genofab.model.steps import QCReleaseStep
from genofab.results.economics import CostLine, EconomicsResult, FairPrice, StepCost

#: Cost categories, in the order reports show them; they sum to the annual cost.
CATEGORIES = ("materials", "consumables", "qc", "labour", "facility", "overhead")
#: Causes the annual cost is split into; they also sum to the annual cost.
CAUSES = ("doses_delivered", "surplus_doses", "failed_lots", "idle_capacity")


#: How many of the lots started in a year fail, given the lots started and the probability
#: that one lot fails: the expected number in a deterministic run, a draw in the Monte Carlo.
FailedLots = Callable[[Array, Array], Array]


def expected_failures(started: Array, probability: Array) -> Array:
    """The expected number of failed lots: lots started × failure probability."""
    return started * probability


@dataclass(frozen=True)
class _CostParts:
    """What the cost split by cause and by step is computed from (on first use: a Monte
    Carlo of headline figures never needs it)."""

    scenario: Scenario
    values: Values
    occupancy: dict[str, Array]
    lots_per_year: Array
    per_step: list[Array]
    qc: Array
    room_fixed: dict[str, Array]


@dataclass(frozen=True)
class CostArrays:
    """Yearly and per-unit costs in the scenario's currency; each broadcasts to the sample
    shape. ``demand_met``: the lots that succeed make the doses the yearly demand needs."""

    lots_started: Array
    failed_lots: Array
    good_lots: Array
    doses_made: Array
    doses_delivered: Array
    patients_treated: Array
    annual: dict[str, Array]
    variable_per_lot: dict[str, Array]
    fixed_annual: Array
    depreciation: Array
    capital_building: Array
    capital_equipment: Array
    fte: Array
    total: Array
    cost_per_lot: Array
    cost_per_dose: Array
    cost_per_patient: Array
    qc_tests_per_patient: Array
    demand_met: NDArray[np.bool_] | None
    parts: _CostParts = field(repr=False, compare=False)

    @cached_property
    def by_cause(self) -> dict[str, Array]:
        """The annual cost split by cause: doses delivered, surplus doses, failed lots and
        idle capacity (they sum to the total)."""
        started, failed_lots = self.lots_started, self.failed_lots
        variable_per_lot = sum(self.variable_per_lot.values(), start=np.zeros(()))
        used = ratio(started, self.parts.lots_per_year)
        failed = failed_lots * variable_per_lot + self.fixed_annual * ratio(
            failed_lots, self.parts.lots_per_year
        )
        idle = self.fixed_annual * (1.0 - used)
        good_cost = self.total - failed - idle
        surplus = good_cost * (1.0 - ratio(self.doses_delivered, self.doses_made))
        return {
            "doses_delivered": good_cost - surplus,
            "surplus_doses": surplus,
            "failed_lots": failed,
            "idle_capacity": idle,
        }

    @cached_property
    def step_per_lot(self) -> tuple[Array, ...]:
        """Cost per lot at each step: its direct materials, the QC tests on the release step,
        and the fixed cost of its room kind shared among that kind's steps by duration."""
        return self._by_step[0]

    @cached_property
    def site_per_lot(self) -> Array:
        """Fixed cost per lot not tied to a step's room (and QC tests with no release step)."""
        return self._by_step[1]

    @cached_property
    def _by_step(self) -> tuple[tuple[Array, ...], Array]:
        parts, started = self.parts, self.lots_started
        steps = parts.scenario.process.steps
        v = reader(parts.values)
        step_per_lot = list(parts.per_step)
        for i, step in enumerate(steps):
            if isinstance(step, QCReleaseStep):
                step_per_lot[i] = step_per_lot[i] + parts.qc
        allocated = np.zeros(())
        for i, step in enumerate(steps):
            if step.room in parts.room_fixed and step.room in parts.occupancy:
                share = ratio(v(step_path(i, "duration")), parts.occupancy[step.room])
                step_cost = ratio(parts.room_fixed[step.room], started) * share
                step_per_lot[i] = step_per_lot[i] + step_cost
                allocated = allocated + step_cost * started
        unassigned_qc = parts.qc if not any(isinstance(s, QCReleaseStep) for s in steps) else 0.0
        site = ratio(self.fixed_annual - allocated, started) + unassigned_qc
        return tuple(step_per_lot), site


def sized_values(scenario: Scenario, values: Values, lot: LotArrays, cap: CapacityArrays) -> Values:
    """``values`` with every used room kind's count set to the rooms the yearly demand needs
    (lot failures included), at least one: the facility sized to the demand."""
    economics = scenario.economics
    if economics is None or YEARLY_DEMAND not in values:
        return values
    started = _lots_to_start(values, lot, failure_arrays(scenario, values).probability, np.inf)
    sized = dict(values)
    by_kind = {room.kind: room for room in cap.rooms}
    for i, room in enumerate(scenario.facility.rooms):
        if room.kind in by_kind:
            needed = whole_ceil(ratio(started, by_kind[room.kind].lots_per_room_year))
            sized[f"facility.rooms[{i}].count"] = np.maximum(needed, 1.0)
    return sized


def cost_arrays(
    scenario: Scenario,
    values: Values,
    lot: LotArrays,
    cap: CapacityArrays,
    failures: FailedLots = expected_failures,
) -> CostArrays:
    """Annual cost of the scenario's production and its unit costs, for every sample;
    ``failures`` gives the lots of a year that fail (by default the expected number)."""
    economics = scenario.economics
    assert economics is not None, "cost_arrays needs a scenario with an economics section"
    v = reader(values)
    lot_failures = failure_arrays(scenario, values)
    failure = lot_failures.probability
    started = _lots_to_start(values, lot, failure, cap.lots_per_year)
    failed_lots = failures(started, failure)
    good = started - failed_lots
    # doses beyond whole patients (an autologous lot's spare bags) can go to no one
    doses_made = good * lot.patients * lot.doses_per_patient
    demand_met = None
    if YEARLY_DEMAND in values:
        wanted = v(YEARLY_DEMAND) * lot.doses_per_patient
        delivered = np.minimum(doses_made, wanted)
        demand_met = doses_made >= wanted
    else:
        delivered = doses_made

    # a lot found failed at a step runs no later step: their costs count as often as they run
    materials, consumables, per_step = _materials(
        scenario, economics, values, lot, lot_failures.reach
    )
    release = [
        i for i, step in enumerate(scenario.process.steps) if isinstance(step, QCReleaseStep)
    ]
    qc = sum(
        (v(f"economics.qc_tests[{i}].cost") for i in range(len(economics.qc_tests))),
        start=np.zeros(()),
    ) * (lot_failures.reach[release[0]] if release else 1.0)
    fixed = _fixed_costs(scenario, economics, values)
    labour, facility = fixed.labour, fixed.facility
    overhead = v("economics.overhead_rate") * (labour + facility - fixed.depreciation) + v(
        "economics.overhead_per_year"
    )
    annual = {
        "materials": started * materials,
        "consumables": started * consumables,
        "qc": started * qc,
        "labour": labour,
        "facility": facility,
        "overhead": overhead,
    }
    total = sum(annual.values(), start=np.zeros(()))
    patients = ratio(delivered, lot.doses_per_patient)
    return CostArrays(
        lots_started=started,
        failed_lots=failed_lots,
        good_lots=good,
        doses_made=doses_made,
        doses_delivered=delivered,
        patients_treated=patients,
        annual=annual,
        variable_per_lot={"materials": materials, "consumables": consumables, "qc": qc},
        fixed_annual=labour + facility + overhead,
        depreciation=fixed.depreciation,
        capital_building=fixed.capital_building,
        capital_equipment=fixed.capital_equipment,
        fte=fixed.fte,
        total=total,
        cost_per_lot=ratio(total, started),
        cost_per_dose=ratio(total, delivered),
        cost_per_patient=ratio(total, patients),
        qc_tests_per_patient=ratio(started * qc, patients),
        demand_met=demand_met,
        parts=_CostParts(
            scenario=scenario,
            values=values,
            occupancy=lot.occupancy,
            lots_per_year=cap.lots_per_year,
            per_step=per_step,
            qc=qc,
            room_fixed=fixed.per_room_kind,
        ),
    )


@dataclass(frozen=True)
class _Fixed:
    labour: Array
    facility: Array
    depreciation: Array
    capital_building: Array
    capital_equipment: Array
    fte: Array
    per_room_kind: dict[str, Array]


def _fixed_costs(scenario: Scenario, economics: Economics, values: Values) -> _Fixed:
    """Labour, facility running and depreciation a year; also what each room kind's own items
    cost a year (to share among the steps that use it)."""
    v = reader(values)
    zero = np.zeros(())
    rooms = {
        room.kind: f"facility.rooms[{i}].count" for i, room in enumerate(scenario.facility.rooms)
    }

    def multiplier(per_room: str | None) -> Array:
        return v(rooms[per_room]) if per_room is not None else zero + 1.0

    salvage = v("economics.salvage_fraction")
    running = v("economics.maintenance_rate") + v("economics.insurance_rate")
    utilities = v("economics.utilities_per_area")
    per_kind: dict[str, Array] = {}

    def charge(per_room: str | None, amount: Array) -> None:
        if per_room is not None:
            per_kind[per_room] = per_kind.get(per_room, zero) + amount

    building = depreciation = area_total = zero
    for i, item in enumerate(economics.areas):
        prefix = f"economics.areas[{i}]."
        area = v(prefix + "area") * multiplier(item.per_room)
        capital = area * v(prefix + "cost_per_area")
        yearly = straight_line_depreciation(
            capital, capital * salvage, v("economics.building_depreciation_years")
        )
        building, depreciation, area_total = (
            building + capital,
            depreciation + yearly,
            area_total + area,
        )
        charge(item.per_room, yearly + capital * running + area * utilities)
    equipment = zero
    for i, machine in enumerate(economics.equipment):
        prefix = f"economics.equipment[{i}]."
        capital = v(prefix + "cost") * v(prefix + "count") * multiplier(machine.per_room)
        years = (
            v(prefix + "depreciation_years")
            if machine.depreciation_years is not None
            else v("economics.equipment_depreciation_years")
        )
        yearly = straight_line_depreciation(capital, capital * salvage, years)
        equipment, depreciation = equipment + capital, depreciation + yearly
        charge(machine.per_room, yearly + capital * running)
    if economics.cost_per_fte_year is not None:
        cost_per_fte = v("economics.cost_per_fte_year")
    elif economics.cost_per_hour is not None:
        cost_per_fte = v("economics.cost_per_hour") * v("economics.hours_per_fte_year")
    else:
        cost_per_fte = zero
    fte = zero
    for i, staff in enumerate(economics.staff):
        prefix = f"economics.staff[{i}]."
        if staff.fte is not None:
            count = v(prefix + "fte")
        else:
            count = (
                v(prefix + "staff_per_shift")
                * v(prefix + "shifts_per_day")
                * v(prefix + "days_per_week")
                / 5.0
            )
        count = count * multiplier(staff.per_room)
        fte = fte + count
        charge(staff.per_room, count * cost_per_fte)
    facility = depreciation + (building + equipment) * running + area_total * utilities
    return _Fixed(
        labour=fte * cost_per_fte,
        facility=facility,
        depreciation=depreciation,
        capital_building=building,
        capital_equipment=equipment,
        fte=fte,
        per_room_kind=per_kind,
    )


def _materials(
    scenario: Scenario,
    economics: Economics,
    values: Values,
    lot: LotArrays,
    reach: tuple[Array, ...],
) -> tuple[Array, Array, list[Array]]:
    """Materials and consumables per lot started, in total and by step; a step's items count
    with the probability ``reach`` that a lot started runs it."""
    v = reader(values)
    production = scenario.process.production_index
    basis_amount = {
        Basis.PER_LITRE: v(step_path(production, "working_volume")),
        Basis.PER_LOT: np.ones(()),
        Basis.PER_VIAL: lot.vials_filled,
    }
    index = {step.name: i for i, step in enumerate(scenario.process.steps)}
    zero = np.zeros(())
    per_step = [zero for _ in scenario.process.steps]
    totals = {"materials": zero, "consumables": zero}
    for i, item in enumerate(economics.materials):
        prefix = f"economics.materials[{i}]."
        cost = (
            v(prefix + "quantity")
            * v(prefix + "unit_price")
            * basis_amount[item.basis]
            / v(prefix + "reuse_cycles")
            * reach[index[item.step]]
        )
        per_step[index[item.step]] = per_step[index[item.step]] + cost
        totals[item.category] = totals[item.category] + cost
    return totals["materials"], totals["consumables"], per_step


def _lots_to_start(
    values: Values, lot: LotArrays, failure: Array, capacity: Array | float
) -> Array:
    """Lots to start a year: enough good lots for the yearly demand after failures (``failure``:
    the probability that a lot fails), at most the capacity; the capacity when there is no
    yearly demand."""
    v = reader(values)
    if YEARLY_DEMAND not in values:
        return np.asarray(capacity, dtype=float) + 0.0 * failure
    good_needed = whole_ceil(ratio(v(YEARLY_DEMAND), lot.patients))
    needed = whole_ceil(good_needed / (1.0 - failure))
    return np.minimum(needed, capacity)


def economics_result(scenario: Scenario, values: Values, cost: CostArrays) -> EconomicsResult:
    """The cost of goods (and fair price, when priced) of one scenario."""
    from genofab.engines.pricing import price_arrays

    economics = scenario.economics
    assert economics is not None
    started, delivered = float(cost.lots_started), float(cost.doses_delivered)
    patients = float(cost.patients_treated)

    def line(annual: Array) -> CostLine:
        value = float(annual)
        return CostLine(
            annual=value,
            per_lot=value / started,
            per_dose=value / delivered,
            per_patient=value / patients,
        )

    breakdown = {name: line(cost.annual[name]) for name in CATEGORIES}
    breakdown["total"] = line(cost.total)
    causes = {name: line(cost.by_cause[name]) for name in CAUSES}
    causes["total"] = line(cost.total)
    fair = None
    if economics.pricing is not None:
        price = price_arrays(scenario, values, cost)
        total = float(price.total)
        listed = (
            None
            if economics.pricing.list_price is None
            else float(np.asarray(values["economics.pricing.list_price"]))
        )
        fair = FairPrice(
            components={name: float(amount) for name, amount in price.components.items()},
            total=total,
            list_price=listed,
            list_to_fair_ratio=None if listed is None else listed / total,
        )
    depreciation = float(cost.depreciation)
    return EconomicsResult(
        currency=economics.currency,
        facility_sizing=economics.facility_sizing,
        lot_failure_probability=float(np.asarray(values["economics.lot_failure_probability"])),
        lots_started_per_year=started,
        good_lots_per_year=float(cost.good_lots),
        doses_made_per_year=float(cost.doses_made),
        doses_delivered_per_year=delivered,
        patients_treated_per_year=patients,
        annual_cost=float(cost.total),
        cost_breakdown=breakdown,
        cost_by_cause=causes,
        variable_cost_per_lot={
            **{name: float(amount) for name, amount in cost.variable_per_lot.items()},
            "total": float(sum(cost.variable_per_lot.values())),
        },
        fixed_annual_cost=float(cost.fixed_annual),
        cost_by_step=tuple(
            StepCost(index=i, name=step.name, room=step.room, per_lot=float(cost.step_per_lot[i]))
            for i, step in enumerate(scenario.process.steps)
        ),
        site_cost_per_lot=float(cost.site_per_lot),
        cogs_per_lot=float(cost.cost_per_lot),
        cogs_per_dose=float(cost.cost_per_dose),
        cogs_per_patient=float(cost.cost_per_patient),
        running_cost_per_lot=(float(cost.total) - depreciation) / started,
        depreciation_per_lot=depreciation / started,
        depreciation_per_year=depreciation,
        capital={
            "building": float(cost.capital_building),
            "equipment": float(cost.capital_equipment),
            "total": float(cost.capital_building + cost.capital_equipment),
        },
        staff_fte=float(cost.fte),
        fair_price=fair,
    )
