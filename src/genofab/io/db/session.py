"""The database connection: SQLite in a data folder by default, PostgreSQL by URL.

Every unit of work is one transaction opened by :meth:`Database.transaction` for a
:class:`Scope` (who acts, for which sponsor). On SQLite a writing transaction starts with
``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing; WAL, ``synchronous=FULL``
and foreign keys are switched on. On PostgreSQL every connection acts as the role
``genofab_app``, which owns no table, and each transaction tells row-level security whose rows
it may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

#: The role the application acts as on PostgreSQL (created by the first migration).
APP_ROLE = "genofab_app"
#: Seconds a SQLite writer waits for another to finish before giving up.
SQLITE_BUSY_SECONDS = 30

MANAGER = "manager"
MEMBER = "member"
VIEWER = "viewer"
ROLES = (MANAGER, MEMBER, VIEWER)


@dataclass(frozen=True)
class Scope:
    """Who acts and what they may see: a sponsor's rows, or every row (``sponsor_id`` None:
    the platform manager, or the system itself at start-up)."""

    actor_id: int | None
    actor: str
    role: str
    sponsor_id: int | None

    @property
    def everything(self) -> bool:
        """Whether this scope sees every sponsor's rows."""
        return self.sponsor_id is None

    @property
    def can_write(self) -> bool:
        """Viewers read; members and the manager write."""
        return self.role != VIEWER


#: The scope of the server itself (migrations, demo data, job bookkeeping).
SYSTEM = Scope(None, "system", MANAGER, None)


def sqlite_url(folder: Path) -> str:
    """The URL of the workbench's SQLite file in ``folder``."""
    return f"sqlite:///{Path(folder).resolve() / 'genofab.sqlite3'}"


def normalised_url(url: str) -> str:
    """``postgresql://`` URLs use psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Database:
    """An engine and the transactions opened on it."""

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self.url = normalised_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(
                self.url,
                connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False},
                pool_size=pool_size,
                max_overflow=8,
            )
            _sqlite_events(self.engine)
        else:
            self.engine = create_engine(self.url, pool_size=pool_size, max_overflow=8)

            @event.listens_for(self.engine, "connect")
            def _act_as_app(connection: Any, record: Any) -> None:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET ROLE {APP_ROLE}")
                connection.commit()

    @property
    def _reader(self) -> Engine:
        return self._bound(False)

    @property
    def _writer(self) -> Engine:
        return self._bound(True)

    def _bound(self, write: bool) -> Engine:
        """The engine with the ``genofab_write`` option, made once per database."""
        key = "_write_engine" if write else "_read_engine"
        found = self.__dict__.get(key)
        if found is None:
            found = self.engine.execution_options(genofab_write=write)
            self.__dict__[key] = found
        return found

    def owner_engine(self) -> Engine:
        """An engine acting as the URL's own role, for migrations only (dispose it after)."""
        if self.is_sqlite:
            return self.engine
        return create_engine(self.url, poolclass=_null_pool())

    @contextmanager
    def transaction(self, scope: Scope, *, write: bool = False) -> Iterator[Session]:
        """One transaction for ``scope``: committed when the block ends, rolled back if it
        raises. Writing transactions lock the SQLite file at once (no lost updates)."""
        bind = self._writer if write else self._reader
        with Session(bind=bind, expire_on_commit=False, autoflush=True) as session:
            if not self.is_sqlite:
                session.execute(
                    text(
                        "SELECT set_config('genofab.scope', :scope, true),"
                        " set_config('genofab.sponsor', :sponsor, true)"
                    ),
                    {
                        "scope": "all" if scope.everything else "sponsor",
                        "sponsor": "" if scope.sponsor_id is None else str(scope.sponsor_id),
                    },
                )
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


def _sqlite_events(engine: Engine) -> None:
    """Durable settings on each connection, and BEGIN IMMEDIATE for writers (pysqlite's own
    transaction handling is switched off so SQLAlchemy's events decide)."""

    @event.listens_for(engine, "connect")
    def _connect(connection: Any, record: Any) -> None:
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get("genofab_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
