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
    """One cost line: its category, a year, per lot started and per dose delivered, and the
    step it is charged to (None: shared by its room's steps, or the site's); what it is
    counted per (``basis``) and, where that is a quantity, how much one lot uses; for staff,
    the FTE and the hours worked a year."""

    name: str
    category: str
    kind: str
    annual: float
    per_dose: float
    step: str | None = None
    per_lot: float | None = None
    basis: str | None = Field(
        default=None,
        description="what the line is counted per: a material's basis (per_litre,"
        " per_litre_processed, per_amount, per_lot, per_vial), qc_per_lot, staff as fte, post"
        " or hours_per_<driver>, a fee's driver (lot_started, lot_released, patient, dose,"
        " year, room_day, once_over_lots, once_over_years), capital, running, share, overhead",
    )
    basis_per_lot: float | None = Field(
        default=None,
        description="how much of the basis one lot uses: litres (per_litre,"
        " per_litre_processed), product loaded on the step (per_amount), containers (per_vial)",
    )
    fte: float | None = None
    hours_per_year: float | None = None


class CapitalItemResult(Result):
    """One area or piece of equipment: its purchase (building) cost for all its units, the
    installation added to it, the installed total, and what it costs a year. A scaled item
    also gives its reference cost (one unit at ``reference_size``), its ``size`` (root units:
    m³ for a volume) and the exponent."""

    name: str
    path: str = Field(default="", description="where it is declared (economics.areas[i] ...)")
    kind: str = Field(description="building or equipment")
    units: float
    area: float | None = Field(
        default=None, description="a building's floor area for all its units, m²"
    )
    reference_cost: float | None = None
    size: float | None = None
    reference_size: float | None = None
    size_unit: str | None = None
    exponent: float | None = None
    purchase: float
    installation: float
    installed: float
    years: float = Field(description="years recovered over (equipment's, with a Lang factor)")
    recovery_per_year: float = Field(description="depreciation, or the capital charge")
    running_per_year: float = Field(description="maintenance, insurance and utilities")


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
    patients_per_year: float | None = Field(
        default=None, description="the volume the cost of goods per patient is computed at"
    )
    development_cost: float | None = Field(default=None, description="as stated")
    development_basis: str | None = Field(default=None, description="capitalised or out_of_pocket")
    probability_of_success: float | None = None
    development_years: float | None = None
    development_cost_at_launch: float | None = Field(
        default=None, description="capitalised at launch, before public funding is deducted"
    )
    public_funding: float | None = None
    commercial_life: float | None = None
    cost_of_capital: float | None = None
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
    cost_of_capital: float | None = None
    installation: dict[str, float] = Field(
        default_factory=dict,
        description="how purchase becomes installed capital: {'lang_factor': f}, or the"
        " itemised factors by name",
    )
    capital_items: tuple[CapitalItemResult, ...] = ()
    floor_area: float = Field(
        default=0.0, description="the buildings' floor area, m² (every area for all its units)"
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
        default=None,
        description="net present cost and levelised cost per dose, with what they are built"
        " from: life, discount rate, inflation, capital, running cost a year, present-value"
        " factors of the running cost and of the doses, discounted doses",
    )
    warnings: tuple[InputWarning, ...] = ()
    fair_price: FairPrice | None = None
