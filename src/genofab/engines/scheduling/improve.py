"""Large-neighbourhood search: improve a complete schedule by re-solving small parts of it
with CP-SAT until a work budget is spent.

Each step picks a few rooms of one sequenced kind and a window of time (around a late lot,
or at random), frees the lots whose phase in that kind starts in the window in those rooms,
and keeps every other placement fixed. The sub-model places the freed lots again: each one's
sequenced phase in one of the chosen rooms (a circuit per room between the fixed lot just
before the window and the one just after it, with changeovers), its other phases in pooled
rooms (a cumulative with the fixed lots' use), precedences and maximum waits, within the
horizon. A lot's first-in-first-out due dates are kept by ordering the freed lots of a
product. The candidate is judged by :func:`assess`; it replaces the schedule when it is
feasible and no worse.

Work is counted in CP-SAT's deterministic time (plus a fixed charge per step), so the same
schedule, seed and budget give the same result on an idle or a loaded machine; the wall
clock is only a guard.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from genofab.engines.scheduling.campaign import SolverRun
from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.timetable import (
    Assessment,
    Objective,
    Placement,
    Timetable,
    assess,
    with_pooled_rooms,
)

#: Deterministic work charged for building one sub-model (CP-SAT units, about seconds).
STEP_CHARGE = 0.01
#: Deterministic time one sub-model may use.
STEP_LIMIT = 0.25
#: Lots freed per step, about.
FREED = 14
#: Sequenced rooms chosen per step, at most.
ROOMS_PER_STEP = 4


@dataclass(frozen=True)
class Improvement:
    """The best schedule found, its assessment, and what the search did."""

    timetable: Timetable
    assessment: Assessment
    run: SolverRun
    steps: int
    improved: int


def improve(
    instance: Instance,
    objective: Objective,
    timetable: Timetable,
    *,
    work: float,
    deadline: float,
    seed: int = 0,
) -> Improvement | None:
    """Improve ``timetable`` (a complete, feasible schedule) for ``objective`` within ``work``
    deterministic seconds of CP-SAT, stopping anyway at the wall-clock ``deadline``. None
    when the plan has no sequenced room to work on."""
    started = time.perf_counter()
    current = assess(instance, timetable)
    if not current.feasible or objective == "margin":
        return None
    kinds = sorted({room.kind for room in instance.rooms if room.sequenced})
    if not kinds:
        return None
    rng = random.Random(seed)
    spent, steps, improved = 0.0, 0, 0
    best, best_assessment = timetable, current
    start_value = current.objective(objective)
    while spent < work and time.perf_counter() < deadline:
        steps += 1
        spent += STEP_CHARGE
        kind = kinds[rng.randrange(len(kinds))]
        freed, rooms = _neighbourhood(instance, best, best_assessment, kind, rng)
        if not freed:
            continue
        limit = min(STEP_LIMIT, work - spent + STEP_CHARGE)
        if limit <= 0.005 or time.perf_counter() >= deadline:
            break
        candidate, used = _resolve(
            instance, objective, best, best_assessment, kind, freed, rooms, limit, deadline, rng
        )
        spent += used
        if candidate is None:
            continue
        achieved = assess(instance, candidate)
        if not achieved.feasible:
            continue
        new, old = achieved.objective(objective), best_assessment.objective(objective)
        if new < old:
            improved += 1
        if new <= old:
            best, best_assessment = candidate, achieved
    value = best_assessment.objective(objective)
    # the wall clock ended the search (or its last step) before the counted work was spent
    guarded = spent < work and time.perf_counter() >= deadline
    return Improvement(
        timetable=best,
        assessment=best_assessment,
        run=SolverRun(
            model=f"large-neighbourhood search (CP-SAT), {steps} steps, {improved} improving,"
            f" {spent:.1f} of {work:.1f} deterministic s; from {start_value:g} to {value:g}",
            status="feasible",
            objective=value,
            bound=None,
            seconds=time.perf_counter() - started,
            time_limit=work,
            guarded=guarded,
        ),
        steps=steps,
        improved=improved,
    )


def _sequenced_phase(instance: Instance, product: int, kind: str) -> int | None:
    """The lot's one phase in ``kind`` when its other phases are all in pooled rooms (such a
    lot can be freed); None otherwise."""
    found = None
    for j, phase in enumerate(instance.products[product].phases):
        groups = instance.rooms_for(product, j)
        if phase.kind == kind:
            if found is not None:
                return None
            found = j
        elif any(instance.rooms[g].sequenced for g in groups):
            return None
    return found


def _neighbourhood(
    instance: Instance,
    timetable: Timetable,
    assessment: Assessment,
    kind: str,
    rng: random.Random,
) -> tuple[list[int], list[tuple[int, int]]]:
    """Lots to free and the sequenced rooms (group, number) they may use."""
    in_kind: dict[tuple[int, int], list[Placement]] = defaultdict(list)
    for placement in timetable.placements:
        room = instance.rooms[placement.group]
        if room.kind == kind and room.sequenced:
            in_kind[(placement.group, placement.room)].append(placement)
    if not in_kind:
        return [], []
    late = [lot for lot, delay in assessment.lateness.items() if delay > 0]
    anchor: Placement | None = None
    if late and rng.random() < 0.7:
        lot = late[rng.randrange(len(late))]
        anchor = next((p for p in timetable.by_lot()[lot] if (p.group, p.room) in in_kind), None)
    if anchor is None:
        keys = sorted(in_kind)
        key = keys[rng.randrange(len(keys))]
        anchor = in_kind[key][rng.randrange(len(in_kind[key]))]
    keys = sorted(in_kind)
    others = [key for key in keys if key != (anchor.group, anchor.room)]
    rng.shuffle(others)
    chosen = [(anchor.group, anchor.room), *others[: rng.randint(1, ROOMS_PER_STEP - 1)]]
    per_room = max(2, FREED // len(chosen))
    holds = [p.end - p.start for key in chosen for p in in_kind[key]]
    mean = max(1, sum(holds) // max(1, len(holds)))
    span = per_room * mean
    low = max(0, anchor.start - rng.randint(span // 4, (3 * span) // 4 + 1))
    high = low + span
    freed = sorted(
        {
            p.lot
            for key in chosen
            for p in in_kind[key]
            if low <= p.start < high
            and _sequenced_phase(instance, instance.lots[p.lot].product, kind) == p.phase
        }
    )
    return freed, chosen


def _resolve(
    instance: Instance,
    objective: Objective,
    timetable: Timetable,
    assessment: Assessment,
    kind: str,
    freed: list[int],
    rooms: list[tuple[int, int]],
    limit: float,
    deadline: float,
    rng: random.Random,
) -> tuple[Timetable | None, float]:
    """Re-place the ``freed`` lots (their ``kind`` phase in ``rooms``); the rest stays."""
    free = set(freed)
    fixed = [p for p in timetable.placements if p.lot not in free]
    mine = [p for p in timetable.placements if p.lot in free]
    horizon = instance.horizon
    model = cp_model.CpModel()
    starts: dict[tuple[int, int], cp_model.IntVar] = {}
    choice: dict[tuple[int, int, int], cp_model.IntVar] = {}
    completion: dict[int, cp_model.LinearExprT] = {}
    pooled_items: dict[int, list[tuple[cp_model.IntervalVar, int]]] = defaultdict(list)
    room_items: dict[tuple[int, int], list[tuple[int, cp_model.IntVar, cp_model.IntVar, int]]] = (
        defaultdict(list)
    )
    first_kind = min(p.start for p in mine if instance.rooms[p.group].kind == kind)
    for lot in freed:
        product = instance.lots[lot].product
        recipe = instance.products[product].phases
        target = _sequenced_phase(instance, product, kind)
        assert target is not None
        head = 0
        tail = sum(phase.duration for phase in recipe)
        previous_end: cp_model.LinearExpr | None = None
        for j, phase in enumerate(recipe):
            tail -= phase.duration
            low = head if j != target else max(head, first_kind)
            start = model.new_int_var(low, max(low, horizon - tail - phase.duration), "")
            starts[(lot, j)] = start
            if j == target:
                options = []
                for g, r in rooms:
                    room = instance.rooms[g]
                    if product not in room.products:
                        continue
                    present = model.new_bool_var("")
                    choice[(lot, g, r)] = present
                    options.append(present)
                    hold = phase.duration + room.cleaning
                    room_items[(g, r)].append((lot, start, present, hold))
                    model.add(start + hold <= horizon).only_enforce_if(present)
                    for begin, end in room.shutdowns:
                        # before the shutdown or after it
                        after = model.new_bool_var("")
                        model.add(start >= end).only_enforce_if([present, after])
                        model.add(start + hold <= begin).only_enforce_if([present, ~after])
                if not options:
                    return None, 0.0
                model.add_exactly_one(options)
            else:
                groups = instance.rooms_for(product, j)
                g = groups[0]
                room = instance.rooms[g]
                if len(groups) > 1:
                    return None, 0.0  # several pooled groups: left to the other schedulers
                hold = phase.duration + room.cleaning
                interval = model.new_fixed_size_interval_var(start, hold, "")
                pooled_items[g].append((interval, 1))
                model.add(start + hold <= horizon)
            if previous_end is not None:
                model.add(start >= previous_end)
                wait = recipe[j - 1].max_wait
                if wait is not None:
                    model.add(start - previous_end <= wait)
            previous_end = start + phase.duration
            head += phase.duration
        assert previous_end is not None
        completion[lot] = previous_end
    # pooled rooms: the fixed lots' use as fixed intervals
    for g, uses in pooled_items.items():
        room = instance.rooms[g]
        fixed_use = [
            (model.new_fixed_size_interval_var(p.start, p.hold_end(instance) - p.start, ""), 1)
            for p in fixed
            if p.group == g and p.hold_end(instance) > p.start
        ]
        closed = [
            (model.new_fixed_size_interval_var(a, b - a, ""), room.places)
            for a, b in room.shutdowns
        ]
        everything = uses + fixed_use + closed
        model.add_cumulative([i for i, _ in everything], [d for _, d in everything], room.places)
    # sequenced rooms: a circuit from the fixed lot before the window to the one after it
    for (g, r), items in room_items.items():
        room = instance.rooms[g]
        there = sorted((p for p in fixed if p.group == g and p.room == r), key=lambda p: p.start)
        # the freed lots stay between the fixed lot before them and the first one after
        before_lot = next((p for p in reversed(there) if p.start < first_kind), None)
        after_lot = next((p for p in there if p.start >= first_kind), None)
        arcs: list[tuple[int, int, cp_model.LiteralT]] = []
        nodes = len(items)
        b_node, a_node = nodes + 1, nodes + 2
        for i, (lot, start, present, hold) in enumerate(items, start=1):
            p = instance.lots[lot].product
            arcs.append((i, i, ~present))
            if before_lot is not None:
                q = instance.lots[before_lot.lot].product
                literal = model.new_bool_var("")
                arcs.append((b_node, i, literal))
                model.add(
                    start >= before_lot.hold_end(instance) + room.changeover[q][p]
                ).only_enforce_if(literal)
            else:
                literal = model.new_bool_var("")
                arcs.append((0, i, literal))
                startup = room.change(-1, p)
                if startup:
                    model.add(start >= startup).only_enforce_if(literal)
            if after_lot is not None:
                q = instance.lots[after_lot.lot].product
                literal = model.new_bool_var("")
                arcs.append((i, a_node, literal))
                model.add(start + hold + room.changeover[p][q] <= after_lot.start).only_enforce_if(
                    literal
                )
            else:
                literal = model.new_bool_var("")
                arcs.append((i, 0, literal))
            for k, (other, other_start, _, _) in enumerate(items, start=1):
                if k == i:
                    continue
                q = instance.lots[other].product
                literal = model.new_bool_var("")
                arcs.append((i, k, literal))
                model.add(other_start >= start + hold + room.changeover[p][q]).only_enforce_if(
                    literal
                )
        if before_lot is not None:
            arcs.append((0, b_node, model.new_constant(1)))
        if after_lot is not None:
            arcs.append((a_node, 0, model.new_constant(1)))
        if before_lot is not None and after_lot is not None:
            q, p2 = (instance.lots[x.lot].product for x in (before_lot, after_lot))
            if after_lot.start >= before_lot.hold_end(instance) + room.changeover[q][p2]:
                arcs.append((b_node, a_node, model.new_bool_var("")))
        elif before_lot is not None:
            arcs.append((b_node, 0, model.new_bool_var("")))
        elif after_lot is not None:
            p2 = instance.lots[after_lot.lot].product
            if after_lot.start >= room.change(-1, p2):
                arcs.append((0, a_node, model.new_bool_var("")))
        else:
            arcs.append((0, 0, model.new_bool_var("")))
        model.add_circuit(arcs)
    # first in, first out among the freed lots of a product
    served = assessment.serves
    dues: dict[int, list[int]] = defaultdict(list)
    ordered: dict[int, list[int]] = defaultdict(list)
    for lot in sorted(freed, key=lambda lot: (instance.lots[served[lot]].due, lot)):
        product = instance.lots[lot].product
        ordered[product].append(lot)
        dues[product].append(instance.lots[served[lot]].due)
    late_terms = []
    for product, lots in ordered.items():
        for a, b in itertools.pairwise(lots):
            model.add(completion[a] <= completion[b])
        for lot, due in zip(lots, sorted(dues[product]), strict=True):
            late = model.new_int_var(0, horizon, "")
            model.add(late >= completion[lot] - due)
            late_terms.append(late)
    if objective == "makespan":
        others = [c for lot, c in assessment.completion.items() if lot not in free]
        makespan = model.new_int_var(max(others, default=0), horizon, "")
        for c in completion.values():
            model.add(makespan >= c)
        model.minimize(makespan)
    else:
        model.minimize(sum(late_terms))
    where = {}
    for placement in mine:
        model.add_hint(starts[(placement.lot, placement.phase)], placement.start)
        if instance.rooms[placement.group].kind == kind:
            where[placement.lot] = (placement.group, placement.room)
    for (lot, g, r), literal in choice.items():
        model.add_hint(literal, int(where.get(lot) == (g, r)))
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = limit
    solver.parameters.max_time_in_seconds = max(deadline - time.perf_counter(), 0.01)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = rng.randrange(1 << 30)
    code = solver.solve(model)
    used = solver.response_proto.deterministic_time
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, used
    placements = [
        Placement(p.lot, p.phase, p.group, p.room if instance.rooms[p.group].sequenced else -1,
                  p.start, p.end)
        for p in fixed
    ]  # fmt: skip
    for lot in freed:
        product = instance.lots[lot].product
        target = _sequenced_phase(instance, product, kind)
        for j, phase in enumerate(instance.products[product].phases):
            begin = int(solver.value(starts[(lot, j)]))
            if j == target:
                g, r = next(
                    (g, r)
                    for (other, g, r), literal in choice.items()
                    if other == lot and solver.boolean_value(literal)
                )
            else:
                g, r = instance.rooms_for(product, j)[0], -1
            placements.append(Placement(lot, j, g, r, begin, begin + phase.duration))
    return with_pooled_rooms(instance, Timetable(tuple(placements))), used
