"""A lot schedule on the grid, and its assessment: every rule it breaks, each lot's
completion and lateness (first in, first out), makespan, changeovers, margin and profit
(the finished lots' deliveries, inventory and waste: :mod:`.deliveries`).

The assessment is the one judge of every scheduler: a schedule is feasible when
:func:`assess` finds no violation, and its objective value is computed here, never taken
from a solver's own report.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from genofab.engines.scheduling.deliveries import Ledger, keep_ledger
from genofab.engines.scheduling.instance import Instance

Objective = Literal["makespan", "lateness", "margin", "profit"]
OBJECTIVES: tuple[Objective, ...] = ("makespan", "lateness", "margin", "profit")
#: Objectives under which lots are optional (a lot not worth making is left out).
MONEY_OBJECTIVES: tuple[Objective, ...] = ("margin", "profit")


@dataclass(frozen=True)
class Placement:
    """One phase of one lot: which room (group, and room within it) and when, in steps."""

    lot: int
    phase: int
    group: int
    room: int
    start: int
    end: int
    released: int = field(compare=False, default=-1)

    def hold_end(self, instance: Instance) -> int:
        """End of the room's hold: the phase's end plus the room's cleaning."""
        return self.end + instance.rooms[self.group].cleaning


@dataclass(frozen=True)
class Timetable:
    """Placements of the lots made; ``left_out`` names each lot not made and why (a schedule
    of every lot is needed for makespan and lateness; under margin a lot is optional)."""

    placements: tuple[Placement, ...]
    left_out: tuple[tuple[int, str], ...] = ()

    def by_lot(self) -> dict[int, list[Placement]]:
        """Placements of each lot made, in phase order."""
        lots: dict[int, list[Placement]] = defaultdict(list)
        for placement in sorted(self.placements, key=lambda p: (p.lot, p.phase)):
            lots[placement.lot].append(placement)
        return dict(lots)


#: ``Changeover.after_lot`` of a room's startup: the change before its first lot.
START = -1


@dataclass(frozen=True)
class Changeover:
    """A product switch in one room: after which lot (:data:`START` for a room's startup
    before its first lot), before which, how long, what cost."""

    group: int
    room: int
    before_lot: int
    after_lot: int
    start: int
    steps: int
    cost: float


@dataclass(frozen=True)
class Assessment:
    """What a timetable achieves and every rule it breaks."""

    violations: tuple[str, ...]
    completion: dict[int, int]
    serves: dict[int, int]
    lateness: dict[int, int]
    makespan: int
    total_lateness: int
    changeovers: tuple[Changeover, ...]
    value: float
    production_cost: float
    changeover_cost: float
    storage_cost: float
    lateness_cost: float
    ledger: Ledger

    @property
    def feasible(self) -> bool:
        """No rule broken."""
        return not self.violations

    @property
    def margin(self) -> float:
        """Value of the lots delivered − production, changeover, storage and lateness costs."""
        return (
            self.value
            - self.production_cost
            - self.changeover_cost
            - self.storage_cost
            - self.lateness_cost
        )

    @property
    def profit(self) -> float:
        """Sales at delivery − production, changeover, storage (between phases) and inventory
        (finished lots) costs − backlog penalties − penalties for demand never met."""
        ledger = self.ledger
        return (
            ledger.sales
            - self.production_cost
            - self.changeover_cost
            - self.storage_cost
            - ledger.inventory_cost
            - ledger.backlog_cost
            - ledger.unmet_cost
        )

    def objective(self, objective: Objective) -> float:
        """The value of ``objective`` (makespan and lateness in steps, margin and profit in
        money)."""
        if objective == "makespan":
            return float(self.makespan)
        if objective == "lateness":
            return float(self.total_lateness)
        if objective == "profit":
            return self.profit
        return self.margin


