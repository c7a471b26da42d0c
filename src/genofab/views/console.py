"""Rich tables for runs and comparisons. Formatting only: every number comes from a result."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable

from rich.console import Console
from rich.text import Text

from genofab.results.capacity import CapacityResult
from genofab.results.compare import ComparisonResult
from genofab.results.economics import EconomicsResult
from genofab.results.run import RunResult
from genofab.results.scale import ScaleResult
from genofab.views.headline import headline
from genofab.views.labels import display_unit, label
from genofab.views.tables import Grid, print_grid


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


def amounts(values: Iterable[float | None]) -> Callable[[float | None], str]:
    """A formatter of money for a set of amounts read together (a ledger's lines, whose sum
    must show): whole units with separators when the largest is 1,000 or more, otherwise to
    the hundredth, so that no line is rounded to significant digits a total does not have."""
    largest = max((abs(v) for v in values if v is not None), default=0.0)
    decimals = 0 if largest >= 1000 else 2

    def show(value: float | None) -> str:
        if value is None:
            return "–"
        if abs(value) < 0.5 * 10.0**-decimals:
            value = 0.0  # never "-0"
        return f"{value:,.{decimals}f}"

    return show


#: Width of output to a file or a pipe when COLUMNS does not say.
PIPE_WIDTH = 100


def make_console() -> Console:
    """A console for stdout, as wide as ``COLUMNS`` says, else as the terminal, else
    :data:`PIPE_WIDTH` (output to a file or a pipe)."""
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() and int(columns) > 0 else None
    console = Console(markup=False, width=width)  # names from files are shown as written
    if width is None and not console.is_terminal:
        return Console(markup=False, width=PIPE_WIDTH)
    return console


#: A part of a run's console output; :data:`RUN_SECTIONS` lists them in order.
Section = Callable[[RunResult, Console], None]


def render_run(run: RunResult, console: Console, *, inputs: bool = False) -> None:
    """The headline first, then (with ``inputs``) the inputs and their sources, then the
    chain of reasoning: mass balance, one lot, capacity, cost of goods, fair price."""
    for section in run_sections(inputs):
        section(run, console)


def run_sections(inputs: bool = False) -> list[Section]:
    """The sections of ``genofab run``, in order (add a section here to show more)."""
    return [
        title_section,
        headline_section,
        *([inputs_section] if inputs else []),
        mass_balance_section,
        lot_section,
        capacity_section,
        facility_section,
        economics_section,
        costing_section,
    ]


def title_section(run: RunResult, console: Console) -> None:
    """The scenario's name, file, hash and the genofab version."""
    console.print(Text(run.scenario.name, style="bold"))
    if run.scenario.file:
        console.print(Text(f"{run.scenario.file}  sha256 {run.scenario.sha256}", style="dim"))
    console.print(Text(f"genofab {run.genofab_version}", style="dim"))


def headline_section(run: RunResult, console: Console) -> None:
    """The figures that matter most, each with its unit."""
    grid = Grid("Headline", ("figure", "value"), show_header=False)
    for row in headline(run):
        shown = number(row.value)
        grid.add(row.label, f"{shown} {row.unit}".rstrip() if row.unit else shown)
    print_grid(console, grid)
    uncertain = sum(1 for row in run.inputs if row.uncertain)
    if uncertain:
        console.print(
            Text(
                f"Deterministic, at the most likely values: {uncertain} inputs are uncertain;"
                " --samples 10000 gives the spread of each figure.",
                style="dim",
            )
        )


def inputs_section(run: RunResult, console: Console) -> None:
    """Each input as written, and its source."""
    grid = Grid("Inputs", ("parameter", "as given", "source"), labels=3)
    for row in run.inputs:
        grid.add(
            row.path,
            as_written(row.given, row.value, row.unit),
            Text(row.source or "no source", style="" if row.source else "red"),
        )
    print_grid(console, grid)


def as_written(given: str, value: float, unit: str) -> str:
    """An input in the unit its file used, its number made readable (``3000000.0 cells/kg``
    → ``3,000,000 cells/kg``)."""
    shown = display_unit(value, unit, given)
    amount = shown.show(value)
    return f"{number(amount)} {shown.unit}".rstrip()


