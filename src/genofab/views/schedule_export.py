"""CSV and Excel exports of a schedule. Text that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) is kept as text."""

from __future__ import annotations

import csv
import io
from typing import Any

from genofab.results.schedule import ScheduleResult

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

LOT_COLUMNS = (
    ("lot", "lot"),
    ("product", "product"),
    ("sponsor", "sponsor"),
    ("phase", "phase"),
    ("room", "room"),
    ("room_kind", "room kind"),
    ("start", "start [{unit}]"),
    ("end", "end [{unit}]"),
    ("release", "QC release [{unit}]"),
    ("due", "due [{unit}]"),
    ("lateness", "lateness [{unit}]"),
    ("start_date", "start date"),
    ("end_date", "end date"),
    ("release_date", "release date"),
    ("due_date", "due date"),
    ("fed_by", "fed by"),
    ("feeds", "feeds"),
)


def safe_text(value: object) -> object:
    """``value``, with text that would start a formula prefixed by a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def schedule_csv(result: ScheduleResult) -> str:
    """The schedule table: one row per phase of each lot, times in the plan's unit."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([title.format(unit=result.time_unit) for _, title in LOT_COLUMNS])
    for row in result.lots:
        writer.writerow([safe_text(_cell(getattr(row, name))) for name, _ in LOT_COLUMNS])
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return " ".join(str(item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def schedule_workbook(result: ScheduleResult) -> bytes:
    """An Excel workbook: Summary (the margin's or profit's accounts too), Schedule,
    Products, Sponsors, Rooms, Rooms needed, Deliveries (under profit), Changeovers, Campaign
    and Solver runs; numbers stay numbers, text stays text."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = book.add_format({"bold": True})
    unit = result.time_unit
    summary = [
        ("plan", result.plan.name),
        ("plan file", result.plan.file or ""),
        ("plan SHA-256", result.plan.sha256 or ""),
        ("genofab version", result.genofab_version),
        ("status", result.status),
        ("objective", result.objective),
        (f"objective value [{result.objective_unit}]", result.objective_value),
        (f"bound [{result.objective_unit}]", result.bound),
        ("gap", result.gap),
        ("solver", result.solver),
        ("schedule from", result.schedule_source),
        ("time limit [s]", result.time_limit),
        ("solve time [s]", result.seconds),
        (f"makespan [{unit}]", result.makespan),
        (f"total lateness [lot·{unit}]", result.total_lateness),
        ("on-time share", result.on_time_share),
        ("lots demanded", result.lots_demanded),
        ("lots made", result.lots_made),
        ("changeovers", result.changeovers),
        (f"changeover time [{unit}]", result.changeover_time),
    ]
    if result.margin is not None:
        currency = result.margin.currency
        summary += [
            (f"value [{currency}]", result.margin.value),
            (f"production cost [{currency}]", result.margin.production_cost),
            (f"changeover cost [{currency}]", result.margin.changeover_cost),
            (f"storage cost [{currency}]", result.margin.storage_cost),
            (f"lateness cost [{currency}]", result.margin.lateness_cost),
            (f"margin [{currency}]", result.margin.margin),
        ]
    if result.profit is not None:
        accounts = result.profit
        currency = accounts.currency
        summary += [
            (f"sales [{currency}]", accounts.sales),
            (f"production cost [{currency}]", accounts.production_cost),
            (f"changeover cost [{currency}]", accounts.changeover_cost),
            (f"storage cost [{currency}]", accounts.storage_cost),
            (f"inventory cost [{currency}]", accounts.inventory_cost),
            (f"backlog cost [{currency}]", accounts.backlog_cost),
            (f"unmet-demand cost [{currency}]", accounts.unmet_cost),
            (f"profit [{currency}]", accounts.profit),
            ("lots delivered", accounts.lots_delivered),
            ("lots consumed (feeding others)", accounts.lots_consumed),
            ("lots wasted", accounts.lots_wasted),
            (f"waste cost [{currency}]", accounts.waste_cost),
            ("lots never delivered", accounts.lots_unmet),
            ("inventory peak [lots]", accounts.inventory_peak),
            ("inventory capacity [lots]", accounts.inventory_capacity),
            (f"inventory held [lot·{unit}]", accounts.inventory_lot_time),
        ]
    summary += [("infeasible because", reason) for reason in result.infeasibility]
    _sheet(book, bold, "Summary", ["figure", "value"], summary)
    _sheet(
        book,
        bold,
        "Schedule",
        [title.format(unit=unit) for _, title in LOT_COLUMNS],
        [[_cell(getattr(row, name)) for name, _ in LOT_COLUMNS] for row in result.lots],
    )
    delivery = ["lots demanded", "lots made", "lots on time", "on-time share",
                f"total lateness [lot·{unit}]"]  # fmt: skip
    fields = ("lots_demanded", "lots_made", "lots_on_time", "on_time_share", "total_lateness")
    for title, key, rows in (
        ("Products", "product", result.products),
        ("Sponsors", "sponsor", result.sponsors),
    ):
        _sheet(
            book,
            bold,
            title,
            [key, *delivery],
            [[getattr(row, key), *(getattr(row, f) for f in fields)] for row in rows],
        )
    _sheet(
        book,
        bold,
        "Rooms",
        ["room", "kind", "lots", f"busy [{unit}]", "utilisation", "changeovers",
         f"changeover time [{unit}]"],
        [
            [r.room, r.kind, r.lots, r.busy, r.utilisation, r.changeovers, r.changeover_time]
            for r in result.rooms
        ],
    )  # fmt: skip
    _sheet(
        book,
        bold,
        "Rooms needed",
        ["rooms", "kind", "in the plan", "needed to be on time"],
        [[r.rooms, r.kind, r.count, r.needed] for r in result.rooms_needed],
    )
    if result.deliveries:
        _sheet(
            book,
            bold,
            "Deliveries",
            ["sponsor", "product", f"due [{unit}]", "due date", "lots due", "on time", "late",
             "never", "sales"],
            [
                [d.sponsor, d.product, d.due, _cell(d.due_date), d.lots_due, d.lots_on_time,
                 d.lots_late, d.lots_unmet, d.sales]
                for d in result.deliveries
            ],
        )  # fmt: skip
    _sheet(
        book,
        bold,
        "Changeovers",
        ["room", "after lot", "before lot", f"start [{unit}]", f"duration [{unit}]", "cost"],
        [
            [c.room, c.after_lot, c.before_lot, c.start, c.duration, c.cost]
            for c in result.changeover_list
        ],
    )
    _sheet(
        book,
        bold,
        "Campaign",
        ["room", "product", "period (13 wk)", "lots"],
        [[c.room, c.product, c.period, c.lots] for c in result.campaign],
    )
    _sheet(
        book,
        bold,
        "Solver runs",
        ["model", "status", "objective", "bound", "seconds", "time limit [s]", "variables"],
        [
            [r.model, r.status, r.objective, r.bound, r.seconds, r.time_limit, r.variables]
            for r in result.runs
        ],
    )
    book.close()
    return buffer.getvalue()


def _sheet(book: Any, bold: Any, name: str, header: list[str], rows: Any) -> None:
    sheet = book.add_worksheet(name)
    for column, title in enumerate(header):
        sheet.write_string(0, column, str(safe_text(title)), bold)
    widths = [len(title) for title in header]
    for r, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None:
                sheet.write_blank(r, column, None)
            elif isinstance(value, bool):
                sheet.write_boolean(r, column, value)
            elif isinstance(value, int | float):
                sheet.write_number(r, column, value)
            else:
                text = str(safe_text(value))
                sheet.write_string(r, column, text)
                widths[column] = max(widths[column], min(len(text), 60))
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width + 2)
    sheet.freeze_panes(1, 0)
