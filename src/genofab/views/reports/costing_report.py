"""The costing sections of a report, shared by the HTML page and the workbook: every cost line
grouped by kind (labour by post or hours, materials by what they are counted per, QC tests,
fees and one-off costs, capital and running, shares, overhead), capital item by item (scaled,
installed, recovered), the project's net present cost and levelised cost per dose, the fair
price built up from its inputs, and a cohort's campaign.

Every figure is the engine's (:class:`~genofab.results.economics.EconomicsResult`); this
module only groups, labels and lays them out: sizes in the unit the scenario file used (from its
inputs as written), rates as percentages, each row with its unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from genofab.results.economics import CapitalItemResult, EconomicsResult, LineResult
from genofab.results.run import InputRow
from genofab.views.labels import DisplayUnit, display_unit, pretty_unit

__all__ = [
    "basis_label",
    "basis_unit",
    "campaign_rows",
    "capital_item_rows",
    "capital_rows",
    "costing_sheets",
    "input_units",
    "line_groups",
    "pretty_unit",
    "price_build_up",
    "project_rows",
]

#: A row of a two-column table with its unit: (what, value, unit); rates are percentages.
Shown = tuple[str, float | str | None, str]
#: The unit floor areas are shown in.
SQUARE_METRE = "m²"

#: How each ``LineResult.basis`` reads in a report.
BASIS_LABELS = {
    "per_litre": "per litre of working volume",
    "per_litre_processed": "per litre processed",
    "per_amount": "per amount loaded",
    "per_lot": "per lot",
    "per_vial": "per container filled",
    "qc_per_lot": "per lot tested",
    "fte": "FTE, paid a year",
    "post": "post to cover (shifts)",
    "hours_per_lot_started": "hours per lot started",
    "hours_per_lot_released": "hours per lot released",
    "hours_per_patient": "hours per patient",
    "hours_per_dose": "hours per dose",
    "lot_started": "per lot started",
    "lot_released": "per lot released",
    "patient": "per patient",
    "dose": "per dose",
    "year": "a year",
    "room_day": "per room-day held",
    "once_over_lots": "one-off, spread over lots",
    "once_over_years": "one-off, spread over years",
    "capital": "capital recovery a year",
    "running": "running a year",
    "share": "share of other categories",
    "overhead": "overhead",
}

#: The groups lines are shown in, in order: (title, line kinds).
GROUPS = (
    ("labour", ("labour",)),
    ("materials and consumables", ("material",)),
    ("QC release tests", ("qc",)),
    ("fees, licences, facility charges and one-off costs", ("fee",)),
    ("capital recovery and running", ("capital", "running")),
    ("shares of other categories", ("share",)),
    ("overhead", ("overhead",)),
)

Rows = list[list[Any]]
Sheets = dict[str, tuple[list[str], Rows]]


def basis_label(basis: str | None) -> str:
    """What a line is counted per, in words."""
    return "" if basis is None else BASIS_LABELS.get(basis, basis.replace("_", " "))


def basis_unit(basis: str | None, product_unit: str = "") -> str:
    """The unit of a line's ``basis_per_lot``: litres, the product loaded, containers."""
    if basis in ("per_litre", "per_litre_processed"):
        return "L"
    if basis == "per_amount":
        return product_unit
    if basis == "per_vial":
        return "containers"
    return ""


def input_units(inputs: Iterable[InputRow]) -> dict[str, DisplayUnit]:
    """The unit each input was written in, by path (``200 L``, not 0.2 m³)."""
    return {row.path: display_unit(row.value, row.unit, row.given) for row in inputs}


def _rate(what: str, value: float | None) -> Shown:
    """A rate as a percentage."""
    return (what, None if value is None else value * 100.0, "%")


@dataclass(frozen=True)
class CapitalItemRow:
    """One capital item as a reader expects it: its sizes in the unit its file used and its
    floor area in m²; money as the engine gives it."""

    item: CapitalItemResult
    reference_size: float | None
    size: float | None
    size_unit: str
    area: float | None


