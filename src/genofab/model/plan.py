"""The facility plan format ``genofab-plan/1``: several products and sponsors in shared rooms.

A plan names the products (each lot's recipe as phases on kinds of room, written out or taken
from a ``genofab/1`` scenario), the rooms (how many, which products they may make, cleaning,
sequence-dependent changeovers, shutdowns, lots at once), the demands of each sponsor (lots
due by dates, with penalties and values) and the horizon. Durations are stored in days; the
schedulers work on the plan's ``time_step`` grid. Cross-references (a phase's room, a
demand's product) are checked by :func:`plan_problems`, which reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from genofab.errors import did_you_mean
from genofab.model.base import (
    Frozen,
    Identifier,
    Text,
    deferred,
    raise_problems,
    repeat_problems,
)
from genofab.model.parameter import Parameter, default
from genofab.model.plan_quantities import (
    DURATION_OR_DATE,
    LotCount,
    MoneyPerLot,
    MoneyPerLotTime,
    Multiplier,
    RoomCapacity,
    RoomCount,
    StorageCapacity,
)
from genofab.model.quantities import Duration, DurationOrZero, Fraction, Money
from genofab.model.scenario import iter_parameters

FORMAT = "genofab-plan/1"
#: Calendar years a plan's start may fall in (dates outside are typing mistakes).
START_YEARS = (1950, 2200)
#: Lots a plan may demand in all, and steps its horizon may span: the schedulers' limits.
MAX_PLAN_LOTS = 5_000
MAX_STEPS = 100_000
#: A lot that fails at least this often is never made: its Monte Carlo would not end.
MAX_FAILURE = 0.99


def _due(raw: object) -> Parameter | dt.date:
    """A due date: a calendar date (``2027-06-30``) or a time from the start (``26 wk``)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str) and len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise PydanticCustomError(
                "due_date", "'{given}' is not a valid date (YYYY-MM-DD)", {"given": raw}
            ) from None
    return DURATION_OR_DATE.parse(raw)


DueTime = Annotated[
    Parameter | dt.date,
    BeforeValidator(_due),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                DURATION_OR_DATE.json_schema(),
            ],
            "description": "a date (2027-06-30) or a time from the start of the horizon (26 wk)",
        }
    ),
]

NO_COST = default(0, "EUR", "no cost stated")
NO_COST_PER_LOT = default(0, "EUR/lot", "no cost stated")
NO_TIME = default(0, "d", "none stated")


class Phase(Frozen):
    """One phase of a lot: the kind of room it holds, for how long, and how long what it makes
    may wait before the next phase starts (shelf life of the intermediate)."""

    name: Identifier
    room: Identifier = Field(description="kind of room, from rooms[].kind")
    duration: Duration
    max_wait: DurationOrZero | None = Field(
        default=None, description="longest wait before the next phase starts; none: no limit"
    )
    split: bool = Field(
        default=False,
        description="the lot may leave its room after this phase (other lots, cleaning or a"
        " changeover before its next phase); by default consecutive phases in the same kind of"
        " room run back to back in one room",
    )


class MadeFrom(Frozen):
    """A conversion between stages: each lot of ``product`` (the upstream stage) feeds ``lots``
    lots of this product, or ``pooled`` lots of it are pooled into one lot of this product;
    a lot starts only once the lots feeding it are released."""

    product: Identifier = Field(description="the upstream product whose lots feed this one")
    lots: LotCount = Field(
        default=default(1, "lot", "one lot of this product per upstream lot"),
        description="lots of this product one upstream lot feeds (n)",
    )
    pooled: LotCount = Field(
        default=default(1, "lot", "one upstream lot per lot of this product"),
        description="upstream lots pooled into one lot of this product (k)",
    )


