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
            _level_label(level),
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
    _render_spread(result, console)
    _render_operation(result, console)
    for level in result.levels:
        _render_routes(level, console)


def _level_label(level: NetworkLevel) -> str:
    return "listed" if level.patients_per_year is None else number(level.patients_per_year)


def _spread(values: dict[str, float | None], scale: float = 1.0, suffix: str = "") -> str:
    def show(key: str) -> str:
        value = values[key]
        return "–" if value is None else number(round(value * scale, 1)) + suffix

    return f"{show('p50')} [{show('p5')}–{show('p95')}]"


def _render_spread(result: NetworkResult, console: Console) -> None:
    """The Monte Carlo of each level, one line each: P50 [P5–P95] of each figure."""
    drawn = [level for level in result.levels if level.spread is not None]
    if not drawn:
        return
    first = drawn[0].spread
    assert first is not None
    console.print(
        Text(f"Over {first.samples:,} samples (seed {first.seed}), P50 [P5–P95]:", style="bold")
    )
    for level in drawn:
        spread = level.spread
        assert spread is not None
        label = (
            "listed arrivals"
            if level.patients_per_year is None
            else f"{number(level.patients_per_year)} patients a year"
        )
        within = _spread(spread.share_within_limit, 100) + " %"
        console.print(
            f"{label}: served {_spread(spread.patients_served)} of"
            f" {_spread(spread.patients)};"
            f" within {result.vein_to_vein_max_days} d {within};"
            f" vein to vein {_spread(spread.turnaround_days)} d;"
            f" mean wait {_spread(spread.mean_wait_days)} d;"
            f" lost waiting {_spread(spread.patients_lost_waiting)};"
            f" lots failed {_spread(spread.lots_failed)};"
            f" {_spread(spread.cost_per_therapy)} {result.currency} a therapy"
        )


def _render_operation(result: NetworkResult, console: Console) -> None:
    """The plan operated day by day at the planned times."""
    rule = "queueing for a place" if result.when_full == "queue" else "no queue"
    table = Grid(
        f"Operated day by day at the planned times ({rule})",
        (
            "patients/yr",
            "served",
            f"within {result.vein_to_vein_max_days} d",
            "waited",
            "mean wait d",
            "max wait d",
            "lost waiting",
            "unserved",
        ),
        labels=1,
    )
    for level in result.levels:
        operation = level.operation
        if operation is None:
            continue
        table.add(
            _level_label(level),
            number(operation.patients_served),
            number(operation.patients_within_limit),
            number(operation.patients_waited),
            number(operation.mean_wait_days),
            number(operation.max_wait_days),
            number(operation.patients_lost_waiting),
            number(operation.patients_unserved),
        )
    print_grid(console, table)


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
