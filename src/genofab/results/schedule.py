"""A facility schedule: status, objective, bound and gap, the lots' phases, KPIs, the campaign
plan and every solver run. Times are in the plan's time unit (weeks or days) from the start
of the horizon, with calendar dates when the plan has a start date."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from genofab.results.base import Result

Status = Literal["optimal", "feasible", "partial", "infeasible"]


class PlanInfo(Result):
    """Where the plan came from."""

    name: str
    file: str | None = None
    sha256: str | None = None


class LotRow(Result):
    """One phase of one lot in the schedule."""

    lot: str = Field(description="product and first-in-first-out number, e.g. a-03")
    product: str
    sponsor: str
    phase: str
    room: str = Field(description="room group and number, e.g. suite #2")
    room_kind: str
    start: float
    end: float
    release: float = Field(description="end of the lot's last phase (QC release)")
    due: float
    lateness: float
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    release_date: dt.date | None = None
    due_date: dt.date | None = None
    delivery: float | None = Field(
        default=None,
        description="when the finished lot leaves the inventory for its sponsor (profit"
        " objective: its due date, or its release when late); None: not delivered",
    )
    wasted: bool = Field(default=False, description="expired before any delivery (profit)")
    fed_by: str | None = Field(
        default=None,
        description="the lot that feeds this one (a conversion between stages, made_from;"
        " the lots, separated by commas, when several are pooled into it); None: fed by none",
    )
    feeds: tuple[str, ...] = Field(
        default=(), description="the lots this one feeds (a conversion between stages)"
    )
    consumed: float | None = Field(
        default=None,
        description="when a lot that feeds others leaves the inventory, drawn on by the last"
        " lot it feeds (profit objective; such a lot is never sold); None: not consumed",
    )


class LeftOutLot(Result):
    """A demanded lot the schedule does not make, and why."""

    lot: str
    product: str
    sponsor: str
    due: float
    due_date: dt.date | None = None
    reason: str


class ChangeoverRow(Result):
    """A product switch in a room; ``after_lot`` is ``start`` for the room's startup before
    its first lot (the rooms' state at the start of the horizon)."""

    room: str
    after_lot: str
    before_lot: str
    start: float
    duration: float
    cost: float


class ShutdownRow(Result):
    """A planned shutdown of a room."""

    room: str
    start: float
    end: float


class RoomUse(Result):
    """Use of one room over the horizon."""

    room: str
    kind: str
    lots: int
    busy: float = Field(description="time held by lots, cleaning included")
    utilisation: float = Field(description="busy time ÷ horizon")
    changeovers: int
    changeover_time: float


class ProductDelivery(Result):
    """Lots of one product: demanded, made, on time."""

    product: str
    lots_demanded: int
    lots_made: int
    lots_on_time: int
    on_time_share: float
    total_lateness: float


class SponsorDelivery(Result):
    """Lots of one sponsor: demanded, made, on time."""

    sponsor: str
    lots_demanded: int
    lots_made: int
    lots_on_time: int
    on_time_share: float
    total_lateness: float


class GroupCapacity(Result):
    """Closed-form capacity of a group of rooms (no solver): lots one room makes in a year of
    each product it may make, and the share of its time the demand needs."""

    rooms: str
    kind: str
    count: int
    lots_per_room_year: dict[str, int]
    utilisation_at_demand: float


class RoomNeed(Result):
    """Rooms of one group the plan would need for every lot to be on time (a heuristic
    figure: see ``ScheduleResult.rooms_needed_method``)."""

    rooms: str
    kind: str
    count: int = Field(description="rooms of the group in the plan")
    needed: int | None = Field(description="rooms found enough; None: not found by the search")


class CampaignRow(Result):
    """Lots of one product one room starts in one period of the campaign plan."""

    room: str
    product: str
    period: int = Field(description="period number (quarters of 13 weeks) from 0")
    lots: int


class Margin(Result):
    """Value of the lots delivered less their costs (money of the plan's currency)."""

    currency: str
    value: float
    production_cost: float
    changeover_cost: float
    storage_cost: float
    lateness_cost: float
    margin: float


class Profit(Result):
    """The profit objective's accounts (money of the plan's currency): sales at delivery less
    every cost and penalty; the finished lots delivered, wasted and the demand never met."""

    currency: str
    sales: float
    production_cost: float
    changeover_cost: float
    storage_cost: float = Field(description="lots waiting between phases")
    inventory_cost: float = Field(
        description="finished lots waiting for their delivery (a lot that feeds others: until"
        " the last lot it feeds starts)"
    )
    backlog_cost: float = Field(description="penalties for lots delivered late")
    unmet_cost: float = Field(description="penalties for demanded lots never delivered")
    profit: float
    lots_delivered: int
    lots_consumed: int = Field(
        default=0,
        description="lots that feed others (made_from) used by them: not sold, not delivered",
    )
    lots_wasted: int
    waste_cost: float = Field(description="production cost of the wasted lots (in production_cost)")
    lots_unmet: int
    inventory_peak: int = Field(description="most finished lots held at once")
    inventory_capacity: int | None
    product_capacities: dict[str, int] = Field(
        default_factory=dict, description="products' own inventory capacities (lots at once)"
    )
    inventory_lot_time: float = Field(description="lot·(time unit) held in the inventory")


class DeliveryRow(Result):
    """Lots of one demand due at one date: how many, delivered on time, late, never."""

    sponsor: str
    product: str
    due: float
    due_date: dt.date | None = None
    lots_due: int
    lots_on_time: int
    lots_late: int
    lots_unmet: int
    sales: float


class SolverRunRow(Result):
    """One model solved on the way: status, objective, bound and time. ``guarded``: the
    wall-clock guard, not the work the time limit counts, ended it (its result then depends
    on the machine's speed and load). ``note``: what else its reader should know of how it
    ran, e.g. that a part meant for another process was made in this one, and why (empty when
    nothing)."""

    model: str
    status: str
    objective: float | None
    bound: float | None
    seconds: float
    time_limit: float
    variables: int
    guarded: bool = False
    note: str = ""


class Spread(Result):
    """Mean and 5th, 50th and 95th percentiles of a simulated figure."""

    mean: float
    p5: float
    p50: float
    p95: float


class ProductOutlook(Result):
    """Lots of one product released within the horizon, as simulated."""

    product: str
    lots_released: Spread


class SponsorOutlook(Result):
    """Chance that every lot a sponsor wants arrives on time, and within the horizon."""

    sponsor: str
    p_all_on_time: float
    p_all_within_horizon: float


class PlanRobustness(Result):
    """Monte Carlo of the schedule as a fixed plan (each room's order and planned starts kept)
    under the plan's uncertainty: durations, changeovers, failed lots made again."""

    replications: int
    seed: int
    facility_years: float
    seconds: float
    lots_per_year: Spread
    total_lateness: Spread = Field(description="lot·(time unit), first in, first out")
    products: tuple[ProductOutlook, ...]
    sponsors: tuple[SponsorOutlook, ...]


class ScheduleResult(Result):
    """The schedule of a plan with its proof status. ``optimal`` means the objective equals a
    proven bound; ``feasible`` means a valid schedule whose gap to the bound is ``gap``;
    ``partial`` a valid schedule that leaves the lots in ``left_out`` out (none of every lot
    was found); ``infeasible`` that no schedule makes every lot (``infeasibility`` says why;
    the lots that fit are still scheduled)."""

    status: Status
    objective: Literal["makespan", "lateness", "margin", "profit"]
    objective_value: float | None
    objective_unit: str
    bound: float | None = Field(
        description="proven bound: no schedule does better (lower for makespan and lateness,"
        " upper for margin)"
    )
    gap: float | None = Field(description="|objective − bound| ÷ max(|objective|, |bound|)")
    solver: str
    schedule_source: str = Field(description="which method produced the schedule shown")
    time_limit: float
    seconds: float
    time_unit: str
    horizon: float
    start_date: dt.date | None
    infeasibility: tuple[str, ...] = Field(description="why no schedule meets the plan")
    left_out: tuple[LeftOutLot, ...] = Field(
        default=(), description="demanded lots the schedule does not make, each with the reason"
    )
    grid_notes: tuple[str, ...] = Field(
        default=(), description="durations the time grid changes by more than 10 %"
    )
    makespan: float | None
    total_lateness: float | None
    on_time_share: float | None
    lots_demanded: int
    lots_made: int
    changeovers: int
    changeover_time: float
    margin: Margin | None
    profit: Profit | None = None
    deliveries: tuple[DeliveryRow, ...] = Field(
        default=(), description="each demand's lots at each due date (profit objective)"
    )
    lots: tuple[LotRow, ...]
    products: tuple[ProductDelivery, ...]
    sponsors: tuple[SponsorDelivery, ...]
    rooms: tuple[RoomUse, ...]
    changeover_list: tuple[ChangeoverRow, ...]
    shutdowns: tuple[ShutdownRow, ...]
    campaign: tuple[CampaignRow, ...]
    runs: tuple[SolverRunRow, ...]
    capacity: tuple[GroupCapacity, ...]
    bottleneck_room: str = Field(description="kind of room the demand loads most")
    rooms_needed: tuple[RoomNeed, ...] = Field(
        default=(), description="rooms of each group the plan would need to be on time"
    )
    rooms_needed_method: str = Field(
        default="", description="how rooms_needed was found (a heuristic, never a proof)"
    )
    unavoidable_lateness: float | None = Field(
        default=None,
        description="lateness (lot·time unit) no number of rooms removes: lots whose recipe"
        " alone ends after their due date",
    )
    robustness: PlanRobustness | None = None
    plan: PlanInfo
    genofab_version: str

    def to_json_dict(self) -> dict[str, object]:
        """The JSON of ``genofab schedule --format json``."""
        return self.model_dump(mode="json")
