"""A therapy made in linked stages: each stage a full scenario (product, process, facility,
economics), the downstream stage consuming the upstream product for each of its patients.

This is the root of the ``genofab-chain/1`` file format (``docs/chain-format.md``): e.g. LV
vector lots → an autologous HSC drug product → the patient. The upstream stage's dose rule
says how much of its product one patient's lot takes; the link names the unit the downstream
consumes, so a vector counted in vg offered where TU are needed is refused. Stages on the same
``site`` share the rooms of one facility that have the same kind (a fill room, the QC lab).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from genofab.model.base import Frozen, Identifier, Problems, Text, repeat_problems
from genofab.model.quantities import PatientCount, PatientRate
from genofab.model.scenario import Scenario

FORMAT = "genofab-chain/1"
#: The most stages a chain may link.
MAX_STAGES = 12


class StageLink(Frozen):
    """What a stage takes from another for each of its patients."""

    stage: Identifier = Field(description="name of the stage whose product is consumed")
    unit: Literal["TU", "vg", "vp", "cell"] = Field(
        description="the unit the consuming stage needs; must be what the upstream stage counts"
    )


class StageReference(Frozen):
    """One stage: a name, its scenario file (relative to the chain file's folder), what it
    consumes and the site it stands on."""

    name: Identifier
    scenario: Text = Field(max_length=400, description="scenario file, relative to the chain file")
    consumes: StageLink | None = None
    site: Identifier | None = Field(
        default=None,
        description="stages on the same site share their rooms of the same kind; default: the"
        " stage has a site of its own",
    )


class ChainDemand(Frozen):
    """The patients the therapy is for."""

    cohort_patients: PatientCount | None = None
    patients_per_year: PatientRate | None = None


class SharedDraw(Frozen):
    """A parameter that stages draw once per sample (the same patient's body weight in the
    vector's dose and the cell dose, say): every stage named takes the values drawn for the
    first. Its distribution must be the same in each."""

    parameter: Text = Field(
        max_length=200, description="the parameter's path, the same in every stage named"
    )
    stages: tuple[Identifier, ...] = Field(
        min_length=2, max_length=MAX_STAGES, description="the stages that share its draws"
    )
    source: Text | None = Field(default=None, description="why the stages share it")


class ChainUncertainty(Frozen):
    """How the chain's Monte Carlo draws: each stage from its own stream, except the
    parameters shared here."""

    shared: tuple[SharedDraw, ...] = Field(default=(), max_length=100)


class ChainSpec(Frozen):
    """The chain file as written: stages by reference."""

    format: Literal["genofab-chain/1"]
    name: Text
    description: Text | None = None
    stages: tuple[StageReference, ...] = Field(min_length=1, max_length=MAX_STAGES)
    demand: ChainDemand | None = None
    uncertainty: ChainUncertainty | None = None


@dataclass(frozen=True)
class Stage:
    """One validated stage: its scenario and its link."""

    name: str
    scenario: Scenario
    consumes: StageLink | None
    site: str

    @property
    def label(self) -> str:
        """The stage's name for people (its scenario's name is longer)."""
        return self.name


@dataclass(frozen=True)
class Chain:
    """A validated chain: stages ordered upstream first (each after what it consumes)."""

    name: str
    description: str | None
    stages: tuple[Stage, ...]
    demand: ChainDemand | None
    shared: tuple[SharedDraw, ...] = ()

    def stage(self, name: str) -> Stage:
        """The stage called ``name``."""
        return next(stage for stage in self.stages if stage.name == name)

    def consumers(self, name: str) -> list[Stage]:
        """The stages that consume the product of stage ``name``."""
        return [s for s in self.stages if s.consumes is not None and s.consumes.stage == name]

    def final_stages(self) -> list[Stage]:
        """Stages whose product no stage consumes: what the patient receives."""
        return [stage for stage in self.stages if not self.consumers(stage.name)]


def link_problems(spec: ChainSpec) -> Problems:
    """Repeated stage names, links to unknown stages or to themselves, and cycles of stages."""
    names = [stage.name for stage in spec.stages]
    problems = repeat_problems(names, "stages", "name")
    for i, stage in enumerate(spec.stages):
        if stage.consumes is None:
            continue
        if stage.consumes.stage == stage.name:
            problems.append((f"stages[{i}].consumes.stage", "a stage cannot consume itself"))
        elif stage.consumes.stage not in names:
            problems.append(
                (
                    f"stages[{i}].consumes.stage",
                    f"'{stage.consumes.stage}' is not a stage of the chain"
                    f" (it has: {', '.join(names)})",
                )
            )
    if problems:
        return problems
    upstream = {s.name: s.consumes.stage for s in spec.stages if s.consumes is not None}
    for i, stage in enumerate(spec.stages):
        seen = [stage.name]
        current = stage.name
        while current in upstream:
            current = upstream[current]
            if current == stage.name:
                cycle = " → ".join([*seen, current])
                problems.append(
                    (f"stages[{i}].consumes.stage", f"the stages form a cycle: {cycle}")
                )
                break
            seen.append(current)
    return problems[:1]  # one cycle is reported once, at its first stage


def upstream_order(spec: ChainSpec) -> list[int]:
    """Indices of the stages, each after the stage it consumes (file order otherwise)."""
    placed: list[int] = []
    names: set[str] = set()
    while len(placed) < len(spec.stages):
        for i, stage in enumerate(spec.stages):
            if i in placed:
                continue
            if stage.consumes is None or stage.consumes.stage in names:
                placed.append(i)
                names.add(stage.name)
    return placed


def end_problems(spec: ChainSpec) -> Problems:
    """A chain ends in one stage, what the patient receives."""
    consumed = {s.consumes.stage for s in spec.stages if s.consumes is not None}
    ends = [s.name for s in spec.stages if s.name not in consumed]
    if len(ends) > 1:
        return [
            (
                "stages",
                f"the chain must end in one stage (what the patient receives); {', '.join(ends)}"
                " are consumed by no stage",
            )
        ]
    return []


def stage_problems(spec: ChainSpec, scenarios: dict[int, Scenario]) -> Problems:
    """Problems between the stages' scenarios (the stages whose file loaded, by index): a
    unit the upstream does not count, a shared room with different counts, money in
    different currencies."""
    problems: Problems = []
    index = {stage.name: i for i, stage in enumerate(spec.stages)}
    for i, stage in enumerate(spec.stages):
        link = stage.consumes
        if link is None or index.get(link.stage) not in scenarios:
            continue
        made = scenarios[index[link.stage]].product.unit
        if made != link.unit:
            problems.append(
                (
                    f"stages[{i}].consumes.unit",
                    f"stage '{stage.name}' needs {link.unit} but stage '{link.stage}' makes a"
                    f" product counted in {made}",
                )
            )
    counts: dict[tuple[str, str], tuple[int, float]] = {}
    for i, scenario in sorted(scenarios.items()):
        site = spec.stages[i].site or spec.stages[i].name
        used = {step.room for step in scenario.process.steps}
        for r, room in enumerate(scenario.facility.rooms):
            if room.kind not in used:
                continue
            first = counts.setdefault((site, room.kind), (i, room.count.value))
            if first[1] != room.count.value:
                problems.append(
                    (
                        f"stages[{i}].scenario",
                        f"the shared room '{room.kind}' of site '{site}' has"
                        f" {room.count.value:g} rooms here (facility.rooms[{r}].count) but"
                        f" {first[1]:g} in stage '{spec.stages[first[0]].name}': a shared room has"
                        " one count",
                    )
                )
    currencies = {
        i: scenario.economics.currency
        for i, scenario in scenarios.items()
        if scenario.economics is not None
    }
    if len(set(currencies.values())) > 1:
        first_index = min(currencies)
        for i, currency in sorted(currencies.items()):
            if currency != currencies[first_index]:
                problems.append(
                    (
                        f"stages[{i}].scenario",
                        f"its costs are in {currency} but stage"
                        f" '{spec.stages[first_index].name}' counts {currencies[first_index]}:"
                        " a chain's cost per patient needs one currency",
                    )
                )
    return problems


def shared_problems(spec: ChainSpec, scenarios: dict[int, Scenario]) -> Problems:
    """Shared draws that name an unknown stage, a stage twice, a parameter a stage lacks or
    does not draw, or distributions that differ between the stages."""
    problems: Problems = []
    if spec.uncertainty is None:
        return problems
    index = {stage.name: i for i, stage in enumerate(spec.stages)}
    for k, shared in enumerate(spec.uncertainty.shared):
        where = f"uncertainty.shared[{k}]"
        if len(set(shared.stages)) < len(shared.stages):
            problems.append((f"{where}.stages", "names a stage twice"))
            continue
        first: tuple[str, object] | None = None
        for j, name in enumerate(shared.stages):
            if name not in index:
                problems.append(
                    (
                        f"{where}.stages[{j}]",
                        f"'{name}' is not a stage of the chain (it has: {', '.join(index)})",
                    )
                )
                continue
            scenario = scenarios.get(index[name])
            if scenario is None:
                continue
            parameter = dict(scenario.parameters()).get(shared.parameter)
            if parameter is None:
                problems.append(
                    (
                        f"{where}.parameter",
                        f"stage '{name}' has no parameter '{shared.parameter}'",
                    )
                )
                continue
            if parameter.uncertainty is None:
                problems.append(
                    (
                        f"{where}.parameter",
                        f"'{shared.parameter}' has no uncertainty in stage '{name}': only a"
                        " drawn parameter can share its draws",
                    )
                )
                continue
            drawn = (
                parameter.unit,
                parameter.currency,
                parameter.uncertainty.kind,
                parameter.uncertainty.parameters(),
            )
            if first is None:
                first = (name, drawn)
            elif first[1] != drawn:
                problems.append(
                    (
                        f"{where}.parameter",
                        f"'{shared.parameter}' is drawn differently in stage '{name}' and in"
                        f" stage '{first[0]}': shared draws need the same distribution and unit",
                    )
                )
    return problems
