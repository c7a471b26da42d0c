"""The report workbook (xlsxwriter): run, headline, inputs, assumptions, mass balance,
capacity, costs, cost by step, fair price and the economies-of-scale curve.

Numbers are stored as numbers with units in the headers; text is always written as text, so
a name or source beginning with =, +, - or @ can never become a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from genofab.results.run import RunResult
from genofab.results.scale import ScaleResult
from genofab.views.headline import HeadlineRow
from genofab.views.labels import pretty_unit

Cell = str | float | int | None


def write_workbook(
    path: Path,
    run: RunResult,
    curve: ScaleResult | None,
    generated: str,
    headline: Sequence[HeadlineRow],
    uncertainty: Any = None,
    extra: dict[str, tuple[list[str], list[list[Any]]]] | None = None,
) -> None:
    """Write the report workbook to ``path`` (``extra``: more sheets, after the others)."""
    sheets = _sheets(run, curve, generated, headline)
    if uncertainty is not None:
        sheets.update(uncertainty_sheets(uncertainty))
    sheets.update(extra or {})
    write_sheets(path, sheets)


def write_sheets(path: Path, sheets: dict[str, tuple[list[str], list[list[Any]]]]) -> None:
    """Write a workbook of sheets, each a header and rows: numbers as numbers, text as text,
    the header bold and frozen, columns as wide as their contents (up to 70)."""
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        bold = book.add_format({"bold": True, "bg_color": "#f0f0f0", "border": 1})
        for name, (header, rows) in sheets.items():
            sheet = book.add_worksheet(name)
            for column, title in enumerate(header):
                sheet.write_string(0, column, title, bold)
            for r, row in enumerate(rows, start=1):
                for column, value in enumerate(row):
                    _write(sheet, r, column, value)
            widths = [
                max([len(str(h))] + [len(str(row[c])) for row in rows if c < len(row)])
                for c, h in enumerate(header)
            ]
            for column, width in enumerate(widths):
                sheet.set_column(column, column, min(max(width + 2, 8), 70))
            sheet.freeze_panes(1, 0)


def _write(sheet: Any, row: int, column: int, value: Cell) -> None:
    if value is None:
        sheet.write_blank(row, column, None)
    elif isinstance(value, str):
        sheet.write_string(row, column, value)
    else:
        sheet.write_number(row, column, float(value))


def _sheets(
    run: RunResult, curve: ScaleResult | None, generated: str, headline: Sequence[HeadlineRow]
) -> dict[str, tuple[list[str], list[list[Any]]]]:
    lot, capacity, economics = run.lot, run.capacity, run.economics
    unit = lot.product_unit
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {
        "Run": (
            ["item", "value"],
            [
                ["scenario", run.scenario.name],
                ["file", run.scenario.file],
                ["sha256", run.scenario.sha256],
                ["genofab version", run.genofab_version],
                ["generated", generated],
            ],
        ),
        "Headline": (
            ["figure", "value", "unit", "key"],
            [[row.label, row.value, row.unit, row.key] for row in headline],
        ),
        "Inputs": (
            ["parameter", "as given", "value", "unit", "source"],
            [
                [row.path, row.given, row.value, pretty_unit(row.unit), row.source]
                for row in run.inputs
            ],
        ),
        "Assumptions": (
            ["parameter", "as given", "reason"],
            [
                [row.path, row.given, row.source]
                for row in run.inputs
                if row.source and row.source.startswith("assumption")
            ],
        ),
        "Mass balance": (
            [
                "#",
                "step",
                "kind",
                "room",
                "duration [d]",
                "step yield",
                f"amount [{unit}]",
                "volume [L]",
                f"concentration [{unit}/mL]",
                "recovery",
            ],
            [
                [
                    s.index,
                    s.name,
                    s.kind,
                    s.room,
                    s.duration_days,
                    s.step_yield,
                    s.amount,
                    s.volume_l,
                    s.concentration_per_ml,
                    s.recovery,
                ]
                for s in lot.steps
            ],
        ),
        "Capacity": (
            [
                "room",
                "rooms",
                "lots at once",
                "occupancy [d]",
                "changeover [d]",
                "cycle [d]",
                "lots per room per year",
                "lots per year",
                "use at capacity",
                "use at demand",
                "rooms needed",
            ],
            [
                [
                    r.kind,
                    r.count,
                    r.concurrent_lots,
                    r.occupancy_days,
                    r.changeover_days,
                    r.cycle_days,
                    r.lots_per_room_year,
                    r.lots_per_year,
                    r.utilisation_at_capacity,
                    r.utilisation_at_demand,
                    r.rooms_needed,
                ]
                for r in capacity.rooms
            ],
        ),
    }
    if economics is not None:
        money = economics.currency
        lines = [
            [name, line.annual, line.per_lot, line.per_dose, line.per_patient]
            for name, line in economics.cost_breakdown.items()
        ]
        lines += [
            [f"cause: {name}", line.annual, line.per_lot, line.per_dose, line.per_patient]
            for name, line in economics.cost_by_cause.items()
            if name != "total"
        ]
        sheets["Costs"] = (
            [f"line [{money}]", "per year", "per lot", "per dose", "per patient"],
            lines,
        )
        sheets["Cost by step"] = (
            ["step", "room", f"per lot [{money}]"],
            [
                *[[s.name, s.room, s.per_lot] for s in economics.cost_by_step],
                ["site-wide", None, economics.site_cost_per_lot],
            ],
        )
        from genofab.views.reports.costing_report import costing_sheets, input_units

        sheets.update(costing_sheets(economics, input_units(run.inputs), unit))
        if economics.fair_price is not None:
            fair = economics.fair_price
            sheets["Fair price"] = (
                ["component", f"per patient [{money}]"],
                [
                    *[[name, amount] for name, amount in fair.components.items()],
                    ["fair price", fair.total],
                    ["list price", fair.list_price],
                ],
            )
    if curve is not None:
        sheets["Scale"] = (
            [
                "patients per year",
                "status",
                "lots started",
                "doses delivered",
                f"cost per dose [{curve.currency}]",
                *[
                    f"per dose: {name}"
                    for name in ("doses_delivered", "surplus_doses", "failed_lots", "idle_capacity")
                ],
            ],
            [
                [
                    p.value,
                    p.status,
                    p.lots_started_per_year,
                    p.doses_delivered_per_year,
                    p.cost_per_dose,
                    *[
                        (p.per_dose_by_cause or {}).get(name)
                        for name in (
                            "doses_delivered",
                            "surplus_doses",
                            "failed_lots",
                            "idle_capacity",
                        )
                    ],
                ]
                for p in curve.points
            ],
        )
    return sheets


def uncertainty_sheets(uncertainty: Any) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The Monte Carlo: its settings, uncertain inputs, spreads, distributions and tornado."""
    from genofab.views.uncertainty_tables import describe

    mc = uncertainty.spread
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {
        "Monte Carlo": (
            ["item", "value"],
            [
                ["samples", mc.samples],
                ["seed", mc.seed],
                ["block size", mc.block_size],
                ["feasible samples", mc.feasible_samples],
                ["probability of meeting demand", mc.probability_of_meeting_demand],
                *[[f"infeasible: {reason}", count] for reason, count in mc.infeasible.items()],
                *[[f"bottleneck: {k}", share] for k, share in mc.bottleneck_probability.items()],
                ["quantiles", mc.quantile_method],
            ],
        ),
        "Uncertain inputs": (
            ["parameter", "value", "unit", "distribution", "source"],
            [
                [item.path, item.value, pretty_unit(item.unit), describe(item), item.source]
                for item in mc.uncertain_inputs
            ]
            + [
                [" ~ ".join(c.between), c.rank, "", "rank correlation", c.source]
                for c in mc.correlations
            ],
        ),
        "Spread": (
            [
                "result",
                "unit",
                "deterministic",
                "mean",
                "sd",
                "P5",
                "P50",
                "P95",
                "min",
                "max",
                "samples",
            ],
            [
                [
                    name,
                    mc.units.get(name, ""),
                    s.value,
                    s.mean,
                    s.sd,
                    s.p5,
                    s.p50,
                    s.p95,
                    s.min,
                    s.max,
                    s.samples,
                ]
                for name, s in mc.results.items()
            ],
        ),
        "Distributions": (
            ["result", "from", "to", "samples"],
            [
                [name, low, high, count]
                for name in uncertainty.drawn
                for low, high, count in zip(
                    mc.distributions[name].low,
                    mc.distributions[name].high,
                    mc.distributions[name].count,
                    strict=True,
                )
            ],
        ),
    }
    if uncertainty.tornado is not None:
        tornado = uncertainty.tornado
        sheets["Tornado"] = (
            [
                "parameter",
                "unit",
                "P10",
                "P90",
                f"{tornado.result} at P10",
                f"{tornado.result} at P90",
                "swing",
            ],
            [
                [
                    bar.path,
                    pretty_unit(bar.unit),
                    bar.low_input,
                    bar.high_input,
                    bar.at_low,
                    bar.at_high,
                    bar.swing,
                ]
                for bar in tornado.bars
            ],
        )
    return sheets
