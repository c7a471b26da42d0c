"""Simulated annealing over which lots are made, in what order and how early (margin and
profit).

Under the money objectives a lot is optional and a finished lot waits in stock until its due
date, so a schedule is decided by three things the rule-based schedules fix once for all:
which lots to make (a lot that loses money, or whose room time is better spent on another,
is left out), the order in which the rule-based scheme places them, and how early each may
be released (its *lead*: started no earlier than its due date less its recipe and its lead;
a lead of 0 is just in time). The search decides these for *units* of lots: a sponsor's
delivery (a product's lots due on the same date), or, for a product with campaign sizes, a
planned campaign (its lots split into the fewest campaigns of its sizes, placed whole in one
room). Grouping so is what made it pay: on the generated 68-lot plan it ended 33 % above the
rules at the work of a 10 s limit, against 14 % with each lot decided alone. Moves: a unit
swapped with a near neighbour or moved a few places in the order, a unit made or left out,
a unit's lead raised or lowered one level (levels 0, 1/52, 1/26, 1/13, 1/6 of the horizon
and the whole horizon; a unit starts no earlier than its earliest lot may), the weight of a
product switch moved by ½. Each state is decoded by the campaign rule
(:func:`~genofab.engines.scheduling.campaign_rules.place_campaigns`, with the leads as
earliest starts), fitted by leaving lots out where it breaks campaign sizes or the
inventory's capacity (:mod:`.leave_out`) and judged by its exact margin or profit
(:func:`~genofab.engines.scheduling.timetable.assess`). It starts from the best
just-in-time state (every unit made or those worth making, one lead for all, a few switch
weights) and returns the best schedule decoded. Its work is the lot phases it decodes, so
it is deterministic: the same plan, seed and budget give the same schedule anywhere; the
wall-clock ``deadline`` only guards.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from dataclasses import dataclass

from genofab.engines.scheduling.campaign_rules import place_campaigns, planned_campaigns
from genofab.engines.scheduling.delivery_rules import release_targets, worth_making
from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.leave_out import fit_by_leaving_out
from genofab.engines.scheduling.rules import due_order
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
#: Seed step between annealing chains.
CHAIN_SEED = 7_919
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
    order: tuple[int, ...]  # units (see _Decoder.units), in the order they are placed
    made: frozenset[int]  # units made
    leads: tuple[int, ...]  # level of each unit's lead (by unit)
    weight: float


class _Decoder:
    """Decodes states into fitted, assessed schedules and counts the phases decoded. A state
    is over *units* (see :func:`units`), placed by the campaign rule in the order of the
    state (a campaign of a product with sizes whole in one room)."""

    def __init__(self, instance: Instance, objective: Objective) -> None:
        self.instance = instance
        self.objective = objective
        self.levels = sorted({round(share * instance.horizon) for share in LEAD_SHARES})
        self.phases = [len(instance.products[lot.product].phases) for lot in instance.lots]
        self.units = units(instance)
        self.work = 0
        self.decoded = 0

    def __call__(self, state: _State) -> tuple[float, Timetable, Assessment] | None:
        instance = self.instance
        chosen = {lot for unit in state.made for lot in self.units[unit]}
        kept = [
            unit
            for unit in state.order
            if unit in state.made and all(self._made(lot, chosen) for lot in self.units[unit])
        ]
        lots = [lot for unit in kept for lot in self.units[unit]]
        self.work += sum(self.phases[lot] for lot in lots) + 1
        self.decoded += 1
        leads = {lot: self.levels[state.leads[unit]] for unit in kept for lot in self.units[unit]}
        targets = release_targets(instance, leads)
        for unit in kept:  # a unit starts together: from its earliest lot's start on
            first = min(targets[lot] for lot in self.units[unit])
            targets.update(dict.fromkeys(self.units[unit], first))
        chunks = [list(self.units[unit]) for unit in kept]
        placed = place_campaigns(instance, chunks, state.weight, targets)
        making = set(lots)
        left = [
            (lot, LEFT_OUT.format(objective=self.objective))
            for lot in sorted(set(range(len(instance.lots))) - chosen)
        ]
        for lot in sorted(chosen - making):
            feeders = instance.lots[lot].feeders
            if feeders and not self._made(lot, chosen):
                reason = f"not made: {instance.feeding(list(feeders))} not made"
            else:
                reason = "not made: a lot decided with it (its delivery or campaign) cannot be"
            left.append((lot, reason))
        timetable = Timetable(placed.placements, (*placed.left_out, *left))
        fitted = fit_by_leaving_out(instance, timetable, inventory=self.objective == "profit")
        if fitted is None:
            return None
        return fitted[1].objective(self.objective), fitted[0], fitted[1]

    def _made(self, lot: int, chosen: set[int]) -> bool:
        """Whether ``lot`` is made: chosen, and so are the lots that feed it, if any."""
        return lot in chosen and all(
            self._made(feeder, chosen) for feeder in self.instance.lots[lot].feeders
        )


def units(instance: Instance) -> list[tuple[int, ...]]:
    """What the search decides together, by the due date of their first lot (then product):
    a product's lots with campaign sizes in its planned campaigns (the fewest of its sizes, as
    even as can be); another product's lots by delivery, those due on the same date (a
    sponsor's order for that date) together."""
    found = [
        tuple(chunk)
        for chunk in planned_campaigns(instance)
        if instance.products[instance.lots[chunk[0]].product].sized
    ]
    free = [
        lot
        for lot in due_order(instance)
        if not instance.products[instance.lots[lot].product].sized
    ]
    found += [
        tuple(group)
        for _, group in itertools.groupby(
            free, key=lambda lot: (instance.lots[lot].product, instance.lots[lot].due)
        )
    ]
    return sorted(
        found,
        key=lambda unit: (instance.lots[unit[0]].due, instance.lots[unit[0]].product, unit[0]),
    )


