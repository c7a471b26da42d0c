"""The lot schedule in OR-Tools CP-SAT: every phase of every lot is an interval.

- Each phase chooses one room among those of its kind that may make the product: an optional
  interval per candidate room, exactly one present (none when a lot is not made, margin only).
- Rooms that pay changeovers hold one lot at a time: a no-overlap per room (with its
  shutdowns) and a circuit whose arc i→j forces start_j ≥ end_i + cleaning + changeover.
- Pooled rooms (the QC lab, rooms without changeovers) are one cumulative resource.
- Phases follow each other within their maximum wait; lots waiting between phases fill
  storage (a cumulative) and cost its storage rate.
- Symmetry: lots of a product complete in first-in-first-out order, so lot k's lateness is
  measured against the k-th due date; identical rooms are used in order of first use.
- Seeded by the campaign level: its bound is a constraint on the objective and the best
  known schedule is the solution hint, so a hinted optimum is recognised at once.

When the model would be too large (circuits grow with the square of the lots a room may hold),
each start is kept within a window around the hint and only plausible successions are arcs:
the result is still a valid schedule, but the solver's own bound is then not a bound of the
plan, and is not reported as one.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from genofab.engines.scheduling.campaign import SolverRun, cp_solver, stopped_by_clock
from genofab.engines.scheduling.deliveries import feeds
from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.timetable import (
    MONEY_OBJECTIVES,
    Objective,
    Placement,
    Timetable,
    assess,
    canonical,
    with_pooled_rooms,
)

#: Circuit arcs above which the model is restricted to a window around the hint.
MAX_ARCS = 60_000
#: Share of the time limit building the model may take before it is given up (a guard).
BUILD_SHARE = 0.6
#: Deterministic seconds charged to the model's work for building it, per circuit arc of the
#: exact model: building takes about 20-25 µs of CPU per arc (measured on the generated
#: family, 2026-12-07: 0.27 s for 14,400 arcs, 1.2 s for 51,000) and one deterministic
#: second of this model about 4 CPU seconds, so the work counted covers its building too.
BUILD_CHARGE_PER_ARC = 6e-6
#: Least deterministic work worth building the model for.
MIN_WORK = 0.02


@dataclass(frozen=True)
class LotModelRun:
    """The CP-SAT run and the best schedule it found (None when it found none)."""

    run: SolverRun
    timetable: Timetable | None
    restricted: bool


@dataclass
class _Phase:
    lot: int
    phase: int
    start: cp_model.IntVar
    end: cp_model.LinearExpr
    units: dict[tuple[int, int], cp_model.IntVar]


@dataclass(frozen=True)
class _Item:
    """A phase as a candidate of one room: its interval, hold and presence literal."""

    phase: _Phase
    interval: cp_model.IntervalVar
    hold: int
    chosen: cp_model.IntVar


def solve_lot_model(
    instance: Instance,
    objective: Objective,
    *,
    time_limit: float,
    work: float | None = None,
    hint: Timetable | None = None,
    bound: float | None = None,
    workers: int = 2,
    seed: int = 0,
    window: int | None = None,
) -> LotModelRun:
    """Solve the lot-level model; ``bound`` is a proven bound on the objective (a lower bound
    for makespan and lateness, an upper bound for margin) from the campaign level."""
    started = time.perf_counter()
    horizon = instance.horizon
    optional = objective in ("margin", "profit")
    hinted = canonical(instance, hint) if hint is not None else None
    hint_start: dict[tuple[int, int], int] = {}
    if hinted is not None:
        hint_start = {(p.lot, p.phase): p.start for p in hinted.placements}
    restricted = window is not None or (hinted is not None and arc_count(instance) > MAX_ARCS)
    if restricted and window is None:
        window = max(2, horizon // 26)
    model = cp_model.CpModel()
    made: dict[int, cp_model.IntVar | int] = {}
    phases: dict[tuple[int, int], _Phase] = {}
    completion: dict[int, cp_model.LinearExprT] = {}
    last_start: dict[int, cp_model.IntVar] = {}
    room_items: dict[tuple[int, int], list[_Item]] = defaultdict(list)
    waits: list[tuple[cp_model.IntervalVar, cp_model.IntVar]] = []
    for lot in instance.lots:
        recipe = instance.products[lot.product].phases
        present: cp_model.IntVar | int = model.new_bool_var(f"made_{lot.index}") if optional else 1
        made[lot.index] = present
        head = 0
        tail = sum(phase.duration for phase in recipe)
        previous: _Phase | None = None
        for j, phase in enumerate(recipe):
            tail -= phase.duration
            low, high = head, horizon - tail - phase.duration
            if restricted and (lot.index, j) in hint_start:
                assert window is not None
                low = max(low, hint_start[(lot.index, j)] - window)
                high = min(high, hint_start[(lot.index, j)] + window)
            start = model.new_int_var(low, max(low, high), f"s_{lot.index}_{j}")
            current = _Phase(lot.index, j, start, start + phase.duration, {})
            for g in instance.rooms_for(lot.product, j):
                room = instance.rooms[g]
                hold = phase.duration + room.cleaning
                for r in range(room.count) if room.sequenced else (-1,):
                    chosen = model.new_bool_var(f"x_{lot.index}_{j}_{g}_{r}")
                    interval = model.new_optional_fixed_size_interval_var(
                        start, hold, chosen, f"i_{lot.index}_{j}_{g}_{r}"
                    )
                    current.units[(g, r)] = chosen
                    if room.cleaning:
                        model.add(start + hold <= horizon).only_enforce_if(chosen)
                    room_items[(g, r)].append(_Item(current, interval, hold, chosen))
            model.add(sum(current.units.values()) == present)
            phases[(lot.index, j)] = current
            if previous is not None:
                model.add(start >= previous.end)
                wait = recipe[j - 1].max_wait
                if wait is not None:
                    model.add(start - previous.end <= wait)
                if instance.storage_capacity is not None or instance.storage_cost_per_step:
                    size = model.new_int_var(0, horizon, "")
                    model.add(size == start - previous.end)
                    if isinstance(present, cp_model.IntVar):
                        waiting = model.new_optional_interval_var(
                            previous.end, size, start, present, ""
                        )
                    else:
                        waiting = model.new_interval_var(previous.end, size, start, "")
                    waits.append((waiting, size))
            previous = current
            head += phase.duration
        assert previous is not None
        completion[lot.index] = previous.end
        last_start[lot.index] = previous.start
    for lot in instance.lots:
        # a conversion between stages: the lot starts once the lots that feed it are released
        fed = made[lot.index]
        for feeder in lot.feeders:
            model.add(phases[(lot.index, 0)].start >= completion[feeder]).only_enforce_if(
                _truth(model, fed)
            )
            if isinstance(fed, cp_model.IntVar):
                model.add_implication(fed, _truth(model, made[feeder]))
    arcs_cost: list[tuple[cp_model.IntVar, float]] = []
    successions: list[tuple[tuple[int, int], int, int, cp_model.IntVar]] = []
    for (g, r), items in room_items.items():
        if time.perf_counter() - started > BUILD_SHARE * time_limit:
            return _out_of_time(started, time_limit, restricted, window)
        room = instance.rooms[g]
        if room.sequenced:
            closed = [
                model.new_fixed_size_interval_var(a, b - a, f"shut_{g}_{r}_{a}")
                for a, b in room.shutdowns
            ]
            model.add_no_overlap([item.interval for item in items] + closed)
            keep = _hinted_successions(hinted, items, (g, r)) if hinted is not None else set()
            costs, arcs = _circuit(model, instance, g, items, restricted, hint_start, window, keep)
            arcs_cost += costs
            successions += [((g, r), i, k, literal) for i, k, literal in arcs]
        else:
            closed_cumulative = [
                model.new_fixed_size_interval_var(a, b - a, f"shut_{g}_{a}")
                for a, b in room.shutdowns
            ]
            model.add_cumulative(
                [item.interval for item in items] + closed_cumulative,
                [1] * len(items) + [room.places] * len(closed_cumulative),
                room.places,
            )
    if instance.storage_capacity is not None and waits:
        model.add_cumulative(
            [interval for interval, _ in waits], [1] * len(waits), instance.storage_capacity
        )
    _symmetry(model, instance, completion, made, room_items)
    lateness = {}
    for lot in instance.lots:
        late = model.new_int_var(0, horizon, f"late_{lot.index}")
        behind = model.add(late >= completion[lot.index] - lot.due)
        if optional:
            # a lot left out is never late, however early its due date (its phases are
            # placed nowhere): both only for the lot made, or a due date shorter than the
            # recipe would force the lot to be made
            present = made[lot.index]
            assert isinstance(present, cp_model.IntVar)
            behind.only_enforce_if(present)
            model.add(late == 0).only_enforce_if(~present)
        lateness[lot.index] = late
    if objective == "makespan":
        makespan = model.new_int_var(int(bound or 0), horizon, "makespan")
        for lot in instance.lots:
            model.add(makespan >= completion[lot.index])
        model.minimize(makespan)
    elif objective == "lateness":
        total = sum(lateness.values())
        if bound:
            model.add(total >= int(bound))
        model.minimize(total)
    else:
        profit = objective == "profit"
        first_start = {lot.index: phases[(lot.index, 0)].start for lot in instance.lots}
        extra = _finished_lots(model, instance, made, last_start, first_start) if profit else []
        # under profit a lot that feeds others is consumed by them, never sold
        unsold = frozenset(feeds(instance)) if profit else frozenset()
        margin = _margin(instance, made, lateness, arcs_cost, waits, extra, unsold)
        if bound is not None:
            units = bound / instance.money_unit  # whole units up to floating-point error
            model.add(margin <= math.floor(units + 1e-9 * max(1.0, abs(units))))
        model.maximize(margin)
    if hinted is not None:
        _hint(model, instance, hinted, phases, made, lateness)
        _hint_successions(model, hinted, room_items, successions)
    building = time.perf_counter() - started
    solver = cp_solver(max(time_limit - building, 0.05), workers, seed, work)
    if restricted:
        # presolve of a model this large can take the whole time limit; the hint is complete
        # and feasible, so the search starts from it at once
        solver.parameters.cp_model_presolve = False
    code = solver.solve(model)
    seconds = time.perf_counter() - started
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    timetable = _extract(instance, solver, phases, made) if found else None
    unit = instance.money_unit if objective in MONEY_OBJECTIVES else 1.0
    status = str(solver.status_name(code)).lower()
    if restricted and status == "optimal":
        status = "feasible"  # optimal within the window only
    return LotModelRun(
        run=SolverRun(
            model="lot-level interval model (CP-SAT)"
            + (f", restricted to ±{window} steps around the hint" if restricted else ""),
            status=status,
            objective=solver.objective_value * unit if found else None,
            bound=None if restricted or not found else solver.best_objective_bound * unit,
            seconds=seconds,
            time_limit=time_limit,
            variables=len(model.proto.variables),
            guarded=stopped_by_clock(solver, code),
        ),
        timetable=timetable,
        restricted=restricted,
    )


def _out_of_time(
    started: float, time_limit: float, restricted: bool, window: int | None
) -> LotModelRun:
    """The run of a model whose building alone would take the time limit: not solved."""
    return LotModelRun(
        run=SolverRun(
            model="lot-level interval model (CP-SAT)"
            + (f", restricted to ±{window} steps around the hint" if restricted else "")
            + ": not solved, building it took the time limit",
            status="unknown",
            objective=None,
            bound=None,
            seconds=time.perf_counter() - started,
            time_limit=time_limit,
            guarded=True,
        ),
        timetable=None,
        restricted=restricted,
    )


def arc_count(instance: Instance) -> int:
    """Circuit arcs of the exact model: per sequenced room, the square of its candidates."""
    total = 0
    for g, room in enumerate(instance.rooms):
        if not room.sequenced:
            continue
        candidates = sum(
            1
            for lot in instance.lots
            for j in range(len(instance.products[lot.product].phases))
            if g in instance.rooms_for(lot.product, j)
        )
        total += room.count * candidates * candidates
    return total


def _circuit(
    model: cp_model.CpModel,
    instance: Instance,
    group: int,
    items: list[_Item],
    restricted: bool,
    hint_start: dict[tuple[int, int], int],
    window: int | None,
    keep: set[tuple[int, int]],
) -> tuple[list[tuple[cp_model.IntVar, float]], list[tuple[int, int, cp_model.IntVar]]]:
    """Changeovers in one room: a circuit over the lots it may hold (node 0: the empty room;
    its arc to the room's first lot waits for the room's startup and pays its cost).
    Returns the changeover costs and the arcs as (from, to, literal), ``(lot, phase)`` keyed
    by position: 0 is the empty room, i the i-th candidate."""
    room = instance.rooms[group]
    arcs: list[tuple[int, int, cp_model.LiteralT]] = []
    named: list[tuple[int, int, cp_model.IntVar]] = []
    costs: list[tuple[cp_model.IntVar, float]] = []
    for i, item in enumerate(items, start=1):
        first, last = model.new_bool_var(""), model.new_bool_var("")
        arcs += [(0, i, first), (i, 0, last), (i, i, ~item.chosen)]
        named += [(0, i, first), (i, 0, last)]
        lot = instance.lots[item.phase.lot]
        startup = room.change(-1, lot.product)
        if startup:
            model.add(item.phase.start >= startup).only_enforce_if(first)
        if room.change_cost(-1, lot.product):
            costs.append((first, room.change_cost(-1, lot.product)))
        last_phase = item.phase.phase == len(instance.products[lot.product].phases) - 1
        for k, other in enumerate(items, start=1):
            if k == i:
                continue
            next_lot = instance.lots[other.phase.lot]
            p, q = lot.product, next_lot.product
            if p == q and last_phase and next_lot.ordinal < lot.ordinal:
                continue  # first in, first out: a later lot of the product never precedes
            change = room.changeover[p][q]
            plausible = (i, k) in keep or _plausible(item, other, change, hint_start, window)
            if restricted and not plausible:
                continue
            follows = model.new_bool_var("")
            arcs.append((i, k, follows))
            named.append((i, k, follows))
            model.add(other.phase.start >= item.phase.start + item.hold + change).only_enforce_if(
                follows
            )
            if room.changeover_cost[p][q]:
                costs.append((follows, room.changeover_cost[p][q]))
    empty = model.new_bool_var("")
    arcs.append((0, 0, empty))
    named.append((0, 0, empty))
    model.add_circuit(arcs)
    _campaign_sizes(model, instance, group, items, named)
    return costs, named


def _campaign_sizes(
    model: cp_model.CpModel,
    instance: Instance,
    group: int,
    items: list[_Item],
    arcs: list[tuple[int, int, cp_model.IntVar]],
) -> None:
    """Campaign sizes (``min_campaign``, ``max_campaign``) along a room's circuit, as
    :func:`~genofab.engines.scheduling.timetable.campaigns` counts them: a lot that follows
    a lot of its product with the room idle less than its turnover continues that campaign
    (its count is one more, at most the maximum); any other lot starts one (count 1), and the
    lot it follows, or the room's last lot, ends one (its count at least the minimum)."""
    products = [instance.products[instance.lots[item.phase.lot].product] for item in items]
    if not any(p.sized for p in products):
        return
    room = instance.rooms[group]
    count = [
        model.new_int_var(1, product.max_campaign or len(items), "")
        for product in [products[0], *products]
    ]  # position 0, the empty room, is unused

    def ends(i: int, literals: list[cp_model.LiteralT]) -> None:
        minimum = products[i - 1].min_campaign
        if minimum is not None and minimum > 1:
            model.add(count[i] >= minimum).only_enforce_if(literals)

    for i, k, follows in arcs:
        if i == 0 and k == 0:
            continue
        if i == 0:
            model.add(count[k] == 1).only_enforce_if(follows)
            continue
        if k == 0:
            ends(i, [follows])
            continue
        a, b = items[i - 1], items[k - 1]
        if products[i - 1] is not products[k - 1]:
            model.add(count[k] == 1).only_enforce_if(follows)
            ends(i, [follows])
            continue
        close = model.new_bool_var("")
        gap = b.phase.start - (a.phase.start + a.hold)
        model.add(gap < room.turnover).only_enforce_if(close)
        model.add(gap >= room.turnover).only_enforce_if(~close)
        step = 0 if a.phase.lot == b.phase.lot else 1  # a lot's own next phase adds no lot
        model.add(count[k] == count[i] + step).only_enforce_if([follows, close])
        model.add(count[k] == 1).only_enforce_if([follows, ~close])
        ends(i, [follows, ~close])


