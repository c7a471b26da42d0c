"""A plan on its time grid: integer durations, lots with due dates, rooms with changeovers.

Every scheduler works on this :class:`Instance`. Times are whole steps of the plan's
``time_step`` from the start of the horizon. Rounding is conservative: durations, cleaning,
changeovers and shutdown ends round up; due dates, maximum waits, shutdown starts and the
horizon round down (a lot never looks faster, or a deadline later, than the plan says).
Lots of one product are numbered in order of their due dates (first in, first out).

Consecutive phases of a lot in the same kind of room are one phase here (its ``parts`` keep
their names and durations): a lot stays whole, back to back in one room with no other lot,
cleaning or changeover between them, unless the plan allows a hold (``max_wait`` or
``split`` on the earlier phase).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from genofab.engines.lot import lot_arrays
from genofab.model.plan import LotDemand, Plan, PlanProduct, RoomGroup, plan_currency
from genofab.model.scenario import Scenario

#: Slack for values that are whole steps up to floating-point error.
GRID_SLACK = 1e-9
#: Amounts of money of at least this many units of the currency are counted by the solvers in
#: whole units (rounding moves them by at most 0.5 %); smaller ones in finer units.
MONEY_FINE = 100.0
#: Most units of money a plan's amounts may come to in the solvers (CP-SAT's integers are
#: 64-bit; this keeps every sum of the objective far inside them).
MONEY_COUNT = 1e15


@dataclass(frozen=True)
class PhaseSpec:
    """One phase of a product's lot on the grid."""

    name: str
    kind: str
    duration: int
    max_wait: int | None
    parts: tuple[tuple[str, int], ...] = ()

    @property
    def sections(self) -> tuple[tuple[str, int], ...]:
        """The plan's phases this one runs back to back: (name, steps) each."""
        return self.parts or ((self.name, self.duration),)


@dataclass(frozen=True)
class ProductSpec:
    """A product's recipe on the grid, and its cost and failure rate."""

    name: str
    phases: tuple[PhaseSpec, ...]
    cost_per_lot: float
    failure_probability: float
    shelf_life: int | None = None
    min_campaign: int | None = None
    max_campaign: int | None = None
    #: Its own cost of a finished lot waiting in the inventory, per step (None: the plan's).
    inventory_cost_per_step: float | None = None
    #: Most finished lots of it the inventory holds at once (None: only the plan's limit).
    inventory_capacity: int | None = None

    @property
    def sized(self) -> bool:
        """Whether it limits its campaigns (``min_campaign`` or ``max_campaign``)."""
        return self.min_campaign is not None or self.max_campaign is not None

    def expiry(self, last_start: int) -> int | None:
        """Step after which a lot whose last phase starts at ``last_start`` may not be
        delivered (None: it keeps)."""
        return None if self.shelf_life is None else last_start + self.shelf_life


@dataclass(frozen=True)
class RoomSpec:
    """A group of identical rooms. ``sequenced`` rooms hold one lot at a time and pay
    changeovers; the others pool ``count × capacity`` places without changeovers."""

    name: str
    kind: str
    count: int
    capacity: int
    products: frozenset[int]
    cleaning: int
    changeover: tuple[tuple[int, ...], ...]
    changeover_cost: tuple[tuple[float, ...], ...]
    shutdowns: tuple[tuple[int, int], ...]
    #: Idle steps after which a room starts a new campaign (its changeover, at least 1).
    turnover: int = 1
    #: Per product: steps before a room's first lot of it, and its cost (the rooms' state at
    #: the start: set up for a product, or clean with a startup). Empty: none.
    startup: tuple[int, ...] = ()
    startup_cost: tuple[float, ...] = ()

    @cached_property
    def sequenced(self) -> bool:
        """One lot at a time with changeovers between products or before the first lot (a
        time, or only a cost): rooms are scheduled one by one."""
        changes = any(any(row) for row in self.changeover) or any(self.startup)
        costs = any(any(row) for row in self.changeover_cost) or any(self.startup_cost)
        return self.capacity == 1 and (changes or costs)

    def change(self, last: int, product: int) -> int:
        """Steps before a lot of ``product`` in a room whose last lot was of ``last`` (−1:
        the room's first lot, which waits for its startup)."""
        if last >= 0:
            return self.changeover[last][product]
        return self.startup[product] if self.startup else 0

    def change_cost(self, last: int, product: int) -> float:
        """Cost of what :meth:`change` times."""
        if last >= 0:
            return self.changeover_cost[last][product]
        return self.startup_cost[product] if self.startup_cost else 0.0

    @property
    def places(self) -> int:
        """Lots the whole group holds at once."""
        return self.count * self.capacity


