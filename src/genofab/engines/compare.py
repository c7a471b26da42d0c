"""Compare two runs figure by figure."""

from __future__ import annotations

from genofab.results.chain import ChainResult
from genofab.results.compare import ComparisonResult, ComparisonRow
from genofab.results.run import RunResult

#: (metric, unit, how to read it from a run); ``{unit}`` is the product's unit and
#: ``{money}`` the scenario's currency.
METRICS: tuple[tuple[str, str, str], ...] = (
    ("amount_made", "{unit}/lot", "lot.amount_made"),
    ("overall_yield", "fraction", "lot.overall_yield"),
    ("dose_amount", "{unit}/dose", "lot.dose_amount"),
    ("vials_per_lot", "containers/lot", "vials_per_lot"),
    ("doses_per_lot", "doses/lot", "doses_per_lot"),
    ("patients_per_lot", "patients/lot", "patients_per_lot"),
    ("lot_duration_days", "d", "lot_duration_days"),
    ("suite_occupancy_days", "d", "suite_occupancy_days"),
    ("suite_cycle_days", "d", "suite_cycle_days"),
    ("bottleneck_room", "", "bottleneck_room"),
    ("lots_per_year", "lots/yr", "lots_per_year"),
    ("patients_per_year", "patients/yr", "patients_per_year"),
    ("lots_for_cohort", "lots", "lots_for_cohort"),
    ("years_to_treat_cohort", "yr", "years_to_treat_cohort"),
    ("years_to_release_cohort", "yr", "years_to_release_cohort"),
    ("cogs_per_lot", "{money}/lot", "cogs_per_lot"),
    ("cogs_per_dose", "{money}/dose", "cogs_per_dose"),
    ("cogs_per_patient", "{money}/patient", "cogs_per_patient"),
    ("fair_price_per_patient", "{money}/patient", "economics.fair_price.total"),
)


def compare(a: RunResult, b: RunResult) -> ComparisonResult:
    """Each headline figure of ``a`` and ``b`` with the ratio B ÷ A."""
    rows = []
    for metric, unit, attribute in METRICS:
        value_a, value_b = _read(a, attribute), _read(b, attribute)
        units = {unit.format(unit=run.lot.product_unit, money=_currency(run)) for run in (a, b)}
        ratio = None
        numbers = isinstance(value_a, float) and isinstance(value_b, float)
        if numbers and value_a != 0 and len(units) == 1:
            ratio = value_b / value_a  # type: ignore[operator]
        rows.append(
            ComparisonRow(
                metric=metric, unit=" vs ".join(sorted(units)), a=value_a, b=value_b, ratio=ratio
            )
        )
    return ComparisonResult(a=a.scenario, b=b.scenario, rows=tuple(rows))


def _currency(run: RunResult) -> str:
    return run.economics.currency if run.economics is not None else "?"


def _read(run: RunResult, attribute: str) -> float | str | None:
    """The figure at a dotted attribute path; None where a part is missing (no economics)."""
    value: object = run
    for part in attribute.split("."):
        value = getattr(value, part) if value is not None else None
    if value is None or isinstance(value, str):
        return value
    assert isinstance(value, int | float)
    return float(value)


def chain_figures(result: ChainResult) -> dict[str, tuple[str, float | str | None]]:
    """The figures of a chain's run a comparison shows, by metric: (unit, value)."""
    money = result.cost_per_patient.currency if result.cost_per_patient is not None else "?"
    limit = result.bottleneck
    figures: dict[str, tuple[str, float | str | None]] = {
        "patients_per_year": ("patients/yr", result.patients_per_year),
        "bottleneck": (
            "",
            f"{limit.stage}: {limit.room}"
            if limit.stage is not None
            else f"{limit.room} ({', '.join(limit.shared_by)})",
        ),
    }
    if result.cost_per_patient is not None:
        figures["cost_per_patient.total"] = (money, result.cost_per_patient.total)
        for name, value in result.cost_per_patient.by_stage.items():
            figures[f"cost_per_patient.by_stage.{name}"] = (money, value)
    if result.fair_price is not None:
        figures["fair_price.total"] = (money, result.fair_price.total)
    figures["years_to_treat_cohort"] = ("yr", result.years_to_treat_cohort)
    figures["years_to_release_cohort"] = ("yr", result.years_to_release_cohort)
    for name, lots in result.upstream_lots_per_year.items():
        figures[f"upstream_lots_per_year.{name}"] = ("lots/yr", float(lots))
    for stage in result.stages:
        figures[f"stage_patients_per_year.{stage.name}"] = ("patients/yr", stage.patients_per_year)
    return figures


def compare_chains(a: ChainResult, b: ChainResult) -> ComparisonResult:
    """Each figure of two chains with the ratio B ÷ A (a figure only one of them has, a stage
    only one links, is blank on the other side)."""
    figures_a, figures_b = chain_figures(a), chain_figures(b)
    rows = []
    for metric in [*figures_a, *(m for m in figures_b if m not in figures_a)]:
        unit_a, value_a = figures_a.get(metric, (None, None))
        unit_b, value_b = figures_b.get(metric, (None, None))
        units = {unit for unit in (unit_a, unit_b) if unit is not None}
        ratio = None
        if (
            isinstance(value_a, float)
            and isinstance(value_b, float)
            and value_a
            and len(units) == 1
        ):
            ratio = value_b / value_a
        rows.append(
            ComparisonRow(
                metric=metric, unit=" vs ".join(sorted(units)), a=value_a, b=value_b, ratio=ratio
            )
        )
    return ComparisonResult(a=a.chain, b=b.chain, rows=tuple(rows))
