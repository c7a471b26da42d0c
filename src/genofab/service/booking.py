"""The booking flow: a sponsor's demand request (product, lots, due date) is quoted before
anyone decides (cost per lot and per dose from the sponsor's scenario, room-weeks per kind of
room from the platform plan), the platform manager approves or declines it with a reason,
approved requests feed the platform plan, the manager schedules, and each sponsor sees its own
lots. Every transition is audited; a stale one changes nothing.

The platform plan is the platform's plan document named :data:`PLATFORM_PLAN`; its ``start``
date anchors the requests' due dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from genofab.errors import ForbiddenError, NotFoundError, StaleWriteError, UsageError
from genofab.io.db import bookings as store
from genofab.io.db import documents as documents_store
from genofab.io.db import runs as run_store
from genofab.io.db.session import MANAGER, SYSTEM, Database, Scope
from genofab.io.db.tables import DemandRequest, DocumentVersion, ScheduledLot
from genofab.io.yaml_source import YamlDocument, parse_yaml

PLATFORM_PLAN = "platform"
STATES = (
    "draft",
    "submitted",
    "approved",
    "declined",
    "scheduled",
    "made",
    "released",
    "failed",
    "remade",
)
#: Allowed moves, and who may make them ("sponsor": the request's own members).
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submitted"): "sponsor",
    ("submitted", "approved"): MANAGER,
    ("submitted", "declined"): MANAGER,
    ("approved", "scheduled"): MANAGER,
    ("scheduled", "scheduled"): MANAGER,
    ("scheduled", "made"): MANAGER,
    ("made", "released"): MANAGER,
    ("made", "failed"): MANAGER,
    ("failed", "remade"): MANAGER,
    ("remade", "scheduled"): MANAGER,
}
#: States whose lots the schedule places.
TO_SCHEDULE = ("approved", "scheduled", "remade")
MAX_LOTS = 100
MAX_NOTE = 2000
#: Seconds the solvers may use for a quote's trial schedule and for the platform schedule.
QUOTE_SECONDS = 3.0
SCHEDULE_SECONDS = 10.0


@dataclass(frozen=True)
class RequestInput:
    """What a sponsor asks for."""

    product: str
    lots: int
    due: dt.date
    note: str = ""
    scenario_id: int | None = None
    submit: bool = True


def describe(request: DemandRequest, lots: list[ScheduledLot] | None = None) -> dict[str, Any]:
    """A request's public fields (with its scheduled lots when given)."""
    described: dict[str, Any] = {
        "id": request.id,
        "sponsor_id": request.sponsor_id,
        "product": request.product,
        "lots": request.lots,
        "due": request.due.isoformat(),
        "note": request.note,
        "state": request.state,
        "version": request.version,
        "decision_reason": request.decision_reason,
        "scenario_version_id": request.scenario_version_id,
    }
    if lots is not None:
        described["scheduled_lots"] = [
            {
                "lot": lot.label,
                "room": lot.room,
                "start": lot.start.isoformat(),
                "end": lot.end.isoformat(),
                "release": lot.release.isoformat(),
            }
            for lot in lots
        ]
    return described


def _platform_plan(session: Any) -> DocumentVersion:
    document = documents_store.find_document(session, SYSTEM, "plan", PLATFORM_PLAN, None)
    if document is None:
        raise NotFoundError(
            f"the platform has no plan named '{PLATFORM_PLAN}' yet: the manager saves one first"
        )
    return documents_store.get_version(session, document)


def products(database: Database) -> list[str]:
    """The products the platform plan makes (what a sponsor may request)."""
    with database.transaction(SYSTEM) as session:
        version = _platform_plan(session)
    data = parse_yaml(version.content.encode("utf-8"), PLATFORM_PLAN).data
    return [str(product.get("name")) for product in data.get("products", [])]