@dataclass(frozen=True)
class LotSpec:
    """One demanded lot: its product, its place in the product's first-in-first-out order,
    who wants it, when, and what it is worth."""

    index: int
    product: int
    ordinal: int
    sponsor: str
    demand: int
    due: int
    value: float
    penalty_per_step: float
    unmet_penalty: float = 0.0
    #: The upstream lots that feed this one (a conversion between stages; several when they
    #: are pooled): this lot starts only after they are released (their last phases end),
    #: and is made only if they are.
    feeders: tuple[int, ...] = ()


@dataclass(frozen=True)
class Instance:
    """Everything a scheduler needs, in whole steps."""

    name: str
    step_days: float
    horizon: int
    products: tuple[ProductSpec, ...]
    rooms: tuple[RoomSpec, ...]
    lots: tuple[LotSpec, ...]
    storage_capacity: int | None
    storage_cost_per_step: float
    currency: str
    roundings: tuple[str, ...] = ()
    inventory_capacity: int | None = None
    inventory_cost_per_step: float = 0.0

    @property
    def step_unit(self) -> Literal["wk", "d"]:
        """``wk`` when the step is a whole number of weeks, else ``d``."""
        return "wk" if math.isclose(self.step_days % 7, 0, abs_tol=1e-9) else "d"

    @property
    def unit_steps(self) -> float:
        """Steps per reporting unit (1 for a 1-week grid reported in weeks)."""
        return (7.0 if self.step_unit == "wk" else 1.0) / self.step_days

    def inventory_cost_of(self, product: int) -> float:
        """Cost of one finished lot of ``product`` waiting in the inventory for one step: the
        product's own, else the plan's inventory cost."""
        own = self.products[product].inventory_cost_per_step
        return self.inventory_cost_per_step if own is None else own

    def inventory_limited(self, product: int) -> bool:
        """Whether the inventory holds a limited number of ``product``'s finished lots: the
        plan's capacity, or the product's own."""
        own = self.products[product].inventory_capacity
        return self.inventory_capacity is not None or own is not None

    def inventory_limits(self) -> list[tuple[int | None, int]]:
        """Each capacity of the inventory: (None, the plan's, for all lots), then (product,
        its own) for each product that has one."""
        limits: list[tuple[int | None, int]] = []
        if self.inventory_capacity is not None:
            limits.append((None, self.inventory_capacity))
        limits += [
            (p, spec.inventory_capacity)
            for p, spec in enumerate(self.products)
            if spec.inventory_capacity is not None
        ]
        return limits

    def lot_name(self, lot: int) -> str:
        """``product-NN``: the lot's product and its first-in-first-out number from 1."""
        spec = self.lots[lot]
        return f"{self.products[spec.product].name}-{spec.ordinal + 1:02d}"

    def feeding(self, feeders: list[int]) -> str:
        """``a-01, which feeds it, is`` (or ``a-01, a-02, which feed it, are``): how a reason
        names the lots that feed a lot."""
        names = ", ".join(self.lot_name(lot) for lot in feeders)
        return (
            f"{names}, which feeds it, is" if len(feeders) == 1 else f"{names}, which feed it, are"
        )

    def time_text(self, steps: float) -> str:
        """``steps`` in the plan's reporting unit, as outputs show it (``12 wk``, ``380 d``)."""
        return f"{steps / self.unit_steps:g} {self.step_unit}"

    def hold(self, room: RoomSpec, product: int, phase: int) -> int:
        """Steps one lot's phase holds a room of ``room``, cleaning included."""
        return self.products[product].phases[phase].duration + room.cleaning

    def rooms_for(self, product: int, phase: int) -> tuple[int, ...]:
        """Indices of the room groups that can hold ``product``'s phase."""
        kind = self.products[product].phases[phase].kind
        return tuple(
            g for g, room in enumerate(self.rooms) if room.kind == kind and product in room.products
        )

    def lots_of(self, product: int) -> tuple[LotSpec, ...]:
        """The product's lots, in first-in-first-out order."""
        return tuple(lot for lot in self.lots if lot.product == product)

    def steps(self, days: float) -> float:
        """``days`` in steps."""
        return days / self.step_days

    @cached_property
    def money_unit(self) -> float:
        """The smallest amount of money the CP-SAT models count (they work in whole numbers):
        one unit of the currency, or a power of ten below it when the plan states amounts
        under :data:`MONEY_FINE` units (a backlog of 0.33 per lot per day, a storage cost of
        0.02), so that each is counted to within half a percent; never so fine that the
        plan's whole money would exceed :data:`MONEY_COUNT` units."""
        amounts = [abs(a) for a in self.money_amounts() if a]
        if not amounts:
            return 1.0
        smallest = min(amounts)
        unit = 1.0 if smallest >= MONEY_FINE else 10.0 ** (math.floor(math.log10(smallest)) - 2)
        # each lot's amounts at most once, and those per step over the whole horizon
        total = sum(amounts) * (self.horizon + 1)
        if total / unit > MONEY_COUNT:
            unit = min(1.0, 10.0 ** math.ceil(math.log10(total / MONEY_COUNT)))
        return unit

    def money_amounts(self) -> list[float]:
        """Every amount of money the plan states, per lot or per step: values, production
        costs, each lot's gain (value less cost), penalties, changeover costs, storage and
        inventory costs per step."""
        amounts = [self.storage_cost_per_step, self.inventory_cost_per_step]
        amounts += [product.cost_per_lot for product in self.products]
        amounts += [self.inventory_cost_of(p) for p in range(len(self.products))]
        for lot in self.lots:
            gain = lot.value - self.products[lot.product].cost_per_lot  # what the models count
            amounts += [lot.value, gain, lot.penalty_per_step, lot.unmet_penalty]
        for room in self.rooms:
            amounts += [cost for row in room.changeover_cost for cost in row]
            amounts += room.startup_cost
        return amounts

    def in_money_units(self, amount: float) -> int:
        """``amount`` in whole money units (:attr:`money_unit`), as the CP-SAT models count it."""
        return round(amount / self.money_unit)


