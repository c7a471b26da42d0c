"""Chain engine: patients a therapy made in linked stages can treat, the stage and room that
limit it, what each stage must make, and the cost per patient by stage.

Every stage serves the same patients. A stage whose lots fail starts more lots, and each lot
started consumes its upstream product: stage s must make ``P × m_s`` of its own patient
doses a year for P patients treated, where m_s = 1 for the final stage and, upstream, the
sum over its consumers c of m_c ÷ (1 − f_c) (f: the consumer's lot-failure probability).
A stage alone supports its patients per year after failures ÷ m_s; a room kind shared by
stages of one site supports count × operating days ÷ Σ_s m_s × cycle_s ÷ (concurrent lots_s
× patients per lot_s × (1 − f_s)) (continuous lots). The chain treats the smallest of these.
Each stage is then run at the chain's rate (its yearly demand P × m_s); the cost per patient
of stage s is its annual cost ÷ P, so the stages sum exactly to the total. Element-wise over
samples, like the other engines: ``values`` holds one mapping per stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from genofab import __version__
from genofab.engines.arrays import Array, Values, ratio, whole_ceil
from genofab.engines.capacity import (
    COHORT,
    DAYS_PER_YEAR,
    YEARLY_DEMAND,
    CapacityArrays,
    capacity_arrays,
)
from genofab.engines.economics import FailedLots, expected_failures
from genofab.engines.failures import failure_arrays
from genofab.engines.lot import LotArrays, lot_arrays
from genofab.engines.pricing import PriceArrays, fair_price_result, therapy_price
from genofab.engines.run import RunArrays, run_arrays
from genofab.model.chain import Chain
from genofab.results.chain import (
    ChainBottleneck,
    ChainCost,
    ChainResult,
    SharedRoom,
    StageFigures,
)
from genofab.results.economics import FairPrice
from genofab.results.run import RunResult, ScenarioInfo


@dataclass(frozen=True)
class SharedRoomArrays:
    """A room kind that stages of one site share."""

    site: str
    kind: str
    stages: tuple[str, ...]
    count: Array
    room_days_per_patient: Array
    patients_per_year: Array


@dataclass(frozen=True)
class StageArrays:
    """One stage of the chain; figures broadcast to the sample shape."""

    name: str
    doses_per_chain_patient: Array
    patients_per_year: Array
    run: RunArrays
    lots_needed_per_year: Array
    annual_cost: Array | None


@dataclass(frozen=True)
class ChainArrays:
    """The chain's figures for every sample."""

    stages: tuple[StageArrays, ...]
    shared_rooms: tuple[SharedRoomArrays, ...]
    patients_per_year: Array
    limit: NDArray[np.int64]
    cost_per_patient: dict[str, Array] | None
    cohort_patients: Array | None
    years_to_treat_cohort: Array | None
    years_to_release_cohort: Array | None

    def limit_name(self, index: int) -> tuple[str | None, str, tuple[str, ...]]:
        """The (stage, room, stages sharing it) a limit index names: a stage's bottleneck room,
        or a shared room (no single stage)."""
        if index < len(self.stages):
            stage = self.stages[index]
            capacity = stage.run.capacity
            return stage.name, capacity.rooms[int(capacity.bottleneck)].kind, ()
        shared = self.shared_rooms[index - len(self.stages)]
        return None, shared.kind, shared.stages


