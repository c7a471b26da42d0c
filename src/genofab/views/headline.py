"""The figures that lead every view of a run (console, report, workbook), in one place.

Each row keeps its number as a number and its unit apart, so the console and the HTML format
it and the workbook stores it as a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from genofab.results.run import RunResult

#: The results whose spread leads a Monte Carlo's output (keys of its ``results``).
KEY_RESULTS = (
    "patients_per_lot",
    "lots_per_year",
    "patients_per_year",
    "years_to_treat_cohort",
    "cogs_per_dose",
    "fair_price_per_patient.total",
)


@dataclass(frozen=True)
class HeadlineRow:
    """One headline figure: ``key`` is its JSON key (``""`` for a derived row)."""

    key: str
    label: str
    value: float | int | str | None
    unit: str = ""


def headline(run: RunResult) -> list[HeadlineRow]:
    """Patients and doses per lot, the lot's time, lots and patients a year and the room that
    limits them, the demand and the cohort, the cost of goods and the fair price."""
    lot, capacity = run.lot, run.capacity
    rows = [HeadlineRow("patients_per_lot", "patients per lot", run.patients_per_lot)]
    if lot.doses_per_patient != 1:
        rows.append(HeadlineRow("doses_per_lot", "doses per lot", run.doses_per_lot))
    rows += [
        HeadlineRow("vials_per_lot", f"{lot.container}s released per lot", run.vials_per_lot),
        HeadlineRow(
            "lot_duration_days",
            "lot duration, first step to release",
            run.lot_duration_days,
            "d",
        ),
        HeadlineRow(
            "suite_cycle_days",
            f"{lot.production_room} time per lot, with changeover",
            run.suite_cycle_days,
            "d",
        ),
        HeadlineRow("bottleneck_room", "bottleneck room", run.bottleneck_room),
        HeadlineRow("lots_per_year", "lots per year", run.lots_per_year),
        HeadlineRow("patients_per_year", "patients per year", run.patients_per_year),
    ]
    if capacity.demand_patients_per_year is not None:
        rows += [
            HeadlineRow(
                "",
                "yearly demand",
                capacity.demand_patients_per_year,
                "patients",
            ),
            HeadlineRow(
                "",
                "demand met",
                "yes"
                if capacity.meets_demand
                else f"no ({capacity.lots_needed_per_year} lots a year needed)",
            ),
        ]
    if capacity.cohort_patients is not None and run.years_to_treat_cohort is not None:
        rows.append(
            HeadlineRow(
                "years_to_treat_cohort",
                f"years to treat {capacity.cohort_patients:,} patients",
                run.years_to_treat_cohort,
                "yr",
            )
        )
    economics = run.economics
    if economics is not None:
        money = economics.currency
        rows += [
            HeadlineRow("cogs_per_lot", "cost of goods per lot", economics.cogs_per_lot, money),
            HeadlineRow("cogs_per_dose", "cost of goods per dose", economics.cogs_per_dose, money),
        ]
        if lot.doses_per_patient != 1:
            rows.append(
                HeadlineRow(
                    "cogs_per_patient",
                    "cost of goods per patient",
                    economics.cogs_per_patient,
                    money,
                )
            )
        if economics.fair_price is not None:
            rows.append(
                HeadlineRow(
                    "fair_price_per_patient",
                    "fair price per patient",
                    economics.fair_price.total,
                    money,
                )
            )
    return rows
