"""People and their credentials: argon2 password hashes, API tokens and browser sessions
(only their SHA-256 is stored), login attempts limited per name and address, and the scope
each user acts in. Passwords and tokens are never logged or stored in clear."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from genofab.errors import UsageError
from genofab.io.db import people
from genofab.io.db.audit import record
from genofab.io.db.session import SYSTEM, Database, Scope
from genofab.io.db.tables import User

_hasher = PasswordHasher()
#: A hash to verify against when the name is unknown, so timing does not tell names apart.
_DUMMY = _hasher.hash("genofab: no such user")
SESSION_LIFETIME = dt.timedelta(hours=12)
#: Failed logins allowed per name and per address in :data:`LOGIN_WINDOW` seconds.
LOGIN_ATTEMPTS = 5
LOGIN_WINDOW = 300.0
MIN_PASSWORD = 10
MAX_PASSWORD = 256


def hash_password(password: str) -> str:
    """The argon2id hash of a password (10 to 256 characters)."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UsageError(f"password: use {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return _hasher.hash(password)


def digest(secret: str) -> str:
    """The SHA-256 under which a token or session secret is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def scope_of(user: User) -> Scope:
    """The scope a user acts in."""
    return Scope(user.id, user.username, user.role, user.sponsor_id)


class LoginThrottle:
    """Failed logins per key (a name, an address) in a sliding window."""

    def __init__(self, attempts: int = LOGIN_ATTEMPTS, window: float = LOGIN_WINDOW) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> bool:
        """Whether any key has used up its attempts."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                failures = self._failures.get(key)
                while failures and now - failures[0] > self.window:
                    failures.popleft()
                if failures and len(failures) >= self.attempts:
                    return True
        return False

    def fail(self, *keys: str) -> None:
        """Count a failure against each key."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)

    def clear(self, *keys: str) -> None:
        """Forget the failures of each key (after a success)."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


@dataclass(frozen=True)
class Login:
    """A successful login: the user's scope and, for a browser, the session secret and its
    CSRF token."""

    scope: Scope
    secret: str
    csrf: str


class TooManyAttemptsError(Exception):
    """Login attempts used up for now."""


def authenticate(
    database: Database, throttle: LoginThrottle, username: str, password: str, address: str
) -> User | None:
    """The user whose password this is, or None; too many failures raise TooManyAttemptsError."""
    keys = (f"name:{username[:64].lower()}", f"address:{address}")
    if throttle.blocked(*keys):
        raise TooManyAttemptsError()
    with database.transaction(SYSTEM) as session:
        user = people.user_by_name(session, username[:64])
    try:
        _hasher.verify(user.password_hash if user else _DUMMY, password[:MAX_PASSWORD])
        valid = user is not None
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid:
        throttle.fail(*keys)
        with database.transaction(SYSTEM, write=True) as session:
            record(
                session,
                SYSTEM,
                "login_failed",
                "user",
                user.id if user else None,
                sponsor_id=None,
                detail={"username": username[:64], "address": address},
            )
        return None
    throttle.clear(*keys)
    return user


def open_session(database: Database, user: User) -> Login:
    """A new browser session for ``user`` (audited)."""
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with database.transaction(SYSTEM, write=True) as session:
        people.add_session(session, user, digest(secret), csrf, SESSION_LIFETIME)
        record(session, scope_of(user), "login", "user", user.id, sponsor_id=user.sponsor_id)
    return Login(scope_of(user), secret, csrf)


def issue_token(database: Database, user: User, label: str) -> str:
    """A new API token for ``user``; only its hash is kept, so it is shown once."""
    token = "gf_" + secrets.token_urlsafe(32)
    with database.transaction(SYSTEM, write=True) as session:
        people.add_token(session, user, digest(token), label[:80])
        record(
            session,
            scope_of(user),
            "issue_token",
            "user",
            user.id,
            sponsor_id=user.sponsor_id,
            detail={"label": label[:80]},
        )
    return token


def create_user(
    database: Database,
    scope: Scope,
    *,
    username: str,
    display_name: str,
    password: str,
    role: str,
    sponsor_id: int | None,
) -> User:
    """A new user with a hashed password (platform manager only)."""
    with database.transaction(scope, write=True) as session:
        return people.create_user(
            session,
            scope,
            username=username,
            display_name=display_name,
            password_hash=hash_password(password),
            role=role,
            sponsor_id=sponsor_id,
        )
