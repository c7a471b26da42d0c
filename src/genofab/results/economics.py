"""Cost of goods and fair price of a scenario, in its currency."""

from __future__ import annotations

from pydantic import Field

from genofab.results.base import Result


class CostLine(Result):
    """One line of cost: a year, and per lot started, per dose and per patient delivered."""

    annual: float
    per_lot: float
    per_dose: float
    per_patient: float


class StepCost(Result):
    """Cost of one lot at one step: its materials and QC tests, and its share of its room's
    fixed costs (by duration)."""

    index: int
    name: str
    room: str
    per_lot: float


class FairPrice(Result):
    """Cost-plus price per patient; the components sum to the total."""

    components: dict[str, float]
    total: float
    list_price: float | None = None
    list_to_fair_ratio: float | None = Field(default=None, description="list price ÷ fair price")


class EconomicsResult(Result):
    """Annual cost, its breakdowns (by category and by cause, each summing to the total), unit
    costs, capital, and the fair price."""

    currency: str
    facility_sizing: str
    lot_failure_probability: float
    lots_started_per_year: float
    good_lots_per_year: float
    doses_made_per_year: float
    doses_delivered_per_year: float
    patients_treated_per_year: float
    annual_cost: float
    cost_breakdown: dict[str, CostLine] = Field(description="by category, with a 'total' line")
    cost_by_cause: dict[str, CostLine] = Field(
        description="doses delivered, surplus doses, failed lots, idle capacity, and 'total'"
    )
    variable_cost_per_lot: dict[str, float]
    fixed_annual_cost: float
    cost_by_step: tuple[StepCost, ...]
    site_cost_per_lot: float = Field(description="fixed cost per lot not tied to a step's room")
    cogs_per_lot: float
    cogs_per_dose: float
    cogs_per_patient: float
    running_cost_per_lot: float = Field(description="cost per lot without depreciation")
    depreciation_per_lot: float
    depreciation_per_year: float
    capital: dict[str, float] = Field(description="building, equipment and total")
    staff_fte: float
    fair_price: FairPrice | None = None
