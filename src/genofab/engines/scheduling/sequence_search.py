"""Simulated annealing over the lot sequence of every room of one kind.

Many plans have one kind of room that pays changeovers (production suites) and lots whose
other phases are all in pooled rooms (a QC lab, a fill room). A schedule of such a plan is
then, in essence, one sequence of lots per suite. This search moves lots between and within
those sequences, with moves that build campaigns (a lot moved next to a lot of its product,
a run of one product's lots moved as a block, two campaigns of a room swapped), and keeps a
change when it is better or, with the annealing probability, a little worse.

Each sequence is timed on its own, left-shifted: a lot starts when its room is free, after
the changeover from the product before it (or the room's startup), clear of shutdowns and not
before its head (the phases before the suite, back to back). Its later phases follow at once.
So a move only re-times the one or two rooms it changes, and lateness is recounted only for
the products it touches. Pooled rooms are counted as a load: each step where more lots are
in a pooled kind of room than it has places adds to the score (as do steps past the
horizon), so the search is steered to sequences the schedule-generation scheme can place as
they are. The best sequences are then placed by that scheme
(:func:`~genofab.engines.scheduling.rules.place_lots`, rooms fixed, lots in order of their
start), which obeys every rule, and judged by
:func:`~genofab.engines.scheduling.timetable.assess` by the caller.

The work is a number of moves, so the search is deterministic: the same plan, start, seed
and budget give the same schedule on an idle or a loaded machine; the wall-clock deadline is
only a guard.
"""

from __future__ import annotations

import bisect
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.order_search import LEFT_OUT, score
from genofab.engines.scheduling.rules import place_lots
from genofab.engines.scheduling.timetable import (
    MONEY_OBJECTIVES,
    Objective,
    Timetable,
    campaign_rules,
)

#: Score of one step a pooled kind of room is over its places (lot-steps).
OVERLOAD = 0.5
#: Score of one step a lot runs past the horizon.
OVERFLOW = 200.0
#: Starting and final temperatures, in lot-weeks (scaled to the grid).
HOT, COLD = 2.0, 0.05
#: Share of moves that start from a late lot.
LATE_SHARE = 0.5
#: Rounds of annealing (each later one from the best found, starting at ``RESTART_HOT`` × the
#: first round's temperature).
ROUNDS = 1
RESTART_HOT = 0.5
#: Moves from 0.55 to this share swap two campaigns between rooms (0.55 turns them off;
#: measured on the 12-room example from its earliest-due-date schedule: 74-93 lot·wk with
#: them, three seeds at 200 million units of work; 82-94 without, two seeds at about 150).
BLOCK_SWAP = 0.7
#: Counted work of timing or moving one lot, in steps of a pooled room moved (measured: a
#: lot costs about as much CPU time as 16 such steps).
LOT_WORK = 16
#: Positions around a lot's time at which a move may put it in another room.
NEAR = 3
#: Score of each lot a campaign is shorter than its product's ``min_campaign`` or longer than
#: its ``max_campaign`` (in lot-weeks, scaled to the grid): dear, but not a wall, so the
#: search may pass through a broken campaign on its way to a better schedule.
SIZE = 20.0


@dataclass(frozen=True)
class SequenceSearch:
    """The best schedule the search found (placed by the schedule-generation scheme), its
    score as the search counts it, and what the search did."""

    timetable: Timetable
    score: float
    start_score: float
    moves: int
    accepted: int
    work: int = 0
    #: the wall-clock guard stopped the search before its counted work was done
    guarded: bool = False
    #: what else the reader should know of how it ran (empty when nothing)
    note: str = ""


@dataclass(frozen=True)
class Shape:
    """The kind of room the search sequences, and each product's phase there."""

    kind: str
    phase: dict[int, int]
    rooms: tuple[tuple[int, int], ...]


def sequence_shape(instance: Instance) -> Shape | None:
    """The one kind of sequenced rooms every demanded lot visits exactly once, all its other
    phases in pooled rooms; None when the plan is not of that shape."""
    demanded = sorted({lot.product for lot in instance.lots})
    kinds = {room.kind for room in instance.rooms if room.sequenced}
    for kind in sorted(kinds):
        phase: dict[int, int] = {}
        fits = True
        for p in demanded:
            found = None
            for j, spec in enumerate(instance.products[p].phases):
                groups = instance.rooms_for(p, j)
                sequenced = [instance.rooms[g].sequenced for g in groups]
                if spec.kind == kind:
                    if found is not None or not all(sequenced):
                        fits = False
                    found = j
                elif any(sequenced):
                    fits = False
            if found is None or not fits:
                fits = False
                break
            phase[p] = found
        if fits:
            rooms = tuple(
                (g, r)
                for g, room in enumerate(instance.rooms)
                if room.kind == kind and room.sequenced
                for r in range(room.count)
            )
            return Shape(kind, phase, rooms)
    return None


