"""What the batch-records pages show of a stored review: control charts as plotly.js figures
(the individuals or subgroup means above, the moving ranges or subgroup spreads below, the
centre line and limits, the run rules' signals marked), and the capability rows with the
provisional label of the limits of their site and measurement. Only layout: every figure
comes from the stored review."""

from __future__ import annotations

from typing import Any

SPREAD_NAMES = {"I-MR": "moving range", "Xbar-R": "range", "Xbar-S": "standard deviation"}


def _limit_lines(x: list[Any], limits: dict[str, Any], axis: str) -> list[dict[str, Any]]:
    lines = []
    for key, dash in (("center", "solid"), ("lower", "dash"), ("upper", "dash")):
        value = limits.get(key)
        if value is None:
            continue
        lines.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [x[0], x[-1]] if x else [],
                "y": [value, value],
                "name": {"center": "centre", "lower": "lower limit", "upper": "upper limit"}[key],
                "line": {
                    "dash": dash,
                    "width": 1,
                    "color": "#444" if key == "center" else "#c0392b",
                },
                "xaxis": "x",
                "yaxis": axis,
                "showlegend": axis == "y",
                "hoverinfo": "y",
            }
        )
    return lines


def control_chart(chart: dict[str, Any]) -> dict[str, Any]:
    """An I-MR (or X̄-R/S) chart: lots in date order, two panels sharing the lot axis."""
    lots = list(chart["lots"]) or list(range(1, len(chart["points"]) + 1))
    flagged = sorted({signal["index"] for signal in chart["signals"]})
    unit = chart["unit"] or "–"
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": lots,
            "y": chart["points"],
            "name": chart["measurement"],
            "xaxis": "x",
            "yaxis": "y",
            "marker": {"size": 6},
        },
        *_limit_lines(lots, chart["location"], "y"),
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": lots,
            "y": chart["spreads"],
            "name": SPREAD_NAMES.get(chart["kind"], "spread"),
            "xaxis": "x",
            "yaxis": "y2",
            "marker": {"size": 5},
        },
        *_limit_lines(lots, chart["spread"], "y2"),
    ]
    if flagged:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [lots[i] for i in flagged if i < len(lots)],
                "y": [chart["points"][i] for i in flagged if i < len(lots)],
                "name": "signal",
                "marker": {"size": 11, "color": "#c0392b", "symbol": "circle-open"},
                "xaxis": "x",
                "yaxis": "y",
            }
        )
    baseline = chart["baseline_points"]
    shapes = []
    if 0 < baseline < len(lots):  # where the frozen baseline ends
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": baseline - 0.5,
                "x1": baseline - 0.5,
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dot", "color": "#888"},
            }
        )
    return {
        "data": data,
        "layout": {
            "xaxis": {"type": "category", "tickangle": -45, "automargin": True},
            "yaxis": {"domain": [0.38, 1.0], "title": {"text": unit}},
            "yaxis2": {
                "domain": [0.0, 0.28],
                "anchor": "x",
                "title": {"text": SPREAD_NAMES.get(chart["kind"], "spread")},
            },
            "shapes": shapes,
            "height": 420,
            "margin": {"t": 30, "b": 90, "l": 70, "r": 10},
            "legend": {"orientation": "h", "y": 1.08, "x": 0},
        },
    }


def review_views(review: dict[str, Any]) -> dict[str, Any]:
    """The charts (with their provisional label) and the capability rows of a review."""
    charts = [
        {
            "site": chart["site"],
            "measurement": chart["measurement"],
            "kind": chart["kind"],
            "provisional": chart["provisional"],
            "provisional_below": chart["provisional_below"],
            "note": chart["note"],
            "signals": chart["signals"],
            "figure": control_chart(chart),
        }
        for chart in review.get("charts", [])
    ]
    provisional = {(c["site"], c["measurement"]): c for c in charts}
    capability = []
    for row in review.get("capability", []):
        chart = provisional.get((row["site"], row["measurement"]))
        capability.append(
            row
            | {
                "provisional": bool(chart and chart["provisional"]),
                "provisional_below": chart["provisional_below"] if chart else None,
            }
        )
    return {"charts": charts, "capability": capability}


def interval(value: dict[str, Any] | None) -> str:
    """``1.23 (0.98 to 1.51)`` of an index with its confidence interval."""
    if not value or value.get("estimate") is None:
        return "–"
    if value.get("lower") is None or value.get("upper") is None:
        return f"{value['estimate']:.2f}"
    return f"{value['estimate']:.2f} ({value['lower']:.2f} to {value['upper']:.2f})"