def chain_arrays(
    chain: Chain,
    values: Mapping[str, Values],
    failures: FailedLots | Mapping[str, FailedLots] = expected_failures,
) -> ChainArrays:
    """Evaluate ``chain`` for the stage values in ``values`` (keyed by stage name);
    ``failures`` gives the failed lots of a year, one rule for every stage or one per stage
    (the Monte Carlo draws each stage's from its own stream)."""
    multiplier = _doses_per_chain_patient(chain, values)
    lots = {s.name: lot_arrays(s.scenario, values[s.name]) for s in chain.stages}
    caps = {s.name: capacity_arrays(s.scenario, lots[s.name], values[s.name]) for s in chain.stages}
    alone = [
        ratio(caps[s.name].patients_per_year_after_failures, multiplier[s.name])
        for s in chain.stages
    ]
    shared = _shared_rooms(chain, values, lots, caps, multiplier)
    limits = alone + [room.patients_per_year for room in shared]
    stacked = np.stack(np.broadcast_arrays(*limits))
    patients = np.min(stacked, axis=0)
    limit = np.argmin(stacked, axis=0).astype(np.int64)

    stages: list[StageArrays] = []
    for stage in chain.stages:
        demand = dict(values[stage.name])
        demand[YEARLY_DEMAND] = patients * multiplier[stage.name]
        drawn = failures[stage.name] if isinstance(failures, Mapping) else failures
        run = run_arrays(stage.scenario, demand, drawn)
        failure = run.capacity.failure_probability
        lots_needed = whole_ceil(ratio(demand[YEARLY_DEMAND], run.lot.patients * (1.0 - failure)))
        stages.append(
            StageArrays(
                name=stage.name,
                doses_per_chain_patient=multiplier[stage.name],
                patients_per_year=alone[len(stages)],
                run=run,
                lots_needed_per_year=lots_needed,
                annual_cost=None if run.cost is None else run.cost.total,
            )
        )
    costs = None
    annual = {stage.name: stage.annual_cost for stage in stages}
    if all(cost is not None for cost in annual.values()):
        costs = {name: ratio(cost, patients) for name, cost in annual.items() if cost is not None}
    cohort = years = released = None
    final = values[chain.stages[-1].name]
    if chain.demand is not None and chain.demand.cohort_patients is not None:
        cohort = np.asarray(chain.demand.cohort_patients.value, dtype=float)
    elif COHORT in final:
        cohort = np.asarray(final[COHORT], dtype=float)
    if cohort is not None:
        years = ratio(cohort, patients)
        # the first patient waits for one lot of every stage in turn (and for re-made lots)
        lead = sum(
            (s.run.lot.lot_duration + s.run.capacity.remake_delay_days for s in stages),
            start=np.zeros(()),
        )
        released = years + lead / DAYS_PER_YEAR
    return ChainArrays(
        stages=tuple(stages),
        shared_rooms=tuple(shared),
        patients_per_year=patients,
        limit=limit,
        cost_per_patient=costs,
        cohort_patients=cohort,
        years_to_treat_cohort=years,
        years_to_release_cohort=released,
    )


def therapy_fair_price_arrays(chain: Chain, arrays: ChainArrays) -> PriceArrays | None:
    """The therapy's fair price for every sample: the final stage's pricing inputs (its
    values as evaluated) on the whole chain's cost per patient (QC tests of every stage
    apart), when every stage is costed and the final stage is priced."""
    final = chain.stages[-1].scenario
    if arrays.cost_per_patient is None or final.economics is None:
        return None
    pricing = final.economics.pricing
    if pricing is None:
        return None
    patients = arrays.patients_per_year
    qc = sum(
        (
            ratio(stage.run.cost.annual["qc"], patients)
            for stage in arrays.stages
            if stage.run.cost is not None
        ),
        start=np.zeros(()),
    )
    total = sum(arrays.cost_per_patient.values(), start=np.zeros(()))
    return therapy_price(pricing, arrays.stages[-1].run.values, total, qc, patients)


def _therapy_fair_price(chain: Chain, arrays: ChainArrays) -> FairPrice | None:
    """The therapy's fair price at the base values, as a result."""
    price = therapy_fair_price_arrays(chain, arrays)
    final = chain.stages[-1].scenario
    if price is None or final.economics is None or final.economics.pricing is None:
        return None
    return fair_price_result(
        final.economics.pricing,
        arrays.stages[-1].run.values,
        price,
        arrays.patients_per_year,
        priced=("therapy", "fair price per patient (whole therapy)"),
        volume="patients the chain treats a year × commercial life",
    )


def _doses_per_chain_patient(chain: Chain, values: Mapping[str, Values]) -> dict[str, Array]:
    """m_s: the stage's own patient doses made per patient the chain treats (see the module)."""
    multiplier: dict[str, Array] = {}
    for stage in reversed(chain.stages):  # downstream first
        consumers = chain.consumers(stage.name)
        if not consumers:
            multiplier[stage.name] = np.ones(())
            continue
        total = np.zeros(())
        for consumer in consumers:
            failure = failure_arrays(consumer.scenario, values[consumer.name]).probability
            total = total + multiplier[consumer.name] / (1.0 - failure)
        multiplier[stage.name] = total
    return multiplier


