"""Campaign plans: how many lots of each product each room makes, in which order, with
which changeovers, and a proven bound on the best makespan, lateness or margin.

Two models, both solved with OR-Tools CP-SAT:

- :mod:`~genofab.engines.scheduling.aggregate` (makespan): lots of each product per room.
- :func:`arc_flow` (any objective): one stage (a kind of room) on the time grid as a flow of
  rooms through states "free at step t, last made product q". Identical rooms are one
  integer flow, so their symmetry disappears. A lot is an arc from (t, q) to
  (t + changeover(q, p) + hold(p), p). Earlier and later phases become release times
  (heads) and delivery times (tails). On single-stage plans the model is exact; otherwise
  it is a relaxation whose value bounds the lot schedule's.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.rules import place_lots
from genofab.engines.scheduling.timetable import MONEY_OBJECTIVES, Objective, Timetable

#: State of a room that has made nothing yet (no changeover into its first lot).
FRESH = -1


@dataclass(frozen=True)
class SolverRun:
    """What one solver call did: status, objective and bound (in the objective's units), time.
    ``guarded``: the wall-clock guard stopped it before its counted work was done, so its
    result depends on the machine's speed and load (not only on the plan, seed and limit).
    ``note``: what else its reader should know of how it ran (empty when nothing)."""

    model: str
    status: str
    objective: float | None
    bound: float | None
    seconds: float
    time_limit: float
    variables: int = 0
    guarded: bool = False
    note: str = ""


@dataclass(frozen=True)
class CampaignPlan:
    """A campaign plan of one stage: lots of each product per room group and room, in order."""

    kind: str
    run: SolverRun
    exact: bool
    sequences: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)

    def lots_per_room(self) -> dict[tuple[int, int], dict[int, int]]:
        """Lots of each product per (group, room)."""
        counts: dict[tuple[int, int], dict[int, int]] = {}
        for key, sequence in self.sequences.items():
            tally: dict[int, int] = defaultdict(int)
            for product, _ in sequence:
                tally[product] += 1
            counts[key] = dict(tally)
        return counts


@dataclass(frozen=True)
class Stage:
    """One kind of room as a single stage: its products' phase, heads and tails (steps)."""

    kind: str
    groups: tuple[int, ...]
    phase: dict[int, int]
    head: dict[int, int]
    tail: dict[int, int]
    single: bool


def stages(instance: Instance) -> list[Stage]:
    """Kinds of room every lot visits at most once, each with heads and tails, busiest first."""
    found = []
    kinds = sorted({room.kind for room in instance.rooms})
    for kind in kinds:
        phase: dict[int, int] = {}
        head: dict[int, int] = {}
        tail: dict[int, int] = {}
        usable = True
        for p, product in enumerate(instance.products):
            visits = [j for j, ph in enumerate(product.phases) if ph.kind == kind]
            if len(visits) > 1:
                usable = False
            if len(visits) == 1:
                j = visits[0]
                phase[p] = j
                head[p] = sum(ph.duration for ph in product.phases[:j])
                tail[p] = sum(ph.duration for ph in product.phases[j + 1 :])
        demanded = {lot.product for lot in instance.lots}
        if not usable or not demanded & set(phase):
            continue
        groups = tuple(g for g, room in enumerate(instance.rooms) if room.kind == kind)
        single = all(len(product.phases) == 1 for product in instance.products)
        found.append(Stage(kind, groups, phase, head, tail, single))
    return sorted(found, key=lambda stage: -_load(instance, stage))


def _load(instance: Instance, stage: Stage) -> float:
    places = sum(instance.rooms[g].places for g in stage.groups)
    work = sum(
        instance.products[lot.product].phases[stage.phase[lot.product]].duration
        for lot in instance.lots
        if lot.product in stage.phase
    )
    return work / max(places, 1)


def flow_arcs(instance: Instance, stage: Stage) -> int:
    """Lot arcs the arc-flow model of ``stage`` would have (its size, before building it)."""
    total = 0
    products = {lot.product for lot in instance.lots if lot.product in stage.phase}
    for g in stage.groups:
        room = instance.rooms[g]
        allowed = [p for p in products if p in room.products]
        states = len(allowed) + 1 if room.sequenced else 1
        total += states * len(allowed) * (instance.horizon + 1)
    return total


def cp_solver(
    time_limit: float, workers: int, seed: int, work: float | None = None
) -> cp_model.CpSolver:
    """A CP-SAT solver that stops after ``work`` deterministic seconds (the same search on an
    idle or a loaded machine), with ``time_limit`` wall seconds as a guard. Several workers
    interleave their search, which keeps it deterministic."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    if work is not None:
        solver.parameters.max_deterministic_time = max(work, 0.01)
    solver.parameters.num_workers = workers
    if workers > 1:
        solver.parameters.interleave_search = True
    solver.parameters.random_seed = seed
    return solver


def stopped_by_clock(solver: cp_model.CpSolver, code: Any) -> bool:
    """Whether CP-SAT stopped on its wall-clock limit (the guard) before its deterministic work
    limit: a search that neither proved its answer nor spent its counted work."""
    if code in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        return False
    limit = solver.parameters.max_deterministic_time
    return solver.response_proto.deterministic_time < limit


def _status(solver: cp_model.CpSolver, code: Any) -> str:
    return str(solver.status_name(code)).lower()


@dataclass
class _Arc:
    group: int
    tail_state: tuple[int, int]
    head_state: tuple[int, int]
    product: int | None
    start: int
    end: int
    completion: int
    var: cp_model.IntVar


def arc_flow(
    instance: Instance,
    stage: Stage,
    objective: Objective,
    *,
    time_limit: float,
    work: float | None = None,
    lower_bound: int = 0,
    hint: Timetable | None = None,
    workers: int = 1,
    seed: int = 0,
    until: int | None = None,
) -> CampaignPlan:
    """The time-indexed arc-flow campaign model of one stage (see the module doc). With
    ``until`` (lateness only) the model stops at that step: lots are optional and lateness
    is counted only before it, so its value bounds the lateness of the whole plan from below
    (every schedule's lateness up to ``until`` is part of its lateness)."""
    started = time.perf_counter()
    model, arcs = flow_model(instance, stage, objective, lower_bound=lower_bound, until=until)
    if hint is not None:
        _hint_flows(model, instance, stage, arcs, hint)
    solver = cp_solver(time_limit, workers, seed, work)
    code = solver.solve(model)
    seconds = time.perf_counter() - started
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    sequences = _decompose(instance, stage, arcs, solver) if found else {}
    unit = instance.money_unit if objective in MONEY_OBJECTIVES else 1.0
    return CampaignPlan(
        kind=stage.kind,
        run=SolverRun(
            model=f"arc-flow campaign model, stage '{stage.kind}' (CP-SAT)",
            status=_status(solver, code),
            objective=solver.objective_value * unit if found else None,
            bound=solver.best_objective_bound * unit if found else None,
            seconds=seconds,
            time_limit=time_limit,
            variables=len(model.proto.variables),
            guarded=stopped_by_clock(solver, code),
        ),
        exact=stage.single,
        sequences=sequences,
    )


def flow_model(
    instance: Instance,
    stage: Stage,
    objective: Objective,
    *,
    lower_bound: int = 0,
    until: int | None = None,
) -> tuple[cp_model.CpModel, list[_Arc]]:
    """The time-indexed arc-flow model of one stage and its arcs (see :func:`arc_flow`),
    not solved: every constraint is linear, so a MIP solver may take it as well."""
    model = cp_model.CpModel()
    horizon = instance.horizon if until is None else min(until, instance.horizon)
    assert until is None or objective == "lateness", "a truncated model bounds lateness only"
    counts: dict[int, int] = defaultdict(int)
    for lot in instance.lots:
        if lot.product in stage.phase:
            counts[lot.product] += 1
    products = sorted(counts)
    max_head = max(stage.head[p] for p in products)
    arcs: list[_Arc] = []
    out_arcs: dict[tuple[int, tuple[int, int]], list[cp_model.IntVar]] = defaultdict(list)
    in_arcs: dict[tuple[int, tuple[int, int]], list[cp_model.IntVar]] = defaultdict(list)
    for g in stage.groups:
        room = instance.rooms[g]
        units = room.count if room.sequenced else room.places
        allowed = [p for p in products if p in room.products]
        states = [FRESH, *allowed] if room.sequenced else [FRESH]
        span = max((instance.hold(room, p, stage.phase[p]) for p in allowed), default=0)
        span += max((max(row) for row in (*room.changeover, room.startup) if row), default=0)
        idle_at = set(range(max_head))
        for begin, end in room.shutdowns:
            idle_at |= set(range(max(0, begin - span), end))
        for t in range(horizon + 1):
            for q in states:
                node = (t, q)
                if t < horizon and (t in idle_at or (q == FRESH and t < max_head)):
                    var = model.new_int_var(0, units, "")
                    arcs.append(_Arc(g, node, (t + 1, q), None, t, t + 1, 0, var))
                for p in allowed:
                    change = room.change(q, p)
                    start = t + change
                    if start < stage.head[p]:
                        continue
                    duration = instance.products[p].phases[stage.phase[p]].duration
                    end = start + duration
                    hold_end = end + room.cleaning
                    completion = end + stage.tail[p]
                    if until is not None:
                        # the room's cleaning may run past the cut: the flow ends there
                        hold_end = min(hold_end, horizon)
                    if completion > horizon or hold_end > horizon:
                        continue
                    if any(start < b and a < hold_end for a, b in room.shutdowns):
                        continue
                    target = (hold_end, p if room.sequenced else FRESH)
                    var = model.new_int_var(0, units, "")
                    arcs.append(_Arc(g, node, target, p, start, end, completion, var))
        for arc in arcs:
            if arc.group == g:
                out_arcs[(g, arc.tail_state)].append(arc.var)
                in_arcs[(g, arc.head_state)].append(arc.var)
        for t in range(horizon + 1):
            for q in states:
                node = (t, q)
                supply = units if node == (0, FRESH) else 0
                outflow = sum(out_arcs[(g, node)])
                inflow = sum(in_arcs[(g, node)])
                # whatever is not sent on stops here (the room is idle to the end)
                model.add(outflow <= inflow + supply)
    by_product: dict[int, list[_Arc]] = defaultdict(list)
    for arc in arcs:
        if arc.product is not None:
            by_product[arc.product].append(arc)
    made: dict[int, cp_model.LinearExprT] = {p: sum(a.var for a in by_product[p]) for p in products}
    if objective == "margin":
        expression = _margin_terms(model, instance, stage, products, by_product, made)
        model.maximize(expression)
    else:
        for p in products:
            if until is None:
                model.add(made[p] == counts[p])
            else:
                model.add(made[p] <= counts[p])
        if objective == "lateness":
            model.minimize(_backlog(model, instance, stage, products, by_product, horizon))
        else:
            model.minimize(_makespan(model, arcs, lower_bound, horizon))
    return model, arcs


def _backlog(
    model: cp_model.CpModel,
    instance: Instance,
    stage: Stage,
    products: list[int],
    by_product: dict[int, list[_Arc]],
    horizon: int,
) -> cp_model.LinearExprT:
    """Total lateness as Σ over steps of lots due but not yet delivered (first in, first out)."""
    terms = []
    for p in products:
        dues = sorted(lot.due for lot in instance.lots_of(p))
        done = _delivered(model, by_product[p], dues[0], horizon, len(dues))
        for t in range(dues[0], horizon):
            due = bisect.bisect_right(dues, t)
            late = model.new_int_var(0, due, "")
            model.add(late + done[t - dues[0]] >= due)
            terms.append(late)
    return sum(terms)


def _delivered(
    model: cp_model.CpModel, arcs: list[_Arc], first: int, horizon: int, most: int
) -> list[cp_model.IntVar | int]:
    """Lots of ``arcs`` completed by each step from ``first`` to ``horizon`` - 1, as a running
    sum (one variable per step where lots complete): each arc appears in one constraint, not
    in one per later step, so the model grows with arcs + steps instead of their product."""
    ending: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for arc in arcs:
        ending[max(arc.completion, first)].append(arc.var)
    running: cp_model.IntVar | int = 0
    done: list[cp_model.IntVar | int] = []
    for t in range(first, horizon):
        if ending.get(t):
            total = model.new_int_var(0, most, "")
            model.add(total == sum([running, *ending[t]]))
            running = total
        done.append(running)
    return done


def _makespan(
    model: cp_model.CpModel, arcs: list[_Arc], lower_bound: int, horizon: int
) -> cp_model.IntVar:
    makespan = model.new_int_var(lower_bound, horizon, "makespan")
    ending: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for arc in arcs:
        if arc.product is not None and arc.completion > lower_bound:
            ending[arc.completion].append(arc.var)
    for completion, variables in ending.items():
        used = model.new_bool_var("")
        model.add(sum(variables) == 0).only_enforce_if(~used)
        model.add(makespan >= completion).only_enforce_if(used)
    return makespan


def _margin_terms(
    model: cp_model.CpModel,
    instance: Instance,
    stage: Stage,
    products: list[int],
    by_product: dict[int, list[_Arc]],
    made: dict[int, cp_model.LinearExprT],
) -> cp_model.LinearExprT:
    """An upper bound on the margin: lots are optional; the first lots made serve the earliest
    due dates; lateness is charged at the product's lowest penalty; storage is free. Lots of
    products with no phase in the stage count their gain, if any, as they would at best."""
    money = instance.in_money_units
    elsewhere = sum(
        max(0, money(lot.value - instance.products[lot.product].cost_per_lot))
        for lot in instance.lots
        if lot.product not in products
    )
    terms: list[cp_model.LinearExprT] = [elsewhere]
    for p in products:
        lots = instance.lots_of(p)
        serve = [model.new_bool_var("") for _ in lots]
        for earlier, later in itertools.pairwise(serve):
            model.add(earlier >= later)
        model.add(sum(serve) == made[p])
        cost = instance.products[p].cost_per_lot
        terms += [money(lot.value - cost) * s for lot, s in zip(lots, serve, strict=True)]
        penalty = min(lot.penalty_per_step for lot in lots)
        if penalty > 0:
            first = lots[0].due
            done = _delivered(model, by_product[p], first, instance.horizon, len(lots))
            for t in range(first, instance.horizon):
                due = [s for lot, s in zip(lots, serve, strict=True) if lot.due <= t]
                if not due:
                    continue
                late = model.new_int_var(0, len(due), "")
                model.add(late + done[t - first] >= sum(due))
                terms.append(-money(penalty) * late)
    for arc in (a for arcs in by_product.values() for a in arcs):
        room = instance.rooms[arc.group]
        if arc.product is not None and room.sequenced:
            cost = room.change_cost(arc.tail_state[1], arc.product)
            if cost:
                terms.append(-money(cost) * arc.var)
    return sum(terms)


def _hint_flows(
    model: cp_model.CpModel, instance: Instance, stage: Stage, arcs: list[_Arc], hint: Timetable
) -> None:
    """Hint the lot arcs a known timetable uses on this stage (a partial hint: idle arcs are
    left to the solver)."""
    used: dict[tuple[int, tuple[int, int], int, int], int] = defaultdict(int)
    per_room: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for placement in hint.placements:
        product = instance.lots[placement.lot].product
        if stage.phase.get(product) == placement.phase:
            per_room[(placement.group, placement.room)].append((placement.start, product))
    for (g, _), sequence in per_room.items():
        room = instance.rooms[g]
        previous = FRESH
        for start, product in sorted(sequence):
            change = room.change(previous, product)
            state = previous if room.sequenced else FRESH
            used[(g, (start - change, state), product, start)] += 1
            previous = product
    for arc in arcs:
        if arc.product is not None:
            model.add_hint(
                arc.var, used.get((arc.group, arc.tail_state, arc.product, arc.start), 0)
            )


@dataclass
class _Flow:
    arc: _Arc
    left: int


def _decompose(
    instance: Instance, stage: Stage, arcs: list[_Arc], solver: cp_model.CpSolver
) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Split each group's integer flow into one path per room: (product, start) in order."""
    remaining: dict[tuple[int, tuple[int, int]], list[_Flow]] = defaultdict(list)
    for arc in arcs:
        value = int(solver.value(arc.var))
        if value > 0:
            remaining[(arc.group, arc.tail_state)].append(_Flow(arc, value))
    sequences: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for g in stage.groups:
        room = instance.rooms[g]
        units = room.count if room.sequenced else room.places
        for unit in range(units):
            node = (0, FRESH)
            path: list[tuple[int, int]] = []
            while True:
                pick = next((flow for flow in remaining.get((g, node), []) if flow.left > 0), None)
                if pick is None:
                    break
                pick.left -= 1
                if pick.arc.product is not None:
                    path.append((pick.arc.product, pick.arc.start))
                node = pick.arc.head_state
            sequences[(g, unit if room.sequenced else -1 - unit)] = path
    return sequences


def decode(instance: Instance, stage: Stage, plan: CampaignPlan) -> Timetable:
    """The lot schedule a campaign plan implies: lots of each product take the plan's slots in
    first-in-first-out order, and every phase is placed by the schedule-generation scheme."""
    slots: list[tuple[int, int, int, int]] = []  # (start, product, group, room)
    for (g, r), sequence in plan.sequences.items():
        for product, start in sequence:
            slots.append((start, product, g, r))
    slots.sort()
    next_lot: dict[int, list[int]] = {
        p: [lot.index for lot in instance.lots_of(p)] for p in range(len(instance.products))
    }
    order: list[int] = []
    rooms: dict[tuple[int, int], tuple[int, int]] = {}
    for _, product, g, r in slots:
        if not next_lot[product]:
            continue
        lot = next_lot[product].pop(0)
        order.append(lot)
        room = instance.rooms[g]
        if room.sequenced:
            rooms[(lot, stage.phase[product])] = (g, r)
        else:
            rooms[(lot, stage.phase[product])] = (g, -1)
    return place_lots(instance, order, rooms)
