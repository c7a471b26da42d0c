"""The costing sections of a report, shared by the HTML page and the workbook: every cost line
grouped by kind (labour by post or hours, materials by what they are counted per, QC tests,
fees and one-off costs, capital and running, shares, overhead), capital item by item (scaled,
installed, recovered), the project's net present cost and levelised cost per dose, the fair
price built up from its inputs, and a cohort's campaign.

Every figure is the engine's (:class:`~genofab.results.economics.EconomicsResult`); this
module only groups, labels and lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genofab.results.economics import EconomicsResult, LineResult
from genofab.views.labels import pretty_unit

__all__ = [
    "basis_label",
    "campaign_rows",
    "capital_rows",
    "costing_sheets",
    "line_groups",
    "pretty_unit",
    "price_build_up",
    "project_rows",
]

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


def price_build_up(economics: EconomicsResult) -> list[tuple[str, float | str | None]]:
    """The fair price from its inputs, in the order a reader checks it: the volume the cost of
    goods is computed at, the development cost from stated to net, the patients it is recovered
    over, the components, the price and the price at zero NPV."""
    fair = economics.fair_price
    if fair is None:
        return []
    rows: list[tuple[str, float | str | None]] = [
        ("patients treated a year (the cost of goods' volume)", fair.patients_per_year),
        (
            f"cost of goods per patient at that volume ({economics.currency})",
            economics.cogs_per_patient,
        ),
        (f"development cost as stated ({economics.currency})", fair.development_cost),
        ("development cost basis", fair.development_basis),
    ]
    if fair.development_basis == "out_of_pocket":
        rows += [
            ("probability of success", fair.probability_of_success),
            ("years from spending to launch", fair.development_years),
        ]
    rows += [
        ("cost of capital", fair.cost_of_capital),
        (
            f"development cost capitalised at launch ({economics.currency})",
            fair.development_cost_at_launch,
        ),
        (f"public funding deducted ({economics.currency})", fair.public_funding),
        (f"net development cost ({economics.currency})", fair.development_cost_net),
        ("commercial life (years)", fair.commercial_life),
        (f"expected patients ({fair.expected_patients_basis})", fair.expected_patients),
    ]
    rows += [
        (f"{name.replace('_', ' ')} per patient ({economics.currency})", amount)
        for name, amount in fair.components.items()
    ]
    rows += [
        (f"{fair.label} ({economics.currency})", fair.total),
        (f"price at zero NPV, no margin ({economics.currency})", fair.npv_zero_price),
    ]
    if fair.list_price is not None:
        rows += [
            (f"list price ({economics.currency})", fair.list_price),
            ("list price ÷ fair price", fair.list_to_fair_ratio),
        ]
    return rows


def project_rows(economics: EconomicsResult) -> list[tuple[str, float]]:
    """The project's net present cost and levelised cost per dose with what they are built
    from (none when no project life is stated)."""
    project = economics.project
    if project is None:
        return []
    money = economics.currency
    names = (
        ("life_years", "project life (years)"),
        ("discount_rate", "discount rate"),
        ("inflation", "inflation of running costs"),
        ("capital", f"installed capital at the start ({money})"),
        ("running_cost_per_year", f"running cost a year, without capital recovery ({money})"),
        ("running_present_value_factor", "present value of 1 a year of running cost"),
        ("dose_present_value_factor", "present value of 1 dose a year"),
        ("discounted_doses", "discounted doses"),
        ("net_present_cost", f"net present cost ({money})"),
        ("levelised_cost_per_dose", f"levelised cost per dose ({money})"),
    )
    return [(words, project[key]) for key, words in names if key in project]


def campaign_rows(economics: EconomicsResult) -> list[tuple[str, float]]:
    """A cohort-only demand costed as a campaign, beside the full-capacity year."""
    campaign = economics.campaign
    if campaign is None:
        return []
    money = economics.currency
    return [
        ("cohort (patients)", campaign.cohort_patients),
        ("lots started for the cohort", campaign.lots_started),
        ("years of the plant held", campaign.years),
        (f"campaign cost ({money})", campaign.cost),
        (f"campaign cost per patient ({money})", campaign.cost_per_patient),
        (f"campaign cost per dose ({money})", campaign.cost_per_dose),
        (f"full-capacity cost per patient ({money})", economics.cogs_per_patient),
        (f"full-capacity cost per dose ({money})", economics.cogs_per_dose),
    ]


def capital_rows(economics: EconomicsResult) -> list[tuple[str, float | str]]:
    """How capital is installed and recovered: the Lang factor or itemised factors, and
    straight-line depreciation or an annuity at the cost of capital."""
    money = economics.currency
    rows: list[tuple[str, float | str]] = [
        (f"installation: {name.replace('_', ' ')}", factor)
        for name, factor in economics.installation.items()
    ]
    if economics.cost_of_capital is None:
        rows.append(("capital recovered by", "straight-line depreciation"))
    else:
        rows.append(("capital recovered by", "annuity at the cost of capital"))
        rows.append(("cost of capital", economics.cost_of_capital))
    rows += [
        (f"building ({money})", economics.capital["building"]),
        (f"equipment purchase ({money})", economics.capital["equipment"]),
        (f"installation ({money})", economics.capital.get("installation", 0.0)),
        (f"installed capital ({money})", economics.capital["total"]),
    ]
    return rows


def costing_sheets(economics: EconomicsResult) -> Sheets:
    """The workbook's costing sheets: cost lines, capital items, capital and time, the price
    build-up and a cohort's campaign (each only when it has rows)."""
    money = economics.currency
    sheets: Sheets = {
        "Cost lines": (
            [
                "group",
                "line",
                "category",
                "counted per",
                "basis per lot",
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
                    item.name,
                    item.kind,
                    item.units,
                    item.reference_cost,
                    item.reference_size,
                    item.size,
                    item.size_unit,
                    item.exponent,
                    item.purchase,
                    item.installation,
                    item.installed,
                    item.years,
                    item.recovery_per_year,
                    item.running_per_year,
                ]
                for item in economics.capital_items
            ],
        ),
        "Capital and time": (
            ["item", "value"],
            [[a, b] for a, b in [*capital_rows(economics), *project_rows(economics)]],
        ),
    }
    build_up = price_build_up(economics)
    if build_up:
        sheets["Price build-up"] = (["item", "value"], [[a, b] for a, b in build_up])
    campaign = campaign_rows(economics)
    if campaign:
        sheets["Campaign"] = (["item", "value"], [[a, b] for a, b in campaign])
    return sheets
