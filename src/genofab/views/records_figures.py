"""Control-chart figures: PNG or SVG by matplotlib, and a self-contained interactive HTML page
(inline SVG, a tooltip on every point, no script or style fetched from anywhere)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine

from genofab.results.records import ControlChart

IMAGE_FORMATS = ("png", "svg")


def file_stem(measurement: str) -> str:
    """A file name for a measurement ('production_bioreactor.titer' → same, '/' and spaces
    replaced)."""
    return re.sub(r"[^\w.\-]+", "_", measurement) or "chart"


def write_chart_image(chart: ControlChart, path: Path, image_format: str = "png") -> None:
    """The chart (:func:`chart_figure`) written as PNG or SVG."""
    chart_figure(chart).savefig(path, format=image_format, dpi=110)


def chart_figure(chart: ControlChart) -> Figure:
    """The location chart above the spread chart, limits dashed, signals circled in red."""
    x = list(range(1, len(chart.points) + 1))
    figure = Figure(figsize=(9, 6), layout=TightLayoutEngine(rect=(0, 0.03, 1, 1)))
    top, bottom = figure.subplots(2, 1, sharex=True)
    top.plot(x, chart.points, marker="o", color="#1f4e79", linewidth=1)
    for value, style in (
        (chart.location.center, "-"),
        (chart.location.upper, "--"),
        (chart.location.lower, "--"),
    ):
        if value is not None:
            top.axhline(value, color="#7f7f7f", linestyle=style, linewidth=1)
    top.axvline(chart.baseline_points + 0.5, color="#bbbbbb", linestyle=":")
    flagged = sorted({signal.index for signal in chart.signals})
    top.scatter(
        [x[i] for i in flagged],
        [chart.points[i] for i in flagged],
        s=120,
        facecolors="none",
        edgecolors="#c00000",
        linewidths=1.5,
        zorder=3,
    )
    label = "X̄" if chart.subgroup_size > 1 else "individual"
    top.set_ylabel(f"{label} ({chart.unit})" if chart.unit else label)
    title = f"{chart.measurement}: {chart.kind} chart"
    if chart.provisional:
        title += " (PROVISIONAL limits)"
    top.set_title(title)
    spread_x = [xi for xi, s in zip(x, chart.spreads, strict=True) if s is not None]
    spread_y = [s for s in chart.spreads if s is not None]
    bottom.plot(spread_x, spread_y, marker="o", color="#548235", linewidth=1)
    bottom.axhline(chart.spread.center, color="#7f7f7f", linewidth=1)
    bottom.axhline(chart.spread.upper, color="#7f7f7f", linestyle="--", linewidth=1)
    if chart.spread.lower:
        bottom.axhline(chart.spread.lower, color="#7f7f7f", linestyle="--", linewidth=1)
    bottom.set_ylabel({"I-MR": "moving range", "Xbar-R": "range"}.get(chart.kind, "SD"))
    bottom.set_xlabel("lot (by start date, then sample time); dotted line: end of the baseline")
    figure.text(0.01, 0.005, chart.note, fontsize=7, color="#444444")
    return figure


def chart_html(chart: ControlChart) -> str:
    """A page showing the chart as inline SVG; hovering a point shows its lot and value."""
    width, height, pad, right = 960, 360, 60, 110
    values = [*chart.points, chart.location.upper]
    if chart.location.lower is not None:
        values.append(chart.location.lower)
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    count = max(len(chart.points) - 1, 1)

    def px(i: int) -> float:
        return pad + (width - pad - right) * i / count

    def py(v: float) -> float:
        return height - pad - (height - 2 * pad) * (v - low) / span

    flagged: dict[int, list[str]] = {}
    for signal in chart.signals:
        flagged.setdefault(signal.index, []).append(f"{signal.rule}: {signal.description}")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' role="img" aria-label="{html.escape(chart.measurement)} control chart">'
    ]
    for name, value in (
        ("UCL", chart.location.upper),
        ("centre", chart.location.center),
        ("LCL", chart.location.lower),
    ):
        if value is None:
            continue
        dash = "" if name == "centre" else ' stroke-dasharray="6 4"'
        parts.append(
            f'<line x1="{pad}" x2="{width - right}" y1="{py(value):.1f}" y2="{py(value):.1f}"'
            f' stroke="#888"{dash}><title>{name} {value:.4g}</title></line>'
            f'<text x="{width - right + 6}" y="{py(value) + 4:.1f}" font-size="11">{name}'
            f" {value:.3g}</text>"
        )
    if chart.baseline_points < len(chart.points):
        edge = (px(chart.baseline_points - 1) + px(chart.baseline_points)) / 2
        parts.append(
            f'<line x1="{edge:.1f}" x2="{edge:.1f}" y1="{pad / 2}" y2="{height - pad / 2}"'
            ' stroke="#bbb" stroke-dasharray="2 3"><title>end of the baseline: limits from'
            f" the {chart.baseline_points} lots to the left</title></line>"
        )
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{px(i):.1f},{py(v):.1f}" for i, v in enumerate(chart.points)
    )
    parts.append(f'<path d="{path}" fill="none" stroke="#1f4e79"/>')
    for i, (lot, value) in enumerate(zip(chart.lots, chart.points, strict=True)):
        tip = f"lot {lot}: {value:.4g} {chart.unit}"
        if i in flagged:
            tip += " — " + "; ".join(flagged[i])
        colour = "#c00000" if i in flagged else "#1f4e79"
        radius = 6 if i in flagged else 4
        parts.append(
            f'<circle cx="{px(i):.1f}" cy="{py(value):.1f}" r="{radius}" fill="{colour}">'
            f"<title>{html.escape(tip)}</title></circle>"
        )
    parts.append("</svg>")
    rows = "".join(
        f"<tr><td>{html.escape(s.lot or '')}</td><td>{s.rule}</td>"
        f"<td>{html.escape(s.description)}</td></tr>"
        for s in chart.signals
    )
    title = html.escape(f"{chart.measurement}: {chart.kind} chart")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;"
        "border-bottom:1px solid #ddd}circle:hover{stroke:#000;stroke-width:2}</style>"
        f"</head><body><h1>{title}</h1>"
        f"<p>{html.escape(chart.note)}</p>"
        + "".join(parts)
        + "<h2>Signals</h2><table><tr><th>lot</th><th>rule</th><th>pattern</th></tr>"
        + (rows or "<tr><td colspan='3'>none</td></tr>")
        + "</table><p>Generated by genofab; hover a point for its lot and value.</p>"
        "</body></html>\n"
    )


def sites_figure(measurement: str, unit: str, by_site: dict[str, list[float]]) -> Figure:
    """One measurement's lots at each site side by side: a box (quartiles, whiskers to the
    extremes) and every lot as a point, spread sideways in lot order so none hides another."""
    figure = Figure(figsize=(2.2 + 1.6 * len(by_site), 4.5), layout=TightLayoutEngine())
    axes = figure.subplots()
    names = list(by_site)
    axes.boxplot(
        [by_site[name] for name in names],
        whis=(0, 100),
        widths=0.5,
        medianprops={"color": "#1f4e79"},
        showfliers=False,
    )
    for position, name in enumerate(names, start=1):
        values = by_site[name]
        count = max(len(values) - 1, 1)
        offsets = [position - 0.18 + 0.36 * i / count for i in range(len(values))]
        axes.scatter(offsets, values, s=14, color="#c55a11", alpha=0.8, zorder=3)
    axes.set_xticks(range(1, len(names) + 1), [f"{n}\n({len(by_site[n])} lots)" for n in names])
    axes.set_ylabel(f"{measurement} ({unit})" if unit else measurement)
    axes.set_title(f"{measurement} by site")
    return figure
