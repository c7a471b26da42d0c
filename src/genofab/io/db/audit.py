"""Writing the audit trail: one row per change, in the transaction of the change itself."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from genofab import __version__
from genofab.io.db.session import Scope
from genofab.io.db.tables import AuditEvent


def record(
    session: Session,
    scope: Scope,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    sponsor_id: int | None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add the audit row of a change (who, what, when, why) to ``session``'s transaction."""
    event = AuditEvent(
        actor_id=scope.actor_id,
        actor_name=scope.actor,
        sponsor_id=sponsor_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        reason=reason,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        genofab_version=__version__,
    )
    session.add(event)
    session.flush()
    return event


def events(
    session: Session,
    scope: Scope,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 200,
) -> list[AuditEvent]:
    """The newest audit rows the scope may see, newest first, optionally for one record."""
    query: Select[Any] = select(AuditEvent)
    if not scope.everything:
        query = query.where(AuditEvent.sponsor_id == scope.sponsor_id)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    return list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
