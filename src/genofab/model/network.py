"""The network format ``genofab-network/1``: where autologous therapies are made.

A network names the treatment centres (where each patient's cells are collected and the
therapy is given back), the manufacturing sites (existing, or candidates that may be opened,
each with its capacity in lots at once, manufacturing and QC times, running cost and cost per
therapy, written out or taken from a ``genofab/1`` scenario), the transport lanes between
them by mode (time and cost), a maximum vein-to-vein time, and the patients: arrival days
at each centre, or yearly demand levels spread over the centres. The engine
(:mod:`genofab.engines.network`) chooses which sites to open and which site makes each
patient's lot, and by which modes it travels. Cross-references are checked by
:func:`network_problems`, which reports every problem at once.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, model_validator

from genofab.errors import did_you_mean
from genofab.model.base import (
    Frozen,
    Identifier,
    Problems,
    Text,
    deferred,
    raise_problems,
    repeat_problems,
)
from genofab.model.distributions import is_uncertain
from genofab.model.outlook_quantities import (
    DemandLevel,
    LotsAtOnce,
    Money,
    MoneyPerPatient,
    MoneyPerYear,
    NetworkDuration,
    NetworkHorizon,
    Share,
)
from genofab.model.parameter import default
from genofab.model.quantities import Probability
from genofab.model.scenario import iter_parameters

FORMAT = "genofab-network/1"
#: At most this many centres, sites, modes, lanes and demand levels.
MAX_ITEMS = 200
#: At most this many patients' arrival days listed for one centre.
MAX_ARRIVALS = 100_000


class Centre(Frozen):
    """A treatment centre: patients' cells are collected there and the therapy returns there.
    Patients arrive on the listed days (1 = the first day of the horizon), or a ``share`` of
    each demand level arrives there, spread evenly over the horizon."""

    name: Identifier
    arrivals: tuple[int, ...] | None = Field(
        default=None,
        max_length=MAX_ARRIVALS,
        description="the day each patient arrives for collection (1-based)",
    )
    share: Share | None = Field(default=None, description="share of each demand level")
    collected_at: Identifier | None = Field(
        default=None,
        description="the collection site where this centre's patients give their cells"
        " (default: the centre itself)",
    )
    description: Text | None = None


class Site(Frozen):
    """A manufacturing site: its lots at once, manufacturing time (the lot holds a place) and
    QC time (before shipping), its running cost while open and the cost of one therapy —
    written out, or taken from ``scenario`` (what is written wins)."""

    name: Identifier
    status: Literal["existing", "candidate"] = "candidate"
    type: Literal["small", "medium", "large"] | None = None
    scenario: str | None = Field(
        default=None, min_length=1, max_length=255, description="a genofab/1 file beside it"
    )
    capacity: LotsAtOnce | None = Field(default=None, description="lots in manufacture at once")
    manufacturing_time: NetworkDuration | None = None
    qc_time: NetworkDuration | None = None
    fixed_cost: MoneyPerYear | None = Field(
        default=None,
        description="running cost while open (a year, or a day: EUR/d); default: the"
        " scenario's fixed cost a year, or none",
    )
    opening_cost: Money = default(0, "EUR", "nothing to pay to open it")
    cost_per_therapy: MoneyPerPatient | None = None
    lot_failure: Probability = default(
        0,
        "",
        "no lot fails (a scenario's cost per therapy already counts its failed lots)",
    )
    description: Text | None = None


class Lane(Frozen):
    """A transport lane by one mode: from a centre to a site (the patient's cells) or from a
    site to a centre (the therapy)."""

    origin: Identifier = Field(alias="from")
    destination: Identifier = Field(alias="to")
    mode: Identifier
    time: NetworkDuration
    cost: MoneyPerPatient = default(0, "EUR/patient", "no transport cost")


class Network(Frozen):
    """Centres, sites, lanes and patients over a horizon of days."""

    format: Literal["genofab-network/1"]
    name: Text
    description: Text | None = None
    horizon: NetworkHorizon = Field(description="the days over which patients arrive")
    vein_to_vein_max: NetworkDuration = Field(
        description="longest time from collection to the therapy's return"
    )
    collection_time: NetworkDuration = default(0, "d", "cells leave on the day of collection")
    administration_time: NetworkDuration = default(0, "d", "given on the day it arrives")
    max_sites: int | None = Field(default=None, ge=1, le=MAX_ITEMS, description="sites open")
    unserved_penalty: MoneyPerPatient | None = Field(
        default=None,
        description="cost of a patient not served; default: every patient who can be served is",
    )
    when_full: Literal["unserved", "queue"] = Field(
        default="unserved",
        description="a patient whose cells find every place of the centre's sites taken:"
        " unserved, or queue (waits for the place that returns the therapy first, lost if"
        " that is past the vein-to-vein limit)",
    )
    demand_levels: tuple[DemandLevel, ...] | None = Field(
        default=None, max_length=20, description="patients a year, each a run"
    )
    centres: tuple[Centre, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    collection_sites: tuple[Identifier, ...] = Field(
        default=(),
        max_length=MAX_ITEMS,
        description="apheresis sites apart from the centres (a centre names its own)",
    )
    sites: tuple[Site, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    lanes: tuple[Lane, ...] = Field(min_length=1, max_length=MAX_ITEMS * 20)

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Network:
        if not deferred(info):
            raise_problems(network_problems(self))
        return self


def network_problems(network: Network) -> Problems:
    """Every cross-reference and spanning rule the network breaks, as (path, message)."""
    problems: Problems = []
    problems += repeat_problems([c.name for c in network.centres], "centres", "name")
    problems += repeat_problems([s.name for s in network.sites], "sites", "name")
    centres = [c.name for c in network.centres]
    sites = [s.name for s in network.sites]
    collection = list(network.collection_sites)
    problems += repeat_problems(collection, "collection_sites", "name")
    for label, group in (("a site", sites), ("a collection site", collection)):
        shared = set(centres) & set(group)
        if shared:
            problems.append(
                (
                    "sites" if group is sites else "collection_sites",
                    f"{', '.join(sorted(shared))} names both a centre and {label}: rename one",
                )
            )
    if set(sites) & set(collection):
        both = ", ".join(sorted(set(sites) & set(collection)))
        problems.append(("collection_sites", f"{both} names both a site and a collection site"))
    for i, centre in enumerate(network.centres):
        if centre.collected_at is not None and centre.collected_at not in collection + centres:
            problems.append(
                (
                    f"centres[{i}].collected_at",
                    f"'{centre.collected_at}' is neither a collection site nor a centre"
                    f"{did_you_mean(centre.collected_at, collection + centres)}",
                )
            )
    days = network.horizon.value
    levels = network.demand_levels is not None
    for i, centre in enumerate(network.centres):
        if levels and centre.share is None:
            problems.append((f"centres[{i}].share", "demand_levels need each centre's share"))
        if not levels and centre.arrivals is None:
            problems.append(
                (f"centres[{i}].arrivals", "give the arrival days (or demand_levels and shares)")
            )
        for j, day in enumerate(centre.arrivals or ()):
            if not 1 <= day <= days:
                problems.append(
                    (f"centres[{i}].arrivals[{j}]", f"day {day} is outside the horizon 1–{days:g}")
                )
    if levels:
        total = sum(c.share.value for c in network.centres if c.share is not None)
        if abs(total - 1.0) > 1e-6:
            problems.append(("centres", f"the centres' shares add up to {total:.4g}, not 100 %"))
    for i, site in enumerate(network.sites):
        if site.scenario is None:
            for field in ("capacity", "manufacturing_time", "qc_time", "cost_per_therapy"):
                if getattr(site, field) is None:
                    problems.append(
                        (f"sites[{i}].{field}", "give it, or a scenario to take it from")
                    )
    seen: dict[tuple[str, str, str], int] = {}
    for i, lane in enumerate(network.lanes):
        key = (lane.origin, lane.destination, lane.mode)
        if key in seen:
            problems.append((f"lanes[{i}]", f"repeats lanes[{seen[key]}] (same ends and mode)"))
        seen.setdefault(key, i)
        inbound = lane.origin in centres + collection and lane.destination in sites
        outbound = lane.origin in sites and lane.destination in centres
        if not (inbound or outbound):
            ends = centres + collection + sites
            for end, field in ((lane.origin, "from"), (lane.destination, "to")):
                if end not in ends:
                    problems.append(
                        (
                            f"lanes[{i}].{field}",
                            f"'{end}' is not a centre, collection site or site"
                            f"{did_you_mean(end, ends)}",
                        )
                    )
            if lane.origin in ends and lane.destination in ends:
                problems.append(
                    (
                        f"lanes[{i}]",
                        "a lane goes from a centre to a site or from a site to a centre",
                    )
                )
    if network.max_sites is not None:
        existing = sum(1 for site in network.sites if site.status == "existing")
        if existing > network.max_sites:
            problems.append(
                (
                    "max_sites",
                    f"{network.max_sites} is fewer than the {existing} existing sites",
                )
            )
    problems += _undrawn_uncertainty(network)
    return problems


#: The sites' fields whose ``uncertainty`` the network's Monte Carlo draws (with the lanes'
#: times and the demand levels).
DRAWN_SITE_FIELDS = ("manufacturing_time", "qc_time", "lot_failure")


def drawn_path(path: str) -> bool:
    """Whether the network's Monte Carlo draws the parameter at ``path``."""
    if path.startswith("demand_levels["):
        return True
    head, _, field = path.rpartition(".")
    if head.startswith("sites[") and field in DRAWN_SITE_FIELDS:
        return True
    return head.startswith("lanes[") and field == "time"


def _undrawn_uncertainty(network: Network) -> Problems:
    """An uncertainty the Monte Carlo would not draw is refused rather than ignored."""
    return [
        (
            f"{path}.uncertainty",
            "the network's Monte Carlo draws only manufacturing and QC times, lane times,"
            " lot failure and demand levels: state this value without an uncertainty",
        )
        for path, parameter in iter_parameters(network)
        if is_uncertain(parameter.uncertainty) and not drawn_path(path)
    ]
