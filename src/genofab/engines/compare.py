"""Compare two runs figure by figure."""

from __future__ import annotations

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
