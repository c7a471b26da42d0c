"""Cost-of-goods engine: what a year of production costs, by category, by step, by cause and
by line, and what that makes per lot, per dose and per patient.

The facility starts as many lots a year as the demand needs (allowing for lot failures), at
most its capacity; with no yearly demand it runs at capacity (a cohort-only demand is also
costed as a campaign, beside). Each cost line is counted per lot started (materials, QC
tests, labour hours per lot, fees per lot, room-days bought), per lot released, per patient
or dose, or per year (staff, capital, running, yearly fees): a failed lot costs what is spent
per lot started and its room time, and delivers nothing. The annual cost is also split by
cause: doses delivered, surplus doses (made beyond the demand), failed lots and idle capacity.
Element-wise over samples, like the lot and capacity engines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from genofab.engines.arrays import Array, Values, ratio, reader, whole_ceil
from genofab.engines.capacity import COHORT, YEARLY_DEMAND, CapacityArrays
from genofab.engines.economics.capital import CapitalArrays, capital_arrays
from genofab.engines.economics.lines import LineCost, driven, summed
from genofab.engines.failures import failure_arrays
from genofab.engines.finance import present_value_of_growing_flows
from genofab.engines.lot import LotArrays, step_path
from genofab.model.economics import COST_CATEGORIES, Basis, Driver, Economics
from genofab.model.scenario import Scenario
from genofab.model.steps import QCReleaseStep

#: Cost categories, in the order reports show them; they sum to the annual cost.
CATEGORIES = tuple(category.name for category in COST_CATEGORIES)
#: Causes the annual cost is split into; they also sum to the annual cost.
CAUSES = ("doses_delivered", "surplus_doses", "failed_lots", "idle_capacity")

#: How many of the lots started in a year fail, given the lots started and the probability
#: that one lot fails: the expected number in a deterministic run, a draw in the Monte Carlo.
FailedLots = Callable[[Array, Array], Array]


def expected_failures(started: Array, probability: Array) -> Array:
    """The expected number of failed lots: lots started × failure probability."""
    return started * probability


@dataclass(frozen=True)
class Campaign:
    """A cohort-only demand costed as a campaign: the lots the cohort needs (failures
    included), the share of a year the facility is held for them, and what that costs."""

    lots_started: Array
    years: Array
    cost: Array
    cost_per_patient: Array
    cost_per_dose: Array


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
    lines: tuple[LineCost, ...]
    capital: CapitalArrays
    lots_per_year: Array
    occupancy: dict[str, Array]
    step_durations: tuple[Array, ...]
    steps: tuple[tuple[str, str], ...]
    demand_met: NDArray[np.bool_] | None
    campaign: Campaign | None
    hours_per_fte_year: Array
    warnings: tuple[tuple[str, str], ...] = field(default=())

    def line_annual(self, line: LineCost) -> Array:
        """One line's cost a year."""
        return line.annual(self.lots_started, self.good_lots, self.patients_treated)

    @cached_property
    def annual(self) -> dict[str, Array]:
        """The annual cost by category (every category, in order)."""
        found = {name: np.zeros(()) for name in CATEGORIES}
        drivers = (self.lots_started, self.good_lots, self.patients_treated)
        if not all(bool(np.isfinite(driver).all()) for driver in drivers):
            for line in self.lines:
                found[line.category] = found[line.category] + self.line_annual(line)
            return found
        for line in self.lines:  # the same sums, without the parts that are plain zeros
            found[line.category] = line.added_to(found[line.category], *drivers)
        return found

    @cached_property
    def total(self) -> Array:
        return sum(self.annual.values(), start=np.zeros(()))

    @cached_property
    def variable_per_lot(self) -> dict[str, Array]:
        """Cost per lot started, by category (what a failed lot costs beyond its room time)."""
        found = {name: np.zeros(()) for name in CATEGORIES}
        for line in self.lines:
            found[line.category] = found[line.category] + line.per_started
        return found

    @cached_property
    def fixed_annual(self) -> Array:
        """Cost paid a year whether or not a lot runs."""
        return sum((line.fixed for line in self.lines), start=np.zeros(()))

    @cached_property
    def fte(self) -> Array:
        """Staff in full-time equivalents: those paid a year, and the hours worked per lot,
        patient or dose ÷ paid hours per FTE-year."""
        fixed = sum((line.fte for line in self.lines), start=np.zeros(()))
        worked = sum(
            (self.line_annual(line.hours) for line in self.lines if line.hours is not None),
            start=np.zeros(()),
        )
        return fixed + ratio(worked, self.hours_per_fte_year)

    @property
    def depreciation(self) -> Array:
        return self.capital.depreciation

    @property
    def capital_recovery(self) -> Array:
        """What the cost of goods charges for capital a year (depreciation or capital charge)."""
        return self.capital.recovery

    @cached_property
    def cost_per_lot(self) -> Array:
        return ratio(self.total, self.lots_started)

    @cached_property
    def cost_per_dose(self) -> Array:
        return ratio(self.total, self.doses_delivered)

    @cached_property
    def cost_per_patient(self) -> Array:
        return ratio(self.total, self.patients_treated)

    @cached_property
    def qc_tests_per_patient(self) -> Array:
        return ratio(self.annual["qc"], self.patients_treated)

    @cached_property
    def quality(self) -> dict[str, Array]:
        """The quality view: QC tests, QC/QA labour and QC/QA areas and equipment a year."""
        found = {
            "qc_tests": self.annual["qc"],
            "qc_qa_labour": np.zeros(()),
            "qc_qa_facility": np.zeros(()),
        }
        for line in self.lines:
            if line.quality and line.category == "labour":
                found["qc_qa_labour"] = found["qc_qa_labour"] + self.line_annual(line)
            elif line.quality and line.category == "facility":
                found["qc_qa_facility"] = found["qc_qa_facility"] + self.line_annual(line)
        return found

    @cached_property
    def by_cause(self) -> dict[str, Array]:
        """The annual cost split by cause: doses delivered, surplus doses, failed lots and
        idle capacity (they sum to the total)."""
        started, failed_lots = self.lots_started, self.failed_lots
        per_started = sum((line.per_started for line in self.lines), start=np.zeros(()))
        per_patient = sum((line.per_patient for line in self.lines), start=np.zeros(()))
        used = ratio(started, self.lots_per_year)
        failed = failed_lots * per_started + self.fixed_annual * ratio(
            failed_lots, self.lots_per_year
        )
        idle = self.fixed_annual * (1.0 - used)
        good_cost = self.total - failed - idle
        by_lot = good_cost - per_patient * self.patients_treated
        surplus = by_lot * (1.0 - ratio(self.doses_delivered, self.doses_made))
        return {
            "doses_delivered": good_cost - surplus,
            "surplus_doses": surplus,
            "failed_lots": failed,
            "idle_capacity": idle,
        }

    @cached_property
    def step_per_lot(self) -> tuple[Array, ...]:
        """Cost per lot at each step: the lines charged to it, and the lines of its room kind
        shared among that kind's steps by duration."""
        per_step = [np.zeros(()) for _ in self.steps]
        for line in self.lines:
            per_lot = ratio(self.line_annual(line), self.lots_started)
            if line.step is not None:
                per_step[line.step] = per_step[line.step] + per_lot
            elif line.room is not None and line.room in self.occupancy:
                for i, (_, room) in enumerate(self.steps):
                    if room == line.room:
                        share = ratio(self.step_durations[i], self.occupancy[room])
                        per_step[i] = per_step[i] + per_lot * share
        return tuple(per_step)

    @cached_property
    def site_per_lot(self) -> Array:
        """Cost per lot not charged to a step: the site's own lines."""
        return self.cost_per_lot - sum(self.step_per_lot, start=np.zeros(()))


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
    patients = ratio(delivered, lot.doses_per_patient)

    rooms = _room_counter(scenario, values)
    capital = capital_arrays(scenario, economics, values, lot, rooms, cap.lots_per_year)
    lines = [
        # a lot found failed at a step runs no later step: its costs count as often as it runs
        *_material_lines(scenario, economics, values, lot, lot_failures.reach),
        *_qc_lines(scenario, economics, values, lot_failures.reach),
        *_labour_lines(scenario, economics, values, lot, rooms),
        *_fee_lines(scenario, economics, values, lot, rooms),
        *capital.lines,
    ]
    lines += _share_lines(economics, values, lines)
    lines += _overhead_lines(economics, values, lines)
    cost = CostArrays(
        lots_started=started,
        failed_lots=failed_lots,
        good_lots=good,
        doses_made=doses_made,
        doses_delivered=delivered,
        patients_treated=patients,
        lines=tuple(lines),
        capital=capital,
        lots_per_year=cap.lots_per_year,
        occupancy=lot.occupancy,
        step_durations=tuple(v(step_path(i, "duration")) for i in range(len(lot.duration))),
        steps=tuple((step.name, step.room) for step in scenario.process.steps),
        demand_met=demand_met,
        campaign=None,
        hours_per_fte_year=v("economics.hours_per_fte_year"),
        warnings=tuple(capital.size_warnings),
    )
    if COHORT in values and YEARLY_DEMAND not in values:
        # a lot that makes no patient needs infinitely many lots: data, marked by its status
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            cost = _with_campaign(cost, v(COHORT), lot, failure)
    return cost


