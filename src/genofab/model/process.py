"""The process recipe: ordered steps from seed train to QC release."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator, model_validator

from genofab.model.base import Frozen, Problems, Text, deferred, raise_problems, repeat_problems
from genofab.model.failures import FailureMode, failure_mode_problems
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
    failure_modes: tuple[FailureMode, ...] = Field(
        default=(),
        max_length=50,
        description="ways a lot fails, each with its probability and the step where it is found",
    )

    @field_validator("steps")
    @classmethod
    def _steps_in_a_workable_order(
        cls, steps: tuple[Step, ...], info: ValidationInfo
    ) -> tuple[Step, ...]:
        if not deferred(info):
            raise_problems(order_problems(steps))
        return steps

    @model_validator(mode="after")
    def _failures_found_at_steps(self, info: ValidationInfo) -> Process:
        if not deferred(info):
            raise_problems(
                failure_mode_problems(self.failure_modes, [step.name for step in self.steps])
            )
        return self

    @property
    def production_index(self) -> int:
        """Index of the step that makes the product."""
        return next(i for i, step in enumerate(self.steps) if isinstance(step, ProductionStep))

    @property
    def fill_index(self) -> int:
        """Index of the fill step."""
        return next(i for i, step in enumerate(self.steps) if isinstance(step, FillStep))


#: Operations on the bulk product, impossible once it is filled into vials or bags
#: (cryopreservation and formulation may follow the fill: a bag is frozen, a vial labelled).
BULK_ONLY = frozenset(
    {"harvest", "lysis", "clarification", "chromatography", "tff", "sterile_filtration"}
)


def order_problems(steps: tuple[Step, ...]) -> Problems:
    """Every way the step list breaks the order rules, as (path, message)."""
    problems = repeat_problems([step.name for step in steps], "process.steps", "name")
    production = [i for i, step in enumerate(steps) if isinstance(step, ProductionStep)]
    fills = [i for i, step in enumerate(steps) if isinstance(step, FillStep)]
    releases = [i for i, step in enumerate(steps) if isinstance(step, QCReleaseStep)]
    if len(production) != 1:
        problems.append(
            (
                "process.steps",
                f"needs exactly one production_bioreactor step, found {len(production)}",
            )
        )
    if len(fills) != 1:
        problems.append(("process.steps", f"needs exactly one fill step, found {len(fills)}"))
    if len(releases) > 1:
        problems.append(
            (
                f"process.steps[{releases[1]}]",
                "is a second qc_release step; at most one is allowed",
            )
        )
    if len(production) != 1 or len(fills) != 1:
        return problems
    made, filled = production[0], fills[0]
    for i, step in enumerate(steps):
        path = f"process.steps[{i}]"
        if isinstance(step, TimedStep):
            continue
        if i < made:
            problems.append((path, f"'{step.name}' ({step.kind}) comes before the product is made"))
        if isinstance(step, QCReleaseStep) and i < filled:
            problems.append((path, f"'{step.name}' (qc_release) comes before the fill"))
        if isinstance(step, ProcessingStep) and i > filled and step.kind in BULK_ONLY:
            problems.append(
                (
                    f"{path}.kind",
                    f"'{step.name}' ({step.kind}) comes after the fill: it works on the bulk"
                    " product, which is in its containers by then; move it before the fill",
                )
            )
        elif isinstance(step, ProcessingStep) and i > filled and step.changes_volume:
            problems.append(
                (
                    path,
                    f"'{step.name}' comes after the fill, so it may only have a step_yield"
                    " (no output_volume, output_concentration or sample_volume)",
                )
            )
    return problems
