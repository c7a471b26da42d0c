"""Report figures (matplotlib, object API: no global state, no display needed).

Each function draws one figure from result objects; nothing here computes a domain figure.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from genofab.model.economics import COST_CATEGORIES
from genofab.results.capacity import CapacityResult
from genofab.results.economics import EconomicsResult, FairPrice
from genofab.results.lot import LotResult
from genofab.results.scale import ScaleResult

#: Each cost category's colour, from its one declaration; a category without one takes the
#: next colour of :data:`PALETTE`.
CATEGORY_COLOURS = {category.name: category.colour for category in COST_CATEGORIES}
PALETTE = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b2", "#937860", "#da8bc3")
CAUSE_COLOURS = {
    "doses_delivered": "#55a868",
    "surplus_doses": "#ccb974",
    "failed_lots": "#c44e52",
    "idle_capacity": "#b0b0b0",
}


def _money(value: float, _: object = None) -> str:
    for size, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def fixed_margins(
    figure: Figure,
    left: float,
    bottom: float,
    right: float = 0.25,
    top: float = 0.5,
    hspace: float | None = None,
) -> None:
    """Margins in inches, fixed: a report draws many figures, and a layout pass (matplotlib's
    constrained layout) costs as much as drawing the figure again."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
        hspace=hspace,
    )


def text_inches(text: str, size: float = 10) -> float:
    """About how wide ``text`` is at ``size`` points (0.55 of the size per character)."""
    return len(text) * size * 0.55 / 72


def _label(name: str) -> str:
    return name.replace("_", " ")


def cost_per_dose_curve(
    sweep: ScaleResult, capacity_patients: float, demand: float | None
) -> Figure:
    """Cost per dose against patients a year (log scales, a line), and below it the share of
    that cost by cause stacked to 100 % on a linear scale (stacked areas on a log scale would
    misstate each layer); the capacity and the demand marked on both."""
    figure = Figure(figsize=(8, 6.4))
    fixed_margins(figure, left=0.85, bottom=1.35, top=0.45, hspace=0.08)
    cost_axes, share_axes = figure.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    points = [p for p in sweep.points if p.cost_per_dose and p.per_dose_by_cause]
    x = [p.value for p in points]
    cost_axes.plot(x, [p.cost_per_dose or 0.0 for p in points], color="black", linewidth=1.4)
    causes = list(CAUSE_COLOURS)
    shares = [
        [100 * (p.per_dose_by_cause or {}).get(c, 0.0) / (p.cost_per_dose or 1.0) for p in points]
        for c in causes
    ]
    share_axes.stackplot(
        x,
        shares,
        labels=[_label(c) for c in causes],
        colors=[CAUSE_COLOURS[c] for c in causes],
        alpha=0.85,
    )
    for axes in (cost_axes, share_axes):
        axes.axvline(capacity_patients, color="#333333", linestyle="--", linewidth=1)
        if demand is not None:
            axes.axvline(demand, color="#c44e52", linestyle=":", linewidth=1)
        axes.grid(True, which="major", alpha=0.2)
    for text, where, colour, side in (
        ("capacity", capacity_patients, "#333333", -3),
        ("demand", demand, "#c44e52", 3),
    ):
        if where is not None:
            cost_axes.annotate(
                text,
                (where, 0.97),
                xycoords=("data", "axes fraction"),
                xytext=(side, 0),
                textcoords="offset points",
                ha="right" if side < 0 else "left",
                va="top",
                rotation=90,
                fontsize=8,
                color=colour,
            )
    cost_axes.set_xscale("log")
    cost_axes.set_yscale("log")
    cost_axes.set_ylabel(f"cost per dose ({sweep.currency})")
    cost_axes.yaxis.set_major_formatter(FuncFormatter(_money))
    for axis in (cost_axes.xaxis, cost_axes.yaxis):
        axis.set_minor_formatter(NullFormatter())  # unlabelled minor ticks: fewer texts to draw
    cost_axes.set_title("Cost of goods per dose as the yearly demand grows")
    share_axes.set_ylim(0, 100)
    share_axes.set_ylabel("share of the cost, %")
    share_axes.set_xlabel("demand, patients per year")
    share_axes.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=4, fontsize=8, frameon=False
    )
    return figure


