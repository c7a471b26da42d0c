"""Rule-based schedules that keep the plan's campaign sizes (``min_campaign``,
``max_campaign``): each product's lots are split into the fewest campaigns of allowed sizes,
as even as can be; the campaigns are taken by the due date of their first lot, each placed
whole in the sequenced room of each of its phases with the least work so far; a campaign that
follows one of the same product in a room waits for the room's turnover, so that the two stay
separate. A campaign that an idle spell as long as the room's turnover would cut in two (a
shutdown, a wait for a QC place) is placed again whole, in another room, or else starting
where its later part began; one that still cannot be kept whole, or does not fit the horizon
whole, is left out whole with the reason, so the floor always answers within the sizes."""

from __future__ import annotations

from collections import defaultdict

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.rules import place_lots
from genofab.engines.scheduling.timetable import Timetable, campaign_rules, campaigns
from genofab.model.plan import campaign_sizes

#: Repairs the floor may make per planned campaign before it leaves campaigns out (each
#: moves a campaign cut by an idle spell to another room, or postpones it to where its later
#: part began).
MAX_REPAIRS_PER_CAMPAIGN = 4


def has_campaign_sizes(instance: Instance) -> bool:
    """Whether some product limits its campaigns."""
    return any(p.sized for p in instance.products)


def campaign_sized(instance: Instance, switch_penalty: float = 0.0) -> Timetable:
    """The lots placed campaign by campaign (see the module)."""
    chunks = planned_campaigns(instance)
    dropped: list[tuple[list[int], str]] = []
    not_before: dict[int, int] = {}
    avoid: dict[int, set[tuple[int, int]]] = defaultdict(set)
    # each repair postpones one campaign (to a later step) or leaves campaigns out
    for _ in range(MAX_REPAIRS_PER_CAMPAIGN * max(len(chunks), 1)):
        timetable = place_campaigns(instance, chunks, switch_penalty, not_before, avoid)
        placed = timetable.by_lot()
        broken = [c for c in chunks if len(c) > 1 and 0 < sum(lot in placed for lot in c) < len(c)]
        if broken:
            chunks = [c for c in chunks if c not in broken]
            dropped += [(c, "its campaign does not fit the horizon whole") for c in broken]
            continue
        if not campaign_rules(instance, timetable):
            break
        cut = _cut(instance, chunks, timetable)
        if not cut:
            # sizes broken some other way (two campaigns run together): leave them out
            bad = _in_bad_campaigns(instance, chunks, timetable)
            chunks = [c for c in chunks if c not in bad]
            dropped += [(c, "its campaign could not be kept whole") for c in bad]
            continue
        chunk, later, room = cut
        if room not in avoid[chunk[0]] and len(avoid[chunk[0]]) + 1 < len(_rooms(instance, chunk)):
            # first try the campaign in another room (one without that idle spell)
            avoid[chunk[0]].add(room)
            continue
        if not_before.get(chunk[0], -1) >= later:
            chunks = [c for c in chunks if c is not chunk]
            dropped.append((chunk, "its campaign could not be kept whole"))
            continue
        # an idle spell (a shutdown, a wait for the QC lab) cut the campaign in every room
        # tried: start it whole where its later part began
        not_before[chunk[0]] = later
    else:
        # out of repairs: leave out the campaigns still cut or broken until none is (each
        # round leaves out at least one, so this ends)
        while True:
            timetable = place_campaigns(instance, chunks, switch_penalty, not_before, avoid)
            placed = timetable.by_lot()
            bad = [c for c in chunks if len(c) > 1 and 0 < sum(lot in placed for lot in c) < len(c)]
            bad += [c for c in _in_bad_campaigns(instance, chunks, timetable) if c not in bad]
            if not bad:
                break
            chunks = [c for c in chunks if c not in bad]
            dropped += [(c, "its campaign could not be kept whole") for c in bad]
    return Timetable(
        timetable.placements,
        (*timetable.left_out, *((lot, reason) for chunk, reason in dropped for lot in chunk)),
    )