#: What undoes a move: old sequences, old room overflow, end and campaign misses, moved lots
#: (lot, old room, old start, old completion, new room, new start), old lateness per product.
_Undo = tuple[
    dict[int, list[int]],
    dict[int, tuple[float, int, int]],
    list[tuple[int, int, int, int, int, int]],
    dict[int, float],
]


class _Search:
    """The annealing state: sequences, their times, the pooled load and the score."""

    def __init__(self, instance: Instance, objective: Objective, shape: Shape) -> None:
        self.instance = instance
        self.objective = objective
        self.shape = shape
        lots = instance.lots
        self.n = len(lots)
        self.product = [lot.product for lot in lots]
        self.rooms = list(shape.rooms)
        groups = [g for g, _ in self.rooms]
        self.group = groups
        self.changeover = [instance.rooms[g].changeover for g in groups]
        none = (0,) * len(instance.products)
        self.startup = [instance.rooms[g].startup or none for g in groups]
        self.cleaning = [instance.rooms[g].cleaning for g in groups]
        self.shutdowns = [instance.rooms[g].shutdowns for g in groups]
        self.turnover = [instance.rooms[g].turnover for g in groups]
        specs = instance.products
        #: Fewest and most lots per campaign of each product (None: no limits).
        self.sizes: list[tuple[int, int] | None] = [
            (spec.min_campaign or 1, spec.max_campaign or len(instance.lots))
            if spec.sized
            else None
            for spec in specs
        ]
        self.sized = any(size is not None for size in self.sizes)
        self.size_weight = SIZE * max(1.0, 7.0 / instance.step_days)
        self.horizon = instance.horizon
        products = range(len(instance.products))
        self.duration = [0] * len(instance.products)
        self.head = [0] * len(instance.products)
        self.tail = [0] * len(instance.products)
        self.eligible: list[list[int]] = [[] for _ in products]
        # pooled phases per product: (pool, offset from the suite start or end, steps held,
        # measured from the end?)
        self.pooled: list[list[tuple[int, int, int, bool]]] = [[] for _ in products]
        pools: dict[tuple[int, ...], int] = {}
        capacity: list[list[int]] = []
        length = self.horizon + 1
        for p, j in shape.phase.items():
            recipe = instance.products[p].phases
            self.duration[p] = recipe[j].duration
            self.head[p] = sum(phase.duration for phase in recipe[:j])
            self.tail[p] = sum(phase.duration for phase in recipe[j + 1 :])
            self.eligible[p] = [
                i for i, (g, _) in enumerate(self.rooms) if p in instance.rooms[g].products
            ]
            offset = -self.head[p]
            for k, phase in enumerate(recipe):
                if k == j:
                    offset = 0
                    continue
                key = instance.rooms_for(p, k)
                if key not in pools:
                    pools[key] = len(pools)
                    places = sum(instance.rooms[g].places for g in key)
                    row = [places] * (length + 1)
                    for g in key:
                        for begin, end in instance.rooms[g].shutdowns:
                            for t in range(begin, min(end, length + 1)):
                                row[t] -= instance.rooms[g].places
                    capacity.append(row)
                cleaning = min(instance.rooms[g].cleaning for g in key)
                self.pooled[p].append((pools[key], offset, phase.duration + cleaning, k > j))
                offset += phase.duration
        self.capacity = capacity
        #: Steps of pooled rooms a lot of each product holds (what moving it costs).
        self.pool_steps = [2 * sum(hold for _, _, hold, _ in phases) for phases in self.pooled]
        # an overload within the longest pooled stretch of the horizon's end is dear
        last = max((hold for phases in self.pooled for _, _, hold, _ in phases), default=0)
        self.weight = [
            [OVERLOAD if t < self.horizon - last else OVERFLOW for t in range(length + 1)]
            for _ in capacity
        ]
        self.use = [[0] * (length + 1) for _ in capacity]
        self.length = length
        self.of_product: list[list[int]] = [[] for _ in products]
        for lot in lots:
            self.of_product[lot.product].append(lot.index)
        self.dues = [[lots[i].due for i in self.of_product[p]] for p in products]
        self.sequences: list[list[int]] = [[] for _ in self.rooms]
        self.where = [-1] * self.n
        self.start = [0] * self.n
        self.completion = [0] * self.n
        self.late = [0.0] * len(instance.products)
        self.room_overflow = [0.0] * len(self.rooms)
        #: Lots by which each room's campaigns miss their products' sizes.
        self.room_size = [0] * len(self.rooms)
        self.room_end = [0] * len(self.rooms)
        self.over = 0.0
        #: Work done, counted: lots timed in rooms, lots moved and the pooled steps they
        #: move, so a budget of it is deterministic and about proportional to CPU time.
        self.work = 0

    # timing ---------------------------------------------------------------------------------

    def time_room(self, i: int, sequence: list[int]) -> tuple[list[int], float, int, int]:
        """Left-shifted starts of ``sequence`` in room ``i``, its steps past the horizon, its
        last completion and the lots by which its campaigns miss their sizes."""
        changeover = self.changeover[i]
        startup = self.startup[i]
        cleaning = self.cleaning[i]
        shutdowns = self.shutdowns[i]
        product, duration, head, tail = self.product, self.duration, self.head, self.tail
        horizon = self.horizon
        free, last = 0, -1
        starts = []
        overflow = 0.0
        end_max = 0
        for lot in sequence:
            p = product[lot]
            start = free + changeover[last][p] if last >= 0 else free + startup[p]
            if start < head[p]:
                start = head[p]
            hold = duration[p] + cleaning
            if shutdowns:
                moved = True
                while moved:
                    moved = False
                    for begin, end in shutdowns:
                        if start < end and begin < start + hold:
                            start, moved = end, True
            free = start + hold
            last = p
            starts.append(start)
            done = start + duration[p] + tail[p]
            if done > end_max:
                end_max = done
            past = max(free, done) - horizon
            if past > 0:
                overflow += past
        missed = self.campaign_misses(i, sequence, starts) if self.sized else 0
        return starts, overflow, end_max, missed

    def campaign_misses(self, i: int, sequence: list[int], starts: list[int]) -> int:
        """Lots by which the campaigns of room ``i`` (runs of one product, the room never
        idle as long as its turnover between them) miss their products' sizes."""
        product, duration, sizes = self.product, self.duration, self.sizes
        hold, turnover = self.cleaning[i], self.turnover[i]
        missed = 0
        run, count, free = -1, 0, 0
        for lot, start in zip(sequence, starts, strict=True):
            p = product[lot]
            if p == run and start - free < turnover:
                count += 1
            else:
                missed += _miss(sizes[run], count) if run >= 0 else 0
                run, count = p, 1
            free = start + duration[p] + hold
        if run >= 0:
            missed += _miss(sizes[run], count)
        return missed

    def _load(self, lot: int, start: int, sign: int) -> float:
        """Add (sign 1) or remove (-1) the lot's pooled phases; the change in overload (each
        step weighted: near the horizon a lot kept waiting would not fit)."""
        change = 0.0
        p = self.product[lot]
        end = start + self.duration[p]
        top = self.length + 1
        for pool, offset, hold, after in self.pooled[p]:
            begin = (end if after else start) + offset
            use, cap, weight = self.use[pool], self.capacity[pool], self.weight[pool]
            for t in range(begin if begin > 0 else 0, min(begin + hold, top)):
                u = use[t]
                if sign > 0:
                    if u >= cap[t]:
                        change += weight[t]
                elif u > cap[t]:
                    change -= weight[t]
                use[t] = u + sign
        return change

    def _shift(self, lot: int, old: int, new: int) -> float:
        """Move the lot's pooled phases from a suite start ``old`` to ``new`` (one pass each,
        the same as removing then adding with :meth:`_load`); the change in overload."""
        if old == new:
            return 0.0
        change = 0.0
        p = self.product[lot]
        duration = self.duration[p]
        top = self.length + 1
        for pool, offset, hold, after in self.pooled[p]:
            use, cap, weight = self.use[pool], self.capacity[pool], self.weight[pool]
            begin = (old + duration if after else old) + offset
            for t in range(begin if begin > 0 else 0, begin + hold if begin + hold < top else top):
                u = use[t]
                if u > cap[t]:
                    change -= weight[t]
                use[t] = u - 1
            begin = (new + duration if after else new) + offset
            for t in range(begin if begin > 0 else 0, begin + hold if begin + hold < top else top):
                u = use[t]
                if u >= cap[t]:
                    change += weight[t]
                use[t] = u + 1
        return change

    def product_late(self, p: int) -> float:
        completion = self.completion
        done = sorted([completion[lot] for lot in self.of_product[p]])
        return float(sum([c - d for c, d in zip(done, self.dues[p], strict=True) if c > d]))

    def value(self) -> float:
        if self.objective == "makespan":
            return float(max(self.room_end, default=0))
        return sum(self.late)

    def score(self) -> float:
        return (
            self.value()
            + self.over
            + OVERFLOW * sum(self.room_overflow)
            + self.size_weight * sum(self.room_size)
        )

    def clean(self) -> bool:
        """No pooled room over its places, nothing past the horizon, every campaign sized."""
        return self.over == 0 and not any(self.room_overflow) and not any(self.room_size)

    def load(self, sequences: list[list[int]]) -> None:
        """Set the sequences and time everything."""
        self.sequences = [list(s) for s in sequences]
        self.use = [[0] * (self.length + 1) for _ in self.capacity]
        self.over = 0.0
        for i, sequence in enumerate(self.sequences):
            starts, overflow, end, missed = self.time_room(i, sequence)
            self.room_overflow[i] = overflow
            self.room_end[i] = end
            self.room_size[i] = missed
            for lot, start in zip(sequence, starts, strict=True):
                self.where[lot] = i
                self.start[lot] = start
                p = self.product[lot]
                self.completion[lot] = start + self.duration[p] + self.tail[p]
                self.over += self._load(lot, start, 1)
        self.late = [
            self.product_late(p) if self.of_product[p] else 0.0 for p in range(len(self.of_product))
        ]

    # moves ----------------------------------------------------------------------------------

    def apply(self, changed: dict[int, list[int]]) -> tuple[float, _Undo]:
        """Replace the sequences of some rooms; the new score and what undoes it."""
        old_sequences = {i: self.sequences[i] for i in changed}
        old_rooms = {
            i: (self.room_overflow[i], self.room_end[i], self.room_size[i]) for i in changed
        }
        moved: list[tuple[int, int, int, int, int, int]] = []
        # (lot, old room, old start, old completion, new room, new start)
        for i, sequence in changed.items():
            starts, overflow, end, missed = self.time_room(i, sequence)
            self.sequences[i] = sequence
            self.room_overflow[i] = overflow
            self.room_end[i] = end
            self.room_size[i] = missed
            for lot, start in zip(sequence, starts, strict=True):
                if self.start[lot] != start or self.where[lot] != i:
                    moved.append(
                        (lot, self.where[lot], self.start[lot], self.completion[lot], i, start)
                    )
        products: set[int] = set()
        shift = self._shift
        where, start_of, completion = self.where, self.start, self.completion
        duration, tail, product = self.duration, self.tail, self.product
        over = self.over
        pool_steps = self.pool_steps
        work = self.work + LOT_WORK * sum(len(sequence) for sequence in changed.values())
        for lot, _, old_start, _, room, start in moved:
            work += LOT_WORK + pool_steps[product[lot]]
            over += shift(lot, old_start, start)
            where[lot] = room
            start_of[lot] = start
            p = product[lot]
            completion[lot] = start + duration[p] + tail[p]
            products.add(p)
        self.over = over
        self.work = work
        old_late: dict[int, float] = {}
        for p in products:
            old_late[p] = self.late[p]
            self.late[p] = self.product_late(p)
        return self.score(), (old_sequences, old_rooms, moved, old_late)

    def undo(self, record: _Undo) -> None:
        old_sequences, old_rooms, moved, old_late = record
        shift = self._shift
        over = self.over
        pool_steps, product = self.pool_steps, self.product
        self.work += sum(LOT_WORK + pool_steps[product[lot]] for lot, *_ in moved)
        for lot, room, start, completion, _, new_start in moved:
            over += shift(lot, new_start, start)
            self.where[lot] = room
            self.start[lot] = start
            self.completion[lot] = completion
        self.over = over
        for i, sequence in old_sequences.items():
            self.sequences[i] = sequence
            self.room_overflow[i], self.room_end[i], self.room_size[i] = old_rooms[i]
        for p, late in old_late.items():
            self.late[p] = late


