"""Gantt charts of a schedule: static (PNG, SVG via matplotlib) and interactive (one
self-contained HTML file, no network). Drawing only: every time comes from the result."""

from __future__ import annotations

import datetime as dt
import html
import io
from collections import defaultdict

from genofab.results.schedule import ScheduleResult

#: Colour-blind-safe palette (Okabe–Ito, then Tableau and darker and lighter tones): twenty
#: distinct colours, so plans of 10+ products keep one colour per product.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
    "#D55E00", "#F0E442", "#4E79A7", "#B07AA1", "#9C755F",
    "#76B7B2", "#EDC948", "#1B3A6B", "#8C6D00", "#00553F",
    "#7A3B64", "#A3D3F0", "#8A3300", "#B5B5B5", "#2F2F2F",
)  # fmt: skip
#: Colours on which a bar's label is written in black.
LIGHT = ("#F0E442", "#EDC948", "#A3D3F0", "#B5B5B5")


def calendar(result: ScheduleResult, when: float) -> str:
    """A time of the result as text: its date when the plan has a start, else the time."""
    if result.start_date is None:
        return f"{when:g} {result.time_unit}"
    days = when * (7.0 if result.time_unit == "wk" else 1.0)
    return (result.start_date + dt.timedelta(days=round(days))).isoformat()


def axis_label(result: ScheduleResult) -> str:
    """What the time axis shows."""
    if result.start_date is None:
        return f"time from the start of the horizon ({result.time_unit})"
    return f"date (the plan starts {result.start_date.isoformat()})"


def product_colours(result: ScheduleResult) -> dict[str, str]:
    """One colour per product, in order of first appearance."""
    names = list(dict.fromkeys(row.product for row in result.lots))
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def rooms_in_order(result: ScheduleResult) -> list[str]:
    """Rooms as the result lists them (groups in plan order, then by number)."""
    return [room.room for room in result.rooms]


def lanes(result: ScheduleResult) -> tuple[list[str], list[int]]:
    """Chart rows: one per room, or one per place of a room that holds several lots at once
    (bars go to the first free lane). Returns the row labels and each lot row's chart row."""
    by_room: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(result.lots):
        by_room[row.room].append(i)
    labels: list[str] = []
    position = [0] * len(result.lots)
    for room in rooms_in_order(result):
        free: list[float] = []
        for i in sorted(by_room.get(room, []), key=lambda i: result.lots[i].start):
            row = result.lots[i]
            lane = next((k for k, end in enumerate(free) if end <= row.start), len(free))
            if lane == len(free):
                free.append(row.end)
            free[lane] = row.end
            position[i] = len(labels) + lane
        count = len(free)
        labels += [f"{room} ({k + 1})" for k in range(count)] if count > 1 else [room]
    return labels, position


def room_rows(result: ScheduleResult, labels: list[str]) -> dict[str, int]:
    """First chart row of each room."""
    rows: dict[str, int] = {}
    for i, label in enumerate(labels):
        rows.setdefault(label.split(" (")[0], i)
    return rows


