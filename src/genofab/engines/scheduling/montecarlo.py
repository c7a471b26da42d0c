"""Monte Carlo of a fixed plan: how the schedule fares when durations vary and lots fail.

The plan is fixed as it was scheduled: each room runs its lots in the planned order, no
phase starts before its planned start, and a room that holds several lots at once (the QC
lab) starts them in planned order on its first free place. What varies, per replication:

- every phase's duration × a triangular multiplier (``uncertainty.duration``; phases in the
  ``uncertainty.qc_room`` kind of room use ``uncertainty.qc_duration``);
- every changeover × ``uncertainty.changeover``;
- a lot's first phase fails with its product's ``failure_probability``: the room time is
  lost and the phase is made again at once in the same room (after its cleaning).

The engine is vectorised over replications: one pass over the planned phases, each an
array operation across all replications. Every random number is drawn up front by
:func:`draw_samples`, so another engine given the same samples (the SimPy reference in the
tests) must give the same release times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.timetable import Timetable
from genofab.model.plan import Triangular, Uncertainty

#: Chance at most that a lot fails on every attempt drawn (then its last attempt succeeds).
RESIDUAL_FAILURE = 1e-12
MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class Multipliers:
    """Triangular multipliers (low, mode, high); (1, 1, 1) when a plan states none."""

    duration: tuple[float, float, float]
    changeover: tuple[float, float, float]
    qc_duration: tuple[float, float, float]
    qc_kind: str | None

    @classmethod
    def of(cls, uncertainty: Uncertainty | None) -> Multipliers:
        """The multipliers a plan's ``uncertainty`` section states."""

        def triple(t: Triangular | None) -> tuple[float, float, float]:
            return (1.0, 1.0, 1.0) if t is None else (t.low.value, t.mode.value, t.high.value)

        if uncertainty is None:
            return cls((1.0, 1.0, 1.0), (1.0, 1.0, 1.0), (1.0, 1.0, 1.0), None)
        duration = triple(uncertainty.duration)
        qc = triple(uncertainty.qc_duration) if uncertainty.qc_duration else duration
        return cls(duration, triple(uncertainty.changeover), qc, uncertainty.qc_room)


@dataclass(frozen=True)
class Event:
    """One planned phase: the lot, its phase, the room (group, room or −1) and planned start."""

    lot: int
    phase: int
    group: int
    room: int
    planned: int


@dataclass(frozen=True)
class FixedPlan:
    """A schedule frozen into events in planned order (a topological order: rooms and
    phases are both in planned order)."""

    events: tuple[Event, ...]
    lots: tuple[int, ...]

    @classmethod
    def of(cls, instance: Instance, timetable: Timetable) -> FixedPlan:
        """Events of ``timetable``: pooled rooms (−1) are one queue per group."""
        events = []
        for p in sorted(timetable.placements, key=lambda p: (p.start, p.lot, p.phase)):
            room = p.room if instance.rooms[p.group].sequenced else -1
            events.append(Event(p.lot, p.phase, p.group, room, p.start))
        return cls(tuple(events), tuple(sorted({p.lot for p in timetable.placements})))


@dataclass(frozen=True)
class Samples:
    """Every random number of a study, in steps. ``work`` is the duration of each event's
    successful attempt; failed attempts (first phases only) are listed flat, in order, as
    (replication, event, duration), and ``attempts`` counts all attempts of each event."""

    work: NDArray[np.float64]  # (replications, events)
    attempts: NDArray[np.int64]  # (replications, events), ≥ 1
    failed_replication: NDArray[np.int64]
    failed_event: NDArray[np.int64]
    failed_duration: NDArray[np.float64]
    changeover_multiplier: NDArray[np.float64]  # (replications, events)

    def failed_work(self) -> NDArray[np.float64]:
        """Time lost in failed attempts, per (replication, event)."""
        lost = np.zeros_like(self.work)
        np.add.at(lost, (self.failed_replication, self.failed_event), self.failed_duration)
        return lost


def _triangular(
    rng: np.random.Generator, triple: tuple[float, float, float], size: int | tuple[int, ...]
) -> NDArray[np.float64]:
    low, mode, high = triple
    if high - low < 1e-12:
        return np.full(size, mode)
    return rng.triangular(low, mode, high, size=size)