def mass_balance_section(run: RunResult, console: Console) -> None:
    """Amount, volume and concentration after each step of one lot (the rooms are in the
    cost by step)."""
    lot, unit = run.lot, run.lot.product_unit
    grid = Grid(
        f"Mass balance of one lot ({unit})",
        ("#", "step", "days", "yield", f"{unit} after", "L after", f"{unit}/mL", "% of made"),
        labels=2,
    )
    for step in lot.steps:
        grid.add(
            str(step.index),
            step.name,
            number(step.duration_days),
            number(step.step_yield),
            number(step.amount),
            number(step.volume_l),
            number(step.concentration_per_ml),
            percent(step.recovery),
        )
    print_grid(console, grid)


def lot_section(run: RunResult, console: Console) -> None:
    """What one lot gives: product, containers, doses, patients, yield and duration."""
    lot, unit = run.lot, run.lot.product_unit
    container = lot.container
    grid = Grid("One lot", ("figure", "value"), show_header=False)
    grid.add(f"{unit} made (harvest)", number(lot.amount_made))
    grid.add(
        "bulk drug product",
        f"{number(lot.drug_product_volume_l)} L at"
        f" {number(lot.drug_product_concentration_per_ml)} {unit}/mL",
    )
    grid.add(
        f"{container}s filled / taken by QC / released",
        f"{lot.vials_filled} / {lot.qc_sample_vials} / {lot.vials_per_lot}",
    )
    grid.add(
        f"{unit} per {container} ({number(lot.fill_volume_ml)} mL)", number(lot.amount_per_vial)
    )
    grid.add(f"{unit} per dose", number(lot.dose_amount))
    if lot.doses_per_vial is not None:
        grid.add(f"doses from one {container}", number(lot.doses_per_vial))
    elif lot.vials_per_dose is not None:
        grid.add(f"{container}s per dose", number(lot.vials_per_dose))
    else:
        grid.add(f"{container}s", "pooled: divided at will")
    grid.add("doses per lot", number(lot.doses_per_lot))
    grid.add("patients per lot", number(lot.patients_per_lot))
    grid.add("overall yield (released ÷ made)", percent(lot.overall_yield))
    grid.add("lot duration, first step to release", f"{number(lot.lot_duration_days)} d")
    print_grid(console, grid)


def capacity_section(run: RunResult, console: Console) -> None:
    """Lots a year of each kind of room; the bottleneck marked."""
    capacity = run.capacity
    grid = Grid(
        f"Capacity ({number(capacity.operating_days_per_year)} operating days a year)",
        (
            "room",
            "rooms",
            "lots at once",
            "held d",
            "change- over d",
            "cycle d",
            "lots/ room/yr",
            "lots/yr",
            "use at capacity",
            "use at demand",
            "rooms needed",
        ),
    )
    for room in capacity.rooms:
        marker = " ◀ bottleneck" if room.kind == capacity.bottleneck_room else ""
        grid.add(
            room.kind + marker,
            str(room.count),
            str(room.concurrent_lots),
            number(room.occupancy_days),
            number(room.changeover_days),
            number(room.cycle_days),
            number(room.lots_per_room_year),
            number(room.lots_per_year),
            percent(room.utilisation_at_capacity),
            percent(room.utilisation_at_demand),
            number(room.rooms_needed),
        )
    print_grid(console, grid)
    if capacity.unused_rooms:
        console.print(
            Text(f"rooms no step uses: {', '.join(capacity.unused_rooms)}", style="yellow")
        )


def facility_section(run: RunResult, console: Console) -> None:
    """The bottleneck, lots and patients a year, the cohort and the demand."""
    capacity, lot = run.capacity, run.lot
    grid = Grid("Facility", ("figure", "value"), show_header=False)
    grid.add("bottleneck room", capacity.bottleneck_room)
    suite = capacity.room(lot.production_room)
    grid.add(
        f"{suite.kind}: occupancy + changeover",
        f"{number(suite.occupancy_days)} + {number(suite.changeover_days)} d per lot",
    )
    grid.add("lots per year", number(capacity.lots_per_year))
    grid.add("patients per year", number(capacity.patients_per_year))
    add_failure_rows(grid, capacity)
    if capacity.cohort_patients is not None:
        grid.add(
            f"lots for {capacity.cohort_patients:,} patients", number(capacity.lots_for_cohort)
        )
        grid.add("years to treat the cohort", number(capacity.years_to_treat_cohort))
        grid.add("years to release the cohort", number(capacity.years_to_release_cohort))
    if capacity.demand_patients_per_year is not None:
        grid.add(
            f"lots needed for {number(capacity.demand_patients_per_year)} patients/yr",
            number(capacity.lots_needed_per_year),
        )
        grid.add("demand met", "yes" if capacity.meets_demand else "no")
    print_grid(console, grid)


