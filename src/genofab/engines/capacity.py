"""Capacity engine: lots per room per year, the bottleneck, patients per year, time to treat
a cohort and the rooms a yearly demand needs.

For each kind of room a step uses: one room completes ``concurrent_lots × ⌊operating days ÷
(occupancy + changeover)⌋`` whole lots a year (a lot does not straddle the annual shutdown);
all rooms of the kind complete ``count`` times that. The facility makes as many lots as its
scarcest room kind allows: that kind is the bottleneck. Element-wise, like the lot engine.

Lots fail (``process.failure_modes``, each found at a step, and
``economics.lot_failure_probability``, found at release): a lot found failed at a step frees
its rooms then, so a room kind's occupancy is the expected days a lot started holds it. The
good lots of a year are the lots made × (1 − failure probability), the expected value, and a
cohort needs ⌈patients ÷ (patients per lot × (1 − failure probability))⌉ lots started (the
expected good patients cover it). An
autologous patient whose lot fails is collected again (``product.recollection_interval``
later) and waits for a new lot: the expected wait is shown in the time to release the cohort.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from genofab.engines.arrays import Array, Values, ratio, whole_ceil, whole_floor
from genofab.engines.failures import FailureArrays, failure_arrays
from genofab.engines.lot import LotArrays, lot_arrays
from genofab.errors import InfeasibleError
from genofab.model.scenario import Scenario
from genofab.results.capacity import CapacityResult, RoomCapacity

DAYS_PER_WEEK = 7.0
DAYS_PER_YEAR = 365.25
#: Paths of the demand in the values: engines use the demand when its value is present.
COHORT = "demand.cohort_patients"
YEARLY_DEMAND = "demand.patients_per_year"
#: Path of the probability that a lot fails at release (no failure when the scenario has none).
FAILURE = "economics.lot_failure_probability"
RECOLLECTION = "product.recollection_interval"


@dataclass(frozen=True)
class RoomArrays:
    """Capacity of one room kind; each figure broadcasts to the sample shape."""

    kind: str
    count: Array
    concurrent_lots: Array
    occupancy: Array
    changeover: Array
    cycle: Array
    lots_per_room_year: Array
    lots_per_year: Array
    utilisation_at_capacity: Array
    utilisation_at_demand: Array | None
    rooms_needed: Array | None


@dataclass(frozen=True)
class CapacityArrays:
    """Facility capacity and demand coverage; each figure broadcasts to the sample shape."""

    operating_days: Array
    rooms: tuple[RoomArrays, ...]
    bottleneck: NDArray[np.int64]
    lots_per_year: Array
    doses_per_year: Array
    patients_per_year: Array
    failure_probability: Array
    good_lots_per_year: Array
    patients_per_year_after_failures: Array
    remake_delay_days: Array
    collections_per_patient: Array
    lots_for_cohort: Array | None
    years_to_treat_cohort: Array | None
    years_to_release_cohort: Array | None
    lots_needed_per_year: Array | None
    meets_demand: NDArray[np.bool_] | None


def capacity_arrays(scenario: Scenario, lot: LotArrays, values: Values) -> CapacityArrays:
    """Throughput of the facility for the lot(s) in ``lot``; rooms no step uses are skipped."""
    facility = scenario.facility
    operating = np.asarray(values["facility.operating_weeks_per_year"], dtype=float) * DAYS_PER_WEEK
    patients_per_lot = lot.patients
    failures = failure_arrays(scenario, values)
    failure = failures.probability
    occupancy_by_kind = expected_occupancy(scenario, lot, failures)
    cohort = rate = needed = None
    if COHORT in values:
        cohort = np.asarray(values[COHORT], dtype=float)
    if YEARLY_DEMAND in values:
        rate = np.asarray(values[YEARLY_DEMAND], dtype=float)
        needed = lots_to_start(rate, patients_per_lot, failure)

    measured = []
    for i, room in enumerate(facility.rooms):
        if room.kind not in lot.occupancy:
            continue
        prefix = f"facility.rooms[{i}]."
        count = np.asarray(values[prefix + "count"], dtype=float)
        concurrent = np.asarray(values[prefix + "concurrent_lots"], dtype=float)
        changeover = np.asarray(values[prefix + "changeover"], dtype=float)
        occupancy = occupancy_by_kind[room.kind]
        cycle = occupancy + changeover
        per_room = concurrent * whole_floor(ratio(operating, cycle))
        measured.append(
            RoomArrays(
                kind=room.kind,
                count=count,
                concurrent_lots=concurrent,
                occupancy=occupancy,
                changeover=changeover,
                cycle=cycle,
                lots_per_room_year=per_room,
                lots_per_year=count * per_room,
                utilisation_at_capacity=np.zeros_like(cycle),
                utilisation_at_demand=None,
                rooms_needed=None,
            )
        )
    lots_per_year = measured[0].lots_per_year
    for other in measured[1:]:
        lots_per_year = np.minimum(lots_per_year, other.lots_per_year)
    # on a tie the room where the product is made is the bottleneck, else the first tied room
    kinds = [room.kind for room in measured]
    production = kinds.index(scenario.process.steps[scenario.process.production_index].room)
    first_scarcest = np.full(np.shape(lots_per_year), production, dtype=np.int64)
    for i in reversed(range(len(measured))):
        first_scarcest = np.where(measured[i].lots_per_year == lots_per_year, i, first_scarcest)
    bottleneck = np.where(
        measured[production].lots_per_year == lots_per_year, production, first_scarcest
    )
    rooms = []
    for measure in measured:
        room_time = measure.count * measure.concurrent_lots * operating
        at_demand = rooms_needed = None
        if needed is not None:
            at_demand = np.minimum(needed, lots_per_year) * measure.cycle / room_time
            rooms_needed = whole_ceil(ratio(needed, measure.lots_per_room_year))
        rooms.append(
            replace(
                measure,
                utilisation_at_capacity=lots_per_year * measure.cycle / room_time,
                utilisation_at_demand=at_demand,
                rooms_needed=rooms_needed,
            )
        )
    remake = remake_delay(scenario, lot, values, failure)
    lots_for_cohort = years = released = None
    if cohort is not None:
        lots_for_cohort = lots_to_start(cohort, patients_per_lot, failure)
        years = ratio(lots_for_cohort, lots_per_year)
        # the last lot starts (lots - 1) lot-intervals after the first and takes a lot's
        # duration; a patient whose lot fails waits for a new collection and a new lot
        released = (
            ratio(lots_for_cohort - 1.0, lots_per_year)
            + (lot.lot_duration + remake) / DAYS_PER_YEAR
        )
    good_lots = lots_per_year * (1.0 - failure)
    return CapacityArrays(
        operating_days=operating,
        rooms=tuple(rooms),
        bottleneck=bottleneck,
        lots_per_year=lots_per_year,
        doses_per_year=lots_per_year * lot.doses,
        patients_per_year=lots_per_year * patients_per_lot,
        failure_probability=failure,
        good_lots_per_year=good_lots,
        patients_per_year_after_failures=good_lots * patients_per_lot,
        remake_delay_days=remake,
        collections_per_patient=collections_per_patient(scenario, failure),
        lots_for_cohort=lots_for_cohort,
        years_to_treat_cohort=years,
        years_to_release_cohort=released,
        lots_needed_per_year=needed,
        meets_demand=None if needed is None else lots_per_year >= needed,
    )


def lots_to_start(patients: Array, patients_per_lot: Array, failure: Array) -> Array:
    """Lots to start for ``patients``: the fewest whose expected good patients (lots × patients
    per lot × (1 − failure probability)) cover them."""
    return whole_ceil(ratio(patients, patients_per_lot * (1.0 - failure)))


def expected_occupancy(
    scenario: Scenario, lot: LotArrays, failures: FailureArrays
) -> dict[str, Array]:
    """Days a lot started holds each room kind, expected: a lot found failed at a step frees
    its rooms then, so each step's duration counts with the probability the lot runs it."""
    occupancy: dict[str, Array] = {}
    for step, duration, reach in zip(
        scenario.process.steps, lot.duration, failures.reach, strict=True
    ):
        occupancy[step.room] = occupancy.get(step.room, np.zeros(())) + duration * reach
    return occupancy


