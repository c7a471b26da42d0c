"""How a lot fails: each failure mode has a probability and the step where it is found.

A lot found failed at step k has run steps 0..k and stops there: the steps after k are not
run, cost nothing and hold no room. ``economics.lot_failure_probability`` stays the failure
found at the last step (QC release, all costs incurred).
"""

from __future__ import annotations

from pydantic import Field

from genofab.model.base import Frozen, Problems, Text
from genofab.model.quantities import Probability


class FailureMode(Frozen):
    """One way a lot fails, e.g. contamination found at the end of production."""

    name: Text
    probability: Probability
    detected_at: Text = Field(description="name of the step at which the failure is found")


def failure_mode_problems(modes: tuple[FailureMode, ...], step_names: list[str]) -> Problems:
    """Failure modes found at a step the process does not have, and failure probabilities
    that add up to a certain failure."""
    problems: Problems = []
    for i, mode in enumerate(modes):
        if mode.detected_at not in step_names:
            problems.append(
                (
                    f"process.failure_modes[{i}].detected_at",
                    f"'{mode.detected_at}' is not a step of the process"
                    f" (it has: {', '.join(step_names)})",
                )
            )
    return problems