def economics_section(run: RunResult, console: Console) -> None:
    """Cost of goods, cost by step, capital and the fair price (when the scenario has costs)."""
    if run.economics is not None:
        render_economics(run.economics, console)


def add_failure_rows(grid: Grid, capacity: CapacityResult) -> None:
    """Good lots and patients after lot failures (expected), and an autologous patient's wait
    for a new lot, when lots fail."""
    if capacity.lot_failure_probability <= 0:
        return
    grid.add(
        f"good lots per year ({percent(capacity.lot_failure_probability)} fail)",
        number(capacity.good_lots_per_year),
    )
    grid.add("patients per year after failures", number(capacity.patients_per_year_after_failures))
    if capacity.collections_per_patient > 0:
        grid.add("collections per patient", number(capacity.collections_per_patient))
    if capacity.remake_delay_days > 0:
        grid.add(
            "expected wait for a new collection and lot", f"{number(capacity.remake_delay_days)} d"
        )


def render_economics(economics: EconomicsResult, console: Console) -> None:
    """Cost of goods by category and by cause, cost per lot by step, capital, fair price."""
    money = economics.currency
    costs = Grid(
        f"Cost of goods ({money}), {number(economics.lots_started_per_year)} lots"
        f" started, {number(economics.doses_delivered_per_year)} doses delivered a year",
        ("category", "per year", "per lot", "per dose", "per patient", "share"),
    )
    total = economics.cost_breakdown["total"].annual
    for title, lines in (("", economics.cost_breakdown), ("cause: ", economics.cost_by_cause)):
        if title:
            costs.section()
        for name, line in lines.items():
            if title and name == "total":
                continue
            costs.add(
                title + label(name),
                number(line.annual),
                number(line.per_lot),
                number(line.per_dose),
                number(line.per_patient),
                percent(line.annual / total if total else None),
                style="bold" if name == "total" else "",
            )
    print_grid(console, costs)

    steps = Grid(
        f"Cost of one lot by step ({money}: materials, QC and room time)",
        ("step", "room", "per lot"),
        labels=2,
    )
    for step in economics.cost_by_step:
        steps.add(step.name, step.room, number(step.per_lot))
    steps.add(
        "site-wide (rooms no step holds, QA, support, overhead)",
        "",
        number(economics.site_cost_per_lot),
    )
    print_grid(console, steps)

    facts = Grid("Capital and running cost", ("figure", "value"), show_header=False)
    facts.add(
        f"capital ({money}): building / equipment",
        f"{number(economics.capital['building'])} / {number(economics.capital['equipment'])}",
    )
    facts.add(f"depreciation a year ({money})", number(economics.depreciation_per_year))
    facts.add(f"running cost per lot ({money})", number(economics.running_cost_per_lot))
    facts.add(f"depreciation per lot ({money})", number(economics.depreciation_per_lot))
    facts.add("staff (FTE)", number(economics.staff_fte))
    facts.add("lot failure probability", percent(economics.lot_failure_probability))
    print_grid(console, facts)

    if economics.fair_price is not None:
        fair = economics.fair_price
        price = Grid(
            f"{fair.label.capitalize()} ({money}, cost-plus)", ("component", money, "share")
        )
        for name, amount in fair.components.items():
            price.add(label(name), number(amount), percent(amount / fair.total))
        price.add("fair price", number(fair.total), "100.0%", style="bold")
        if fair.list_price is not None:
            price.add(
                "list price", number(fair.list_price), f"{number(fair.list_to_fair_ratio)}× fair"
            )
        print_grid(console, price)