def _shared_rooms(
    chain: Chain,
    values: Mapping[str, Values],
    lots: dict[str, LotArrays],
    caps: dict[str, CapacityArrays],
    multiplier: dict[str, Array],
) -> list[SharedRoomArrays]:
    """Room kinds used by two or more stages of one site, and the patients each allows."""
    users: dict[tuple[str, str], list[str]] = {}
    for stage in chain.stages:
        for room in caps[stage.name].rooms:
            users.setdefault((stage.site, room.kind), []).append(stage.name)
    shared = []
    for (site, kind), names in users.items():
        if len(names) < 2:
            continue
        per_patient = np.zeros(())
        count = np.zeros(())
        operating = np.full((), np.inf)
        for name in names:
            cap = caps[name]
            room = next(r for r in cap.rooms if r.kind == kind)
            good = lots[name].patients * (1.0 - cap.failure_probability)
            per_patient = per_patient + ratio(
                multiplier[name] * room.cycle, room.concurrent_lots * good
            )
            # the loader checked that a shared room has one count; the site runs the fewest days
            count, operating = room.count, np.minimum(operating, cap.operating_days)
        shared.append(
            SharedRoomArrays(
                site=site,
                kind=kind,
                stages=tuple(names),
                count=count,
                room_days_per_patient=per_patient,
                patients_per_year=ratio(count * operating, per_patient),
            )
        )
    return shared


def evaluate_chain(
    chain: Chain,
    stage_results: dict[str, RunResult],
    origin: ScenarioInfo | None = None,
    values: Mapping[str, Values] | None = None,
) -> ChainResult:
    """The chain's figures at its base values (or at ``values``, by stage: a comparison with
    parameters set); ``stage_results`` are each stage's own run (evaluated first, so a stage
    that cannot deliver is reported in its own file)."""
    if values is None:
        values = {s.name: s.scenario.values() for s in chain.stages}
    arrays = chain_arrays(chain, values)
    stage_name, room, shared_by = arrays.limit_name(int(arrays.limit))
    patients = float(arrays.patients_per_year)
    cost = None
    if arrays.cost_per_patient is not None:
        cost = chain_cost(
            chain, {name: float(value) for name, value in arrays.cost_per_patient.items()}
        )
    fair_price = _therapy_fair_price(chain, arrays)
    final = chain.stages[-1].name
    return ChainResult(
        genofab_version=__version__,
        chain=origin or ScenarioInfo(name=chain.name),
        patients_per_year=patients,
        bottleneck=ChainBottleneck(stage=stage_name, room=room, shared_by=shared_by),
        cost_per_patient=cost,
        fair_price=fair_price,
        upstream_lots_per_year={
            stage.name: int(stage.lots_needed_per_year)
            for stage in arrays.stages
            if stage.name != final
        },
        cohort_patients=None if arrays.cohort_patients is None else int(arrays.cohort_patients),
        years_to_treat_cohort=_optional(arrays.years_to_treat_cohort),
        years_to_release_cohort=_optional(arrays.years_to_release_cohort),
        stages=tuple(
            _stage_figures(chain, stage, stage_results[stage.name], arrays)
            for stage in arrays.stages
        ),
        shared_rooms=tuple(
            SharedRoom(
                site=room.site,
                kind=room.kind,
                stages=room.stages,
                count=int(room.count),
                room_days_per_patient=float(room.room_days_per_patient),
                patients_per_year=float(room.patients_per_year),
            )
            for room in arrays.shared_rooms
        ),
    )


def _optional(array: Array | None) -> float | None:
    return None if array is None else float(array)


def _stage_figures(
    chain: Chain, stage: StageArrays, own: RunResult, arrays: ChainArrays
) -> StageFigures:
    link = chain.stage(stage.name).consumes
    capacity = stage.run.capacity
    return StageFigures(
        name=stage.name,
        scenario=own.scenario,
        site=chain.stage(stage.name).site,
        consumes=None if link is None else link.stage,
        consumes_unit=None if link is None else link.unit,
        doses_per_patient_treated=float(stage.doses_per_chain_patient),
        patients_per_year=float(stage.patients_per_year),
        lots_per_year=int(capacity.lots_per_year),
        good_lots_per_year=float(capacity.good_lots_per_year),
        patients_per_lot=int(stage.run.lot.patients),
        bottleneck_room=capacity.rooms[int(capacity.bottleneck)].kind,
        lots_needed_per_year=int(stage.lots_needed_per_year),
        cost_per_patient=None
        if arrays.cost_per_patient is None
        else float(arrays.cost_per_patient[stage.name]),
        result=own,
    )


def chain_cost(chain: Chain, by_stage: dict[str, float]) -> ChainCost:
    """The therapy's cost per patient from each stage's: the total and each stage's share, in
    the last stage's currency."""
    total = sum(by_stage.values())
    economics = chain.stages[-1].scenario.economics
    assert economics is not None
    return ChainCost(
        currency=economics.currency,
        by_stage=by_stage,
        total=total,
        share_by_stage={k: v / total if total > 0 else 0.0 for k, v in by_stage.items()},
    )
