"""Fair price: a transparent cost-plus price per patient.

Components, each traceable to inputs: manufacturing (cost of goods per patient without the
QC tests), QC release tests, development cost (capitalised at launch, net of public funding)
recovered over the expected patients (with interest when a cost of capital is given),
distribution, pharmacovigilance, the stated margin on their sum, and a royalty as a share of
the price. Expected patients come from the patients treated a year (the demand, capped by
capacity) over the commercial life, unless stated. Element-wise over samples.

:func:`cost_plus_price` is the arithmetic alone, for any manufacturing cost per patient: the
chain of stages calls it with the whole therapy's cost per patient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genofab.engines.arrays import Array, Values, ratio, reader
from genofab.engines.economics import CostArrays
from genofab.engines.finance import capital_recovery_factor
from genofab.model.economics import Pricing
from genofab.model.product import CellsTimesMoiDose
from genofab.model.scenario import Scenario
from genofab.results.economics import FairPrice

#: Price components in the order of the waterfall; they sum to the fair price.
COMPONENTS = (
    "manufacturing",
    "qc_release",
    "development",
    "distribution",
    "pharmacovigilance",
    "margin",
    "royalty",
)
#: A stated number of expected patients further than this from the demand over the
#: commercial life (capped by capacity) is a warning.
EXPECTED_PATIENTS_TOLERANCE = 0.2


@dataclass(frozen=True)
class PriceArrays:
    """Fair price per patient and its components, in the scenario's currency."""

    components: dict[str, Array]
    total: Array
    expected_patients: Array
    development_at_launch: Array
    development_net: Array
    npv_zero_price: Array


def development_cost_at_launch(pricing: Pricing, values: Values) -> Array:
    """Development cost capitalised at launch, before public funding: as stated, or
    out-of-pocket ÷ probability of success × (1 + cost of capital) ^ years."""
    v = reader(values, "economics.pricing.")
    cost = v("development_cost")
    if pricing.development_basis == "out_of_pocket":
        rate = v("cost_of_capital") if pricing.cost_of_capital is not None else 0.0
        years = v("development_years") if pricing.development_years is not None else 0.0
        cost = cost / v("probability_of_success") * (1.0 + rate) ** years
    return cost


def net_development_cost(pricing: Pricing, values: Values) -> Array:
    """Development cost capitalised at launch less public funding, never below zero."""
    funding = reader(values, "economics.pricing.")("public_funding")
    return np.maximum(development_cost_at_launch(pricing, values) - funding, 0.0)


def expected_patients(pricing: Pricing, values: Values, patients_per_year: Array) -> Array:
    """Patients over the commercial life: as stated, else the patients treated a year (the
    demand, capped by capacity) × the commercial life."""
    v = reader(values, "economics.pricing.")
    if pricing.expected_patients is not None:
        return v("expected_patients")
    return patients_per_year * v("commercial_life")


def cost_plus_price(
    pricing: Pricing, values: Values, manufacturing: Array, qc_release: Array, patients: Array
) -> PriceArrays:
    """The cost-plus price per patient for a manufacturing cost and QC cost per patient,
    with development recovered over ``patients`` (expected over the commercial life)."""
    v = reader(values, "economics.pricing.")
    development_net = net_development_cost(pricing, values)
    development = ratio(development_net, patients)
    if pricing.cost_of_capital is not None:
        years = v("commercial_life")
        development = development * capital_recovery_factor(v("cost_of_capital"), years) * years
    components = {
        "manufacturing": manufacturing,
        "qc_release": qc_release,
        "development": development,
        "distribution": v("distribution_per_patient"),
        "pharmacovigilance": v("pharmacovigilance_per_patient"),
    }
    subtotal = sum(components.values(), start=np.zeros(()))
    royalty = v("royalty_rate")
    components["margin"] = v("margin") * subtotal
    total = (subtotal + components["margin"]) / (1.0 - royalty)
    components["royalty"] = royalty * total
    return PriceArrays(
        components=components,
        total=total,
        expected_patients=patients,
        development_at_launch=development_cost_at_launch(pricing, values),
        development_net=development_net,
        npv_zero_price=subtotal / (1.0 - royalty),
    )


def price_arrays(scenario: Scenario, values: Values, cost: CostArrays) -> PriceArrays:
    """The cost-plus price per patient built from the cost of goods and the pricing inputs."""
    economics = scenario.economics
    assert economics is not None and economics.pricing is not None
    pricing = economics.pricing
    patients = expected_patients(pricing, values, cost.patients_treated)
    return cost_plus_price(
        pricing,
        values,
        cost.cost_per_patient - cost.qc_tests_per_patient,
        cost.qc_tests_per_patient,
        patients,
    )


