"""Turn a :class:`~genofab.engines.scheduling.solve.Solution` into a :class:`ScheduleResult`:
times in the plan's unit, dates, KPIs per product, sponsor and room, the campaign plan."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from genofab import __version__
from genofab.engines.scheduling.capacity import plan_capacity
from genofab.engines.scheduling.deliveries import feeds
from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.montecarlo import Distribution, Robustness
from genofab.engines.scheduling.rooms_needed import RoomsNeeded
from genofab.engines.scheduling.solve import Solution
from genofab.engines.scheduling.timetable import START, Assessment, Timetable
from genofab.results.schedule import (
    CampaignRow,
    ChangeoverRow,
    DeliveryRow,
    GroupCapacity,
    LeftOutLot,
    LotRow,
    Margin,
    PlanInfo,
    PlanRobustness,
    ProductDelivery,
    ProductOutlook,
    Profit,
    RoomNeed,
    RoomUse,
    ScheduleResult,
    ShutdownRow,
    SolverRunRow,
    SponsorDelivery,
    SponsorOutlook,
    Spread,
)

#: Length of a campaign-plan period, in days (a quarter of 13 weeks).
PERIOD_DAYS = 91.0


def room_name(instance: Instance, group: int, room: int) -> str:
    """``suite #2``: the group and the room's number from 1 (no number for a single room)."""
    spec = instance.rooms[group]
    return spec.name if spec.count == 1 else f"{spec.name} #{room + 1}"


def summarise(
    instance: Instance, solution: Solution, plan: PlanInfo, start: dt.date | None
) -> ScheduleResult:
    """The result of planning ``instance``."""
    scale = instance.unit_steps
    unit = instance.step_unit
    capacity = plan_capacity(instance)

    def time(steps: float) -> float:
        return steps / scale

    def date(steps: float) -> dt.date | None:
        return None if start is None else start + dt.timedelta(days=steps * instance.step_days)

    objective_unit = {
        "makespan": unit,
        "lateness": f"lot·{unit}",
        "margin": instance.currency,
        "profit": instance.currency,
    }[solution.objective]
    money = solution.objective in ("margin", "profit")
    convert = (lambda v: v) if money else time
    assessment = solution.assessment
    timetable = solution.timetable
    profit = solution.objective == "profit"
    fates = None if assessment is None else _fates(instance, assessment, profit)
    lots = (
        _lot_rows(instance, timetable, assessment, fates, time, date)
        if assessment and timetable and fates
        else ()
    )
    on_time = None
    if fates is not None:
        made = len(fates.lateness)
        on_time = sum(1 for late in fates.lateness.values() if late == 0) / made if made else 0.0
    return ScheduleResult(
        status=solution.status,
        objective=solution.objective,
        objective_value=None if solution.value is None else convert(solution.value),
        objective_unit=objective_unit,
        bound=None if solution.bound is None else convert(solution.bound),
        gap=solution.gap,
        solver=_solver_line(solution),
        schedule_source=solution.source,
        time_limit=solution.time_limit,
        seconds=solution.seconds,
        time_unit=unit,
        horizon=time(instance.horizon),
        start_date=start,
        infeasibility=solution.infeasibility,
        left_out=_left_out(instance, solution, fates, time, date),
        grid_notes=instance.roundings,
        makespan=None if assessment is None else time(assessment.makespan),
        total_lateness=None if fates is None else time(sum(fates.lateness.values())),
        on_time_share=on_time,
        lots_demanded=len(instance.lots),
        lots_made=0 if assessment is None else len(assessment.completion),
        changeovers=0 if assessment is None else len(assessment.changeovers),
        changeover_time=0.0
        if assessment is None
        else time(sum(change.steps for change in assessment.changeovers)),
        margin=None
        if assessment is None
        else Margin(
            currency=instance.currency,
            value=assessment.value,
            production_cost=assessment.production_cost,
            changeover_cost=assessment.changeover_cost,
            storage_cost=assessment.storage_cost,
            lateness_cost=assessment.lateness_cost,
            margin=assessment.margin,
        ),
        profit=None if assessment is None or not profit else _profit(instance, assessment, time),
        deliveries=()
        if assessment is None or not profit
        else _dated_deliveries(instance, assessment, time, date),
        lots=lots,
        products=_deliveries(instance, fates, time, by="product"),
        sponsors=_deliveries(instance, fates, time, by="sponsor"),
        rooms=_rooms(instance, timetable, assessment, time),
        changeover_list=()
        if assessment is None
        else tuple(
            ChangeoverRow(
                room=room_name(instance, change.group, change.room),
                after_lot="start"
                if change.after_lot == START
                else instance.lot_name(change.after_lot),
                before_lot=instance.lot_name(change.before_lot),
                start=time(change.start),
                duration=time(change.steps),
                cost=change.cost,
            )
            for change in assessment.changeovers
        ),
        shutdowns=tuple(
            ShutdownRow(room=room_name(instance, g, r), start=time(start), end=time(end))
            for g, room in enumerate(instance.rooms)
            for r in range(room.count)
            for start, end in room.shutdowns
        ),
        campaign=_campaign(instance, timetable),
        capacity=tuple(
            GroupCapacity(
                rooms=room.name,
                kind=room.kind,
                count=room.count,
                lots_per_room_year={
                    instance.products[p].name: int(capacity.lots_per_room_year[g, p])
                    for p in sorted(room.products)
                    if capacity.lots_per_room_year[g, p] > 0
                },
                utilisation_at_demand=float(capacity.demanded[g] / capacity.available[g])
                if capacity.available[g]
                else 0.0,
            )
            for g, room in enumerate(instance.rooms)
        ),
        bottleneck_room=capacity.bottleneck,
        runs=tuple(
            SolverRunRow(
                model=run.model,
                status=run.status,
                objective=None if run.objective is None else convert(run.objective),
                bound=None if run.bound is None else convert(run.bound),
                seconds=run.seconds,
                time_limit=run.time_limit,
                variables=run.variables,
                guarded=run.guarded,
                note=run.note,
            )
            for run in solution.runs
        ),
        plan=plan,
        genofab_version=__version__,
    )


