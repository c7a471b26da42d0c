"""Batch records under each product: upload a lot file (and environment monitoring) as a new
version, list them, read a version's summary, download its files; the review runs as a job
(``POST /api/runs`` with ``kind: review``, started at each upload)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from fastapi import Path as FastPath
from fastapi.responses import Response

from genofab.io.db import documents as store
from genofab.io.db import runs as run_store
from genofab.model.records import MAX_BYTES
from genofab.service import stored_records as service
from genofab.service.documents import describe, describe_version
from genofab.service.jobs import start_run
from genofab.views.api.deps import CallerDep, DatabaseDep, JobsDep
from genofab.views.api.schemas import PathId

router = APIRouter(tags=["records"])


async def read_upload(file: UploadFile) -> service.Upload:
    """An uploaded file's bytes within the records' limit (413 over it); its name is read only
    for its ending (.csv or .xlsx), never to open anything."""
    raw = await file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise HTTPException(413, f"the upload is over {MAX_BYTES // 2**20} MiB")
    return service.upload_of(raw, file.filename)


def upload_and_review(
    database: Any,
    jobs: Any,
    caller: Any,
    lots: service.Upload,
    monitoring: service.Upload | None,
    **fields: Any,
) -> dict[str, Any]:
    """Store an upload (all or nothing) and queue its review; what the upload answers."""
    saved, summary = service.save_records(
        database, caller.scope, lots_file=lots, monitoring_file=monitoring, **fields
    )
    run_id = start_run(database, caller.scope, saved.document_id, saved.version, "review")
    jobs.submit(run_id)
    return {
        "id": saved.document_id,
        "name": saved.name,
        "kind": saved.kind,
        "version": saved.version,
        "sha256": saved.sha256,
        "summary": summary,
        "review_run_id": run_id,
    }


@router.post("/records/upload", status_code=201)
async def upload_records(
    caller: CallerDep,
    database: DatabaseDep,
    jobs: JobsDep,
    file: Annotated[UploadFile, File(description="lot records: .csv or .xlsx, either layout")],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
    name: Annotated[
        str | None,
        Form(
            max_length=80,
            pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$",
            description="the records' name (default: from the file's product)",
        ),
    ] = None,
    monitoring: Annotated[
        UploadFile | None, File(description="environment monitoring: .csv or .xlsx")
    ] = None,
    sheet: Annotated[str | None, Form(max_length=31)] = None,
    layout: Annotated[str, Form(pattern="^(auto|wide|long)$")] = "auto",
    specifications: Annotated[
        str, Form(max_length=5000, description="MEASUREMENT=LOW:HIGH, one a line")
    ] = "",
    scenario: Annotated[
        str | None,
        Form(max_length=90, description="a stored scenario, NAME or NAME@VERSION"),
    ] = None,
    baseline: Annotated[
        int | None,
        Form(ge=2, le=100_000, description="lots (in date order) that set the limits; all if none"),
    ] = None,
    rules: Annotated[
        str,
        Form(
            max_length=200,
            description="run rules: nelson, western-electric, none, or single rules (nelson2),"
            " comma-separated",
        ),
    ] = "nelson",
    base_version: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> dict[str, Any]:
    """Check lot records (and environment monitoring) as ``genofab records check`` does and
    store them as a new version (422 with every problem at its sheet, row and column, nothing
    stored); the review starts as a job. The files' own names are used only for their ending."""
    lots = await read_upload(file)
    watched = await read_upload(monitoring) if monitoring is not None else None
    return upload_and_review(
        database,
        jobs,
        caller,
        lots,
        watched,
        reason=reason,
        name=name or None,
        sheet=sheet or None,
        layout=layout,
        specifications=specifications,
        scenario=scenario or None,
        baseline=baseline,
        rules=rules,
        base_version=base_version,
    )


@router.get("/records")
def list_records(caller: CallerDep, database: DatabaseDep) -> list[dict[str, Any]]:
    """The caller's batch records (every sponsor's for the platform manager), with the
    products, sites and lots of their newest version."""
    with database.transaction(caller.scope) as session:
        found = []
        for document in store.list_documents(session, caller.scope, service.KIND):
            summary = json.loads(store.get_version(session, document).content)
            found.append(
                describe(document)
                | {
                    "products": summary["lots_file"]["products"],
                    "sites": summary["lots_file"]["sites"],
                    "lots": summary["lots_file"]["lots"],
                }
            )
        return found


@router.get("/records/{document_id}")
def get_records(document_id: PathId, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """Batch records: their versions, the newest version's summary and its review runs."""
    with database.transaction(caller.scope) as session:
        document = _records(session, caller.scope, document_id)
        kept = store.version_list(session, document)
        newest = store.get_version(session, document)
        runs = run_store.list_runs(session, caller.scope, [newest.id])
        return describe(document) | {
            "versions": [describe_version(v) for v in kept],
            "summary": json.loads(newest.content),
            "review_runs": [{"id": r.id, "state": r.state} for r in runs],
        }


@router.get("/records/{document_id}/versions/{number}/{part}")
def download_records(
    document_id: PathId,
    number: PathId,
    part: Annotated[str, FastPath(pattern="^(lots|monitoring)$")],
    caller: CallerDep,
    database: DatabaseDep,
) -> Response:
    """A version's lot file (``lots``) or monitoring file (``monitoring``), as uploaded."""
    with database.transaction(caller.scope) as session:
        document = _records(session, caller.scope, document_id)
        version = store.get_version(session, document, number)
        summary = json.loads(version.content)
        raw = version.payload if part == "lots" else version.attachment
    if raw is None:
        raise HTTPException(404, "not found")
    excel = summary["lots_file"]["excel"] if part == "lots" else raw[:2] == b"PK"
    ending = "xlsx" if excel else "csv"
    file_name = f"{document.name}-v{number}-{part}.{ending}"
    media = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if excel
        else "text/csv; charset=utf-8"
    )
    return Response(
        raw,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


def _records(session: Any, scope: Any, document_id: int) -> Any:
    from genofab.errors import NotFoundError

    document = store.get_document(session, scope, document_id)
    if document.kind != service.KIND:
        raise NotFoundError(f"no batch records {document_id}")
    return document
