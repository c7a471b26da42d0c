"""Figures of the uncertainty analyses (matplotlib, object API): a result's distribution
(histogram and CDF), the tornado, and a sweep's bands. Each draws from result objects only."""

from __future__ import annotations

import textwrap
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from genofab.results.uncertainty import Histogram, Spread, SweepResult, Tornado, TornadoBar
from genofab.views.labels import DisplayUnit, label, unit_of
from genofab.views.reports.figures import _money, fixed_margins

LOW_COLOUR, HIGH_COLOUR = "#4c72b0", "#dd8452"


def _label(name: str) -> str:
    return label(name)


def distributions(
    panels: list[tuple[str, str, Histogram, Spread]], demand: float | None = None
) -> Figure:
    """Small multiples, one panel per result (name, unit, histogram, spread): its histogram
    (share of samples) with the deterministic value and the P5, P50 and P95 marked, and a
    line at the yearly ``demand`` on the patients per year. One figure with fixed margins: a
    report's cost is per figure, per axes and per layout pass (the CDFs are in the workbook's
    Distributions sheet)."""
    columns = 2 if len(panels) > 1 else 1
    rows = -(-len(panels) // columns)
    figure = Figure(figsize=(8 * columns / 2 if columns > 1 else 8, 2.9 * rows + 0.4))
    fixed_margins(figure, left=0.6, bottom=0.55, top=0.35, right=0.2, hspace=0.75)
    figure.subplots_adjust(wspace=0.25)
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes, (name, unit, histogram, spread) in zip(grid.flat, panels, strict=False):
        _distribution(axes, name, unit, histogram, spread,
                      demand if name == "patients_per_year" else None)  # fmt: skip
    for axes in list(grid.flat)[len(panels) :]:
        axes.set_visible(False)
    return figure


def _distribution(
    axes: Any, name: str, unit: str, histogram: Histogram, spread: Spread, demand: float | None
) -> None:
    total = sum(histogram.count) or 1
    shares = [count / total for count in histogram.count]
    exact = all(low == high for low, high in zip(histogram.low, histogram.high, strict=True))
    if exact:
        step = min(
            (b - a for a, b in zip(histogram.low, histogram.low[1:], strict=False)), default=1.0
        )
        axes.bar(histogram.low, shares, width=0.8 * step, color="#9ab3d5", label="samples")
    else:
        widths = [high - low for low, high in zip(histogram.low, histogram.high, strict=True)]
        axes.bar(
            histogram.low,
            shares,
            width=widths,
            align="edge",
            color="#9ab3d5",
            edgecolor="white",
            linewidth=0.3,
            label="samples",
        )
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.tick_params(labelsize=7)
    for mark, value, style in (
        ("P5", spread.p5, ":"),
        ("P50", spread.p50, "--"),
        ("P95", spread.p95, ":"),
    ):
        if value is not None:
            axes.axvline(value, color="#555555", linestyle=style, linewidth=1)
            axes.annotate(
                mark,
                (value, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, -10),
                textcoords="offset points",
                fontsize=6,
            )
    if spread.value is not None:
        axes.axvline(spread.value, color="#c44e52", linewidth=1.4, label="deterministic")
    if demand is not None:
        axes.axvline(demand, color="#55a868", linewidth=1.6, linestyle="-.", label="demand")
    axes.xaxis.set_major_formatter(FuncFormatter(_money))
    axes.set_xlabel(f"{_label(name)} ({unit})" if unit else _label(name), fontsize=8)
    axes.set_title(
        f"{_label(name)}: P5–P95 {_money(spread.p5 or 0)} – {_money(spread.p95 or 0)}",
        fontsize=8,
    )
    axes.legend(loc="upper right", fontsize=6, frameon=False)


def tornado(
    chart: Tornado,
    units: dict[str, DisplayUnit] | None = None,
    ends: tuple[str, str] = ("P10", "P90"),
) -> Figure:
    """Bars from the base result to the result with one input at its low end (``ends``: its
    P10, blue) and at its high end (P90, orange); widest first. Each bar is labelled with its
    input's ends in the unit its file gave (``units``). The axis starts at zero when every
    value is positive, so a bar's length reads as a share of the result; the base is marked."""
    bars = [bar for bar in chart.bars if bar.swing is not None][:15]
    figure = Figure(figsize=(8, 0.45 * len(bars) + 1.8))
    fixed_margins(figure, left=3.0, bottom=0.6, top=0.4)
    axes = figure.add_subplot()
    base = chart.base or 0.0
    for row, bar in enumerate(bars):
        for value, colour in ((bar.at_low, LOW_COLOUR), (bar.at_high, HIGH_COLOUR)):
            if value is not None:
                axes.barh(row, value - base, left=base, color=colour, height=0.6)
    axes.set_yticks(
        range(len(bars)),
        [textwrap.fill(f"{bar.path} ({_ends(bar, units)})", 48) for bar in bars],
        fontsize=7,
    )
    axes.invert_yaxis()
    reached = [base] + [v for bar in bars for v in (bar.at_low, bar.at_high) if v is not None]
    if min(reached) >= 0:
        axes.set_xlim(left=0, right=max(reached) * 1.05 or 1.0)
    axes.axvline(base, color="#333333", linewidth=1.2)
    axes.annotate(
        f"base {_money(base)}",
        xy=(base, 0.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, 3),
        textcoords="offset points",
        fontsize=7,
    )
    axes.xaxis.set_major_formatter(FuncFormatter(_money))
    axes.set_xlabel(
        f"{_label(chart.result)} ({chart.unit})" if chart.unit else _label(chart.result)
    )
    axes.legend(
        handles=[
            Patch(color=LOW_COLOUR, label=f"input at its {ends[0]}"),
            Patch(color=HIGH_COLOUR, label=f"input at its {ends[1]}"),
        ],
        loc="upper left",
        fontsize=7,
        frameon=False,
    )
    axes.set_title(
        f"Tornado: {_label(chart.result)}, the others at their base ({_money(base)})", fontsize=10
    )
    return figure


def _ends(bar: TornadoBar, units: dict[str, DisplayUnit] | None) -> str:
    shown = unit_of(bar.path, bar.unit, units)
    low, high = shown.show(bar.low_input), shown.show(bar.high_input)
    ends = f"{_money(low or 0.0)} → {_money(high or 0.0)}"
    return f"{ends} {shown.unit}".rstrip()


def sweep_bands(sweep: SweepResult, name: str) -> Figure:
    """A result's median and P5–P95 band against the first swept parameter, one line for each
    value of the second (if any)."""
    figure = Figure(figsize=(8, 4.2), layout="constrained")
    axes = figure.add_subplot()
    first = sweep.parameters[0]
    groups: dict[tuple[float, ...], list[tuple[float, Spread]]] = {}
    for point in sweep.points:
        spread = point.results.get(name)
        if spread is None or spread.p50 is None:
            continue
        rest = tuple(point.values[path] for path in sweep.parameters[1:])
        groups.setdefault(rest, []).append((point.values[first], spread))
    for rest, line in groups.items():
        line.sort(key=lambda pair: pair[0])
        x = [value for value, _ in line]
        label = (
            ", ".join(
                f"{path} = {_money(value)}"
                for path, value in zip(sweep.parameters[1:], rest, strict=True)
            )
            or "median"
        )
        drawn = axes.plot(
            x, [float(s.p50 or 0.0) for _, s in line], marker="o", markersize=3, label=label
        )
        axes.fill_between(
            x,
            [s.p5 or 0.0 for _, s in line],
            [s.p95 or 0.0 for _, s in line],
            color=drawn[0].get_color(),
            alpha=0.15,
        )
    axes.set_xlabel(f"{first} ({sweep.units.get(first, '')})")
    axes.xaxis.set_major_formatter(FuncFormatter(_money))
    unit = sweep.result_units.get(name, "")
    axes.set_ylabel(f"{_label(name)} ({unit})" if unit else _label(name))
    axes.yaxis.set_major_formatter(FuncFormatter(_money))
    axes.set_title(f"{_label(name)}: median and P5–P95 at each point", fontsize=10)
    axes.legend(fontsize=7, frameon=False)
    axes.grid(True, alpha=0.2)
    return figure