def rooms_needed_fields(instance: Instance, found: RoomsNeeded) -> dict[str, object]:
    """The result's fields of the rooms-needed search (times in the plan's unit)."""
    return {
        "rooms_needed": tuple(
            RoomNeed(rooms=room.name, kind=room.kind, count=room.count, needed=needed)
            for room, needed in zip(instance.rooms, found.needed, strict=True)
        ),
        "rooms_needed_method": f"{found.method} ({found.tried} schedules tried)",
        "unavoidable_lateness": found.unavoidable / instance.unit_steps,
    }


def robustness_result(
    instance: Instance, outcome: Robustness, *, seed: int, seconds: float
) -> PlanRobustness:
    """The Monte Carlo summary as a result (times in the plan's unit)."""

    def spread(d: Distribution) -> Spread:
        return Spread(mean=d.mean, p5=d.p5, p50=d.p50, p95=d.p95)

    return PlanRobustness(
        replications=outcome.replications,
        seed=seed,
        facility_years=outcome.replications * outcome.years,
        seconds=seconds,
        lots_per_year=spread(outcome.lots_per_year),
        total_lateness=spread(outcome.total_lateness),
        products=tuple(
            ProductOutlook(product=instance.products[p].name, lots_released=spread(d))
            for p, d in outcome.released_by_product.items()
        ),
        sponsors=tuple(
            SponsorOutlook(
                sponsor=sponsor,
                p_all_on_time=outcome.sponsor_on_time[sponsor],
                p_all_within_horizon=outcome.sponsor_by_horizon[sponsor],
            )
            for sponsor in outcome.sponsor_on_time
        ),
    )


def _left_out(
    instance: Instance, solution: Solution, fates: _Fates | None, time: object, date: object
) -> tuple[LeftOutLot, ...]:
    """Demanded lots no lot made serves (first in, first out: a product's latest due dates),
    each with the reason its scheduler gave (or that a lot made for it expired)."""
    assert callable(time) and callable(date)
    timetable = solution.timetable
    served = set() if fates is None else set(fates.serves.values())
    given: dict[int, list[str]] = defaultdict(list)
    for lot in sorted(fates.wasted if fates is not None else ()):
        given[instance.lots[lot].product].append(
            "a lot made for it expired (shelf life) before it could be delivered: wasted"
        )
    for lot, reason in timetable.left_out if timetable is not None else ():
        given[instance.lots[lot].product].append(reason)
    default = (
        f"not made: the {solution.objective} is higher without it"
        if solution.objective in ("margin", "profit")
        else "not made"
    )
    rows = []
    for product in range(len(instance.products)):
        reasons = iter(given[product])
        for wanted in instance.lots_of(product):
            if wanted.index in served:
                continue
            rows.append(
                LeftOutLot(
                    lot=instance.lot_name(wanted.index),
                    product=instance.products[product].name,
                    sponsor=wanted.sponsor,
                    due=time(wanted.due),
                    due_date=date(wanted.due),
                    reason=next(reasons, default),
                )
            )
    return tuple(rows)


