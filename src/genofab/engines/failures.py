"""Which steps a lot started runs, given the failure modes and where each is found.

``reach[j]`` is the probability that a lot started runs step j: the product of (1 − p) over
the failure modes found at a step before j (a lot found failed at step k has run step k).
The probability that a lot fails is 1 − Π(1 − p) over every mode and the failure found at
release (``economics.lot_failure_probability``). Element-wise over samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genofab.engines.arrays import Array, Values
from genofab.model.scenario import Scenario

#: Path of the probability that a lot fails at release (all steps run).
RELEASE_FAILURE = "economics.lot_failure_probability"


@dataclass(frozen=True)
class FailureArrays:
    """Failure of one lot started; each figure broadcasts to the sample shape."""

    probability: Array
    reach: tuple[Array, ...]


def failure_arrays(scenario: Scenario, values: Values) -> FailureArrays:
    """The probability that a lot started fails, and that it runs each step."""
    steps = scenario.process.steps
    index = {step.name: i for i, step in enumerate(steps)}
    survive_after = [np.ones(()) for _ in steps]  # Π(1 − p) of modes found before each step
    survive = np.ones(())
    for m, mode in enumerate(scenario.process.failure_modes):
        keep = 1.0 - np.asarray(values[f"process.failure_modes[{m}].probability"], dtype=float)
        survive = survive * keep
        for j in range(index[mode.detected_at] + 1, len(steps)):
            survive_after[j] = survive_after[j] * keep
    release = np.asarray(values.get(RELEASE_FAILURE, 0.0), dtype=float)
    return FailureArrays(probability=1.0 - survive * (1.0 - release), reach=tuple(survive_after))
