"""Lot engine: the tiny scenario worked out by hand, each dose rule and vial use, and lots
that cannot be made."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from genofab.engines.lot import LotStatus, dose_amount, lot_arrays, lot_result
from genofab.errors import InfeasibleError
from genofab.model import Scenario
from tests.helpers import tiny_data, tiny_scenario


def test_mass_balance_of_the_tiny_lot(tiny: Scenario) -> None:
    lot = lot_result(tiny)
    # 10 L × 1e7 TU/mL; capture keeps half in 1 L; TFF keeps 80 % in 100 mL.
    assert lot.amount_made == pytest.approx(1e11)
    amounts = [step.amount for step in lot.steps]
    assert amounts[0] is None  # no product during the seed train
    assert amounts[1:4] == pytest.approx([1e11, 5e10, 4e10])
    assert [step.volume_l for step in lot.steps[1:4]] == pytest.approx([10, 1, 0.1])
    assert lot.steps[3].concentration_per_ml == pytest.approx(4e8)
    assert lot.steps[3].recovery == pytest.approx(0.4)
    # 100 mL into 1 mL vials: 100 vials of 4e8 TU; QC takes 10.
    assert (lot.vials_filled, lot.qc_sample_vials, lot.vials_per_lot) == (100, 10, 90)
    assert lot.amount_per_vial == pytest.approx(4e8)
    # a 1e9 TU dose takes 3 whole vials: 90 // 3 = 30 doses, 30 patients.
    assert lot.vials_per_dose == 3 and lot.doses_per_vial is None
    assert (lot.doses_per_lot, lot.patients_per_lot) == (30, 30)
    assert lot.overall_yield == pytest.approx(90 * 4e8 / 1e11)
    assert lot.lot_duration_days == pytest.approx(10 + 5 + 1 + 1 + 1 + 14)
    assert lot.room_occupancy_days == {"seed_lab": 10, "suite": 7, "fill_room": 1, "qc_lab": 14}
    assert lot.production_room == "suite"


@pytest.mark.parametrize(
    ("use", "dose", "doses", "per_vial", "per_dose"),
    [
        ("whole_vials", "1e9 TU", 30, None, 3),
        ("whole_vials", "4e8 TU", 90, None, 1),
        ("whole_vials", "1e8 TU", 90, None, 1),
        ("shared_vials", "1e8 TU", 360, 4, None),
        ("shared_vials", "1.5e8 TU", 180, 2, None),
        ("shared_vials", "1e9 TU", 30, None, 3),  # a vial holds less than a dose: whole vials
        ("pooled", "1e9 TU", 36, None, None),
        ("pooled", "1.5e8 TU", 240, None, None),
    ],
)
def test_vial_use(
    use: str, dose: str, doses: int, per_vial: int | None, per_dose: int | None
) -> None:
    lot = lot_result(tiny_scenario(("product.vial_use", use), ("product.dose.amount", dose)))
    assert lot.doses_per_lot == doses
    assert (lot.doses_per_vial, lot.vials_per_dose) == (per_vial, per_dose)


def test_per_kg_dose_with_and_without_a_cap() -> None:
    per_kg = {"rule": "per_kg", "amount_per_kg": "1e8 TU/kg", "body_weight": "60 kg"}
    assert lot_result(tiny_scenario(("product.dose", per_kg))).dose_amount == pytest.approx(6e9)
    capped = {**per_kg, "max_amount": "5e9 TU"}
    assert lot_result(tiny_scenario(("product.dose", capped))).dose_amount == pytest.approx(5e9)


def test_cells_times_moi_dose() -> None:
    by_kg = {
        "rule": "cells_x_moi",
        "cells_at_transduction_per_kg": "3e6 cells/kg",
        "body_weight": "60 kg",
        "moi": 10,
    }
    assert lot_result(tiny_scenario(("product.dose", by_kg))).dose_amount == pytest.approx(1.8e9)
    given = {"rule": "cells_x_moi", "cells_at_transduction": "1e8 cells", "moi": "20 TU/cell"}
    assert lot_result(tiny_scenario(("product.dose", given))).dose_amount == pytest.approx(2e9)


def test_ex_vivo_dose_counts_every_transduction_and_the_vector_lost() -> None:
    # 1e8 cells × 2 collections × MOI 10 × 2 hits = 4e9 TU; 20 % lost at thaw: 5e9 TU;
    # 0.25 mL of dead volume at 4e8 TU/mL (the tiny lot's vials): 1e8 TU more.
    rule = {
        "rule": "cells_x_moi",
        "cells_at_transduction": "1e8 cells",
        "collections": 2,
        "moi": 10,
        "transduction_hits": 2,
        "thaw_loss": "20 %",
        "dead_volume": "0.25 mL",
    }
    lot = lot_result(tiny_scenario(("product.dose", rule)))
    assert lot.dose_amount == pytest.approx(5e9 + 1e8)
    # 5.1e9 TU takes 13 vials of 4e8: 90 // 13 = 6 patients
    assert (lot.vials_per_dose, lot.patients_per_lot) == (13, 6)


def test_the_released_cell_dose_is_checked_not_dosed() -> None:
    rule = {
        "rule": "cells_x_moi",
        "cells_at_transduction_per_kg": "20e6 cells/kg",
        "body_weight": "60 kg",
        "moi": 10,
        "released_cells_per_kg": "3e6 cells/kg",
    }
    lot = lot_result(tiny_scenario(("product.dose", rule)))
    assert lot.dose_amount == pytest.approx(1.2e10)  # the cells at transduction, not 1.8e9
    too_many = {**rule, "released_cells_per_kg": "25e6 cells/kg"}
    with pytest.raises(ValueError, match="more than the cells transduced"):
        tiny_scenario(("product.dose", too_many))


def test_doses_per_patient_divide_the_patients() -> None:
    lot = lot_result(tiny_scenario(("product.doses_per_patient", 2)))
    assert (lot.doses_per_lot, lot.patients_per_lot) == (30, 15)


def test_an_autologous_lot_treats_at_most_one_patient() -> None:
    lot = lot_result(tiny_scenario(("product.modality", "autologous_cells")))
    assert (lot.doses_per_lot, lot.patients_per_lot) == (30, 1)


def test_titer_from_cell_density_and_specific_productivity() -> None:
    lot = lot_result(
        tiny_scenario(
            ("process.steps.1.titer", ...),
            ("process.steps.1.cell_density", "2e6 cells/mL"),
            ("process.steps.1.specific_productivity", "5 TU/cell"),
        )
    )
    assert lot.amount_made == pytest.approx(10 * 2e9 * 5)


def test_output_concentration_sets_the_volume() -> None:
    lot = lot_result(
        tiny_scenario(
            ("process.steps.3.output_volume", ...),
            ("process.steps.3.output_concentration", "2e8 TU/mL"),
        )
    )
    assert lot.steps[3].volume_l == pytest.approx(4e10 / 2e11)
    assert lot.vials_filled == 200


def test_an_in_process_sample_takes_product_in_proportion() -> None:
    lot = lot_result(tiny_scenario(("process.steps.2.sample_volume", "100 mL")))
    assert lot.steps[2].volume_l == pytest.approx(0.9)
    assert lot.steps[2].amount == pytest.approx(5e10 * 0.9)
    assert lot.in_process_sample_volume_l == pytest.approx(0.1)


def test_overfill_and_fill_losses_reduce_the_vials() -> None:
    lot = lot_result(
        tiny_scenario(("process.steps.4.overfill", "0.25 mL"), ("process.steps.4.step_yield", 0.9))
    )
    assert lot.drug_product_volume_l == pytest.approx(0.09)
    assert lot.vials_filled == 72  # 90 mL ÷ 1.25 mL
    assert lot.amount_per_vial == pytest.approx(4e8)  # the labelled 1 mL at 4e8 TU/mL


def test_vials_are_whole_containers_rounded_down() -> None:
    # 100 mL into 1 mL + 0.5 mL overfill: 66.7 containers → 66 filled, 56 released after QC;
    # a 1e9 TU dose of 4e8 TU vials takes 3: 56 // 3 = 18 doses
    lot = lot_result(tiny_scenario(("process.steps.4.overfill", "0.5 mL")))
    assert (lot.vials_filled, lot.vials_per_lot) == (66, 56)
    assert lot.doses_per_lot == 18
    # 100 mL into 1.9 mL vials: 52.6 → 52 filled, 42 released of 7.6e8 TU: 2 a dose, 21 doses
    lot = lot_result(tiny_scenario(("process.steps.4.fill_volume", "1.9 mL")))
    assert (lot.vials_filled, lot.vials_per_lot, lot.doses_per_lot) == (52, 42, 21)


def test_a_step_after_the_fill_acts_on_the_containers() -> None:
    data = tiny_data()
    data["process"]["steps"].insert(
        5,
        {
            "name": "freeze",
            "kind": "cryopreservation",
            "room": "suite",
            "duration": "1 d",
            "step_yield": 0.75,
        },
    )
    lot = lot_result(Scenario.model_validate(data))
    assert lot.amount_per_vial == pytest.approx(3e8)
    assert lot.vials_per_dose == 4 and lot.doses_per_lot == 22


@pytest.mark.parametrize(
    ("edits", "path", "message"),
    [
        (
            (("process.steps.2.sample_volume", "1 L"),),
            "process.steps[2].sample_volume",
            "sample takes all the product",
        ),
        (
            (("process.steps.5.sample_vials", 100),),
            "process.steps[5].sample_vials",
            "QC takes 100 containers but the fill makes only 100",
        ),
        (
            (("process.steps.4.fill_volume", "200 mL"),),
            "process.steps[4].fill_volume",
            "does not fill one container",
        ),
        ((("product.dose.amount", "1e12 TU"),), "product.dose", "not one whole dose per lot"),
    ],
)
def test_a_lot_that_cannot_deliver_is_an_error_naming_the_cause(
    edits: tuple[tuple[str, Any], ...], path: str, message: str
) -> None:
    with pytest.raises(InfeasibleError) as caught:
        lot_result(tiny_scenario(*edits))
    assert caught.value.path == path
    assert message in caught.value.message


def test_the_kernel_evaluates_many_samples_at_once(tiny: Scenario) -> None:
    values: dict[str, Any] = dict(tiny.values())
    values["process.steps[2].step_yield"] = np.array([0.5, 0.25, 1.0, 0.01])
    lot = lot_arrays(tiny, values)
    assert lot.doses.tolist() == [30, 18, 45, 0]  # 3, 5 and 2 vials per dose; 125 > 90
    assert lot.status.tolist() == [LotStatus.OK] * 3 + [LotStatus.NO_DOSE]
    singles = [
        lot_arrays(tiny, {**values, "process.steps[2].step_yield": y}).doses
        for y in (0.5, 0.25, 1.0)
    ]
    assert [float(single) for single in singles] == lot.doses[:3].tolist()


def test_dose_amount_reads_the_dose_rule(tiny: Scenario) -> None:
    assert float(dose_amount(tiny, tiny.values())) == pytest.approx(1e9)


def test_a_patient_who_needs_more_doses_than_a_lot_makes_is_an_error() -> None:
    with pytest.raises(InfeasibleError) as caught:
        lot_result(tiny_scenario(("product.doses_per_patient", 40)))
    assert caught.value.path == "product.doses_per_patient"
    assert "a patient needs 40 doses but a lot makes 30" in caught.value.message


def test_after_the_fill_the_table_shows_the_labelled_content(tiny: Scenario) -> None:
    lot = lot_result(tiny_scenario(("process.steps.4.overfill", "0.25 mL")))
    last = lot.steps[-1]
    assert last.amount == pytest.approx(lot.vials_per_lot * lot.amount_per_vial)
    assert last.recovery == pytest.approx(lot.overall_yield)
