"""Where finished lots go (the profit objective's accounts): each released lot is allocated to
its product's demanded lots, earliest due date first; it waits in the finished-lot inventory
from its release to its delivery (its due date, or its release when late); a lot that would
be delivered after its shelf life ends is wasted at its expiry; a demanded lot no lot serves
within the horizon is unmet.

A conversion between stages changes that for the lots that feed others (``made_from``: the
upstream product's first ⌈downstream lots ÷ n⌉ lots, first in, first out). Their demanded lots
are the stage's own requirement, not a sale: such a lot is **consumed** by the lots it feeds,
never delivered to a sponsor. It waits in the inventory from its release until the last lot it
feeds starts (its remaining material is drawn on until then); it earns no sales (the sale is
its fed lots'); it pays its demand's backlog penalty on its release and, when not made, its
demand's unmet penalty. A fed lot that starts after its feeder expires (shelf life) breaks a
rule of the accounts. A feeder made whose fed lots are all left out is made for nothing:
unsold, it waits until its expiry or the horizon. The upstream product's other demanded lots
(beyond what the stage needs) are finished lots sold like any other.

Allocating lots in order of release to due dates in order is the best allocation for every
term at once: a lot that expires before the earliest unserved due date expires before every
later one too, and any other pairing makes some lot wait longer or be later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from genofab.engines.scheduling.instance import Instance


@dataclass(frozen=True)
class Ledger:
    """The profit accounts of a schedule, money in the plan's currency, times in steps.

    ``delivered`` maps each lot made and delivered to (the demanded lot it serves, the
    delivery step); ``wasted`` maps each lot that expires before any delivery to its expiry
    step; ``unsold`` lots are made but no demand is left for them; ``unmet`` lists the
    demanded lots no lot serves; ``consumed`` maps each lot that feeds others (a conversion
    between stages) and is used by at least one of them to (its release, the step the last of
    them starts): it leaves the inventory then, and its own demanded lot is met with no sale;
    ``stays`` maps each lot made to the steps (from, to) it waits in the inventory;
    ``expired_feeds`` maps each lot made that starts after the lot feeding it has expired to
    that lot (a broken rule, listed in ``inventory_violations`` too)."""

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
    consumed: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: (from, to) of each lot made in the finished-lot inventory, release to leaving
    stays: dict[int, tuple[int, int]] = field(default_factory=dict)
    expired_feeds: dict[int, int] = field(default_factory=dict)

    def late_steps(self, instance: Instance, lot: int) -> int:
        """Steps lot ``lot`` is delivered after the due date it serves (0 if not delivered);
        for a lot consumed by the lots it feeds, steps it is released after its own due date."""
        if lot in self.consumed:
            return max(0, self.consumed[lot][0] - instance.lots[lot].due)
        if lot not in self.delivered:
            return 0
        demand, when = self.delivered[lot]
        return max(0, when - instance.lots[demand].due)


def keep_ledger(
    instance: Instance,
    completion: dict[int, int],
    last_start: dict[int, int],
    first_start: dict[int, int] | None = None,
) -> Ledger:
    """The accounts of the lots made: ``completion`` is each lot's release step,
    ``last_start`` the start of its last phase (from which its shelf life counts) and
    ``first_start`` the start of its first (when a lot fed by another draws on it; by default
    its release)."""
    delivered: dict[int, tuple[int, int]] = {}
    wasted: dict[int, int] = {}
    unsold: list[int] = []
    unmet: list[int] = []
    stays: dict[int, tuple[int, int]] = {}  # (from, to) of each lot in the inventory
    sales = backlog = unmet_cost = 0.0
    fed_by = feeds(instance)
    consumed, expired_feeds = _consumed(
        instance, fed_by, completion, last_start, first_start or completion
    )
    for lot in fed_by:
        wanted = instance.lots[lot]
        if lot not in completion:
            unmet.append(lot)
            unmet_cost += wanted.unmet_penalty
            continue
        released = completion[lot]
        backlog += wanted.penalty_per_step * max(0, released - wanted.due)
        if lot in consumed:
            stays[lot] = consumed[lot]
            continue
        unsold.append(lot)  # made, but none of the lots it feeds is
        expires = instance.products[wanted.product].expiry(last_start.get(lot, released))
        end = instance.horizon if expires is None else min(expires, instance.horizon)
        stays[lot] = (released, max(released, end))
    for product, spec in enumerate(instance.products):
        demanded = tuple(lot for lot in instance.lots_of(product) if lot.index not in fed_by)
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
                stays[lot] = (released, max(released, end))
                continue
            delivery = max(released, demand.due)
            if expires is not None and delivery > expires:
                wasted[lot] = expires
                stays[lot] = (released, max(released, expires))
                continue
            delivered[lot] = (demand.index, delivery)
            stays[lot] = (released, delivery)
            sales += demand.value
            backlog += demand.penalty_per_step * (delivery - demand.due)
            demand = next(waiting, None)
        while demand is not None:
            unmet.append(demand.index)
            unmet_cost += demand.unmet_penalty
            demand = next(waiting, None)
    lot_steps = sum(end - begin for begin, end in stays.values())
    peak, when = _peak(list(stays.values()))
    violations = tuple(
        f"lot {lot} starts at step {(first_start or completion)[lot]}, after lot {feeder} that"
        f" feeds it expires (step {expiry(instance, feeder, last_start, completion)}, its"
        " shelf life)"
        for lot, feeder in expired_feeds.items()
    )
    for limited, capacity in instance.inventory_limits():  # all lots', then each product's
        if limited is None:
            most, at, what, whose = peak, when, "", ""
        else:
            mine = [stay for lot, stay in stays.items() if instance.lots[lot].product == limited]
            most, at = _peak(mine)
            what, whose = f" of {instance.products[limited].name}", " for them"
        if most > capacity:
            violations += (
                f"{most} finished lots{what} wait in the inventory at step {at}, more than its"
                f" capacity of {capacity}{whose}",
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
        inventory_cost=sum(
            (end - begin) * instance.inventory_cost_of(instance.lots[lot].product)
            for lot, (begin, end) in stays.items()
        ),
        inventory_lot_steps=lot_steps,
        inventory_peak=peak,
        inventory_violations=violations,
        waste_cost=sum(cost_of[lot] for lot in wasted),
        consumed=consumed,
        stays=stays,
        expired_feeds=expired_feeds,
    )


def expiry(
    instance: Instance, lot: int, last_start: dict[int, int], completion: dict[int, int]
) -> int | None:
    """Step after which lot ``lot`` (made) may no longer be used (None: it keeps)."""
    product = instance.products[instance.lots[lot].product]
    return product.expiry(last_start.get(lot, completion[lot]))


def feeds(instance: Instance) -> dict[int, tuple[int, ...]]:
    """Each lot that feeds others (a conversion between stages) and the lots it feeds."""
    fed: dict[int, list[int]] = {}
    for lot in instance.lots:
        for feeder in lot.feeders:
            fed.setdefault(feeder, []).append(lot.index)
    return {lot: tuple(lots) for lot, lots in sorted(fed.items())}


def _consumed(
    instance: Instance,
    fed_by: dict[int, tuple[int, ...]],
    completion: dict[int, int],
    last_start: dict[int, int],
    first_start: dict[int, int],
) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """(release, step the last of its fed lots starts) of each feeder some made lot draws on,
    and the fed lots that start after their feeder expired (each to its feeder)."""
    consumed: dict[int, tuple[int, int]] = {}
    expired: dict[int, int] = {}
    for lot, fed in fed_by.items():
        starts = {index: first_start[index] for index in fed if index in first_start}
        if lot not in completion or not starts:
            continue
        released = completion[lot]
        consumed[lot] = (released, max(released, *starts.values()))
        expires = expiry(instance, lot, last_start, completion)
        for index, start in starts.items():
            if expires is not None and start > expires:
                expired[index] = lot
    return consumed, expired


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
