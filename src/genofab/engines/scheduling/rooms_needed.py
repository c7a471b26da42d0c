"""How many rooms of each group a plan would need for every lot to be on time: a bounded,
heuristic search over rule-based schedules. It answers the platform manager's "do we need
another suite?" with a figure that a schedule backs, never with a proof: the best schedule
may need fewer rooms than the rule found.

The search: the rule-based schedule (earliest due date, product switches weighted ×2) is
tried with every group's count scaled up together (×1, ×2, … ×8) until every lot is made on
time; then each group in turn is lowered by bisection to the fewest rooms that keep it so.
Lots whose recipe alone ends after their due date cannot be on time with any rooms, nor can
those a room's startup or the lot feeding them delays past it: their lateness is the floor
the search aims at. The work is counted in lots placed (a fixed budget), so the same plan
gives the same answer on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.rules import earliest_due_date
from genofab.engines.scheduling.timetable import assess

#: Lots the search may place in all (each schedule tried places every lot once).
PLACEMENTS = 2_000
#: Largest factor by which every group's count is scaled up.
MAX_FACTOR = 8
#: Weight of a product switch in the rule-based schedule (× the changeover).
SWITCH_WEIGHT = 2.0
#: How the figures are found, as the outputs state it.
METHOD = (
    "heuristic: the fewest rooms found for which the rule-based schedule (earliest due date,"
    " product switches weighted ×2) makes every lot with no lateness beyond what the recipes"
    " alone cause (after a room's startup and the lot feeding them); every group scaled up"
    " together (×1 … ×8) until it does, then each group lowered in turn by bisection, within"
    " a budget of {budget:,} lots placed. Not a proof:"
    " a better schedule may need fewer rooms."
)


@dataclass(frozen=True)
class RoomsNeeded:
    """Rooms each group would need (None: not found within the budget and factor), the
    schedules tried, and the lateness (steps) no room count can remove."""

    needed: tuple[int | None, ...]
    tried: int
    unavoidable: int
    method: str


def rooms_needed(instance: Instance, placements: int = PLACEMENTS) -> RoomsNeeded:
    """The fewest rooms per group found for an on-time rule-based schedule of ``instance``."""
    lots = max(1, len(instance.lots))
    floor = earliest_alone(instance)
    unavoidable = sum(max(0, floor[lot.index] - lot.due) for lot in instance.lots)
    method = METHOD.format(budget=placements)
    budget = placements // lots
    tried = 0

    def on_time(counts: list[int]) -> bool:
        nonlocal tried
        tried += 1
        rooms = tuple(
            replace(room, count=count) for room, count in zip(instance.rooms, counts, strict=True)
        )
        trial = replace(instance, rooms=rooms)
        timetable = earliest_due_date(trial, SWITCH_WEIGHT)
        assessment = assess(trial, timetable)
        return assessment.feasible and assessment.total_lateness <= unavoidable

    base = [room.count for room in instance.rooms]
    found: list[int] | None = None
    for factor in range(1, MAX_FACTOR + 1):
        if tried >= budget:
            break
        counts = [count * factor for count in base]
        if on_time(counts):
            found = counts
            break
    if found is None:
        return RoomsNeeded(tuple(None for _ in base), tried, unavoidable, method)
    for g in range(len(found)):
        low, high = 1, found[g]  # high is known to be on time
        while low < high and tried < budget:
            middle = (low + high) // 2
            if on_time([*found[:g], middle, *found[g + 1 :]]):
                high = middle
            else:
                low = middle + 1
        found[g] = high
    return RoomsNeeded(tuple(found), tried, unavoidable, method)


def earliest_alone(instance: Instance) -> dict[int, int]:
    """Each lot's earliest release with as many rooms as it likes: its phases one after
    another, each in a room of its own that has made nothing yet (so after that room's
    startup, the shortest of the groups that can hold the phase), after the lots that feed it."""
    earliest: dict[int, int] = {}

    def release(index: int) -> int:
        if index not in earliest:
            lot = instance.lots[index]
            clock = max((release(feeder) for feeder in lot.feeders), default=0)
            for j, phase in enumerate(instance.products[lot.product].phases):
                startup = min(
                    instance.rooms[g].change(-1, lot.product) if instance.rooms[g].sequenced else 0
                    for g in instance.rooms_for(lot.product, j)
                )
                clock = max(clock, startup) + phase.duration
            earliest[index] = clock
        return earliest[index]

    for lot in instance.lots:
        release(lot.index)
    return earliest
