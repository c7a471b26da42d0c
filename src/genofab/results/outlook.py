"""Demand over the years and the capacity built to meet it: figures by year, the build plan,
and the spread when the outlook runs a Monte Carlo."""

from __future__ import annotations

from pydantic import Field

from genofab.results.base import Result


class OutlookYear(Result):
    """One year of the outlook (patients, rooms and money; money undiscounted)."""

    year: int
    patients_needing: float = Field(description="patients who start needing the therapy")
    patients_treated: float
    patients_waiting: float = Field(description="patients still waiting at the year's end")
    patients_lost_waiting: float = Field(
        default=0.0, description="patients who died or became ineligible while waiting"
    )
    treated_by_product: dict[str, float]
    needing_by_indication: dict[str, float]
    waiting_by_indication: dict[str, float]
    lost_by_indication: dict[str, float] = Field(default_factory=dict)
    rooms_available: dict[str, float] = Field(description="room-years of each resource")
    utilisation: dict[str, float | None] = Field(
        description="room-years used ÷ available, by resource (null when none is available)"
    )
    capital_spent: float = Field(description="capital of the units started this year")
    running_cost: float = Field(description="running cost of existing and built rooms, rent")
    variable_cost: float = Field(description="variable cost of the patients treated")
    capital_charge: float = Field(description="annuity on the capital of units in service")
    cost_per_patient: float | None = Field(
        description="(running + variable + capital charge) ÷ patients treated"
    )
    cost_per_dose: float | None = Field(
        description="(running + variable + capital charge) ÷ doses given"
    )


class BuildRow(Result):
    """Units of one candidate started in one year."""

    candidate: str
    type: str
    year: int = Field(description="the year the decision is taken and the capital spent")
    ready_year: float = Field(description="year from which it gives full capacity")
    end_year: float = Field(description="year it is retired (rented slots: the year after)")
    units: float
    adds: dict[str, float] = Field(description="rooms of each resource all these units add")
    capital: float


class ProductRateRow(Result):
    """What one patient of a product takes, from its scenario."""

    product: str
    scenarios: tuple[str, ...]
    room_years_per_patient: dict[str, float] = Field(description="by outlook resource")
    unplanned_rooms: tuple[str, ...] = Field(
        description="room kinds of the scenario the outlook does not plan (not limiting)"
    )
    cost_per_patient: float
    doses_per_patient: float
    good_patients_per_lot: float


class OutlookSpreadYear(Result):
    """One year's spread over the Monte Carlo samples of demand (and product rates)."""

    year: int
    probability_demand_met: float = Field(
        description="share of samples in which nobody waits at the year's end"
    )
    patients_needing: dict[str, float] = Field(description="p5, p50, p95")
    patients_treated: dict[str, float]
    patients_waiting: dict[str, float]
    patients_lost_waiting: dict[str, float] | None = None


class OutlookSpread(Result):
    """The build plan's outcomes when demand and rates are drawn."""

    samples: int
    seed: int
    years: tuple[OutlookSpreadYear, ...]
    discounted_cost: dict[str, float] = Field(
        description="p5, p50, p95 of the discounted cost (capital, running, variable; no penalty)"
    )
    patient_years_waiting: dict[str, float] = Field(description="p5, p50, p95")
    patients_lost_waiting: dict[str, float] | None = Field(
        default=None, description="p5, p50, p95 over the horizon"
    )
    method: str


class OutlookCase(Result):
    """One case of the outlook (a set of products it may make): its build plan, the figures
    by year, and how sure they are."""

    name: str
    description: str | None = None
    products: tuple[str, ...]
    status: str
    objective_value: float | None
    bound: float | None
    gap: float | None
    solve_cpu_seconds: float
    discounted_cost: float = Field(
        description="capital, running and variable cost, discounted, without the penalty"
    )
    patient_years_waiting: float
    patients_lost_waiting: float = Field(
        default=0.0, description="patients who died or became ineligible while waiting"
    )
    patients_untreated_at_end: float
    build_plan: tuple[BuildRow, ...]
    years: tuple[OutlookYear, ...]
    product_rates: tuple[ProductRateRow, ...]
    spread: OutlookSpread | None = None
    notes: tuple[str, ...] = ()


#: Figures listed year by year at the top of the JSON (from the first case).
BY_YEAR = (
    "year",
    "patients_needing",
    "patients_treated",
    "patients_waiting",
    "patients_lost_waiting",
    "cost_per_dose",
    "capital_spent",
)


class OutlookResult(Result):
    """The outlook's answer: one :class:`OutlookCase` for each case compared."""

    genofab_version: str
    name: str
    file: str | None = None
    sha256: str | None = None
    currency: str
    objective: str
    mode: str = Field(description="'optimised' (genofab chose the plan) or 'evaluated'")
    start_year: int
    years: int
    cases: tuple[OutlookCase, ...]

    def to_json_dict(self) -> dict[str, object]:
        """The JSON of ``genofab run OUTLOOK --format json``: the first case's figures by year
        and build plan first, then every case in full."""
        data = self.model_dump(mode="json")
        first = data["cases"][0]
        headline: dict[str, object] = {"case": first["name"]}
        headline.update({key: [row[key] for row in first["years"]] for key in BY_YEAR})
        headline["build_plan"] = first["build_plan"]
        return {**headline, **data}