class PlanProduct(Frozen):
    """A product: its lot recipe (phases, or a scenario to derive them from) and its costs."""

    name: Identifier
    description: Text | None = None
    phases: tuple[Phase, ...] | None = None
    scenario: Text | None = Field(
        default=None,
        description="a genofab/1 scenario file (relative to the plan) whose steps give the phases",
    )
    cost_per_lot: MoneyPerLot = NO_COST_PER_LOT
    failure_probability: Fraction | None = Field(
        default=None, description="chance a lot fails and must be made again (Monte Carlo)"
    )
    min_campaign: LotCount | None = Field(
        default=None,
        description="fewest lots in a campaign (lots of this product one after another in one"
        " room of a sequenced kind)",
    )
    max_campaign: LotCount | None = Field(
        default=None, description="most lots in a campaign; a room then turns over or switches"
    )
    shelf_life: Duration | None = Field(
        default=None,
        description="how long a finished lot keeps, from the start of its last phase (its QC"
        " release); a lot not delivered by then is wasted (profit). None: it keeps",
    )
    made_from: MadeFrom | None = Field(
        default=None,
        description="one lot of another product (an upstream stage) feeds n lots of this one:"
        " each lot starts only after the upstream lot that feeds it is released",
    )
    inventory_cost: MoneyPerLotTime | None = Field(
        default=None,
        description="cost of one finished lot of this product waiting in the inventory, per"
        " unit of time (profit); none: the inventory's cost",
    )
    inventory_capacity: StorageCapacity | None = Field(
        default=None,
        description="most finished lots of this product the inventory holds at once"
        " (profit), within the inventory's own capacity; none: no limit of its own",
    )

    @model_validator(mode="after")
    def _one_recipe(self) -> PlanProduct:
        if (self.phases is None) == (self.scenario is None):
            raise ValueError("give phases or scenario (a genofab/1 file), exactly one")
        if self.phases is not None and not self.phases:
            raise ValueError("phases needs at least one phase")
        return self


class Changeover(Frozen):
    """Changeover from one product to another in a room (overrides the room's default)."""

    from_product: Identifier = Field(alias="from")
    to_product: Identifier = Field(alias="to")
    time: DurationOrZero
    cost: Money = NO_COST


class Startup(Frozen):
    """Time and cost before a room's first lot of one product, when the rooms start clean
    (overrides the room's ``startup``)."""

    product: Identifier
    time: DurationOrZero
    cost: Money = NO_COST


class Shutdown(Frozen):
    """A planned shutdown: no lot holds the room from ``start`` to ``end``."""

    start: DueTime
    end: DueTime
    reason: Text | None = None


class RoomGroup(Frozen):
    """Identical rooms: how many, which products they may make, cleaning and changeovers."""

    name: Identifier
    kind: Identifier | None = Field(
        default=None, description="kind of room phases refer to (default: the name)"
    )
    count: RoomCount = default(1, "", "one room")
    capacity: RoomCapacity = default(1, "lot", "one lot at a time")
    products: tuple[Identifier, ...] | None = Field(
        default=None, description="products these rooms may make (default: every product)"
    )
    cleaning: DurationOrZero = NO_TIME
    changeover: DurationOrZero = Field(
        default=NO_TIME, description="extra time between lots of different products"
    )
    changeover_cost: Money = NO_COST
    changeovers: tuple[Changeover, ...] = ()
    set_up_for: Identifier | None = Field(
        default=None,
        description="product the rooms are set up for at the start of the horizon: its first"
        " lot there pays no changeover, another product's pays the changeover from it",
    )
    startup: DurationOrZero = Field(
        default=NO_TIME,
        description="time before each room's first lot when the rooms start clean (a first"
        " campaign's lead time); default none",
    )
    startup_cost: Money = NO_COST
    startups: tuple[Startup, ...] = Field(
        default=(), description="per product: time and cost before a room's first lot of it"
    )
    shutdowns: tuple[Shutdown, ...] = ()

    @property
    def starts_clean(self) -> bool:
        """Whether the plan states a startup (time or cost before a room's first lot)."""
        return bool(self.startup.value or self.startup_cost.value or self.startups)

    @property
    def room_kind(self) -> str:
        """The kind phases name: ``kind``, or the group's name."""
        return self.kind or self.name


