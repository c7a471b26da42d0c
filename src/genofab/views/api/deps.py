"""What routes depend on: the database, the job queue and the scope of the caller, found from
an API token (``Authorization: Bearer``) or a browser session cookie. A browser's unsafe
request must carry its session's CSRF token (header ``X-CSRF-Token`` or form field).

Routes are plain functions, run in worker threads, except the reads of one record by id
(a document, a version, a run): those are ``async`` and read in the event loop, skipping the
hop to a worker thread and back, which costs more CPU than the read itself (a read by primary
key takes well under a millisecond, and never waits for a lock: SQLite's WAL and
PostgreSQL's MVCC let readers pass writers). See BENCHMARKS.md."""

from __future__ import annotations

import threading
import time
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


async def database(request: Request) -> Database:
    """The app's database (async: no worker-thread hop for a lookup)."""
    found: Database = request.app.state.database
    return found


async def jobs(request: Request) -> JobQueue:
    """The app's job queue."""
    found: JobQueue = request.app.state.jobs
    return found


async def throttle(request: Request) -> LoginThrottle:
    """The app's login throttle."""
    found: LoginThrottle = request.app.state.throttle
    return found


class CredentialCache:
    """Who a token or session secret belongs to, remembered for :data:`CREDENTIAL_SECONDS`
    so a read does not look its caller up every time (a logout forgets at once; a revoked
    token or a deactivated user is refused within that time)."""

    def __init__(self, seconds: float = 10.0, size: int = 10_000) -> None:
        self.seconds, self.size = seconds, size
        self._known: dict[str, tuple[float, Caller]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Caller | None:
        """The remembered caller, if still fresh."""
        with self._lock:
            found = self._known.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key: str, caller: Caller) -> None:
        """Remember a caller (the oldest half is dropped when full)."""
        with self._lock:
            if len(self._known) >= self.size:
                for old in list(self._known)[: self.size // 2]:
                    del self._known[old]
            self._known[key] = (time.monotonic() + self.seconds, caller)

    def forget(self, key: str) -> None:
        """Forget a credential (logging out)."""
        with self._lock:
            self._known.pop(key, None)


def identify(request: Request) -> Caller | None:
    """The caller, or None when the request carries no valid credential."""
    db: Database = request.app.state.database
    cache: CredentialCache = request.app.state.credentials
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        key = "token:" + digest(header[7:].strip())
        caller = cache.get(key)
        if caller is None:
            with db.transaction(SYSTEM) as session:
                user = people.user_by_token(session, key[6:])
            if user is None:
                return None
            caller = Caller(scope_of(user), user.display_name, None)
            cache.put(key, caller)
        return caller
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    key = "session:" + digest(secret)
    caller = cache.get(key)
    if caller is None:
        with db.transaction(SYSTEM) as session:
            found = people.session_user(session, key[8:])
        if found is None:
            return None
        user, web = found
        caller = Caller(scope_of(user), user.display_name, web.csrf)
        cache.put(key, caller)
    return caller


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
