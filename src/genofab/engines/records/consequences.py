"""What each lot's measurements mean for the product: the scenario evaluated once per lot, with
the lot's measured parameters in place of the scenario's values (everything else as the
scenario has it), all lots at once on the vectorised engines of the Monte Carlo.

This turns a titre or a step yield into doses per lot and cost per dose, so that two sites can
be compared in the units that matter, with a margin stated in doses or in money.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from genofab.engines.arrays import per_sample
from genofab.engines.uncertainty.outputs import evaluate_samples, headline_outputs
from genofab.engines.uncertainty.sampling import engine_values, sampling_plan
from genofab.errors import UsageError
from genofab.model.scenario import Scenario

Array = NDArray[np.float64]

#: The results each lot is turned into.
CONSEQUENCES = ("doses_per_lot", "cogs_per_dose")
#: The most lots evaluated at once.
MAX_LOTS = 100_000


def lot_consequences(
    scenario: Scenario, measured: Mapping[str, Array]
) -> tuple[dict[str, Array], dict[str, str], NDArray[np.bool_]]:
    """Each lot's :data:`CONSEQUENCES` (lots in the order of ``measured``'s arrays, one
    value a lot in the parameter's base unit), their units, and which lots can deliver (a lot
    whose values give no dose has a cost per dose of NaN)."""
    sizes = {np.shape(values) for values in measured.values()}
    if len(sizes) != 1 or len(next(iter(sizes))) != 1:
        raise UsageError("every measured parameter needs one value a lot, for the same lots")
    (size,) = next(iter(sizes))
    if not 0 < size <= MAX_LOTS:
        raise UsageError(f"{size} lots: give 1 to {MAX_LOTS:,}")
    plan = sampling_plan(scenario)
    unknown = [path for path in measured if path not in plan.base]
    if unknown:
        raise UsageError(f"{unknown[0]} is not a parameter of the scenario")
    values = engine_values(plan, {path: np.asarray(v, dtype=float) for path, v in measured.items()})
    evaluation = evaluate_samples(scenario, values, samples=size)
    outputs = {output.name: output for output in headline_outputs(scenario)}
    feasible = evaluation.feasible
    found: dict[str, Array] = {}
    units: dict[str, str] = {}
    for name in CONSEQUENCES:
        if name not in outputs:
            continue
        column = np.array(per_sample(outputs[name].read(evaluation), (size,)), dtype=float)
        if name != "doses_per_lot":
            column = np.where(feasible, column, np.nan)
        found[name] = column
        units[name] = outputs[name].unit
    return found, units, np.asarray(feasible)
