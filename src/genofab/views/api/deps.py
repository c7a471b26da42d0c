"""What routes depend on: the database, the job queue and the scope of the caller, found from
an API token (``Authorization: Bearer``) or a browser session cookie. A browser's unsafe
request must carry its session's CSRF token (header ``X-CSRF-Token`` or form field)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from genofab.io.db import people
from genofab.io.db.session import SYSTEM, Database, Scope
from genofab.service.auth import LoginThrottle, digest, scope_of
from genofab.service.jobs import JobQueue

SESSION_COOKIE = "genofab_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Caller:
    """Who calls: their scope, display name, and the CSRF token of their browser session."""

    scope: Scope
    display_name: str
    csrf: str | None


def database(request: Request) -> Database:
    """The app's database."""
    found: Database = request.app.state.database
    return found


def jobs(request: Request) -> JobQueue:
    """The app's job queue."""
    found: JobQueue = request.app.state.jobs
    return found


def throttle(request: Request) -> LoginThrottle:
    """The app's login throttle."""
    found: LoginThrottle = request.app.state.throttle
    return found


def identify(request: Request) -> Caller | None:
    """The caller, or None when the request carries no valid credential."""
    db: Database = request.app.state.database
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        with db.transaction(SYSTEM) as session:
            user = people.user_by_token(session, digest(header[7:].strip()))
        return Caller(scope_of(user), user.display_name, None) if user else None
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    with db.transaction(SYSTEM) as session:
        found = people.session_user(session, digest(secret))
    if found is None:
        return None
    user, web = found
    return Caller(scope_of(user), user.display_name, web.csrf)


async def check_csrf(request: Request, caller: Caller) -> None:
    """Refuse a browser's unsafe request without its session's CSRF token (403)."""
    if caller.csrf is None or request.method in SAFE_METHODS:
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    import hmac

    if not given or not hmac.compare_digest(given, caller.csrf):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page")


async def current_caller(request: Request) -> Caller:
    """The authenticated caller (401 otherwise), CSRF checked for browsers."""
    caller = identify(request)
    if caller is None:
        raise HTTPException(401, "log in, or send an API token", {"WWW-Authenticate": "Bearer"})
    await check_csrf(request, caller)
    return caller


DatabaseDep = Annotated[Database, Depends(database)]
JobsDep = Annotated[JobQueue, Depends(jobs)]
CallerDep = Annotated[Caller, Depends(current_caller)]
ThrottleDep = Annotated[LoginThrottle, Depends(throttle)]