def round_up(days: float, step: float) -> int:
    """Whole steps covering ``days``."""
    return max(0, math.ceil(days / step - GRID_SLACK))


def round_down(days: float, step: float) -> int:
    """Whole steps within ``days``."""
    return max(0, math.floor(days / step + GRID_SLACK))


def compile_plan(plan: Plan, scenarios: dict[str, Scenario] | None = None) -> Instance:
    """The plan on its grid; ``scenarios`` give the phases of products defined by a scenario."""
    step = plan.time_step.value
    scenarios = scenarios or {}
    names = [product.name for product in plan.products]
    products = tuple(
        _product(product, scenarios.get(product.name), step) for product in plan.products
    )
    rooms = tuple(_room(plan, room, names, step) for room in plan.rooms)
    roundings = tuple(rounding_notes(plan, scenarios))
    lots = feeders(plan, names, _lots(plan, names, step))
    storage = plan.storage
    currency = plan_currency(plan)
    return Instance(
        name=plan.name,
        step_days=step,
        horizon=round_down(plan.horizon.value, step),
        products=products,
        rooms=rooms,
        lots=lots,
        storage_capacity=None
        if storage is None or storage.capacity is None
        else int(storage.capacity.value),
        storage_cost_per_step=0.0 if storage is None else storage.cost.value * step,
        currency=currency,
        roundings=roundings,
        inventory_capacity=None
        if plan.inventory is None or plan.inventory.capacity is None
        else int(plan.inventory.capacity.value),
        inventory_cost_per_step=0.0 if plan.inventory is None else plan.inventory.cost.value * step,
    )