def _solver_line(solution: Solution) -> str:
    if not solution.runs:
        return "rule-based schedule only"
    return "; ".join(
        f"{run.model}: {run.status}"
        + (" (stopped by the wall-clock guard)" if run.guarded else "")
        + (f" ({run.note})" if run.note else "")
        for run in solution.runs
    )


@dataclass(frozen=True)
class _Fates:
    """Which demanded lot each lot made serves and how late, and (profit) when it is
    delivered or whether it is wasted."""

    serves: dict[int, int]
    lateness: dict[int, int]
    delivery: dict[int, int]
    wasted: frozenset[int]
    consumed: dict[int, int] = field(default_factory=dict)


def _fates(instance: Instance, assessment: Assessment, profit: bool) -> _Fates:
    """First in, first out at release; under profit, the deliveries of the ledger, and each
    lot made that feeds others meets its own demanded lot (consumed, or unsold when none of
    the lots it feeds is made), late by its release."""
    if not profit:
        return _Fates(assessment.serves, assessment.lateness, {}, frozenset())
    ledger = assessment.ledger
    feeders = [lot for lot in feeds(instance) if lot in assessment.completion]
    return _Fates(
        serves={lot: demand for lot, (demand, _) in ledger.delivered.items()}
        | {lot: lot for lot in feeders},
        lateness={lot: ledger.late_steps(instance, lot) for lot in ledger.delivered}
        | {lot: max(0, assessment.completion[lot] - instance.lots[lot].due) for lot in feeders},
        delivery={lot: when for lot, (_, when) in ledger.delivered.items()},
        wasted=frozenset(ledger.wasted),
        consumed={lot: leaves for lot, (_, leaves) in ledger.consumed.items()},
    )


def _lot_rows(
    instance: Instance,
    timetable: Timetable,
    assessment: Assessment,
    fates: _Fates,
    time: object,
    date: object,
) -> tuple[LotRow, ...]:
    assert callable(time) and callable(date)
    rows = []
    made = timetable.by_lot()
    # lots are shown under the demand they serve (first in, first out)
    shown = {lot: instance.lot_name(fates.serves.get(lot, lot)) for lot in made}
    fed: dict[int, list[int]] = defaultdict(list)
    for lot in sorted(made, key=lambda index: fates.serves.get(index, index)):
        for feeder in instance.lots[lot].feeders:
            if feeder in made:
                fed[feeder].append(lot)
    for lot, phases in sorted(made.items(), key=lambda item: fates.serves.get(item[0], item[0])):
        served = fates.serves.get(lot, lot)
        spec = instance.lots[served]
        release = assessment.completion[lot]
        delivery = fates.delivery.get(lot)
        consumed = fates.consumed.get(lot)
        sources = [shown[feeder] for feeder in instance.lots[lot].feeders if feeder in made]
        fed_by = ", ".join(sources) if sources else None
        feeds_lots = tuple(shown[index] for index in fed[lot])
        for placement in phases:
            phase = instance.products[spec.product].phases[placement.phase]
            begin = placement.start
            # a lot's consecutive phases in one room run back to back: one row each
            for name, steps in phase.sections:
                rows.append(
                    LotRow(
                        lot=instance.lot_name(served),
                        product=instance.products[spec.product].name,
                        sponsor=spec.sponsor,
                        phase=name,
                        room=room_name(instance, placement.group, placement.room),
                        room_kind=phase.kind,
                        start=time(begin),
                        end=time(begin + steps),
                        release=time(release),
                        due=time(spec.due),
                        lateness=time(fates.lateness.get(lot, 0)),
                        start_date=date(begin),
                        end_date=date(begin + steps),
                        release_date=date(release),
                        due_date=date(spec.due),
                        delivery=None if delivery is None else time(delivery),
                        wasted=lot in fates.wasted,
                        fed_by=fed_by,
                        feeds=feeds_lots,
                        consumed=None if consumed is None else time(consumed),
                    )
                )
                begin += steps
    return tuple(rows)


def _profit(instance: Instance, assessment: Assessment, time: object) -> Profit:
    assert callable(time)
    ledger = assessment.ledger
    return Profit(
        currency=instance.currency,
        sales=ledger.sales,
        production_cost=assessment.production_cost,
        changeover_cost=assessment.changeover_cost,
        storage_cost=assessment.storage_cost,
        inventory_cost=ledger.inventory_cost,
        backlog_cost=ledger.backlog_cost,
        unmet_cost=ledger.unmet_cost,
        profit=assessment.profit,
        lots_delivered=len(ledger.delivered),
        lots_consumed=len(ledger.consumed),
        lots_wasted=len(ledger.wasted),
        waste_cost=ledger.waste_cost,
        lots_unmet=len(ledger.unmet),
        inventory_peak=ledger.inventory_peak,
        inventory_capacity=instance.inventory_capacity,
        product_capacities={
            instance.products[product].name: capacity
            for product, capacity in instance.inventory_limits()
            if product is not None
        },
        inventory_lot_time=time(ledger.inventory_lot_steps),
    )


