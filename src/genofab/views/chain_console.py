"""Console tables of a chain: the therapy's figures first, then each stage's."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from genofab.results.chain import ChainResult
from genofab.views.console import number


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
