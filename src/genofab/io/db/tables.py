"""The workbench's tables (SQLAlchemy 2 ORM): sponsors and people, versioned scenarios and
plans, runs and their artifacts, demand requests and their lots, the anonymised room load and
the audit trail.

Tenant tables carry ``sponsor_id`` (NULL: a platform record, seen by the platform manager
only); :data:`TENANT_TABLES` lists them, and on PostgreSQL each has row-level security, forced.
Version rows and audit rows are never updated or deleted (database triggers refuse it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every workbench table."""


def utc_now() -> dt.datetime:
    """The server's time in UTC (timestamps are never taken from a client)."""
    return dt.datetime.now(dt.UTC)


Timestamp = DateTime(timezone=True)


class Sponsor(Base):
    """A company, hospital or start-up that books the platform."""

    __tablename__ = "sponsors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)


class User(Base):
    """A person: platform manager (no sponsor), or a sponsor's member or viewer."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)


class ApiToken(Base):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class WebSession(Base):
    """A browser session: the SHA-256 of its cookie secret, its CSRF token and its expiry."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class Document(Base):
    """A named scenario, plan, outlook, network or set of batch records; its content lives in
    immutable :class:`DocumentVersion` rows, ``latest`` is the newest version's number (the
    optimistic-concurrency counter)."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    latest: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)


# one name per owner and kind; the platform's own documents (sponsor_id NULL) count as owner 0
Index(
    "uq_documents_owner_kind_name",
    func.coalesce(Document.sponsor_id, 0),
    Document.kind,
    Document.name,
    unique=True,
)


class DocumentVersion(Base):
    """One saved version: content, content hash, author, time and reason. Never changed."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id"))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    reason: Mapped[str] = mapped_column(Text)
    #: An uploaded file kept as it came (a batch-records version's lot file), or None.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: A second uploaded file (a batch-records version's environment monitoring), or None.
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class Run(Base):
    """A job on one document version: its kind, state, progress, and when done its result
    (JSON) with the version's hash, genofab's version and the seed."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"))
    kind: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    seed: Mapped[int] = mapped_column(Integer, default=1)
    samples: Mapped[int | None] = mapped_column(Integer)
    #: The job's other options as JSON (a sweep's grid), or None.
    options: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    genofab_version: Mapped[str] = mapped_column(String(32))
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class Artifact(Base):
    """A downloadable file of a run (HTML report, workbook, figure, Parquet samples), stored
    in the database under a server-chosen name: no request text ever names a file."""

    __tablename__ = "artifacts"
    __table_args__ = (UniqueConstraint("run_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id"))
    name: Mapped[str] = mapped_column(String(120))
    media_type: Mapped[str] = mapped_column(String(80))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class DemandRequest(Base):
    """A sponsor's request for lots of a product by a date, moving through
    :data:`genofab.service.booking.TRANSITIONS`; ``version`` counts its changes."""

    __tablename__ = "demand_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("sponsors.id"))
    product: Mapped[str] = mapped_column(String(64))
    scenario_version_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"))
    lots: Mapped[int] = mapped_column(Integer)
    due: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)


class ScheduledLot(Base):
    """One lot of a request as the latest schedule placed it."""

    __tablename__ = "scheduled_lots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("demand_requests.id"))
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("sponsors.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    label: Mapped[str] = mapped_column(String(64))
    room: Mapped[str] = mapped_column(String(64))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    release: Mapped[dt.date] = mapped_column(Date)


class RoomLoad(Base):
    """Anonymised platform load from the latest schedule: days each room is held per month,
    with no sponsor, product or lot (what every sponsor may see)."""

    __tablename__ = "room_load"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    room: Mapped[str] = mapped_column(String(64))
    month: Mapped[dt.date] = mapped_column(Date)
    busy_days: Mapped[float] = mapped_column(Float)
    days: Mapped[float] = mapped_column(Float)


class AuditEvent(Base):
    """Who did what, when and why; written in the same transaction as the change it records,
    never updated or deleted."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    genofab_version: Mapped[str] = mapped_column(String(32))


#: Tables whose rows belong to one sponsor (or to the platform when ``sponsor_id`` is NULL).
TENANT_TABLES = (
    "documents",
    "document_versions",
    "runs",
    "artifacts",
    "demand_requests",
    "scheduled_lots",
    "audit",
)
#: Tables whose rows are written once and never changed.
APPEND_ONLY_TABLES = ("audit", "document_versions")