def submit(database: Database, scope: Scope, wanted: RequestInput) -> dict[str, Any]:
    """A sponsor member's new request (submitted, or kept as a draft)."""
    if scope.everything or not scope.can_write:
        raise ForbiddenError("requests are made by a sponsor's members")
    if wanted.product not in products(database):
        raise UsageError(
            f"product '{wanted.product[:64]}' is not made by the platform; it makes:"
            f" {', '.join(products(database))}"
        )
    if not 1 <= wanted.lots <= MAX_LOTS:
        raise UsageError(f"lots must be from 1 to {MAX_LOTS}, got {wanted.lots}")
    today = dt.date.today()
    if not today <= wanted.due <= today + dt.timedelta(days=3653):
        raise UsageError("due must be a date from today to ten years ahead")
    if len(wanted.note) > MAX_NOTE:
        raise UsageError(f"note is limited to {MAX_NOTE} characters")
    with database.transaction(scope, write=True) as session:
        version_id = None
        if wanted.scenario_id is not None:
            document = documents_store.get_document(session, scope, wanted.scenario_id)
            if document.kind != "scenario":
                raise UsageError("scenario_id must name a scenario")
            version_id = documents_store.get_version(session, document).id
        request = store.add_request(
            session,
            scope,
            DemandRequest(
                sponsor_id=scope.sponsor_id,
                product=wanted.product,
                scenario_version_id=version_id,
                lots=wanted.lots,
                due=wanted.due,
                note=wanted.note,
                state="submitted" if wanted.submit else "draft",
                version=1,
                created_by=scope.actor_id,
            ),
        )
        return describe(request)


def move(
    database: Database,
    scope: Scope,
    request_id: int,
    state: str,
    *,
    read_version: int,
    reason: str | None = None,
) -> dict[str, Any]:
    """Move a request along :data:`TRANSITIONS`; declining needs a reason."""
    if not scope.can_write:
        raise ForbiddenError("a viewer cannot change a request")
    with database.transaction(scope, write=True) as session:
        request = store.get_request(session, scope, request_id)
        if request.version != read_version:
            raise StaleWriteError(
                f"request {request.id} changed since version {read_version} was read"
                f" (now version {request.version}, {request.state}): reload it",
                request.version,
            )
        who = TRANSITIONS.get((request.state, state))
        if who is None or state == "scheduled":
            raise UsageError(
                f"a {request.state} request cannot become {state[:20]}"
                + ("; the schedule sets it" if state == "scheduled" else "")
            )
        if who == MANAGER and scope.role != MANAGER:
            raise ForbiddenError(f"only the platform manager makes a request {state}")
        if who == "sponsor" and scope.everything:
            raise ForbiddenError("only the sponsor's members submit its request")
        if state == "declined" and not (reason or "").strip():
            raise UsageError("reason: say why the request is declined")
        store.move_request(
            session,
            scope,
            request,
            state,
            read_version=read_version,
            reason=reason,
            decision=state in ("approved", "declined"),
        )
        return describe(request)


def request_detail(database: Database, scope: Scope, request_id: int) -> dict[str, Any]:
    """A request with its scheduled lots."""
    with database.transaction(scope) as session:
        request = store.get_request(session, scope, request_id)
        return describe(request, store.lots_of(session, scope, [request.id]))


def list_for(database: Database, scope: Scope) -> list[dict[str, Any]]:
    """The scope's requests with their lots."""
    with database.transaction(scope) as session:
        requests = store.list_requests(session, scope)
        lots = store.lots_of(session, scope, [r.id for r in requests])
    by_request: dict[int, list[ScheduledLot]] = {}
    for lot in lots:
        by_request.setdefault(lot.request_id, []).append(lot)
    return [describe(r, by_request.get(r.id, [])) for r in requests]


def quote(database: Database, scope: Scope, request_id: int) -> dict[str, Any]:
    """What a request would cost and need, and whether it fits, before anyone decides."""
    from genofab.service.checks import check_scenario

    with database.transaction(scope) as session:
        request = store.get_request(session, scope, request_id)
        scenario_text = None
        if request.scenario_version_id is not None:
            version = documents_store.get_version_by_id(session, scope, request.scenario_version_id)
            scenario_text = version.content
    cost: dict[str, Any] | None = None
    if scenario_text is not None:
        _, run = check_scenario(scenario_text, f"request-{request.id}")
        if run.economics is not None:
            per_lot = run.cogs_per_lot
            cost = {
                "currency": run.economics.currency,
                "cogs_per_lot": per_lot,
                "cogs_per_dose": run.cogs_per_dose,
                "doses_per_lot": run.doses_per_lot,
                "total": per_lot * request.lots if per_lot is not None else None,
            }
    plan_file, demand_names = _plan_with_requests(database, extra=request)
    product = plan_file.plan.product(request.product)
    room_weeks: dict[str, float] = {}
    for phase in product.phases or ():
        room_weeks[phase.room] = room_weeks.get(phase.room, 0.0) + (
            request.lots * phase.duration.value / 7.0
        )
    fit = _trial_fit(plan_file, demand_names[request.id], request)
    return {"request": describe(request), "cost": cost, "room_weeks": room_weeks, "fit": fit}


