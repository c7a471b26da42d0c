"""Cost-of-goods and fair-price engines: the tiny scenario worked out by hand, and the
behaviour of costs with demand, facility size and lot failures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from genofab.engines.capacity import capacity_arrays
from genofab.engines.economics import CATEGORIES, CAUSES, cost_arrays
from genofab.engines.lot import lot_arrays
from genofab.engines.run import evaluate, run_arrays
from genofab.model import Scenario
from genofab.results.economics import EconomicsResult
from tests.helpers import tiny_costed

# The tiny plant at capacity: 35 lots a year of 30 doses (1,050 doses); demand 2,000 a year.
FIXED = 700_000 + (75_000 + 50_000 + 60_000 + 50_000) + 81_000  # labour, facility, overhead
VARIABLE_PER_LOT = 500 + 2_200 + 3_000  # medium; resin ÷ 5 and 100 vials; sterility test
TOTAL = 35 * VARIABLE_PER_LOT + FIXED


def economics(*edits: tuple[str, Any]) -> EconomicsResult:
    result = evaluate(tiny_costed(*edits)).economics
    assert result is not None
    return result


def test_annual_cost_of_the_tiny_plant_by_category() -> None:
    cost = economics()
    assert cost.lots_started_per_year == 35
    assert cost.doses_delivered_per_year == 1_050
    annual = {name: line.annual for name, line in cost.cost_breakdown.items()}
    assert annual == pytest.approx(
        {
            "materials": 35 * 500,
            "consumables": 35 * 2_200,
            "qc": 35 * 3_000,
            # 7 FTE at 100,000 EUR
            "labour": 700_000,
            # depreciation 1.5 M ÷ 20 + 0.5 M ÷ 10; maintenance + insurance 3 % of 2 M; 500 m² × 100
            "facility": 75_000 + 50_000 + 60_000 + 50_000,
            # 10 % of labour and facility running (without depreciation)
            "overhead": 0.10 * (700_000 + 110_000),
            "fees": 0,
            "total": TOTAL,
        }
    )
    assert cost.capital == pytest.approx(
        {"building": 1_500_000, "equipment": 500_000, "installation": 0, "total": 2_000_000}
    )
    assert cost.staff_fte == pytest.approx(7)
    assert cost.cogs_per_lot == pytest.approx(TOTAL / 35)
    assert cost.cogs_per_dose == pytest.approx(TOTAL / 1_050)
    assert cost.cogs_per_patient == pytest.approx(TOTAL / 1_050)
    assert cost.depreciation_per_lot == pytest.approx(125_000 / 35)
    assert cost.running_cost_per_lot == pytest.approx((TOTAL - 125_000) / 35)
    assert cost.variable_cost_per_lot["total"] == pytest.approx(VARIABLE_PER_LOT)


def test_cost_by_step_adds_up_to_the_cost_per_lot() -> None:
    cost = economics()
    steps = {step.name: step.per_lot for step in cost.cost_by_step}
    # the suite's own costs a year: its area and bioreactor (depreciation, 3 %), utilities, 5 FTE
    suite = 25_000 + 15_000 + 10_000 + 50_000 + 15_000 + 500_000
    assert steps["make"] == pytest.approx(500 + suite / 35 * 5 / 7)
    assert steps["capture"] == pytest.approx(2_000 + suite / 35 * 1 / 7)
    assert steps["fill"] == pytest.approx(200)
    assert steps["release"] == pytest.approx(3_000)
    assert cost.site_cost_per_lot == pytest.approx((FIXED - suite) / 35)
    assert sum(steps.values()) + cost.site_cost_per_lot == pytest.approx(cost.cogs_per_lot)


def test_cost_by_step_shares_each_rooms_cost_among_the_lots_started() -> None:
    # 600 patients a year at 30 a lot with 20 % failing: 20 good lots, 25 started (of 35 the
    # plant could make): a room's yearly cost is shared by the 25 lots started, by duration
    cost = economics(
        ("economics.lot_failure_probability", "20 %"), ("demand.patients_per_year", 600)
    )
    assert cost.lots_started_per_year == 25
    steps = {step.name: step.per_lot for step in cost.cost_by_step}
    suite = 25_000 + 15_000 + 10_000 + 50_000 + 15_000 + 500_000  # as above
    assert steps["make"] == pytest.approx(500 + suite / 25 * 5 / 7)
    assert steps["capture"] == pytest.approx(2_000 + suite / 25 * 1 / 7)
    assert steps["concentrate"] == pytest.approx(suite / 25 * 1 / 7)
    assert steps["release"] == pytest.approx(3_000)
    assert cost.site_cost_per_lot == pytest.approx((FIXED - suite) / 25)
    assert cost.cogs_per_lot == pytest.approx((25 * VARIABLE_PER_LOT + FIXED) / 25)
    assert sum(steps.values()) + cost.site_cost_per_lot == pytest.approx(cost.cogs_per_lot)


def test_the_qc_share_of_the_price_counts_the_tests_of_failed_lots() -> None:
    # 25 lots started a year are each tested (3,000 EUR) for 600 patients: 125 EUR a patient,
    # not the 100 of one good lot's tests over its 30 patients
    price = economics(
        ("economics.lot_failure_probability", "20 %"), ("demand.patients_per_year", 600)
    ).fair_price
    assert price is not None
    assert price.components["qc_release"] == pytest.approx(25 * 3_000 / 600)
    per_patient = (25 * VARIABLE_PER_LOT + FIXED) / 600
    assert price.components["manufacturing"] == pytest.approx(per_patient - 125)
    # two doses a patient: 300 patients from 20 good lots (600 doses), each patient bears 250
    two = economics(
        ("economics.lot_failure_probability", "20 %"),
        ("demand.patients_per_year", 300),
        ("product.doses_per_patient", 2),
    ).fair_price
    assert two is not None
    assert two.components["qc_release"] == pytest.approx(25 * 3_000 / 300)


def test_idle_capacity_is_its_own_line() -> None:
    cost = economics(("demand.patients_per_year", 600))
    assert cost.lots_started_per_year == 20
    assert cost.cost_by_cause["idle_capacity"].annual == pytest.approx(FIXED * 15 / 35)
    assert cost.cost_by_cause["failed_lots"].annual == 0
    assert cost.cogs_per_dose == pytest.approx((20 * VARIABLE_PER_LOT + FIXED) / 600)


def test_failed_lots_are_their_own_line() -> None:
    cost = economics(
        ("economics.lot_failure_probability", "20 %"), ("demand.patients_per_year", 600)
    )
    # 20 good lots needed: 25 started, 5 of them expected to fail
    assert cost.lots_started_per_year == 25
    assert cost.good_lots_per_year == pytest.approx(20)
    expected = 25 * 0.2 * VARIABLE_PER_LOT + FIXED * (25 / 35) * 0.2
    assert cost.cost_by_cause["failed_lots"].annual == pytest.approx(expected)


def test_surplus_doses_are_their_own_line() -> None:
    cost = economics(("demand.patients_per_year", 45))
    assert cost.lots_started_per_year == 2
    assert cost.doses_delivered_per_year == 45
    good = cost.annual_cost - cost.cost_by_cause["idle_capacity"].annual
    assert cost.cost_by_cause["surplus_doses"].annual == pytest.approx(good * 15 / 60)


def test_fair_price_components() -> None:
    price = economics().fair_price
    assert price is not None
    per_patient = TOTAL / 1_050
    assert price.components["qc_release"] == pytest.approx(35 * 3_000 / 1_050)
    assert price.components["manufacturing"] == pytest.approx(per_patient - 100)
    assert price.components["development"] == pytest.approx(10_000)
    assert price.components["distribution"] == pytest.approx(10_000)
    assert price.components["pharmacovigilance"] == pytest.approx(5_000)
    subtotal = per_patient + 25_000
    assert price.components["margin"] == pytest.approx(0.2 * subtotal)
    assert price.total == pytest.approx(1.2 * subtotal)
    assert sum(price.components.values()) == pytest.approx(price.total)


def test_development_cost_with_a_cost_of_capital_is_recovered_with_interest() -> None:
    from genofab.engines.finance import net_present_value

    price = economics(
        ("economics.pricing.cost_of_capital", "8 %"), ("economics.pricing.commercial_life", 10)
    ).fair_price
    assert price is not None
    yearly = price.components["development"] * 10_000 / 10
    assert net_present_value(0.08, [yearly] * 10) == pytest.approx(100e6)


def test_list_price_is_compared() -> None:
    price = economics(("economics.pricing.list_price", "100 kEUR")).fair_price
    assert price is not None and price.list_to_fair_ratio == pytest.approx(100_000 / price.total)


def test_money_in_another_currency_is_converted() -> None:
    cost = economics(
        ("economics.exchange_rates", {"USD": 0.5}),
        ("economics.materials.0.unit_price", "100 USD/L"),
    )
    assert cost.cost_breakdown["materials"].annual == pytest.approx(35 * 500)


def test_sizing_to_demand_adds_suites() -> None:
    result = evaluate(tiny_costed(("economics.facility_sizing", "to_demand")))
    # 2,000 patients → 67 lots: 2 suites, 2 QC labs (50 lots each), 1 seed lab, 1 fill room
    counts = {room.kind: room.count for room in result.capacity.rooms}
    assert counts == {"seed_lab": 1, "suite": 2, "fill_room": 1, "qc_lab": 2}
    assert result.capacity.lots_per_year == 70
    assert result.economics is not None and result.economics.lots_started_per_year == 67


def demand_sweep(scenario: Scenario, demands: np.ndarray) -> Any:
    values: dict[str, Any] = dict(scenario.values())
    values["demand.patients_per_year"] = demands
    cost = run_arrays(scenario, values).cost
    assert cost is not None
    return cost


def test_cost_per_dose_falls_as_demand_rises_toward_capacity() -> None:
    full_lots = np.arange(1, 36) * 30.0  # demands of whole lots, up to the capacity of 35 lots
    cost = demand_sweep(tiny_costed(), full_lots)
    assert np.all(np.diff(cost.cost_per_dose) < 0)


def test_cost_per_dose_jumps_when_another_suite_is_needed() -> None:
    demands = np.array([34, 35, 36]) * 30.0
    cost = demand_sweep(tiny_costed(("economics.facility_sizing", "to_demand")), demands)
    assert cost.cost_per_dose[1] < cost.cost_per_dose[0]
    assert cost.cost_per_dose[2] > cost.cost_per_dose[1] * 1.1  # a second suite is paid for


@given(st.floats(0, 0.9), st.floats(0, 0.9), st.floats(30, 3000))
def test_a_higher_failure_rate_never_lowers_the_cost_per_dose(
    a: float, b: float, demand: float
) -> None:
    scenario = tiny_costed(("demand.patients_per_year", demand))
    values: dict[str, Any] = dict(scenario.values())
    values["economics.lot_failure_probability"] = np.array(sorted([a, b]))
    lot = lot_arrays(scenario, values)
    cost = cost_arrays(scenario, values, lot, capacity_arrays(scenario, lot, values))
    assert cost.cost_per_dose[1] >= cost.cost_per_dose[0] * (1 - 1e-12)


@given(st.floats(0, 0.5), st.floats(10, 5000), st.sampled_from(["as_given", "to_demand"]))
def test_breakdowns_sum_to_the_total(failure: float, demand: float, sizing: str) -> None:
    result = evaluate(
        tiny_costed(
            ("economics.lot_failure_probability", failure),
            ("demand.patients_per_year", demand),
            ("economics.facility_sizing", sizing),
        )
    ).economics
    assert result is not None
    total = result.annual_cost
    assert sum(result.cost_breakdown[name].annual for name in CATEGORIES) == pytest.approx(total)
    assert sum(result.cost_by_cause[name].annual for name in CAUSES) == pytest.approx(total)
    for name in CAUSES:
        assert result.cost_by_cause[name].annual >= -1e-6 * total
    per_lot = sum(step.per_lot for step in result.cost_by_step) + result.site_cost_per_lot
    assert per_lot == pytest.approx(result.cogs_per_lot)


def test_an_autologous_lots_spare_doses_go_to_no_one() -> None:
    cost = economics(("product.modality", "autologous_cells"), ("demand.patients_per_year", 20))
    # 30 doses a lot but one patient: 20 lots for 20 patients, 20 doses delivered
    assert cost.lots_started_per_year == 20
    assert cost.doses_delivered_per_year == 20
    assert cost.cogs_per_patient == pytest.approx(cost.annual_cost / 20)