def costing_section(run: RunResult, console: Console) -> None:
    """What the cost lines add up to beyond the categories: the conventional roll-up and the
    quality view, installed capital and its charge, a cohort's campaign, the project's net
    present cost, the price's volume and its zero-NPV price, and every warning."""
    economics = run.economics
    if economics is None:
        return
    money = economics.currency
    views = Grid(
        f"Roll-up and quality view ({money} a year)", ("line", "per year", "per dose"), labels=1
    )
    for title, lines in (("", economics.roll_up), ("quality: ", economics.quality_view)):
        if title:
            views.section()
        for name, line in lines.items():
            views.add(title + label(name), number(line.annual), number(line.per_dose))
    print_grid(console, views)
    facts = Grid("Capital, time and price", ("figure", "value"), show_header=False)
    facts.add(
        f"installed capital ({money}): installation / total",
        f"{number(economics.capital.get('installation'))} / {number(economics.capital['total'])}",
    )
    if economics.capital_charge_per_year is not None:
        facts.add(f"capital charge a year ({money})", number(economics.capital_charge_per_year))
    facts.add("floor area (m²)", number(economics.floor_area))
    campaign = economics.campaign
    if campaign is not None:
        facts.add(
            f"the cohort as a campaign ({number(campaign.cohort_patients)} patients)",
            f"{number(campaign.lots_started)} lots, {number(campaign.years)} yr of the plant,"
            f" {number(campaign.cost_per_patient)} {money}/patient (the table above: the plant"
            " at full capacity)",
        )
    if economics.project is not None:
        facts.add(f"net present cost ({money})", number(economics.project["net_present_cost"]))
        facts.add(
            f"levelised cost per dose ({money})",
            number(economics.project["levelised_cost_per_dose"]),
        )
    fair = economics.fair_price
    if fair is not None:
        facts.add(
            "expected patients (price)",
            f"{number(fair.expected_patients)} ({fair.expected_patients_basis})",
        )
        facts.add(f"price at zero NPV ({money})", number(fair.npv_zero_price))
    print_grid(console, facts)
    for warning in economics.warnings:
        console.print(f"[yellow]warning[/yellow] {', '.join(warning.fields)}: {warning.message}")


def render_scale(sweep: ScaleResult, console: Console) -> None:
    """Cost per dose along a sweep of one parameter."""
    money = sweep.currency or ""
    kinds = list(sweep.points[0].rooms) if sweep.points else []
    varying = [kind for kind in kinds if len({p.rooms[kind] for p in sweep.points}) > 1]
    ruled = next((list(p.step_volumes) for p in sweep.points if p.step_volumes), [])
    grid = Grid(
        f"Economies of scale: {sweep.path} ({sweep.unit or 'number'})",
        (
            "value",
            "patients/lot",
            "lots/yr",
            "lots started",
            *[f"{k} rooms" for k in varying],
            *[f"{name} L" for name in ruled],
            "doses delivered",
            f"{money}/dose",
            f"{money}/patient",
            "fair price",
            "failed",
            "idle",
            "surplus",
        ),
    )
    for point in sweep.points:
        cause = point.per_dose_by_cause or {}
        shares = [
            percent(cause[name] / point.cost_per_dose)
            if point.cost_per_dose and name in cause
            else "–"
            for name in ("failed_lots", "idle_capacity", "surplus_doses")
        ]
        grid.add(
            number(point.value),
            number(point.patients_per_lot),
            number(point.lots_per_year),
            number(point.lots_started_per_year),
            *[str(point.rooms[k]) for k in varying],
            *[number((point.step_volumes or {}).get(name)) for name in ruled],
            number(point.doses_delivered_per_year),
            number(point.cost_per_dose) if point.status == "ok" else point.status,
            number(point.cost_per_patient),
            number(point.fair_price_per_patient),
            *shares,
        )
    print_grid(console, grid)


def render_comparison(comparison: ComparisonResult, console: Console) -> None:
    """A and B side by side with B ÷ A."""
    grid = Grid("Comparison", ("figure", "unit", "A", "B", "B ÷ A"), labels=2)
    for row in comparison.rows:
        grid.add(
            label(row.metric),
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
    print_grid(console, grid)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"
