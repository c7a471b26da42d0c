"""What a therapy made in linked stages gives: patients per year, the stage and room that limit
it, what each stage makes, and the cost per patient by stage (summing to the total)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from genofab.results.base import Result
from genofab.results.economics import FairPrice
from genofab.results.run import RunResult, ScenarioInfo
from genofab.results.uncertainty import Spread, UncertainInput


class ChainBottleneck(Result):
    """What limits the patients treated: a stage's bottleneck room, or a room shared by several
    stages of one site (then ``stage`` is null and ``shared_by`` names them)."""

    stage: str | None
    room: str
    shared_by: tuple[str, ...] = ()


class StageFigures(Result):
    """One stage in the chain, at the chain's rate, and its own run as a scenario."""

    name: str
    scenario: ScenarioInfo
    site: str
    consumes: str | None = Field(description="the stage whose product this one consumes")
    consumes_unit: str | None
    doses_per_patient_treated: float = Field(
        description="the stage's own patient doses made per patient the chain treats (more than 1"
        " upstream of a stage whose lots fail)"
    )
    patients_per_year: float = Field(
        description="patients a year the chain could treat if this stage alone limited it (after"
        " lot failures)"
    )
    lots_per_year: int = Field(description="lots the stage's rooms complete a year (capacity)")
    good_lots_per_year: float = Field(description="lots a year that do not fail, at capacity")
    patients_per_lot: int
    bottleneck_room: str
    lots_needed_per_year: int = Field(description="lots to start a year at the chain's rate")
    cost_per_patient: float | None = Field(
        description="the stage's annual cost at the chain's rate ÷ patients the chain treats"
    )
    result: RunResult = Field(description="the stage's own run, at its own demand, as a scenario")


class SharedRoom(Result):
    """A room kind stages of one site share, and the patients a year it allows."""

    site: str
    kind: str
    stages: tuple[str, ...]
    count: int
    room_days_per_patient: float
    patients_per_year: float


class ChainCost(Result):
    """Cost per patient treated, by stage; ``by_stage`` sums to ``total``."""

    currency: str
    by_stage: dict[str, float]
    total: float
    share_by_stage: dict[str, float]


class ChainResult(Result):
    """Everything one deterministic run of a chain computes."""

    genofab_version: str
    chain: ScenarioInfo
    patients_per_year: float = Field(
        description="patients the therapy treats a year: the smallest a stage or a shared room"
        " allows, after lot failures"
    )
    bottleneck: ChainBottleneck
    cost_per_patient: ChainCost | None
    fair_price: FairPrice | None = Field(
        default=None,
        description="the therapy's fair price per patient: the final stage's pricing on the"
        " whole chain's cost per patient",
    )
    upstream_lots_per_year: dict[str, int] = Field(
        description="lots each upstream stage must start a year at the chain's rate"
    )
    cohort_patients: int | None
    years_to_treat_cohort: float | None = Field(
        description="cohort ÷ patients per year: years of production for the cohort"
    )
    years_to_release_cohort: float | None = Field(
        description="years to treat the cohort plus the first patient's wait for one lot of"
        " every stage in turn (and expected re-made lots)"
    )
    stages: tuple[StageFigures, ...]
    shared_rooms: tuple[SharedRoom, ...]

    def stage(self, name: str) -> StageFigures:
        """The figures of stage ``name``."""
        return next(stage for stage in self.stages if stage.name == name)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict, the headline figures first."""
        return self.model_dump(mode="json")


class ChainFailedSample(Result):
    """A sample in which a stage cannot deliver (the first such stage), with its draws."""

    sample: int
    stage: str
    status: str
    inputs: dict[str, float]


class ChainMonteCarloResult(Result):
    """The spread of a chain's results over ``samples`` draws from ``seed``.

    Each stage draws from its own seed (``stage_seeds``: ``genofab run STAGE --samples N
    --seed S`` draws the same values alone), except the parameters in ``shared``. A sample in
    which a stage cannot deliver treats no patient: it counts with zero patients a year and
    gives no cost per patient."""

    genofab_version: str
    chain: ScenarioInfo
    samples: int
    seed: int
    block_size: int
    stage_seeds: dict[str, int]
    fixed: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="by stage, parameters set for this run (base units)"
    )
    shared: tuple[tuple[str, tuple[str, ...]], ...] = Field(
        description="(parameter, stages) drawn once per sample for all those stages"
    )
    uncertain_inputs: dict[str, tuple[UncertainInput, ...]] = Field(
        description="by stage: the parameters drawn"
    )
    results: dict[str, Spread] = Field(
        description="by name: patients_per_year, cost_per_patient.total,"
        " cost_per_patient.by_stage.<stage>, ..."
    )
    units: dict[str, str]
    limit_probability: dict[str, float] = Field(
        description="share of samples each stage (or shared room) limits"
    )
    failed_samples: int = Field(description="samples in which some stage cannot deliver")
    failed_by_stage: dict[str, dict[str, int]] = Field(
        description="by stage, samples it cannot deliver in, by reason"
    )
    failed_examples: tuple[ChainFailedSample, ...]
    probability_of_meeting_demand: float | None = Field(
        description="share of samples treating at least the chain's yearly demand"
    )
    quantile_method: str

    def run_json(self, deterministic: dict[str, Any]) -> dict[str, Any]:
        """``genofab run CHAIN --samples`` JSON: the headline spreads first (patients a year,
        cost per patient, the limiting stage's shares), then the deterministic run."""
        return {
            "patients_per_year": self.results["patients_per_year"].model_dump(mode="json"),
            "limit_probability": self.limit_probability,
            "cost_per_patient": _nested(self.results, "cost_per_patient."),
            "monte_carlo": self.model_dump(mode="json"),
            "deterministic": deterministic,
        }


def _nested(results: dict[str, Spread], prefix: str) -> dict[str, Any] | None:
    """The spreads under ``prefix`` as a nested mapping (``by_stage.vector`` → by_stage:
    {vector: ...})."""
    found: dict[str, Any] = {}
    for name, spread in results.items():
        if not name.startswith(prefix):
            continue
        *parents, last = name[len(prefix) :].split(".")
        node = found
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = spread.model_dump(mode="json")
    return found or None
