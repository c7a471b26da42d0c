"""Lot engine: the mass balance through the steps, then containers, doses and patients.

The kernel :func:`lot_arrays` reads every number from ``values`` (base units, keyed by
parameter path) and works element-wise, so the same code evaluates one scenario (floats)
or many samples at once (NumPy arrays of equal length). A lot that cannot be made is
reported in ``status`` per sample; :func:`lot_result` turns it into an error for one run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from genofab.engines.arrays import (
    Array,
    Values,
    ratio_or_zero,
    reader,
    sample_shape,
    whole_ceil,
    whole_floor,
)
from genofab.errors import InfeasibleError
from genofab.model.product import CellsTimesMoiDose, FixedDose, PerKgDose, VialUse
from genofab.model.scenario import Scenario
from genofab.model.steps import FillStep, ProcessingStep, ProductionStep, QCReleaseStep
from genofab.results.lot import LotResult, StepBalance


class LotStatus(IntEnum):
    """Why a lot cannot deliver (0: it can)."""

    OK = 0
    SAMPLE_EXCEEDS_VOLUME = 1
    NO_CONTAINER = 2
    NO_DOSE = 3
    NO_PATIENT = 4


#: Why a lot cannot deliver, for people (a sweep point's or a sample's status).
STATUS_REASONS = {
    LotStatus.SAMPLE_EXCEEDS_VOLUME: "an in-process sample takes all the product",
    LotStatus.NO_CONTAINER: "no container is released",
    LotStatus.NO_DOSE: "no whole dose per lot",
    LotStatus.NO_PATIENT: "not one patient per lot",
}
#: Why a feasible lot still makes nothing: a room cannot complete one lot in a year.
NO_ROOM_TIME_REASON = "the facility completes no lot in a year"


@dataclass(frozen=True)
class LotArrays:
    """Per-lot quantities in base units; each broadcasts to the sample shape (0-d where no
    sampled input reaches it). ``status`` and ``failed_step`` have the sample shape."""

    amount: tuple[Array, ...]
    volume: tuple[Array, ...]
    duration: tuple[Array, ...]
    amount_made: Array
    drug_product_volume: Array
    drug_product_concentration: Array
    vials_filled: Array
    qc_sample_vials: Array
    vials_released: Array
    in_process_sample_volume: Array
    amount_per_vial: Array
    dose_amount: Array
    doses_per_vial: Array
    vials_per_dose: Array
    doses: Array
    doses_per_patient: Array
    patients: Array
    lot_duration: Array
    occupancy: dict[str, Array]
    status: NDArray[np.int8]
    failed_step: NDArray[np.int64]


def step_path(index: int, field: str) -> str:
    """Parameter path of a step's field, e.g. ``process.steps[3].step_yield``."""
    return f"process.steps[{index}].{field}"


def dose_amount(scenario: Scenario, values: Values, concentration: Array | float = 0.0) -> Array:
    """Product per dose from the dose rule (amount, per kg × weight, or cells at transduction
    × collections × MOI × hits ÷ (1 − thaw loss) + dead volume × ``concentration``, the
    product per L in a container)."""
    rule = scenario.product.dose
    v = reader(values, "product.dose.")
    if isinstance(rule, FixedDose):
        return v("amount")
    if isinstance(rule, PerKgDose):
        amount = v("amount_per_kg") * v("body_weight")
        return np.minimum(amount, v("max_amount")) if rule.max_amount is not None else amount
    assert isinstance(rule, CellsTimesMoiDose)
    return vector_per_patient(rule, v) + v("dead_volume") * concentration


def vector_per_patient(rule: CellsTimesMoiDose, v: Callable[[str], Array]) -> Array:
    """Vector the cells of one patient take: cells at transduction × collections × MOI ×
    transduction hits ÷ (1 − thaw loss); ``v`` reads the dose rule's values."""
    cells = (
        v("cells_at_transduction")
        if rule.cells_at_transduction is not None
        else v("cells_at_transduction_per_kg") * v("body_weight")
    )
    exposed = cells * v("collections") * v("moi") * v("transduction_hits")
    return exposed / (1.0 - v("thaw_loss"))