#: A duration changed by more than this share by the grid is reported.
ROUNDING_NOTICE = 0.10


def rounding_notes(plan: Plan, scenarios: dict[str, Scenario]) -> list[str]:
    """Every duration the grid changes by more than 10 % (a phase, a wait, a shelf life, a
    cleaning, a changeover, a startup, a shutdown's length, the horizon) and every stated
    due date it moves by more than 10 % of its time from the start: which, from what to
    what."""
    step = plan.time_step.value
    unit = "wk" if math.isclose(step % 7, 0, abs_tol=1e-9) else "d"
    scale = 7.0 if unit == "wk" else 1.0
    notes: list[str] = []

    def check(path: str, days: float, steps: int) -> None:
        if days > 0 and abs(steps * step - days) > ROUNDING_NOTICE * days:
            notes.append(
                f"{path}: {_days_text(days)} becomes {steps * step / scale:g} {unit} on the"
                f" {_days_text(step)} grid"
            )

    check("horizon", plan.horizon.value, round_down(plan.horizon.value, step))
    for i, product in enumerate(plan.products):
        if product.shelf_life is not None:
            check(f"products[{i}].shelf_life ({product.name})", product.shelf_life.value,
                  round_down(product.shelf_life.value, step))  # fmt: skip
        if product.phases is not None:
            for j, phase in enumerate(product.phases):
                days = phase.duration.value
                check(
                    f"products[{i}].phases[{j}] ({product.name} {phase.name})",
                    days,
                    max(1, round_up(days, step)),
                )
                if phase.max_wait is not None:
                    check(f"products[{i}].phases[{j}].max_wait ({product.name} {phase.name})",
                          phase.max_wait.value, round_down(phase.max_wait.value, step))  # fmt: skip
        elif product.name in scenarios:
            for spec in scenario_phases(scenarios[product.name], step):
                days = _scenario_days(scenarios[product.name], spec.kind)
                check(
                    f"products[{i}] ({product.name} {spec.name}, from its scenario)",
                    days,
                    spec.duration,
                )
    for i, room in enumerate(plan.rooms):
        check(f"rooms[{i}].cleaning ({room.name})", room.cleaning.value,
              round_up(room.cleaning.value, step))  # fmt: skip
        check(f"rooms[{i}].changeover ({room.name})", room.changeover.value,
              round_up(room.changeover.value, step))  # fmt: skip
        for j, change in enumerate(room.changeovers):
            check(f"rooms[{i}].changeovers[{j}] ({room.name}, {change.from_product} to"
                  f" {change.to_product})", change.time.value,
                  round_up(change.time.value, step))  # fmt: skip
        check(f"rooms[{i}].startup ({room.name})", room.startup.value,
              round_up(room.startup.value, step))  # fmt: skip
        for j, startup in enumerate(room.startups):
            check(f"rooms[{i}].startups[{j}] ({room.name}, {startup.product})",
                  startup.time.value, round_up(startup.time.value, step))  # fmt: skip
        for j, shutdown in enumerate(room.shutdowns):
            begin, end = plan.offset_days(shutdown.start), plan.offset_days(shutdown.end)
            check(f"rooms[{i}].shutdowns[{j}] ({room.name}, its length)", end - begin,
                  round_up(end, step) - round_down(begin, step))  # fmt: skip
    for i, demand in enumerate(plan.demands):
        for field, _, due_at, _ in demand.dated_lots:
            days = plan.offset_days(due_at)
            steps = (
                max(1, math.ceil(days / step - GRID_SLACK))
                if demand.spread == "even"
                else round_down(days, step)
            )
            check(f"demands[{i}].{field} ({demand.sponsor}, {demand.product})", days, steps)
    return notes


def _days_text(days: float) -> str:
    if days >= 7 and math.isclose(days % 7, 0, abs_tol=1e-9):
        return f"{days / 7:g} wk"
    if days < 1:
        return f"{days * 24:g} h"
    return f"{days:g} d"


