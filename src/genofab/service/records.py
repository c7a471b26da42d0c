"""Batch records as every front end uses them (``genofab records``, the records section of
``genofab report``, the workbench): control charts, capability per site, equivalence between
sites with their margins, each site's fits written into a scenario and the predictions from
them. The front ends call these and only render what they return, so their numbers are the
same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from genofab.engines.records.comparison import Equivalence
from genofab.engines.records.monitoring import MonitoringReport
from genofab.errors import UsageError, did_you_mean
from genofab.model.records import LotRecords, MonitoringRecords
from genofab.model.scenario import Scenario
from genofab.results.records import Capability, ControlChart

#: The predictions a site comparison shows.
PREDICTED = ("patients_per_year", "cogs_per_dose", "doses_per_lot")
#: Samples of a site comparison's Monte Carlo unless told otherwise.
DEFAULT_SAMPLES = 20_000


@dataclass(frozen=True)
class Margin:
    """A stated equivalence margin: ``percent`` (a ratio for titres, else ± share of the
    reference mean) or ``amount`` (± in the measurement's unit)."""

    kind: str
    value: float


@dataclass(frozen=True)
class Specification:
    """Specification limits of one measurement, in its unit (either may be None)."""

    lower: float | None
    upper: float | None


def parse_specification(
    text: str,
    where: str,
    *,
    names: Sequence[str] | None = None,
    shape_where: str | None = None,
) -> tuple[str, Specification]:
    """One specification written ``MEASUREMENT=LOW:HIGH`` in the column's unit (either side may
    be empty), for the command line's ``--spec`` and the workbench's form alike; a bad one is a
    UsageError beginning with ``where`` (``shape_where`` for a text not of that shape), and a
    measurement not among ``names``, when given, is named with a did-you-mean."""
    import math

    name, equals, limits = text.partition("=")
    low_text, colon, high_text = limits.partition(":")
    name = name.strip()
    if not equals or not name or not colon:
        raise UsageError(f"{shape_where or where}: write MEASUREMENT=LOW:HIGH (e.g. yield=35:70)")
    if names is not None and name not in names:
        raise UsageError(f"{where}: no measurement '{name}'{did_you_mean(name, list(names))}")
    ends: list[float | None] = []
    for side in (low_text.strip(), high_text.strip()):
        if not side:
            ends.append(None)
            continue
        try:
            value = float(side)
        except ValueError:
            raise UsageError(f"{where}: '{side}' is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"{where}: '{side}' is not a finite number")
        ends.append(value)
    low, high = ends
    if low is None and high is None:
        raise UsageError(f"{where}: give a lower limit, an upper limit or both")
    if low is not None and high is not None and not low < high:
        raise UsageError(f"{where}: the lower limit is not below the upper limit")
    return name, Specification(low, high)


def chart_for(
    records: LotRecords,
    name: str,
    baseline: int | None,
    rules: tuple[str, ...],
    log: bool = False,
    means: bool = False,
) -> ControlChart:
    """The control chart of one measurement: X̄-R/S when it has replicates (unless ``means``),
    else I-MR; with ``log``, of its natural logarithm."""
    from genofab.engines.records.control import individuals_chart, subgroup_chart

    index = records.measurement_index(name)
    measurement = records.measurements[index]
    ordered = [lot for lot in records.in_order(name) if any(v == v for v in lot.values[index])]
    lots = tuple(lot.lot_id for lot in ordered)
    table = records.replicates(name)
    unit = measurement.unit
    if log:
        if not (table[~np.isnan(table)] > 0).all():
            raise UsageError(f"a logarithmic chart: {name} has values at or below 0")
        table, unit = np.log(table), f"ln {unit}".strip()
    label = f"ln {name}" if log else name
    if measurement.replicates > 1 and not means:
        return subgroup_chart(
            table, baseline=baseline, rules=rules, measurement=label, unit=unit, lots=lots
        )
    return individuals_chart(
        np.nanmean(table, axis=1),
        baseline=baseline,
        rules=rules,
        measurement=label,
        unit=unit,
        lots=lots,
    )


def capability_by_site(
    records: LotRecords,
    name: str,
    spec: Specification,
    *,
    method: str = "normal",
    confidence: float = 0.95,
) -> list[tuple[str, Capability]]:
    """The capability of one measurement at each site of the records."""
    from genofab.engines.records.capability import capability

    unit = records.measurements[records.measurement_index(name)].unit
    return [
        (
            site,
            capability(
                records.select(site=site).values(name),
                lower=spec.lower,
                upper=spec.upper,
                method=method,
                confidence=confidence,
                measurement=name,
                unit=unit,
            ),
        )
        for site in records.sites()
    ]


def site_distributions(records: LotRecords, names: list[str] | None = None) -> list[Any]:
    """Each named measurement (default: every one) at each site summarised side by side
    (engines.records.summary.SiteDistribution), in measurement then site order; a site where
    a measurement has no value is left out of that measurement."""
    from genofab.engines.records.summary import site_distribution

    found = []
    for name in names or [m.name for m in records.measurements]:
        unit = records.measurements[records.measurement_index(name)].unit
        for site in records.sites():
            values = records.select(site=site).values(name)
            if not np.isfinite(values).any():
                continue
            found.append(site_distribution(values, measurement=name, unit=unit, site=site))
    return found


def lots_out_of_spec(records: LotRecords, name: str, spec: Specification) -> list[tuple[str, Any]]:
    """The lots of each site whose value of ``name`` (the mean of its replicates) lies outside
    the specification: (site, engines.records.summary.OutOfSpecification), sites in file order
    and lots in chart order; the QC results judged against their specification."""
    from genofab.engines.records.summary import outside_specification

    index = records.measurement_index(name)
    found = []
    for site in records.sites():
        chosen = records.select(site=site)
        ordered = [lot for lot in chosen.in_order(name) if any(v == v for v in lot.values[index])]
        values = chosen.values(name)
        lots = tuple(lot.lot_id for lot in ordered)
        found += [
            (site, item) for item in outside_specification(values, lots, spec.lower, spec.upper)
        ]
    return found


def reference_site(records: LotRecords, reference: str | None) -> tuple[str, list[str]]:
    """The reference site (the first by default) and the others; an error with one site."""
    sites = list(records.sites())
    if len(sites) < 2:
        raise UsageError(f"{records.file} has one site ({sites[0]}): nothing to compare")
    if reference is not None and reference not in sites:
        raise UsageError(f"no site '{reference}'{did_you_mean(reference, sites)}")
    first = reference or sites[0]
    return first, [s for s in sites if s != first]


def site_equivalence(
    records: LotRecords,
    reference: str,
    names: list[str],
    margins: Mapping[str, Margin] | None = None,
) -> list[Equivalence]:
    """TOST of each named measurement between the reference site and every other: titres and
    other positive amounts as a ratio, yields and percentages as a difference; the margin
    stated, else ±1.5 SD of the reference lots."""
    margins = margins or {}
    base = records.select(site=reference)
    verdicts = []
    for other in [s for s in records.sites() if s != reference]:
        them = records.select(site=other)
        for name in names:
            unit = records.measurements[records.measurement_index(name)].unit
            verdicts.append(
                _verdict(
                    base.values(name), them.values(name), name, unit, (reference, other), margins
                )
            )
    return verdicts


def _verdict(
    a: np.ndarray,
    b: np.ndarray,
    name: str,
    unit: str,
    names: tuple[str, str],
    margins: Mapping[str, Margin],
) -> Equivalence:
    """One TOST: a ratio for positive amounts (not for '%' or plain numbers) unless the margin
    is stated as an amount; the margin stated in ``margins``, else the default."""
    from genofab.engines.records.comparison import compare_sites

    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    positive = bool((a > 0).all() and (b > 0).all())
    scale = "ratio" if positive and unit not in {"", "%"} else "difference"
    margin = None
    source = ""
    stated = margins.get(name)
    if stated is not None:
        if stated.kind == "percent" and scale == "ratio":
            margin = (1 - stated.value / 100, 1 / (1 - stated.value / 100))
            source = f"stated: {stated.value:g} % lower to its inverse higher, as a ratio"
        elif stated.kind == "percent":
            half = stated.value / 100 * float(abs(a.mean()))
            margin = (-half, half)
            source = f"stated: ±{stated.value:g} % of the reference mean"
        else:
            scale = "difference"
            margin = (-stated.value, stated.value)
            source = f"stated: ±{stated.value:g} {unit}".rstrip()
    return compare_sites(
        a,
        b,
        measurement=name,
        unit=unit,
        names=names,
        scale=scale,
        margin=margin,
        margin_source=source,
    )


def measured_parameters(
    records: LotRecords, scenario: Scenario, mapping: Mapping[str, str] | None = None
) -> dict[str, tuple[str, float]]:
    """The measurements that measure a scenario parameter: name → (path, factor from the
    column's unit to the parameter's base unit)."""
    from genofab.io.records_scenario import base_factor, match_parameters

    found = {}
    for item in match_parameters(records, scenario, mapping):
        if item.path is None:
            continue
        unit = records.measurements[records.measurement_index(item.measurement)].unit
        found[item.measurement] = (item.path, base_factor(scenario, item.path, unit))
    return found


@dataclass(frozen=True)
class SiteConsequences:
    """Each lot of one site turned into doses per lot and cost per dose."""

    site: str
    lots: tuple[str, ...]
    left_out: tuple[str, ...]
    values: dict[str, np.ndarray]
    units: dict[str, str]


def site_consequences(
    records: LotRecords,
    scenario: Scenario,
    site: str,
    measured: Mapping[str, tuple[str, float]],
) -> SiteConsequences:
    """The lots of one site through the scenario's engines, each with its own measured values
    (the rest at the scenario's values); lots missing one of the measurements are left out."""
    from genofab.engines.records.consequences import lot_consequences

    chosen = records.select(site=site)
    ordered = chosen.in_order()
    columns = {}
    for name, (path, factor) in measured.items():
        index = chosen.measurement_index(name)
        with np.errstate(all="ignore"):
            columns[path] = (
                np.array(
                    [
                        np.nanmean(lot.values[index]) if lot.values[index] else np.nan
                        for lot in ordered
                    ]
                )
                * factor
            )
    whole = np.all([np.isfinite(column) for column in columns.values()], axis=0)
    kept = tuple(lot.lot_id for lot, ok in zip(ordered, whole, strict=True) if ok)
    left = tuple(lot.lot_id for lot, ok in zip(ordered, whole, strict=True) if not ok)
    if not kept:
        raise UsageError(f"site {site}: no lot has every measured parameter")
    values, units, _ = lot_consequences(
        scenario, {path: column[whole] for path, column in columns.items()}
    )
    return SiteConsequences(site, kept, left, values, units)


def consequence_equivalence(
    records: LotRecords,
    scenario: Scenario,
    reference: str,
    margins: Mapping[str, Margin] | None = None,
    mapping: Mapping[str, str] | None = None,
) -> list[Equivalence]:
    """Sites compared in the units that matter: each lot's measured values propagated through
    the scenario to its doses per lot and cost per dose, then a TOST of each site against the
    reference on those, with a margin in doses or in money (``margins`` by result name)."""
    from genofab.engines.records.consequences import CONSEQUENCES

    measured = measured_parameters(records, scenario, mapping)
    if not measured:
        raise UsageError(
            f"no measurement of {records.file} matches a parameter of {scenario.name}: nothing"
            " to propagate (map them with --map)"
        )
    base = site_consequences(records, scenario, reference, measured)
    verdicts = []
    for other in [s for s in records.sites() if s != reference]:
        them = site_consequences(records, scenario, other, measured)
        for name in CONSEQUENCES:
            if name not in base.values:
                continue
            verdict = _verdict(
                base.values[name],
                them.values[name],
                name,
                base.units[name],
                (reference, other),
                margins or {},
            )
            left = len(base.left_out) + len(them.left_out)
            note = (
                f"; each lot's {', '.join(measured)} through {scenario.name} (the other"
                " parameters at the scenario's values)"
                + (f"; {left} lots without every measurement left out" if left else "")
            )
            verdicts.append(verdict.model_copy(update={"note": verdict.note + note}))
    return verdicts


@dataclass(frozen=True)
class SiteFits:
    """One site's lots fitted into the scenario, and the scenario so calibrated (None when
    fitted without a scenario, by :func:`measurement_fits`)."""

    site: str
    calibration: Any
    scenario: Any


def site_fits(
    records: LotRecords,
    sites: list[str],
    scenario: Path,
    mapping: Mapping[str, str] | None = None,
) -> list[SiteFits]:
    """Each site's lots fitted into a copy of the scenario (as ``records fit`` does)."""
    from genofab.io.records_scenario import calibrate, calibrated_text
    from genofab.io.scenario_file import load_scenario, parse_scenario

    loaded = load_scenario(scenario)
    text = scenario.read_text(encoding="utf-8")
    found = []
    for site in sites:
        calibration = calibrate(records.select(site=site), loaded.scenario, mapping=mapping)
        fitted = parse_scenario(calibrated_text(text, calibration), f"{scenario} ({site})")
        found.append(SiteFits(site, calibration, fitted.scenario))
    return found


#: The unit a fit of a percentage column is reported in (it is fitted as a fraction).
FRACTION_OF_PERCENT = "fraction (the column's % ÷ 100)"


def measurement_fits(records: LotRecords, sites: list[str] | None = None) -> list[SiteFits]:
    """Each site's measurements fitted without a scenario (what ``records fit`` would rank,
    but nothing is written): normal, lognormal, gamma and Weibull by maximum likelihood in the
    column's unit, percentages as fractions with beta among them, ranked by AIC; and the lot
    failure rate as a beta posterior. A measurement of fewer than the fitting minimum of lots
    is listed as skipped, saying why. ``scenario`` of each result is None."""
    from genofab.engines.records.fitting import MIN_LOTS, failure_rate, fit_distributions
    from genofab.io.records_scenario import Calibration, Matched, ParameterFit

    provenance = f"{records.file}, sha256 {records.sha256[:12]}"
    found = []
    for site in sites or list(records.sites()):
        chosen = records.select(site=site)
        fits, skipped = [], []
        for measurement in chosen.measurements:
            values = chosen.values(measurement.name)
            values = values[np.isfinite(values)]
            if values.size < MIN_LOTS:
                skipped.append(
                    Matched(
                        measurement.name,
                        None,
                        f"measured in {values.size} lots; a fit needs at least {MIN_LOTS}",
                    )
                )
                continue
            percent = measurement.unit == "%"
            try:
                fit = fit_distributions(values / 100 if percent else values, fraction=percent)
            except UsageError as error:
                skipped.append(Matched(measurement.name, None, str(error)))
                continue
            unwritten = fit.note.replace(
                "written as the predictive",
                "with a scenario, it would be written as the predictive",
            )
            fit = fit.model_copy(update={"note": unwritten})
            fits.append(
                ParameterFit(
                    measurement=measurement.name,
                    path="",
                    unit=measurement.unit,
                    base_unit=FRACTION_OF_PERCENT if percent else measurement.unit,
                    fit=fit,
                    source=(
                        f"batch records: {chosen.describe(int(values.size))} ({provenance});"
                        f" {fit.chosen} by maximum likelihood (not written: no scenario)"
                    ),
                    uncertainty={},
                )
            )
        found.append(
            SiteFits(
                site,
                Calibration(
                    fits=tuple(fits),
                    failure=failure_rate(*chosen.failures()),
                    failure_uncertainty=None,
                    skipped=tuple(skipped),
                    provenance=provenance,
                ),
                None,
            )
        )
    return found


def site_predictions(fits: list[SiteFits], samples: int, seed: int) -> list[dict[str, Any]]:
    """Every site against the first of ``fits`` on patients per year, cost per dose and doses
    per lot, by Monte Carlo on common random numbers (engines.uncertainty.compare)."""
    from genofab.engines.uncertainty.compare import compare_spread
    from genofab.engines.uncertainty.monte_carlo import check_samples
    from genofab.results.run import ScenarioInfo

    check_samples(samples)
    base = fits[0]
    blocks = []
    for other in fits[1:]:
        result = compare_spread(
            base.scenario,
            other.scenario,
            samples,
            seed,
            origin_a=ScenarioInfo(name=f"{base.scenario.name}, site {base.site}"),
            origin_b=ScenarioInfo(name=f"{other.scenario.name}, site {other.site}"),
        )
        rows = [
            {
                "result": chance.result,
                "unit": chance.unit,
                "better": chance.better,
                "mean_reference": chance.mean_a,
                "mean_site": chance.mean_b,
                "site_better": chance.b_better,
                "tie": chance.tie,
            }
            for chance in result.chances
            if chance.result in PREDICTED
        ]
        blocks.append(
            {
                "reference": base.site,
                "site": other.site,
                "samples": samples,
                "seed": seed,
                "common_inputs": list(result.common_inputs),
                "results": rows,
            }
        )
    return blocks


@dataclass
class RecordsReview:
    """Everything the records section of a report shows, each part from the function the
    ``genofab records`` command of the same name calls."""

    lots: LotRecords
    baseline: int | None
    rules: tuple[str, ...]
    charts: list[tuple[str, ControlChart]] = field(default_factory=list)
    capability: list[tuple[str, Capability]] = field(default_factory=list)
    reference: str | None = None
    equivalence: list[Equivalence] = field(default_factory=list)
    fits: list[SiteFits] = field(default_factory=list)
    predictions: list[dict[str, Any]] = field(default_factory=list)
    monitoring: MonitoringRecords | None = None
    excursions: MonitoringReport | None = None
    notes: list[str] = field(default_factory=list)
    distributions: list[Any] = field(default_factory=list)
    out_of_spec: list[tuple[str, str, Any]] = field(default_factory=list)


def review_records(
    lots: LotRecords,
    *,
    monitoring: MonitoringRecords | None = None,
    scenario: Path | None = None,
    specifications: Mapping[str, Specification] | None = None,
    margins: Mapping[str, Margin] | None = None,
    baseline: int | None = None,
    rules: tuple[str, ...] | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 1,
    fits: bool = True,
) -> RecordsReview:
    """The whole review of a records file: a chart of every measurement at every site,
    capability where a specification is given, each measurement's sites side by side and
    equivalence of every site to the first, each
    site's fits (with a scenario, written into copies of it and the predictions from them;
    without one, :func:`measurement_fits`); with monitoring, its
    excursions and the lots they touch. A part that cannot be computed (too few lots at a site)
    is left out with a note saying why. ``fits=False`` leaves the scenario-free fits out (a
    caller that fits through a scenario of its own: they cost seconds)."""
    from genofab.engines.records.control import RULE_SETS
    from genofab.engines.records.monitoring import monitoring_report

    rules = RULE_SETS["nelson"] if rules is None else rules
    names = [m.name for m in lots.measurements]
    for name in [*(specifications or {}), *(margins or {})]:
        if name not in names:
            raise UsageError(f"no measurement '{name}' in {lots.file}{did_you_mean(name, names)}")
    review = RecordsReview(lots=lots, baseline=baseline, rules=rules)
    for site in lots.sites():
        chosen = lots.select(site=site)
        for name in names:
            try:
                review.charts.append((site, chart_for(chosen, name, baseline, rules)))
            except UsageError as error:
                review.notes.append(f"no chart of {name} at {site}: {error}")
    for name, spec in (specifications or {}).items():
        try:
            review.capability += capability_by_site(lots, name, spec)
            review.out_of_spec += [
                (name, site, item) for site, item in lots_out_of_spec(lots, name, spec)
            ]
        except UsageError as error:
            review.notes.append(f"no capability of {name}: {error}")
    sites = list(lots.sites())
    if len(sites) > 1:
        review.reference = sites[0]
        review.distributions = site_distributions(lots, names)
        for name in names:
            try:
                review.equivalence += site_equivalence(lots, sites[0], [name], margins)
            except UsageError as error:
                review.notes.append(f"no site comparison of {name}: {error}")
    if scenario is not None:
        if len(sites) > 1:
            from genofab.io.scenario_file import load_scenario

            try:
                review.equivalence += consequence_equivalence(
                    lots, load_scenario(scenario).scenario, sites[0], margins
                )
            except UsageError as error:
                review.notes.append(f"no comparison in doses and cost: {error}")
        review.fits = site_fits(lots, sites, scenario)
        if len(review.fits) > 1:
            review.predictions = site_predictions(review.fits, samples, seed)
    elif fits:
        review.fits = measurement_fits(lots, sites)
    if monitoring is not None:
        review.monitoring = monitoring
        review.excursions = monitoring_report(monitoring, lots)
    return review