def priced_as(scenario: Scenario) -> tuple[str, str]:
    """What the price is of, and how to label it: a vector used ex vivo (its dose is cells
    × MOI) is a material per patient, not a therapy."""
    if isinstance(scenario.product.dose, CellsTimesMoiDose):
        return "vector_material", "vector cost per patient (a material of the therapy)"
    return "therapy", "fair price per patient"


def pricing_warnings(
    scenario: Scenario, values: Values, cost: CostArrays
) -> list[tuple[tuple[str, ...], str]]:
    """A stated number of expected patients that the demand over the commercial life,
    capped by capacity, contradicts (beyond the tolerance), naming both fields."""
    economics = scenario.economics
    assert economics is not None and economics.pricing is not None
    pricing = economics.pricing
    if pricing.expected_patients is None or pricing.commercial_life is None:
        return []
    v = reader(values)
    stated = float(v("economics.pricing.expected_patients"))
    life = float(v("economics.pricing.commercial_life"))
    treated = float(cost.patients_treated)
    possible = treated * life
    if abs(stated - possible) <= EXPECTED_PATIENTS_TOLERANCE * max(possible, 1.0):
        return []
    if "demand.patients_per_year" in values:
        demand = float(v("demand.patients_per_year"))
        source: tuple[str, ...] = ("demand.patients_per_year",)
        why = f"the demand of {demand:g} patients a year"
        if treated < demand * (1 - 1e-9):
            source = ("demand.patients_per_year", "facility.rooms")
            why += f", capped by the facility's capacity at {treated:g} a year"
    else:
        source = ("facility.rooms",)
        why = f"the facility's {treated:g} patients a year at capacity"
    message = (
        f"expected_patients {stated:g} over {life:g} years ({stated / life:g} a year) does not"
        f" match {why}: {possible:g} patients over the commercial life; the cost of goods is"
        " computed at the latter (remove expected_patients to derive it)"
    )
    return [(("economics.pricing.expected_patients", *source), message)]


def therapy_price(
    pricing: Pricing,
    values: Values,
    cost_per_patient: Array,
    qc_tests_per_patient: Array,
    patients_per_year: Array,
) -> PriceArrays:
    """The therapy's fair price from a chain of stages: the pricing inputs of its final stage
    (``values`` are that stage's), the whole chain's cost per patient (every stage, the vector
    included) and the patients the chain treats a year."""
    patients = expected_patients(pricing, values, patients_per_year)
    return cost_plus_price(
        pricing,
        values,
        cost_per_patient - qc_tests_per_patient,
        qc_tests_per_patient,
        patients,
    )


def fair_price_result(
    pricing: Pricing,
    values: Values,
    price: PriceArrays,
    patients_per_year: Array,
    *,
    priced: tuple[str, str],
    volume: str,
) -> FairPrice:
    """The fair price as a result, with its build-up: the volume the cost of goods is
    computed at (``patients_per_year``), the development cost as stated, capitalised at
    launch and net of public funding, and the inputs that turn one into the other.
    ``priced``: what is priced and its label; ``volume``: where the expected patients come
    from when not stated."""
    v = reader(values, "economics.pricing.")
    listed = None if pricing.list_price is None else float(v("list_price"))
    total = float(price.total)

    def stated(name: str) -> float | None:
        return None if getattr(pricing, name) is None else float(v(name))

    return FairPrice(
        components={name: float(amount) for name, amount in price.components.items()},
        total=total,
        priced_as=priced[0],
        label=priced[1],
        expected_patients=float(price.expected_patients),
        expected_patients_basis="stated" if pricing.expected_patients is not None else volume,
        development_cost_net=float(price.development_net),
        patients_per_year=float(patients_per_year),
        development_cost=float(v("development_cost")),
        development_basis=pricing.development_basis,
        probability_of_success=float(v("probability_of_success")),
        development_years=stated("development_years"),
        development_cost_at_launch=float(price.development_at_launch),
        public_funding=float(v("public_funding")),
        commercial_life=stated("commercial_life"),
        cost_of_capital=stated("cost_of_capital"),
        npv_zero_price=float(price.npv_zero_price),
        list_price=listed,
        list_to_fair_ratio=None if listed is None else listed / total,
    )