def _colours(lines: Mapping[str, object], known: dict[str, str]) -> dict[str, str]:
    """A colour for every line of a breakdown but its total: its own, else the palette's."""
    names = [name for name in lines if name != "total"]
    return {name: known.get(name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(names)}


def cost_breakdown(economics: EconomicsResult) -> Figure:
    """Cost per dose split by category and by cause (two stacked bars)."""
    figure = Figure(figsize=(8, 3.4))
    fixed_margins(figure, left=1.0, bottom=1.15, top=0.4)
    axes = figure.add_subplot()
    rows = (
        (
            "by category",
            economics.cost_breakdown,
            _colours(economics.cost_breakdown, CATEGORY_COLOURS),
        ),
        ("by cause", economics.cost_by_cause, _colours(economics.cost_by_cause, CAUSE_COLOURS)),
    )
    for row, (_, lines, colours) in enumerate(rows):
        left = 0.0
        for name, colour in colours.items():
            width = lines[name].per_dose
            axes.barh(
                row,
                width,
                left=left,
                color=colour,
                edgecolor="white",
                label=_label(name) if width > 0 else None,
            )
            # a label only where it fits: about 1.2 % of the bar per character
            if width > (0.012 * len(name) + 0.02) * lines["total"].per_dose:
                axes.text(
                    left + width / 2,
                    row,
                    _label(name),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white",
                )
            left += width
    axes.set_yticks(range(len(rows)), [title for title, *_ in rows])
    axes.set_xlim(0, economics.cost_breakdown["total"].per_dose * 1.02)
    axes.invert_yaxis()
    axes.set_xlabel(f"cost per dose ({economics.currency})")
    axes.xaxis.set_major_formatter(FuncFormatter(_money))
    axes.set_title(
        f"Where the cost of a dose goes ({_money(economics.cogs_per_dose)}"
        f" {economics.currency} a dose)"
    )
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=5, fontsize=7, frameon=False)
    return figure


def fair_price_waterfall(price: FairPrice, currency: str) -> Figure:
    """The fair price per patient built up component by component."""
    figure = Figure(figsize=(8, 4.2))
    names = list(price.components)
    longest = max([text_inches(_label(name), 10) for name in names] + [1.0])
    fixed_margins(figure, left=0.85, bottom=0.35 + 0.6 * longest, top=0.4)
    axes = figure.add_subplot()
    bottom = 0.0
    for i, name in enumerate(names):
        amount = price.components[name]
        axes.bar(i, amount, bottom=bottom, color="#4c72b0" if name != "margin" else "#dd8452")
        axes.text(i, bottom + amount, _money(amount), ha="center", va="bottom", fontsize=8)
        bottom += amount
    axes.bar(len(names), price.total, color="#55a868")
    axes.text(
        len(names),
        price.total,
        _money(price.total),
        ha="center",
        va="bottom",
        fontsize=8,
        fontweight="bold",
    )
    labels = [_label(name) for name in names] + ["fair price"]
    if price.list_price is not None:
        axes.axhline(price.list_price, color="#c44e52", linestyle="--", linewidth=1)
        axes.annotate(
            f"list price {_money(price.list_price)}",
            (0, price.list_price),
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=8,
            color="#c44e52",
        )
    axes.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
    axes.set_ylabel(f"per patient ({currency})")
    axes.yaxis.set_major_formatter(FuncFormatter(_money))
    axes.set_title("Fair price per patient, cost plus a stated margin")
    return figure


def room_capacity(capacity: CapacityResult) -> Figure:
    """Lots a year each room kind allows; the bottleneck sets the facility's lots a year."""
    figure = Figure(figsize=(8, 0.6 * len(capacity.rooms) + 1.6))
    kinds = [room.kind for room in capacity.rooms]
    longest = max(text_inches(_label(kind)) for kind in kinds)
    fixed_margins(figure, left=0.25 + min(longest, 3.5), bottom=0.6, top=0.4, right=0.5)
    axes = figure.add_subplot()
    lots = [room.lots_per_year for room in capacity.rooms]
    colours = ["#c44e52" if kind == capacity.bottleneck_room else "#4c72b0" for kind in kinds]
    axes.barh(range(len(kinds)), lots, color=colours)
    for i, value in enumerate(lots):
        axes.text(value, i, f" {value:,}", va="center", fontsize=8)
    axes.axvline(capacity.lots_per_year, color="#333333", linestyle="--", linewidth=1)
    axes.set_yticks(range(len(kinds)), [_label(kind) for kind in kinds])
    axes.invert_yaxis()
    axes.set_xlabel("lots a year (all rooms of the kind)")
    axes.set_xlim(0, max(lots) * 1.15)
    axes.set_title(
        f"Capacity by room: {capacity.lots_per_year} lots a year,"
        f" bottleneck {_label(capacity.bottleneck_room)}"
    )
    return figure


def mass_balance(lot: LotResult) -> Figure:
    """Share of the product made that is left after each step."""
    steps = [step for step in lot.steps if step.recovery is not None]
    figure = Figure(figsize=(max(8.0, 1.05 * len(steps)), 4.8))
    fixed_margins(figure, left=0.75, bottom=0.95, top=0.6)
    axes = figure.add_subplot()
    axes.bar(range(len(steps)), [100 * (step.recovery or 0) for step in steps], color="#4c72b0")
    for i, step in enumerate(steps):
        axes.text(
            i,
            100 * (step.recovery or 0),
            f"{100 * (step.recovery or 0):.0f}%",
            ha="center",
            va="bottom",
            fontsize=8,
        )
    axes.set_xticks(
        range(len(steps)),
        [textwrap.fill(step.name, 13, break_long_words=False) for step in steps],
        fontsize=7,
    )
    axes.set_ylabel(f"{lot.product_unit} left, % of the amount made")
    axes.set_ylim(0, 112)
    axes.set_title(
        "Mass balance of one lot: product left after each step\n"
        f"{100 * lot.overall_yield:.0f}% of the product made is in the labelled volume of the"
        " released containers",
        fontsize=10,
    )
    return figure
