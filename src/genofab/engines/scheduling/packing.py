"""Exact test of whether campaigns fit in identical rooms, for proving makespan bounds.

Each room takes campaigns of distinct products; a campaign of m lots of product p costs
m·hold_p + entry_p (its changeover in), and a room holds at most ``capacity``. This is bin
packing with splittable items and setup costs. The search is *bin completion* (Korf 2002):
rooms are filled one at a time, each with a completion whose waste fits the slack left; the
room filled next is one holding the product with the most work left (some room must, and
identical rooms may be filled in any order); failed states are remembered. The slack — the
rooms' capacity less the work left less one entry per product (more for products that need
several campaigns) — only shrinks as rooms waste space or campaigns split, so the tight
packings where a makespan bound is hard to prove are where this search is smallest.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Campaigns:
    """What a campaign of each product costs in one kind of identical room."""

    hold: tuple[int, ...]
    entry: tuple[int, ...]


class _OutOfTimeError(Exception):
    """The search ran out of its budget."""


class Work:
    """A budget of search steps: counted, so a search stops at the same point on an idle or
    a loaded machine; the wall-clock ``deadline`` (a ``time.perf_counter`` value) is only a
    guard, checked every few hundred steps."""

    def __init__(self, steps: int, deadline: float = math.inf) -> None:
        self.steps = steps
        self.used = 0
        self.deadline = deadline

    @property
    def left(self) -> int:
        """Steps not yet spent."""
        return max(0, self.steps - self.used)

    @property
    def spent(self) -> bool:
        """The budget is used up, or the guard has passed."""
        return self.used >= self.steps or time.perf_counter() > self.deadline

    def tick(self, steps: int = 1) -> None:
        """Count ``steps``; raise when the budget (or the guard) is exhausted."""
        before = self.used
        self.used += steps
        if self.used > self.steps:
            raise _OutOfTimeError
        if before // 512 != self.used // 512 and time.perf_counter() > self.deadline:
            raise _OutOfTimeError

    def within(self, steps: int) -> Work:
        """A part of what is left, at most ``steps``, under the same guard (:meth:`add` it
        back when done)."""
        return Work(min(steps, self.left), self.deadline)

    def add(self, part: Work) -> None:
        """Count the steps a part spent."""
        self.used += part.used


def fits(
    campaigns: Campaigns, lots: tuple[int, ...], rooms: int, capacity: int, work: Work
) -> list[tuple[int, ...]] | bool | None:
    """Lots of each product per room when every lot fits in ``rooms`` rooms of ``capacity``
    (one tuple per room used), False when it provably does not, None when ``work`` runs out
    first."""
    count = len(lots)
    most = [
        (capacity - campaigns.entry[p]) // campaigns.hold[p] if campaigns.hold[p] else lots[p]
        for p in range(count)
    ]
    if any(lots[p] and most[p] <= 0 for p in range(count)):
        return False
    failed: set[tuple[tuple[int, ...], int]] = set()

    def tick() -> None:
        work.tick()

    def slack(left: tuple[int, ...], free_rooms: int) -> int:
        need = 0
        for p, n in enumerate(left):
            if n:
                need += n * campaigns.hold[p] + math.ceil(n / most[p]) * campaigns.entry[p]
        return free_rooms * capacity - need

    def search(left: tuple[int, ...], free_rooms: int) -> list[tuple[int, ...]] | None:
        if not any(left):
            return []
        budget = slack(left, free_rooms)
        if free_rooms == 0 or budget < 0 or (left, free_rooms) in failed:
            return None
        tick()
        first = max((p for p in range(count) if left[p]), key=lambda p: left[p] * campaigns.hold[p])
        for room in _completions(campaigns, left, capacity, budget, first, most, tick):
            rest = search(tuple(n - m for n, m in zip(left, room, strict=True)), free_rooms - 1)
            if rest is not None:
                return [room, *rest]
        failed.add((left, free_rooms))
        return None

    try:
        packed = search(tuple(lots), rooms)
    except _OutOfTimeError:
        return None
    return False if packed is None else packed


def _completions(
    campaigns: Campaigns,
    left: tuple[int, ...],
    capacity: int,
    budget: int,
    first: int,
    most: list[int],
    tick: object,
) -> list[tuple[int, ...]]:
    """Fillings of one room holding a campaign of ``first`` whose waste, plus the entries of
    the extra campaigns they force, stays within ``budget``; fullest first."""
    assert callable(tick)
    others = sorted((p for p in range(len(left)) if left[p] and p != first),
                    key=lambda p: -campaigns.hold[p])  # fmt: skip
    order = [first, *others]
    # most room time the products from position i on could still add
    reach = [0] * (len(order) + 1)
    for i in range(len(order) - 1, -1, -1):
        p = order[i]
        reach[i] = reach[i + 1] + left[p] * campaigns.hold[p] + campaigns.entry[p]
    found: list[tuple[int, tuple[int, ...]]] = []
    chosen = [0] * len(left)

    def extra(p: int, taken: int) -> int:
        if taken in (0, left[p]):
            return 0
        before = math.ceil(left[p] / most[p])
        after = 1 + math.ceil((left[p] - taken) / most[p])
        return (after - before) * campaigns.entry[p]

    def fill(i: int, load: int, spent: int) -> None:
        tick()
        if spent > budget or capacity - min(capacity, load + reach[i]) + spent > budget:
            return  # even filling with everything left cannot bring the waste within budget
        if i == len(order):
            found.append((capacity - load, tuple(chosen)))
            return
        p = order[i]
        room_left = capacity - load - campaigns.entry[p]
        top = min(left[p], room_left // campaigns.hold[p]) if room_left >= 0 else 0
        low = 1 if p == first else 0
        for taken in range(top, low - 1, -1):
            chosen[p] = taken
            cost = taken * campaigns.hold[p] + campaigns.entry[p] if taken else 0
            fill(i + 1, load + cost, spent + extra(p, taken))
        chosen[p] = 0

    fill(0, 0, 0)
    found.sort(key=lambda item: item[0])
    return [room for _, room in found]