def _hinted_successions(
    hinted: Timetable, items: list[_Item], key: tuple[int, int]
) -> set[tuple[int, int]]:
    """Circuit arcs (by position, 0 the empty room) the hinted schedule uses in one room."""
    position = {(item.phase.lot, item.phase.phase): i for i, item in enumerate(items, start=1)}
    sequence = sorted(
        (p.start, position[(p.lot, p.phase)])
        for p in hinted.placements
        if (p.group, p.room) == key and (p.lot, p.phase) in position
    )
    nodes = [0, *(node for _, node in sequence), 0]
    return set(itertools.pairwise(nodes))


def _plausible(
    item: _Item,
    other: _Item,
    change: int,
    hint_start: dict[tuple[int, int], int],
    window: int | None,
) -> bool:
    """Whether ``other`` may directly follow ``item`` in the restricted model: it can start
    after it, and not more than a few windows later."""
    a = hint_start.get((item.phase.lot, item.phase.phase))
    b = hint_start.get((other.phase.lot, other.phase.phase))
    if a is None or b is None or window is None:
        return True
    return b + window >= a - window + item.hold + change and b - window <= a + 4 * window


def _symmetry(
    model: cp_model.CpModel,
    instance: Instance,
    completion: dict[int, cp_model.LinearExprT],
    made: dict[int, cp_model.IntVar | int],
    room_items: dict[tuple[int, int], list[_Item]],
) -> None:
    for product in range(len(instance.products)):
        lots = instance.lots_of(product)
        for earlier, later in itertools.pairwise(lots):
            model.add(completion[earlier.index] <= completion[later.index]).only_enforce_if(
                _truth(model, made[later.index])
            )
            if isinstance(made[later.index], cp_model.IntVar):
                model.add_implication(made[later.index], _truth(model, made[earlier.index]))
    for g, room in enumerate(instance.rooms):
        if not room.sequenced or room.count < 2:
            continue
        ordered = sorted(
            (item.phase for item in room_items[(g, 0)]), key=lambda phase: (phase.lot, phase.phase)
        )
        for position, phase in enumerate(ordered):
            for r in range(1, room.count):
                used_before = [other.units[(g, r - 1)] for other in ordered[:position]]
                model.add(
                    phase.units[(g, r)] <= sum(used_before)
                )  # identical rooms, in order of use


