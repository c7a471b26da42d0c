"""The process recipe: ordered steps from seed train to QC release."""

from __future__ import annotations

from pydantic import Field, field_validator

from genofab.model.base import Frozen, Text
from genofab.model.steps import (
    FillStep,
    ProcessingStep,
    ProductionStep,
    QCReleaseStep,
    Step,
    TimedStep,
)


class Process(Frozen):
    """Ordered steps of one lot. Exactly one production step makes the product, exactly one
    fill step after it makes the containers; QC release, if present, comes after the fill."""

    name: Text | None = None
    steps: tuple[Step, ...] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _steps_in_a_workable_order(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        problems = order_problems(steps)
        if problems:
            raise ValueError("; ".join(problems))
        return steps

    @property
    def production_index(self) -> int:
        """Index of the step that makes the product."""
        return next(i for i, step in enumerate(self.steps) if isinstance(step, ProductionStep))

    @property
    def fill_index(self) -> int:
        """Index of the fill step."""
        return next(i for i, step in enumerate(self.steps) if isinstance(step, FillStep))


def order_problems(steps: tuple[Step, ...]) -> list[str]:
    """Every way the step list breaks the order rules, as messages naming the steps."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, step in enumerate(steps):
        if step.name in seen:
            problems.append(
                f"steps[{i}] repeats the name '{step.name}' of steps[{seen[step.name]}]"
            )
        seen.setdefault(step.name, i)
    production = [i for i, step in enumerate(steps) if isinstance(step, ProductionStep)]
    fills = [i for i, step in enumerate(steps) if isinstance(step, FillStep)]
    releases = [i for i, step in enumerate(steps) if isinstance(step, QCReleaseStep)]
    if len(production) != 1:
        problems.append(f"needs exactly one production_bioreactor step, found {len(production)}")
    if len(fills) != 1:
        problems.append(f"needs exactly one fill step, found {len(fills)}")
    if len(releases) > 1:
        problems.append(f"has {len(releases)} qc_release steps; at most one is allowed")
    if problems:
        return problems
    made, filled = production[0], fills[0]
    for i, step in enumerate(steps):
        if isinstance(step, TimedStep):
            continue
        if i < made:
            problems.append(
                f"steps[{i}] '{step.name}' ({step.kind}) comes before the product is made"
            )
        if isinstance(step, QCReleaseStep) and i < filled:
            problems.append(f"steps[{i}] '{step.name}' (qc_release) comes before the fill")
        if isinstance(step, ProcessingStep) and i > filled and step.changes_volume:
            problems.append(
                f"steps[{i}] '{step.name}' comes after the fill, so it may only have a step_yield"
                " (no output_volume, output_concentration or sample_volume)"
            )
    return problems
