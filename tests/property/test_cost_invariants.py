"""Invariants of the cost engine over generated inputs (hypothesis): cost per dose never rises
with titre, capital per litre falls with scale when the exponent is below 1, and every
breakdown sums to the total."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.economics.capital import scaled_purchase
from genofab.engines.run import run_arrays
from genofab.model import Scenario
from tests.helpers import edit, tiny_data, tiny_economics

TITER = "process.steps[1].titer"


@st.composite
def costed(draw: st.DrawFn) -> Scenario:
    """The tiny costed scenario with a drawn demand, failure rate, fees and staff hours."""
    data = tiny_data()
    data["economics"] = tiny_economics()
    data = edit(data, "demand.patients_per_year", draw(st.integers(1, 3000)))
    data = edit(data, "economics.lot_failure_probability", draw(st.floats(0, 0.5)))
    data = edit(
        data,
        "economics.fees",
        [
            {
                "name": "per lot",
                "per": "lot_started",
                "amount": f"{draw(st.sampled_from([0.0, 1.0, 1e3, 1e5])):.6g} EUR",
            },
            {
                "name": "per dose",
                "per": "dose",
                "amount": f"{draw(st.sampled_from([0.0, 1.0, 1e3])):.6g} EUR",
            },
            {
                "name": "suite-days",
                "per": "room_day",
                "room": "suite",
                "category": "facility",
                "amount": f"{draw(st.sampled_from([0.0, 10.0, 1e4])):.6g} EUR",
            },
        ],
    )
    data = edit(
        data,
        "economics.staff.1",
        {
            "role": "QA",
            "hours": f"{draw(st.sampled_from([0.0, 1.0, 80.0, 500.0])):.6g} h",
            "per": draw(st.sampled_from(["lot_started", "lot_released"])),
        },
    )
    return Scenario.model_validate(data)


@settings(max_examples=40, deadline=None)
@given(costed(), st.lists(st.floats(1e5, 1e9), min_size=2, max_size=8))
def test_cost_per_dose_never_rises_when_titre_rises(
    scenario: Scenario, titres: list[float]
) -> None:
    values: dict[str, Any] = dict(scenario.values())
    values[TITER] = np.sort(np.array(titres) * 1000.0)  # TU/mL in TU/L, ascending
    cost = run_arrays(scenario, values).cost
    assert cost is not None
    per_dose = np.broadcast_to(cost.cost_per_dose, values[TITER].shape)
    delivering = np.isfinite(per_dose)
    # a titre too low to make a dose gives no cost per dose; above it, it never rises
    finite = per_dose[delivering]
    assert np.all(np.diff(finite) <= np.abs(finite[:-1]) * 1e-9)


@given(
    st.floats(1e3, 1e7),
    st.floats(0.1, 1e4),
    st.floats(0.05, 0.99),
    st.lists(st.floats(0.1, 1e5), min_size=2, max_size=6),
)
def test_capital_per_litre_falls_with_scale_below_exponent_one(
    price: float, reference: float, exponent: float, sizes: list[float]
) -> None:
    litres = np.sort(np.array(sizes))
    per_litre = (
        scaled_purchase(np.array(price), litres, np.array(reference), np.array(exponent)) / litres
    )
    assert np.all(np.diff(per_litre) <= per_litre[:-1] * 1e-12)


@settings(max_examples=30, deadline=None)
@given(costed())
def test_every_breakdown_sums_to_the_total(scenario: Scenario) -> None:
    cost = run_arrays(scenario, scenario.values()).cost
    assert cost is not None
    total = float(cost.total)
    for parts in (cost.annual, cost.by_cause):
        assert np.isclose(sum(float(x) for x in parts.values()), total, rtol=1e-9)
    lines = sum(float(cost.line_annual(line)) for line in cost.lines)
    assert np.isclose(lines, total, rtol=1e-9)
    steps = sum(float(x) for x in cost.step_per_lot) + float(cost.site_per_lot)
    assert np.isclose(steps, float(cost.cost_per_lot), rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    st.floats(0.05, 0.99),
    st.lists(st.floats(1.0, 2000.0), min_size=2, max_size=6),
    st.sampled_from(["purchase only", "itemised", "Lang"]),
)
def test_installed_capital_per_litre_falls_with_the_working_volume(
    exponent: float, litres: list[float], installed: str
) -> None:
    """Through the whole engine: a bioreactor priced at 20 L and sized by its step, installed
    as stated; capital per litre of working volume falls as the volume rises."""
    data = tiny_data()
    data["economics"] = tiny_economics()
    data = edit(data, "economics.equipment.0.reference_size", "20 L")
    data = edit(data, "economics.equipment.0.size_from_step", "make")
    data = edit(data, "economics.equipment.0.exponent", exponent)
    if installed == "itemised":
        data = edit(data, "economics.installation", {"factors": {"installation": "40 %"}})
    elif installed == "Lang":  # buildings inside the factor: areas carry no cost per m²
        data = edit(data, "economics.installation", {"lang_factor": 4})
        for area in data["economics"]["areas"]:
            area["cost_per_area"] = "0 EUR/m²"
    scenario = Scenario.model_validate(data)
    values: dict[str, Any] = dict(scenario.values())
    volumes = np.sort(np.array(litres))
    values["process.steps[1].working_volume"] = volumes  # L
    cost = run_arrays(scenario, values).cost
    assert cost is not None
    equipment = cost.capital.equipment_purchase + cost.capital.installation
    per_litre = np.broadcast_to(equipment, volumes.shape) / volumes
    assert np.all(np.diff(per_litre) <= per_litre[:-1] * 1e-9)
