"""Every example reproduces its committed output, and the dossier's worked figures follow
from the parameters of the two lentiviral examples."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.golden.expected import (
    chain_examples,
    expected_path,
    figure_changes,
    profit_plan_examples,
    run_example,
)
from tests.helpers import EXAMPLES, scenario_examples

EXAMPLE_FILES = scenario_examples()


def test_the_examples() -> None:
    assert {path.name for path in EXAMPLE_FILES} == {
        "lv-sickle-cell-current.yaml",
        "lv-sickle-cell-industrial.yaml",
        "aav-hek293-200l.yaml",
        "car-t-autologous.yaml",
        "genethon-bioprod-facility.yaml",
    }


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.name)
def test_example_matches_its_committed_output(example: Path) -> None:
    expected = json.loads(expected_path(example).read_text(encoding="utf-8"))
    changes = figure_changes(expected, run_example(example))
    assert not changes, "\n".join(change.render() for change in changes)


@pytest.mark.parametrize("example", chain_examples(), ids=lambda path: path.name)
def test_chain_example_matches_its_committed_output(example: Path) -> None:
    expected = json.loads(expected_path(example).read_text(encoding="utf-8"))
    changes = figure_changes(expected, run_example(example))
    assert not changes, "\n".join(change.render() for change in changes)


@pytest.mark.parametrize("example", profit_plan_examples(), ids=lambda path: path.name)
def test_profit_plan_example_matches_its_committed_output(example: Path) -> None:
    expected = json.loads(expected_path(example).read_text(encoding="utf-8"))
    changes = figure_changes(expected, run_example(example))
    assert not changes, "\n".join(change.render() for change in changes)


def test_the_profit_plan_examples() -> None:
    assert {path.name for path in profit_plan_examples()} == {
        "schedule-lakhdar-2005.yaml",
        "schedule-profit-stock.yaml",
        "schedule-stages-profit.yaml",
    }


def test_the_chain_examples() -> None:
    assert {path.name for path in chain_examples()} == {"sickle-cell-gene-therapy.yaml"}


def run(name: str) -> dict[str, Any]:
    return run_example(EXAMPLES / name)


def test_current_process_gives_the_dossiers_figures() -> None:
    """Seed 004: 'to treat 100 patients, 4 years of production (1 zone), i.e. more than 25 lots
    at 6 lots per zone per year'."""
    current = run("lv-sickle-cell-current.yaml")
    assert current["lots_per_room_year"]["production_zone"] == 6
    assert current["bottleneck_room"] == "production_zone"
    assert current["lots_per_year"] == 6
    assert current["patients_per_lot"] == 4  # "at most 4", and a lot must treat someone
    assert current["lots_for_cohort"] >= 25
    assert 3.5 <= current["years_to_treat_cohort"] <= 4.5


def test_industrial_process_gives_the_dossiers_figures() -> None:
    """Seed 004: '1 lot produced in 2 weeks treats nearly 400 patients, i.e. 9,600 patients
    per production suite per year'."""
    igt = run("lv-sickle-cell-industrial.yaml")
    assert igt["suite_occupancy_days"] == pytest.approx(14)
    assert igt["bottleneck_room"] == "production_suite"
    assert 360 <= igt["patients_per_lot"] <= 440
    assert igt["lots_per_room_year"]["production_suite"] == 24
    assert 9_600 * 0.9 <= igt["patients_per_year"] <= 9_600 * 1.1
    assert igt["lots_for_cohort"] == 1  # 100 patients are a fraction of one lot
    # the seed train runs in its own room: it does not hold the suite
    assert igt["lot"]["room_occupancy_days"]["seed_lab"] == pytest.approx(14)
    assert igt["lot_duration_days"] > igt["suite_cycle_days"]


def test_industrial_process_treats_about_400_times_more_patients_per_zone() -> None:
    """Parameters.md 6.2: 9,600 ÷ (6 × 4) = 400."""
    ratio = (
        run("lv-sickle-cell-industrial.yaml")["patients_per_year"]
        / run("lv-sickle-cell-current.yaml")["patients_per_year"]
    )
    assert 350 <= ratio <= 450


def test_car_t_makes_one_lot_per_patient() -> None:
    car_t = run("car-t-autologous.yaml")
    assert car_t["patients_per_lot"] == 1
    assert car_t["patients_per_year"] == car_t["lots_per_year"]
    # 100 patients, 3.87 % of lots fail (S31): ⌈100 ÷ 0.9613⌉ = 105 lots started
    assert car_t["lots_for_cohort"] == math.ceil(100 / (1 - 0.0387)) == 105
    capacity = car_t["capacity"]
    assert capacity["collections_per_patient"] == pytest.approx(1 / (1 - 0.0387))


def test_aav_is_dosed_per_kg_in_whole_vials() -> None:
    aav = run("aav-hek293-200l.yaml")
    lot = aav["lot"]
    assert lot["product_unit"] == "vg"
    assert lot["dose_amount"] == pytest.approx(1.1e14 * 8)
    assert lot["vials_per_dose"] == math.ceil(lot["dose_amount"] / lot["amount_per_vial"])
    assert aav["doses_per_lot"] == lot["vials_per_lot"] // lot["vials_per_dose"]


def test_the_dossiers_facility_costs_follow_from_its_inputs() -> None:
    """S3, S7 and parameters.md 6.2: about EUR 28 M of capital and EUR 10 M a year of running
    cost for 20–30 lots a year, i.e. EUR 0.33–0.5 M of running cost per lot plus EUR 0.06–0.14 M
    of depreciation per lot."""
    bioprod = run("genethon-bioprod-facility.yaml")
    economics = bioprod["economics"]
    assert 20 <= bioprod["lots_per_year"] <= 30
    assert 25e6 <= economics["capital"]["total"] <= 31e6
    running = economics["annual_cost"] - economics["depreciation_per_year"]
    assert 8.5e6 <= running <= 11.5e6
    assert 0.33e6 <= economics["running_cost_per_lot"] <= 0.5e6
    assert 0.06e6 <= economics["depreciation_per_lot"] <= 0.14e6
    # the dossier's 80 staff, as whole people: 79.9 FTE, since batch-record review follows the
    # lots released and 4 % of the lots fail
    assert economics["staff_fte"] == pytest.approx(80, abs=0.5)


def test_industrial_process_cuts_the_cost_per_dose_about_a_hundredfold() -> None:
    """Parameters.md 6.2: EUR 100–160 k of vector cost per patient at 4 patients a lot, EUR
    1,000–1,600 at 400 if the lot cost stays similar."""
    current = run("lv-sickle-cell-current.yaml")
    igt = run("lv-sickle-cell-industrial.yaml")
    assert 80e3 <= current["cogs_per_patient"] <= 200e3
    assert 500 <= igt["cogs_per_patient"] <= 2_000
    for result in (current, igt):
        breakdown = result["cost_breakdown"]
        total = breakdown.pop("total")
        assert sum(breakdown.values()) == pytest.approx(total)
        price = result["fair_price_per_patient"]
        assert sum(price["components"].values()) == pytest.approx(price["total"])
