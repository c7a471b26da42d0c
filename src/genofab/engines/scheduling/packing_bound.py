"""The arc-flow linear relaxation of packing campaigns into rooms: a fast proof that lots do
not fit.

A room of room time ``capacity`` is a path through levels, one per product (in a fixed
order): at product p's level it either skips p or takes one campaign of m lots, which costs
m·hold_p + entry_p and moves the room's load from l to l + m·hold_p + entry_p ≤ capacity.
Identical rooms are one flow of ``rooms`` units through that graph, so their symmetry
disappears; each product's lots are the sum of m times the flow on its campaign arcs (Valério
de Carvalho 1999; Brandão and Pedroso 2016, arc-flow for bin packing). The LP relaxation of
this model is the Gilmore–Gomory bound. Two valid strengthenings the plain relaxation lacks
close most of the parity-type gaps of tightly packed rooms: each arc carries the upper bound
min(rooms, ⌊lots_p / m⌋) — no more rooms can hold a campaign of m lots — and each product
needs at least ⌈lots_p / largest campaign⌉ campaigns (a rounded cut). Rooms end within the
total slack of full (no room can waste more than all rooms together may).

When this LP (HiGHS, through SciPy) is infeasible, no packing exists: that proves a makespan
too small. When it is feasible, nothing is proven.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

#: Flow below this is LP round-off.
_TINY = 1e-7


@dataclass(frozen=True)
class RoomKind:
    """Identical rooms: how many, room time each, and per product it may make the room time
    of one lot and the changeover into its campaign."""

    rooms: int
    capacity: int
    hold: dict[int, int]
    entry: dict[int, int]


@dataclass(frozen=True)
class Relaxation:
    """The arc-flow model's answer. ``fits`` False is a proof that the lots do not fit; True
    means the LP (or, solved as a MIP, the model itself) is feasible, and ``rooms`` holds per
    kind its rooms as (weight, lots per product) — fractional for the LP, whole for the MIP;
    None means the solver ran out of time. ``variables``: arcs in the model."""

    fits: bool | None
    rooms: list[list[tuple[float, dict[int, int]]]] = field(default_factory=list)
    variables: int = 0


def relax(
    kinds: list[RoomKind],
    lots: dict[int, int],
    time_limit: float,
    *,
    integer: bool = False,
    nodes: int | None = None,
) -> Relaxation:
    """Solve the arc-flow relaxation of packing the ``lots`` of each product into the rooms
    of ``kinds`` (``time_limit`` seconds is a guard: an LP runs to its end); with
    ``integer``, the arc-flow model itself (a MIP: exact, so its rooms are whole and ``fits``
    True means they do fit), within ``nodes`` branch-and-bound nodes when given."""
    deadline = time.perf_counter() + time_limit
    wanted = {p: n for p, n in lots.items() if n > 0}
    if not wanted:
        return Relaxation(True, [[] for _ in kinds])
    # rooms that can make none of the lots take no part (nor does their room time)
    useful = [
        kind.rooms > 0 and any(p in kind.hold and _most(kind, p, n) >= 1 for p, n in wanted.items())
        for kind in kinds
    ]
    usable = [kind for kind, use in zip(kinds, useful, strict=True) if use]
    fewest = _fewest(usable, wanted)
    if fewest is None:
        return Relaxation(False)  # some product fits in no room
    slack = _slack(usable, wanted, fewest)
    if slack < 0:
        return Relaxation(False)
    graphs = [
        _graph(kind, wanted, slack) if use else None
        for kind, use in zip(kinds, useful, strict=True)
    ]
    if any(use and graph is None for use, graph in zip(useful, graphs, strict=True)):
        return Relaxation(False)  # some room cannot be filled to within the slack
    arcs = _numbered([graph for graph in graphs if graph is not None])
    tail = np.concatenate([a.tail + a.first for a in arcs])
    head = np.concatenate([np.where(a.head >= 0, a.head + a.first, -1) for a in arcs])
    product = np.concatenate([a.product for a in arcs])
    count = np.concatenate([a.lots for a in arcs])
    nodes = sum(a.rows for a in arcs)
    order = sorted(wanted)
    index = np.arange(len(tail))
    taken = count > 0
    position = nodes + np.searchsorted(order, product[taken])
    surplus = len(tail) + np.arange(len(order))
    # rows: flow conservation at every node but the sinks (in − out = −rooms at a source,
    # 0 elsewhere); per product its lots over its campaign arcs; per product its campaigns
    # less a surplus column = the fewest it needs (a rounded cut the plain LP lacks)
    rows = np.concatenate(
        [
            tail,
            head[head >= 0],
            position,
            position + len(order),
            nodes + len(order) + np.arange(len(order)),
        ]
    )
    cols = np.concatenate([index, index[head >= 0], index[taken], index[taken], surplus])
    values = np.concatenate(
        [
            -np.ones(len(tail)),
            np.ones(int((head >= 0).sum())),
            count[taken].astype(float),
            np.ones(int(taken.sum())),
            -np.ones(len(order)),
        ]
    )
    right = np.zeros(nodes + 2 * len(order))
    for graph in arcs:
        right[graph.first] = -graph.rooms  # each kind's source is its first node
    right[nodes : nodes + len(order)] = [wanted[p] for p in order]
    right[nodes + len(order) :] = [fewest[p] for p in order]
    upper = np.concatenate([*(a.upper for a in arcs), np.full(len(order), np.inf)])
    found, flow = _solve(
        (rows, cols, values),
        right,
        upper,
        integer,
        max(deadline - time.perf_counter(), 0.01),
        nodes,
    )
    if found is False:
        return Relaxation(False, variables=len(tail))  # proven infeasible
    if flow is None:
        return Relaxation(None, [[] for _ in kinds], len(tail))
    flows = iter(np.split(flow[: len(tail)], np.cumsum([len(a.tail) for a in arcs])[:-1]))
    rooms = [_paths(graph, next(flows)) if graph is not None else [] for graph in graphs]
    return Relaxation(True, rooms, len(tail))


def _solve(
    entries: tuple[np.ndarray, np.ndarray, np.ndarray],
    right: np.ndarray,
    upper: np.ndarray,
    integer: bool,
    time_limit: float,
    nodes: int | None = None,
) -> tuple[bool | None, np.ndarray | None]:
    """Solve {A x = right, 0 ≤ x ≤ upper} (A as rows, columns, values) with HiGHS:
    (False, None) when proven infeasible, (True, x) when solved, (None, None) when time ran
    out first. LPs use the interior-point method (2-3x faster than the simplex on these
    models), the simplex when it fails; the MIP runs without presolve (its probing costs more
    than it saves here)."""
    # SciPy's HiGHS, imported here: importing scipy.optimize costs about 0.4 s, paid only
    # when an LP is needed. (highspy cannot share a process with OR-Tools: both ship a
    # libhighs.so.1 of different versions, and whichever loads second fails on symbols.)
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse import csr_array

    deadline = time.perf_counter() + time_limit
    rows, cols, values = entries
    matrix = csr_array((values, (rows, cols)), shape=(len(right), len(upper)))
    if integer:
        result = milp(
            np.zeros(len(upper)),
            integrality=np.ones(len(upper)),
            bounds=Bounds(0, upper),
            constraints=LinearConstraint(matrix, right, right),
            options={"time_limit": max(time_limit, 0.01), "presolve": False}
            | ({} if nodes is None else {"node_limit": nodes}),
        )
        if result.status == 2:
            return False, None  # proven infeasible
        if result.x is None:
            return None, None  # out of time without an incumbent
        return True, np.asarray(result.x)  # optimal, or the incumbent: whole either way
    # the interior-point method fails on about 1 % of these LPs ("solve error", status 4)
    # where the dual simplex proves them infeasible: it is the fallback
    for method in ("highs-ipm", "highs-ds"):
        result = linprog(
            np.zeros(len(upper)),
            A_eq=matrix,
            b_eq=right,
            bounds=np.column_stack([np.zeros(len(upper)), upper]),
            method=method,
            options={"time_limit": max(deadline - time.perf_counter(), 0.01)},
        )
        if result.status == 2:
            return False, None  # proven infeasible
        if result.status == 0:
            return True, np.asarray(result.x)
        if time.perf_counter() >= deadline:
            break
    return None, None  # out of time, or the solver failed


def _paths(graph: _Arcs, flow: np.ndarray) -> list[tuple[float, dict[int, int]]]:
    """Decompose one kind's flow into rooms: follow the largest flow from the source to the
    sink, take the smallest flow on the way as the room's weight, subtract, repeat."""
    flow = np.where(flow > _TINY, flow, 0.0)
    leaving: dict[int, list[int]] = {}
    for positive in np.flatnonzero(flow).tolist():
        leaving.setdefault(int(graph.tail[positive]), []).append(positive)
    rooms: list[tuple[float, dict[int, int]]] = []
    while True:
        node, path = 0, list[int]()
        while node != -1:
            choices = [arc for arc in leaving.get(node, []) if flow[arc] > _TINY]
            if not choices:
                return rooms  # no flow left (or only round-off)
            arc = max(choices, key=lambda a: float(flow[a]))
            path.append(arc)
            node = int(graph.head[arc])
        weight = float(min(flow[path]))
        flow[path] -= weight
        lots = {int(graph.product[a]): int(graph.lots[a]) for a in path if graph.lots[a]}
        rooms.append((weight, lots))