def _with_campaign(cost: CostArrays, cohort: Array, lot: LotArrays, failure: Array) -> CostArrays:
    good_needed = whole_ceil(ratio(cohort, lot.patients))
    lots = whole_ceil(good_needed / (1.0 - failure))
    years = ratio(lots, cost.lots_per_year)
    per_started = sum((line.per_started for line in cost.lines), start=np.zeros(()))
    per_released = sum((line.per_released for line in cost.lines), start=np.zeros(()))
    per_patient = sum((line.per_patient for line in cost.lines), start=np.zeros(()))
    total = (
        lots * per_started
        + lots * (1.0 - failure) * per_released
        + cohort * per_patient
        + cost.fixed_annual * years
    )
    doses = cohort * lot.doses_per_patient
    campaign = Campaign(
        lots_started=lots,
        years=years,
        cost=total,
        cost_per_patient=ratio(total, cohort),
        cost_per_dose=ratio(total, doses),
    )
    return replace(cost, campaign=campaign)


def _room_counter(scenario: Scenario, values: Values) -> Callable[[str | None], Array]:
    paths = {
        room.kind: f"facility.rooms[{i}].count" for i, room in enumerate(scenario.facility.rooms)
    }

    def rooms(kind: str | None) -> Array:
        return np.asarray(values[paths[kind]], dtype=float) if kind is not None else np.ones(())

    return rooms


