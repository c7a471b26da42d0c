"""A chain's economies of scale: one stage's parameter (its production working volume, say)
takes every value of a grid in one vectorised pass of the chain engine, the stage's downstream
volumes following its scale rules (:func:`genofab.engines.scale.scaled_values`) and the other
stages at their base values. At each value: the patients the chain treats a year, what limits
them, the cost per patient by stage (summing to the total), and the scaled stage's own cost per
dose at the chain's rate."""

from __future__ import annotations

from typing import Any

import numpy as np

from genofab import __version__
from genofab.engines.arrays import Array, per_sample
from genofab.engines.chain import ChainArrays, chain_arrays, chain_cost
from genofab.engines.lot import NO_ROOM_TIME_REASON, STATUS_REASONS, LotStatus
from genofab.engines.scale import ruled_steps, scaled_values
from genofab.errors import UsageError
from genofab.model.chain import Chain
from genofab.results.chain import ChainBottleneck
from genofab.results.chain_scale import ChainScalePoint, ChainScaleResult
from genofab.results.run import ScenarioInfo

#: Why the default stage was taken, for the output.
DEFAULT_STAGE_REASON = "default: the most upstream stage, whose product the others consume"


def default_scale_stage(chain: Chain) -> str:
    """The stage ``scale`` varies when none is named: the most upstream one (the vector in a
    vector → cell product chain)."""
    return chain.stages[0].name


def chain_scale(
    chain: Chain,
    stage: str,
    path: str,
    points: Array,
    origin: ScenarioInfo | None = None,
    stage_chosen: str = "--stage",
) -> ChainScaleResult:
    """The chain's patients a year, bottleneck and cost per patient by stage at every value of
    stage ``stage``'s parameter ``path`` in ``points`` (base units)."""
    names = [s.name for s in chain.stages]
    if stage not in names:
        raise UsageError(
            f"--stage {stage}: '{stage}' is not a stage of the chain (it has: {', '.join(names)})"
        )
    scenario = chain.stage(stage).scenario
    grid = np.asarray(points, dtype=float)
    values: dict[str, Any] = {s.name: s.scenario.values() for s in chain.stages}
    values[stage] = scaled_values(scenario, path, grid)
    arrays = chain_arrays(chain, values)
    economics = chain.stages[-1].scenario.economics
    return ChainScaleResult(
        genofab_version=__version__,
        chain=origin or ScenarioInfo(name=chain.name),
        stage=stage,
        stage_chosen=stage_chosen,
        path=path,
        unit=scenario.parameter(path)[0].unit,
        currency=None if economics is None else economics.currency,
        points=tuple(
            _point(chain, arrays, stage, float(value), i, grid.shape)
            for i, value in enumerate(grid)
        ),
    )


def _point(
    chain: Chain,
    arrays: ChainArrays,
    scaled: str,
    value: float,
    i: int,
    shape: tuple[int, ...],
) -> ChainScalePoint:
    """The chain's figures at the ``i``-th value."""

    def at(array: Array) -> float:
        return float(per_sample(array, shape)[i])

    blocked = _blocked(arrays, i, shape)
    index = [s.name for s in arrays.stages].index(scaled)
    own = arrays.stages[index]
    if blocked is not None:
        return ChainScalePoint(
            value=value,
            status=blocked,
            patients_per_year=None,
            bottleneck=None,
            stage_patients_per_year=None,
            cost_per_patient=None,
            patients_per_lot=None,
            lots_per_year=None,
            lots_needed_per_year=None,
            stage_cost_per_dose=None,
        )
    cost = None
    if arrays.cost_per_patient is not None:
        cost = chain_cost(
            chain, {name: at(array) for name, array in arrays.cost_per_patient.items()}
        )
    scenario = chain.stage(scaled).scenario
    ruled = ruled_steps(scenario)
    volumes = {scenario.process.steps[k].name: at(own.run.lot.volume[k]) for k in ruled}
    return ChainScalePoint(
        value=value,
        status="ok",
        patients_per_year=at(arrays.patients_per_year),
        bottleneck=_bottleneck(arrays, int(per_sample(arrays.limit, shape)[i]), i, shape),
        stage_patients_per_year={s.name: at(s.patients_per_year) for s in arrays.stages},
        cost_per_patient=cost,
        patients_per_lot=int(at(own.run.lot.patients)),
        lots_per_year=int(at(own.run.capacity.lots_per_year)),
        lots_needed_per_year=int(at(own.lots_needed_per_year)),
        step_volumes=volumes or None,
        stage_cost_per_dose=None if own.run.cost is None else at(own.run.cost.cost_per_dose),
    )


def _blocked(arrays: ChainArrays, i: int, shape: tuple[int, ...]) -> str | None:
    """Why the chain treats no patient at the ``i``-th value (the first stage that cannot
    deliver), or None."""
    for stage in arrays.stages:
        status = LotStatus(int(per_sample(stage.run.lot.status, shape)[i]))
        if status is not LotStatus.OK:
            return f"stage '{stage.name}': {STATUS_REASONS[status]}"
        if float(per_sample(stage.run.capacity.lots_per_year, shape)[i]) < 1:
            return f"stage '{stage.name}': {NO_ROOM_TIME_REASON}"
    if not float(per_sample(arrays.patients_per_year, shape)[i]) > 0:
        return "the chain treats no patient"
    return None


def _bottleneck(arrays: ChainArrays, limit: int, i: int, shape: tuple[int, ...]) -> ChainBottleneck:
    """The stage's bottleneck room, or the shared room, that limit index ``limit`` names."""
    if limit < len(arrays.stages):
        stage = arrays.stages[limit]
        capacity = stage.run.capacity
        room = int(per_sample(capacity.bottleneck, shape)[i])
        return ChainBottleneck(stage=stage.name, room=capacity.rooms[room].kind)
    shared = arrays.shared_rooms[limit - len(arrays.stages)]
    return ChainBottleneck(stage=None, room=shared.kind, shared_by=shared.stages)
