"""Tables of a network: the sites as used, then each demand level's sites opened, patients
served, cost per therapy, turnaround and routes. Formatting only."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from genofab.results.network import NetworkLevel, NetworkResult
from genofab.views.console import number
from genofab.views.tables import Grid, print_grid


def render_network(result: NetworkResult, console: Console) -> None:
    """Sites, then one block per demand level."""
    console.print(Text(result.name, style="bold"))
    if result.file:
        console.print(
            Text(
                f"{result.file}  sha256 {result.sha256}  genofab {result.genofab_version}",
                style="dim",
            )
        )
    console.print(
        f"{result.horizon_days} days of arrivals; vein-to-vein at most"
        f" {result.vein_to_vein_max_days} d; money in {result.currency}"
    )
    sites = Grid(
        "Sites", ("site", "status", "places", "make d", "QC d", "a year", "a therapy"), labels=2
    )
    for site in result.sites:
        sites.add(
            site.name,
            "existing" if site.existing else "candidate",
            str(site.capacity),
            str(site.manufacturing_days),
            str(site.qc_days),
            number(site.fixed_per_year),
            number(site.cost_per_therapy),
        )
    print_grid(console, sites)
    summary = Grid(
        "By demand level",
        (
            "patients/yr",
            "sites open",
            "patients",
            "served",
            "unserved",
            "per therapy",
            "V2V P50 [P5–P95] d",
        ),
        labels=2,
    )
    for level in result.levels:
        turnaround = level.turnaround
        summary.add(
            "listed" if level.patients_per_year is None else number(level.patients_per_year),
            ", ".join(level.sites_opened),
            number(level.patients),
            number(level.patients_served),
            number(level.patients_unserved),
            number(level.cost_per_therapy),
            "–"
            if turnaround is None
            else f"{turnaround.p50_days:g} [{turnaround.p5_days:g}–{turnaround.p95_days:g}]",
        )
    print_grid(console, summary)
    for level in result.levels:
        _render_routes(level, console)


def _render_routes(level: NetworkLevel, console: Console) -> None:
    label = (
        "listed arrivals"
        if level.patients_per_year is None
        else f"{number(level.patients_per_year)} patients a year"
    )
    table = Grid(
        f"Routes at {label} ({level.status})",
        ("centre", "site", "there", "back", "patients", "V2V d", "per patient"),
        labels=4,
    )
    for route in level.routes:
        table.add(
            route.centre,
            route.site,
            route.mode_there,
            route.mode_back,
            number(route.patients),
            str(route.turnaround_days),
            number(route.cost_per_patient),
        )
    print_grid(console, table)
    if level.unserved_without_route:
        console.print(
            Text(
                f"{level.unserved_without_route} patients come from centres with no site within"
                " the vein-to-vein limit",
                style="yellow",
            )
        )
