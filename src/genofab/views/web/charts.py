"""What the pages show of a result: headline rows (a spread as P50 [P5–P95]), and plotly.js
figure specifications (histograms, tornado, Gantt, room load) read by ``static/charts.js``.
Only layout here: every figure comes from a stored result."""

from __future__ import annotations

import json
from typing import Any

from genofab.results.run import HEADLINE
from genofab.views.console import amounts

#: Headline figures shown as rows (dictionaries such as the cost breakdown are in the JSON).
ROWS = tuple(
    name
    for name in HEADLINE
    if name not in ("lots_per_room_year", "rooms_needed", "cost_breakdown")
)


def number(value: Any) -> str:
    """A figure with three significant digits and thousands separators."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    magnitude = abs(float(value))
    if magnitude >= 999.5 or float(value).is_integer():  # 999.99 is "1,000", not "1e+03"
        return f"{float(value):,.0f}" if magnitude < 1e9 else f"{float(value):.3g}"
    return f"{float(value):.3g}"


def spread_text(spread: Any) -> str:
    """``P50 [P5–P95]`` of a spread, or the plain value."""
    if isinstance(spread, dict) and "p50" in spread:
        return f"{number(spread['p50'])} [{number(spread['p5'])}–{number(spread['p95'])}]"
    if isinstance(spread, dict) and "total" in spread:
        return spread_text(spread["total"])
    if isinstance(spread, dict) and "value" in spread:
        return spread_text(spread["value"])
    if isinstance(spread, dict):
        return "–"
    return number(spread)


def headline_rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(figure, shown value, deterministic value) for each headline figure present."""
    rows = []
    for name in ROWS:
        if name not in result:
            continue
        value = result[name]
        plain = value.get("value") if isinstance(value, dict) else value
        plain = plain.get("total") if isinstance(plain, dict) else plain
        rows.append(
            (name, spread_text(value), number(plain) if isinstance(plain, (int, float)) else "")
        )
    return rows


def figure(spec: dict[str, Any]) -> str:
    """A figure specification as JSON for a ``data-chart`` attribute."""
    return json.dumps(spec, ensure_ascii=False, allow_nan=False)


def histogram(name: str, bars: dict[str, Any], unit: str) -> dict[str, Any]:
    """A Monte Carlo histogram as a bar chart."""
    centres = [(low + high) / 2 for low, high in zip(bars["low"], bars["high"], strict=True)]
    widths = [
        max(high - low, 0.0) or None for low, high in zip(bars["low"], bars["high"], strict=True)
    ]
    trace: dict[str, Any] = {"type": "bar", "x": centres, "y": list(bars["count"]), "name": name}
    if all(width is not None for width in widths):
        trace["width"] = widths
    return {
        "data": [trace],
        "layout": {
            "title": {"text": name},
            "xaxis": {"title": {"text": unit}},
            "yaxis": {"title": {"text": "samples"}},
            "height": 280,
            "margin": {"t": 40, "b": 50, "l": 60, "r": 10},
        },
    }


def tornado(chart: dict[str, Any]) -> dict[str, Any]:
    """A tornado: each parameter's P10 and P90 effect around the base value."""
    bars = list(reversed(chart["bars"][:12]))
    base = chart.get("base") or 0.0
    labels = [bar["path"] for bar in bars]

    def offsets(key: str) -> list[float]:
        return [(bar[key] if bar[key] is not None else base) - base for bar in bars]

    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": offsets("at_low"),
                "base": base,
                "name": "parameter at P10",
            },
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": offsets("at_high"),
                "base": base,
                "name": "parameter at P90",
            },
        ],
        "layout": {
            "title": {"text": f"{chart['result']} ({chart['unit']})"},
            "barmode": "overlay",
            "height": 120 + 28 * len(bars),
            "margin": {"l": 280, "t": 40, "r": 10, "b": 40},
        },
    }


def gantt(result: dict[str, Any], sponsor: str | None) -> dict[str, Any]:
    """The schedule's lots as bars per room (one sponsor's only, when given)."""
    rows = [r for r in result.get("lots", []) if sponsor in (None, "", r["sponsor"])]
    products = sorted({r["product"] for r in rows})
    data = []
    for product in products:
        mine = [r for r in rows if r["product"] == product]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": product,
                "y": [r["room"] for r in mine],
                "x": [r["end"] - r["start"] for r in mine],
                "base": [r["start"] for r in mine],
                "text": [f"{r['lot']} {r['phase']} ({r['sponsor']})" for r in mine],
                "hoverinfo": "text",
            }
        )
    return {
        "data": data,
        "layout": {
            "title": {"text": "Schedule" + (f": {sponsor}" if sponsor else "")},
            "barmode": "overlay",
            "xaxis": {"title": {"text": f"{result.get('time_unit', 'time')} from the start"}},
            "height": 200 + 24 * len({r["room"] for r in rows}),
            "margin": {"l": 140, "t": 40, "r": 10, "b": 40},
        },
    }


