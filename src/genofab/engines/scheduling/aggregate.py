"""The aggregate campaign plan for makespan: how many lots of each product each room makes.

A room's load is its lots' room time plus one changeover into each product it makes but the
first; the makespan is at least the largest load (plus the shortest head and tail of the
stage, less the last cleaning). Grouping the lots of a product into one campaign per room is
optimal for makespan in a single stage when changeovers obey the triangle inequality, so on
single-stage plans of sequenced rooms with one changeover time between any two products this
plan is exact. Otherwise its value is a lower bound only: pooled rooms are treated as
divisible room time, of product-pair changeovers it counts the least into each product and
credits the largest to a room's first campaign, and it leaves out a room's startup before
its first lot (the decoding keeps it: a room starts with the product it starts soonest). A
schedule is called optimal only when its decoded lots meet the bound (:mod:`.solve`).

It is solved as a sequence of decisions — "does every lot fit in makespan T?" — from a
counting bound upwards. A greedy packing (each room filled as full as it can be) gives a
first T that fits. Each smaller T is then decided, cheapest test first:

0. exact bin completion (:mod:`.packing`) for a few milliseconds: settles small plans;
1. the arc-flow LP relaxation (:mod:`.packing_bound`): infeasible proves T too small;
2. rounding its fractional packing (whole LP rooms fixed, the lots left packed greedily
   or by bin completion) finds a plan at T;
3. so may the greedy packing with the products in shuffled orders;
4. the arc-flow model itself as a MIP (HiGHS) proves T too small or finds a plan.

The first T that fits is optimal, since every smaller one was proven not to fit; when the
work budget runs out first, the plan found is reported with the smallest T not yet refuted as
its bound. Work is counted, not timed: search steps of bin completion and of the greedy
packings, a charge per arc for each LP, a node limit for the MIP; so the same plan and limit
give the same plan on an idle or a loaded machine (the wall clock is only a guard).
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np

from genofab.engines.scheduling.campaign import SolverRun, Stage
from genofab.engines.scheduling.instance import Instance, RoomSpec
from genofab.engines.scheduling.packing import Campaigns, Work, fits
from genofab.engines.scheduling.packing_bound import Relaxation, RoomKind, relax
from genofab.engines.scheduling.rules import place_lots
from genofab.engines.scheduling.timetable import Timetable

#: Search steps per second of time limit (bin-completion nodes, rooms filled by the greedy
#: packing): measured, about what one second of CPU does on these models.
STEPS_PER_SECOND = 150_000
#: Steps bin completion may spend on a makespan before the LP, and on the lots left after
#: one rounding of the relaxation.
COMPLETION_STEPS = 9_000
#: Steps charged for solving an LP, per arc of its model (HiGHS's interior point on these).
LP_STEPS_PER_ARC = 10
#: Shares of the steps left that rounding, then greedy packings in shuffled product orders,
#: may take, each at most ``HEURISTIC_CAP`` steps; the MIP proof or search gets the rest.
ROUNDING_SHARE = 0.25
SHUFFLE_SHARE = 0.3
HEURISTIC_CAP = 150_000
#: MIP nodes per step left (HiGHS branch and bound, presolve off).
MIP_NODES_PER_STEP = 0.01


@dataclass(frozen=True)
class AggregatePlan:
    """The solver run and, when found, lots of each product per (group, room unit)."""

    run: SolverRun
    lots: dict[tuple[int, int], dict[int, int]] = field(default_factory=dict)
    steps: int = 0


@dataclass(frozen=True)
class _Unit:
    """One room (sequenced) or a whole pooled group: what it may make and at what cost."""

    group: int
    room: int
    products: tuple[int, ...]
    hold: dict[int, int]
    entry: dict[int, int]
    saving: int
    places: int


def _units(instance: Instance, stage: Stage, counts: dict[int, int]) -> list[_Unit]:
    units = []
    for g in stage.groups:
        room = instance.rooms[g]
        products = tuple(p for p in counts if p in room.products)
        if not products:
            continue
        hold = {p: instance.hold(room, p, stage.phase[p]) for p in products}
        entry, saving = _entries(room, products)
        rooms = range(room.count) if room.sequenced else (-1,)
        places = 1 if room.sequenced else room.places
        units += [_Unit(g, r, products, hold, entry, saving, places) for r in rooms]
    return units


def _entries(room: RoomSpec, products: tuple[int, ...]) -> tuple[dict[int, int], int]:
    """Least changeover into each product, and the largest of them (the first campaign of a
    room pays none: subtracting the largest keeps the bound valid)."""
    if not room.sequenced:
        return dict.fromkeys(products, 0), 0
    entry = {
        p: min((room.changeover[q][p] for q in products if q != p), default=0) for p in products
    }
    return entry, max(entry.values(), default=0)


def _offset(instance: Instance, stage: Stage, units: list[_Unit]) -> dict[int, int]:
    """Per group: shortest head + shortest tail − cleaning (makespan = load + offset)."""
    offsets = {}
    for unit in units:
        heads = min(stage.head[p] for p in unit.products)
        tails = min(stage.tail[p] for p in unit.products)
        offsets[unit.group] = heads + tails - instance.rooms[unit.group].cleaning
    return offsets


def counting_bound(instance: Instance, stage: Stage) -> int:
    """Smallest makespan the room time of the whole stage allows (each room a bin)."""
    counts = _counts(instance, stage)
    units = _units(instance, stage, counts)
    if not units:
        return 0
    offset = min(_offset(instance, stage, units).values())
    places = sum(unit.places for unit in units)
    work = sum(min(u.hold[p] for u in units if p in u.hold) * n for p, n in counts.items())
    setups = sum(min(u.entry.get(p, 0) for u in units if p in u.hold) for p in counts)
    saving = sum(unit.saving for unit in units)
    return max(0, math.ceil((work + setups - saving) / places) + offset)


def _counts(instance: Instance, stage: Stage) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for lot in instance.lots:
        if lot.product in stage.phase:
            counts[lot.product] += 1
    return dict(counts)


def aggregate_plan(
    instance: Instance, stage: Stage, *, time_limit: float, work: int | None = None
) -> AggregatePlan:
    """The least makespan T such that every lot fits, by decisions T = bound, bound + 1 …,
    within ``work`` search steps (by default :data:`STEPS_PER_SECOND` per second of
    ``time_limit``, which is otherwise only a guard)."""
    started = time.perf_counter()
    deadline = started + time_limit
    budget = Work(int(time_limit * STEPS_PER_SECOND) if work is None else work, deadline)
    counts = _counts(instance, stage)
    units = _units(instance, stage, counts)
    offsets = _offset(instance, stage, units)
    low = max(counting_bound(instance, stage), 1)
    name = f"aggregate campaign plan, stage '{stage.kind}' (arc-flow LP, rounding, HiGHS MIP)"
    variables = 0
    proven = low  # every makespan below this one is proven not to fit
    incumbent: tuple[int, dict[tuple[int, int], dict[int, int]]] | None = None
    for makespan in range(low, instance.horizon + 1):
        packed = _pack(units, counts, offsets, makespan)
        if packed is not None:
            incumbent = (makespan, packed)
            break
    top = incumbent[0] if incumbent is not None else instance.horizon + 1
    for makespan in range(proven, top):
        if budget.spent:
            break
        # small plans are settled at once by bin completion, before any LP is built
        quick = budget.within(COMPLETION_STEPS)
        fits, lots = _complete(units, counts, offsets, makespan, quick)
        budget.add(quick)
        if fits is not None:
            if fits:
                incumbent = (makespan, lots)
                break
            proven = makespan + 1
            continue
        kinds = _kinds(units, offsets, makespan)
        relaxation = relax(
            [kind for kind, _ in kinds], counts, max(deadline - time.perf_counter(), 0.01)
        )
        solving = relaxation.variables * LP_STEPS_PER_ARC
        budget.used += solving
        variables = max(variables, relaxation.variables)
        if relaxation.fits is False:
            proven = makespan + 1  # the arc-flow relaxation proves the lots do not fit
            continue
        if relaxation.fits is None:
            break  # the guard passed during the LP
        part = budget.within(min(int(ROUNDING_SHARE * budget.left), HEURISTIC_CAP))
        rounded = _round(kinds, relaxation, counts, offsets, makespan, part)
        budget.add(part)
        if rounded is None:
            part = budget.within(min(int(SHUFFLE_SHARE * budget.left), HEURISTIC_CAP))
            rounded = _shuffled(units, counts, offsets, makespan, part)
            budget.add(part)
        if rounded is None:
            if budget.left < 3 * solving:
                break  # HiGHS cannot stop the MIP within its root LP (simplex: 2-3x the IPM LP)
            relaxation = relax(
                [kind for kind, _ in kinds],
                counts,
                max(deadline - time.perf_counter(), 0.01),
                integer=True,
                nodes=max(1, int(budget.left * MIP_NODES_PER_STEP)),
            )
            budget.used = budget.steps  # the MIP is the last resort: it takes what is left
            if relaxation.fits is False:
                proven = makespan + 1  # the arc-flow model itself proves it
                continue
            if relaxation.fits is None:
                break  # out of work
            rounded = _round(
                kinds, relaxation, counts, offsets, makespan, Work(HEURISTIC_CAP, deadline)
            )
        if rounded is not None:
            incumbent = (makespan, rounded)
        break
    # the wall clock, not the counted steps, ended a search that proved nothing more
    guarded = budget.used < budget.steps and time.perf_counter() > deadline
    if incumbent is None:
        status = "infeasible" if proven > instance.horizon else "unknown"
        bound = None if status == "infeasible" else proven
        run = _run(name, status, None, bound, started, time_limit, variables)
        run = replace(run, guarded=guarded and status == "unknown")
        return AggregatePlan(run, steps=budget.used)
    makespan, lots = incumbent
    status = "optimal" if makespan == proven else "feasible"
    run = _run(name, status, makespan, proven, started, time_limit, variables)
    run = replace(run, guarded=guarded and status == "feasible")
    return AggregatePlan(run, lots, steps=budget.used)


def _capacity(unit: _Unit, offsets: dict[int, int], makespan: int) -> int:
    """Room time a unit offers within ``makespan`` (its first campaign pays no changeover)."""
    return (makespan - offsets[unit.group]) * unit.places + unit.saving


def _kinds(
    units: list[_Unit], offsets: dict[int, int], makespan: int
) -> list[tuple[RoomKind, list[_Unit]]]:
    """The units as kinds of identical rooms (a group's sequenced rooms are identical), each
    with its units; units with no room time left are dropped."""
    members: dict[int, list[_Unit]] = defaultdict(list)
    for unit in units:
        if _capacity(unit, offsets, makespan) > 0:
            members[unit.group].append(unit)
    return [
        (RoomKind(len(group), _capacity(group[0], offsets, makespan), group[0].hold,
                  group[0].entry), group)
        for group in members.values()
    ]  # fmt: skip


def _round(
    kinds: list[tuple[RoomKind, list[_Unit]]],
    relaxation: Relaxation,
    counts: dict[int, int],
    offsets: dict[int, int],
    makespan: int,
    work: Work,
) -> dict[tuple[int, int], dict[int, int]] | None:
    """Round the relaxation's packing: its rooms of weight w ≥ 1, heaviest first, are given
    to ⌊w⌋ units each, and the lots left are packed into the units left, greedily then
    exactly (bin completion, :data:`COMPLETION_STEPS` steps). When that fails, fewer rooms
    are fixed and the rest searched again — a freer residual — until ``work`` is spent.
    Lots per unit, or None."""
    whole = [
        (members, pattern)
        for (_, members), rooms in zip(kinds, relaxation.rooms, strict=False)
        for weight, pattern in sorted(rooms, key=lambda room: -room[0])
        for _ in range(math.floor(weight + 1e-6))
    ]
    for fixed in range(len(whole), -1, -1):
        if work.spent:
            return None
        left = dict(counts)
        lots: dict[tuple[int, int], dict[int, int]] = {}
        taken: set[tuple[int, int]] = set()
        for members, pattern in whole[:fixed]:
            unit = next((u for u in members if (u.group, u.room) not in taken), None)
            if unit is None or any(n > left.get(p, 0) for p, n in pattern.items()):
                continue
            taken.add((unit.group, unit.room))
            lots[(unit.group, unit.room)] = pattern
            for p, n in pattern.items():
                left[p] -= n
        if not any(left.values()):
            return lots
        free = [u for _, members in kinds for u in members if (u.group, u.room) not in taken]
        if not free:
            continue
        work.used += len(free)
        packed = _pack(free, left, offsets, makespan)
        if packed is None:
            quick = work.within(COMPLETION_STEPS)
            fits, packed = _complete(free, left, offsets, makespan, quick)
            work.add(quick)
            packed = packed if fits else None
        if packed is not None:
            return {**lots, **packed}
    return None


def _shuffled(
    units: list[_Unit],
    counts: dict[int, int],
    offsets: dict[int, int],
    makespan: int,
    work: Work,
) -> dict[tuple[int, int], dict[int, int]] | None:
    """The greedy packing again with the products in shuffled orders (which product a room
    takes first decides how it fills), until one fits or ``work`` is spent (a step per room
    filled); seeded by the makespan, so runs repeat."""
    shuffle = random.Random(makespan)
    while not work.spent:
        work.used += len(units)
        order = sorted({p for unit in units for p in unit.products})
        shuffle.shuffle(order)
        rank = {p: i for i, p in enumerate(order)}
        reordered = [
            replace(unit, products=tuple(sorted(unit.products, key=lambda p: rank[p])))
            for unit in units
        ]
        packed = _pack(reordered, counts, offsets, makespan)
        if packed is not None:
            return packed
    return None


def _complete(
    units: list[_Unit],
    counts: dict[int, int],
    offsets: dict[int, int],
    makespan: int,
    work: Work,
) -> tuple[bool | None, dict[tuple[int, int], dict[int, int]]]:
    """The exact bin-completion test (:mod:`.packing`) when every unit is an identical room;
    None when it does not apply or runs out of ``work``."""
    first = units[0]
    same = all(
        (u.group, u.hold, u.entry, u.saving, u.places)
        == (first.group, first.hold, first.entry, first.saving, first.places)
        for u in units
    )
    if not same or first.places != 1:
        return None, {}
    if any(n and p not in first.hold for p, n in counts.items()):
        return None, {}  # lots these rooms may not make: not a question for them alone
    products = sorted(counts)
    campaigns = Campaigns(
        tuple(first.hold.get(p, 0) for p in products),
        tuple(first.entry.get(p, 0) for p in products),
    )
    capacity = _capacity(first, offsets, makespan)
    result = fits(campaigns, tuple(counts[p] for p in products), len(units), capacity, work)
    if not isinstance(result, list):
        return result, {}
    lots = {
        (unit.group, unit.room): {products[i]: n for i, n in enumerate(room) if n}
        for unit, room in zip(units, result, strict=False)
    }
    return True, lots


def _pack(
    units: list[_Unit], counts: dict[int, int], offsets: dict[int, int], makespan: int
) -> dict[tuple[int, int], dict[int, int]] | None:
    """Fill the rooms one after the other, each as full as it can be with whole campaigns and
    parts of campaigns (a knapsack solved by dynamic programming over room time); returns
    lots per unit, or None when lots are left over."""
    left = dict(counts)
    lots: dict[tuple[int, int], dict[int, int]] = {}
    for unit in units:
        capacity = _capacity(unit, offsets, makespan)
        if capacity <= 0:
            continue
        chosen = _fill(unit, left, capacity)
        if chosen:
            lots[(unit.group, unit.room)] = chosen
            for p, n in chosen.items():
                left[p] -= n
    return lots if not any(left.values()) else None


def _fill(unit: _Unit, left: dict[int, int], capacity: int) -> dict[int, int]:
    """Lots of each product that fill ``capacity`` best: each product at most one campaign of
    1 … all its remaining lots; whole campaigns are preferred at equal fill."""
    products = [p for p in unit.products if left.get(p, 0) > 0]
    # best[c] = (fill reached with cost exactly c is c itself; we keep reachability and a
    # choice table to rebuild the campaign sizes)
    reach = np.zeros(capacity + 1, dtype=bool)
    reach[0] = True
    splits = np.zeros(capacity + 1, dtype=np.int64)
    choice = np.zeros((len(products), capacity + 1), dtype=np.int64)
    for i, p in enumerate(products):
        before, before_splits = reach.copy(), splits.copy()
        hold, entry = unit.hold[p], unit.entry[p]
        for n in range(left[p], 0, -1):  # whole campaign first: preferred at equal fill
            cost = n * hold + entry
            if cost > capacity:
                continue
            source = before[: capacity + 1 - cost]
            target = np.zeros(capacity + 1, dtype=bool)
            target[cost:] = source
            extra = before_splits[: capacity + 1 - cost] + (n < left[p])
            improves = target & (~reach | (np.pad(extra, (cost, 0)) < splits))
            improves &= ~(reach & (choice[i] > 0) & (np.pad(extra, (cost, 0)) >= splits))
            reach |= improves
            splits = np.where(improves, np.pad(extra, (cost, 0)), splits)
            choice[i] = np.where(improves, n, choice[i])
    fill = int(np.flatnonzero(reach).max())
    chosen: dict[int, int] = {}
    for i in range(len(products) - 1, -1, -1):
        n = int(choice[i, fill])
        if n:
            p = products[i]
            chosen[p] = n
            fill -= n * unit.hold[p] + unit.entry[p]
    return chosen


def _run(
    name: str,
    status: str,
    objective: float | None,
    bound: float | None,
    started: float,
    time_limit: float,
    variables: int,
) -> SolverRun:
    return SolverRun(
        model=name,
        status=status,
        objective=objective,
        bound=bound,
        seconds=time.perf_counter() - started,
        time_limit=time_limit,
        variables=variables,
    )


def decode_aggregate(instance: Instance, stage: Stage, plan: AggregatePlan) -> Timetable:
    """The lot schedule of an aggregate plan: each room makes its products in campaigns (the
    product it starts soonest first, then in product order), lots numbered first in, first
    out by their planned start."""
    planned: list[tuple[int, int, int, int]] = []  # (planned start, product, group, room)
    for (g, r), products in plan.lots.items():
        if not products:
            continue  # a room the plan leaves empty
        room = instance.rooms[g]
        clock = 0
        previous = -1
        # the product the room starts soonest first (the one it is set up for), then in order
        first = min(products, key=lambda p: (room.change(-1, p) if room.sequenced else 0, p))
        for p in [first, *sorted(set(products) - {first})]:
            if room.sequenced:
                clock += room.change(previous, p)
            for _ in range(products[p]):
                planned.append((clock, p, g, r))
                if room.sequenced:
                    clock += instance.hold(room, p, stage.phase[p])
            previous = p
    planned.sort()
    queue = {p: [lot.index for lot in instance.lots_of(p)] for p in range(len(instance.products))}
    order: list[int] = []
    rooms: dict[tuple[int, int], tuple[int, int]] = {}
    for _, p, g, r in planned:
        lot = queue[p].pop(0)
        order.append(lot)
        rooms[(lot, stage.phase[p])] = (g, r)
    return place_lots(instance, order, rooms)