def capital_item_rows(
    economics: EconomicsResult, units: dict[str, DisplayUnit] | None = None
) -> list[CapitalItemRow]:
    """Each capital item with its sizes shown in the unit of its ``reference_size`` (or of its
    ``size``) as written; a conventional unit when the inputs are not known."""
    found = []
    for item in economics.capital_items:
        shown = None
        if item.size_unit is not None:
            known = units or {}
            path = f"{item.path}.reference_size"
            shown = known.get(path) or display_unit(item.reference_size or 0.0, item.size_unit)
        found.append(
            CapitalItemRow(
                item=item,
                reference_size=None if shown is None else shown.show(item.reference_size),
                size=None if shown is None else shown.show(item.size),
                size_unit="" if shown is None else shown.unit,
                area=item.area,
            )
        )
    return found


@dataclass(frozen=True)
class LineGroup:
    title: str
    lines: tuple[LineResult, ...]


def line_groups(economics: EconomicsResult) -> list[LineGroup]:
    """The cost lines grouped by kind, in :data:`GROUPS` order; empty groups left out."""
    found = []
    for title, kinds in GROUPS:
        lines = tuple(line for line in economics.cost_lines if line.kind in kinds)
        if lines:
            found.append(LineGroup(title, lines))
    return found


def price_build_up(economics: EconomicsResult) -> list[Shown]:
    """The fair price from its inputs, in the order a reader checks it: the volume the cost of
    goods is computed at, the development cost from stated to net, the patients it is recovered
    over, the components, the price and the price at zero NPV."""
    fair = economics.fair_price
    if fair is None:
        return []
    money = economics.currency
    rows: list[Shown] = [
        (
            "patients treated a year (the cost of goods' volume)",
            fair.patients_per_year,
            "patient/yr",
        ),
        (f"cost of goods per patient at that volume ({money})", economics.cogs_per_patient, money),
        (f"development cost as stated ({money})", fair.development_cost, money),
        ("development cost basis", fair.development_basis, ""),
    ]
    if fair.development_basis == "out_of_pocket":
        rows += [
            _rate("probability of success", fair.probability_of_success),
            ("years from spending to launch", fair.development_years, "yr"),
        ]
    rows += [
        _rate("cost of capital", fair.cost_of_capital),
        (
            f"development cost capitalised at launch ({money})",
            fair.development_cost_at_launch,
            money,
        ),
        (f"public funding deducted ({money})", fair.public_funding, money),
        (f"net development cost ({money})", fair.development_cost_net, money),
        ("commercial life (years)", fair.commercial_life, "yr"),
        (
            f"expected patients ({fair.expected_patients_basis})",
            fair.expected_patients,
            "patients",
        ),
    ]
    rows += [
        (f"{name.replace('_', ' ')} per patient ({money})", amount, money)
        for name, amount in fair.components.items()
    ]
    rows += [
        (f"{fair.label} ({money})", fair.total, money),
        (f"price at zero NPV, no margin ({money})", fair.npv_zero_price, money),
    ]
    if fair.list_price is not None:
        rows += [
            (f"list price ({money})", fair.list_price, money),
            ("list price ÷ fair price", fair.list_to_fair_ratio, ""),
        ]
    return rows


def project_rows(economics: EconomicsResult) -> list[Shown]:
    """The project's net present cost and levelised cost per dose with what they are built
    from (none when no project life is stated)."""
    project = economics.project
    if project is None:
        return []
    money = economics.currency
    names = (
        ("life_years", "project life (years)", "yr"),
        ("discount_rate", "discount rate", "%"),
        ("inflation", "inflation of running costs", "%"),
        ("capital", f"installed capital at the start ({money})", money),
        (
            "running_cost_per_year",
            f"running cost a year, without capital recovery ({money})",
            money,
        ),
        ("running_present_value_factor", "present value of 1 a year of running cost", ""),
        ("dose_present_value_factor", "present value of 1 dose a year", ""),
        ("discounted_doses", "discounted doses", "doses"),
        ("net_present_cost", f"net present cost ({money})", money),
        ("levelised_cost_per_dose", f"levelised cost per dose ({money})", money),
    )
    return [
        _rate(words, project[key]) if unit == "%" else (words, project[key], unit)
        for key, words, unit in names
        if key in project
    ]