def _cut(
    instance: Instance, chunks: list[list[int]], timetable: Timetable
) -> tuple[list[int], int, tuple[int, int]] | None:
    """The first planned campaign the schedule cuts into several: the campaign, the step at
    which the first lot of its later part starts, and the room where it was cut."""
    where: dict[int, tuple[int, int, int]] = {}
    for number, (g, r, _, lots) in enumerate(campaigns(instance, timetable)):
        for lot in lots:
            where.setdefault(lot, (number, g, r))
    starts = {p.lot: p.start for p in sorted(timetable.placements, key=lambda p: -p.phase)}
    for chunk in sorted(chunks, key=lambda c: min(starts.get(lot, 0) for lot in c)):
        numbers = [where[lot] for lot in chunk if lot in where]
        if len({n for n, _, _ in numbers}) > 1:
            later = next(
                lot for lot, n in zip(chunk, numbers, strict=False) if n[0] != numbers[0][0]
            )
            _, g, r = where[later]
            return chunk, starts[later], (g, r)
    return None


def _rooms(instance: Instance, chunk: list[int]) -> list[tuple[int, int]]:
    """The sequenced rooms that can take a phase of the campaign's product."""
    product = instance.lots[chunk[0]].product
    return [
        (g, r)
        for j in range(len(instance.products[product].phases))
        for g in instance.rooms_for(product, j)
        if instance.rooms[g].sequenced
        for r in range(instance.rooms[g].count)
    ]


def _in_bad_campaigns(
    instance: Instance, chunks: list[list[int]], timetable: Timetable
) -> list[list[int]]:
    """The planned campaigns with a lot in a campaign of the wrong size."""
    lots: set[int] = set()
    for _, _, product, members in campaigns(instance, timetable):
        spec = instance.products[product]
        low, high = spec.min_campaign or 1, spec.max_campaign or len(members)
        if not low <= len(members) <= high:
            lots |= set(members)
    return [c for c in chunks if lots & set(c)]


def planned_campaigns(instance: Instance) -> list[list[int]]:
    """Each product's lots split into the fewest campaigns of its sizes, as even as can be
    (a lot alone for a product without sizes), by the due date of their first lot."""
    chunks: list[list[int]] = []
    for p, spec in enumerate(instance.products):
        own = [lot.index for lot in instance.lots_of(p)]
        if not spec.sized:
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


def place_campaigns(
    instance: Instance,
    chunks: list[list[int]],
    switch_penalty: float,
    not_before: dict[int, int] | None = None,
    avoid: dict[int, set[tuple[int, int]]] | None = None,
) -> Timetable:
    """The campaigns placed in order, each of a product with sizes whole in the sequenced
    room of each of its phases with the least work so far (not those of ``avoid``), apart
    from one of the same product before it by the room's turnover."""
    load: dict[tuple[int, int], int] = defaultdict(int)
    fixed: dict[tuple[int, int], tuple[int, int]] = {}
    for chunk in chunks:
        product = instance.lots[chunk[0]].product
        spec = instance.products[product]
        if not spec.sized:
            continue
        for j, phase in enumerate(spec.phases):
            options = [
                (g, r)
                for g in instance.rooms_for(product, j)
                if instance.rooms[g].sequenced
                for r in range(instance.rooms[g].count)
            ]
            kept = [key for key in options if key not in (avoid or {}).get(chunk[0], ())]
            options = kept or options
            if not options:
                continue
            choice = min(options, key=lambda key: (load[key], key))
            hold = phase.duration + instance.rooms[choice[0]].cleaning
            load[choice] += len(chunk) * hold + instance.rooms[choice[0]].turnover
            for lot in chunk:
                fixed[(lot, j)] = choice
    order = [lot for chunk in chunks for lot in chunk]
    # only a sized product's campaigns must stay apart; other lots run back to back
    firsts = frozenset(
        chunk[0] for chunk in chunks if instance.products[instance.lots[chunk[0]].product].sized
    )
    return place_lots(
        instance,
        order,
        rooms=fixed,
        switch_penalty=switch_penalty,
        not_before=not_before,
        turn_over=firsts,
    )