def gantt_figure_bytes(result: ScheduleResult, image_format: str) -> bytes:
    """The Gantt chart as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.patches import Patch

    labels, position = lanes(result)
    row = room_rows(result, labels)
    colours = product_colours(result)
    height = 1.6 + 0.3 * max(len(labels), 3)
    figure, axes = plt.subplots(figsize=(13, height), dpi=110)
    end = max([result.horizon, *(lot.end for lot in result.lots)])
    min_label = end / 60
    for shutdown in result.shutdowns:
        axes.barh(
            row[shutdown.room], shutdown.end - shutdown.start, left=shutdown.start, height=0.9,
            color="#555555", alpha=0.85,
        )  # fmt: skip
    for i, lot in enumerate(result.lots):
        y = position[i]
        width = lot.end - lot.start
        axes.barh(
            y, width, left=lot.start, height=0.72, color=colours[lot.product],
            edgecolor="white", linewidth=0.6,
        )  # fmt: skip
        if width >= min_label * len(lot.lot) / 3.0:
            axes.text(
                lot.start + width / 2, y, lot.lot, ha="center", va="center", fontsize=6.5,
                color="black" if colours[lot.product] in LIGHT else "white",
            )  # fmt: skip
    for change in result.changeover_list:
        axes.barh(
            row[change.room], change.duration, left=change.start, height=0.72,
            color="#DDDDDD", edgecolor="#888888", hatch="///", linewidth=0.4,
        )  # fmt: skip
    axes.axvline(result.horizon, color="#444444", linestyle="--", linewidth=0.8)
    axes.text(
        result.horizon, -0.9, "horizon ", fontsize=7, color="#444444", va="center", ha="right"
    )
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.set_ylim(len(labels) - 0.4, -1.2)
    axes.set_xlim(0, end * 1.02)
    axes.set_xlabel(axis_label(result))
    if result.start_date is not None:
        from matplotlib.ticker import FuncFormatter

        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: calendar(result, x)))
        axes.tick_params(axis="x", labelsize=7, labelrotation=30)
    axes.grid(axis="x", color="#EEEEEE", linewidth=0.6)
    axes.set_axisbelow(True)
    value = "–" if result.objective_value is None else f"{result.objective_value:g}"
    bound = "–" if result.bound is None else f"{result.bound:g}"
    axes.set_title(
        f"{result.plan.name}\n{result.objective} {value} {result.objective_unit}"
        f" ({result.status}; bound {bound}, gap {_gap(result)})",
        fontsize=9.5,
        loc="left",
    )
    handles = [Patch(color=colour, label=name) for name, colour in colours.items()]
    handles.append(Patch(facecolor="#DDDDDD", edgecolor="#888888", hatch="///", label="changeover"))
    if result.shutdowns:
        handles.append(Patch(color="#555555", label="shutdown"))
    axes.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8,
        frameon=False, title="product", title_fontsize=8,
    )  # fmt: skip
    figure.tight_layout()
    buffer = io.BytesIO()
    metadata = {"Software": None} if image_format == "png" else {"Date": None}
    figure.savefig(buffer, format=image_format, metadata=metadata)
    plt.close(figure)
    return buffer.getvalue()


def _gap(result: ScheduleResult) -> str:
    return "–" if result.gap is None else f"{result.gap:.1%}"


def gantt_html(result: ScheduleResult) -> str:
    """A self-contained interactive Gantt chart: hover a bar for its lot, filter by sponsor or
    product; no script or style is fetched from the network."""
    rooms, position = lanes(result)
    colours = product_colours(result)
    end = max([result.horizon, *(lot.end for lot in result.lots)]) or 1.0
    left, row_height, width = 150, 24, 1100
    scale = (width - left - 20) / end
    height = 40 + row_height * len(rooms) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        ' font-family="sans-serif" font-size="11">'
    ]
    for i, room in enumerate(rooms):
        y = 30 + i * row_height
        parts.append(
            f'<text x="{left - 6}" y="{y + 17}" text-anchor="end">{html.escape(room)}</text>'
            f'<line x1="{left}" x2="{width - 20}" y1="{y + row_height}" y2="{y + row_height}"'
            ' stroke="#eee"/>'
        )
    tick = _tick(end)
    t = 0.0
    while t <= end + 1e-9:
        x = left + t * scale
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="25" y2="{height - 28}" stroke="#f0f0f0"/>'
            f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle">'
            f"{html.escape(calendar(result, t) if result.start_date else f'{t:g}')}</text>"
        )
        t += tick
    parts.append(
        f'<text x="{left + (width - left) / 2}" y="{height - 1}" text-anchor="middle">'
        f"{html.escape(axis_label(result))}</text>"
    )
    index = room_rows(result, rooms)
    for shutdown in result.shutdowns:
        y = 30 + index[shutdown.room] * row_height + 1
        x, w = left + shutdown.start * scale, (shutdown.end - shutdown.start) * scale
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_height - 2}" fill="#555">'
            f"<title>shutdown {html.escape(calendar(result, shutdown.start))}–"
            f"{html.escape(calendar(result, shutdown.end))}</title></rect>"
        )
    for change in result.changeover_list:
        y = 30 + index[change.room] * row_height + 3
        x, w = left + change.start * scale, change.duration * scale
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}"'
            f' height="{row_height - 6}" fill="#ddd" stroke="#999"><title>changeover'
            f" {html.escape(change.after_lot)} → {html.escape(change.before_lot)}:"
            f" {change.duration:g} {html.escape(result.time_unit)}</title></rect>"
        )
    for i, lot in enumerate(result.lots):
        y = 30 + position[i] * row_height + 3
        tip = (
            f"{lot.lot} ({lot.product}, {lot.sponsor}) {lot.phase} in {lot.room}:"
            f" {calendar(result, lot.start)} – {calendar(result, lot.end)};"
            f" released {calendar(result, lot.release)}, due {calendar(result, lot.due)},"
            f" late {lot.lateness:g} {result.time_unit}"
            + ("" if lot.fed_by is None else f"; fed by {lot.fed_by}")
            + ("" if not lot.feeds else f"; feeds {', '.join(lot.feeds)}")
        )
        x, w = left + lot.start * scale, (lot.end - lot.start) * scale
        parts.append(
            f'<g class="bar" data-sponsor="{html.escape(lot.sponsor)}"'
            f' data-product="{html.escape(lot.product)}">'
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}"'
            f' height="{row_height - 6}" fill="{colours[lot.product]}" stroke="white">'
            f"<title>{html.escape(tip)}</title></rect></g>"
        )
    x = left + result.horizon * scale
    parts.append(
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="20" y2="{height - 28}" stroke="#444"'
        ' stroke-dasharray="4 3"/>'
        f'<text x="{x + 3:.1f}" y="18">horizon</text></svg>'
    )
    sponsors = sorted({lot.sponsor for lot in result.lots})
    products = list(colours)
    options = "".join(f"<option>{html.escape(s)}</option>" for s in sponsors)
    product_options = "".join(f"<option>{html.escape(p)}</option>" for p in products)
    legend = " ".join(
        f'<span style="background:{colour};color:{"black" if colour in LIGHT else "white"};'
        f'padding:1px 6px">{html.escape(name)}</span>'
        for name, colour in colours.items()
    )
    value = "–" if result.objective_value is None else f"{result.objective_value:g}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(result.plan.name)}: schedule</title>
<style>body{{font-family:sans-serif;margin:16px}} .dim{{opacity:.15}}</style></head>
<body><h2>{html.escape(result.plan.name)}</h2>
<p>{html.escape(result.objective)} {value} {html.escape(result.objective_unit)}:
{html.escape(result.status)}, bound {"–" if result.bound is None else f"{result.bound:g}"},
gap {_gap(result)}. Solver: {html.escape(result.solver)}.</p>
<p>Sponsor <select id="sponsor"><option value="">all</option>{options}</select>
Product <select id="product"><option value="">all</option>{product_options}</select>
&nbsp; {legend}</p>
{"".join(parts)}
<script>
function apply() {{
  const s = document.getElementById('sponsor').value, p = document.getElementById('product').value;
  document.querySelectorAll('g.bar').forEach(g => {{
    const on = (!s || g.dataset.sponsor === s) && (!p || g.dataset.product === p);
    g.classList.toggle('dim', !on);
  }});
}}
document.getElementById('sponsor').onchange = apply;
document.getElementById('product').onchange = apply;
</script></body></html>
"""


def _tick(end: float) -> float:
    for tick in (1, 2, 4, 5, 10, 13, 20, 26, 50, 52, 100, 200, 500):
        if end / tick <= 16:
            return float(tick)
    return float(round(end / 10))


def lots_by_room(result: ScheduleResult) -> dict[str, list[str]]:
    """Lots in each room, in time order (for tests and summaries)."""
    rooms: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for lot in result.lots:
        rooms[lot.room].append((lot.start, lot.lot))
    return {room: [name for _, name in sorted(items)] for room, items in rooms.items()}
