"""Versioned scenarios and plans: saving makes a new version (never an overwrite), scoped to
the sponsor who asks; a save names the version it was based on and a stale one changes
nothing (:class:`~genofab.errors.StaleWriteError`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from genofab.errors import ForbiddenError, NotFoundError, StaleWriteError
from genofab.io.db.audit import record
from genofab.io.db.session import Scope
from genofab.io.db.tables import Document, DocumentVersion

#: What a document holds: YAML (scenario, plan, outlook, network) or batch records (its files
#: in the version's ``payload`` and ``attachment``, a summary as its content).
KINDS = ("scenario", "plan", "outlook", "network", "records")


def _visible(query: Select[Any], scope: Scope) -> Select[Any]:
    return query if scope.everything else query.where(Document.sponsor_id == scope.sponsor_id)


def list_documents(session: Session, scope: Scope, kind: str | None = None) -> list[Document]:
    """The documents the scope may see, by name."""
    query = _visible(select(Document), scope)
    if kind is not None:
        query = query.where(Document.kind == kind)
    return list(session.scalars(query.order_by(Document.kind, Document.name, Document.id)))


# the hottest reads, built once with bound parameters (building and keying a statement costs
# more than running it on SQLite)
_DOCUMENT = select(Document).where(Document.id == bindparam("document_id"))
_SPONSORS_DOCUMENT = _DOCUMENT.where(Document.sponsor_id == bindparam("sponsor_id"))
_VERSION_LIST = (
    select(
        DocumentVersion.id,
        DocumentVersion.document_id,
        DocumentVersion.number,
        DocumentVersion.sha256,
        DocumentVersion.author_name,
        DocumentVersion.created_at,
        DocumentVersion.reason,
    )
    .where(DocumentVersion.document_id == bindparam("document_id"))
    .order_by(DocumentVersion.number)
)


def get_document(session: Session, scope: Scope, document_id: int) -> Document:
    """One document by id, or NotFoundError (also for another sponsor's)."""
    if scope.everything:
        found = session.scalar(_DOCUMENT, {"document_id": document_id})
    else:
        found = session.scalar(
            _SPONSORS_DOCUMENT, {"document_id": document_id, "sponsor_id": scope.sponsor_id}
        )
    if found is None:
        raise NotFoundError(f"no document {document_id}")
    return found


def find_document(
    session: Session, scope: Scope, kind: str, name: str, owner: int | None
) -> Document | None:
    """The document of this kind and name owned by ``owner`` (None: the platform)."""
    query = _visible(select(Document), scope).where(Document.kind == kind, Document.name == name)
    query = query.where(
        Document.sponsor_id.is_(None) if owner is None else Document.sponsor_id == owner
    )
    found: Document | None = session.scalar(query)
    return found


def versions(session: Session, document: Document) -> list[DocumentVersion]:
    """Every version of a document, oldest first."""
    query = select(DocumentVersion).where(DocumentVersion.document_id == document.id)
    return list(session.scalars(query.order_by(DocumentVersion.number)))


def version_list(session: Session, document: Document) -> Sequence[Any]:
    """Every version of a document, oldest first, without its content: id, document_id,
    number, sha256, author_name, created_at and reason."""
    return session.execute(_VERSION_LIST, {"document_id": document.id}).all()


def get_version(session: Session, document: Document, number: int | None = None) -> DocumentVersion:
    """Version ``number`` of a document (the newest when None)."""
    wanted = document.latest if number is None else number
    found = session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.number == wanted
        )
    )
    if found is None:
        raise NotFoundError(f"document {document.id} has no version {wanted}")
    return found


def get_version_by_id(session: Session, scope: Scope, version_id: int) -> DocumentVersion:
    """A version by its own id, within the scope."""
    query = select(DocumentVersion).where(DocumentVersion.id == version_id)
    if not scope.everything:
        query = query.where(DocumentVersion.sponsor_id == scope.sponsor_id)
    found = session.scalar(query)
    if found is None:
        raise NotFoundError(f"no version {version_id}")
    return found


def _digest(content: str, payload: bytes | None, attachment: bytes | None) -> str:
    """SHA-256 of the content, or with files of each part's SHA-256 in turn."""
    if payload is None and attachment is None:
        return hashlib.sha256(content.encode("utf-8")).hexdigest()
    parts = [content.encode("utf-8"), payload or b"", attachment or b""]
    joined = "".join(hashlib.sha256(part).hexdigest() for part in parts)
    return hashlib.sha256(joined.encode("ascii")).hexdigest()


def owner_for(scope: Scope, owner: int | None) -> int | None:
    """Whose document a save makes: a sponsor's own; the manager's choice (None: platform)."""
    if not scope.can_write:
        raise ForbiddenError("a viewer cannot save")
    if not scope.everything and owner not in (None, scope.sponsor_id):
        raise ForbiddenError("only the platform manager saves for another sponsor")
    return owner if scope.everything else scope.sponsor_id


def save_version(
    session: Session,
    scope: Scope,
    *,
    kind: str,
    name: str,
    content: str,
    reason: str,
    base_version: int | None,
    owner: int | None = None,
    payload: bytes | None = None,
    attachment: bytes | None = None,
) -> DocumentVersion:
    """Save ``content`` (with the files ``payload`` and ``attachment``, hashed with it) as the
    next version of document ``name`` (created at version 1 when ``base_version`` is None and
    no such document exists). ``base_version`` must be the newest version, else nothing
    changes and StaleWriteError says which is newest."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    owner = owner_for(scope, owner)
    document = find_document(session, scope, kind, name, owner)
    if document is None:
        if base_version is not None:
            raise NotFoundError(f"no {kind} named '{name}' to make a new version of")
        document = Document(sponsor_id=owner, kind=kind, name=name, latest=1)
        session.add(document)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            raise StaleWriteError(f"a {kind} named '{name}' was created meanwhile", 1) from None
        number = 1
    else:
        if base_version is None:
            raise StaleWriteError(
                f"a {kind} named '{name}' exists: save with the version you read"
                f" (newest: {document.latest})",
                document.latest,
            )
        moved = session.execute(
            update(Document)
            .where(Document.id == document.id, Document.latest == base_version)
            .values(latest=base_version + 1)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            session.refresh(document)
            raise StaleWriteError(
                f"{kind} '{name}' is at version {document.latest}, the save was based on"
                f" version {base_version}: reload it and save again",
                document.latest,
            )
        session.refresh(document)
        number = base_version + 1
    version = DocumentVersion(
        document_id=document.id,
        sponsor_id=owner,
        number=number,
        content=content,
        sha256=_digest(content, payload, attachment),
        payload=payload,
        attachment=attachment,
        author_id=scope.actor_id,
        author_name=scope.actor,
        reason=reason,
    )
    session.add(version)
    session.flush()
    record(
        session,
        scope,
        "save",
        kind,
        document.id,
        sponsor_id=owner,
        reason=reason,
        detail={"name": name, "version": number, "sha256": version.sha256},
    )
    return version