class Storage(Frozen):
    """Where lots wait between phases: how many at once, at what cost."""

    capacity: StorageCapacity | None = None
    cost: MoneyPerLotTime = default(0, "EUR/lot/d", "no storage cost stated")


class Inventory(Frozen):
    """Where finished (released) lots wait for their delivery: how many at once, at what cost."""

    capacity: StorageCapacity | None = None
    cost: MoneyPerLotTime = default(0, "EUR/lot/d", "no inventory cost stated")


class Delivery(Frozen):
    """Lots of a demand due at one date, with their sales value (the demand's by default)."""

    lots: LotCount
    due: DueTime
    value_per_lot: MoneyPerLot | None = Field(
        default=None, description="earned for each lot delivered (default: the demand's)"
    )


class LotDemand(Frozen):
    """Lots a sponsor wants of a product, due by a date or at several dates, with their value
    at delivery, the penalty per lot per day late (backlog) and per lot never delivered."""

    sponsor: Identifier
    product: Identifier
    lots: LotCount | None = None
    due: DueTime | None = None
    deliveries: tuple[Delivery, ...] | None = Field(
        default=None, description="several quantities due at several dates (instead of lots, due)"
    )
    spread: Literal["all", "even"] = Field(
        default="all",
        description="all: every lot due at 'due'; even: lot k of n due at start + due·(k+1)/n",
    )
    value_per_lot: MoneyPerLot = NO_COST_PER_LOT
    lateness_penalty: MoneyPerLotTime = default(0, "EUR/lot/d", "no penalty stated")
    unmet_penalty: MoneyPerLot = Field(
        default=default(0, "EUR/lot", "no penalty stated"),
        description="money per lot never delivered within the horizon (profit)",
    )

    @model_validator(mode="after")
    def _one_schedule(self) -> LotDemand:
        if self.deliveries is None:
            if self.lots is None or self.due is None:
                raise ValueError("give lots and due, or deliveries (lots due at several dates)")
        else:
            if self.lots is not None or self.due is not None:
                raise ValueError("give lots and due, or deliveries, not both")
            if not self.deliveries:
                raise ValueError("deliveries needs at least one delivery")
            if self.spread != "all":
                raise ValueError("spread applies to lots and due, not to deliveries")
        return self

    @property
    def dated_lots(self) -> tuple[tuple[str, int, Parameter | dt.date, float], ...]:
        """(field path of the due date, lots, due, value per lot) of each delivery date."""
        if self.deliveries is None:
            assert self.lots is not None and self.due is not None
            return (("due", int(self.lots.value), self.due, self.value_per_lot.value),)
        return tuple(
            (
                f"deliveries[{j}].due",
                int(part.lots.value),
                part.due,
                (part.value_per_lot or self.value_per_lot).value,
            )
            for j, part in enumerate(self.deliveries)
        )

    @property
    def total_lots(self) -> int:
        """Lots demanded at every date."""
        return sum(lots for _, lots, _, _ in self.dated_lots)


class Triangular(Frozen):
    """A triangular multiplier: low, most likely, high."""

    low: Multiplier
    mode: Multiplier
    high: Multiplier

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low.value <= self.mode.value <= self.high.value:
            raise ValueError("needs low ≤ mode ≤ high")
        if self.high.value <= 0:
            raise ValueError("high must be above 0")
        return self


class Uncertainty(Frozen):
    """How a fixed plan varies when it runs (Monte Carlo): multipliers on durations."""

    duration: Triangular | None = None
    changeover: Triangular | None = None
    qc_duration: Triangular | None = None
    qc_room: Identifier | None = Field(
        default=None, description="room kind whose phases use qc_duration (the QC lab)"
    )