def _material_lines(
    scenario: Scenario,
    economics: Economics,
    values: Values,
    lot: LotArrays,
    reach: tuple[Array, ...],
) -> list[LineCost]:
    """Materials and consumables per lot started, each on its step, counted with the
    probability ``reach`` that a lot started runs that step."""
    v = reader(values)
    production = scenario.process.production_index
    index = {step.name: i for i, step in enumerate(scenario.process.steps)}

    def loaded(i: int) -> tuple[Array, Array]:
        """Amount and volume entering step ``i`` (the production step: what it makes in its
        working volume)."""
        j = i - 1 if i > production else production
        return lot.amount[j] if i > production else lot.amount_made, lot.volume[j]

    lines = []
    for i, item in enumerate(economics.materials):
        prefix = f"economics.materials[{i}]."
        step = index[item.step]
        if item.basis is Basis.PER_LITRE:
            basis = basis_per_lot = v(step_path(production, "working_volume"))
        elif item.basis is Basis.PER_LITRE_PROCESSED:
            basis = basis_per_lot = loaded(step)[1]
        elif item.basis is Basis.PER_AMOUNT:
            basis_per_lot = loaded(step)[0]
            basis = ratio(basis_per_lot, v(prefix + "per_amount"))
        elif item.basis is Basis.PER_VIAL:
            basis = basis_per_lot = lot.vials_filled
        else:
            basis = basis_per_lot = np.ones(())
        cost = (
            v(prefix + "quantity")
            * v(prefix + "unit_price")
            * basis
            / v(prefix + "reuse_cycles")
            * reach[step]
        )
        lines.append(
            LineCost(
                name=item.name,
                category=item.category,
                kind="material",
                per_started=cost,
                step=step,
                basis=item.basis.value,
                basis_per_lot=None if item.basis is Basis.PER_LOT else basis_per_lot,
            )
        )
    return lines