def _truth(model: cp_model.CpModel, value: cp_model.IntVar | int) -> cp_model.IntVar:
    if isinstance(value, cp_model.IntVar):
        return value
    return model.new_constant(1)


def _margin(
    instance: Instance,
    made: dict[int, cp_model.IntVar | int],
    lateness: dict[int, cp_model.IntVar],
    arcs_cost: list[tuple[cp_model.IntVar, float]],
    waits: list[tuple[cp_model.IntervalVar, cp_model.IntVar]],
    extra: list[cp_model.LinearExprT],
    unsold: frozenset[int] = frozenset(),
) -> cp_model.LinearExprT:
    terms: list[cp_model.LinearExprT] = list(extra)
    for lot in instance.lots:
        value = 0.0 if lot.index in unsold else lot.value
        gain = value - instance.products[lot.product].cost_per_lot
        terms.append(instance.in_money_units(gain) * made[lot.index])
        if lot.penalty_per_step:
            terms.append(-instance.in_money_units(lot.penalty_per_step) * lateness[lot.index])
    terms += [-instance.in_money_units(cost) * literal for literal, cost in arcs_cost]
    if instance.storage_cost_per_step:
        storage = instance.in_money_units(instance.storage_cost_per_step)
        terms += [-storage * size for _, size in waits]
    return sum(terms)