def assess(
    instance: Instance, timetable: Timetable, *, all_lots: bool = True, inventory: bool = False
) -> Assessment:
    """Check ``timetable`` against every rule of ``instance`` and measure it. With
    ``all_lots`` every demanded lot must be made (makespan and lateness objectives); with
    ``inventory`` the finished lots wait for their due dates and must fit the finished-lot
    inventory (profit objective; otherwise a lot is delivered when it is released)."""
    violations: list[str] = []
    lots = timetable.by_lot()
    for lot in instance.lots:
        if lot.index not in lots:
            if all_lots:
                violations.append(f"lot {lot.index} is not made")
            continue
        violations += _lot_rules(instance, lot.index, lots[lot.index])
    changeovers, room_violations = _room_rules(instance, timetable)
    violations += room_violations
    violations += _storage_rules(instance, lots)
    violations += feed_rules(instance, lots)
    violations += campaign_rules(instance, timetable)
    completion = {lot: phases[-1].end for lot, phases in lots.items()}
    serves, lateness = _first_in_first_out(instance, completion)
    for placement in timetable.placements:
        if placement.hold_end(instance) > instance.horizon:
            violations.append(
                f"lot {placement.lot} holds {instance.rooms[placement.group].name} until step"
                f" {placement.hold_end(instance)}, after the horizon ({instance.horizon})"
            )
    value = sum(instance.lots[demand].value for demand in serves.values())
    penalty = sum(
        instance.lots[serves[lot]].penalty_per_step * late for lot, late in lateness.items()
    )
    cost = sum(instance.products[instance.lots[lot].product].cost_per_lot for lot in lots)
    waits = sum(
        later.start - earlier.end
        for phases in lots.values()
        for earlier, later in itertools.pairwise(phases)
    )
    ledger = keep_ledger(
        instance,
        completion,
        {lot: phases[-1].start for lot, phases in lots.items()},
        {lot: phases[0].start for lot, phases in lots.items()},
    )
    if inventory:
        violations += ledger.inventory_violations
    return Assessment(
        violations=tuple(violations),
        completion=completion,
        serves=serves,
        lateness=lateness,
        makespan=max(completion.values(), default=0),
        total_lateness=sum(lateness.values()),
        changeovers=changeovers,
        value=value,
        production_cost=cost,
        changeover_cost=sum(change.cost for change in changeovers),
        storage_cost=waits * instance.storage_cost_per_step,
        lateness_cost=penalty,
        ledger=ledger,
    )


def feed_rules(instance: Instance, lots: dict[int, list[Placement]]) -> list[str]:
    """A lot fed by upstream lots (a conversion between stages) is made only if they are, and
    starts only once they are released (their last phases ended)."""
    problems = []
    for index, phases in sorted(lots.items()):
        if not phases:
            continue
        for feeder in instance.lots[index].feeders:
            if feeder not in lots or not lots[feeder]:
                problems.append(f"lot {index} is made but lot {feeder}, which feeds it, is not")
                continue
            released = max(placement.end for placement in lots[feeder])
            started = min(placement.start for placement in phases)
            if started < released:
                problems.append(
                    f"lot {index} starts at step {started}, before lot {feeder} that feeds it is"
                    f" released (step {released})"
                )
    return problems


def _lot_rules(instance: Instance, lot: int, phases: list[Placement]) -> list[str]:
    spec = instance.lots[lot]
    recipe = instance.products[spec.product].phases
    problems = []
    if [p.phase for p in phases] != list(range(len(recipe))):
        return [f"lot {lot} does not run its {len(recipe)} phases once each"]
    for placement, phase in zip(phases, recipe, strict=True):
        room = instance.rooms[placement.group]
        if room.kind != phase.kind or spec.product not in room.products:
            problems.append(f"lot {lot} phase {phase.name} is in room {room.name}, not allowed")
        if placement.end - placement.start != phase.duration or placement.start < 0:
            problems.append(f"lot {lot} phase {phase.name} does not last {phase.duration} steps")
    for earlier, later, phase in zip(phases, phases[1:], recipe, strict=False):
        if later.start < earlier.end:
            problems.append(f"lot {lot} starts {recipe[later.phase].name} before {phase.name} ends")
        if phase.max_wait is not None and later.start - earlier.end > phase.max_wait:
            problems.append(
                f"lot {lot} waits {later.start - earlier.end} steps after {phase.name}"
                f" (max {phase.max_wait})"
            )
    return problems