def search_deliveries(
    instance: Instance,
    objective: Objective,
    *,
    work: int,
    deadline: float,
    seed: int = 0,
    chain: int | None = None,
) -> DeliverySearch | None:
    """Anneal for about ``work`` lot phases decoded (the wall-clock ``deadline`` only
    guards); None when the objective is not margin or profit, the plan has no lot, or no
    start decodes into a schedule. With ``chain``, a search of more work than that anneals
    first for ``chain`` (exactly as a search of that much work would), then for the rest
    from the best state found, hot again with the next seed: it never ends below the search
    of ``chain`` (one long chain may, e.g. a 112-lot plan of the literature at 711,600 after
    a 10 s limit's work, 678,200 after 20 to 120 s). Against one long chain on the generated
    profit plans and three of the literature, seeds 0-2, at 30 and 60 s of work: within the
    seeds' spread (means -0.2 % and +0.0 %; a scratch comparison, BENCHMARKS.md)."""
    if objective not in MONEY_OBJECTIVES or not instance.lots:
        return None
    decode = _Decoder(instance, objective)
    order = tuple(range(len(decode.units)))
    everything = frozenset(order)
    worthy = frozenset(
        unit for unit in order if all(worth_making(instance, lot) for lot in decode.units[unit])
    )
    current: tuple[_State, float] | None = None
    best: tuple[float, Timetable, Assessment] | None = None
    for made, level, weight in itertools.product(
        dict.fromkeys((everything, worthy)), range(len(decode.levels)), START_WEIGHTS
    ):
        state = _State(order, made, (level,) * len(decode.units), weight)
        found = decode(state)
        if found is not None and (current is None or found[0] > current[1]):
            current, best = (state, found[0]), found
    if current is None or best is None:
        return None
    state, value = current
    start_value = value
    best_state = state
    worth = sum(lot.value + lot.unmet_penalty for lot in instance.lots) / len(instance.lots)
    hot = max(1.0, HOT * worth)
    guarded = False
    for k, budget in enumerate(chain_works(work, chain)):
        rng = random.Random(seed + k * CHAIN_SEED)
        # the first chain's work counts the starts decoded
        state, value, began = best_state, best[0], decode.work if k else 0
        while decode.work - began < budget:
            if time.perf_counter() >= deadline:
                guarded = True
                break
            temperature = hot * COOLING ** min(1.0, (decode.work - began) / budget)
            candidate = _move(state, rng, len(decode.levels))
            found = decode(candidate)
            if found is None:
                continue
            new = found[0]
            if new >= value or rng.random() < math.exp((new - value) / temperature):
                state, value = candidate, new
                if new > best[0] + 1e-9:
                    best, best_state = found, candidate
        if guarded:
            break
    return DeliverySearch(
        timetable=best[1],
        assessment=best[2],
        value=best[0],
        start_value=start_value,
        decoded=decode.decoded,
        guarded=guarded,
    )


def chain_works(work: int, chain: int | None) -> list[int]:
    """The work of each annealing chain of a search of ``work``: one chain, or with
    ``chain`` a first chain of that much and a second of the rest, if any."""
    if work <= 0:
        return []
    if chain is None or work <= chain:
        return [work]
    return [chain, work - chain]


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