def _scenario_days(scenario: Scenario, kind: str) -> float:
    """Unrounded days of the scenario's first run of steps in room ``kind``."""
    lot = lot_arrays(scenario, scenario.values())
    total, seen = 0.0, False
    for step_model, duration in zip(scenario.process.steps, lot.duration, strict=True):
        if step_model.room == kind:
            total += float(np.asarray(duration))
            seen = True
        elif seen:
            break
    return total


def _product(product: PlanProduct, scenario: Scenario | None, step: float) -> ProductSpec:
    if product.phases is not None:
        phases = whole_lot_phases(
            [
                PhaseSpec(
                    name=phase.name,
                    kind=phase.room,
                    duration=max(1, round_up(phase.duration.value, step)),
                    max_wait=None
                    if phase.max_wait is None
                    else round_down(phase.max_wait.value, step),
                )
                for phase in product.phases
            ],
            [phase.max_wait is not None or phase.split for phase in product.phases],
        )
    else:
        assert scenario is not None, f"product '{product.name}' needs its scenario"
        phases = scenario_phases(scenario, step)
    failure = product.failure_probability
    return ProductSpec(
        name=product.name,
        phases=phases,
        cost_per_lot=product.cost_per_lot.value,
        failure_probability=0.0 if failure is None else failure.value,
        min_campaign=None if product.min_campaign is None else int(product.min_campaign.value),
        max_campaign=None if product.max_campaign is None else int(product.max_campaign.value),
        shelf_life=None
        if product.shelf_life is None
        else round_down(product.shelf_life.value, step),
        inventory_cost_per_step=None
        if product.inventory_cost is None
        else product.inventory_cost.value * step,
        inventory_capacity=None
        if product.inventory_capacity is None
        else int(product.inventory_capacity.value),
    )


def whole_lot_phases(phases: list[PhaseSpec], may_hold: list[bool]) -> tuple[PhaseSpec, ...]:
    """Consecutive phases in the same kind of room joined into one (the lot stays in its
    room), unless the earlier one may hold the lot (a maximum wait or an explicit split)."""
    joined: list[PhaseSpec] = []
    chained = False
    for phase, hold in zip(phases, may_hold, strict=True):
        if chained and joined and joined[-1].kind == phase.kind:
            last = joined[-1]
            joined[-1] = PhaseSpec(
                name=f"{last.name}+{phase.name}",
                kind=phase.kind,
                duration=last.duration + phase.duration,
                max_wait=phase.max_wait,
                parts=(*last.sections, (phase.name, phase.duration)),
            )
        else:
            joined.append(phase)
        chained = not hold
    return tuple(joined)


def scenario_phases(scenario: Scenario, step: float) -> tuple[PhaseSpec, ...]:
    """Phases of a scenario's lot: consecutive steps in one kind of room make one phase,
    whose duration is the lot engine's time in that room (rounded up to the grid)."""
    lot = lot_arrays(scenario, scenario.values())
    runs: list[tuple[str, float]] = []
    for step_model, duration in zip(scenario.process.steps, lot.duration, strict=True):
        days = float(np.asarray(duration))
        if runs and runs[-1][0] == step_model.room:
            runs[-1] = (step_model.room, runs[-1][1] + days)
        else:
            runs.append((step_model.room, days))
    return tuple(
        PhaseSpec(name=kind, kind=kind, duration=max(1, round_up(days, step)), max_wait=None)
        for kind, days in runs
    )