class Plan(Frozen):
    """The root of ``genofab-plan/1``: products, rooms, demands, horizon."""

    format: Literal["genofab-plan/1"]
    name: Text
    description: Text | None = None
    start: dt.date | None = Field(default=None, description="calendar date of time 0")
    objective: Literal["makespan", "lateness", "margin", "profit"] = Field(
        default="makespan", description="what the schedule optimises unless the command says"
    )
    time_step: Duration = Field(description="grid of the schedule, e.g. 1 d or 1 wk")
    horizon: Duration = Field(description="every lot must be released within this time")
    products: tuple[PlanProduct, ...]
    rooms: tuple[RoomGroup, ...]
    demands: tuple[LotDemand, ...]
    storage: Storage | None = None
    inventory: Inventory | None = Field(
        default=None, description="finished lots waiting for delivery (profit objective)"
    )
    uncertainty: Uncertainty | None = None

    @field_validator("products", "rooms", "demands")
    @classmethod
    def _not_empty(cls, items: tuple[object, ...]) -> tuple[object, ...]:
        # not Field(min_length=1): pydantic would also report an empty list when an item fails
        if not items:
            raise ValueError("needs at least one item")
        return items

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Plan:
        if not deferred(info):
            raise_problems(plan_problems(self))
        return self

    def product(self, name: str) -> PlanProduct:
        """The product called ``name`` (it must exist)."""
        return next(product for product in self.products if product.name == name)

    def offset_days(self, when: Parameter | dt.date) -> float:
        """Days from the start of the horizon to ``when`` (a date needs ``start``)."""
        if isinstance(when, Parameter):
            return when.value
        assert self.start is not None
        return float((when - self.start).days)


