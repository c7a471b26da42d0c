"""A run: the lot, the facility's capacity and, when the scenario has an economics section,
the cost of goods and the fair price. :func:`run_arrays` evaluates any number of samples at
once; :func:`evaluate` is one deterministic run with the inputs used and its results."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from genofab import __version__
from genofab.engines.arrays import Values
from genofab.engines.capacity import CapacityArrays, capacity_arrays, capacity_result
from genofab.engines.economics import (
    CostArrays,
    FailedLots,
    cost_arrays,
    economics_result,
    expected_failures,
    sized_values,
)
from genofab.engines.lot import LotArrays, lot_arrays, lot_result
from genofab.errors import InfeasibleError
from genofab.model.scenario import Scenario
from genofab.results.run import InputRow, RunResult, ScenarioInfo


@dataclass(frozen=True)
class RunArrays:
    """Every engine's arrays for the samples in ``values`` (room counts sized to the demand
    when the economics ask for it)."""

    values: Values
    lot: LotArrays
    capacity: CapacityArrays
    cost: CostArrays | None


def run_arrays(
    scenario: Scenario, values: Values, failures: FailedLots = expected_failures
) -> RunArrays:
    """Lot, capacity and cost arrays; with ``facility_sizing: to_demand`` the room counts are
    those the yearly demand needs. ``failures`` gives the failed lots of a year (by default
    the expected number; the Monte Carlo draws them)."""
    lot = lot_arrays(scenario, values)
    capacity = capacity_arrays(scenario, lot, values)
    economics = scenario.economics
    if economics is not None and economics.facility_sizing == "to_demand":
        values = sized_values(scenario, values, lot, capacity)
        capacity = capacity_arrays(scenario, lot, values)
    cost = cost_arrays(scenario, values, lot, capacity, failures) if economics is not None else None
    return RunArrays(values=values, lot=lot, capacity=capacity, cost=cost)


def evaluate(scenario: Scenario, origin: ScenarioInfo | None = None) -> RunResult:
    """Lot, capacity and cost figures of ``scenario``; raises :class:`~genofab.InfeasibleError`
    when the lot or the facility cannot deliver."""
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is named by check_finite
        arrays = run_arrays(scenario, scenario.values())
        lot = lot_result(scenario, arrays.values, arrays.lot)
        capacity = capacity_result(scenario, arrays.values, arrays.lot, arrays.capacity)
        economics = None
        if arrays.cost is not None:
            economics = economics_result(scenario, arrays.values, arrays.cost)
    result = RunResult(
        genofab_version=__version__,
        scenario=origin or ScenarioInfo(name=scenario.name),
        lot=lot,
        capacity=capacity,
        economics=economics,
        inputs=tuple(
            InputRow(
                path=path,
                value=p.value,
                unit=p.unit,
                given=p.given,
                source=p.source,
                uncertain=p.uncertainty is not None,
            )
            for path, p in scenario.parameters()
        ),
    )
    check_finite(scenario, result)
    return result


def check_finite(scenario: Scenario, result: RunResult) -> None:
    """Raise :class:`~genofab.InfeasibleError` when a result is infinite or undefined (inputs
    so large or small that the arithmetic overflows), naming the input farthest from 1 in
    its base unit, the likeliest cause; nothing infinite is ever shown or written."""
    found = _first_non_finite(result.model_dump(exclude={"inputs"}), "")
    if found is None:
        return
    where, value = found
    sized = [(path, p) for path, p in scenario.parameters() if p.value]
    path, parameter = max(sized, key=lambda item: abs(math.log10(abs(item[1].value))))
    raise InfeasibleError(
        path,
        f"the result {where} comes out as {value} (not a finite number); '{parameter.given}' is"
        " the input farthest from 1 in its unit: check it and its unit",
    )


def _first_non_finite(node: object, path: str) -> tuple[str, float] | None:
    """The first infinite or NaN number in a dumped result, with its path."""
    if isinstance(node, float) and not math.isfinite(node):
        return path, node
    items: Iterable[tuple[object, object]]
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list | tuple):
        items = ((f"[{i}]", item) for i, item in enumerate(node))
    else:
        return None
    for key, item in items:
        key = str(key)
        child = f"{path}{key}" if key.startswith("[") else f"{path}.{key}" if path else key
        found = _first_non_finite(item, child)
        if found is not None:
            return found
    return None
