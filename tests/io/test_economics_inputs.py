"""Bad economics inputs: each a clear error naming file, line and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from genofab.errors import ScenarioError
from genofab.io.scenario_file import load_scenario
from tests.helpers import dump_yaml, edit, tiny_data, tiny_economics

Write = Callable[..., Path]


def costed_data(*edits: tuple[str, Any]) -> dict[str, Any]:
    data = tiny_data()
    data["economics"] = tiny_economics()
    for path, value in edits:
        data = edit(data, path, value)
    return data


def test_the_tiny_economics_load(write: Write) -> None:
    scenario = load_scenario(write(dump_yaml(costed_data()))).scenario
    assert scenario.economics is not None and scenario.economics.currency == "EUR"


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        (
            "economics.materials.0.unit_price",
            "-50 EUR/L",
            "economics.materials[0].unit_price",
            "is below 0",
        ),
        ("economics.qc_tests.0.cost", "-1 EUR", "economics.qc_tests[0].cost", "is below 0"),
        (
            "economics.building_depreciation_years",
            0,
            "economics.building_depreciation_years",
            "must be above 0",
        ),
        ("economics.pricing.margin", "-50 %", "economics.pricing.margin", "is below 0"),
        ("economics.pricing.margin", 150, "economics.pricing.margin", "is above 1"),
        (
            "economics.materials.0.step",
            "mkae",
            "economics.materials[0].step",
            "'mkae' is not a step of the process (did you mean 'make'?)",
        ),
        (
            "economics.materials.0.unit_price",
            "50 USD/L",
            "economics.materials[0].unit_price",
            "'50 USD/L' is in USD, but economics.exchange_rates gives no rate from USD to EUR",
        ),
        (
            "economics.areas.0.per_room",
            "suit",
            "economics.areas[0].per_room",
            "'suit' is not a room kind of the facility (did you mean 'suite'?)",
        ),
        (
            "economics.qc_tests.0.duration",
            "21 d",
            "economics.qc_tests[0].duration",
            "longer than the QC release step",
        ),
        (
            "economics.qc_tests.0.sample_vials",
            12,
            "economics.qc_tests",
            "the tests take 12 containers but the QC release step takes 10",
        ),
        (
            "economics.materials.0.unit_price",
            "50 EUR/kg",
            "economics.materials[0]",
            "is not an amount of money",
        ),
        (
            "economics.materials.0.unit_price",
            "50 L",
            "economics.materials[0].unit_price",
            "is not a price",
        ),
        ("economics.cost_per_fte_year", ..., "economics", "staff need a cost"),
        (
            "economics.currency",
            "EURO",
            "economics.currency",
            "'EURO' is not allowed (did you mean 'EUR'?)",
        ),
        (
            "economics.lot_failure_probability",
            1.0,
            "economics.lot_failure_probability",
            "is above 0.99",
        ),
        ("economics.facility_sizing", "to_demand", None, None),
    ],
)
def test_bad_economics(
    write: Write, path: str, value: object, field: str | None, message: str | None
) -> None:
    file = write(dump_yaml(costed_data((path, value))))
    if field is None:  # a valid edit, as a control
        load_scenario(file)
        return
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    issues = caught.value.issues
    assert len(issues) == 1, [issue.render(None) for issue in issues]
    assert issues[0].path == field
    assert message is not None and message in issues[0].message
    assert issues[0].line is not None


def test_sizing_to_demand_needs_a_yearly_demand(write: Write) -> None:
    data = costed_data(
        ("economics.facility_sizing", "to_demand"), ("demand.patients_per_year", ...)
    )
    with pytest.raises(ScenarioError, match="to_demand sizes the rooms"):
        load_scenario(write(dump_yaml(data)))


def test_an_exchange_rate_makes_other_currencies_usable(write: Write) -> None:
    data = costed_data(
        ("economics.materials.0.unit_price", "50 USD/L"), ("economics.exchange_rates", {"USD": 0.9})
    )
    scenario = load_scenario(write(dump_yaml(data))).scenario
    assert scenario.values()["economics.materials[0].unit_price"] == pytest.approx(50 * 0.9 * 1000)
    assert scenario.values()["economics.exchange_rates.USD"] == pytest.approx(0.9)