def lot_arrays(scenario: Scenario, values: Values) -> LotArrays:
    """Mass balance, containers and doses of one lot for every sample in ``values``."""
    steps = scenario.process.steps
    shape = sample_shape(values)
    zero = np.zeros(())
    status = np.zeros(shape, dtype=np.int8)
    failed_step = np.full(shape, -1, dtype=np.int64)

    def fail(mask: NDArray[np.bool_], code: LotStatus, index: int) -> None:
        if not np.ndim(mask) and not mask:
            return  # the same for every sample, and no sample fails here
        new = mask & (status == LotStatus.OK)
        status[new] = code
        failed_step[new] = index

    amount = volume = made = zero
    sampled = zero
    vials = released = vial_amount = concentration = bulk_volume = zero
    container_volume = fill_volume = zero
    qc_vials = zero
    unknown = np.full((), np.nan)  # before the product is made
    amounts: list[Array] = []
    volumes: list[Array] = []
    durations: list[Array] = []
    for i, step in enumerate(steps):
        field = reader(values, f"process.steps[{i}].")
        durations.append(field("duration"))
        if isinstance(step, ProductionStep | ProcessingStep) and i < scenario.process.fill_index:
            if isinstance(step, ProductionStep):
                volume = field("working_volume")
                titer = (
                    field("titer")
                    if step.titer is not None
                    else field("cell_density") * field("specific_productivity")
                )
                amount = made = volume * titer
            else:
                amount = amount * field("step_yield")
                if step.output_volume is not None:
                    volume = field("output_volume")
                elif step.output_concentration is not None:
                    volume = ratio_or_zero(amount, field("output_concentration"))
            sample = field("sample_volume")
            if np.ndim(sample) or sample > 0:  # no sample: amount and volume are unchanged
                fail((sample >= volume) & (sample > 0), LotStatus.SAMPLE_EXCEEDS_VOLUME, i)
                amount = amount * np.clip(1.0 - ratio_or_zero(sample, volume), 0.0, 1.0)
                volume = np.maximum(volume - sample, 0.0)
                sampled = sampled + sample
        elif isinstance(step, ProcessingStep):  # after the fill: acts on what the containers hold
            vial_amount = vial_amount * field("step_yield")
            concentration = concentration * field("step_yield")
            amount = amount * field("step_yield")
        elif isinstance(step, FillStep):
            bulk_amount = amount * field("step_yield")
            bulk_volume = volume * field("step_yield")
            fill_volume = field("fill_volume")
            container_volume = fill_volume + field("overfill")
            vials = whole_floor(ratio_or_zero(bulk_volume, container_volume))
            concentration = ratio_or_zero(bulk_amount, bulk_volume)
            vial_amount = concentration * fill_volume
            released = vials
            fail(vials < 1, LotStatus.NO_CONTAINER, i)
            # from here on: the labelled content of the containers (overfill is not dosed)
            amount, volume = vials * vial_amount, vials * fill_volume
        elif isinstance(step, QCReleaseStep):
            qc_vials = field("sample_vials")
            released = np.maximum(vials - qc_vials, 0.0)
            fail(released < 1, LotStatus.NO_CONTAINER, i)
            amount, volume = released * vial_amount, released * fill_volume
        amounts.append(amount if i >= scenario.process.production_index else unknown)
        volumes.append(volume if i >= scenario.process.production_index else unknown)

    dose = dose_amount(scenario, values, ratio_or_zero(vial_amount, fill_volume))
    doses, per_vial, per_dose = _doses(scenario.product.vial_use, released, vial_amount, dose)
    fail(doses < 1, LotStatus.NO_DOSE, -1)
    per_patient = reader(values, "product.")("doses_per_patient")
    patients = whole_floor(doses / per_patient)
    if scenario.product.modality.one_patient_per_lot:
        patients = np.minimum(patients, 1.0)
    fail(patients < 1, LotStatus.NO_PATIENT, -1)

    occupancy: dict[str, Array] = {}
    for step, duration in zip(steps, durations, strict=True):
        occupancy[step.room] = occupancy.get(step.room, zero) + duration
    return LotArrays(
        amount=tuple(amounts),
        volume=tuple(volumes),
        duration=tuple(durations),
        amount_made=made,
        drug_product_volume=bulk_volume,
        drug_product_concentration=concentration,
        vials_filled=vials,
        qc_sample_vials=qc_vials,
        vials_released=released,
        in_process_sample_volume=sampled,
        amount_per_vial=vial_amount,
        dose_amount=dose,
        doses_per_vial=per_vial,
        vials_per_dose=per_dose,
        doses=doses,
        doses_per_patient=per_patient,
        patients=patients,
        lot_duration=sum(durations, start=zero),
        occupancy=occupancy,
        status=status,
        failed_step=failed_step,
    )


def _doses(
    use: VialUse, released: Array, vial_amount: Array, dose: Array
) -> tuple[Array, Array, Array]:
    """Whole doses from released containers; also doses per container and containers per dose.
    A container (nearly) empty beside the dose takes infinitely many for a dose (no whole
    dose: a status); a dose so small beside the container's content that the count overflows
    gives infinitely many doses, which :func:`lot_result` names."""
    with np.errstate(divide="ignore", over="ignore"):
        ratio = ratio_or_zero(vial_amount, dose)
        containers = np.divide(dose, vial_amount)
    vials_per_dose = whole_ceil(containers)
    whole = whole_floor(released / vials_per_dose)
    if use is VialUse.WHOLE_VIALS:
        return whole, np.where(vials_per_dose == 1, 1.0, 0.0), vials_per_dose
    doses_per_vial = whole_floor(ratio)
    if use is VialUse.SHARED_VIALS:
        doses = np.where(doses_per_vial >= 1, released * doses_per_vial, whole)
        return doses, doses_per_vial, vials_per_dose
    return whole_floor(released * ratio), doses_per_vial, vials_per_dose


