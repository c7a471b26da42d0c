"""A plain discrete-event reference for the plan Monte Carlo, in SimPy: one process per lot,
rooms as resources, every attempt and changeover its own timeout, a lot made from others
waiting for their releases. It reads the same samples
as the vectorised engine and must give the same release times (tests only)."""

from __future__ import annotations

from typing import Any

import numpy as np
import simpy

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.montecarlo import FixedPlan, Samples


def simulate_one(
    instance: Instance, plan: FixedPlan, samples: Samples, rep: int
) -> dict[int, float]:
    """Release time of each lot in replication ``rep``."""
    env = simpy.Environment()
    failed: dict[int, list[float]] = {}
    for r, k, d in zip(
        samples.failed_replication, samples.failed_event, samples.failed_duration, strict=True
    ):
        if r == rep:
            failed.setdefault(int(k), []).append(float(d))
    room_order: dict[tuple[int, int], list[int]] = {}
    for k, event in enumerate(plan.events):
        room_order.setdefault((event.group, event.room), []).append(k)
    previous_in_room = {
        k: (order[i - 1] if i else None)
        for order in room_order.values()
        for i, k in enumerate(order)
    }
    held: dict[int, simpy.Event] = {k: env.event() for k in range(len(plan.events))}
    started: dict[int, simpy.Event] = {k: env.event() for k in range(len(plan.events))}
    places = {
        g: simpy.Resource(env, capacity=room.places)
        for g, room in enumerate(instance.rooms)
        if not room.sequenced
    }
    release: dict[int, float] = {}
    released: dict[int, simpy.Event] = {lot: env.event() for lot in plan.lots}
    by_lot: dict[int, list[int]] = {}
    for k, event in enumerate(plan.events):
        by_lot.setdefault(event.lot, []).append(k)

    def attempts(k: int, cleaning: int) -> Any:
        for lost in failed.get(k, []):
            yield env.timeout(lost)
            yield env.timeout(cleaning)
        yield env.timeout(float(samples.work[rep, k]))

    def free_after(k: int, cleaning: int, request: Any = None, group: int = -1) -> Any:
        yield env.timeout(cleaning)
        if request is not None:
            places[group].release(request)
        held[k].succeed()

    def lot(keys: list[int]) -> Any:
        for k in sorted(keys, key=lambda key: plan.events[key].phase):
            event = plan.events[k]
            room = instance.rooms[event.group]
            product = instance.lots[event.lot].product
            if event.phase == 0:  # a conversion between stages: after the lots feeding it
                for feeder in instance.lots[event.lot].feeders:
                    yield released[feeder]
            if env.now < event.planned:
                yield env.timeout(event.planned - env.now)
            before = previous_in_room[k]
            if event.room >= 0:
                if before is not None:
                    yield held[before]
                    last = instance.lots[plan.events[before].lot].product
                    change = room.changeover[last][product]
                    ready_at = held_time[before] + change * samples.changeover_multiplier[rep, k]
                    if env.now < ready_at:
                        yield env.timeout(ready_at - env.now)
                else:  # the room's first lot waits for its startup, a changeover from nothing
                    ready_at = room.change(-1, product) * samples.changeover_multiplier[rep, k]
                    if env.now < ready_at:
                        yield env.timeout(ready_at - env.now)
                started[k].succeed()
                yield from attempts(k, room.cleaning)
                env.process(free_after(k, room.cleaning))
            else:
                if before is not None:
                    yield started[before]
                request = places[event.group].request()
                yield request
                started[k].succeed()
                yield from attempts(k, room.cleaning)
                env.process(free_after(k, room.cleaning, request, event.group))
            if event.phase == len(instance.products[product].phases) - 1:
                release[event.lot] = env.now
                released[event.lot].succeed()

    held_time: dict[int, float] = {}

    def note_hold(k: int) -> Any:
        yield held[k]
        held_time[k] = env.now

    for k in range(len(plan.events)):
        env.process(note_hold(k))
    for keys in by_lot.values():
        env.process(lot(keys))
    env.run()
    return release


def simulate(instance: Instance, plan: FixedPlan, samples: Samples) -> np.ndarray:
    """Release times (replications × lots, in ``plan.lots`` order)."""
    rows = []
    for rep in range(samples.work.shape[0]):
        done = simulate_one(instance, plan, samples, rep)
        rows.append([done[lot] for lot in plan.lots])
    return np.array(rows)
