"""Rule-based schedules for the profit objective, beside the general ones of :mod:`.rules`:
lots started so that they are released no earlier than a few steps before their due date
(just in time: with no lead, no finished lot ever waits in the inventory, whatever its
capacity, and none outlives its shelf life — except a lot that feeds others, a conversion
between stages, which waits from its release until the last lot it feeds starts), and lots
that lose money left out."""

from __future__ import annotations

from genofab.engines.scheduling.deliveries import feeds
from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.rules import due_order, place_lots
from genofab.engines.scheduling.timetable import Timetable

#: Leads (share of the horizon) by which a lot may be released before its due date.
LEADS = (0.0, 1 / 52, 1 / 13)


def worth_making(instance: Instance, lot: int) -> bool:
    """Whether making ``lot`` on time earns more than leaving its demand unmet. A lot that
    feeds others (a conversion between stages) is never sold: it earns what the lots it feeds
    that are worth making earn."""
    spec = instance.lots[lot]
    fed = feeds(instance).get(lot)
    if fed is None:
        return _gain(instance, lot) > 0
    earned = sum(max(0.0, _gain(instance, index)) for index in fed)
    return earned - instance.products[spec.product].cost_per_lot + spec.unmet_penalty > 0


def _gain(instance: Instance, lot: int) -> float:
    """Sales less production cost plus the unmet-demand penalty avoided, of ``lot`` made."""
    spec = instance.lots[lot]
    return spec.value - instance.products[spec.product].cost_per_lot + spec.unmet_penalty


def just_in_time(
    instance: Instance, lead: int, *, only_worth: bool = False, switch_penalty: float = 0.0
) -> Timetable:
    """Lots by due date, each started no earlier than its due date less its recipe and
    ``lead`` steps; with ``only_worth``, lots that lose money are left out (with the reason)."""
    order = due_order(instance)
    dropped = [] if not only_worth else [lot for lot in order if not worth_making(instance, lot)]
    kept = [lot for lot in order if lot not in dropped]
    not_before = release_targets(instance, dict.fromkeys(kept, lead))
    timetable = place_lots(instance, kept, switch_penalty=switch_penalty, not_before=not_before)
    reason = "not made: its sales do not cover its production cost and unmet-demand penalty"
    return Timetable(
        timetable.placements, (*timetable.left_out, *((lot, reason) for lot in dropped))
    )


def release_targets(instance: Instance, leads: dict[int, int]) -> dict[int, int]:
    """The earliest start of each lot of ``leads`` (the lots to make): its due date less its
    recipe and its lead (steps by which it may be released early). A lot that feeds others
    (a conversion between stages) is released in time for the first of them, if that is
    before its own due date; when one of them would start after the feeder expires (as
    planned), they all start from the feeder's release on."""
    recipe = [sum(phase.duration for phase in product.phases) for product in instance.products]
    not_before = {}
    for lot, lead in leads.items():
        spec = instance.lots[lot]
        not_before[lot] = max(0, spec.due - recipe[spec.product] - lead)
    for feeder, fed in feeds(instance).items():
        wanted = [lot for lot in fed if lot in not_before]
        if feeder not in not_before or not wanted:
            continue
        product = instance.products[instance.lots[feeder].product]
        needed = min(not_before[lot] for lot in wanted) - recipe[instance.lots[feeder].product]
        not_before[feeder] = max(0, min(not_before[feeder], needed))
        released = not_before[feeder] + recipe[instance.lots[feeder].product]
        expires = product.expiry(released - product.phases[-1].duration)
        if expires is not None and max(not_before[lot] for lot in wanted) > expires:
            for lot in wanted:
                not_before[lot] = min(not_before[lot], released)
    return not_before


def profit_schedules(instance: Instance) -> dict[str, Timetable]:
    """The profit objective's rule-based schedules, by name."""
    found: dict[str, Timetable] = {}
    for share in LEADS:
        lead = round(share * instance.horizon)
        early = instance.time_text(lead)
        label = "just in time" if lead == 0 else f"released at most {early} early"
        for only_worth in (False, True):
            name = label + (", lots that lose money left out" if only_worth else "")
            found[name] = just_in_time(instance, lead, only_worth=only_worth)
    return found