def _qc_lines(
    scenario: Scenario, economics: Economics, values: Values, reach: tuple[Array, ...]
) -> list[LineCost]:
    """QC release tests, per lot started that reaches the QC release step, on that step (else
    the site)."""
    v = reader(values)
    release = next(
        (i for i, s in enumerate(scenario.process.steps) if isinstance(s, QCReleaseStep)), None
    )
    reached = reach[release] if release is not None else np.ones(())
    return [
        LineCost(
            name=test.name,
            category="qc",
            kind="qc",
            step=release,
            quality=True,
            per_started=v(f"economics.qc_tests[{i}].cost") * reached,
            basis="qc_per_lot",
        )
        for i, test in enumerate(economics.qc_tests)
    ]


def labour_rate(economics: Economics, values: Values, index: int) -> Array:
    """Cost of one hour of staff item ``index``: its own rate, else the scenario's (per hour,
    or per FTE-year ÷ paid hours), times (1 + labour burden)."""
    v = reader(values, "economics.")
    if economics.staff[index].cost_per_hour is not None:
        rate = v(f"staff[{index}].cost_per_hour")
    elif economics.cost_per_hour is not None:
        rate = v("cost_per_hour")
    elif economics.cost_per_fte_year is not None:
        rate = v("cost_per_fte_year") / v("hours_per_fte_year")
    else:
        rate = np.zeros(())
    return rate * (1.0 + v("labour_burden"))


def shift_fte(values: Values, index: int) -> Array:
    """FTE needed to cover a post: staff per shift × shifts a day × days a week × weeks a
    year × shift hours ÷ paid hours per FTE-year."""
    v = reader(values, f"economics.staff[{index}].")
    path = f"economics.staff[{index}].weeks_per_year"
    weeks = (
        v("weeks_per_year")
        if path in values
        else np.asarray(values["facility.operating_weeks_per_year"], dtype=float)
    )
    hours = (
        v("staff_per_shift") * v("shifts_per_day") * v("days_per_week") * weeks * v("shift_hours")
    )
    return ratio(hours, np.asarray(values["economics.hours_per_fte_year"], dtype=float))


def _labour_lines(
    scenario: Scenario,
    economics: Economics,
    values: Values,
    lot: LotArrays,
    rooms: Callable[[str | None], Array],
) -> list[LineCost]:
    """Staff: FTE and shift posts paid a year; hours of work per lot, patient or dose."""
    v = reader(values, "economics.")
    paid = v("hours_per_fte_year")
    index = {step.name: i for i, step in enumerate(scenario.process.steps)}
    lines = []
    for i, staff in enumerate(economics.staff):
        rate = labour_rate(economics, values, i)
        if staff.hours is not None:
            hours = v(f"staff[{i}].hours")
            per = staff.per or "lot_started"
            part = _HOUR_PARTS[per]
            worked = hours * (lot.doses_per_patient if per == "dose" else 1.0)
            hours_line = driven(part, worked, name=staff.role, category="labour", kind="hours")
            basis = f"hours_per_{per}"
            lines.append(
                driven(
                    part,
                    worked * rate,
                    name=staff.role,
                    category="labour",
                    kind="labour",
                    step=None if staff.step is None else index[staff.step],
                    quality=staff.quality,
                    hours=hours_line,
                    basis=basis,
                )
            )
            continue
        count = v(f"staff[{i}].fte") if staff.fte is not None else shift_fte(values, i)
        count = count * rooms(staff.per_room)
        line = driven(
            "fixed",
            count * rate * paid,
            name=staff.role,
            category="labour",
            kind="labour",
            room=staff.per_room,
            quality=staff.quality,
            basis="fte" if staff.fte is not None else "post",
        )
        lines.append(replace(line, fte=count))
    return lines


#: Which part of a line hours of work are counted in.
_HOUR_PARTS = {
    "lot_started": "per_started",
    "lot_released": "per_released",
    "patient": "per_patient",
    "dose": "per_patient",
}


