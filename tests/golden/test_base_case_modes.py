"""Every shipped example and template that carries distributions states, as its deterministic
value, each distribution's mode (issue 10 item 5): the base case is the most likely case, not
the best case of the file's own uncertainty.

The rule, kind by kind (in the file's own units and parametrisation):

- triangular, PERT: ``mode``; normal: ``mean`` (inside its truncation);
- lognormal: exp(μ − σ²) = median × exp(−σ²), σ = ln gsd (given as mean and SD: the model's
  conversion first);
- beta: low + (α − 1) ÷ (α + β − 2) × (high − low) (given as mean and SD: the method of moments
  first); gamma: (k − 1) θ; Weibull: λ ((k − 1) ÷ k)^(1/k);
- uniform: it has no mode: the value lies strictly inside the range, not at an end (the
  shipped files take the middle);
- empirical: a handful of observations has no useful mode: the value is their median;
- a plan's ``uncertainty`` multipliers (``low``, ``mode``, ``high``): ``mode`` is 1, so the
  stated durations are the mode.

Equal means within 0.1 % (a file states three or four significant figures). The one way out: a
file whose ``name`` says it is a best or worst case, and whose off-mode parameter's ``source``
begins with ``best case``, ``worst case`` or ``calibrated`` and gives the reason (the dossier's
best case, examples/lv-sickle-cell-industrial.yaml, and its template).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from genofab.io.templates import template_text, templates
from genofab.model.distributions import Empirical, Uniform
from genofab.model.uncertainty import read_distribution
from tests.helpers import EXAMPLES

#: Relative tolerance between a stated value and its distribution's mode.
TOLERANCE = 1e-3
#: How a source names an off-mode value on purpose (in a file named a best or worst case).
LABELS = ("best case", "worst case", "calibrated")


def _documents() -> list[tuple[str, Any]]:
    yaml = YAML(typ="safe", pure=True)
    found = [
        (path.relative_to(EXAMPLES).as_posix(), yaml.load(path.read_text(encoding="utf-8")))
        for path in sorted(EXAMPLES.glob("**/*.yaml"))
    ]
    found += [(f"template {name}", yaml.load(template_text(name))) for name in templates()]
    return [(name, data) for name, data in found if isinstance(data, dict)]


def _uncertain(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every quantity ``{value, uncertainty: {kind, ...}}`` in a document, with its path."""
    if isinstance(node, dict):
        if "value" in node and isinstance(node.get("uncertainty"), dict):
            yield path, node
        for key, child in node.items():
            yield from _uncertain(child, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _uncertain(child, f"{path}[{i}]")


def _off_mode(quantity: dict[str, Any]) -> str | None:
    """Why the quantity's value is not its distribution's mode, or None."""
    value = float(quantity["value"])
    raw = {k: v for k, v in quantity["uncertainty"].items() if k != "source"}
    distribution = read_distribution(raw, value, lambda _, number: float(number), None)
    if isinstance(distribution, Uniform):
        if distribution.low < value < distribution.high:
            return None
        low, high = distribution.low, distribution.high
        return f"{value:g} is not strictly inside the uniform's [{low:g}, {high:g}]"
    if isinstance(distribution, Empirical):
        mode = statistics.median(distribution.values)
        what = "the median of the observed values"
    else:
        found = distribution.most_likely()
        assert found is not None, f"a {distribution.kind} with no single mode"
        mode, what = found, f"the {distribution.kind}'s mode"
    if math.isclose(value, mode, rel_tol=TOLERANCE, abs_tol=1e-12):
        return None
    return f"{value:g} is not {what}, {mode:.6g}"


def _plan_multipliers(data: dict[str, Any]) -> Iterator[tuple[str, float]]:
    """A plan's triangular multipliers (``uncertainty.duration.mode`` ...) and their modes."""
    if not str(data.get("format", "")).startswith("genofab-plan/"):
        return
    for key, spec in (data.get("uncertainty") or {}).items():
        if isinstance(spec, dict) and "mode" in spec:
            mode = spec["mode"]
            yield (
                f"uncertainty.{key}.mode",
                float(mode["value"] if isinstance(mode, dict) else mode),
            )


DOCUMENTS = _documents()
CARRYING = [
    (name, data)
    for name, data in DOCUMENTS
    if any(True for _ in _uncertain(data)) or any(True for _ in _plan_multipliers(data))
]


def test_the_files_with_distributions_are_all_found() -> None:
    names = {name for name, _ in CARRYING}
    assert {
        "sickle-cell-gene-therapy/lv-vector.yaml",
        "lv-sickle-cell-industrial.yaml",
        "car-t-network.yaml",
        "sickle-cell-europe.yaml",
        "schedule-4-suites.yaml",
        "template lv-suspension",
    } <= names


@pytest.mark.parametrize(("name", "data"), CARRYING, ids=[name for name, _ in CARRYING])
def test_each_deterministic_value_is_its_distributions_mode(name: str, data: Any) -> None:
    named_case = any(
        label in str(data.get(field, "")).lower()
        for field in ("name", "description")
        for label in ("best case", "worst case")
    )
    wrong = []
    for path, quantity in _uncertain(data):
        why = _off_mode(quantity)
        if why is None:
            continue
        source = str(quantity.get("source", "")).lower()
        labelled = any(
            source.startswith(label) and len(source) > len(label) + 20 for label in LABELS
        )
        if named_case and labelled:
            continue
        wrong.append(f"{path}: {why}")
    for path, mode in _plan_multipliers(data):
        if mode != 1:
            wrong.append(f"{path}: {mode:g}, not 1 (the stated durations are not the mode)")
    assert not wrong, f"{name}: " + "; ".join(wrong)


def test_an_off_mode_value_is_caught(tmp_path: Path) -> None:
    quantity = {"value": 6, "uncertainty": {"kind": "uniform", "low": 3, "high": 6}}
    assert _off_mode(quantity) == "6 is not strictly inside the uniform's [3, 6]"
    beta = {"value": 0.9, "uncertainty": {"kind": "beta", "mean": 0.9, "sd": 0.03}}
    # α = 89.1, β = 9.9 by moments: the mode is 88.1 ÷ 97 = 0.9082
    assert _off_mode(beta) == "0.9 is not the beta's mode, 0.908247"
    assert (
        _off_mode({"value": 0.9, "uncertainty": {"kind": "beta", "alpha": 91, "beta": 11}}) is None
    )
    empirical = {"value": 2, "uncertainty": {"kind": "empirical", "values": [1, 2, 10]}}
    assert _off_mode(empirical) is None
