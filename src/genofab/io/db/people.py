"""Sponsors, users, API tokens and browser sessions. A sponsor's member sees its own sponsor
and its own people only; the platform manager sees all."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from genofab.errors import ForbiddenError, NotFoundError, StaleWriteError
from genofab.io.db.audit import record
from genofab.io.db.session import MANAGER, ROLES, Scope
from genofab.io.db.tables import ApiToken, Sponsor, User, WebSession, utc_now


def _manager_only(scope: Scope, what: str) -> None:
    if not (scope.everything and scope.role == MANAGER):
        raise ForbiddenError(f"only the platform manager can {what}")


def create_sponsor(session: Session, scope: Scope, name: str) -> Sponsor:
    """A new sponsor (platform manager only)."""
    _manager_only(scope, "add a sponsor")
    sponsor = Sponsor(name=name)
    session.add(sponsor)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise StaleWriteError(f"a sponsor named '{name}' exists") from None
    record(
        session,
        scope,
        "create",
        "sponsor",
        sponsor.id,
        sponsor_id=sponsor.id,
        detail={"name": name},
    )
    return sponsor


def list_sponsors(session: Session, scope: Scope) -> list[Sponsor]:
    """Every sponsor for the manager; one's own for a sponsor's people."""
    query = select(Sponsor).order_by(Sponsor.name)
    if not scope.everything:
        query = query.where(Sponsor.id == scope.sponsor_id)
    return list(session.scalars(query))


def get_sponsor(session: Session, scope: Scope, sponsor_id: int) -> Sponsor:
    """One sponsor the scope may see."""
    if not scope.everything and sponsor_id != scope.sponsor_id:
        raise NotFoundError(f"no sponsor {sponsor_id}")
    found = session.get(Sponsor, sponsor_id)
    if found is None:
        raise NotFoundError(f"no sponsor {sponsor_id}")
    return found


def create_user(
    session: Session,
    scope: Scope,
    *,
    username: str,
    display_name: str,
    password_hash: str,
    role: str,
    sponsor_id: int | None,
) -> User:
    """A new user (platform manager only); members and viewers belong to one sponsor, the
    manager to none."""
    _manager_only(scope, "add a user")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if (role == MANAGER) != (sponsor_id is None):
        raise ValueError("a platform manager has no sponsor; members and viewers have one")
    if sponsor_id is not None:
        get_sponsor(session, scope, sponsor_id)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=password_hash,
        role=role,
        sponsor_id=sponsor_id,
        active=True,
    )
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise StaleWriteError(f"a user named '{username}' exists") from None
    record(
        session,
        scope,
        "create",
        "user",
        user.id,
        sponsor_id=sponsor_id,
        detail={"username": username, "role": role},
    )
    return user


def list_users(session: Session, scope: Scope) -> list[User]:
    """The users the scope may see."""
    query = select(User).order_by(User.username)
    if not scope.everything:
        query = query.where(User.sponsor_id == scope.sponsor_id)
    return list(session.scalars(query))


def user_by_name(session: Session, username: str) -> User | None:
    """The active user of this name (for logging in)."""
    return session.scalar(select(User).where(User.username == username, User.active.is_(True)))


def user_by_id(session: Session, user_id: int) -> User | None:
    """The active user of this id."""
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


def add_token(session: Session, user: User, token_sha256: str, label: str) -> ApiToken:
    """Store an API token's hash for ``user``."""
    token = ApiToken(user_id=user.id, token_sha256=token_sha256, label=label)
    session.add(token)
    session.flush()
    return token


def user_by_token(session: Session, token_sha256: str) -> User | None:
    """The active user an unrevoked API token belongs to."""
    return session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_sha256 == token_sha256,
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )


def add_session(
    session: Session, user: User, session_sha256: str, csrf: str, lifetime: dt.timedelta
) -> WebSession:
    """Store a browser session for ``user``."""
    web = WebSession(id=session_sha256, user_id=user.id, csrf=csrf, expires_at=utc_now() + lifetime)
    session.add(web)
    session.flush()
    return web


def session_user(session: Session, session_sha256: str) -> tuple[User, WebSession] | None:
    """The user and session of an unexpired browser session."""
    web = session.get(WebSession, session_sha256)
    if web is None:
        return None
    expires = web.expires_at if web.expires_at.tzinfo else web.expires_at.replace(tzinfo=dt.UTC)
    if expires <= utc_now():
        return None
    user = user_by_id(session, web.user_id)
    return (user, web) if user is not None else None


def end_session(session: Session, session_sha256: str) -> None:
    """Forget a browser session (logging out)."""
    session.execute(delete(WebSession).where(WebSession.id == session_sha256))