def _fee_lines(
    scenario: Scenario,
    economics: Economics,
    values: Values,
    lot: LotArrays,
    rooms: Callable[[str | None], Array],
) -> list[LineCost]:
    """Fees, licences, royalties per dose, facility charges and one-off costs."""
    index = {step.name: i for i, step in enumerate(scenario.process.steps)}
    room_index = {room.kind: i for i, room in enumerate(scenario.facility.rooms)}
    lines = []
    for i, fee in enumerate(economics.fees):
        p = reader(values, f"economics.fees[{i}].")
        amount = p("amount")
        if fee.per is Driver.LOT_STARTED:
            part, charged = "per_started", amount
        elif fee.per is Driver.LOT_RELEASED:
            part, charged = "per_released", amount
        elif fee.per is Driver.PATIENT:
            part, charged = "per_patient", amount
        elif fee.per is Driver.DOSE:
            part, charged = "per_patient", amount * lot.doses_per_patient
        elif fee.per is Driver.YEAR:
            part, charged = "fixed", amount * rooms(fee.per_room)
        elif fee.per is Driver.ROOM_DAY:
            assert fee.room is not None
            room = reader(values, f"facility.rooms[{room_index[fee.room]}].")
            held = lot.occupancy.get(fee.room, np.zeros(())) + room("changeover")
            part, charged = "per_started", amount * held / room("concurrent_lots")
        elif fee.spread_over_lots is not None:
            part, charged = "per_started", amount / p("spread_over_lots")
        else:
            part, charged = "fixed", amount / p("spread_over_years") * rooms(fee.per_room)
        basis = fee.per.value
        if fee.per is Driver.ONCE:
            basis = "once_over_lots" if fee.spread_over_lots is not None else "once_over_years"
        lines.append(
            driven(
                part,
                charged,
                name=fee.name,
                category=fee.category,
                kind="fee",
                step=None if fee.step is None else index[fee.step],
                room=fee.per_room if fee.per is not Driver.ROOM_DAY else fee.room,
                basis=basis,
            )
        )
    return lines


def _share_lines(economics: Economics, values: Values, lines: list[LineCost]) -> list[LineCost]:
    """Costs stated as a share of categories of the lines before them."""
    v = reader(values, "economics.")
    found = []
    for i, share in enumerate(economics.shares):
        base = summed(
            [line for line in lines if line.category in share.of],
            share.name,
            share.category,
            "share",
        )
        found.append(base.scaled(v(f"shares[{i}].rate"), share.name, share.category, "share"))
    return found


def _overhead_lines(economics: Economics, values: Values, lines: list[LineCost]) -> list[LineCost]:
    """Overhead: a rate on labour and facility running (capital excluded), and a sum a year."""
    v = reader(values, "economics.")
    base = summed(
        [
            line
            for line in lines
            if line.category in ("labour", "facility") and line.kind != "capital"
        ],
        "overhead",
        "overhead",
        "overhead",
    )
    on_rate = base.scaled(
        v("overhead_rate"), "overhead on labour and facility running", "overhead", "overhead"
    )
    fixed = LineCost(
        name="overhead a year",
        category="overhead",
        kind="overhead",
        fixed=v("overhead_per_year"),
        basis="overhead",
    )
    return [on_rate, fixed]


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


def net_present_cost(economics: Economics, values: Values, cost: CostArrays) -> dict[str, Array]:
    """Over the stated project life: capital at the start, running cost (the cost of goods
    without its capital recovery) at the end of each year growing with inflation, all
    discounted; and the levelised cost per dose (net present cost ÷ discounted doses)."""
    v = reader(values, "economics.project.")
    rate, life, inflation = v("discount_rate"), v("life"), v("inflation")
    running = cost.total - cost.capital_recovery
    running_factor = present_value_of_growing_flows(rate, inflation, life)
    dose_factor = present_value_of_growing_flows(rate, 0.0, life)
    present_cost = cost.capital.total + running * running_factor
    present_doses = cost.doses_delivered * dose_factor
    return {
        "net_present_cost": present_cost,
        "levelised_cost_per_dose": ratio(present_cost, present_doses),
        "life_years": life,
        "discount_rate": rate,
        "inflation": inflation,
        "capital": cost.capital.total,
        "running_cost_per_year": running,
        "running_present_value_factor": running_factor,
        "dose_present_value_factor": dose_factor,
        "discounted_doses": present_doses,
    }
