"""Capacity of a plan's rooms, in closed form: lots one room makes in a year of one product,
the room time the demands need against the time the rooms give, and the busiest kind of
room. Vectorised over products and room groups; no solver."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from genofab.engines.scheduling.instance import Instance

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class PlanCapacity:
    """Per room group: lots per room per year of each product it may make (0 where it may
    not), room time demanded (a share of the group's time over the horizon), the bottleneck."""

    lots_per_room_year: NDArray[np.float64]  # (groups, products)
    demanded: NDArray[np.float64]  # (groups,) steps of room time the demand puts on each group
    available: NDArray[np.float64]  # (groups,) steps the group gives over the horizon
    kind_utilisation: dict[str, float]
    bottleneck: str


def plan_capacity(instance: Instance) -> PlanCapacity:
    """Closed-form capacity. Demand is spread over the groups of a kind in proportion to
    their places (a campaign plan decides the real split); changeovers are not counted."""
    groups, products = len(instance.rooms), len(instance.products)
    steps_per_year = DAYS_PER_YEAR / instance.step_days
    hold = np.zeros((groups, products))
    allowed = np.zeros((groups, products), dtype=bool)
    for g, room in enumerate(instance.rooms):
        for p in room.products:
            recipe = instance.products[p].phases
            time = sum(phase.duration for phase in recipe if phase.kind == room.kind)
            if time:
                hold[g, p] = time + room.cleaning * sum(1 for ph in recipe if ph.kind == room.kind)
                allowed[g, p] = True
    capacity = np.array([room.capacity for room in instance.rooms], dtype=float)
    places = np.array([room.places for room in instance.rooms], dtype=float)
    with np.errstate(divide="ignore"):
        per_room = np.where(allowed, capacity[:, None] * np.floor(steps_per_year / hold), 0.0)
    lots = np.bincount([lot.product for lot in instance.lots], minlength=products)
    kinds = sorted({room.kind for room in instance.rooms})
    kind_of = np.array([kinds.index(room.kind) for room in instance.rooms])
    able_places = np.zeros((len(kinds), products))
    np.add.at(able_places, kind_of, allowed * places[:, None])
    share = np.where(allowed, places[:, None] / np.maximum(able_places[kind_of], 1), 0.0)
    demanded = (share * hold * lots[None, :]).sum(axis=1)
    available = places * instance.horizon
    need = np.bincount(kind_of, weights=demanded, minlength=len(kinds))
    give = np.bincount(kind_of, weights=available, minlength=len(kinds))
    utilisation = {
        kind: float(need[i] / give[i]) if give[i] else 0.0 for i, kind in enumerate(kinds)
    }
    return PlanCapacity(
        lots_per_room_year=per_room,
        demanded=demanded,
        available=available,
        kind_utilisation=utilisation,
        bottleneck=max(utilisation, key=utilisation.__getitem__),
    )
