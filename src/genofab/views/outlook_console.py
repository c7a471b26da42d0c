"""Tables of an outlook: per case, the figures by year, the build plan and the spread.
Formatting only: every number comes from the result."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from genofab.results.outlook import OutlookCase, OutlookResult
from genofab.views.console import number


def _millions(value: float | None) -> str:
    return "–" if value is None else f"{value / 1e6:,.1f}"


def _spread(values: dict[str, float]) -> str:
    return f"{number(values['p50'])} [{number(values['p5'])}–{number(values['p95'])}]"


def render_outlook(result: OutlookResult, console: Console) -> None:
    """Every case of an outlook: headline, build plan, years, and spread when drawn."""
    console.print(Text(result.name, style="bold"))
    if result.file:
        console.print(
            Text(
                f"{result.file}  sha256 {result.sha256}  genofab {result.genofab_version}",
                style="dim",
            )
        )
    console.print(
        f"{result.years} years from {result.start_year}; objective: {result.objective};"
        f" build plan {result.mode}; money in {result.currency}, undiscounted unless said"
    )
    for case in result.cases:
        _render_case(case, result.currency, console)


def _render_case(case: OutlookCase, currency: str, console: Console) -> None:
    console.print()
    title = f"Case {case.name}" + (f": {case.description}" if case.description else "")
    console.print(Text(title, style="bold"))
    gap = "" if case.gap is None else f", gap {case.gap:.2%}"
    console.print(
        f"status {case.status}{gap}; discounted cost {_millions(case.discounted_cost)} M{currency};"
        f" {number(case.patient_years_waiting)} patient-years waited;"
        f" {number(case.patients_untreated_at_end)} still waiting at the end"
    )
    if case.spread is not None:
        spread = case.spread
        console.print(
            f"over {spread.samples:,} samples (seed {spread.seed}): discounted cost"
            f" {_spread({k: v / 1e6 for k, v in spread.discounted_cost.items()})} M{currency},"
            f" patient-years waited {_spread(spread.patient_years_waiting)} (P50 [P5–P95])"
        )
    plan = Table(title="Build plan", title_justify="left")
    for column in ("candidate", "type", "year", "full from", "units", f"capital M{currency}"):
        plan.add_column(column, overflow="fold")
    for build in case.build_plan:
        plan.add_row(
            build.candidate,
            build.type,
            str(build.year),
            f"{build.ready_year:g}",
            number(build.units),
            _millions(build.capital),
        )
    if not case.build_plan:
        plan.add_row("nothing built", "", "", "", "", "")
    console.print(plan)
    years = Table(title="By year", title_justify="left")
    resources = list(case.years[0].utilisation) if case.years else []
    for column in ("year", "needing", "treated", "waiting", f"{currency}/dose", "capital M"):
        years.add_column(column, justify="right", no_wrap=True)
    for resource in resources:
        years.add_column(f"use {resource}", justify="right", overflow="fold")
    if case.spread is not None:
        years.add_column("P(met)", justify="right", no_wrap=True)
    drawn = {row.year: row for row in case.spread.years} if case.spread is not None else {}
    for row in case.years:
        cells = [
            str(row.year),
            number(row.patients_needing),
            number(row.patients_treated),
            number(row.patients_waiting),
            number(row.cost_per_dose),
            _millions(row.capital_spent),
        ]
        cells += [
            "–" if row.utilisation[name] is None else f"{row.utilisation[name]:.0%}"
            for name in resources
        ]
        if drawn:
            cells.append(f"{drawn[row.year].probability_demand_met:.0%}")
        years.add_row(*cells)
    console.print(years)
    rates = Table(title="What one patient takes", title_justify="left")
    for column in ("product", "room-years per patient", f"{currency}/patient", "not planned"):
        rates.add_column(column, overflow="fold")
    for rate in case.product_rates:
        rates.add_row(
            rate.product,
            ", ".join(f"{k} {number(v)}" for k, v in rate.room_years_per_patient.items()),
            number(rate.cost_per_patient),
            ", ".join(rate.unplanned_rooms) or "–",
        )
    console.print(rates)
    for note in case.notes:
        console.print(Text(f"note: {note}", style="dim"))
