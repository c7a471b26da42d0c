"""Runs (jobs) and their artifacts, scoped like the documents they run."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from genofab import __version__
from genofab.errors import NotFoundError
from genofab.io.db.audit import record
from genofab.io.db.session import Scope
from genofab.io.db.tables import Artifact, DocumentVersion, Run, utc_now

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def create_run(
    session: Session,
    scope: Scope,
    version: DocumentVersion,
    kind: str,
    *,
    seed: int,
    samples: int | None,
    options: dict[str, Any] | None = None,
) -> Run:
    """A queued run of one document version (audited)."""
    run = Run(
        options=None if options is None else json.dumps(options, ensure_ascii=False),
        sponsor_id=version.sponsor_id,
        version_id=version.id,
        kind=kind,
        state=QUEUED,
        progress=0.0,
        seed=seed,
        samples=samples,
        content_sha256=version.sha256,
        genofab_version=__version__,
        created_by=scope.actor_id,
    )
    session.add(run)
    session.flush()
    record(
        session,
        scope,
        "start",
        "run",
        run.id,
        sponsor_id=version.sponsor_id,
        detail={
            "kind": kind,
            "version_id": version.id,
            "seed": seed,
            "samples": samples,
            "options": options,
        },
    )
    return run


def get_run(session: Session, scope: Scope, run_id: int) -> Run:
    """One run the scope may see."""
    query = select(Run).where(Run.id == run_id)
    if not scope.everything:
        query = query.where(Run.sponsor_id == scope.sponsor_id)
    found = session.scalar(query)
    if found is None:
        raise NotFoundError(f"no run {run_id}")
    return found


def list_runs(session: Session, scope: Scope, version_ids: list[int] | None = None) -> list[Run]:
    """The scope's runs, newest first (optionally of some versions only)."""
    query = select(Run)
    if not scope.everything:
        query = query.where(Run.sponsor_id == scope.sponsor_id)
    if version_ids is not None:
        query = query.where(Run.version_id.in_(version_ids))
    return list(session.scalars(query.order_by(Run.id.desc()).limit(200)))


def set_progress(session: Session, run_id: int, progress: float) -> None:
    """Record how far a running job is (0 to 1)."""
    session.execute(update(Run).where(Run.id == run_id).values(state=RUNNING, progress=progress))


def finish_run(
    session: Session,
    scope: Scope,
    run: Run,
    *,
    result: str | None,
    error: str | None,
    artifacts: dict[str, tuple[str, bytes]],
) -> None:
    """Store a run's result (or its error) and its artifacts, in one transaction."""
    run.state = DONE if error is None else FAILED
    run.progress = 1.0
    run.result = result
    run.error = error
    run.finished_at = utc_now()
    for name, (media_type, content) in artifacts.items():
        session.add(
            Artifact(
                run_id=run.id,
                sponsor_id=run.sponsor_id,
                name=name,
                media_type=media_type,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    session.flush()
    record(
        session,
        scope,
        "finish",
        "run",
        run.id,
        sponsor_id=run.sponsor_id,
        detail={"state": run.state, "artifacts": sorted(artifacts)},
    )


def list_artifacts(session: Session, run: Run) -> list[tuple[int, str, str, int]]:
    """Id, name, media type and size of each artifact of a run."""
    rows = session.execute(
        select(Artifact.id, Artifact.name, Artifact.media_type, func.length(Artifact.content))
        .where(Artifact.run_id == run.id)
        .order_by(Artifact.name)
    )
    return [(row[0], row[1], row[2], int(row[3])) for row in rows]


def get_artifact(session: Session, scope: Scope, run: Run, name: str) -> Artifact:
    """One artifact of a run the scope may see, by the name the server gave it."""
    query = select(Artifact).where(Artifact.run_id == run.id, Artifact.name == name)
    if not scope.everything:
        query = query.where(Artifact.sponsor_id == scope.sponsor_id)
    found = session.scalar(query)
    if found is None:
        raise NotFoundError(f"run {run.id} has no artifact '{name}'")
    return found
