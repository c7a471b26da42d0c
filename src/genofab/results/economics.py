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


class LineResult(Result):
    """One cost line: its category, a year and per dose delivered, and the step it is charged
    to (None: shared by its room's steps, or the site's)."""

    name: str
    category: str
    kind: str
    annual: float
    per_dose: float
    step: str | None = None


class CampaignCost(Result):
    """A cohort-only demand costed as a campaign: the lots the cohort needs, the share of a
    year the facility is held for them and what the campaign costs."""

    cohort_patients: float
    lots_started: float
    years: float
    cost: float
    cost_per_patient: float
    cost_per_dose: float


class InputWarning(Result):
    """An input that contradicts another (exit status stays 0): the fields, and why."""

    fields: tuple[str, ...]
    message: str


class FairPrice(Result):
    """Cost-plus price per patient; the components sum to the total. ``priced_as`` says
    what is priced: a therapy, or a vector used ex vivo (a material per patient, whose
    therapy price comes from the chain of stages)."""

    components: dict[str, float]
    total: float
    priced_as: str = "therapy"
    label: str = "fair price per patient"
    expected_patients: float | None = None
    expected_patients_basis: str | None = None
    development_cost_net: float | None = Field(
        default=None, description="capitalised development cost less public funding"
    )
    npv_zero_price: float | None = Field(
        default=None,
        description="price per patient at which the NPV over the commercial life at the cost"
        " of capital is zero (no margin)",
    )
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
    capital: dict[str, float] = Field(
        description="building, equipment (purchase), installation and total installed"
    )
    capital_charge_per_year: float | None = Field(
        default=None, description="annuity at the cost of capital, when one is stated"
    )
    staff_fte: float
    cost_lines: tuple[LineResult, ...] = ()
    roll_up: dict[str, CostLine] = Field(
        default_factory=dict,
        description="the conventional roll-up: direct materials, labour, QC/QA,"
        " facility-dependent, indirect, and 'total'",
    )
    quality_view: dict[str, CostLine] = Field(
        default_factory=dict,
        description="QC tests, QC/QA labour, QC/QA areas and equipment, and 'total'",
    )
    campaign: CampaignCost | None = None
    project: dict[str, float] | None = Field(
        default=None, description="net present cost and levelised cost per dose"
    )
    warnings: tuple[InputWarning, ...] = ()
    fair_price: FairPrice | None = None