def _finished_lots(
    model: cp_model.CpModel,
    instance: Instance,
    made: dict[int, cp_model.IntVar | int],
    last_start: dict[int, cp_model.IntVar],
    first_start: dict[int, cp_model.IntVar],
) -> list[cp_model.LinearExprT]:
    """The profit's terms beyond the margin: a lot made early waits in the finished-lot
    inventory until its due date (its cost, and the inventory's capacities, all lots' and its
    product's own, as cumulatives); a
    lot made is delivered within its shelf life (made lots serve the due dates first in,
    first out, so the model never wastes one); a demanded lot not made pays its penalty. A
    lot that feeds others (a conversion between stages) waits instead until the last lot it
    feeds starts, and each of them starts within its shelf life."""
    terms: list[cp_model.LinearExprT] = []
    stays: dict[int, list[cp_model.IntervalVar]] = {}  # by product
    horizon = instance.horizon
    fed_by = feeds(instance)
    for lot in instance.lots:
        present = made[lot.index]
        assert isinstance(present, cp_model.IntVar)
        released = last_start[lot.index] + instance.products[lot.product].phases[-1].duration
        early = model.new_int_var(0, horizon, f"early_{lot.index}")
        shelf_life = instance.products[lot.product].shelf_life
        for fed in fed_by.get(lot.index, ()):
            drawn = _truth(model, made[fed])
            model.add(early >= first_start[fed] - released).only_enforce_if(drawn)
            if shelf_life is not None:
                model.add(first_start[fed] <= last_start[lot.index] + shelf_life).only_enforce_if(
                    drawn
                )
        if lot.index not in fed_by:
            model.add(early >= lot.due - released).only_enforce_if(present)
            if shelf_life is not None:
                model.add(last_start[lot.index] >= lot.due - shelf_life).only_enforce_if(present)
        model.add(early == 0).only_enforce_if(~present)
        holding = instance.in_money_units(instance.inventory_cost_of(lot.product))
        if holding:
            terms.append(-holding * early)
        if instance.inventory_limited(lot.product):
            delivery = model.new_int_var(0, 2 * horizon, f"delivery_{lot.index}")
            model.add(delivery == released + early)
            stay = model.new_optional_interval_var(released, early, delivery, present, "")
            stays.setdefault(lot.product, []).append(stay)
        if lot.unmet_penalty:
            unmet = instance.in_money_units(lot.unmet_penalty)
            terms.append(unmet * present - unmet)  # −unmet when the lot is not made
    everything = [stay for held in stays.values() for stay in held]
    if everything and instance.inventory_capacity is not None:
        model.add_cumulative(everything, [1] * len(everything), instance.inventory_capacity)
    for product, held in stays.items():
        own = instance.products[product].inventory_capacity
        if own is not None:
            model.add_cumulative(held, [1] * len(held), own)
    return terms