def _room_rules(
    instance: Instance, timetable: Timetable
) -> tuple[tuple[Changeover, ...], list[str]]:
    problems: list[str] = []
    changeovers: list[Changeover] = []
    per_room: dict[tuple[int, int], list[Placement]] = defaultdict(list)
    for placement in timetable.placements:
        per_room[(placement.group, placement.room)].append(placement)
    for (g, r), placed in sorted(per_room.items()):
        room = instance.rooms[g]
        if not 0 <= r < room.count:
            problems.append(f"room {room.name} has no room number {r}")
            continue
        for placement in placed:
            for start, end in room.shutdowns:
                if placement.start < end and start < placement.hold_end(instance):
                    problems.append(f"lot {placement.lot} holds {room.name} #{r} during a shutdown")
        events: list[tuple[int, int]] = []
        for placement in placed:
            events += [(placement.start, 1), (placement.hold_end(instance), -1)]
        level = 0
        for _, step in sorted(events):
            level += step
            if level > room.capacity:
                problems.append(f"room {room.name} #{r} holds more than {room.capacity} lots")
                break
        if room.capacity != 1:
            continue
        ordered = sorted(placed, key=lambda p: p.start)
        first = ordered[0]
        q = instance.lots[first.lot].product
        need, cost = room.change(-1, q), room.change_cost(-1, q)
        if first.start < need:
            problems.append(
                f"room {room.name} #{r}: lot {first.lot} starts at step {first.start}, the"
                f" room's startup needs {need}"
            )
        if need or cost:
            changeovers.append(Changeover(g, r, first.lot, START, first.start - need, need, cost))
        for before, after in itertools.pairwise(ordered):
            p = instance.lots[before.lot].product
            q = instance.lots[after.lot].product
            need = room.changeover[p][q]
            gap = after.start - before.hold_end(instance)
            if gap < need:
                problems.append(
                    f"room {room.name} #{r}: {gap} steps between lots {before.lot} and"
                    f" {after.lot}, changeover needs {need}"
                )
            if p != q and (need or room.changeover_cost[p][q]):
                changeovers.append(
                    Changeover(
                        g,
                        r,
                        after.lot,
                        before.lot,
                        before.hold_end(instance),
                        need,
                        room.changeover_cost[p][q],
                    )
                )
    return tuple(changeovers), problems


def campaigns(instance: Instance, timetable: Timetable) -> list[tuple[int, int, int, list[int]]]:
    """Campaigns in the sequenced rooms: (group, room, product, lots) of each run of lots of
    one product, one after another, with no other product between them and the room never
    idle as long as its turnover (its changeover time) between them."""
    found: list[tuple[int, int, int, list[int]]] = []
    per_room: dict[tuple[int, int], list[Placement]] = defaultdict(list)
    for placement in timetable.placements:
        if instance.rooms[placement.group].sequenced:
            per_room[(placement.group, placement.room)].append(placement)
    for (g, r), placed in sorted(per_room.items()):
        room = instance.rooms[g]
        previous: Placement | None = None
        for placement in sorted(placed, key=lambda p: (p.start, p.lot)):
            product = instance.lots[placement.lot].product
            if (
                previous is not None
                and found[-1][2] == product
                and placement.start - previous.hold_end(instance) < room.turnover
            ):
                if placement.lot not in found[-1][3]:
                    found[-1][3].append(placement.lot)
            else:
                found.append((g, r, product, [placement.lot]))
            previous = placement
    return found


def campaign_rules(instance: Instance, timetable: Timetable) -> list[str]:
    """Campaigns shorter than their product's ``min_campaign`` or longer than its
    ``max_campaign``."""
    if not any(p.sized for p in instance.products):
        return []
    problems = []
    for g, r, product, members in campaigns(instance, timetable):
        spec = instance.products[product]
        size = len(members)
        room = f"{instance.rooms[g].name} #{r + 1}"
        if spec.min_campaign is not None and size < spec.min_campaign:
            problems.append(
                f"a campaign of {size} lots of {spec.name} in {room}, fewer than"
                f" {spec.min_campaign}"
            )
        if spec.max_campaign is not None and size > spec.max_campaign:
            problems.append(
                f"a campaign of {size} lots of {spec.name} in {room}, more than {spec.max_campaign}"
            )
    return problems


