"""Demand requests, the lots a schedule placed for them, and the anonymised room load, scoped
to the sponsor who asks. A request's change names the version it was read at; a stale one
changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from genofab.errors import NotFoundError, StaleWriteError
from genofab.io.db.audit import record
from genofab.io.db.session import Scope
from genofab.io.db.tables import DemandRequest, RoomLoad, Run, ScheduledLot, utc_now


def _visible(query: Any, scope: Scope) -> Any:
    if scope.everything:
        return query
    return query.where(DemandRequest.sponsor_id == scope.sponsor_id)


def add_request(session: Session, scope: Scope, request: DemandRequest) -> DemandRequest:
    """Store a new request (audited)."""
    session.add(request)
    session.flush()
    record(
        session,
        scope,
        "create",
        "request",
        request.id,
        sponsor_id=request.sponsor_id,
        detail={"state": request.state, "product": request.product, "lots": request.lots},
    )
    return request


def list_requests(
    session: Session, scope: Scope, states: tuple[str, ...] | None = None
) -> list[DemandRequest]:
    """The requests the scope may see, by due date."""
    query = _visible(select(DemandRequest), scope)
    if states is not None:
        query = query.where(DemandRequest.state.in_(states))
    return list(session.scalars(query.order_by(DemandRequest.due, DemandRequest.id)))


def get_request(session: Session, scope: Scope, request_id: int) -> DemandRequest:
    """One request the scope may see."""
    found: DemandRequest | None = session.scalar(
        _visible(select(DemandRequest), scope).where(DemandRequest.id == request_id)
    )
    if found is None:
        raise NotFoundError(f"no request {request_id}")
    return found


def move_request(
    session: Session,
    scope: Scope,
    request: DemandRequest,
    state: str,
    *,
    read_version: int,
    reason: str | None,
    decision: bool = False,
) -> DemandRequest:
    """Move a request to ``state`` if it is still at ``read_version`` (audited); a decision's
    reason is also kept on the request."""
    before = request.state
    moved = session.execute(
        update(DemandRequest)
        .where(DemandRequest.id == request.id, DemandRequest.version == read_version)
        .values(
            state=state,
            version=read_version + 1,
            updated_at=utc_now(),
            **({"decision_reason": reason} if decision else {}),
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(request)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleWriteError(
            f"request {request.id} is at version {request.version}, the change was based on"
            f" version {read_version}: reload it",
            request.version,
        )
    record(
        session,
        scope,
        "transition",
        "request",
        request.id,
        sponsor_id=request.sponsor_id,
        reason=reason,
        detail={"from": before, "to": state, "version": request.version},
    )
    return request


def replace_lots(session: Session, run: Run, lots: list[ScheduledLot]) -> None:
    """Replace every scheduled lot of the requests in ``lots`` by the new schedule's."""
    requests = {lot.request_id for lot in lots}
    if requests:
        session.execute(delete(ScheduledLot).where(ScheduledLot.request_id.in_(requests)))
    session.add_all(lots)
    session.flush()


def lots_of(session: Session, scope: Scope, request_ids: list[int]) -> list[ScheduledLot]:
    """The scheduled lots of some requests the scope may see."""
    query = select(ScheduledLot).where(ScheduledLot.request_id.in_(request_ids))
    if not scope.everything:
        query = query.where(ScheduledLot.sponsor_id == scope.sponsor_id)
    return list(session.scalars(query.order_by(ScheduledLot.start, ScheduledLot.id)))


def replace_room_load(
    session: Session, run: Run, load: list[tuple[str, dt.date, float, float]]
) -> None:
    """The anonymised load of the newest schedule (room, month, busy days, days)."""
    session.execute(delete(RoomLoad))
    session.add_all(
        RoomLoad(run_id=run.id, room=room, month=month, busy_days=busy, days=days)
        for room, month, busy, days in load
    )
    session.flush()


def room_load(session: Session) -> list[RoomLoad]:
    """The anonymised load rows (no sponsor, product or lot: every user may see them)."""
    return list(session.scalars(select(RoomLoad).order_by(RoomLoad.room, RoomLoad.month)))
