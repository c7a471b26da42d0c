"""Console tables of a chain: the therapy's figures first, then each stage's."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from genofab.results.chain import ChainMonteCarloResult, ChainResult
from genofab.results.chain_scale import ChainScaleResult
from genofab.results.uncertainty import Spread
from genofab.views.console import number
from genofab.views.labels import label
from genofab.views.tables import Grid, print_grid
from genofab.views.uncertainty_tables import describe


def render_chain(result: ChainResult, console: Console) -> None:
    """The therapy's headline (patients per year, what limits it, cost per patient by stage),
    then the stages side by side."""
    console.print(Text(result.chain.name, style="bold"))
    if result.chain.file:
        console.print(
            f"{result.chain.file}  sha256 {result.chain.sha256}  genofab {result.genofab_version}"
        )
    headline = Table(title="The therapy", title_justify="left", show_header=False)
    headline.add_column("figure")
    headline.add_column("value", justify="right")
    headline.add_row("patients per year (after lot failures)", number(result.patients_per_year))
    limit = result.bottleneck
    where = (
        f"stage '{limit.stage}', room {limit.room}"
        if limit.stage is not None
        else f"room {limit.room}, shared by {', '.join(limit.shared_by)}"
    )
    headline.add_row("limited by", where)
    for name, lots in result.upstream_lots_per_year.items():
        headline.add_row(f"{name} lots to start a year", number(lots))
    if result.cohort_patients is not None:
        headline.add_row(
            f"years to treat {result.cohort_patients} patients",
            number(result.years_to_treat_cohort),
        )
        headline.add_row(
            "years to the last patient's release", number(result.years_to_release_cohort)
        )
    cost = result.cost_per_patient
    if cost is not None:
        for name, value in cost.by_stage.items():
            headline.add_row(
                f"cost per patient: {name} ({cost.currency})",
                f"{number(value)}  ({cost.share_by_stage[name]:.0%})",
            )
        headline.add_row(f"cost per patient: total ({cost.currency})", number(cost.total))
    console.print(headline)

    stages = Table(title="Stages (each at the chain's rate)", title_justify="left")
    for column in (
        "stage",
        "consumes",
        "patients/lot",
        "lots/yr",
        "good lots/yr",
        "patients/yr alone",
        "bottleneck room",
        "lots needed/yr",
        "doses per patient treated",
    ):
        stages.add_column(
            column,
            justify="left" if column in {"stage", "consumes", "bottleneck room"} else "right",
        )
    for stage in result.stages:
        stages.add_row(
            stage.name,
            "–" if stage.consumes is None else f"{stage.consumes} ({stage.consumes_unit})",
            number(stage.patients_per_lot),
            number(stage.lots_per_year),
            number(stage.good_lots_per_year),
            number(stage.patients_per_year),
            stage.bottleneck_room,
            number(stage.lots_needed_per_year),
            number(stage.doses_per_patient_treated),
        )
    console.print(stages)
    if result.shared_rooms:
        shared = Table(title="Rooms the stages share", title_justify="left")
        for column in ("site", "room", "rooms", "stages", "room-days per patient", "patients/yr"):
            shared.add_column(column)
        for room in result.shared_rooms:
            shared.add_row(
                room.site,
                room.kind,
                number(room.count),
                ", ".join(room.stages),
                number(room.room_days_per_patient),
                number(room.patients_per_year),
            )
        console.print(shared)
    console.print(
        "Each stage's own run (as a scenario at its own demand): genofab run <stage file>;"
        " --format json includes them under stages[].result."
    )


def chain_label(name: str) -> str:
    """A chain result's name for people: ``cost_per_patient.by_stage.vector`` → ``cost per
    patient: vector``."""
    if name == "patients_per_year":
        return "patients per year (after lot failures)"
    return label(name)


def spread_text(spread: Spread) -> str:
    """``P50 [P5–P95]`` of a spread."""
    return f"{number(spread.p50)} [{number(spread.p5)}–{number(spread.p95)}]"


def render_chain_monte_carlo(result: ChainMonteCarloResult, console: Console) -> None:
    """The therapy's headline as P50 [P5–P95] beside the deterministic value, what limits it
    and how often, the failed samples, then how each stage was drawn."""
    console.print(Text(result.chain.name, style="bold"))
    if result.chain.file:
        console.print(Text(f"{result.chain.file}  sha256 {result.chain.sha256}", style="dim"))
    console.print(
        Text(
            f"genofab {result.genofab_version}  {result.samples:,} samples, seed {result.seed}",
            style="dim",
        )
    )
    grid = Grid(
        f"The therapy: median [P5–P95] over {result.samples:,} samples",
        ("result", "P50 [P5–P95]", "deterministic"),
        labels=1,
    )
    for name, spread in result.results.items():
        unit = result.units.get(name, "")
        if name == "cost_per_patient.total" or name.startswith("stage_patients_per_year."):
            grid.section()
        grid.add(
            f"{chain_label(name)} ({unit})" if unit else chain_label(name),
            spread_text(spread) if spread.samples else "no value",
            number(spread.value),
            style="bold" if name in ("patients_per_year", "cost_per_patient.total") else "",
        )
    print_grid(console, grid)
    limits = Grid("What limits the patients", ("stage or room", "share of samples"), labels=1)
    for name, share in result.limit_probability.items():
        if share:
            limits.add(name, f"{share:.1%}")
    print_grid(console, limits)
    if result.probability_of_meeting_demand is not None:
        console.print(
            f"Probability of treating the yearly demand: {result.probability_of_meeting_demand:.1%}"
        )
    console.print(
        f"Samples in which a stage cannot deliver (no patient treated, counted as such):"
        f" {result.failed_samples:,} of {result.samples:,}"
    )
    for stage, reasons in result.failed_by_stage.items():
        for reason, count in reasons.items():
            console.print(Text(f"  {stage}: {reason}: {count:,}", style="yellow"))
    for stage, items in result.uncertain_inputs.items():
        if not items:
            continue
        inputs = Grid(
            f"Uncertain inputs of stage '{stage}' (its seed: {result.stage_seeds[stage]})",
            ("parameter", "value", "distribution", "source"),
            labels=4,
        )
        for item in items:
            inputs.add(
                item.path,
                number(item.value),
                describe(item),
                Text(item.source or "no source", style="" if item.source else "red"),
            )
        print_grid(console, inputs)
    for parameter, stages in result.shared:
        console.print(f"drawn once for {', '.join(stages)}: {parameter}")
    console.print(Text(f"quantiles: {result.quantile_method}", style="dim"))


def render_chain_scale(result: ChainScaleResult, console: Console) -> None:
    """The therapy along a sweep of one stage's parameter: patients a year, what limits them,
    the cost per patient by stage and in total, and the stage's own cost per dose."""
    money = result.currency or ""
    console.print(Text(result.chain.name, style="bold"))
    console.print(
        Text(f"scaled stage: {result.stage} ({result.stage_chosen}); the other stages as stated")
    )
    stages = next(
        (list(p.cost_per_patient.by_stage) for p in result.points if p.cost_per_patient), []
    )
    grid = Grid(
        f"The therapy at scale: {result.stage}:{result.path} ({result.unit or 'number'})",
        (
            "value",
            "limited by",
            "patients/yr",
            f"{result.stage} patients/lot",
            f"{result.stage} lots needed/yr",
            *[f"{money}/patient {name}" for name in stages],
            f"{money}/patient total",
            f"{result.stage} {money}/dose",
        ),
        labels=2,
    )
    for point in result.points:
        limit = point.bottleneck
        where = (
            point.status
            if limit is None
            else f"{limit.stage}: {limit.room}"
            if limit.stage is not None
            else f"{limit.room} (shared)"
        )
        by_stage = point.cost_per_patient.by_stage if point.cost_per_patient else {}
        grid.add(
            number(point.value),
            where,
            number(point.patients_per_year),
            number(point.patients_per_lot),
            number(point.lots_needed_per_year),
            *[number(by_stage.get(name)) for name in stages],
            number(point.cost_per_patient.total if point.cost_per_patient else None),
            number(point.stage_cost_per_dose),
        )
    print_grid(console, grid)