def _storage_rules(instance: Instance, lots: dict[int, list[Placement]]) -> list[str]:
    capacity = instance.storage_capacity
    if capacity is None:
        return []
    events: list[tuple[int, int]] = []
    for phases in lots.values():
        for earlier, later in itertools.pairwise(phases):
            if later.start > earlier.end:
                events += [(earlier.end, 1), (later.start, -1)]
    level = 0
    for when, step in sorted(events):
        level += step
        if level > capacity:
            return [f"more than {capacity} lots wait in storage at step {when}"]
    return []


def _first_in_first_out(
    instance: Instance, completion: dict[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """Which demanded lot each lot made serves (the k-th released lot of a product serves its
    k-th due date), and each lot's lateness in steps."""
    serves: dict[int, int] = {}
    lateness: dict[int, int] = {}
    for product in range(len(instance.products)):
        demanded = instance.lots_of(product)
        made = sorted(
            (lot.index for lot in demanded if lot.index in completion),
            key=lambda index: (completion[index], index),
        )
        for lot, demand in zip(made, demanded, strict=False):
            serves[lot] = demand.index
            lateness[lot] = max(0, completion[lot] - demand.due)
    return serves, lateness


def with_pooled_rooms(instance: Instance, timetable: Timetable) -> Timetable:
    """Give each placement in a pooled group (room −1) a room: greedy interval colouring by
    start time, which never needs more than the group's ``count × capacity`` places when no
    more lots than that are held at once."""
    kept = [p for p in timetable.placements if p.room >= 0]
    pooled: dict[int, list[Placement]] = defaultdict(list)
    for placement in timetable.placements:
        if placement.room < 0:
            pooled[placement.group].append(placement)
    for g, placed in pooled.items():
        room = instance.rooms[g]
        free_at = [0] * room.places
        for placement in sorted(placed, key=lambda p: (p.start, p.lot)):
            slot = next(
                (s for s, free in enumerate(free_at) if free <= placement.start),
                min(range(room.places), key=free_at.__getitem__),
            )
            free_at[slot] = placement.hold_end(instance)
            kept.append(
                Placement(
                    placement.lot,
                    placement.phase,
                    g,
                    slot // room.capacity,
                    placement.start,
                    placement.end,
                )
            )
    return Timetable(tuple(sorted(kept, key=lambda p: (p.lot, p.phase))), timetable.left_out)


def canonical(instance: Instance, timetable: Timetable) -> Timetable:
    """The same schedule with lots of a product renumbered in order of completion and the
    identical rooms of a group numbered in order of first use (the model's symmetry rules)."""
    lots = timetable.by_lot()
    relabel: dict[int, int] = {}
    reasons = dict(timetable.left_out)
    left_out: list[tuple[int, str]] = []
    for product in range(len(instance.products)):
        own = [lot.index for lot in instance.lots_of(product)]
        made = sorted(
            (index for index in own if index in lots),
            key=lambda index: (lots[index][-1].end, lots[index][0].start, index),
        )
        relabel.update(zip(made, own, strict=False))
        missing = [index for index in own if index not in lots]
        left_out += [
            (index, reasons.get(old, "not made"))
            for index, old in zip(own[len(made) :], missing, strict=True)
        ]
    placements = [
        Placement(relabel[p.lot], p.phase, p.group, p.room, p.start, p.end)
        for p in timetable.placements
    ]
    rooms: dict[tuple[int, int], int] = {}
    seen: dict[int, int] = defaultdict(int)
    for placement in sorted(placements, key=lambda p: (p.lot, p.phase)):
        key = (placement.group, placement.room)
        if instance.rooms[placement.group].sequenced and key not in rooms:
            rooms[key] = seen[placement.group]
            seen[placement.group] += 1
    return Timetable(
        tuple(
            Placement(p.lot, p.phase, p.group, rooms.get((p.group, p.room), p.room), p.start, p.end)
            for p in sorted(placements, key=lambda p: (p.lot, p.phase))
        ),
        tuple(sorted(left_out)),
    )