def plan_problems(plan: Plan) -> list[tuple[str, str]]:
    """Every cross-reference problem of a plan, as (field path, message)."""
    problems: list[tuple[str, str]] = []
    products = [product.name for product in plan.products]
    kinds = sorted({room.room_kind for room in plan.rooms})
    problems += repeat_problems(products, "products", "name")
    problems += repeat_problems([room.name for room in plan.rooms], "rooms", "name")
    problems += [
        (
            f"{path}.uncertainty",
            "a plan's numbers take no uncertainty here: the plan's own"
            " 'uncertainty' section sets what its Monte Carlo varies",
        )
        for path, parameter in iter_parameters(plan)
        if parameter.uncertainty is not None
    ]
    currencies: dict[str, str] = {}
    for path, parameter in _money_parameters(plan):
        currency = parameter.unit.split("/", 1)[0]
        currencies.setdefault(currency, path)
    if len(currencies) > 1:
        first, *others = currencies.items()
        for currency, path in others:
            problems.append(
                (path, f"is in {currency} but {first[1]} is in {first[0]}: use one currency")
            )
    for i, room in enumerate(plan.rooms):
        where = f"rooms[{i}]"
        for j, name in enumerate(room.products or ()):
            if name not in products:
                problems.append(_unknown(f"{where}.products[{j}]", "product", name, products))
        for j, change in enumerate(room.changeovers):
            for side, name in (("from", change.from_product), ("to", change.to_product)):
                if name not in products:
                    problems.append(
                        _unknown(f"{where}.changeovers[{j}].{side}", "product", name, products)
                    )
            if change.from_product == change.to_product:
                problems.append(
                    (
                        f"{where}.changeovers[{j}].to",
                        f"is '{change.to_product}', as 'from': lots of one product need no"
                        " changeover between them (the room's cleaning runs after every lot)",
                    )
                )
        problems += _startup_problems(room, where, products)
        for j, shutdown in enumerate(room.shutdowns):
            problems += _time_problems(plan, f"{where}.shutdowns[{j}].start", shutdown.start)
            problems += _time_problems(plan, f"{where}.shutdowns[{j}].end", shutdown.end)
            if _comparable(plan, shutdown.start, shutdown.end) and plan.offset_days(
                shutdown.end
            ) <= plan.offset_days(shutdown.start):
                problems.append((f"{where}.shutdowns[{j}].end", "must be after its start"))
    for i, product in enumerate(plan.products):
        for j, phase in enumerate(product.phases or ()):
            path = f"products[{i}].phases[{j}].room"
            if phase.room not in kinds:
                problems.append(_unknown(path, "room kind", phase.room, kinds))
                continue
            able = [
                room
                for room in plan.rooms
                if room.room_kind == phase.room
                and (room.products is None or product.name in room.products)
            ]
            if not able:
                problems.append(
                    (
                        path,
                        f"no room of kind '{phase.room}' may make product '{product.name}'"
                        " (see rooms[].products)",
                    )
                )
    for i, demand in enumerate(plan.demands):
        if demand.product not in products:
            problems.append(_unknown(f"demands[{i}].product", "product", demand.product, products))
        for field, _, due, _ in demand.dated_lots:
            problems += _due_problems(plan, f"demands[{i}].{field}", due)
    problems += made_from_problems(plan)
    for i, product in enumerate(plan.products):
        problems += _shelf_life_problems(product, f"products[{i}].shelf_life")
        demanded = sum(d.total_lots for d in plan.demands if d.product == product.name)
        problems += campaign_problems(product, demanded, f"products[{i}]")
    if plan.time_step.value > plan.horizon.value:
        problems.append(("time_step", "is longer than the horizon"))
    elif plan.horizon.value / plan.time_step.value > MAX_STEPS:
        problems.append(
            (
                "time_step",
                f"gives {plan.horizon.value / plan.time_step.value:,.0f} steps over the horizon,"
                f" more than the {MAX_STEPS:,} the schedulers handle: use a longer step",
            )
        )
    if plan.start is not None and not START_YEARS[0] <= plan.start.year <= START_YEARS[1]:
        problems.append(
            (
                "start",
                f"{plan.start.isoformat()} is outside the years {START_YEARS[0]}–{START_YEARS[1]}",
            )
        )
    total = sum(demand.total_lots for demand in plan.demands)
    if total > MAX_PLAN_LOTS:
        problems.append(
            (
                "demands",
                f"ask for {total:,} lots in all, more than the {MAX_PLAN_LOTS:,} a plan may"
                " schedule: split the plan",
            )
        )
    for i, product in enumerate(plan.products):
        failure = product.failure_probability
        if failure is not None and failure.value > MAX_FAILURE:
            problems.append(
                (
                    f"products[{i}].failure_probability",
                    f"{failure.value:.0%} is above {MAX_FAILURE:.0%}: a lot that always fails is"
                    " never made",
                )
            )
    return problems


def _due_problems(plan: Plan, path: str, due: Parameter | dt.date) -> list[tuple[str, str]]:
    """A due date must be a time of the horizon: after its start, not after its end."""
    dated = _time_problems(plan, path, due)
    if dated or not _comparable(plan, due):
        return dated
    days = plan.offset_days(due)
    if days <= 0:
        return [(path, "is at or before the start of the horizon: nothing can be made by then")]
    if days > plan.horizon.value:
        return [
            (
                path,
                f"is {days:g} d from the start, after the end of the"
                f" {plan.horizon.value:g} d horizon",
            )
        ]
    return []


