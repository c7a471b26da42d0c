"""The outlook format ``genofab-outlook/1``: demand over the years and the capacity to meet it.

An outlook names the indications (prevalent and incident patients, the shares that are
eligible, diagnosed, reached and won, and an adoption curve), the products that treat them
(each a ``genofab/1`` scenario whose lots, rooms and costs give the room-years a patient
needs and the variable cost of a patient), the rooms that exist, and candidate expansions
(a suite, a facility, or slots bought from a CDMO) with capital, lead time, ramp-up and
lifetime. The engine (:mod:`genofab.engines.demand`) chooses what to build when, or
evaluates a build plan the file gives. Cross-references are checked by
:func:`outlook_problems`, which reports every problem at once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, model_validator

from genofab.errors import did_you_mean
from genofab.model.base import (
    Frozen,
    Identifier,
    Problems,
    Text,
    deferred,
    raise_problems,
    repeat_problems,
)
from genofab.model.outlook_quantities import (
    BassCoefficient,
    DiscountRate,
    Incidence,
    Lifetime,
    Money,
    MoneyPerPatient,
    MoneyPerPatientYear,
    MoneyPerYear,
    PrevalentPatients,
    Rooms,
    Share,
    Steepness,
    TimeYears,
)
from genofab.model.parameter import Parameter, default

FORMAT = "genofab-outlook/1"

#: The years an outlook may cover and the calendar it may start in.
MAX_YEARS = 60
FIRST_YEAR, LAST_YEAR = 1990, 2200
#: At most this many indications, products, resources, candidates and build-plan rows.
MAX_ITEMS = 50
#: At most this many units of one candidate: more is a typing mistake.
MAX_UNITS = 1000

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description="a calendar year, e.g. 2028")]


class BassAdoption(Frozen):
    """Bass diffusion: the share of the addressable patients who have sought the therapy
    ``t`` years after launch is F(t) = (1 − e^(−(p+q)t)) ÷ (1 + (q/p)·e^(−(p+q)t))."""

    model: Literal["bass"]
    innovation: BassCoefficient = Field(description="p, the coefficient of innovation")
    imitation: BassCoefficient = Field(description="q, the coefficient of imitation")
    ceiling: Share = default(1.0, "", "every addressable patient seeks the therapy in the end")
    source: str | None = None


class LogisticAdoption(Frozen):
    """Logistic adoption: F(t) = ceiling ÷ (1 + e^(−k·(t − midpoint))), shifted so that
    F(0) = 0 at launch."""

    model: Literal["logistic"]
    midpoint: TimeYears = Field(description="years from launch to half the ceiling")
    steepness: Steepness = Field(description="k, how fast adoption rises, per year")
    ceiling: Share = default(1.0, "", "every addressable patient seeks the therapy in the end")
    source: str | None = None


Adoption = Annotated[BassAdoption | LogisticAdoption, Field(discriminator="model")]


class Indication(Frozen):
    """Patients of one disease in one region who may need the therapy.

    Addressable patients are the prevalent ones at launch plus the incident ones of each
    year, times eligible share × diagnosis rate × access rate × market share. The adoption
    curve says which share of the addressable patients has sought the therapy so far; once
    they seek it they wait until treated (the prevalent pool is drawn down as they are).
    """

    name: Identifier
    region: Text
    prevalent_patients: PrevalentPatients = Field(
        description="patients living with the disease at launch"
    )
    incidence: Incidence = Field(description="new patients a year (births, diagnoses)")
    eligible_share: Share = Field(description="share of patients the label covers")
    diagnosis_rate: Share = default(1.0, "", "every patient is diagnosed")
    access_rate: Share = default(1.0, "", "every eligible patient reaches a treating centre")
    market_share: Share = default(1.0, "", "this platform's therapies treat all who seek one")
    launch_year: Year | None = Field(default=None, description="default: the outlook's start")
    adoption: Adoption
    waiting_loss_rate: Share = Field(
        default=default(0, "", "no waiting patient dies or becomes ineligible"),
        description="share of the patients still waiting at a year's end who die or become"
        " ineligible during the next year, before they can be treated",
    )
    description: Text | None = None


class Stage(Frozen):
    """One manufacturing stage of a product: a scenario whose rooms a patient needs, and
    whether its cost counts (not when the next stage already pays for it as a material)."""

    scenario: str = Field(
        min_length=1, max_length=255, description="a genofab/1 file beside the outlook"
    )
    counts_cost: bool = Field(
        default=True,
        description="false when a later stage buys this stage's product as a material",
    )
    set: dict[str, float | str | dict[str, float | str]] = Field(
        default_factory=dict,
        max_length=50,
        description="parameters of the scenario set to other values for this outlook, by path"
        " (e.g. product.dose.cells_at_transduction_per_kg: 2e7 cells/kg)",
    )


class Product(Frozen):
    """A therapy made on the platform: its lot recipes, rooms and costs come from its stages'
    scenarios (e.g. the vector, then the patient's cell product), listed or taken from a
    ``genofab-chain/1`` file; it treats patients of one or more indications. A patient needs
    each stage's room-years; the costs of the stages that count add up."""

    name: Identifier
    stages: tuple[Stage, ...] = Field(default=(), max_length=10)
    chain: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="a genofab-chain/1 file beside the outlook: its stages, upstream first,"
        " each counting its cost (instead of stages)",
    )
    indications: tuple[Identifier, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    rooms: dict[Identifier, Identifier] = Field(
        default_factory=dict,
        max_length=MAX_ITEMS,
        description="scenario room kind → outlook resource, where the names differ",
    )
    available_from: Year | None = Field(
        default=None, description="first year this product can be made (default: the start)"
    )
    cost_per_patient: MoneyPerPatient | None = Field(
        default=None,
        description="variable cost of one patient's therapy; default: the scenario's variable"
        " cost per lot ÷ good patients per lot",
    )


class Resource(Frozen):
    """A kind of room the outlook plans: the rooms that exist, and their running cost."""

    name: Identifier
    existing: Rooms = default(0, "", "no room of this kind exists yet")
    fixed_cost: MoneyPerYear | None = Field(
        default=None, description="running cost of one existing room a year"
    )
    description: Text | None = None


class Candidate(Frozen):
    """An expansion the optimiser may choose: a suite, a facility (several rooms), or slots
    bought from a CDMO (rooms rented year by year: no capital, no lead time beyond its own)."""

    name: Identifier
    type: Literal["suite", "facility", "cdmo"]
    size: Literal["small", "medium", "large"] | None = None
    adds: dict[Identifier, Rooms] = Field(
        min_length=1, max_length=MAX_ITEMS, description="rooms of each resource one unit adds"
    )
    capital: Money = default(0, "EUR", "no capital")
    fixed_cost: MoneyPerYear = default(0, "EUR/yr", "no running cost")
    lead_time: TimeYears = default(0, "yr", "usable at once")
    ramp_up: TimeYears = default(0, "yr", "full capacity when ready")
    lifetime: Lifetime = default(30, "yr", "assumption: a plant's usual book life")
    max_units: int = Field(default=1, ge=1, le=MAX_UNITS)
    earliest_year: Year | None = None
    latest_year: Year | None = None
    description: Text | None = None


class Build(Frozen):
    """A row of a build plan given by the user: units of a candidate decided in a year."""

    candidate: Identifier
    year: Year
    units: float = Field(default=1, gt=0, le=MAX_UNITS)


class Case(Frozen):
    """One alternative the outlook compares: the products it may make (e.g. one vector
    process or another); each case gets its own build plan."""

    name: Identifier
    products: tuple[Identifier, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    description: Text | None = None


class Outlook(Frozen):
    """Indications, products, resources and candidates over a horizon of years."""

    format: Literal["genofab-outlook/1"]
    name: Text
    description: Text | None = None
    start_year: Year
    years: int = Field(ge=1, le=MAX_YEARS)
    objective: Literal["cost", "patients"] = "cost"
    discount_rate: DiscountRate = default(0.0, "", "no discounting")
    waiting_penalty: MoneyPerPatientYear | None = Field(
        default=None,
        description="cost of one patient waiting one more year (objective cost)",
    )
    loss_penalty: MoneyPerPatient | None = Field(
        default=None,
        description="cost of one patient lost while waiting (objective cost); default: the"
        " waiting penalty for every year from the loss to the horizon's end",
    )
    capital_budget: Money | None = Field(
        default=None, description="most discounted capital to spend (objective patients)"
    )
    indications: tuple[Indication, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    products: tuple[Product, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    resources: tuple[Resource, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    candidates: tuple[Candidate, ...] = Field(default=(), max_length=MAX_ITEMS)
    cases: tuple[Case, ...] = Field(
        default=(),
        max_length=MAX_ITEMS,
        description="alternatives compared, each with its own products (default: one case"
        " with every product)",
    )
    build_plan: tuple[Build, ...] | None = Field(
        default=None,
        max_length=MAX_ITEMS * 10,
        description="evaluate this plan instead of choosing one",
    )

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Outlook:
        if not deferred(info):
            raise_problems(outlook_problems(self))
        return self

    @property
    def last_year(self) -> int:
        """The last calendar year of the horizon."""
        return self.start_year + self.years - 1


def outlook_problems(outlook: Outlook) -> Problems:
    """Every cross-reference and spanning rule the outlook breaks, as (path, message)."""
    problems: Problems = []
    for label, items in (
        ("indications", outlook.indications),
        ("products", outlook.products),
        ("resources", outlook.resources),
        ("candidates", outlook.candidates),
    ):
        problems += repeat_problems([item.name for item in items], label, "name")
    indications = [i.name for i in outlook.indications]
    resources = [r.name for r in outlook.resources]
    candidates = {c.name: c for c in outlook.candidates}
    served: set[str] = set()
    for i, product in enumerate(outlook.products):
        if product.chain is not None and product.stages:
            problems.append((f"products[{i}].chain", "give stages or a chain, not both"))
        if product.chain is None and not product.stages:
            problems.append((f"products[{i}].stages", "give the product's stages, or a chain"))
        for j, name in enumerate(product.indications):
            served.add(name)
            if name not in indications:
                problems.append(
                    (
                        f"products[{i}].indications[{j}]",
                        f"'{name}' is not an indication of the outlook"
                        f"{did_you_mean(name, indications)}",
                    )
                )
        for kind, resource in product.rooms.items():
            if resource not in resources:
                problems.append(
                    (
                        f"products[{i}].rooms.{kind}",
                        f"'{resource}' is not a resource of the outlook"
                        f"{did_you_mean(resource, resources)}",
                    )
                )
        if product.available_from is not None and product.available_from > outlook.last_year:
            problems.append(
                (
                    f"products[{i}].available_from",
                    f"{product.available_from} is after the horizon's last year"
                    f" {outlook.last_year}",
                )
            )
    for i, indication in enumerate(outlook.indications):
        if indication.name not in served:
            problems.append((f"indications[{i}]", "no product treats this indication"))
    problems += repeat_problems([case.name for case in outlook.cases], "cases", "name")
    products = {product.name: product for product in outlook.products}
    for i, case in enumerate(outlook.cases):
        treated: set[str] = set()
        for j, name in enumerate(case.products):
            if name not in products:
                problems.append(
                    (
                        f"cases[{i}].products[{j}]",
                        f"'{name}' is not a product of the outlook"
                        f"{did_you_mean(name, sorted(products))}",
                    )
                )
            else:
                treated.update(products[name].indications)
        if len(treated) and set(indications) - treated:
            missing = ", ".join(sorted(set(indications) - treated))
            problems.append((f"cases[{i}].products", f"no product of this case treats {missing}"))
    for i, candidate in enumerate(outlook.candidates):
        for resource in candidate.adds:
            if resource not in resources:
                problems.append(
                    (
                        f"candidates[{i}].adds.{resource}",
                        f"'{resource}' is not a resource of the outlook"
                        f"{did_you_mean(resource, resources)}",
                    )
                )
        first = candidate.earliest_year or outlook.start_year
        last = candidate.latest_year or outlook.last_year
        if first > last:
            problems.append(
                (f"candidates[{i}].latest_year", f"{last} is before the earliest year {first}")
            )
        if candidate.type == "cdmo" and candidate.capital.value > 0:
            problems.append(
                (
                    f"candidates[{i}].capital",
                    "slots bought from a CDMO carry no capital: give their price as fixed_cost"
                    " (per unit and year)",
                )
            )
        if candidate.ramp_up.value > candidate.lifetime.value:
            problems.append(
                (
                    f"candidates[{i}].ramp_up",
                    f"{candidate.ramp_up.value:g} yr is longer than the lifetime"
                    f" {candidate.lifetime.value:g} yr",
                )
            )
    if outlook.objective == "cost" and outlook.waiting_penalty is None:
        problems.append(
            (
                "waiting_penalty",
                "objective 'cost' needs a waiting_penalty (cost of a patient waiting a year):"
                " without it, building nothing is always cheapest",
            )
        )
    if outlook.objective == "patients" and outlook.loss_penalty is not None:
        problems.append(
            (
                "loss_penalty",
                "objective 'patients' counts a patient lost as waiting to the horizon's end:"
                " a loss_penalty is for objective 'cost'",
            )
        )
    if outlook.objective == "patients" and outlook.capital_budget is None:
        problems.append(("capital_budget", "objective 'patients' needs a capital_budget"))
    for i, build in enumerate(outlook.build_plan or ()):
        if build.candidate not in candidates:
            problems.append(
                (
                    f"build_plan[{i}].candidate",
                    f"'{build.candidate}' is not a candidate"
                    f"{did_you_mean(build.candidate, sorted(candidates))}",
                )
            )
        elif not outlook.start_year <= build.year <= outlook.last_year:
            problems.append(
                (
                    f"build_plan[{i}].year",
                    f"{build.year} is outside the horizon {outlook.start_year}–{outlook.last_year}",
                )
            )
        elif not (
            (candidates[build.candidate].earliest_year or outlook.start_year)
            <= build.year
            <= (candidates[build.candidate].latest_year or outlook.last_year)
        ):
            problems.append(
                (
                    f"build_plan[{i}].year",
                    f"{build.year} is outside the years candidate '{build.candidate}' may be"
                    " started in (earliest_year to latest_year)",
                )
            )
        elif candidates[build.candidate].type != "cdmo" and build.units != round(build.units):
            problems.append((f"build_plan[{i}].units", f"{build.units:g} is not a whole number"))
    currencies = {
        p.currency for p in _money_parameters(outlook) if p.currency is not None and p.value != 0
    }
    if len(currencies) > 1:
        problems.append(
            ("", f"money is given in several currencies ({', '.join(sorted(currencies))}): use one")
        )
    return problems


def _money_parameters(outlook: Outlook) -> list[Parameter]:
    found: list[Parameter] = []
    for value in (outlook.waiting_penalty, outlook.capital_budget, outlook.loss_penalty):
        if value is not None:
            found.append(value)
    for candidate in outlook.candidates:
        found += [candidate.capital, candidate.fixed_cost]
    for resource in outlook.resources:
        if resource.fixed_cost is not None:
            found.append(resource.fixed_cost)
    for product in outlook.products:
        if product.cost_per_patient is not None:
            found.append(product.cost_per_patient)
    return found


def currency(outlook: Outlook) -> str:
    """The outlook's currency (EUR when it states no money)."""
    for parameter in _money_parameters(outlook):
        if parameter.currency is not None:
            return parameter.currency
    return "EUR"


__all__ = [
    "FORMAT",
    "BassAdoption",
    "Build",
    "Candidate",
    "Case",
    "Indication",
    "LogisticAdoption",
    "Outlook",
    "Product",
    "Resource",
    "Stage",
    "currency",
    "outlook_problems",
]
