"""Room-years and cost per patient from a scenario, worked out by hand on the tiny one."""

from __future__ import annotations

import pytest

from genofab.engines.demand.rates import planned_rates, product_rates, stage_rates
from tests.helpers import tiny_costed


def test_tiny_product_rates_by_hand() -> None:
    """The tiny suite holds a lot 7 days (make 5 + capture 1 + concentrate 1) and cleans for
    3: 350 operating days ÷ 10 = 35 lots a suite-year, 30 patients a lot, no failed lot, so a
    patient takes 1 ÷ 1,050 suite-years. Variable cost 5,700 a lot (materials 500 +
    consumables 2,200 + QC 3,000) ÷ 30 patients = 190 a patient."""
    rates = product_rates(tiny_costed())
    assert float(rates.room_years_per_patient["suite"]) == pytest.approx(1 / 1050)
    assert float(rates.room_years_per_patient["seed_lab"]) == pytest.approx(1 / (70 * 30))
    assert float(rates.cost_per_patient) == pytest.approx(190.0)
    assert rates.currency == "EUR"


def test_failed_lots_raise_what_a_patient_takes() -> None:
    """With 20 % of lots failing, 24 good patients a lot: 1 ÷ (35 × 24) suite-years and
    5,700 ÷ 24 a patient."""
    rates = product_rates(tiny_costed(("economics.lot_failure_probability", "20 %")))
    assert float(rates.room_years_per_patient["suite"]) == pytest.approx(1 / (35 * 24))
    assert float(rates.cost_per_patient) == pytest.approx(5700 / 24)


def test_stages_add_room_years_and_counted_costs() -> None:
    """Two stages of the tiny product: suite-years add up (two suites' worth), the second
    stage's cost is not counted (it is bought as a material by a later one)."""
    one = product_rates(tiny_costed())
    both = stage_rates([(one, True), (one, False)])
    assert float(both.room_years_per_patient["suite"]) == pytest.approx(2 / 1050)
    assert float(both.cost_per_patient) == pytest.approx(190.0)
    planned, unplanned = planned_rates(both, {"suite": "vector_suite"}, {"vector_suite", "qc_lab"})
    assert set(planned) == {"vector_suite", "qc_lab"}
    assert set(unplanned) == {"seed_lab", "fill_room"}
