"""Distributions fitted from batch records, written into a copy of a scenario as the
``uncertainty`` of the parameters they measure (ruamel.yaml round trip: comments, order and
layout of the rest of the file are kept).

A measurement is matched to a scenario parameter by its name: ``<step kind>.<field>`` (the
step of that kind, when the process has exactly one: ``production_bioreactor.titer``,
``chromatography.step_yield``), or an explicit ``--map measurement=path``. The lot failure
rate of the records goes to ``economics.lot_failure_probability``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from genofab.engines.records.fitting import FailureRate, Fit, failure_rate, fit_distributions
from genofab.errors import UsageError, did_you_mean
from genofab.model.records import LotRecords
from genofab.model.scenario import Scenario

FAILURE_PATH = "economics.lot_failure_probability"


@dataclass(frozen=True)
class Matched:
    """A measurement and the scenario parameter it measures (or why none)."""

    measurement: str
    path: str | None
    reason: str = ""


def match_parameters(
    records: LotRecords, scenario: Scenario, mapping: Mapping[str, str] | None = None
) -> list[Matched]:
    """Each measurement of the records with the scenario parameter it measures."""
    specs = scenario.specs()
    mapping = dict(mapping or {})
    names = [m.name for m in records.measurements]
    for name, path in mapping.items():
        if name not in names:
            raise UsageError(
                f"--map {name}={path}: no measurement '{name}' in {records.file}"
                f"{did_you_mean(name, names)}"
            )
        if path not in specs:
            raise UsageError(
                f"--map {name}={path}: '{path}' is not a parameter of the scenario"
                f"{did_you_mean(path, list(specs))}"
            )
    steps = scenario.process.steps
    found = []
    for name in names:
        if name in mapping:
            found.append(Matched(name, mapping[name]))
            continue
        kind, _, field = name.rpartition(".")
        at = [i for i, step in enumerate(steps) if getattr(step, "kind", None) == kind]
        if not kind or not at:
            found.append(Matched(name, None, "no step of that kind in the scenario"))
        elif len(at) > 1:
            found.append(Matched(name, None, f"{len(at)} steps are {kind}: say which with --map"))
        elif f"process.steps[{at[0]}].{field}" not in specs:
            found.append(Matched(name, None, f"the {kind} step has no parameter '{field}'"))
        else:
            found.append(Matched(name, f"process.steps[{at[0]}].{field}"))
    return found


def base_factor(scenario: Scenario, path: str, unit: str) -> float:
    """How many of the parameter's base unit one ``unit`` of a records column is (1 for a
    column without a unit)."""
    _, spec = scenario.parameter(path)
    assert spec is not None
    return float(spec.parse(f"1 {unit}").value) if unit else 1.0


@dataclass(frozen=True)
class ParameterFit:
    """One measurement fitted for one scenario parameter."""

    measurement: str
    path: str
    unit: str
    base_unit: str
    fit: Fit
    source: str
    uncertainty: dict[str, Any]


@dataclass(frozen=True)
class Calibration:
    """What a calibration wrote: the fits, the failure rate and what was left out."""

    fits: tuple[ParameterFit, ...]
    failure: FailureRate | None
    failure_uncertainty: dict[str, Any] | None
    skipped: tuple[Matched, ...]
    provenance: str


def calibrate(
    records: LotRecords,
    scenario: Scenario,
    *,
    mapping: Mapping[str, str] | None = None,
    parameters: list[str] | None = None,
    failures: bool = True,
) -> Calibration:
    """Fit every matched measurement (or those named) and the failure rate."""
    from genofab.model.parameter import PER_CELL

    matched = match_parameters(records, scenario, mapping)
    if parameters:
        known = [m.measurement for m in matched]
        for name in parameters:
            if name not in known:
                raise UsageError(
                    f"no measurement '{name}' in {records.file}{did_you_mean(name, known)}"
                )
        matched = [m for m in matched if m.measurement in parameters]
        unmatched = [m for m in matched if m.path is None]
        if unmatched:
            raise UsageError(
                f"{unmatched[0].measurement}: {unmatched[0].reason}; map it with"
                f" --map {unmatched[0].measurement}=PATH"
            )
    from genofab.engines.records.fitting import MIN_LOTS

    provenance = f"{records.file}, sha256 {records.sha256[:12]}"
    fits = []
    skipped = [m for m in matched if m.path is None]
    for item in matched:
        if item.path is None:
            continue
        measured = records.values(item.measurement).size
        if measured < MIN_LOTS and not parameters:
            skipped.append(
                Matched(
                    item.measurement,
                    None,
                    f"measured in {measured} lots; a fit needs at least {MIN_LOTS}",
                )
            )
            continue
        index = records.measurement_index(item.measurement)
        unit = records.measurements[index].unit
        parameter, spec = scenario.parameter(item.path)
        assert spec is not None
        factor = base_factor(scenario, item.path, unit)
        base = records.values(item.measurement) * factor
        fraction = spec.high == 1.0 and parameter.unit in {"", PER_CELL}
        fit = fit_distributions(base, fraction=fraction)
        count = int(base.size)
        source = (
            f"batch records: {records.describe(count)} ({provenance}); {fit.chosen} by maximum"
            f" likelihood, predictive spread of {count} lots"
        )
        fits.append(
            ParameterFit(
                measurement=item.measurement,
                path=item.path,
                unit=unit,
                base_unit=parameter.unit,
                fit=fit,
                source=source,
                uncertainty=_written(fit, parameter, spec, unit, factor, source),
            )
        )
    failure = failure_uncertainty = None
    specs = scenario.specs()
    if failures and FAILURE_PATH in specs:
        failure = failure_rate(*records.failures())
        spec = specs[FAILURE_PATH]
        top = spec.high if spec is not None and spec.high is not None else 1.0
        failure_uncertainty = {
            "kind": "beta",
            "alpha": round(failure.alpha, 6),
            "beta": round(failure.beta, 6),
            "high": top,
            "source": (
                f"batch records: {failure.failed} failed of {records.describe()} ({provenance});"
                f" beta posterior from a uniform prior, on [0, {top:g}] (the field's range)"
            ),
        }
    return Calibration(
        fits=tuple(fits),
        failure=failure,
        failure_uncertainty=failure_uncertainty,
        skipped=tuple(skipped),
        provenance=provenance,
    )


def _written(
    fit: Fit, parameter: Any, spec: Any, unit: str, factor: float, source: str
) -> dict[str, Any]:
    """The ``uncertainty`` mapping as written in the file: amounts in the records' unit."""

    def amount(value: float) -> Any:
        if unit and parameter.unit:
            return f"{value / factor:.6g} {unit}"
        return float(f"{value:.6g}")

    p = fit.predictive
    written: dict[str, Any] = {"kind": fit.chosen}
    if fit.chosen == "normal":
        written["mean"] = amount(p["mean"])
        written["sd"] = amount(p["sd"])
        if spec.low is not None:
            written["low"] = amount(spec.low) if spec.low != 0 else 0
        if spec.high is not None:
            written["high"] = amount(spec.high)
    elif fit.chosen == "lognormal":
        written["median"] = amount(p["median"])
        written["gsd"] = float(f"{p['gsd']:.6g}")
    elif fit.chosen in {"gamma", "weibull"}:
        written["shape"] = float(f"{p['shape']:.6g}")
        written["scale"] = amount(p["scale"])
    else:
        written["alpha"] = float(f"{p['alpha']:.6g}")
        written["beta"] = float(f"{p['beta']:.6g}")
    written["source"] = source
    return written


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _path_parts(path: str) -> list[str | int]:
    return [int(index) if index else key for key, index in _STEP.findall(path)]


