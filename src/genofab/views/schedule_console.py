"""Rich tables of a schedule. Formatting only: every number comes from the result."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from genofab.results.schedule import ScheduleResult
from genofab.views.console import amounts, number

#: Lot rows shown in the console before the table is cut (the files hold them all).
MAX_ROWS = 80


def render_schedule(result: ScheduleResult, console: Console) -> None:
    """Headline (status, objective, bound, gap), lots, deliveries and rooms."""
    console.print(Text(result.plan.name, style="bold"))
    if result.plan.file:
        where = f"{result.plan.file}  sha256 {result.plan.sha256}"
        console.print(Text(f"{where}  genofab {result.genofab_version}", style="dim"))
    money = result.objective in ("margin", "profit")
    shown = amounts((result.objective_value, result.bound)) if money else number
    value = shown(result.objective_value)
    head = Table(title="Schedule", title_justify="left", show_header=False)
    head.add_column("figure")
    head.add_column("value", overflow="fold")
    style = {"optimal": "green", "feasible": "yellow", "partial": "yellow"}.get(
        result.status, "red"
    )
    head.add_row("status", Text(result.status, style=style))
    head.add_row("objective", f"{result.objective} = {value} {result.objective_unit}")
    head.add_row("bound", f"{shown(result.bound)} {result.objective_unit}")
    head.add_row("gap", "–" if result.gap is None else f"{result.gap:.2%}")
    head.add_row("solver", result.solver)
    head.add_row("schedule from", result.schedule_source or "–")
    head.add_row("time", f"{result.seconds:.2f} s of {number(result.time_limit)} s")
    for reason in result.infeasibility:
        head.add_row(Text("infeasible", style="red"), reason)
    for note in result.grid_notes:
        head.add_row(Text("time grid", style="yellow"), note)
    if result.makespan is not None:
        unit = result.time_unit
        head.add_row("makespan", f"{number(result.makespan)} {unit}")
        head.add_row("total lateness", f"{number(result.total_lateness)} lot·{unit}")
        head.add_row("on time", f"{result.on_time_share or 0:.0%} of lots made")
        head.add_row("lots", f"{result.lots_made} made of {result.lots_demanded} demanded")
        head.add_row(
            "changeovers", f"{result.changeovers}, {number(result.changeover_time)} {unit}"
        )
    if result.margin is not None and result.objective == "margin":
        margin = result.margin.margin
        head.add_row("margin", f"{amounts((margin,))(margin)} {result.margin.currency}")
    console.print(head)
    if result.profit is not None:
        render_profit(result, console)
    if result.left_out:
        render_left_out(result, console)
    if not result.lots:
        return
    unit = result.time_unit
    lots = Table(title=f"Lots (times in {unit} from the start)", title_justify="left")
    for column in ("lot", "product", "sponsor", "phase", "room", "start", "end", "release",
                   "due", "late"):  # fmt: skip
        lots.add_column(column, justify="right" if column in {"start", "end"} else "left")
    for row in result.lots[:MAX_ROWS]:
        lots.add_row(
            row.lot, row.product, row.sponsor, row.phase, row.room, number(row.start),
            number(row.end), number(row.release), number(row.due),
            Text(number(row.lateness), style="red" if row.lateness > 0 else ""),
        )  # fmt: skip
    console.print(lots)
    if len(result.lots) > MAX_ROWS:
        console.print(Text(f"… {len(result.lots) - MAX_ROWS} more rows: use -o DIR", style="dim"))
    render_stages(result, console)
    for title, rows in (("product", result.products), ("sponsor", result.sponsors)):
        deliveries = Table(title=f"Deliveries by {title}", title_justify="left")
        for column in (title, "demanded", "made", "on time", f"lateness (lot·{unit})"):
            deliveries.add_column(column)
        for d in rows:
            deliveries.add_row(
                getattr(d, title), str(d.lots_demanded), str(d.lots_made),
                f"{d.on_time_share:.0%}", number(d.total_lateness),
            )  # fmt: skip
        console.print(deliveries)
    if result.robustness is not None:
        render_robustness(result, console)
    rooms = Table(
        title=f"Rooms (bottleneck at the demand: {result.bottleneck_room})", title_justify="left"
    )
    for column in ("room", "lots", f"busy ({unit})", "utilisation", "changeovers"):
        rooms.add_column(column)
    for r in result.rooms:
        rooms.add_row(
            r.room, str(r.lots), number(r.busy), f"{r.utilisation:.0%}", str(r.changeovers)
        )
    console.print(rooms)
    if result.rooms_needed:
        render_rooms_needed(result, console)


def render_rooms_needed(result: ScheduleResult, console: Console) -> None:
    """Rooms each group would need for every lot to be on time, and how that was found."""
    table = Table(title="Rooms needed to be on time (heuristic)", title_justify="left")
    for column in ("rooms", "kind", "in the plan", "needed"):
        table.add_column(column)
    for need in result.rooms_needed:
        needed = "not found" if need.needed is None else str(need.needed)
        style = "yellow" if need.needed is not None and need.needed > need.count else ""
        table.add_row(need.rooms, need.kind, str(need.count), Text(needed, style=style))
    console.print(table)
    if result.unavoidable_lateness:
        console.print(
            Text(
                f"{number(result.unavoidable_lateness)} lot·{result.time_unit} of lateness"
                " remain with any rooms: lots whose recipe alone (after a room's startup and"
                " the lot feeding them) ends after their due date",
                style="dim",
            )
        )
    console.print(Text(result.rooms_needed_method, style="dim"))


def render_stages(result: ScheduleResult, console: Console) -> None:
    """A conversion between stages (``made_from``): which lot feeds which, one row per lot
    that feeds others, with when it is released (and, under profit, consumed)."""
    feeders = {row.lot: row for row in result.lots if row.feeds}
    if not feeders:
        return
    profit = result.profit is not None
    table = Table(
        title=f"Stage conversion (times in {result.time_unit} from the start)",
        title_justify="left",
    )
    for column in ("lot", "released", *(("consumed",) if profit else ()), "feeds"):
        table.add_column(column, overflow="fold")
    for name, row in feeders.items():
        consumed = (number(row.consumed),) if profit else ()
        table.add_row(name, number(row.release), *consumed, ", ".join(row.feeds))
    console.print(table)


def render_profit(result: ScheduleResult, console: Console) -> None:
    """The profit's accounts, and each demand's lots at each due date."""
    profit = result.profit
    assert profit is not None
    unit = result.time_unit
    money = profit.currency
    table = Table(title=f"Profit ({money})", title_justify="left", show_header=False)
    table.add_column("line")
    table.add_column("amount", justify="right")
    lines = (
        ("sales at delivery", profit.sales),
        ("− production", profit.production_cost),
        ("− changeovers", profit.changeover_cost),
        ("− storage between phases", profit.storage_cost),
        ("− inventory of finished lots", profit.inventory_cost),
        ("− backlog (late lots)", profit.backlog_cost),
        ("− demand never met", profit.unmet_cost),
    )
    show = amounts([amount for _, amount in lines] + [profit.profit, profit.waste_cost])
    for name, amount in lines:
        table.add_row(name, show(amount))
    table.add_row(Text("profit", style="bold"), Text(show(profit.profit), style="bold"))
    capacity = "no limit" if profit.inventory_capacity is None else str(profit.inventory_capacity)
    if profit.product_capacities:
        own = ", ".join(f"{name} {lots}" for name, lots in profit.product_capacities.items())
        capacity += f"; per product: {own}"
    consumed = (
        f"{profit.lots_consumed} consumed by the lots they feed, " if profit.lots_consumed else ""
    )
    table.add_row(
        "finished lots",
        f"{profit.lots_delivered} delivered, {consumed}{profit.lots_wasted} wasted"
        f" ({show(profit.waste_cost)}), {profit.lots_unmet} demanded never delivered",
    )
    table.add_row(
        "inventory",
        f"at most {profit.inventory_peak} lots at once (capacity {capacity}),"
        f" {number(profit.inventory_lot_time)} lot·{unit} in all",
    )
    console.print(table)
    dated = Table(title="Deliveries by due date", title_justify="left")
    for column in ("sponsor", "product", "due", "lots", "on time", "late", "never", "sales"):
        dated.add_column(column)
    sales = amounts(row.sales for row in result.deliveries)
    for row in result.deliveries[:MAX_ROWS]:
        due = row.due_date.isoformat() if row.due_date else f"{number(row.due)} {unit}"
        dated.add_row(
            row.sponsor, row.product, due, str(row.lots_due), str(row.lots_on_time),
            str(row.lots_late), str(row.lots_unmet), sales(row.sales),
        )  # fmt: skip
    console.print(dated)


def render_left_out(result: ScheduleResult, console: Console) -> None:
    """Lots the schedule does not make, each with its reason."""
    table = Table(title=f"Lots left out ({len(result.left_out)})", title_justify="left")
    for column in ("lot", "sponsor", "due", "reason"):
        table.add_column(column, overflow="fold")
    for row in result.left_out[:MAX_ROWS]:
        due = row.due_date.isoformat() if row.due_date else f"{number(row.due)} {result.time_unit}"
        table.add_row(row.lot, row.sponsor, due, row.reason)
    console.print(table)


def render_robustness(result: ScheduleResult, console: Console) -> None:
    """The Monte Carlo of the schedule as a fixed plan: spreads and each sponsor's chances."""
    study = result.robustness
    assert study is not None
    unit = result.time_unit
    table = Table(
        title=f"Monte Carlo of the plan ({study.replications:,} replications, seed {study.seed},"
        f" {study.seconds:.2f} s)",
        title_justify="left",
    )
    for column in ("figure", "mean", "P5", "P50", "P95"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    rows = [("lots released per year", study.lots_per_year)]
    rows.append((f"total lateness (lot·{unit})", study.total_lateness))
    rows += [(f"lots of {p.product} released", p.lots_released) for p in study.products]
    for name, spread in rows:
        table.add_row(
            name, number(spread.mean), number(spread.p5), number(spread.p50), number(spread.p95)
        )
    console.print(table)
    sponsors = Table(title="Chance each sponsor gets every lot", title_justify="left")
    for column in ("sponsor", "on time", "within the horizon"):
        sponsors.add_column(column)
    for s in study.sponsors:
        sponsors.add_row(s.sponsor, f"{s.p_all_on_time:.1%}", f"{s.p_all_within_horizon:.1%}")
    console.print(sponsors)
