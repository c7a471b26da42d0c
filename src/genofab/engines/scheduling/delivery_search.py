"""Simulated annealing over which lots are made, in what order and how early (margin and
profit).

Under the money objectives a lot is optional and a finished lot waits in stock until its due
date, so a schedule is decided by three things the rule-based schedules fix once for all:
which lots to make (a lot that loses money, or whose room time is better spent on another,
is left out), the order in which the rule-based scheme places them, and how early each may
be released (its *lead*: started no earlier than its due date less its recipe and its lead;
a lead of 0 is just in time). This search perturbs all three, and the weight of a product
switch: a lot swapped with a near neighbour or moved a few places in the order, a lot made
or left out, a lot's lead raised or lowered one level (levels 0, 1/52, 1/26, 1/13, 1/6 of
the horizon and the whole horizon). Each state is decoded by the rule-based scheme
(:func:`~genofab.engines.scheduling.rules.place_lots`, with the leads as earliest starts),
fitted by leaving lots out where it breaks campaign sizes or the inventory's capacity
(:mod:`.leave_out`) and judged by its exact margin or profit
(:func:`~genofab.engines.scheduling.timetable.assess`). It starts from the best just-in-time
state (every lot made or those worth making, one lead for all, a few switch weights) and
returns the best schedule decoded. Its work is
the lot phases it decodes, so it is deterministic: the same plan, seed and budget give the
same schedule anywhere; the wall-clock ``deadline`` only guards.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from dataclasses import dataclass

from genofab.engines.scheduling.delivery_rules import release_targets, worth_making
from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.leave_out import fit_by_leaving_out
from genofab.engines.scheduling.rules import due_order, place_lots
from genofab.engines.scheduling.timetable import (
    MONEY_OBJECTIVES,
    Assessment,
    Objective,
    Timetable,
)

#: Leads, as shares of the horizon, by which a lot may be released before its due date.
LEAD_SHARES = (0.0, 1 / 52, 1 / 26, 1 / 13, 1 / 6, 1.0)
#: Weights of a product switch (× the changeover time) of the starts tried.
START_WEIGHTS = (0.0, 2.0, 8.0)
#: How far (positions in the order) a move may take a lot.
REACH = 12
#: Starting temperature as a share of a lot's mean worth (its value plus the unmet-demand
#: penalty it avoids), and the final one as a share of the starting one.
HOT = 0.25
COOLING = 0.01
#: Shares of the moves: the switch weight, a swap, a move in the order, made or left out;
#: the rest change a lead.
WEIGHT_MOVES, SWAPS, SHIFTS, TOGGLES = 0.05, 0.35, 0.55, 0.7
#: Reason of a lot the search leaves out.
LEFT_OUT = "not made: the {objective} is higher without it"


@dataclass(frozen=True)
class DeliverySearch:
    """The best schedule found (fitted and assessed), its value and what the search did."""

    timetable: Timetable
    assessment: Assessment
    value: float
    start_value: float
    decoded: int
    #: the wall-clock guard stopped the search before its counted work was done
    guarded: bool = False


@dataclass(frozen=True)
class _State:
    order: tuple[int, ...]
    made: frozenset[int]
    leads: tuple[int, ...]  # level of each lot (by lot index)
    weight: float


class _Decoder:
    """Decodes states into fitted, assessed schedules and counts the phases decoded."""

    def __init__(self, instance: Instance, objective: Objective) -> None:
        self.instance = instance
        self.objective = objective
        self.levels = sorted({round(share * instance.horizon) for share in LEAD_SHARES})
        self.phases = [len(instance.products[lot.product].phases) for lot in instance.lots]
        self.work = 0
        self.decoded = 0

    def __call__(self, state: _State) -> tuple[float, Timetable, Assessment] | None:
        instance = self.instance
        kept = [lot for lot in state.order if self._made(lot, state.made)]
        making = set(kept)
        self.work += sum(self.phases[lot] for lot in kept) + 1
        self.decoded += 1
        targets = release_targets(instance, {lot: self.levels[state.leads[lot]] for lot in kept})
        placed = place_lots(instance, kept, switch_penalty=state.weight, not_before=targets)
        reason = LEFT_OUT.format(objective=self.objective)
        chosen = tuple((lot, reason) for lot in state.order if lot not in state.made)
        chosen += tuple(
            (lot, f"not made: the lot that feeds it (lot {instance.lots[lot].feeder}) is not made")
            for lot in state.order
            if lot in state.made and lot not in making
        )
        timetable = Timetable(placed.placements, (*placed.left_out, *chosen))
        fitted = fit_by_leaving_out(instance, timetable, inventory=self.objective == "profit")
        if fitted is None:
            return None
        return fitted[1].objective(self.objective), fitted[0], fitted[1]

    def _made(self, lot: int, made: frozenset[int]) -> bool:
        """Whether ``lot`` is made: chosen, and so is the lot that feeds it, if any."""
        while lot in made:
            feeder = self.instance.lots[lot].feeder
            if feeder is None:
                return True
            lot = feeder
        return False


def search_deliveries(
    instance: Instance,
    objective: Objective,
    *,
    work: int,
    deadline: float,
    seed: int = 0,
) -> DeliverySearch | None:
    """Anneal for about ``work`` lot phases decoded (the wall-clock ``deadline`` only
    guards); None when the objective is not margin or profit, the plan has no lot, or no
    start decodes into a schedule."""
    if objective not in MONEY_OBJECTIVES or not instance.lots:
        return None
    decode = _Decoder(instance, objective)
    order = tuple(due_order(instance))
    everything = frozenset(order)
    worthy = frozenset(lot for lot in order if worth_making(instance, lot))
    current: tuple[_State, float] | None = None
    best: tuple[float, Timetable, Assessment] | None = None
    for made, level, weight in itertools.product(
        dict.fromkeys((everything, worthy)), range(len(decode.levels)), START_WEIGHTS
    ):
        state = _State(order, made, (level,) * len(instance.lots), weight)
        found = decode(state)
        if found is not None and (current is None or found[0] > current[1]):
            current, best = (state, found[0]), found
    if current is None or best is None:
        return None
    state, value = current
    start_value = value
    rng = random.Random(seed)
    worth = sum(lot.value + lot.unmet_penalty for lot in instance.lots) / len(instance.lots)
    hot = max(1.0, HOT * worth)
    guarded = False
    while decode.work < work:
        if time.perf_counter() >= deadline:
            guarded = True
            break
        temperature = hot * COOLING ** min(1.0, decode.work / work)
        candidate = _move(state, rng, len(decode.levels))
        found = decode(candidate)
        if found is None:
            continue
        new = found[0]
        if new >= value or rng.random() < math.exp((new - value) / temperature):
            state, value = candidate, new
            if new > best[0] + 1e-9:
                best = found
    return DeliverySearch(
        timetable=best[1],
        assessment=best[2],
        value=best[0],
        start_value=start_value,
        decoded=decode.decoded,
        guarded=guarded,
    )


def _move(state: _State, rng: random.Random, levels: int) -> _State:
    """A neighbour of ``state``."""
    move = rng.random()
    n = len(state.order)
    if move < WEIGHT_MOVES:
        weight = max(0.0, state.weight + rng.choice((-0.5, 0.5)))
        return _State(state.order, state.made, state.leads, weight)
    if move < SHIFTS and n > 1:
        order = list(state.order)
        i = rng.randrange(n)
        j = min(n - 1, max(0, i + rng.randint(-REACH, REACH)))
        if move < SWAPS:
            order[i], order[j] = order[j], order[i]
        else:
            order.insert(j, order.pop(i))
        return _State(tuple(order), state.made, state.leads, state.weight)
    lot = rng.randrange(len(state.leads))
    if move < TOGGLES:
        made = state.made - {lot} if lot in state.made else state.made | {lot}
        return _State(state.order, made, state.leads, state.weight)
    leads = list(state.leads)
    leads[lot] = min(levels - 1, max(0, leads[lot] + rng.choice((-1, 1))))
    return _State(state.order, state.made, tuple(leads), state.weight)