def _room(plan: Plan, room: RoomGroup, names: list[str], step: float) -> RoomSpec:
    allowed = frozenset(
        i for i, name in enumerate(names) if room.products is None or name in room.products
    )
    base = round_up(room.changeover.value, step)
    size = len(names)
    time = [[0 if p == q else base for q in range(size)] for p in range(size)]
    cost = [
        [0.0 if p == q else room.changeover_cost.value for q in range(size)] for p in range(size)
    ]
    for change in room.changeovers:
        p, q = names.index(change.from_product), names.index(change.to_product)
        time[p][q] = round_up(change.time.value, step)
        cost[p][q] = change.cost.value
    startup, startup_cost = _startup(room, names, step, time, cost)
    horizon = round_down(plan.horizon.value, step)
    shutdowns = tuple(
        (
            min(round_down(plan.offset_days(shutdown.start), step), horizon),
            min(round_up(plan.offset_days(shutdown.end), step), horizon),
        )
        for shutdown in room.shutdowns
        if plan.offset_days(shutdown.start) < plan.horizon.value
    )
    return RoomSpec(
        name=room.name,
        kind=room.room_kind,
        count=int(room.count.value),
        capacity=int(room.capacity.value),
        products=allowed,
        cleaning=round_up(room.cleaning.value, step),
        changeover=tuple(tuple(row) for row in time),
        changeover_cost=tuple(tuple(row) for row in cost),
        shutdowns=shutdowns,
        turnover=max(1, base),
        startup=startup,
        startup_cost=startup_cost,
    )


def _startup(
    room: RoomGroup,
    names: list[str],
    step: float,
    time: list[list[int]],
    cost: list[list[float]],
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Per product, steps and cost before a room's first lot: the changeover from the product
    the rooms are set up for, or the startup of clean rooms (a product's own, or the
    room's); empty when the rooms start with nothing to do (the default)."""
    if room.set_up_for is not None:
        ready = names.index(room.set_up_for)
        return tuple(time[ready]), tuple(cost[ready])
    if not room.starts_clean:
        return (), ()
    steps = [round_up(room.startup.value, step)] * len(names)
    money = [room.startup_cost.value] * len(names)
    for startup in room.startups:
        p = names.index(startup.product)
        steps[p] = round_up(startup.time.value, step)
        money[p] = startup.cost.value
    return tuple(steps), tuple(money)


def feeders(plan: Plan, names: list[str], lots: tuple[LotSpec, ...]) -> tuple[LotSpec, ...]:
    """Each lot of a product made from another is fed by upstream lots of first-in-first-out
    order: ``made_from: {product, lots: n}``, the one of order ⌊i ÷ n⌋ (i its own order);
    ``made_from: {product, pooled: k}``, the k of orders k·i to k·i + k − 1."""
    by_order = {(lot.product, lot.ordinal): lot.index for lot in lots}
    fed = []
    for lot in lots:
        source = plan.products[lot.product].made_from
        if source is None:
            fed.append(lot)
            continue
        upstream = names.index(source.product)
        pooled = int(source.pooled.value)
        first = lot.ordinal // int(source.lots.value) * pooled
        sources = tuple(by_order[(upstream, first + j)] for j in range(pooled))
        fed.append(dataclasses.replace(lot, feeders=sources))
    return tuple(fed)


def _lots(plan: Plan, names: list[str], step: float) -> tuple[LotSpec, ...]:
    wanted: list[tuple[int, int, int, int, LotDemand, float]] = []
    for d, demand in enumerate(plan.demands):
        k = 0
        for _, count, due_at, value in demand.dated_lots:
            due_days = plan.offset_days(due_at)
            for n in range(count):
                if demand.spread == "even":
                    due = max(1, math.ceil(due_days * (n + 1) / count / step - GRID_SLACK))
                else:
                    due = round_down(due_days, step)
                wanted.append((names.index(demand.product), due, d, k, demand, value))
                k += 1
    wanted.sort(key=lambda item: (item[0], item[1], item[2], item[3]))
    lots: list[LotSpec] = []
    ordinal: dict[int, int] = {}
    for product, due, d, _, demand, value in wanted:
        k = ordinal.get(product, 0)
        ordinal[product] = k + 1
        lots.append(
            LotSpec(
                index=len(lots),
                product=product,
                ordinal=k,
                sponsor=demand.sponsor,
                demand=d,
                due=due,
                value=value,
                penalty_per_step=demand.lateness_penalty.value * step,
                unmet_penalty=demand.unmet_penalty.value,
            )
        )
    return tuple(lots)