def _trial_fit(plan_file: Any, sponsor_key: str, request: DemandRequest) -> dict[str, Any]:
    from genofab.engines.scheduling.run import schedule_plan

    result = schedule_plan(
        plan_file.plan,
        "lateness",
        scenarios=plan_file.scenarios,
        time_limit=QUOTE_SECONDS,
        workers=1,
    )
    mine = [
        row for row in result.lots if row.sponsor == sponsor_key and row.product == request.product
    ]
    releases = sorted(row.release_date for row in mine if row.release_date is not None)
    late = sum(1 for row in mine if row.lateness > 0)
    return {
        "status": result.status,
        "lots_placed": len({row.lot for row in mine}),
        "lots_late": late,
        "last_release": releases[-1].isoformat() if releases else None,
        "fits": result.status in ("optimal", "feasible") and late == 0,
    }


def _plan_with_requests(
    database: Database, extra: DemandRequest | None = None
) -> tuple[Any, dict[int, str]]:
    """The platform plan with a demand per request to schedule (and ``extra``), each
    sponsor named by an opaque key; the keys by request id."""
    from genofab.io.plan_file import validate_plan_document
    from genofab.service.documents import scenario_resolver

    with database.transaction(SYSTEM) as session:
        version = _platform_plan(session)
        requests = store.list_requests(session, SYSTEM, TO_SCHEDULE)
        if extra is not None and extra.id not in {r.id for r in requests}:
            requests.append(extra)
        document = parse_yaml(version.content.encode("utf-8"), f"{PLATFORM_PLAN}.yaml")
        data = dict(document.data)
        keys = {r.id: f"sponsor_{r.sponsor_id}" for r in requests}
        data["demands"] = list(data.get("demands", [])) + [
            {
                "sponsor": keys[r.id],
                "product": r.product,
                "lots": {"value": r.lots, "source": f"demand request {r.id}"},
                "due": r.due.isoformat(),
            }
            for r in requests
        ]
        digest = hashlib.sha256(repr(data).encode("utf-8")).hexdigest()
        combined = YamlDocument(document.file, data, document.positions, digest)
        plan_file = validate_plan_document(combined, None, scenario_resolver(session, SYSTEM, None))
    return plan_file, keys


def schedule_platform(database: Database, scope: Scope, seed: int = 0) -> dict[str, Any]:
    """Schedule the platform plan with every approved request (manager only): store the run,
    each request's lots and the anonymised room load, and mark the requests scheduled."""
    from genofab.engines.scheduling.run import schedule_plan
    from genofab.results.schedule import PlanInfo
    from genofab.service.computations import Outcome, result_text

    if scope.role != MANAGER or not scope.everything:
        raise ForbiddenError("only the platform manager schedules the platform")
    plan_file, keys = _plan_with_requests(database)
    result = schedule_plan(
        plan_file.plan,
        plan_file.plan.objective,
        scenarios=plan_file.scenarios,
        time_limit=SCHEDULE_SECONDS,
        workers=1,
        seed=seed,
        origin=PlanInfo(name=plan_file.plan.name, sha256=plan_file.sha256),
    )
    with database.transaction(scope, write=True) as session:
        version = _platform_plan(session)
        run = run_store.create_run(session, scope, version, "schedule", seed=seed, samples=None)
        run_store.finish_run(
            session,
            scope,
            run,
            result=result_text(Outcome(result.to_json_dict())),
            error=None,
            artifacts={},
        )
        requests = store.list_requests(session, scope, TO_SCHEDULE)
        lots = _assign_lots(result, requests, keys, run.id)
        store.replace_lots(session, run, lots)
        placed = {lot.request_id for lot in lots}
        for request in requests:
            if request.id in placed:
                store.move_request(
                    session,
                    scope,
                    request,
                    "scheduled",
                    read_version=request.version,
                    reason=f"schedule run {run.id}",
                )
        lots_at_once = {group.name: float(group.capacity.value) for group in plan_file.plan.rooms}
        store.replace_room_load(session, run, _monthly_load(result, lots_at_once))
        return {
            "run_id": run.id,
            "status": result.status,
            "requests_scheduled": sorted(placed),
            "lots": len(lots),
        }


