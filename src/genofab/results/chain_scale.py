"""A chain's economies of scale: one stage's parameter (its working volume, say) varied, and
what the therapy treats and costs at each value."""

from __future__ import annotations

from pydantic import Field

from genofab.results.base import Result
from genofab.results.chain import ChainBottleneck, ChainCost
from genofab.results.run import ScenarioInfo


class ChainScalePoint(Result):
    """One value of the scaled stage's parameter; ``status`` says why the chain treats no
    patient at this value (its figures are then null)."""

    value: float
    status: str = Field(description="'ok', or which stage cannot deliver and why")
    patients_per_year: float | None = Field(
        description="patients the chain treats a year (after lot failures)"
    )
    bottleneck: ChainBottleneck | None = Field(description="what limits the patients treated")
    stage_patients_per_year: dict[str, float] | None = Field(
        description="by stage, the patients a year the chain could treat if that stage alone"
        " limited it"
    )
    cost_per_patient: ChainCost | None = Field(
        description="the therapy's cost per patient treated, by stage (summing to the total)"
    )
    patients_per_lot: int | None = Field(description="the scaled stage's patients per lot")
    lots_per_year: int | None = Field(description="lots the scaled stage's rooms complete a year")
    lots_needed_per_year: int | None = Field(
        description="lots the scaled stage must start a year at the chain's rate"
    )
    step_volumes: dict[str, float] | None = Field(
        default=None,
        description="the scaled stage's volume after each step whose output volume follows a"
        " scale rule (L)",
    )
    stage_cost_per_dose: float | None = Field(
        description="the scaled stage's cost per dose delivered when it runs at the chain's rate"
        " (its yearly demand: the chain's patients × its doses per patient treated)"
    )


class ChainScaleResult(Result):
    """A sweep of one stage's parameter (``stage``:``path``, in its base unit) through the
    whole chain."""

    genofab_version: str
    chain: ScenarioInfo
    stage: str
    stage_chosen: str = Field(
        description="'--stage' when the stage was named, else why the default was taken"
    )
    path: str
    unit: str
    currency: str | None
    points: tuple[ChainScalePoint, ...]
