"""Fair price: a transparent cost-plus price per patient.

Components, each traceable to inputs: manufacturing (cost of goods per patient without the
QC tests), QC release tests, development cost recovered over the expected patients (with
interest when a cost of capital is given), distribution, pharmacovigilance, and the stated
margin on their sum. Element-wise over samples.
"""

from __future__ import annotations

from dataclasses import dataclass

from genofab.engines.arrays import Array, Values, reader
from genofab.engines.economics import CostArrays
from genofab.engines.finance import capital_recovery_factor
from genofab.model.scenario import Scenario

#: Price components in the order of the waterfall; they sum to the fair price.
COMPONENTS = (
    "manufacturing",
    "qc_release",
    "development",
    "distribution",
    "pharmacovigilance",
    "margin",
)


@dataclass(frozen=True)
class PriceArrays:
    """Fair price per patient and its components, in the scenario's currency."""

    components: dict[str, Array]
    total: Array


def price_arrays(scenario: Scenario, values: Values, cost: CostArrays) -> PriceArrays:
    """The cost-plus price per patient built from the cost of goods and the pricing inputs."""
    economics = scenario.economics
    assert economics is not None and economics.pricing is not None
    v = reader(values, "economics.pricing.")
    development = v("development_cost") / v("expected_patients")
    if economics.pricing.cost_of_capital is not None:
        years = v("commercial_life")
        development = development * capital_recovery_factor(v("cost_of_capital"), years) * years
    components = {
        "manufacturing": cost.cost_per_patient - cost.qc_tests_per_patient,
        "qc_release": cost.qc_tests_per_patient,
        "development": development,
        "distribution": v("distribution_per_patient"),
        "pharmacovigilance": v("pharmacovigilance_per_patient"),
    }
    subtotal = sum(components.values())
    components["margin"] = v("margin") * subtotal
    return PriceArrays(components=components, total=subtotal + components["margin"])