def campaign_rows(economics: EconomicsResult) -> list[Shown]:
    """A cohort-only demand costed as a campaign, beside the full-capacity year."""
    campaign = economics.campaign
    if campaign is None:
        return []
    money = economics.currency
    return [
        ("cohort (patients)", campaign.cohort_patients, "patients"),
        ("lots started for the cohort", campaign.lots_started, "lots"),
        ("years of the plant held", campaign.years, "yr"),
        (f"campaign cost ({money})", campaign.cost, money),
        (f"campaign cost per patient ({money})", campaign.cost_per_patient, money),
        (f"campaign cost per dose ({money})", campaign.cost_per_dose, money),
        (f"full-capacity cost per patient ({money})", economics.cogs_per_patient, money),
        (f"full-capacity cost per dose ({money})", economics.cogs_per_dose, money),
    ]


def capital_rows(economics: EconomicsResult) -> list[Shown]:
    """How capital is installed and recovered: the Lang factor (a multiple of the purchase) or
    itemised factors (percentages of it), and straight-line depreciation or an annuity at the
    cost of capital; the floor area and the capital."""
    money = economics.currency
    rows: list[Shown] = [
        (f"installation: {name.replace('_', ' ')}", factor, "× purchase")
        if name == "lang_factor"
        else _rate(f"installation: {name.replace('_', ' ')}", factor)
        for name, factor in economics.installation.items()
    ]
    if economics.cost_of_capital is None:
        rows.append(("capital recovered by", "straight-line depreciation", ""))
    else:
        rows.append(("capital recovered by", "annuity at the cost of capital", ""))
        rows.append(_rate("cost of capital", economics.cost_of_capital))
    rows += [
        ("floor area", economics.floor_area, SQUARE_METRE),
        (f"building ({money})", economics.capital["building"], money),
        (f"equipment purchase ({money})", economics.capital["equipment"], money),
        (f"installation ({money})", economics.capital.get("installation", 0.0), money),
        (f"installed capital ({money})", economics.capital["total"], money),
    ]
    return rows


def costing_sheets(
    economics: EconomicsResult,
    units: dict[str, DisplayUnit] | None = None,
    product_unit: str = "",
) -> Sheets:
    """The workbook's costing sheets: cost lines, capital items, capital and time, the price
    build-up and a cohort's campaign (each only when it has rows); sizes in the unit the file
    used (``units``, from its inputs), rates as percentages, each value with its unit."""
    money = economics.currency
    sheets: Sheets = {
        "Cost lines": (
            [
                "group",
                "line",
                "category",
                "counted per",
                "basis per lot",
                "basis unit",
                "step",
                "FTE",
                "hours a year",
                f"per year [{money}]",
                f"per lot [{money}]",
                f"per dose [{money}]",
            ],
            [
                [
                    group.title,
                    line.name,
                    line.category,
                    basis_label(line.basis),
                    line.basis_per_lot,
                    basis_unit(line.basis, product_unit) if line.basis_per_lot is not None else "",
                    line.step,
                    line.fte,
                    line.hours_per_year,
                    line.annual,
                    line.per_lot,
                    line.per_dose,
                ]
                for group in line_groups(economics)
                for line in group.lines
            ],
        ),
        "Capital items": (
            [
                "item",
                "kind",
                "units",
                f"floor area [{SQUARE_METRE}]",
                f"reference cost [{money}]",
                "reference size",
                "size",
                "size unit",
                "exponent",
                f"purchase [{money}]",
                f"installation [{money}]",
                f"installed [{money}]",
                "years",
                f"recovery a year [{money}]",
                f"running a year [{money}]",
            ],
            [
                [
                    row.item.name,
                    row.item.kind,
                    row.item.units,
                    row.area,
                    row.item.reference_cost,
                    row.reference_size,
                    row.size,
                    row.size_unit or None,
                    row.item.exponent,
                    row.item.purchase,
                    row.item.installation,
                    row.item.installed,
                    row.item.years,
                    row.item.recovery_per_year,
                    row.item.running_per_year,
                ]
                for row in capital_item_rows(economics, units)
            ],
        ),
        "Capital and time": (
            ["item", "value", "unit"],
            [list(row) for row in [*capital_rows(economics), *project_rows(economics)]],
        ),
    }
    build_up = price_build_up(economics)
    if build_up:
        sheets["Price build-up"] = (["item", "value", "unit"], [list(row) for row in build_up])
    campaign = campaign_rows(economics)
    if campaign:
        sheets["Campaign"] = (["item", "value", "unit"], [list(row) for row in campaign])
    return sheets