def _hint(
    model: cp_model.CpModel,
    instance: Instance,
    hinted: Timetable,
    phases: dict[tuple[int, int], _Phase],
    made: dict[int, cp_model.IntVar | int],
    lateness: dict[int, cp_model.IntVar],
) -> None:
    assessment = assess(instance, hinted, all_lots=False)
    placed = {(p.lot, p.phase): p for p in hinted.placements}
    for key, phase in phases.items():
        placement = placed.get(key)
        if placement is None:
            continue
        model.add_hint(phase.start, placement.start)
        for (g, r), literal in phase.units.items():
            model.add_hint(literal, int(g == placement.group and r in (placement.room, -1)))
    for lot, present in made.items():
        if isinstance(present, cp_model.IntVar):
            model.add_hint(present, int(lot in assessment.completion))
    for lot, late in lateness.items():
        if lot in assessment.completion:
            model.add_hint(late, max(0, assessment.completion[lot] - instance.lots[lot].due))


def _hint_successions(
    model: cp_model.CpModel,
    hinted: Timetable,
    room_items: dict[tuple[int, int], list[_Item]],
    successions: list[tuple[tuple[int, int], int, int, cp_model.IntVar]],
) -> None:
    """Hint every circuit arc: which lot follows which in each room of the hinted schedule."""
    used = {
        (key, a, b)
        for key, items in room_items.items()
        for a, b in _hinted_successions(hinted, items, key)
    }
    for key, a, b, literal in successions:
        model.add_hint(literal, int((key, a, b) in used))


def _extract(
    instance: Instance,
    solver: cp_model.CpSolver,
    phases: dict[tuple[int, int], _Phase],
    made: dict[int, cp_model.IntVar | int],
) -> Timetable:
    placements = []
    for (lot, j), phase in sorted(phases.items()):
        present = made[lot]
        if isinstance(present, cp_model.IntVar) and not solver.boolean_value(present):
            continue
        start = int(solver.value(phase.start))
        group, room = next(
            key for key, literal in phase.units.items() if solver.boolean_value(literal)
        )
        duration = instance.products[instance.lots[lot].product].phases[j].duration
        placements.append(Placement(lot, j, group, room, start, start + duration))
    return with_pooled_rooms(instance, Timetable(tuple(placements)))
