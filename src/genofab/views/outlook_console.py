"""Tables of an outlook: per case, the figures by year, the build plan and the spread.
Formatting only: every number comes from the result."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from genofab.results.outlook import OutlookCase, OutlookResult
from genofab.views.console import number
from genofab.views.tables import Grid, print_grid


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
        + (
            f"; {number(case.patients_lost_waiting)} lost while waiting"
            if case.patients_lost_waiting > 0
            else ""
        )
    )
    if case.spread is not None:
        spread = case.spread
        console.print(
            f"over {spread.samples:,} samples (seed {spread.seed}): discounted cost"
            f" {_spread({k: v / 1e6 for k, v in spread.discounted_cost.items()})} M{currency},"
            f" patient-years waited {_spread(spread.patient_years_waiting)}"
            + (
                f", lost while waiting {_spread(spread.patients_lost_waiting)}"
                if spread.patients_lost_waiting is not None
                and spread.patients_lost_waiting["p95"] > 0
                else ""
            )
            + " (P50 [P5–P95])"
        )
    plan = Grid(
        "Build plan",
        ("candidate", "type", "year", "full from", "units", f"capital M{currency}"),
        labels=2,
    )
    for build in case.build_plan:
        plan.add(
            build.candidate,
            build.type,
            str(build.year),
            f"{build.ready_year:g}",
            number(build.units),
            _millions(build.capital),
        )
    if not case.build_plan:
        plan.add("nothing built", "", "", "", "", "")
    print_grid(console, plan)
    resources = list(case.years[0].utilisation) if case.years else []
    losses = case.patients_lost_waiting > 0
    header = ["year", "needing", "treated", "waiting"] + (["lost"] if losses else [])
    header += [f"{currency}/dose", "capital M"]
    header += [f"use {resource}" for resource in resources]
    drawn = {row.year: row for row in case.spread.years} if case.spread is not None else {}
    if drawn:
        header.append("P(met)")
    years = Grid("By year", header)
    for row in case.years:
        cells = [
            str(row.year),
            number(row.patients_needing),
            number(row.patients_treated),
            number(row.patients_waiting),
            *([number(row.patients_lost_waiting)] if losses else []),
            number(row.cost_per_dose),
            _millions(row.capital_spent),
        ]
        cells += [
            "–" if row.utilisation[name] is None else f"{row.utilisation[name]:.0%}"
            for name in resources
        ]
        if drawn:
            cells.append(f"{drawn[row.year].probability_demand_met:.0%}")
        years.add(*cells)
    print_grid(console, years)
    rates = Grid(
        "What one patient takes (room-years a patient, by resource)",
        ("product", "resource", "room-years", f"{currency}/patient"),
        labels=2,
    )
    for rate in case.product_rates:
        for resource, value in rate.room_years_per_patient.items():
            rates.add(rate.product, resource, number(value), number(rate.cost_per_patient))
    print_grid(console, rates)
    for note in case.notes:
        console.print(Text(f"note: {note}", style="dim"))