def draw_samples(
    instance: Instance,
    plan: FixedPlan,
    multipliers: Multipliers,
    replications: int,
    rng: np.random.Generator,
) -> Samples:
    """All random numbers of ``replications`` runs of ``plan``."""
    products = [instance.products[instance.lots[e.lot].product] for e in plan.events]
    phases = [product.phases[e.phase] for product, e in zip(products, plan.events, strict=True)]
    base = np.array([phase.duration for phase in phases], dtype=float)
    qc = np.array(
        [multipliers.qc_kind is not None and phase.kind == multipliers.qc_kind for phase in phases]
    )
    failure = np.array(
        [
            product.failure_probability if event.phase == 0 else 0.0
            for product, event in zip(products, plan.events, strict=True)
        ]
    )
    count = len(phases)
    factor = _triangular(rng, multipliers.duration, (replications, count))
    if qc.any():
        factor[:, qc] = _triangular(rng, multipliers.qc_duration, (replications, int(qc.sum())))
    work = factor * base
    attempts = np.ones((replications, count), dtype=np.int64)
    failing = np.flatnonzero(failure > 0)
    if failing.size:
        cap = max(2, math.ceil(math.log(RESIDUAL_FAILURE) / math.log(float(failure.max()))))
        trials = rng.geometric(1.0 - failure[failing], size=(replications, failing.size))
        attempts[:, failing] = np.minimum(trials, min(cap, MAX_ATTEMPTS))
    extra = attempts - 1
    replication, event = np.nonzero(extra)
    repeats = extra[replication, event]
    replication, event = np.repeat(replication, repeats), np.repeat(event, repeats)
    lost = np.empty(replication.size)
    for kind, triple in ((False, multipliers.duration), (True, multipliers.qc_duration)):
        chosen = qc[event] == kind
        lost[chosen] = _triangular(rng, triple, int(chosen.sum())) * base[event[chosen]]
    changeover = _triangular(rng, multipliers.changeover, (replications, count))
    return Samples(work, attempts, replication, event, lost, changeover)


@dataclass(frozen=True)
class Outcome:
    """Release time (steps) of every lot in every replication."""

    lots: tuple[int, ...]
    release: NDArray[np.float64]  # (replications, lots)


def simulate(instance: Instance, plan: FixedPlan, samples: Samples) -> Outcome:
    """Run ``plan`` once per replication, vectorised across replications."""
    replications = samples.work.shape[0]
    column = {lot: i for i, lot in enumerate(plan.lots)}
    phase_end = np.zeros((replications, len(instance.lots), _max_phases(instance)))
    release = np.zeros((replications, len(plan.lots)))
    free_one: dict[tuple[int, int], NDArray[np.float64]] = {}
    last_product: dict[tuple[int, int], int] = {}
    free_places: dict[int, NDArray[np.float64]] = {}
    last_start: dict[int, NDArray[np.float64]] = {}
    lost = samples.failed_work()
    rows = np.arange(replications)
    for k, event in enumerate(plan.events):
        room = instance.rooms[event.group]
        product = instance.lots[event.lot].product
        ready = phase_end[:, event.lot, event.phase - 1] if event.phase else 0.0
        feeders = instance.lots[event.lot].feeders
        if not event.phase and feeders:
            # a conversion between stages: the lot waits for its feeders' (simulated) releases,
            # whose last phases are planned to end before this one starts, so they have run
            last = len(instance.products[instance.lots[feeders[0]].product].phases) - 1
            ready = np.max(phase_end[:, list(feeders), last], axis=1)
        earliest = np.maximum(ready, float(event.planned))
        work = samples.work[:, k] + lost[:, k] + room.cleaning * (samples.attempts[:, k] - 1)
        if event.room >= 0:
            key = (event.group, event.room)
            free = free_one.get(key, np.zeros(replications))
            previous = last_product.get(key, -1)
            change = room.change(previous, product)
            start = np.maximum(earliest, free + change * samples.changeover_multiplier[:, k])
            end = start + work
            free_one[key] = end + room.cleaning
            last_product[key] = product
        else:
            places = free_places.setdefault(event.group, np.zeros((replications, room.places)))
            first_free = np.argmin(places, axis=1)
            opened = places[rows, first_free]
            start = np.maximum(np.maximum(earliest, opened), last_start.get(event.group, 0.0))
            end = start + work
            places[rows, first_free] = end + room.cleaning
            last_start[event.group] = start
        phase_end[:, event.lot, event.phase] = end
        if event.phase == len(instance.products[product].phases) - 1:
            release[:, column[event.lot]] = end
    return Outcome(plan.lots, release)


