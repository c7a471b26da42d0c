"""Simulated annealing over the order in which the rule-based scheme places lots.

The rule-based scheme (:func:`~genofab.engines.scheduling.rules.place_lots`) turns any order of
lots, and a weight on product switches, into a schedule that obeys every rule. This search
perturbs the order (a lot swapped with a near neighbour, or moved a few places) and the weight,
keeps a change when it is better or, with the annealing probability, a little worse, and
returns the best schedule decoded. Its work is a number of placements (lots × phases decoded),
so it is deterministic: the same plan, seed and budget give the same schedule anywhere.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.rules import place_lots
from genofab.engines.scheduling.timetable import Objective, Timetable

#: Cost of a lot left out, in steps of lateness (a schedule of every lot comes first).
LEFT_OUT = 10_000
#: How far (positions in the order) a move may take a lot.
REACH = 12
#: Starting temperature as a share of the starting value, and the final one.
HOT, COLD = 0.03, 0.0005


@dataclass(frozen=True)
class OrderSearch:
    """The best order found, its schedule and what the search did."""

    timetable: Timetable
    value: float
    start_value: float
    decoded: int
    #: the wall-clock guard stopped the search before its counted work was done
    guarded: bool = False


def search_orders(
    instance: Instance,
    objective: Objective,
    order: list[int],
    switch_penalty: float,
    *,
    placements: int,
    deadline: float,
    seed: int = 0,
) -> OrderSearch:
    """Anneal from ``order`` (and ``switch_penalty``) for about ``placements`` lot phases
    decoded; the wall-clock ``deadline`` only guards."""
    rng = random.Random(seed)
    per_decode = max(1, sum(len(instance.products[lot.product].phases) for lot in instance.lots))
    budget = max(1, placements // per_decode)
    current = list(order)
    penalty = switch_penalty
    timetable = place_lots(instance, current, switch_penalty=penalty)
    value = score(instance, objective, timetable)
    start_value = value
    best = (value, timetable)
    decoded = 1
    hot = max(1.0, HOT * value)
    guarded = False
    for step in range(budget):
        if best[0] == 0:
            break
        if time.perf_counter() >= deadline:
            guarded = True
            break
        temperature = hot * (COLD / HOT) ** (step / budget)
        candidate = list(current)
        new_penalty = penalty
        move = rng.random()
        n = len(candidate)
        if move < 0.1:
            new_penalty = max(0.0, penalty + rng.choice((-0.5, 0.5)))
        elif n > 1 and move < 0.55:
            i = rng.randrange(n)
            j = min(n - 1, max(0, i + rng.randint(-REACH, REACH)))
            candidate[i], candidate[j] = candidate[j], candidate[i]
        elif n > 1:
            i = rng.randrange(n)
            lot = candidate.pop(i)
            candidate.insert(min(n - 1, max(0, i + rng.randint(-REACH, REACH))), lot)
        decoded_timetable = place_lots(instance, candidate, switch_penalty=new_penalty)
        decoded += 1
        new = score(instance, objective, decoded_timetable)
        if new <= value or rng.random() < math.exp(-(new - value) / temperature):
            current, penalty, value = candidate, new_penalty, new
            if new < best[0]:
                best = (new, decoded_timetable)
    return OrderSearch(
        timetable=best[1],
        value=best[0],
        start_value=start_value,
        decoded=decoded,
        guarded=guarded,
    )


def score(instance: Instance, objective: Objective, timetable: Timetable) -> float:
    """Makespan or first-in-first-out lateness of a decoded schedule, in steps, plus a large
    cost per lot left out (the rule-based scheme obeys every other rule by construction)."""
    completion: dict[int, int] = {}
    for placement in timetable.placements:
        completion[placement.lot] = max(completion.get(placement.lot, 0), placement.end)
    missing = LEFT_OUT * len(timetable.left_out)
    if objective == "makespan":
        return float(max(completion.values(), default=0) + missing)
    late = 0
    for product in range(len(instance.products)):
        demanded = instance.lots_of(product)
        made = sorted(completion[lot.index] for lot in demanded if lot.index in completion)
        late += sum(max(0, end - lot.due) for end, lot in zip(made, demanded, strict=False))
    return float(late + missing)
