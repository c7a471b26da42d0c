"""Where finished lots go (the profit objective's accounts): each released lot is allocated to
its product's demanded lots, earliest due date first; it waits in the finished-lot inventory
from its release to its delivery (its due date, or its release when late); a lot that would
be delivered after its shelf life ends is wasted at its expiry; a demanded lot no lot serves
within the horizon is unmet.

Allocating lots in order of release to due dates in order is the best allocation for every
term at once: a lot that expires before the earliest unserved due date expires before every
later one too, and any other pairing makes some lot wait longer or be later.
"""

from __future__ import annotations

from dataclasses import dataclass

from genofab.engines.scheduling.instance import Instance


@dataclass(frozen=True)
class Ledger:
    """The profit accounts of a schedule, money in the plan's currency, times in steps.

    ``delivered`` maps each lot made and delivered to (the demanded lot it serves, the
    delivery step); ``wasted`` maps each lot that expires before any delivery to its expiry
    step; ``unsold`` lots are made but no demand is left for them; ``unmet`` lists the
    demanded lots no lot serves."""

    delivered: dict[int, tuple[int, int]]
    wasted: dict[int, int]
    unsold: tuple[int, ...]
    unmet: tuple[int, ...]
    sales: float
    production_cost: float
    backlog_cost: float
    unmet_cost: float
    inventory_cost: float
    inventory_lot_steps: int
    inventory_peak: int
    inventory_violations: tuple[str, ...]
    waste_cost: float = 0.0  # production cost of the wasted lots (in production_cost already)

    def late_steps(self, instance: Instance, lot: int) -> int:
        """Steps lot ``lot`` is delivered after the due date it serves (0 if not delivered)."""
        if lot not in self.delivered:
            return 0
        demand, when = self.delivered[lot]
        return max(0, when - instance.lots[demand].due)


def keep_ledger(
    instance: Instance, completion: dict[int, int], last_start: dict[int, int]
) -> Ledger:
    """The accounts of the lots made: ``completion`` is each lot's release step and
    ``last_start`` the start of its last phase (from which its shelf life counts)."""
    delivered: dict[int, tuple[int, int]] = {}
    wasted: dict[int, int] = {}
    unsold: list[int] = []
    unmet: list[int] = []
    stays: list[tuple[int, int]] = []  # (from, to) of each lot in the finished-lot inventory
    sales = backlog = unmet_cost = 0.0
    for product, spec in enumerate(instance.products):
        demanded = instance.lots_of(product)
        made = sorted(
            (lot.index for lot in demanded if lot.index in completion),
            key=lambda index: (completion[index], index),
        )
        waiting = iter(demanded)
        demand = next(waiting, None)
        for lot in made:
            released = completion[lot]
            expires = spec.expiry(last_start.get(lot, released))
            if demand is None:
                unsold.append(lot)
                end = instance.horizon if expires is None else min(expires, instance.horizon)
                stays.append((released, max(released, end)))
                continue
            delivery = max(released, demand.due)
            if expires is not None and delivery > expires:
                wasted[lot] = expires
                stays.append((released, max(released, expires)))
                continue
            delivered[lot] = (demand.index, delivery)
            stays.append((released, delivery))
            sales += demand.value
            backlog += demand.penalty_per_step * (delivery - demand.due)
            demand = next(waiting, None)
        while demand is not None:
            unmet.append(demand.index)
            unmet_cost += demand.unmet_penalty
            demand = next(waiting, None)
    lot_steps = sum(end - begin for begin, end in stays)
    peak, when = _peak(stays)
    violations: tuple[str, ...] = ()
    capacity = instance.inventory_capacity
    if capacity is not None and peak > capacity:
        violations = (
            f"{peak} finished lots wait in the inventory at step {when}, more than its"
            f" capacity of {capacity}",
        )
    cost_of = {
        lot: instance.products[instance.lots[lot].product].cost_per_lot for lot in completion
    }
    return Ledger(
        delivered=delivered,
        wasted=wasted,
        unsold=tuple(unsold),
        unmet=tuple(unmet),
        sales=sales,
        production_cost=sum(cost_of.values()),
        backlog_cost=backlog,
        unmet_cost=unmet_cost,
        inventory_cost=lot_steps * instance.inventory_cost_per_step,
        inventory_lot_steps=lot_steps,
        inventory_peak=peak,
        inventory_violations=violations,
        waste_cost=sum(cost_of[lot] for lot in wasted),
    )


def inventory_levels(stays: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(step, lots in the inventory from that step on) at every change of the level."""
    events: dict[int, int] = {}
    for begin, end in stays:
        if end > begin:
            events[begin] = events.get(begin, 0) + 1
            events[end] = events.get(end, 0) - 1
    levels, level = [], 0
    for step in sorted(events):
        level += events[step]
        levels.append((step, level))
    return levels


def _peak(stays: list[tuple[int, int]]) -> tuple[int, int]:
    """Most lots held at once, and the first step it happens."""
    levels = inventory_levels(stays)
    return max(
        ((level, step) for step, level in levels),
        key=lambda item: (item[0], -item[1]),
        default=(0, 0),
    )