#: Replications simulated at once: arrays stay in the processor's cache.
CHUNK = 8192


def study(
    instance: Instance,
    timetable: Timetable,
    multipliers: Multipliers,
    replications: int,
    seed: int,
) -> Outcome:
    """``replications`` runs of the fixed plan, in chunks with independent streams spawned
    from ``seed`` (the same seed gives the same outcome)."""
    plan = FixedPlan.of(instance, timetable)
    chunks = max(1, math.ceil(replications / CHUNK))
    streams = np.random.SeedSequence(seed).spawn(chunks)
    releases = []
    for i, stream in enumerate(streams):
        size = min(CHUNK, replications - i * CHUNK)
        samples = draw_samples(instance, plan, multipliers, size, np.random.default_rng(stream))
        releases.append(simulate(instance, plan, samples).release)
    return Outcome(plan.lots, np.concatenate(releases))


def _max_phases(instance: Instance) -> int:
    return max(len(product.phases) for product in instance.products)


@dataclass(frozen=True)
class Distribution:
    """Mean and percentiles of a sampled quantity."""

    mean: float
    p5: float
    p50: float
    p95: float

    @classmethod
    def of(cls, values: NDArray[np.float64]) -> Distribution:
        """Summary of ``values`` (percentiles by linear interpolation)."""
        p5, p50, p95 = np.percentile(values, [5, 50, 95])
        return cls(float(np.mean(values)), float(p5), float(p50), float(p95))


@dataclass(frozen=True)
class Robustness:
    """What the Monte Carlo says about a plan, per replication summarised."""

    replications: int
    years: float
    lots_per_year: Distribution
    released_by_product: dict[int, Distribution]
    total_lateness: Distribution
    sponsor_on_time: dict[str, float]
    sponsor_by_horizon: dict[str, float]


def robustness(instance: Instance, outcome: Outcome) -> Robustness:
    """Lots released per year, lateness (first in, first out) and each sponsor's chance of
    getting every lot on time and within the horizon."""
    years = instance.horizon * instance.step_days / 365.25
    within = outcome.release <= instance.horizon
    column = {lot: i for i, lot in enumerate(outcome.lots)}
    lateness = np.zeros(outcome.release.shape[0])
    on_time: dict[str, NDArray[np.bool_]] = {}
    by_horizon: dict[str, NDArray[np.bool_]] = {}
    released: dict[int, Distribution] = {}
    replications = outcome.release.shape[0]
    for p in range(len(instance.products)):
        demanded = instance.lots_of(p)
        made = [lot.index for lot in demanded if lot.index in column]
        if not made:
            continue
        times = np.sort(outcome.release[:, [column[lot] for lot in made]], axis=1)
        dues = np.array([lot.due for lot in demanded[: len(made)]], dtype=float)
        late = np.maximum(times - dues[None, :], 0.0)
        lateness += late.sum(axis=1)
        released[p] = Distribution.of(np.sum(times <= instance.horizon, axis=1).astype(float))
        for k, lot in enumerate(demanded):
            sponsor = lot.sponsor
            on_time.setdefault(sponsor, np.ones(replications, dtype=bool))
            by_horizon.setdefault(sponsor, np.ones(replications, dtype=bool))
            if k >= len(made):
                on_time[sponsor][:] = False
                by_horizon[sponsor][:] = False
                continue
            on_time[sponsor] &= late[:, k] <= 0
            by_horizon[sponsor] &= times[:, k] <= instance.horizon
    return Robustness(
        replications=replications,
        years=years,
        lots_per_year=Distribution.of(within.sum(axis=1) / years),
        released_by_product=released,
        total_lateness=Distribution.of(lateness / instance.unit_steps),
        sponsor_on_time={s: float(v.mean()) for s, v in on_time.items()},
        sponsor_by_horizon={s: float(v.mean()) for s, v in by_horizon.items()},
    )
