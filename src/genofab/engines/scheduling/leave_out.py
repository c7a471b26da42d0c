"""Fitting a schedule by leaving lots out, where a lot is optional (margin and profit).

A rule-based schedule, or one decoded from a model that does not see every rule, may break
the rules the money objectives add or that the schedulers only check: campaigns shorter or
longer than their product's sizes (``min_campaign``, ``max_campaign``) and, under profit, a
finished-lot inventory over its capacity. Under these objectives a lot may be left out (its
demand then unmet), so such a schedule is fitted by leaving lots out rather than thrown away:

- a campaign shorter than its minimum is left out whole, a campaign longer than its maximum
  loses its last lots;
- at the first step the inventory is over one of its capacities (all lots', or a product's
  own), the lots held under it that would stay longest are left out, as many as are over it
  (the allocation of lots to due dates is then made again, and the next such step found);
- under profit, a lot made that would be wasted (it expires before any due date of its
  product still open to it) or unsold (no demand left for it) only costs: it is left out;
- a lot that would start after the lot feeding it has expired is left out (its feeder,
  then unused, next);
- a lot fed by a lot left out (a conversion between stages) is left out too.

Every other placement keeps its room and times; each round is checked by
:func:`~genofab.engines.scheduling.timetable.assess`, and a schedule that still breaks a rule
this cannot mend (e.g. a changeover the gap left by a lot cannot hold) is not fitted. Leaving
lots out never makes a room, storage or horizon rule fail that held, except through such a
changeover, and each round leaves at least one lot out, so the rounds end.
"""

from __future__ import annotations

from genofab.engines.scheduling.deliveries import feeds
from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.timetable import Assessment, Timetable, assess, campaigns


def fit_by_leaving_out(
    instance: Instance, timetable: Timetable, *, inventory: bool
) -> tuple[Timetable, Assessment] | None:
    """``timetable`` with lots left out until it keeps the campaign sizes and (with
    ``inventory``, the profit objective) the inventory's capacities (all lots', each
    product's own), makes no lot that is wasted or unsold and none that starts after the lot
    feeding it expired; with its assessment. None when a broken rule remains that leaving lots
    out does not mend."""
    fed_by = feeds(instance)
    for _ in range(len(instance.lots) + 1):
        assessment = assess(instance, timetable, all_lots=False, inventory=inventory)
        dropped = _campaign_misses(instance, timetable)
        if inventory:
            dropped.update(_idle_stock(instance, assessment))
            if not dropped and assessment.ledger.inventory_violations:
                dropped.update(_over_capacity(instance, assessment))
        if not dropped:
            return (timetable, assessment) if assessment.feasible else None
        timetable = _without(timetable, _with_fed(instance, dropped, fed_by))
    return None  # not reached: each round leaves at least one of the lots out


def _campaign_misses(instance: Instance, timetable: Timetable) -> dict[int, str]:
    """Lots to leave out so that every campaign keeps its product's sizes, with the reason."""
    dropped: dict[int, str] = {}
    for g, r, product, members in campaigns(instance, timetable):
        spec = instance.products[product]
        room = f"{instance.rooms[g].name} #{r + 1}"
        size = len(members)
        if spec.min_campaign is not None and size < spec.min_campaign:
            reason = (
                f"not made: its campaign of {size} lots of {spec.name} in {room} would be"
                f" shorter than {spec.min_campaign}"
            )
            dropped.update((lot, reason) for lot in members)
        elif spec.max_campaign is not None and size > spec.max_campaign:
            reason = (
                f"not made: its campaign of {spec.name} in {room} would be longer than"
                f" {spec.max_campaign} lots"
            )
            dropped.update((lot, reason) for lot in members[spec.max_campaign :])
    return dropped


def _idle_stock(instance: Instance, assessment: Assessment) -> dict[int, str]:
    """Lots made that no demand takes: wasted (they expire first) or unsold; and lots that
    would start after the lot feeding them has expired."""
    ledger = assessment.ledger
    dropped = {
        lot: f"not made: it would expire at {instance.time_text(expires)}, before any due date"
        " of its product still open to it"
        for lot, expires in ledger.wasted.items()
    }
    dropped.update(dict.fromkeys(ledger.unsold, "not made: no demand would be left for it"))
    dropped.update(
        (lot, f"not made: {instance.lot_name(feeder)}, which feeds it, would have expired")
        for lot, feeder in ledger.expired_feeds.items()
    )
    return dropped


def _over_capacity(instance: Instance, assessment: Assessment) -> dict[int, str]:
    """At the first step the inventory holds more than one of its capacities (all lots', or a
    product's own), the lots beyond it that would stay there longest (the latest leaving,
    then the highest index: a rule that does not depend on the order of the ledger)."""
    limits = instance.inventory_limits()
    stays = assessment.ledger.stays
    if not limits or not stays:
        return {}
    steps = sorted({begin for begin, _ in stays.values()})
    for step in steps:
        present = [lot for lot, (begin, end) in stays.items() if begin <= step < end]
        for product, capacity in limits:
            held = [lot for lot in present if product in (None, instance.lots[lot].product)]
            if len(held) <= capacity:
                continue
            what = "" if product is None else f" of {instance.products[product].name}"
            reason = (
                f"not made: the finished-lot inventory would hold more than {capacity} lots"
                f"{what} at {instance.time_text(step)}"
            )
            longest = sorted(held, key=lambda index: (stays[index][1], index), reverse=True)
            return dict.fromkeys(longest[: len(held) - capacity], reason)
    return {}


def _with_fed(
    instance: Instance, dropped: dict[int, str], fed_by: dict[int, tuple[int, ...]]
) -> dict[int, str]:
    """``dropped`` and every lot fed, directly or not, by one of them."""
    result = dict(dropped)
    waiting = list(dropped)
    while waiting:
        feeder = waiting.pop()
        for lot in fed_by.get(feeder, ()):
            if lot not in result:
                result[lot] = f"not made: {instance.feeding([feeder])} not made"
                waiting.append(lot)
    return result


def _without(timetable: Timetable, dropped: dict[int, str]) -> Timetable:
    """``timetable`` with the lots of ``dropped`` it makes left out, each with its reason."""
    made = {placement.lot for placement in timetable.placements}
    return Timetable(
        tuple(p for p in timetable.placements if p.lot not in dropped),
        (*timetable.left_out, *sorted(item for item in dropped.items() if item[0] in made)),
    )
