"""Capacity engine: the tiny facility worked out by hand, concurrency, several rooms, the
demand, and a room that cannot complete a lot in a year."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from genofab.engines.capacity import capacity_arrays, capacity_result
from genofab.engines.lot import lot_arrays
from genofab.errors import InfeasibleError
from genofab.model import Scenario
from tests.helpers import tiny_data, tiny_scenario


def test_capacity_of_the_tiny_facility(tiny: Scenario) -> None:
    cap = capacity_result(tiny)
    assert cap.operating_days_per_year == 350
    rooms = {room.kind: room for room in cap.rooms}
    # suite: 7 d occupancy + 3 d changeover = 10 d a lot → 35 lots in 350 d
    assert (rooms["suite"].occupancy_days, rooms["suite"].cycle_days) == (7, 10)
    assert rooms["suite"].lots_per_room_year == 35
    # seed lab: 10 d, two seed trains at once → 70; QC: 14 d, two at once → 50; fill: 350
    assert rooms["seed_lab"].lots_per_room_year == 70
    assert rooms["qc_lab"].lots_per_room_year == 50
    assert rooms["fill_room"].lots_per_room_year == 350
    assert cap.bottleneck_room == "suite"
    assert (cap.lots_per_year, cap.patients_per_year, cap.doses_per_year) == (35, 1050, 1050)
    # 100 patients at 30 a lot → 4 lots → 4/35 of a year
    assert cap.lots_for_cohort == 4
    assert cap.years_to_treat_cohort == pytest.approx(4 / 35)
    # 2000 patients a year → 67 lots → 2 suites, 2 QC labs, 1 seed lab, 1 fill room
    assert cap.lots_needed_per_year == 67
    assert {kind: room.rooms_needed for kind, room in rooms.items()} == {
        "seed_lab": 1,
        "suite": 2,
        "fill_room": 1,
        "qc_lab": 2,
    }
    assert cap.meets_demand is False
    assert rooms["suite"].utilisation_at_capacity == pytest.approx(1.0)
    assert rooms["seed_lab"].utilisation_at_capacity == pytest.approx(35 * 10 / (2 * 350))
    assert rooms["qc_lab"].utilisation_at_demand == pytest.approx(35 * 14 / (2 * 350))


def test_whole_lots_only_a_lot_does_not_straddle_the_shutdown() -> None:
    cap = capacity_result(tiny_scenario(("facility.rooms.1.changeover", "4 d")))
    assert cap.room("suite").lots_per_room_year == 31  # 350 / 11 = 31.8


def test_more_rooms_of_the_bottleneck_kind_move_the_bottleneck() -> None:
    cap = capacity_result(tiny_scenario(("facility.rooms.1.count", 3)))
    assert cap.room("suite").lots_per_year == 105
    assert cap.bottleneck_room == "qc_lab"  # 2 × ⌊350 / 14⌋ = 50, below the seed lab's 70
    assert cap.lots_per_year == 50


def test_rooms_needed_count_rooms_of_a_kind_one_by_one() -> None:
    # 3 suites and 2 QC labs; 2,000 patients a year at 30 a lot → 67 lots a year. One suite
    # makes 35 → 2 suites needed (not ⌈67 ÷ 105⌉ = 1 against all three); one QC lab 50 → 2.
    cap = capacity_result(
        tiny_scenario(("facility.rooms.1.count", 3), ("facility.rooms.3.count", 2))
    )
    assert cap.lots_needed_per_year == 67
    assert (cap.room("suite").lots_per_year, cap.room("qc_lab").lots_per_year) == (105, 100)
    assert cap.room("suite").rooms_needed == 2
    assert cap.room("qc_lab").rooms_needed == 2
    assert cap.room("seed_lab").rooms_needed == 1  # ⌈67 ÷ 70⌉
    # 8,000 patients a year → 267 lots: ⌈267 ÷ 35⌉ = 8 suites, ⌈267 ÷ 50⌉ = 6 QC labs
    bigger = capacity_result(
        tiny_scenario(
            ("facility.rooms.1.count", 3),
            ("facility.rooms.3.count", 2),
            ("demand.patients_per_year", 8_000),
        )
    )
    assert bigger.lots_needed_per_year == 267
    assert (bigger.room("suite").rooms_needed, bigger.room("qc_lab").rooms_needed) == (8, 6)


def test_rooms_no_step_uses_are_listed_and_ignored() -> None:
    data = tiny_data()
    data["facility"]["rooms"].append({"kind": "warehouse", "changeover": "0 d"})
    cap = capacity_result(Scenario.model_validate(data))
    assert cap.unused_rooms == ("warehouse",)
    assert "warehouse" not in {room.kind for room in cap.rooms}


def test_no_demand_means_no_demand_figures() -> None:
    cap = capacity_result(tiny_scenario(("demand", ...)))
    assert cap.lots_for_cohort is None and cap.years_to_treat_cohort is None
    assert cap.rooms[0].rooms_needed is None and cap.meets_demand is None


def test_a_lot_longer_than_the_operating_year_is_an_error() -> None:
    with pytest.raises(InfeasibleError) as caught:
        capacity_result(tiny_scenario(("process.steps.5.duration", "400 d")))
    assert caught.value.path == "facility.rooms[3]"
    assert "operates 350 days a year" in caught.value.message


def test_the_kernel_evaluates_many_samples_at_once(tiny: Scenario) -> None:
    values: dict[str, Any] = dict(tiny.values())
    values["facility.rooms[1].changeover"] = np.array([3.0, 4.0, 0.0])
    values["facility.rooms[1].count"] = np.array([1.0, 1.0, 3.0])
    cap = capacity_arrays(tiny, lot_arrays(tiny, values), values)
    assert cap.lots_per_year.tolist() == [35, 31, 50]
    kinds = [room.kind for room in cap.rooms]
    assert [kinds[i] for i in cap.bottleneck] == ["suite", "suite", "qc_lab"]


def test_utilisation_at_a_demand_below_capacity() -> None:
    cap = capacity_result(tiny_scenario(("demand.patients_per_year", 600)))
    # 600 patients → 20 lots of the 35 the suite can make
    assert cap.lots_needed_per_year == 20
    assert cap.room("suite").utilisation_at_demand == pytest.approx(20 * 10 / 350)
    assert cap.room("suite").utilisation_at_capacity == pytest.approx(1.0)
    assert cap.meets_demand is True


def test_on_a_tie_the_production_room_is_the_bottleneck() -> None:
    # seed lab: one train at a time, 10 d → 35 lots; the suite also makes 35
    cap = capacity_result(tiny_scenario(("facility.rooms.0.concurrent_lots", 1)))
    assert cap.room("seed_lab").lots_per_year == cap.room("suite").lots_per_year == 35
    assert cap.bottleneck_room == "suite"


def test_years_to_release_a_cohort_include_the_last_lots_duration(tiny: Scenario) -> None:
    cap = capacity_result(tiny)
    # 4 lots at 35 a year: the last starts 3/35 of a year after the first, and takes 32 days
    assert cap.years_to_release_cohort == pytest.approx(3 / 35 + 32 / 365.25)
    assert cap.years_to_treat_cohort == pytest.approx(4 / 35)


def test_tiny_demands_still_need_one_lot() -> None:
    cap = capacity_result(tiny_scenario(("demand.patients_per_year", 0.01)))
    assert cap.lots_needed_per_year == 1
    assert {room.rooms_needed for room in cap.rooms} == {1}


def test_lot_failures_cut_the_good_lots_and_the_patients_and_raise_the_lots_for_a_cohort() -> None:
    data = tiny_data()
    data["economics"] = {"currency": "EUR", "lot_failure_probability": "20 %"}
    cap = capacity_result(Scenario.model_validate(data))
    # 35 lots a year, one in five fails: 28 good lots of 30 patients
    assert cap.lots_per_year == 35 and cap.patients_per_year == 1050
    assert cap.good_lots_per_year == pytest.approx(28)
    assert cap.patients_per_year_after_failures == pytest.approx(840)
    # 100 patients at 30 × 0.8 = 24 good patients a lot started → 5 lots (4 without failures)
    assert cap.lots_for_cohort == 5
    assert cap.years_to_treat_cohort == pytest.approx(5 / 35)
    # 2000 patients a year → ⌈2000 ÷ 24⌉ = 84 lots started
    assert cap.lots_needed_per_year == 84
    assert cap.collections_per_patient == 0
    assert cap.remake_delay_days == 0  # a vector lot's failure is made up by the next lots


def test_an_autologous_failure_means_a_new_collection_and_a_wait() -> None:
    data = tiny_data()
    data["product"]["modality"] = "autologous_cells"
    data["product"]["recollection_interval"] = "14 d"
    data["economics"] = {"currency": "EUR", "lot_failure_probability": "20 %"}
    cap = capacity_result(Scenario.model_validate(data))
    # f ÷ (1 − f) = 0.25 failures per patient, each 14 d to a new collection and a new lot
    # of 10 + 5 + 1 + 1 + 1 + 14 = 32 d
    assert cap.remake_delay_days == pytest.approx(0.25 * (14 + 32))
    assert cap.collections_per_patient == pytest.approx(1.25)
    no_failure = capacity_result(tiny_scenario(("product.modality", "autologous_cells")))
    assert cap.years_to_release_cohort - no_failure.years_to_release_cohort == pytest.approx(
        (125 - 100) / 35 + 0.25 * 46 / 365.25
    )


def test_a_failure_found_during_production_frees_the_rooms_of_the_later_steps() -> None:
    data = tiny_data()
    data["process"]["failure_modes"] = [
        {"name": "contamination", "probability": "20 %", "detected_at": "make"}
    ]
    cap = capacity_result(Scenario.model_validate(data))
    # the suite: make 5 d always, capture and concentrate 1 d each for the 80 % that go on
    assert cap.room("suite").occupancy_days == pytest.approx(5 + 0.8 * 2)
    assert cap.room("suite").lots_per_room_year == 36  # ⌊350 ÷ 9.6⌋
    assert cap.room("qc_lab").occupancy_days == pytest.approx(0.8 * 14)
    assert cap.room("seed_lab").occupancy_days == 10  # before the failure is found
    assert cap.lot_failure_probability == pytest.approx(0.2)
    assert cap.patients_per_year_after_failures == pytest.approx(36 * 0.8 * 30)
