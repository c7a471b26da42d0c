"""Cost lines as practitioners state them, each worked out by hand on the tiny plant: shift
posts, hours per lot, fees, licences, facility charges, materials per amount processed,
shares, scaled and installed capital, capital charge, one-off costs, campaigns, the project's
net present cost, and the fair price.

The tiny plant at capacity (tests/helpers.py): 35 lots a year of 30 doses (1,050 patients);
its suite holds a lot 7 days plus 3 days of changeover; 50 operating weeks; FTE cost
100,000 EUR a year at 1,600 paid hours (62.5 EUR/h).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from genofab.engines.finance import capital_recovery_factor
from genofab.engines.run import evaluate
from genofab.errors import ScenarioError
from genofab.results.economics import EconomicsResult
from tests.engines.test_economics import FIXED, TOTAL, VARIABLE_PER_LOT
from tests.helpers import dump_yaml, edit, tiny_costed, tiny_data, tiny_economics

LABOUR = 700_000


def economics(*edits: tuple[str, Any]) -> EconomicsResult:
    result = evaluate(tiny_costed(*edits)).economics
    assert result is not None
    return result


def annual(result: EconomicsResult, category: str) -> float:
    return result.cost_breakdown[category].annual


def test_a_shift_post_is_covered_all_its_hours() -> None:
    post = {
        "role": "operators",
        "staff_per_shift": 1,
        "shifts_per_day": 2,
        "days_per_week": 7,
        "weeks_per_year": 52,
    }
    cost = economics(("economics.staff", [post]))
    # 1 × 2 shifts × 7 days × 52 weeks × 8 h = 5,824 h ÷ 1,600 h = 3.64 FTE
    assert cost.staff_fte == pytest.approx(3.64)
    assert annual(cost, "labour") == pytest.approx(364_000)
    del post["weeks_per_year"]  # the facility's 50 operating weeks
    assert economics(("economics.staff", [post])).staff_fte == pytest.approx(3.5)


def test_hours_per_lot_follow_the_lots() -> None:
    qc = {"role": "QC analysts", "hours": "100 h", "cost_per_hour": "50 EUR/h", "quality": True}
    cost = economics(("economics.staff", [qc]))
    # 100 h × 50 EUR per lot started, 35 lots
    assert annual(cost, "labour") == pytest.approx(175_000)
    assert cost.variable_cost_per_lot["labour"] == pytest.approx(5_000)
    assert cost.staff_fte == pytest.approx(100 * 35 / 1600)
    assert cost.quality_view["qc_qa_labour"].annual == pytest.approx(175_000)
    half = economics(("economics.staff", [qc]), ("demand.patients_per_year", 450))
    assert half.lots_started_per_year == 15
    assert annual(half, "labour") == pytest.approx(75_000)


def test_hours_per_lot_released_skip_failed_lots() -> None:
    qa = {"role": "QA review", "hours": "40 h", "per": "lot_released"}
    cost = economics(
        ("economics.staff", [qa]),
        ("economics.lot_failure_probability", "20 %"),
        ("demand.patients_per_year", 600),
    )
    # 25 lots started, 20 released; 40 h × 62.5 EUR/h per released lot
    assert annual(cost, "labour") == pytest.approx(20 * 40 * 62.5)


def test_hours_per_patient_and_per_dose_follow_the_patients() -> None:
    per_patient = {"role": "release to the clinic", "hours": "2 h", "per": "patient"}
    cost = economics(("economics.staff", [per_patient]))
    # 2 h × 62.5 EUR/h × 1,050 patients; 2,100 h ÷ 1,600 h = 1.3125 FTE
    assert annual(cost, "labour") == pytest.approx(131_250)
    assert cost.staff_fte == pytest.approx(1.3125)
    per_dose = {"role": "dose preparation", "hours": "1 h", "per": "dose"}
    cost = economics(("economics.staff", [per_dose]), ("demand.patients_per_year", 600))
    # 600 patients of one dose each: 600 h × 62.5
    assert annual(cost, "labour") == pytest.approx(37_500)
    # never charged to idle capacity: all of it, and its 10 % overhead, goes to the doses
    base = economics(("economics.staff", []), ("demand.patients_per_year", 600))
    idle = cost.cost_by_cause["idle_capacity"].annual
    assert idle == pytest.approx(base.cost_by_cause["idle_capacity"].annual)
    delivered = cost.cost_by_cause["doses_delivered"].annual
    assert delivered == pytest.approx(base.cost_by_cause["doses_delivered"].annual + 41_250)


def test_staff_and_yearly_fees_per_room_follow_the_rooms() -> None:
    licence = {"name": "suite licence", "per": "year", "amount": "50 kEUR", "per_room": "suite"}
    one = economics(("economics.fees", [licence]))
    two = economics(("economics.fees", [licence]), ("facility.rooms.1.count", 2))
    # operators 5 FTE per suite, QA 2 FTE: 7 FTE, then 12
    assert (one.staff_fte, two.staff_fte) == pytest.approx((7, 12))
    assert annual(two, "labour") == pytest.approx(1_200_000)
    assert (annual(one, "fees"), annual(two, "fees")) == pytest.approx((50_000, 100_000))


def test_a_fee_per_lot_released_skips_failed_lots() -> None:
    fee = {"name": "batch release fee", "per": "lot_released", "amount": "1000 EUR"}
    cost = economics(
        ("economics.fees", [fee]),
        ("economics.lot_failure_probability", "20 %"),
        ("demand.patients_per_year", 600),
    )
    # 25 lots started, 20 released
    assert annual(cost, "fees") == pytest.approx(20_000)


def test_labour_burden_raises_every_labour_line() -> None:
    cost = economics(("economics.labour_burden", "25 %"))
    assert annual(cost, "labour") == pytest.approx(1.25 * LABOUR)


def test_fees_by_what_they_are_counted_per() -> None:
    def fee(per: str, amount: str, **more: Any) -> dict[str, Any]:
        return {"name": f"fee per {per}", "per": per, "amount": amount, **more}

    cases = [
        (fee("lot_started", "1000 EUR"), 35 * 1_000),
        (fee("year", "50 kEUR", per_room="suite"), 50_000),
        (fee("patient", "100 EUR"), 1_050 * 100),
        (fee("dose", "10 EUR"), 1_050 * 10),
        # a suite-day at 2,000 EUR: 7 days held + 3 days changeover per lot
        (fee("room_day", "2000 EUR", room="suite", category="facility"), 35 * 10 * 2_000),
        # validation and PPQ lots spread over 10 lots, a licence's upfront fee over 5 years
        (fee("once", "200 kEUR", spread_over_lots=10), 35 * 20_000),
        (fee("once", "1 MEUR", spread_over_years=5), 200_000),
    ]
    for item, expected in cases:
        cost = economics(("economics.fees", [item]))
        category = item.get("category", "fees")
        base = 0 if category == "fees" else annual(economics(), category)
        assert annual(cost, category) - base == pytest.approx(expected), item["per"]
        # overhead is 10 % of labour and facility running, so also of a facility charge
        overhead = 0.10 * expected if category == "facility" else 0
        assert cost.annual_cost == pytest.approx(TOTAL + expected + overhead), item["per"]


def test_a_fee_per_patient_is_not_charged_to_idle_capacity_or_failed_lots() -> None:
    item = {"name": "royalty per patient", "per": "patient", "amount": "100 EUR"}
    cost = economics(("economics.fees", [item]), ("demand.patients_per_year", 600))
    base = economics(("demand.patients_per_year", 600))
    assert cost.cost_by_cause["idle_capacity"].annual == pytest.approx(
        base.cost_by_cause["idle_capacity"].annual
    )
    delivered = cost.cost_by_cause["doses_delivered"].annual
    assert delivered == pytest.approx(base.cost_by_cause["doses_delivered"].annual + 60_000)


def test_materials_per_amount_loaded_and_per_litre_processed() -> None:
    resin = {
        "name": "resin per 1e10 TU loaded",
        "step": "capture",
        "basis": "per_amount",
        "per_amount": "1e10 TU",
        "quantity": "1 mL",
        "unit_price": "100 EUR/mL",
    }
    buffer = {
        "name": "buffer",
        "step": "concentrate",
        "basis": "per_litre_processed",
        "quantity": "2 L",
        "unit_price": "10 EUR/L",
    }
    cost = economics(("economics.materials", [resin, buffer]))
    # capture is loaded with 10 L × 1e7 TU/mL = 1e11 TU: 10 × 1 mL × 100 EUR
    # concentrate takes capture's 1 L eluate: 1 × 2 L × 10 EUR
    assert cost.variable_cost_per_lot["materials"] == pytest.approx(1_000 + 20)
    steps = {step.name: step.per_lot for step in cost.cost_by_step}
    assert steps["release"] == pytest.approx(3_000)


def test_a_share_of_another_category() -> None:
    share = {
        "name": "QA as a share of labour",
        "category": "labour",
        "rate": "10 %",
        "of": ["labour"],
    }
    cost = economics(("economics.shares", [share]))
    assert annual(cost, "labour") == pytest.approx(1.1 * LABOUR)
    assert annual(cost, "overhead") == pytest.approx(0.10 * (1.1 * LABOUR + 110_000))


def test_equipment_scales_from_its_reference_size() -> None:
    cost = economics(
        ("economics.equipment.0.reference_size", "20 L"),
        ("economics.equipment.0.size_from_step", "make"),
    )
    # the 10 L working volume: 500 k × (10 ÷ 20) ^ 0.6
    assert cost.capital["equipment"] == pytest.approx(500_000 * 0.5**0.6)
    assert not cost.warnings
    warned = economics(
        ("economics.equipment.0.reference_size", "20 L"),
        ("economics.equipment.0.size", "10 L"),
        ("economics.equipment.0.valid_from", "15 L"),
    )
    assert warned.warnings[0].fields == ("economics.equipment[0].valid_from",)
    assert "below" in warned.warnings[0].message


def test_installed_cost_by_itemised_factors() -> None:
    factors = {"installation": "30 %", "validation": "20 %"}
    cost = economics(("economics.installation", {"factors": factors}))
    assert cost.capital["installation"] == pytest.approx(250_000)
    assert cost.capital["total"] == pytest.approx(2_250_000)
    # 750 k over 10 years instead of 500 k: +25 k depreciation, +3 % × 250 k running
    assert annual(cost, "facility") == pytest.approx(235_000 + 25_000 + 7_500)


def test_installed_cost_by_a_lang_factor_includes_the_buildings() -> None:
    no_building = [
        {"name": "suite", "area": "100 m²", "per_room": "suite"},
        {"name": "site", "area": "400 m²"},
    ]
    cost = economics(
        ("economics.installation", {"lang_factor": 4}), ("economics.areas", no_building)
    )
    assert cost.capital == pytest.approx(
        {"building": 0, "equipment": 500_000, "installation": 1_500_000, "total": 2_000_000}
    )
    # purchase over 10 years, the rest over the buildings' 20; 3 % of 2 M; 500 m² utilities
    assert annual(cost, "facility") == pytest.approx(50_000 + 75_000 + 60_000 + 50_000)


def test_a_lang_factor_with_building_costs_is_refused() -> None:
    with pytest.raises((ScenarioError, ValueError), match="Lang factor includes buildings"):
        tiny_costed(("economics.installation", {"lang_factor": 4}))


def test_a_capital_charge_is_an_annuity_at_the_cost_of_capital() -> None:
    cost = economics(("economics.cost_of_capital", "8 %"))
    charge = 1_500_000 * float(capital_recovery_factor(0.08, 20)) + 500_000 * float(
        capital_recovery_factor(0.08, 10)
    )
    assert cost.capital_charge_per_year == pytest.approx(charge)
    assert cost.depreciation_per_year == pytest.approx(125_000)
    assert annual(cost, "facility") == pytest.approx(charge + 110_000)


def test_a_cohort_alone_is_costed_as_a_campaign_beside_full_capacity() -> None:
    cost = economics(("demand.patients_per_year", ...))
    assert cost.campaign is not None
    # 100 patients: 4 lots of 30; the facility held 4 ÷ 35 of a year
    assert cost.campaign.lots_started == 4
    assert cost.campaign.years == pytest.approx(4 / 35)
    expected = 4 * VARIABLE_PER_LOT + FIXED * 4 / 35
    assert cost.campaign.cost == pytest.approx(expected)
    assert cost.campaign.cost_per_patient == pytest.approx(expected / 100)
    assert cost.cogs_per_dose == pytest.approx(TOTAL / 1_050)  # full capacity, beside


def test_net_present_cost_over_a_project_life() -> None:
    project = {"life": "10 yr", "discount_rate": "10 %"}
    cost = economics(("economics.project", project))
    assert cost.project is not None
    annuity = sum(1.1**-t for t in range(1, 11))
    running = TOTAL - 125_000
    assert cost.project["net_present_cost"] == pytest.approx(2_000_000 + running * annuity)
    assert cost.project["levelised_cost_per_dose"] == pytest.approx(
        (2_000_000 + running * annuity) / (1_050 * annuity)
    )
    inflated = economics(("economics.project", {**project, "inflation": "3 %"})).project
    assert inflated is not None
    grown = sum(1.03 ** (t - 1) / 1.1**t for t in range(1, 11))
    assert inflated["net_present_cost"] == pytest.approx(2_000_000 + running * grown)


def test_breakdowns_sum_to_the_total_with_every_line_type() -> None:
    cost = economics(
        (
            "economics.fees",
            [
                {"name": "licence", "per": "dose", "amount": "10 EUR"},
                {
                    "name": "PPQ",
                    "per": "once",
                    "amount": "300 kEUR",
                    "spread_over_lots": 20,
                    "step": "make",
                },
            ],
        ),
        ("economics.staff.1", {"role": "QC", "hours": "80 h", "step": "release"}),
        ("economics.lot_failure_probability", "10 %"),
        ("demand.patients_per_year", 700),
    )
    total = cost.annual_cost
    for lines in (cost.cost_breakdown, cost.cost_by_cause, cost.roll_up):
        parts = sum(line.annual for name, line in lines.items() if name != "total")
        assert parts == pytest.approx(total)
        assert lines["total"].annual == pytest.approx(total)
    assert sum(line.annual for line in cost.cost_lines) == pytest.approx(total)
    steps = sum(step.per_lot for step in cost.cost_by_step)
    assert steps + cost.site_cost_per_lot == pytest.approx(cost.cogs_per_lot)


def test_fair_price_from_demand_over_the_commercial_life() -> None:
    base = economics(
        ("economics.pricing.expected_patients", ...), ("economics.pricing.commercial_life", 10)
    ).fair_price
    assert base is not None
    # 1,050 patients a year × 10 years
    assert base.expected_patients == pytest.approx(10_500)
    assert base.components["development"] == pytest.approx(100e6 / 10_500)
    funded = economics(
        ("economics.pricing.expected_patients", ...),
        ("economics.pricing.commercial_life", 10),
        ("economics.pricing.public_funding", "20 MEUR"),
    ).fair_price
    assert funded is not None
    assert funded.components["development"] == pytest.approx(80e6 / 10_500)


def test_out_of_pocket_development_is_capitalised() -> None:
    price = economics(
        ("economics.pricing.development_basis", "out_of_pocket"),
        ("economics.pricing.development_cost", "50 MEUR"),
        ("economics.pricing.probability_of_success", "50 %"),
        ("economics.pricing.development_years", 2),
        ("economics.pricing.cost_of_capital", "8 %"),
        ("economics.pricing.commercial_life", 10),
    ).fair_price
    assert price is not None
    assert price.development_cost_net == pytest.approx(50e6 / 0.5 * 1.08**2)


def test_royalty_on_the_price_and_the_price_at_zero_npv() -> None:
    price = economics(("economics.pricing.royalty_rate", "5 %")).fair_price
    assert price is not None
    subtotal = TOTAL / 1_050 + 25_000
    assert price.total == pytest.approx(1.2 * subtotal / 0.95)
    assert price.components["royalty"] == pytest.approx(0.05 * price.total)
    assert sum(price.components.values()) == pytest.approx(price.total)
    assert price.npv_zero_price == pytest.approx(subtotal / 0.95)


def test_expected_patients_that_contradict_the_demand_are_a_warning() -> None:
    agreeing = economics(("economics.pricing.commercial_life", 10))
    assert not agreeing.warnings  # 10,000 stated, 10,500 possible
    cost = economics(
        ("economics.pricing.commercial_life", 10), ("economics.pricing.expected_patients", 5000)
    )
    (warning,) = cost.warnings
    assert warning.fields[0] == "economics.pricing.expected_patients"
    assert "demand.patients_per_year" in warning.fields
    assert "10500" in warning.message


def test_a_vector_used_ex_vivo_is_priced_as_a_material() -> None:
    dose = {"rule": "cells_x_moi", "cells_at_transduction": "1e8 cells", "moi": 10}
    price = economics(("product.dose", dose), ("process.steps.1.titer", "1e8 TU/mL")).fair_price
    assert price is not None and price.priced_as == "vector_material"
    assert price.label.startswith("vector cost per patient")


def test_validate_prints_a_warning_and_exits_0(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from genofab.views.cli import app

    data = tiny_data()
    data["economics"] = tiny_economics()
    data = edit(data, "economics.pricing.commercial_life", 10)
    data = edit(data, "economics.pricing.expected_patients", 5000)
    path = tmp_path / "warned.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning: economics.pricing.expected_patients, demand.patients_per_year" in (
        result.stdout
    )


def test_equipment_sized_by_a_step_before_production_is_refused() -> None:
    with pytest.raises(ValueError, match="comes before the production step"):
        tiny_costed(
            ("economics.equipment.0.reference_size", "20 L"),
            ("economics.equipment.0.size_from_step", "seed"),
        )


def test_a_cohort_whose_lot_makes_no_patient_is_an_infeasible_run_not_a_crash() -> None:
    from genofab.errors import InfeasibleError

    with pytest.raises(InfeasibleError):
        evaluate(
            tiny_costed(("demand.patients_per_year", ...), ("process.steps.1.titer", "1 TU/mL"))
        )


def test_no_shipped_example_or_template_is_warned() -> None:
    from genofab.io.scenario_file import load_scenario, parse_scenario
    from genofab.io.templates import template_text, templates
    from tests.helpers import scenario_examples

    scenarios = [load_scenario(path).scenario for path in scenario_examples()]
    scenarios += [
        parse_scenario(template_text(name), f"{name}.yaml").scenario for name in templates()
    ]
    for scenario in scenarios:
        economics = evaluate(scenario).economics
        assert economics is None or not economics.warnings, scenario.name


def test_the_therapy_is_priced_on_the_whole_chains_cost() -> None:
    from genofab.engines.chain import evaluate_chain
    from tests.engines.test_chain import cell_data, two_stages

    chain = two_stages(cell_data())
    result = evaluate_chain(chain, {s.name: evaluate(s.scenario) for s in chain.stages})
    price, cost = result.fair_price, result.cost_per_patient
    assert price is not None and cost is not None
    assert price.priced_as == "therapy"
    # 35 patients a year: the vector stage starts 2 lots, the cell stage 35, each tested once
    assert price.components["qc_release"] == pytest.approx((2 + 35) * 3_000 / 35)
    assert price.components["manufacturing"] + price.components["qc_release"] == pytest.approx(
        cost.total
    )
    # the cell stage's pricing: 100 M over 10,000 patients, 15 k distribution and follow-up
    assert price.total == pytest.approx(1.2 * (cost.total + 10_000 + 15_000))


def test_validate_warns_on_no_shipped_example_or_template(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from genofab.io.templates import templates, write_template
    from genofab.views.cli import app
    from tests.helpers import EXAMPLES

    files = sorted(EXAMPLES.glob("*.yaml"))
    for name in templates():
        write_template(name, tmp_path / f"{name}.yaml")
        files.append(tmp_path / f"{name}.yaml")
    result = CliRunner().invoke(app, ["validate", *map(str, files)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output.lower()