def campaign_sizes(lots: int, smallest: int, largest: int) -> list[int] | None:
    """``lots`` split into the fewest campaigns of ``smallest`` to ``largest`` lots, as even
    as can be (None when no split exists)."""
    count = -(-lots // largest)
    if count * smallest > lots:
        return None
    base, extra = divmod(lots, count)
    return [base + 1] * extra + [base] * (count - extra)


def campaign_problems(product: PlanProduct, demanded: int, path: str) -> list[tuple[str, str]]:
    """Campaign sizes must be ordered, within the demand, and split it."""
    low, high = product.min_campaign, product.max_campaign
    if low is not None and high is not None and low.value > high.value:
        return [
            (
                f"{path}.min_campaign",
                f"{_lots(low.value)} is above max_campaign ({_lots(high.value)})",
            )
        ]
    if low is None or demanded == 0:
        return []
    if low.value > demanded:
        return [
            (
                f"{path}.min_campaign",
                f"{_lots(low.value)} is above the {_lots(demanded)} the demands ask for: no"
                " campaign can be that long",
            )
        ]
    largest = demanded if high is None else int(high.value)
    if campaign_sizes(demanded, int(low.value), largest) is None:
        return [
            (
                f"{path}.min_campaign",
                f"the {_lots(demanded)} demanded cannot be split into campaigns of"
                f" {low.value:g} to {largest} lots",
            )
        ]
    return []


def made_from_problems(plan: Plan) -> list[tuple[str, str]]:
    """A conversion must name another product of the plan, form no cycle, and the plan must
    demand enough upstream lots: ⌈downstream lots ÷ n⌉, or k per downstream lot pooled."""
    problems: list[tuple[str, str]] = []
    names = [product.name for product in plan.products]
    upstream = {
        product.name: product.made_from.product
        for product in plan.products
        if product.made_from is not None
    }
    demanded = dict.fromkeys(names, 0)
    for demand in plan.demands:
        if demand.product in demanded:
            demanded[demand.product] += demand.total_lots
    for i, product in enumerate(plan.products):
        source = product.made_from
        if source is None:
            continue
        path = f"products[{i}].made_from.product"
        if source.product == product.name:
            problems.append((path, f"'{product.name}' cannot be made from itself"))
            continue
        if source.product not in names:
            problems.append(_unknown(path, "product", source.product, names))
            continue
        chain, current = [product.name], source.product
        while current in upstream and current not in chain:
            chain.append(current)
            current = upstream[current]
        if current in chain:
            loop = " → ".join([*chain[chain.index(current) :], current])
            problems.append((path, f"forms a cycle of stages: {loop}"))
            continue
        n, k = int(source.lots.value), int(source.pooled.value)
        if n > 1 and k > 1:
            problems.append(
                (
                    f"products[{i}].made_from.pooled",
                    f"give lots (one upstream lot feeds {n}) or pooled ({k} upstream lots feed"
                    " one), not both",
                )
            )
            continue
        needed = -(-demanded[product.name] // n) * k
        if needed > demanded[source.product]:
            per = (
                f"{k} lots of '{source.product}' pooled into each"
                if k > 1
                else f"{n:g} per lot of '{source.product}'"
            )
            problems.append(
                (
                    f"products[{i}].made_from.{'pooled' if k > 1 else 'lots'}",
                    f"the demands ask for {_lots(demanded[product.name])} of '{product.name}',"
                    f" {per}: that needs {_lots(needed)} of '{source.product}' but the demands"
                    f" ask for {_lots(demanded[source.product])} (add a demand for it)",
                )
            )
    return problems


def _lots(count: float) -> str:
    return f"{count:g} lot" + ("" if count == 1 else "s")


def _shelf_life_problems(product: PlanProduct, path: str) -> list[tuple[str, str]]:
    """A finished lot must keep longer than its release (its last phase) takes."""
    if product.shelf_life is None or not product.phases:
        return []
    last = product.phases[-1]
    if product.shelf_life.value <= last.duration.value:
        return [
            (
                path,
                f"{product.shelf_life.given} is not longer than the release: the last phase"
                f" '{last.name}' takes {last.duration.given}, so every lot would expire before"
                " it is released",
            )
        ]
    return []


def _startup_problems(room: RoomGroup, where: str, products: list[str]) -> list[tuple[str, str]]:
    """A room's state at the start: set up for a product it may make, or clean with a startup
    per product it may make, never both; only rooms that hold one lot at a time change over."""
    problems: list[tuple[str, str]] = []
    allowed = products if room.products is None else [p for p in room.products if p in products]
    stated = room.set_up_for is not None or room.starts_clean
    if stated and room.capacity.value != 1:
        field = "set_up_for" if room.set_up_for is not None else "startup"
        problems.append(
            (
                f"{where}.{field}",
                f"rooms that hold {room.capacity.value:g} lots at once have no changeovers, so"
                " no state at the start: give it to rooms of capacity 1",
            )
        )
    if room.set_up_for is not None:
        if room.set_up_for not in allowed:
            problems.append(_not_made(f"{where}.set_up_for", room.set_up_for, allowed))
        if room.starts_clean:
            problems.append(
                (
                    f"{where}.set_up_for",
                    "rooms set up for a product do not start clean: give set_up_for, or"
                    " startup/startup_cost/startups, not both",
                )
            )
    seen: set[str] = set()
    for j, startup in enumerate(room.startups):
        if startup.product not in allowed:
            problems.append(_not_made(f"{where}.startups[{j}].product", startup.product, allowed))
        elif startup.product in seen:
            problems.append(
                (f"{where}.startups[{j}].product", f"'{startup.product}' is given twice")
            )
        seen.add(startup.product)
    return problems


def _not_made(path: str, name: str, allowed: list[str]) -> tuple[str, str]:
    return (
        path,
        f"'{name}' is not a product these rooms may make (they may make: {', '.join(allowed)})"
        + did_you_mean(name, allowed).replace(" (", "; ").rstrip(")"),
    )


def plan_currency(plan: Plan) -> str:
    """The currency the plan states its money in (EUR when it states none)."""
    stated = _money_parameters(plan)
    return stated[0][1].unit.split("/", 1)[0] if stated else "EUR"


def _money_parameters(plan: Plan) -> list[tuple[str, Parameter]]:
    found: list[tuple[str, Parameter]] = []
    for i, product in enumerate(plan.products):
        found.append((f"products[{i}].cost_per_lot", product.cost_per_lot))
        if product.inventory_cost is not None:
            found.append((f"products[{i}].inventory_cost", product.inventory_cost))
    for i, room in enumerate(plan.rooms):
        found.append((f"rooms[{i}].changeover_cost", room.changeover_cost))
        for j, change in enumerate(room.changeovers):
            found.append((f"rooms[{i}].changeovers[{j}].cost", change.cost))
        found.append((f"rooms[{i}].startup_cost", room.startup_cost))
        for j, startup in enumerate(room.startups):
            found.append((f"rooms[{i}].startups[{j}].cost", startup.cost))
    for i, demand in enumerate(plan.demands):
        found.append((f"demands[{i}].value_per_lot", demand.value_per_lot))
        found.append((f"demands[{i}].lateness_penalty", demand.lateness_penalty))
        found.append((f"demands[{i}].unmet_penalty", demand.unmet_penalty))
        for j, part in enumerate(demand.deliveries or ()):
            if part.value_per_lot is not None:
                found.append((f"demands[{i}].deliveries[{j}].value_per_lot", part.value_per_lot))
    if plan.storage is not None:
        found.append(("storage.cost", plan.storage.cost))
    if plan.inventory is not None:
        found.append(("inventory.cost", plan.inventory.cost))
    # defaults (source "default: ...") carry EUR but state nothing: they never clash
    return [(path, p) for path, p in found if not (p.source or "").startswith("default:")]


def _time_problems(plan: Plan, path: str, when: Parameter | dt.date) -> list[tuple[str, str]]:
    if not isinstance(when, dt.date):
        return []
    if plan.start is None:
        return [(path, "a calendar date needs the plan's 'start' date")]
    if when < plan.start:
        return [
            (path, f"{when.isoformat()} is before the horizon starts ({plan.start.isoformat()})")
        ]
    return []


def _comparable(plan: Plan, *times: Parameter | dt.date) -> bool:
    return all(not isinstance(when, dt.date) or plan.start is not None for when in times)


def _unknown(path: str, what: str, name: str, known: list[str]) -> tuple[str, str]:
    return (
        path,
        f"'{name}' is not a {what} of the plan (it has: {', '.join(known)})"
        + did_you_mean(name, known).replace(" (", "; ").rstrip(")"),
    )
