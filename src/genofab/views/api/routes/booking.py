"""The booking flow: products, requests, quotes, transitions, the platform schedule, the
anonymised capacity and the audit trail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from genofab.io.db.audit import events
from genofab.service import booking
from genofab.views.api.deps import CallerDep, DatabaseDep
from genofab.views.api.schemas import PathId, RequestCreate, ScheduleCreate, Transition

router = APIRouter(tags=["booking"])


@router.get("/products")
def products(caller: CallerDep, database: DatabaseDep) -> list[str]:
    """The products the platform makes (what a sponsor may request)."""
    return booking.products(database)


@router.get("/requests")
def list_requests(caller: CallerDep, database: DatabaseDep) -> list[dict[str, Any]]:
    """The caller's requests (every sponsor's for the platform manager), with their lots."""
    return booking.list_for(database, caller.scope)


@router.post("/requests", status_code=201)
def create_request(body: RequestCreate, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """A sponsor member's demand request (submitted unless ``submit`` is false)."""
    return booking.submit(
        database,
        caller.scope,
        booking.RequestInput(
            product=body.product,
            lots=body.lots,
            due=body.due,
            note=body.note,
            scenario_id=body.scenario_id,
            submit=body.submit,
        ),
    )


@router.get("/requests/{request_id}")
def get_request(request_id: PathId, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """A request with its scheduled lots."""
    return booking.request_detail(database, caller.scope, request_id)


@router.get("/requests/{request_id}/quote")
def quote(request_id: PathId, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """What the request would cost and need, and whether and when it fits."""
    return booking.quote(database, caller.scope, request_id)


@router.post("/requests/{request_id}/transitions")
def transition(
    request_id: PathId, body: Transition, caller: CallerDep, database: DatabaseDep
) -> dict[str, Any]:
    """Move a request to another state (409 if it changed since ``version`` was read)."""
    return booking.move(
        database,
        caller.scope,
        request_id,
        body.state,
        read_version=body.version,
        reason=body.reason,
    )


@router.post("/schedule")
def schedule(body: ScheduleCreate, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """Schedule the platform plan with every approved request (platform manager only)."""
    return booking.schedule_platform(database, caller.scope, body.seed)


@router.get("/capacity")
def capacity(caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """Room load per month, anonymised; the manager also gets pending requests and the
    bottleneck."""
    return booking.capacity(database, caller.scope)


@router.get("/audit")
def audit(
    caller: CallerDep,
    database: DatabaseDep,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """The audit trail the caller may see (its sponsor's; all for the manager)."""
    with database.transaction(caller.scope) as session:
        return [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "actor": e.actor_name,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "reason": e.reason,
                "detail": e.detail,
            }
            for e in events(session, caller.scope, entity=entity, entity_id=entity_id, limit=limit)
        ]