def lot_result(
    scenario: Scenario, values: Values | None = None, lot: LotArrays | None = None
) -> LotResult:
    """The lot of one scenario as a :class:`LotResult`; an infeasible lot raises
    :class:`InfeasibleError` naming the step or rule that makes it so."""
    values = scenario.values() if values is None else values
    lot = lot_arrays(scenario, values) if lot is None else lot
    if int(lot.status) != LotStatus.OK:
        raise _infeasible(scenario, lot, values)
    if not np.isfinite(lot.doses):
        raise InfeasibleError(
            "product.dose",
            f"a dose needs {float(lot.dose_amount):.4g} {scenario.product.unit} and a container"
            f" holds {float(lot.amount_per_vial):.4g}: the doses per lot come out infinite"
            " (not a finite number); check the dose and its unit",
        )
    steps = scenario.process.steps
    made = float(lot.amount_made)
    balances = []
    for i, step in enumerate(steps):
        amount, volume = float(lot.amount[i]), float(lot.volume[i])
        known = not np.isnan(amount)
        step_yield = values.get(step_path(i, "step_yield"))
        balances.append(
            StepBalance(
                index=i,
                name=step.name,
                kind=step.kind,
                room=step.room,
                duration_days=float(lot.duration[i]),
                step_yield=None if step_yield is None else float(np.asarray(step_yield)),
                amount=amount if known else None,
                volume_l=volume if known else None,
                concentration_per_ml=(amount / volume / 1000 if volume > 0 else 0.0)
                if known
                else None,
                recovery=amount / made if known and made > 0 else None,
            )
        )
    use = scenario.product.vial_use
    shared = use is VialUse.SHARED_VIALS and float(lot.doses_per_vial) >= 1
    whole = use is VialUse.WHOLE_VIALS or (use is VialUse.SHARED_VIALS and not shared)
    released_amount = float(lot.vials_released * lot.amount_per_vial)
    return LotResult(
        product_unit=scenario.product.unit,
        container=steps[scenario.process.fill_index].container,  # type: ignore[union-attr]
        production_room=steps[scenario.process.production_index].room,
        amount_made=made,
        steps=tuple(balances),
        drug_product_volume_l=float(lot.drug_product_volume),
        drug_product_concentration_per_ml=float(lot.drug_product_concentration) / 1000,
        fill_volume_ml=float(
            np.asarray(values[step_path(scenario.process.fill_index, "fill_volume")])
        )
        * 1000,
        vials_filled=int(lot.vials_filled),
        qc_sample_vials=int(lot.qc_sample_vials),
        vials_per_lot=int(lot.vials_released),
        in_process_sample_volume_l=float(lot.in_process_sample_volume),
        amount_per_vial=float(lot.amount_per_vial),
        dose_amount=float(lot.dose_amount),
        vial_use=use.value,
        doses_per_vial=int(lot.doses_per_vial) if shared else None,
        vials_per_dose=int(lot.vials_per_dose) if whole else None,
        doses_per_lot=int(lot.doses),
        doses_per_patient=int(lot.doses_per_patient),
        patients_per_lot=int(lot.patients),
        overall_yield=released_amount / made if made > 0 else 0.0,
        lot_duration_days=float(lot.lot_duration),
        room_occupancy_days={room: float(days) for room, days in lot.occupancy.items()},
    )


def _infeasible(scenario: Scenario, lot: LotArrays, values: Values) -> InfeasibleError:
    code, index = LotStatus(int(lot.status)), int(lot.failed_step)
    unit = scenario.product.unit
    if code is LotStatus.SAMPLE_EXCEEDS_VOLUME:
        path = step_path(index, "sample_volume")
        return InfeasibleError(
            path,
            f"the {float(np.asarray(values[path])) * 1000:.4g} mL sample takes all the product left"
            f" at step '{scenario.process.steps[index].name}'",
        )
    if code is LotStatus.NO_CONTAINER:
        step = scenario.process.steps[index]
        if isinstance(step, QCReleaseStep):
            return InfeasibleError(
                step_path(index, "sample_vials"),
                f"QC takes {int(lot.qc_sample_vials)} containers but the fill makes only"
                f" {int(lot.vials_filled)}: no container is left to release",
            )
        return InfeasibleError(
            step_path(index, "fill_volume"),
            f"{float(lot.drug_product_volume) * 1000:.4g} mL of bulk does not fill one container"
            " (fill volume + overfill)",
        )
    if code is LotStatus.NO_PATIENT:
        return InfeasibleError(
            "product.doses_per_patient",
            f"a patient needs {int(lot.doses_per_patient)} doses but a lot makes"
            f" {int(lot.doses)}: not one patient per lot",
        )
    return InfeasibleError(
        "product.dose",
        f"a dose needs {float(lot.dose_amount):.4g} {unit} but the {int(lot.vials_released)}"
        f" released containers hold {float(lot.amount_per_vial):.4g} {unit} each:"
        " not one whole dose per lot",
    )
