"""Rich tables for runs and comparisons. Formatting only: every number comes from a result."""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table
from rich.text import Text

from genofab.results.capacity import CapacityResult
from genofab.results.compare import ComparisonResult
from genofab.results.economics import EconomicsResult
from genofab.results.run import RunResult
from genofab.results.scale import ScaleResult


def number(value: float | int | str | None, digits: int = 3) -> str:
    """Readable number: whole counts with separators, others to ``digits`` significant digits,
    very large or very small values in scientific form."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    size = abs(value)
    if float(value).is_integer() and size < 1e9:
        return f"{int(value):,}"
    if size >= 1e9 or (size < 1e-3 and size != 0):
        return f"{value:.{digits - 1}e}"
    if size >= 10 ** (digits - 1):
        return f"{round(value, digits - 1 - math.floor(math.log10(size))):,.0f}"
    return f"{value:.{digits}g}"


def make_console() -> Console:
    """A console for stdout; wide enough for the tables when output goes to a file or a pipe."""
    console = Console(markup=False)  # names from scenario files are shown as written
    return console if console.is_terminal else Console(markup=False, width=140)


def render_run(run: RunResult, console: Console, *, inputs: bool = True) -> None:
    """Inputs with sources, mass balance, per-lot results, capacity and the bottleneck."""
    lot, capacity, unit = run.lot, run.capacity, run.lot.product_unit
    console.print(Text(run.scenario.name, style="bold"))
    if run.scenario.file:
        console.print(
            Text(
                f"{run.scenario.file}  sha256 {run.scenario.sha256}  genofab {run.genofab_version}",
                style="dim",
            )
        )
    if inputs:
        table = Table(title="Inputs", title_justify="left", show_lines=False)
        for column in ("parameter", "as given", "value", "source"):
            table.add_column(column, overflow="fold")
        for row in run.inputs:
            table.add_row(
                row.path,
                row.given,
                f"{number(row.value)} {row.unit}".strip(),
                Text(row.source or "no source", style="" if row.source else "red"),
            )
        console.print(table)

    balance = Table(title=f"Mass balance of one lot ({unit})", title_justify="left")
    for column in (
        "#",
        "step",
        "kind",
        "room",
        "days",
        "yield",
        f"{unit} after",
        "L after",
        f"{unit}/mL",
        "recovery",
    ):
        balance.add_column(
            column, justify="left" if column in {"step", "kind", "room"} else "right"
        )
    for step in lot.steps:
        balance.add_row(
            str(step.index),
            step.name,
            step.kind,
            step.room,
            number(step.duration_days),
            number(step.step_yield),
            number(step.amount),
            number(step.volume_l),
            number(step.concentration_per_ml),
            _percent(step.recovery),
        )
    console.print(balance)

    per_lot = Table(title="One lot", title_justify="left", show_header=False)
    per_lot.add_column("figure")
    per_lot.add_column("value", justify="right")
    container = lot.container
    for label, value in (
        (f"{unit} made (harvest)", number(lot.amount_made)),
        (
            "bulk drug product",
            f"{number(lot.drug_product_volume_l)} L at "
            f"{number(lot.drug_product_concentration_per_ml)} {unit}/mL",
        ),
        (
            f"{container}s filled / taken by QC / released",
            f"{lot.vials_filled} / {lot.qc_sample_vials} / {lot.vials_per_lot}",
        ),
        (f"{unit} per {container} ({number(lot.fill_volume_ml)} mL)", number(lot.amount_per_vial)),
        (f"{unit} per dose", number(lot.dose_amount)),
        (
            "doses from one container"
            if lot.doses_per_vial is not None
            else "containers per dose"
            if lot.vials_per_dose is not None
            else "containers",
            number(
                lot.doses_per_vial
                if lot.doses_per_vial is not None
                else lot.vials_per_dose
                if lot.vials_per_dose is not None
                else "pooled: divided at will"
            ),
        ),
        ("doses per lot", number(lot.doses_per_lot)),
        ("patients per lot", number(lot.patients_per_lot)),
        ("overall yield (released ÷ made)", _percent(lot.overall_yield)),
        ("lot duration, first step to release", f"{number(lot.lot_duration_days)} d"),
    ):
        per_lot.add_row(label, value)
    console.print(per_lot)

    rooms = Table(
        title=f"Capacity ({number(capacity.operating_days_per_year)} operating days a year)",
        title_justify="left",
    )
    for column in (
        "room",
        "rooms",
        "lots at once",
        "occupancy d",
        "changeover d",
        "cycle d",
        "lots/room/yr",
        "lots/yr",
        "use at capacity",
        "use at demand",
        "rooms needed",
    ):
        rooms.add_column(column, justify="left" if column == "room" else "right")
    for room in capacity.rooms:
        marker = " ◀ bottleneck" if room.kind == capacity.bottleneck_room else ""
        rooms.add_row(
            room.kind + marker,
            str(room.count),
            str(room.concurrent_lots),
            number(room.occupancy_days),
            number(room.changeover_days),
            number(room.cycle_days),
            str(room.lots_per_room_year),
            str(room.lots_per_year),
            _percent(room.utilisation_at_capacity),
            _percent(room.utilisation_at_demand),
            number(room.rooms_needed),
        )
    console.print(rooms)
    if capacity.unused_rooms:
        console.print(
            Text(f"rooms no step uses: {', '.join(capacity.unused_rooms)}", style="yellow")
        )

    summary = Table(title="Facility", title_justify="left", show_header=False)
    summary.add_column("figure")
    summary.add_column("value", justify="right")
    summary.add_row("bottleneck room", capacity.bottleneck_room)
    suite = capacity.room(lot.production_room)
    summary.add_row(
        f"{suite.kind}: occupancy + changeover",
        f"{number(suite.occupancy_days)} + {number(suite.changeover_days)} d per lot",
    )
    summary.add_row("lots per year", number(capacity.lots_per_year))
    summary.add_row("patients per year", number(capacity.patients_per_year))
    add_failure_rows(summary, capacity)
    if capacity.cohort_patients is not None:
        summary.add_row(
            f"lots for {capacity.cohort_patients} patients", number(capacity.lots_for_cohort)
        )
        summary.add_row("years to treat the cohort", number(capacity.years_to_treat_cohort))
    if capacity.demand_patients_per_year is not None:
        summary.add_row(
            f"lots needed for {number(capacity.demand_patients_per_year)} patients/yr",
            number(capacity.lots_needed_per_year),
        )
        summary.add_row("demand met", "yes" if capacity.meets_demand else "no")
    console.print(summary)
    if run.economics is not None:
        render_economics(run.economics, console)


def add_failure_rows(summary: Table, capacity: CapacityResult) -> None:
    """Good lots and patients after lot failures (expected), and an autologous patient's wait
    for a new lot, when lots fail."""
    if capacity.lot_failure_probability <= 0:
        return
    summary.add_row(
        f"good lots per year ({_percent(capacity.lot_failure_probability)} fail)",
        number(capacity.good_lots_per_year),
    )
    summary.add_row(
        "patients per year after failures", number(capacity.patients_per_year_after_failures)
    )
    if capacity.collections_per_patient > 0:
        summary.add_row("collections per patient", number(capacity.collections_per_patient))
    if capacity.remake_delay_days > 0:
        summary.add_row(
            "expected wait for a new collection and lot", f"{number(capacity.remake_delay_days)} d"
        )


def render_economics(economics: EconomicsResult, console: Console) -> None:
    """Cost of goods by category and by cause, cost per lot by step, capital, fair price."""
    money = economics.currency
    costs = Table(
        title=f"Cost of goods ({money}), {number(economics.lots_started_per_year)} lots"
        f" started, {number(economics.doses_delivered_per_year)} doses delivered a year",
        title_justify="left",
    )
    for column in ("category", "per year", "per lot", "per dose", "per patient", "share"):
        costs.add_column(column, justify="left" if column == "category" else "right")
    total = economics.cost_breakdown["total"].annual
    for title, lines in (("", economics.cost_breakdown), ("cause: ", economics.cost_by_cause)):
        if title:
            costs.add_section()
        for name, line in lines.items():
            if title and name == "total":
                continue
            costs.add_row(
                title + name.replace("_", " "),
                number(line.annual),
                number(line.per_lot),
                number(line.per_dose),
                number(line.per_patient),
                _percent(line.annual / total if total else None),
                style="bold" if name == "total" else "",
            )
    console.print(costs)

    steps = Table(
        title=f"Cost of one lot by step ({money}: materials, QC and room time)",
        title_justify="left",
    )
    steps.add_column("step")
    steps.add_column("room")
    steps.add_column("per lot", justify="right")
    for step in economics.cost_by_step:
        steps.add_row(step.name, step.room, number(step.per_lot))
    steps.add_row(
        "site-wide (rooms no step holds, QA, support, overhead)",
        "",
        number(economics.site_cost_per_lot),
    )
    console.print(steps)

    facts = Table(title="Capital and running cost", title_justify="left", show_header=False)
    facts.add_column("figure")
    facts.add_column("value", justify="right")
    facts.add_row(
        f"capital ({money}): building / equipment",
        f"{number(economics.capital['building'])} / {number(economics.capital['equipment'])}",
    )
    facts.add_row(f"depreciation a year ({money})", number(economics.depreciation_per_year))
    facts.add_row(f"running cost per lot ({money})", number(economics.running_cost_per_lot))
    facts.add_row(f"depreciation per lot ({money})", number(economics.depreciation_per_lot))
    facts.add_row("staff (FTE)", number(economics.staff_fte))
    facts.add_row("lot failure probability", _percent(economics.lot_failure_probability))
    console.print(facts)

    if economics.fair_price is not None:
        price = Table(title=f"Fair price per patient ({money}, cost-plus)", title_justify="left")
        price.add_column("component")
        price.add_column(money, justify="right")
        price.add_column("share", justify="right")
        fair = economics.fair_price
        for name, amount in fair.components.items():
            price.add_row(name.replace("_", " "), number(amount), _percent(amount / fair.total))
        price.add_row("fair price", number(fair.total), "100.0%", style="bold")
        if fair.list_price is not None:
            price.add_row(
                "list price", number(fair.list_price), f"{number(fair.list_to_fair_ratio)}× fair"
            )
        console.print(price)


def render_scale(sweep: ScaleResult, console: Console) -> None:
    """Cost per dose along a sweep of one parameter."""
    money = sweep.currency or ""
    table = Table(
        title=f"Economies of scale: {sweep.path} ({sweep.unit or 'number'})", title_justify="left"
    )
    kinds = list(sweep.points[0].rooms) if sweep.points else []
    varying = [kind for kind in kinds if len({p.rooms[kind] for p in sweep.points}) > 1]
    columns = [
        "value",
        "patients/lot",
        "lots/yr",
        "lots started",
        *[f"{k} rooms" for k in varying],
        "doses delivered",
        f"{money}/dose",
        "failed",
        "idle",
        "surplus",
    ]
    for column in columns:
        table.add_column(column, justify="right")
    for point in sweep.points:
        cause = point.per_dose_by_cause or {}
        shares = [
            _percent(cause[name] / point.cost_per_dose)
            if point.cost_per_dose and name in cause
            else "–"
            for name in ("failed_lots", "idle_capacity", "surplus_doses")
        ]
        table.add_row(
            number(point.value),
            number(point.patients_per_lot),
            number(point.lots_per_year),
            number(point.lots_started_per_year),
            *[str(point.rooms[k]) for k in varying],
            number(point.doses_delivered_per_year),
            number(point.cost_per_dose) if point.status == "ok" else point.status,
            *shares,
        )
    console.print(table)


def render_comparison(comparison: ComparisonResult, console: Console) -> None:
    """A and B side by side with B ÷ A."""
    table = Table(title="Comparison", title_justify="left")
    table.add_column("figure")
    table.add_column("unit")
    table.add_column("A", justify="right")
    table.add_column("B", justify="right")
    table.add_column("B ÷ A", justify="right")
    for row in comparison.rows:
        table.add_row(
            row.metric,
            row.unit,
            number(row.a),
            number(row.b),
            "–" if row.ratio is None else f"{row.ratio:.3g}×",
        )
    console.print(
        Text(f"A: {comparison.a.name}" + (f" ({comparison.a.file})" if comparison.a.file else ""))
    )
    console.print(
        Text(f"B: {comparison.b.name}" + (f" ({comparison.b.file})" if comparison.b.file else ""))
    )
    console.print(table)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"