def _assign_lots(
    result: Any, requests: list[DemandRequest], keys: dict[int, str], run_id: int
) -> list[ScheduledLot]:
    """Each request's lots: the schedule's lots of its sponsor and product, first due first."""
    by_lot: dict[tuple[str, str], dict[str, list[Any]]] = {}
    for row in result.lots:
        by_lot.setdefault((row.sponsor, row.product), {}).setdefault(row.lot, []).append(row)
    placed: list[ScheduledLot] = []
    for request in sorted(requests, key=lambda r: (r.due, r.id)):
        pool = by_lot.get((keys.get(request.id, ""), request.product), {})
        chosen = sorted(pool, key=lambda name: min(r.due for r in pool[name]))[: request.lots]
        for number, label in enumerate(chosen, 1):
            phases = pool.pop(label)
            first = min(phases, key=lambda r: r.start)
            last = max(phases, key=lambda r: r.end)
            if first.start_date is None or last.end_date is None or last.release_date is None:
                continue
            placed.append(
                ScheduledLot(
                    request_id=request.id,
                    sponsor_id=request.sponsor_id,
                    run_id=run_id,
                    label=f"{request.product}-{number:02d}",
                    room=first.room,
                    start=first.start_date,
                    end=last.end_date,
                    release=last.release_date,
                )
            )
    return placed


def _monthly_load(
    result: Any, lots_at_once: dict[str, float]
) -> list[tuple[str, dt.date, float, float]]:
    """Lot-days each room holds per calendar month, and the lot-days it could hold (its days
    times the lots it takes at once); no sponsor, product or lot."""
    busy: dict[tuple[str, dt.date], float] = {}
    for row in result.lots:
        if row.start_date is None or row.end_date is None:
            continue
        day = row.start_date
        while day < row.end_date:
            month = day.replace(day=1)
            busy[(row.room, month)] = busy.get((row.room, month), 0.0) + 1.0
            day += dt.timedelta(days=1)
    return [
        (
            room,
            month,
            days,
            calendar.monthrange(month.year, month.month)[1]
            * lots_at_once.get(room.split(" #")[0], 1.0),
        )
        for (room, month), days in sorted(busy.items())
    ]


def room_kind(room: str) -> str:
    """The kind of a scheduled room: its group in the plan (``cell_suite #2`` → ``cell_suite``)."""
    return room.split(" #")[0]


def load_by_kind(load: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of per-room load (room, month, busy and free days) summed per kind of room and
    month: the kind's utilisation is its rooms' busy days over their days."""
    totals: dict[tuple[str, str], list[float]] = {}
    for row in load:
        held = totals.setdefault((room_kind(row["room"]), row["month"]), [0.0, 0.0, 0])
        held[0] += row["busy_days"]
        held[1] += row["busy_days"] + row["free_days"]
        held[2] += 1
    return [
        {
            "kind": kind,
            "month": month,
            "rooms": int(rooms),
            "busy_days": busy,
            "free_days": max(days - busy, 0.0),
            "utilisation": busy / days if days else 0.0,
        }
        for (kind, month), (busy, days, rooms) in sorted(totals.items())
    ]


def bottleneck_kind(by_kind: list[dict[str, Any]]) -> str | None:
    """The kind of room held most over the whole schedule (busy days over days)."""
    totals: dict[str, list[float]] = {}
    for row in by_kind:
        held = totals.setdefault(row["kind"], [0.0, 0.0])
        held[0] += row["busy_days"]
        held[1] += row["busy_days"] + row["free_days"]
    shares = {kind: busy / days for kind, (busy, days) in totals.items() if days}
    return max(sorted(shares), key=lambda kind: shares[kind]) if shares else None


def capacity(database: Database, scope: Scope) -> dict[str, Any]:
    """The platform's load per room and month and per kind of room and month, anonymised (for
    every user); the manager also gets the pending requests and the bottleneck (the room held
    most days, and the kind of room held most)."""
    with database.transaction(scope) as session:
        rows = store.room_load(session)
        load = [
            {
                "room": row.room,
                "month": row.month.isoformat(),
                "busy_days": row.busy_days,
                "free_days": max(row.days - row.busy_days, 0.0),
                "utilisation": row.busy_days / row.days if row.days else 0.0,
            }
            for row in rows
        ]
        board: dict[str, Any] = {"load": load, "by_kind": load_by_kind(load)}
        if scope.role == MANAGER and scope.everything:
            pending = store.list_requests(session, scope, ("submitted",))
            board["pending"] = [describe(r) for r in pending]
            totals: dict[str, float] = {}
            for row in rows:
                totals[row.room] = totals.get(row.room, 0.0) + row.busy_days
            board["bottleneck"] = max(totals, key=lambda room: totals[room]) if totals else None
            board["bottleneck_kind"] = bottleneck_kind(board["by_kind"])
    return board