def write_uncertainties(
    text: str,
    entries: Mapping[str, Mapping[str, Any]],
    defaults: Mapping[str, Any],
    measured: frozenset[str] = frozenset(),
) -> str:
    """The scenario text with ``uncertainty`` set at each path (a plain value becomes
    ``{value: ..., uncertainty: ...}``; a missing parameter given in ``defaults`` is added);
    at a path in ``measured`` the value and source of ``defaults`` replace those stated (the
    records measured it: a stated assumption may lie outside what they allow)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    document = yaml.load(text)
    for path, uncertainty in entries.items():
        parts = _path_parts(path)
        node: Any = document
        for part in parts[:-1]:
            if isinstance(part, str) and part not in node:
                node[part] = CommentedMap()
            node = node[part]
        last = parts[-1]
        mapping = CommentedMap()
        for key, value in uncertainty.items():
            mapping[key] = value
        current = node.get(last) if isinstance(last, str) else node[last]
        if path in measured and current is not None:
            current = None  # replaced by the records' estimate below
        if current is None:
            default = defaults.get(path)
            if default is None:
                raise UsageError(f"{path} is not in the scenario file")
            current = CommentedMap(default)
            node[last] = current
        if isinstance(current, dict):
            current["uncertainty"] = mapping
        else:
            node[last] = CommentedMap({"value": current, "uncertainty": mapping})
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def calibrated_text(text: str, calibration: Calibration) -> str:
    """The scenario text with every fit of ``calibration`` written in."""
    entries: dict[str, Mapping[str, Any]] = {f.path: f.uncertainty for f in calibration.fits}
    defaults: dict[str, Any] = {}
    if calibration.failure is not None and calibration.failure_uncertainty is not None:
        entries[FAILURE_PATH] = calibration.failure_uncertainty
        defaults[FAILURE_PATH] = {
            "value": float(f"{calibration.failure.mean:.6g}"),
            "source": "batch records: the mean of the posterior below",
        }
    return write_uncertainties(text, entries, defaults, frozenset(defaults))