def _slack(kinds: list[RoomKind], wanted: dict[int, int], fewest: dict[int, int]) -> int:
    """Room time of all rooms less the least any packing uses: each product's lots at its
    shortest room time, and its ``fewest`` campaigns, each with its least changeover. No room
    can waste more than this."""
    used = 0
    for p, n in wanted.items():
        fitting = [k for k in kinds if p in k.hold and _most(k, p, n) >= 1]
        used += n * min(k.hold[p] for k in fitting) + fewest[p] * min(k.entry[p] for k in fitting)
    return sum(kind.rooms * kind.capacity for kind in kinds) - used


def _fewest(kinds: list[RoomKind], wanted: dict[int, int]) -> dict[int, int] | None:
    """Fewest campaigns of each product: its lots over the largest campaign any room holds,
    rounded up. None when a product fits nowhere."""
    fewest = {}
    for p, n in wanted.items():
        largest = max((_most(k, p, n) for k in kinds if p in k.hold), default=0)
        if largest < 1:
            return None
        fewest[p] = -(-n // largest)
    return fewest


def _most(kind: RoomKind, product: int, lots: int) -> int:
    """Most lots of ``product`` one campaign can hold in a room of ``kind``."""
    hold, entry = kind.hold[product], kind.entry[product]
    return min(lots, (kind.capacity - entry) // hold) if hold > 0 else lots


@dataclass(frozen=True)
class _Arcs:
    """One kind's arcs: tail and head node (−1: the sink), product, lots (0: a skip) and upper
    bound; ``rows`` nodes (the source is node 0), numbered from ``first`` in the LP."""

    rooms: int
    tail: np.ndarray
    head: np.ndarray
    product: np.ndarray
    lots: np.ndarray
    upper: np.ndarray
    rows: int
    first: int = 0


def _numbered(graphs: list[_Arcs]) -> list[_Arcs]:
    numbered, first = [], 0
    for graph in graphs:
        numbered.append(replace(graph, first=first))
        first += graph.rows
    return numbered


def _graph(kind: RoomKind, wanted: dict[int, int], slack: int) -> _Arcs | None:
    """The arcs of one kind of room (that can make at least one of the lots), kept only on
    paths from load 0 that end within ``slack`` of a full room; None when there is none."""
    levels = []
    for p in sorted(wanted):
        if p in kind.hold and _most(kind, p, wanted[p]) >= 1:
            levels.append((p, kind.hold[p], kind.entry[p], _most(kind, p, wanted[p])))
    # few campaign sizes first: the last level, which must end in the window, has most sizes
    levels.sort(key=lambda level: level[3])
    size = kind.capacity + 1
    forward = [np.zeros(size, dtype=bool)]
    forward[0][0] = True
    for _, hold, entry, most in levels:
        reach = forward[-1].copy()
        loads = np.flatnonzero(forward[-1])
        for m in range(1, most + 1):
            step = m * hold + entry
            reach[loads[loads + step < size] + step] = True
        forward.append(reach)
    backward = forward[-1].copy()
    backward[: max(0, kind.capacity - slack)] = False
    alive = [backward]
    for (_, hold, entry, most), reach in zip(reversed(levels), reversed(forward[:-1]), strict=True):
        before = reach & alive[0]  # a skip keeps the load
        loads = np.flatnonzero(reach)
        for m in range(1, most + 1):
            step = m * hold + entry
            source = loads[loads + step < size]
            before[source[alive[0][source + step]]] = True
        alive.insert(0, before)
    if not alive[0][0]:
        return None
    numbers = [np.cumsum(level) - 1 for level in alive]  # node number within its level
    offsets = np.cumsum([0, *(int(level.sum()) for level in alive[:-1])])
    batches = []
    for i, (p, hold, entry, most) in enumerate(levels):
        loads = np.flatnonzero(alive[i])
        for m in range(most + 1):
            step = m * hold + entry if m else 0
            source = loads[loads + step < size]
            source = source[alive[i + 1][source + step]]
            if i == len(levels) - 1:
                head = np.full(len(source), -1)  # the sink
            else:
                head = offsets[i + 1] + numbers[i + 1][source + step]
            bound = kind.rooms if m == 0 else min(kind.rooms, wanted[p] // m)
            batches.append(
                (
                    offsets[i] + numbers[i][source],
                    head,
                    np.full(len(source), p),
                    np.full(len(source), m),
                    np.full(len(source), float(bound)),
                )
            )
    tail, head, product, lots, upper = (np.concatenate(part) for part in zip(*batches, strict=True))
    return _Arcs(kind.rooms, tail, head, product, lots, upper, int(offsets[-1]))