def _dated_deliveries(
    instance: Instance, assessment: Assessment, time: object, date: object
) -> tuple[DeliveryRow, ...]:
    """Each demand's lots due at each date: delivered on time, late, or never."""
    assert callable(time) and callable(date)
    sold = dict(assessment.ledger.delivered.values())
    # a lot made that feeds others meets its own demanded lot at its release, with no sale
    delivered = sold | {
        lot: assessment.completion[lot] for lot in feeds(instance) if lot in assessment.completion
    }
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for lot in instance.lots:
        groups[(lot.demand, lot.due)].append(lot.index)
    rows = []
    for (_, due), wanted in sorted(groups.items()):
        first = instance.lots[wanted[0]]
        served = [delivered[index] for index in wanted if index in delivered]
        on_time = sum(1 for when in served if when <= due)
        rows.append(
            DeliveryRow(
                sponsor=first.sponsor,
                product=instance.products[first.product].name,
                due=time(due),
                due_date=date(due),
                lots_due=len(wanted),
                lots_on_time=on_time,
                lots_late=len(served) - on_time,
                lots_unmet=len(wanted) - len(served),
                sales=sum(instance.lots[index].value for index in wanted if index in sold),
            )
        )
    return tuple(rows)


def _deliveries(
    instance: Instance, fates: _Fates | None, time: object, *, by: str
) -> tuple[ProductDelivery | SponsorDelivery, ...]:
    assert callable(time)
    keys: dict[str, list[int]] = defaultdict(list)
    for lot in instance.lots:
        key = instance.products[lot.product].name if by == "product" else lot.sponsor
        keys[key].append(lot.index)
    served = {} if fates is None else {d: lot for lot, d in fates.serves.items()}
    rows: list[ProductDelivery | SponsorDelivery] = []
    for key, demanded in keys.items():
        made = [served[d] for d in demanded if d in served]
        lateness = [fates.lateness[lot] for lot in made] if fates else []
        on_time = sum(1 for late in lateness if late == 0)
        fields = {
            "lots_demanded": len(demanded),
            "lots_made": len(made),
            "lots_on_time": on_time,
            "on_time_share": on_time / len(demanded),
            "total_lateness": time(sum(lateness)),
        }
        rows.append(
            ProductDelivery(product=key, **fields)
            if by == "product"
            else SponsorDelivery(sponsor=key, **fields)
        )
    return tuple(rows)


def _rooms(
    instance: Instance, timetable: Timetable | None, assessment: Assessment | None, time: object
) -> tuple[RoomUse, ...]:
    assert callable(time)
    busy: dict[tuple[int, int], int] = defaultdict(int)
    count: dict[tuple[int, int], int] = defaultdict(int)
    for placement in timetable.placements if timetable else ():
        key = (placement.group, placement.room)
        busy[key] += placement.hold_end(instance) - placement.start
        count[key] += 1
    changes: dict[tuple[int, int], list[int]] = defaultdict(list)
    for change in assessment.changeovers if assessment else ():
        changes[(change.group, change.room)].append(change.steps)
    rows = []
    for g, room in enumerate(instance.rooms):
        for r in range(room.count):
            key = (g, r)
            rows.append(
                RoomUse(
                    room=room_name(instance, g, r),
                    kind=room.kind,
                    lots=count[key],
                    busy=time(busy[key]),
                    utilisation=busy[key] / (instance.horizon * room.capacity)
                    if instance.horizon
                    else 0.0,
                    changeovers=len(changes[key]),
                    changeover_time=time(sum(changes[key])),
                )
            )
    return tuple(rows)


def _campaign(instance: Instance, timetable: Timetable | None) -> tuple[CampaignRow, ...]:
    """Lots of each product each room starts per period (first phase in each room)."""
    if timetable is None:
        return ()
    period = max(1, round(PERIOD_DAYS / instance.step_days))
    tally: dict[tuple[str, str, int], int] = defaultdict(int)
    for placement in timetable.placements:
        product = instance.products[instance.lots[placement.lot].product].name
        key = (
            room_name(instance, placement.group, placement.room),
            product,
            placement.start // period,
        )
        tally[key] += 1
    return tuple(
        CampaignRow(room=room, product=product, period=p, lots=n)
        for (room, product, p), n in sorted(tally.items())
    )
