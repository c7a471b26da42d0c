"""Figures of the uncertainty analyses (matplotlib, object API): a result's distribution
(histogram and CDF), the tornado, and a sweep's bands. Each draws from result objects only."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from genofab.results.uncertainty import Histogram, Spread, SweepResult, Tornado, TornadoBar
from genofab.views.labels import DisplayUnit, unit_of
from genofab.views.reports.figures import _money

LOW_COLOUR, HIGH_COLOUR = "#4c72b0", "#dd8452"


def _label(name: str) -> str:
    return name.replace("_", " ").replace(".", ": ")


def distribution(name: str, unit: str, histogram: Histogram, spread: Spread) -> Figure:
    """A result's histogram (share of samples) with its CDF, the deterministic value and the
    P5, P50 and P95 marked."""
    figure = Figure(figsize=(8, 3.8), layout="constrained")
    axes = figure.add_subplot()
    total = sum(histogram.count) or 1
    shares = [count / total for count in histogram.count]
    exact = all(low == high for low, high in zip(histogram.low, histogram.high, strict=True))
    if exact:
        step = min(
            (b - a for a, b in zip(histogram.low, histogram.low[1:], strict=False)), default=1.0
        )
        axes.bar(histogram.low, shares, width=0.8 * step, color="#9ab3d5", label="share of samples")
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
            label="share of samples",
        )
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_ylabel("share of samples")
    cdf_axes = axes.twinx()
    cdf_axes.step(histogram.cdf_value, histogram.cdf, where="post", color="#333333", linewidth=1.2)
    cdf_axes.set_ylim(0, 1.02)
    cdf_axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    cdf_axes.set_ylabel("cumulative share (CDF)")
    for label, value, style in (
        ("P5", spread.p5, ":"),
        ("P50", spread.p50, "--"),
        ("P95", spread.p95, ":"),
    ):
        if value is not None:
            axes.axvline(value, color="#555555", linestyle=style, linewidth=1)
            axes.annotate(
                label,
                (value, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, -10),
                textcoords="offset points",
                fontsize=7,
            )
    if spread.value is not None:
        axes.axvline(spread.value, color="#c44e52", linewidth=1.4, label="deterministic")
    axes.xaxis.set_major_formatter(FuncFormatter(_money))
    axes.set_xlabel(f"{_label(name)} ({unit})" if unit else _label(name))
    axes.set_title(
        f"{_label(name)}: mean {_money(spread.mean or 0)}, P5–P95 {_money(spread.p5 or 0)}"
        f" – {_money(spread.p95 or 0)} ({spread.samples:,} samples)",
        fontsize=10,
    )
    axes.legend(loc="center right", fontsize=7, frameon=False)
    return figure


def tornado(
    chart: Tornado,
    ends: tuple[str, str] = ("P10", "P90"),
    units: dict[str, DisplayUnit] | None = None,
) -> Figure:
    """Bars from the base result to the result with one input at its low end (blue) and at
    its high end (orange); widest first. The axis starts at zero when every value is
    positive, so a bar's length reads as a share of the result; the base is marked; inputs
    are labelled in the units their file gave (``units``)."""
    bars = [bar for bar in chart.bars if bar.swing is not None][:15]
    figure = Figure(figsize=(8, 0.45 * len(bars) + 1.8), layout="constrained")
    axes = figure.add_subplot()
    base = chart.base or 0.0
    for row, bar in enumerate(bars):
        for value, colour in ((bar.at_low, LOW_COLOUR), (bar.at_high, HIGH_COLOUR)):
            if value is not None:
                axes.barh(row, value - base, left=base, color=colour, height=0.6)

    def shown(bar: TornadoBar) -> str:
        unit = unit_of(bar.path, bar.unit, units)
        low, high = unit.show(bar.low_input), unit.show(bar.high_input)
        return f"{bar.path} ({_money(low or 0.0)} → {_money(high or 0.0)} {unit.unit})".replace(
            " )", ")"
        )

    axes.set_yticks(range(len(bars)), [textwrap.fill(shown(bar), 48) for bar in bars], fontsize=7)
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
    axes.set_title(f"Tornado: {_label(chart.result)} (base {_money(base)})", fontsize=10)
    return figure


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
