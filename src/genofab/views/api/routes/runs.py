"""Runs as jobs: start one, follow its progress, read its result, download its artifacts."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as FastPath
from fastapi.responses import Response

from genofab.io.db import runs as store
from genofab.io.db.tables import Run
from genofab.service.jobs import start_run
from genofab.views.api.deps import CallerDep, DatabaseDep, JobsDep
from genofab.views.api.schemas import PathId, RunCreate

router = APIRouter(tags=["runs"])


def describe(run: Run, with_result: bool = False) -> dict[str, Any]:
    """A run's public fields (and its result when asked and done)."""
    described: dict[str, Any] = {
        "id": run.id,
        "version_id": run.version_id,
        "kind": run.kind,
        "state": run.state,
        "progress": run.progress,
        "seed": run.seed,
        "samples": run.samples,
        "options": json.loads(run.options) if run.options else None,
        "scenario_sha256": run.content_sha256,
        "genofab_version": run.genofab_version,
        "error": run.error,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
    if with_result:
        described["result"] = json.loads(run.result) if run.result else None
    return described


@router.post("/runs", status_code=202)
def create_run(
    body: RunCreate, caller: CallerDep, database: DatabaseDep, jobs: JobsDep
) -> dict[str, Any]:
    """Queue a run of a document version (newest by default); poll ``GET /runs/{id}``."""
    run_id = start_run(
        database,
        caller.scope,
        body.document_id,
        body.version,
        body.kind,
        seed=body.seed,
        samples=body.samples,
        grid=body.grid,
    )
    jobs.submit(run_id)
    with database.transaction(caller.scope) as session:
        return describe(store.get_run(session, caller.scope, run_id))


@router.get("/runs")
def list_runs(caller: CallerDep, database: DatabaseDep) -> list[dict[str, Any]]:
    """The caller's runs, newest first."""
    with database.transaction(caller.scope) as session:
        return [describe(run) for run in store.list_runs(session, caller.scope)]


@router.get("/runs/{run_id}")
async def get_run(run_id: PathId, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """A run: state, progress, and when done its result and artifacts."""
    with database.transaction(caller.scope) as session:
        run = store.get_run(session, caller.scope, run_id)
        artifacts = store.list_artifacts(session, run)
    return describe(run, with_result=True) | {
        "artifacts": [
            {"name": name, "media_type": media, "bytes": size} for _, name, media, size in artifacts
        ]
    }


@router.get("/runs/{run_id}/artifacts/{name}")
def download_artifact(
    run_id: PathId,
    name: Annotated[str, FastPath(min_length=1, max_length=120)],
    caller: CallerDep,
    database: DatabaseDep,
) -> Response:
    """One artifact of a run, by the name the server gave it (looked up, never a path)."""
    with database.transaction(caller.scope) as session:
        run = store.get_run(session, caller.scope, run_id)
        artifact = store.get_artifact(session, caller.scope, run, name[:120])
    safe = "".join(c for c in artifact.name if c.isalnum() or c in "-_.")
    return Response(
        artifact.content,
        media_type=artifact.media_type,
        headers={"Content-Disposition": f'attachment; filename="run{run_id}-{safe}"'},
    )