def search_sequences(
    instance: Instance,
    objective: Objective,
    start: Timetable,
    *,
    moves: int,
    deadline: float,
    seed: int = 0,
    shape: Shape | None = None,
    work: int | None = None,
) -> SequenceSearch | None:
    """Anneal the room sequences of ``start`` for ``moves`` moves, or until ``work`` units
    are counted (lots timed or moved, see :attr:`_Search.work`) when that comes first (the
    wall-clock ``deadline`` only guards); None when the plan is not of the shape the search
    works on or the objective is margin."""
    shape = shape or sequence_shape(instance)
    if shape is None or objective in MONEY_OBJECTIVES or not instance.lots:
        return None
    state = _Search(instance, objective, shape)
    state.load(_initial_sequences(instance, shape, state, start))
    rng = random.Random(seed)
    start_score = state.score()
    scale = max(1.0, 7.0 / instance.step_days) if objective == "lateness" else 1.0
    # rounds of annealing, each after the first restarting from the best sequences found (a
    # cooler start: the search then refines what it has instead of wandering off)
    rounds = max(1, min(ROUNDS, moves // 1000))
    best: _Found | None = None
    clean: _Found | None = None
    done = accepted = 0
    guarded = False
    state.work = 0
    for round_ in range(rounds):
        share = moves // rounds + (moves % rounds if round_ == rounds - 1 else 0)
        budget = None if work is None else (work - state.work) // (rounds - round_)
        hot = HOT * scale * (1.0 if round_ == 0 else RESTART_HOT)
        if best is not None:
            state.load(best[1])
        found, found_clean, made, kept, full, stopped = _anneal(
            state, rng, share, budget, hot, COLD * scale, deadline
        )
        guarded = guarded or stopped
        done += made
        accepted += kept
        if best is None or found[0] < best[0] - 1e-9:
            best = found
        if found_clean is not None and (clean is None or found_clean[0] < clean[0] - 1e-9):
            clean = found_clean
        if not full or best[0] <= 0:
            break  # the guard, or nothing left to gain
    assert best is not None
    work_done = state.work
    candidates = [best[1]] + ([clean[1]] if clean is not None else [])
    placed = [_placed(instance, shape, state, sequences) for sequences in candidates]
    if not start.left_out:
        placed.append(start)  # never worse than where it started
    timetable = min(placed, key=lambda timetable: _rank(instance, objective, timetable))
    return SequenceSearch(
        timetable=timetable,
        score=best[0],
        start_score=start_score,
        moves=done,
        accepted=accepted,
        work=work_done,
        guarded=guarded,
    )


_Found = tuple[float, list[list[int]]]


def _anneal(
    state: _Search,
    rng: random.Random,
    moves: int,
    budget: int | None,
    hot: float,
    cold: float,
    deadline: float,
) -> tuple[_Found, _Found | None, int, int, bool, bool]:
    """Anneal from the state's sequences for ``moves`` moves or ``budget`` units of counted
    work, whichever ends first (the temperature falls with the larger share spent): the best
    found, the best with no pooled room over its places and nothing past the horizon, the
    moves made and those accepted, whether the work was done (not stopped by the guard or
    by reaching a score of 0), and whether the guard stopped it."""
    current = state.score()
    best = (current, [list(s) for s in state.sequences])
    clean = (state.value(), [list(s) for s in state.sequences]) if state.clean() else None
    accepted = 0
    done = 0
    base = state.work
    full = True
    stopped = False
    for step in range(moves):
        if step % 256 == 0 and time.perf_counter() >= deadline:
            full = False
            stopped = True
            break
        spent = step / moves
        if budget is not None:
            spent = max(spent, (state.work - base) / max(budget, 1))
            if spent >= 1.0:
                break
        done = step + 1
        if best[0] <= 0:
            full = False
            break
        changed = _propose(state, rng)
        if changed is None:
            continue
        new, record = state.apply(changed)
        temperature = hot * (cold / hot) ** spent
        delta = new - current
        if delta <= 0 or rng.random() < math.exp(-delta / temperature):
            current = new
            accepted += 1
            if new < best[0] - 1e-9:
                best = (new, [list(s) for s in state.sequences])
            if state.clean():
                value = state.value()
                if clean is None or value < clean[0] - 1e-9:
                    clean = (value, [list(s) for s in state.sequences])
        else:
            state.undo(record)
    return best, clean, done, accepted, full, stopped


def _rank(instance: Instance, objective: Objective, timetable: Timetable) -> float:
    """The decoded schedule's score; one that breaks campaign sizes comes after any that
    keeps them (``assess`` would refuse it)."""
    broken = campaign_rules(instance, timetable)
    return score(instance, objective, timetable) + (LEFT_OUT * len(broken) if broken else 0.0)


def _miss(size: tuple[int, int] | None, count: int) -> int:
    """Lots by which a campaign of ``count`` lots misses ``size`` (fewest, most)."""
    if size is None:
        return 0
    low, high = size
    return low - count if count < low else count - high if count > high else 0


def _initial_sequences(
    instance: Instance, shape: Shape, state: _Search, start: Timetable
) -> list[list[int]]:
    """Each room's lots in the order of ``start``; lots it leaves out go to the end of the
    least loaded room that can make them."""
    index = {room: i for i, room in enumerate(shape.rooms)}
    placed: dict[int, list[tuple[int, int]]] = defaultdict(list)
    seen = set()
    for placement in start.placements:
        p = instance.lots[placement.lot].product
        key = (placement.group, placement.room)
        if shape.phase.get(p) == placement.phase and key in index:
            placed[index[key]].append((placement.start, placement.lot))
            seen.add(placement.lot)
    sequences = [[lot for _, lot in sorted(placed[i])] for i in range(len(shape.rooms))]
    for lot in sorted(set(range(len(instance.lots))) - seen, key=lambda x: instance.lots[x].due):
        p = instance.lots[lot].product
        choices = state.eligible[p]
        i = min(
            choices,
            key=lambda c: (sum(state.duration[state.product[x]] for x in sequences[c]), c),
        )
        sequences[i].append(lot)
    return sequences


def _placed(
    instance: Instance, shape: Shape, state: _Search, sequences: list[list[int]]
) -> Timetable:
    """The sequences placed by the schedule-generation scheme: rooms fixed, lots in order of
    their left-shifted starts."""
    state.load(sequences)
    order = sorted(range(state.n), key=lambda lot: (state.start[lot], state.where[lot], lot))
    rooms = {}
    for lot in order:
        g, r = shape.rooms[state.where[lot]]
        rooms[(lot, shape.phase[state.product[lot]])] = (g, r)
    return place_lots(instance, order, rooms)


def _propose(state: _Search, rng: random.Random) -> dict[int, list[int]] | None:
    """One random move: the new sequences of the rooms it changes."""
    late = [p for p, value in enumerate(state.late) if value > 0]
    if late and rng.random() < LATE_SHARE:
        # a lot whose completion is late for the due date it serves (first in, first out)
        p = late[rng.randrange(len(late))]
        done = sorted((state.completion[x], x) for x in state.of_product[p])
        tardy = [x for (c, x), d in zip(done, state.dues[p], strict=True) if c > d]
        lot = tardy[rng.randrange(len(tardy))]
    else:
        lot = rng.randrange(state.n)
    p = state.product[lot]
    a = state.where[lot]
    source = state.sequences[a]
    i = source.index(lot)
    move = rng.random()
    choices = state.eligible[p]
    b = choices[rng.randrange(len(choices))]
    target = state.sequences[b]
    if move < 0.3:
        # one lot to another place, near its time
        rest = source[:i] + source[i + 1 :]
        if b == a:
            j = min(len(rest), max(0, i + rng.randint(-NEAR, NEAR)))
            if j == i:
                return None
            return {a: [*rest[:j], lot, *rest[j:]]}
        j = _near(state, b, state.start[lot], rng)
        return {a: rest, b: [*target[:j], lot, *target[j:]]}
    if move < 0.55:
        # a run of the product's lots (the lot's campaign, or part of it) as a block
        first, last = i, i
        while first > 0 and state.product[source[first - 1]] == p:
            first -= 1
        while last + 1 < len(source) and state.product[source[last + 1]] == p:
            last += 1
        if last > first and rng.random() < 0.5:
            if rng.random() < 0.5:
                first = rng.randint(first, i)
            else:
                last = rng.randint(i, last)
        block = source[first : last + 1]
        rest = source[:first] + source[last + 1 :]
        if b == a:
            kinds = [state.product[x] for x in rest]
            boundaries = [
                k
                for k in range(len(rest) + 1)
                if k != first and (k in (0, len(rest)) or kinds[k - 1] != kinds[k] or kinds[k] == p)
            ]
            if not boundaries:
                return None
            k = min(boundaries, key=lambda k: (abs(k - first) + rng.random() * 4, k))
            if rng.random() < 0.5:
                k = boundaries[rng.randrange(len(boundaries))]
            return {a: rest[:k] + block + rest[k:]}
        j = _boundary(state, target, _near(state, b, state.start[lot], rng), p)
        return {a: rest, b: target[:j] + block + target[j:]}
    if move < BLOCK_SWAP and b != a:
        # the lot's campaign swapped with the campaign near its time in another room (the
        # rooms keep about their load)
        block_a = _run(state, source, i)
        target_at = min(_near(state, b, state.start[lot], rng), len(target) - 1)
        if target_at < 0:
            return None
        q = state.product[target[target_at]]
        if q == p or a not in state.eligible[q]:
            return None
        block_b = _run(state, target, target_at)
        return {
            a: source[: block_a[0]]
            + target[block_b[0] : block_b[1] + 1]
            + source[block_a[1] + 1 :],
            b: target[: block_b[0]]
            + source[block_a[0] : block_a[1] + 1]
            + target[block_b[1] + 1 :],
        }
    if move < 0.8:
        # next to the nearest lot of the same product (elsewhere): campaigns grow
        candidates = [
            other for other in state.of_product[p] if other != lot and state.where[other] in choices
        ]
        if not candidates:
            return None
        candidates.sort(key=lambda other: (abs(state.start[other] - state.start[lot]), other))
        other = candidates[min(len(candidates) - 1, int(rng.random() ** 2 * 4))]
        b = state.where[other]
        rest = source[:i] + source[i + 1 :]
        if b == a:
            k = rest.index(other) + (1 if rng.random() < 0.5 else 0)
            return {a: [*rest[:k], lot, *rest[k:]]}
        target = state.sequences[b]
        k = target.index(other) + (1 if rng.random() < 0.5 else 0)
        return {a: rest, b: [*target[:k], lot, *target[k:]]}
    # swap with a lot of another product near its time (in this room or another)
    j = _near(state, b, state.start[lot], rng)
    if b == a:
        j = min(len(source) - 1, max(0, i + rng.randint(-NEAR, NEAR)))
        if j == i or state.product[source[j]] == p:
            return None
        swapped = list(source)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        return {a: swapped}
    if not target:
        return None
    j = min(j, len(target) - 1)
    other = target[j]
    if state.product[other] == p or a not in state.eligible[state.product[other]]:
        return None
    new_source, new_target = list(source), list(target)
    new_source[i], new_target[j] = other, lot
    return {a: new_source, b: new_target}


def _run(state: _Search, sequence: list[int], i: int) -> tuple[int, int]:
    """First and last positions of the run of one product's lots around position ``i``."""
    p = state.product[sequence[i]]
    first, last = i, i
    while first > 0 and state.product[sequence[first - 1]] == p:
        first -= 1
    while last + 1 < len(sequence) and state.product[sequence[last + 1]] == p:
        last += 1
    return first, last


def _near(state: _Search, room: int, time_: int, rng: random.Random) -> int:
    """A position in ``room``'s sequence near the lots that start around ``time_``."""
    starts = [state.start[lot] for lot in state.sequences[room]]
    k = bisect.bisect_left(starts, time_)
    return min(len(starts), max(0, k + rng.randint(-NEAR // 2 - 1, NEAR // 2 + 1)))


def _boundary(state: _Search, sequence: list[int], j: int, product: int) -> int:
    """The campaign boundary nearest position ``j`` (next to a lot of ``product`` if one is
    near)."""
    best = j
    for k in sorted(range(len(sequence) + 1), key=lambda k: (abs(k - j), k))[:8]:
        left = state.product[sequence[k - 1]] if k > 0 else None
        right = state.product[sequence[k]] if k < len(sequence) else None
        if product in (left, right):
            return k
        if left != right and best == j:
            best = k
    return best