def remake_delay(scenario: Scenario, lot: LotArrays, values: Values, failure: Array) -> Array:
    """Expected extra days before an autologous patient's lot is released, from lots that fail:
    each failure costs a new collection (``recollection_interval`` after the failed one) and a
    new lot; failures are geometric, so a patient expects f ÷ (1 − f) of them. Zero for a
    product whose lots serve many patients (a failed lot is replaced from the next lots)."""
    if not scenario.product.modality.one_patient_per_lot:
        return np.zeros_like(failure)
    interval = np.asarray(values.get(RECOLLECTION, 0.0), dtype=float)
    return ratio(failure, 1.0 - failure) * (interval + lot.lot_duration)


def collections_per_patient(scenario: Scenario, failure: Array) -> Array:
    """Expected collections (apheresis) per autologous patient: 1 ÷ (1 − f), one more for each
    failed lot; 0 for a product not made from the patient's cells."""
    if not scenario.product.modality.one_patient_per_lot:
        return np.zeros_like(failure)
    return ratio(1.0, 1.0 - failure)


def capacity_result(
    scenario: Scenario,
    values: Values | None = None,
    lot: LotArrays | None = None,
    cap: CapacityArrays | None = None,
) -> CapacityResult:
    """Capacity of one scenario; a room kind that cannot complete one lot a year raises
    :class:`InfeasibleError`."""
    values = scenario.values() if values is None else values
    lot = lot_arrays(scenario, values) if lot is None else lot
    cap = capacity_arrays(scenario, lot, values) if cap is None else cap
    for room in cap.rooms:
        if float(room.lots_per_room_year) < 1:
            index = next(i for i, r in enumerate(scenario.facility.rooms) if r.kind == room.kind)
            raise InfeasibleError(
                f"facility.rooms[{index}]",
                f"one lot holds a '{room.kind}' room {float(room.cycle):.4g} days (with changeover)"
                f" but it operates {float(cap.operating_days):.4g} days a year",
            )
    used = {room.kind for room in cap.rooms}

    def optional_int(array: Array | None) -> int | None:
        return None if array is None else int(array)

    return CapacityResult(
        operating_days_per_year=float(cap.operating_days),
        rooms=tuple(
            RoomCapacity(
                kind=room.kind,
                count=int(room.count),
                concurrent_lots=int(room.concurrent_lots),
                occupancy_days=float(room.occupancy),
                changeover_days=float(room.changeover),
                cycle_days=float(room.cycle),
                lots_per_room_year=int(room.lots_per_room_year),
                lots_per_year=int(room.lots_per_year),
                utilisation_at_capacity=float(room.utilisation_at_capacity),
                utilisation_at_demand=None
                if room.utilisation_at_demand is None
                else float(room.utilisation_at_demand),
                rooms_needed=optional_int(room.rooms_needed),
            )
            for room in cap.rooms
        ),
        unused_rooms=tuple(room.kind for room in scenario.facility.rooms if room.kind not in used),
        bottleneck_room=cap.rooms[int(cap.bottleneck)].kind,
        lots_per_year=int(cap.lots_per_year),
        doses_per_year=int(cap.doses_per_year),
        patients_per_year=int(cap.patients_per_year),
        lot_failure_probability=float(cap.failure_probability),
        good_lots_per_year=float(cap.good_lots_per_year),
        patients_per_year_after_failures=float(cap.patients_per_year_after_failures),
        remake_delay_days=float(cap.remake_delay_days),
        collections_per_patient=float(cap.collections_per_patient),
        cohort_patients=optional_int(None if COHORT not in values else np.asarray(values[COHORT])),
        lots_for_cohort=optional_int(cap.lots_for_cohort),
        years_to_treat_cohort=None
        if cap.years_to_treat_cohort is None
        else float(cap.years_to_treat_cohort),
        years_to_release_cohort=None
        if cap.years_to_release_cohort is None
        else float(cap.years_to_release_cohort),
        demand_patients_per_year=None
        if YEARLY_DEMAND not in values
        else float(np.asarray(values[YEARLY_DEMAND])),
        lots_needed_per_year=optional_int(cap.lots_needed_per_year),
        meets_demand=None if cap.meets_demand is None else bool(cap.meets_demand),
    )