def load_heatmap(load: list[dict[str, Any]], key: str = "room") -> dict[str, Any] | None:
    """Utilisation per room (or per kind of room, ``key="kind"``) and month as a heat map."""
    if not load:
        return None
    rooms = sorted({row[key] for row in load})
    months = sorted({row["month"] for row in load})
    value = {(row[key], row["month"]): row["utilisation"] for row in load}
    return {
        "data": [
            {
                "type": "heatmap",
                "x": months,
                "y": rooms,
                "z": [[value.get((room, month), 0.0) for month in months] for room in rooms],
                "zmin": 0,
                "zmax": 1,
                "colorscale": "YlOrRd",
                "reversescale": True,  # plotly.js's YlOrRd runs dark to light: busy is dark
            }
        ],
        "layout": {
            "title": {
                "text": f"Utilisation per {'kind of room' if key == 'kind' else key} and month"
            },
            "height": 160 + 26 * len(rooms),
            "margin": {"l": 140, "t": 40, "r": 10, "b": 60},
        },
    }


def sweep_table(result: dict[str, Any]) -> dict[str, Any]:
    """A sweep's points: the swept values, then each result's P50 [P5–P95]."""
    parameters = list(result.get("parameters", []))
    names = list(result.get("result_units", {}))
    head = [f"{path} ({result.get('units', {}).get(path) or '–'})" for path in parameters] + [
        f"{name} ({result['result_units'][name] or '–'})" for name in names
    ]
    rows = [
        [number(point["values"][path]) for path in parameters]
        + [spread_text(point["results"][name]) for name in names]
        for point in result.get("points", [])
    ]
    return {"head": head, "rows": rows}


def sweep_band(result: dict[str, Any], name: str) -> dict[str, Any]:
    """One result's P50 with its P5–P95 band at each point (the points in grid order,
    labelled by their swept values)."""
    parameters = list(result.get("parameters", []))
    points = result.get("points", [])
    labels = [", ".join(number(point["values"][path]) for path in parameters) for point in points]
    spreads = [point["results"][name] for point in points]
    p50 = [spread.get("p50") for spread in spreads]
    upper = [
        None if s.get("p95") is None or s.get("p50") is None else s["p95"] - s["p50"]
        for s in spreads
    ]
    lower = [
        None if s.get("p5") is None or s.get("p50") is None else s["p50"] - s["p5"] for s in spreads
    ]
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": labels,
        "y": p50,
        "name": "P50",
        "error_y": {"type": "data", "symmetric": False, "array": upper, "arrayminus": lower},
    }
    return {
        "data": [trace],
        "layout": {
            "title": {"text": f"{name}: P50 and P5–P95"},
            "xaxis": {"title": {"text": ", ".join(parameters)}, "type": "category"},
            "yaxis": {"title": {"text": result.get("result_units", {}).get(name) or ""}},
            "margin": {"t": 40},
            "height": 320,
        },
    }


def run_views(kind: str, result: dict[str, Any], sponsor: str | None) -> dict[str, Any]:
    """What a run page shows for a result of ``kind``."""
    views: dict[str, Any] = {"rows": [], "charts": [], "sponsors": []}
    if kind in ("run", "monte_carlo", "report"):
        views["rows"] = headline_rows(result)
        units = result.get("monte_carlo", {}).get("units", {}) if "monte_carlo" in result else {}
        for name, bars in sorted(result.get("histograms", {}).items()):
            if name in ROWS:
                views["charts"].append(histogram(name, bars, units.get(name, "")))
    elif kind == "sensitivity":
        views["charts"] = [tornado(chart) for chart in result.get("tornado", {}).values()]
    elif kind == "sweep":
        views["table"] = sweep_table(result)
        views["charts"] = [sweep_band(result, name) for name in result.get("result_units", {})]
    elif kind in ("outlook", "network"):
        from genofab.views.web.planning_charts import network_views, outlook_views

        views |= (outlook_views if kind == "outlook" else network_views)(result)
        used = result.get("scenarios_used") or {}
        views["rows"] = [(reference, label, "") for reference, label in sorted(used.items())]
    elif kind == "schedule":
        value = result.get("objective_value")
        views["sponsors"] = sorted({r["sponsor"] for r in result.get("lots", [])})
        views["charts"] = [gantt(result, sponsor)]
        views["rows"] = [
            ("status", str(result.get("status")), ""),
            (
                "objective",
                amounts([value])(value)
                if result.get("objective") in ("margin", "profit")
                else number(value),
                str(result.get("objective_unit", "")),
            ),
        ]
    return views
