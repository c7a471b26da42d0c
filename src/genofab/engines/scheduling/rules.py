"""Rule-based schedules: a serial schedule-generation scheme that places lots one by one,
each phase in the room where it ends earliest. Earliest due date first is always available:
it is the fallback when a solver finds nothing in time, and the solvers' warm start.

The same scheme decodes a campaign plan: given an order of lots and, for some phases, the
room to use, it builds the full schedule that respects every rule it models (room capacity,
changeovers, cleaning, shutdowns, precedence, maximum waits)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.timetable import Placement, Timetable, with_pooled_rooms


@dataclass
class _Room:
    free: int = 0
    last: int = -1


def earliest_due_date(instance: Instance, switch_penalty: float = 0.0) -> Timetable:
    """Lots by due date (then product, then first-in-first-out order), each placed where it
    ends earliest; ``switch_penalty`` × the changeover is added to a room that would switch
    product, so lots of a product gather in fewer campaigns."""
    return place_lots(instance, due_order(instance), switch_penalty=switch_penalty)


def due_order(instance: Instance) -> list[int]:
    """Lots by due date, then product, then first-in-first-out order."""
    order = sorted(instance.lots, key=lambda lot: (lot.due, lot.product, lot.ordinal))
    return [lot.index for lot in order]


def campaign_order(instance: Instance) -> Timetable:
    """Lots grouped by product, longest recipes first: few changeovers, short makespan."""
    order = sorted(
        instance.lots,
        key=lambda lot: (
            -sum(phase.duration for phase in instance.products[lot.product].phases),
            lot.product,
            lot.ordinal,
        ),
    )
    return place_lots(instance, [lot.index for lot in order])


def place_lots(
    instance: Instance,
    order: list[int],
    rooms: dict[tuple[int, int], tuple[int, int]] | None = None,
    switch_penalty: float = 0.0,
    not_before: dict[int, int] | None = None,
    turn_over: frozenset[int] = frozenset(),
) -> Timetable:
    """Place lots in ``order``; ``rooms`` fixes (group, room) for some (lot, phase),
    ``not_before`` the earliest start of some lots, and a lot in ``turn_over`` starts a new
    campaign: a sequenced room whose last lot is of the same product stands idle for its
    turnover first. A lot that cannot be made within the
    horizon is left out (with the reason) and holds nothing, so the schedule always
    completes."""
    fixed = rooms or {}
    sequenced = {
        (g, r): _Room()
        for g, room in enumerate(instance.rooms)
        if room.sequenced
        for r in range(room.count)
    }
    length = instance.horizon + sum(
        phase.duration + max(room.cleaning for room in instance.rooms) + 1
        for lot in instance.lots
        for phase in instance.products[lot.product].phases
    )
    length += max((end for room in instance.rooms for _, end in room.shutdowns), default=0)
    usage = {
        g: np.zeros(length + 1, dtype=np.int64)
        for g, room in enumerate(instance.rooms)
        if not room.sequenced
    }
    placements: list[Placement] = []
    left_out: list[tuple[int, str]] = []
    released: dict[int, int] = {}
    for index in feeders_first(instance, order):
        product = instance.lots[index].product
        release = (not_before or {}).get(index, 0)
        feeders = instance.lots[index].feeders
        missing = [feeder for feeder in feeders if feeder not in released]
        if missing:
            left_out.append((index, f"not made: {instance.feeding(missing)} not made"))
            continue
        release = max([release, *(released[feeder] for feeder in feeders)])
        turn = index in turn_over
        tentative, delay = _try_lot(
            instance, index, release, sequenced, usage, fixed, switch_penalty, turn
        )
        while delay > 0 and release <= instance.horizon:
            release += delay
            tentative, delay = _try_lot(
                instance, index, release, sequenced, usage, fixed, switch_penalty, turn
            )
        reason = _misfit(instance, tentative, delay)
        if reason:
            left_out.append((index, reason))
            continue
        for placement in tentative:
            room = instance.rooms[placement.group]
            hold_end = placement.hold_end(instance)
            if room.sequenced:
                sequenced[(placement.group, placement.room)] = _Room(hold_end, product)
            else:
                usage[placement.group][placement.start : hold_end] += 1
        placements += tentative
        released[index] = max(placement.end for placement in tentative)
    return with_pooled_rooms(instance, Timetable(tuple(placements), tuple(left_out)))


def feeders_first(instance: Instance, order: list[int]) -> list[int]:
    """``order`` with each lot's feeders (conversion between stages) moved before it when they
    come later (or are missing: then they are added), so a lot is placed after its feeders."""
    if not any(lot.feeders for lot in instance.lots):
        return order
    done: set[int] = set()
    result: list[int] = []

    def add(index: int) -> None:
        if index in done:
            return
        done.add(index)
        for feeder in instance.lots[index].feeders:
            if feeder in wanted:
                add(feeder)
        result.append(index)

    wanted = set(order)
    for index in order:
        add(index)
    return result


def _misfit(instance: Instance, placed: list[Placement], delay: int) -> str:
    """Why a tentatively placed lot cannot be kept ('' when it can)."""
    unit, scale = instance.step_unit, instance.unit_steps
    horizon = f"{instance.horizon / scale:g} {unit}"
    if delay > 0:
        return f"no start keeps its maximum waits within the {horizon} horizon"
    late = [p for p in placed if p.hold_end(instance) > instance.horizon]
    if late:
        first = late[0]
        product = instance.lots[first.lot].product
        phase = instance.products[product].phases[first.phase]
        room = instance.rooms[first.group]
        startup = room.change(-1, product) if room.sequenced else 0
        held = first.hold_end(instance) - first.start
        alone = (
            f" (the room's startup before a first lot takes {instance.time_text(startup)})"
            if startup and startup + held > instance.horizon
            else ""
        )
        return (
            f"does not fit the {horizon} horizon after the lots placed before it: its"
            f" {phase.name} would hold {room.name} until"
            f" {first.hold_end(instance) / scale:g} {unit}{alone}"
        )
    return ""


def _try_lot(
    instance: Instance,
    index: int,
    release: int,
    sequenced: dict[tuple[int, int], _Room],
    usage: dict[int, np.ndarray],
    fixed: dict[tuple[int, int], tuple[int, int]],
    switch_penalty: float,
    turn: bool = False,
) -> tuple[list[Placement], int]:
    """Phases of one lot placed earliest from ``release``; a positive delay asks to start the
    lot that much later because a maximum wait is broken. Nothing is committed: rooms the
    lot itself takes are tracked on the side."""
    product = instance.lots[index].product
    recipe = instance.products[product].phases
    ready = release
    placed: list[Placement] = []
    own: dict[tuple[int, int], _Room] = {}
    try:
        for j, phase in enumerate(recipe):
            best: tuple[float, int, int, int, int] | None = None
            choices = [fixed[(index, j)]] if (index, j) in fixed else _choices(instance, product, j)
            for g, r in choices:
                room = instance.rooms[g]
                hold = phase.duration + room.cleaning
                change = 0
                if room.sequenced:
                    state = own.get((g, r), sequenced[(g, r)])
                    change = room.change(state.last, product)
                    if turn and state.last == product:
                        change = room.turnover
                    start = _clear_of_shutdowns(
                        room.shutdowns, max(ready, state.free + change), hold
                    )
                    same = 0 if state.last == product else 1
                else:
                    start = _pooled_start(room.shutdowns, usage[g], room.places, ready, hold)
                    same = 1
                end = start + phase.duration
                key = (end + switch_penalty * change, end, same, g, r)
                if best is None or key < best:
                    best = key
            assert best is not None, "every phase has a room (checked when the plan is read)"
            _, end, _, g, r = best
            start = end - phase.duration
            if j > 0:
                wait = recipe[j - 1].max_wait
                if wait is not None and start - placed[-1].end > wait:
                    return placed, start - placed[-1].end - wait
            room = instance.rooms[g]
            placement = Placement(index, j, g, r if room.sequenced else -1, start, end)
            placed.append(placement)
            if room.sequenced:
                own[(g, r)] = _Room(placement.hold_end(instance), product)
            else:
                usage[g][start : placement.hold_end(instance)] += 1
            ready = end
        return placed, 0
    finally:
        for placement in placed:
            if not instance.rooms[placement.group].sequenced:
                usage[placement.group][placement.start : placement.hold_end(instance)] -= 1


def _choices(instance: Instance, product: int, phase: int) -> list[tuple[int, int]]:
    choices = []
    for g in instance.rooms_for(product, phase):
        room = instance.rooms[g]
        choices += [(g, r) for r in range(room.count)] if room.sequenced else [(g, -1)]
    return choices


def _clear_of_shutdowns(shutdowns: tuple[tuple[int, int], ...], start: int, hold: int) -> int:
    moved = True
    while moved:
        moved = False
        for begin, end in shutdowns:
            if start < end and begin < start + hold:
                start, moved = end, True
    return start


def _pooled_start(
    shutdowns: tuple[tuple[int, int], ...], usage: np.ndarray, places: int, ready: int, hold: int
) -> int:
    start = ready
    while True:
        start = _clear_of_shutdowns(shutdowns, start, hold)
        window = usage[start : start + hold]
        full = np.flatnonzero(window >= places)
        if full.size == 0 or hold == 0:
            return start
        start += int(full[-1]) + 1
