"""Rule-based schedules that keep the plan's campaign sizes (``min_campaign``,
``max_campaign``): each product's lots are split into the fewest campaigns of allowed sizes,
as even as can be; the campaigns are taken by the due date of their first lot, each placed
whole in the sequenced room of each of its phases with the least work so far; a campaign that
follows one of the same product in a room waits for the room's turnover, so that the two stay
separate. A campaign that does not fit the horizon whole is left out whole."""

from __future__ import annotations

from collections import defaultdict

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.rules import place_lots
from genofab.engines.scheduling.timetable import Timetable, campaign_rules
from genofab.model.plan import campaign_sizes


def has_campaign_sizes(instance: Instance) -> bool:
    """Whether some product limits its campaigns."""
    return any(p.min_campaign is not None or p.max_campaign is not None for p in instance.products)


def campaign_sized(instance: Instance, switch_penalty: float = 0.0) -> Timetable:
    """The lots placed campaign by campaign (see the module)."""
    chunks = _campaigns(instance)
    dropped: list[list[int]] = []
    while True:
        timetable = _place(instance, chunks, switch_penalty)
        placed = timetable.by_lot()
        broken = [c for c in chunks if len(c) > 1 and 0 < sum(lot in placed for lot in c) < len(c)]
        if not broken or not campaign_rules(instance, timetable):
            break
        chunks = [c for c in chunks if c not in broken]
        dropped += broken
    reason = "its campaign does not fit the horizon whole"
    return Timetable(
        timetable.placements,
        (*timetable.left_out, *((lot, reason) for chunk in dropped for lot in chunk)),
    )


def _campaigns(instance: Instance) -> list[list[int]]:
    chunks: list[list[int]] = []
    for p, spec in enumerate(instance.products):
        own = [lot.index for lot in instance.lots_of(p)]
        if spec.min_campaign is None and spec.max_campaign is None:
            chunks += [[lot] for lot in own]
            continue
        sizes = campaign_sizes(len(own), spec.min_campaign or 1, spec.max_campaign or len(own)) or [
            len(own)
        ]
        first = 0
        for size in sizes:
            chunks.append(own[first : first + size])
            first += size
    chunks.sort(key=lambda c: (instance.lots[c[0]].due, instance.lots[c[0]].product, c[0]))
    return [chunk for chunk in chunks if chunk]


def _place(instance: Instance, chunks: list[list[int]], switch_penalty: float) -> Timetable:
    load: dict[tuple[int, int], int] = defaultdict(int)
    fixed: dict[tuple[int, int], tuple[int, int]] = {}
    for chunk in chunks:
        product = instance.lots[chunk[0]].product
        spec = instance.products[product]
        if spec.min_campaign is None and spec.max_campaign is None:
            continue
        for j, phase in enumerate(spec.phases):
            options = [
                (g, r)
                for g in instance.rooms_for(product, j)
                if instance.rooms[g].sequenced
                for r in range(instance.rooms[g].count)
            ]
            if not options:
                continue
            choice = min(options, key=lambda key: (load[key], key))
            hold = phase.duration + instance.rooms[choice[0]].cleaning
            load[choice] += len(chunk) * hold + instance.rooms[choice[0]].turnover
            for lot in chunk:
                fixed[(lot, j)] = choice
    order = [lot for chunk in chunks for lot in chunk]
    firsts = frozenset(chunk[0] for chunk in chunks)
    return place_lots(instance, order, rooms=fixed, switch_penalty=switch_penalty, turn_over=firsts)
